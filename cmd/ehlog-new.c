/* ehlog-new - make new case-file records: the Early Help Conversation
   Log (the default), and the other record types no other tool owns.  */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casefile.h"
#include "cli.h"
#include "contract.h"
#include "convlog.h"
#include "corrections.h"
#include "editor.h"
#include "fieldopt.h"
#include "form.h"
#include "jsonload.h"
#include "make.h"
#include "operand.h"
#include "record.h"
#include "strmap.h"
#include "table.h"

enum
{
  OPT_TEMPLATE = 0x1200, OPT_FORM, OPT_EDIT, OPT_AS_FORM, OPT_QUESTIONS,
  PART_CODE = 0x1300,           /* + a part of the conversation log */
  FIELD_CODE = 0x1400           /* + a field option of another type */
};

/* The types ehlog-new makes besides the conversation.  */
#define OTHER_TYPES \
  "open contact assessment plan statement document supervision close void"

/* The types other programs make.  */
static const struct
{
  const char *type, *tool;
} made_elsewhere[] = {
  { "scale", "ehlog-scale" },
  { "network", "ehlog-network" },
  { "meeting", "ehlog-network" },
};

/* An open record's children are given child by child.  */
static const struct ehl_opt_name open_names[] = {
  { "children.ref", "child-ref" },
  { "children.name", "child" },
  { "children.dob", "dob" },
  { NULL, NULL }
};

static const struct option common_options[] = {
  EHL_COMMON_LONG_OPTIONS,
  { NULL, 0, NULL, 0 }
};

/* The --help line of a part of the log, with the values the contract
   allows.  */
static void
part_usage (const struct ehl_part *part)
{
  char left[64], text[512];
  const struct ehl_field *f = part->field
    ? ehl_field_lookup (EHL_T_CONVERSATION, part->field) : NULL;
  snprintf (left, sizeof left, "      %s=%s", part->option, part->arg);
  snprintf (text, sizeof text, "%s%s", part->help,
            part->repeatable ? " (repeatable)" : "");
  for (const char *const *v = f ? f->values : NULL; v && *v; v++)
    {
      strcat (text, v == f->values ? "; one of: " : " ");
      strcat (text, *v);
    }
  ehl_help_option (stdout, left, text);
}

static void
usage (void)
{
  printf ("Usage: %s [conversation] [OPTION]...\n"
          "  or:  %s --template|--questions|--edit|--form=FILE"
          " [OPTION]...\n"
          "  or:  %s --as-form [FILE]...\n"
          "  or:  %s TYPE [OPTION]...\n", ehl_program (), ehl_program (),
          ehl_program (), ehl_program ());
  fputs ("Make new case-file records (ehlog(7)) and write them to standard"
         " output,\n"
         "or append them to FILE with -a.  TYPE is conversation (the"
         " default: the\n"
         "Early Help Conversation Log) or one of:\n"
         "  " OTHER_TYPES "\n"
         "and 'ehlog-new TYPE --help' lists its options.  Nothing is"
         " written unless\n"
         "everything is valid.\n"
         "\n"
         "The conversation log (each scale answer and attachment makes a"
         " record of\n"
         "its own):\n", stdout);
  for (int p = 0; p < EHL_P_COUNT; p++)
    if (ehl_parts[p].kind != EHL_PART_ENVELOPE)
      part_usage (&ehl_parts[p]);
  fputs ("\nThe form:\n", stdout);
  ehl_help_option (stdout, "      --template", "print the blank form,"
                   " with what the options give filled in");
  ehl_help_option (stdout, "      --form=FILE", "record the filled-in form"
                   " FILE (- for standard input); options fill what it"
                   " leaves out");
  ehl_help_option (stdout, "      --edit", "edit the form in $VISUAL or"
                   " $EDITOR, then record it");
  ehl_help_option (stdout, "      --as-form", "print the conversation"
                   " records of FILEs as forms");
  ehl_help_option (stdout, "      --questions", "print the guidance's"
                   " questions, with --child's name");
  fputs ("\nEvery record:\n", stdout);
  ehl_maker_help (stdout, false);
  ehl_print_help_tail ();
}

static void
type_usage (enum ehl_type type, const ehl_fieldopts *fo)
{
  printf ("Usage: %s %s [OPTION]...\n", ehl_program (), ehl_type_name (type));
  printf ("Make one %s record (ehlog(7)) and write it to standard output,"
          " or\nappend it to FILE with -a.  Nothing is written unless"
          " everything is valid.\n\n", ehl_type_name (type));
  ehl_fieldopts_help (fo, stdout);
  ehl_maker_help (stdout, type != EHL_T_OPEN);
  ehl_print_help_tail ();
}

/* ---- the other types: options from the contract tables ---- */

/* A document's --path is read for its SHA-256, unless --sha256 gives
   it.  */
static void
hash_document (ehl_maker *mk, json_t *rec)
{
  const char *path = ehl_get_str (rec, "path");
  struct ehl_source src = { NULL, 0, "--path" };
  if (path && !json_object_get (rec, "sha256"))
    ehl_maker_set_file_sha256 (mk, rec, path, &src);
}

static int
make_record (enum ehl_type type, int argc, char **argv, ehl_maker *mk,
             json_t *rec, ehl_fieldopts *fo, const struct option *longopts)
{
  int c;
  while ((c = getopt_long (argc, argv, "a:", longopts, NULL)) != -1)
    if (c == EHL_OPT_HELP)
      {
        type_usage (type, fo);
        return EHL_EXIT_OK;
      }
    else if (c == EHL_OPT_VERSION)
      {
        ehl_print_version ();
        return EHL_EXIT_OK;
      }
    else if (!ehl_maker_option (mk, c, optarg)
             && !ehl_fieldopts_apply (fo, mk, rec, c, optarg))
      return ehl_usage_error ();
  if (optind < argc)
    return ehl_usage_fail ("unexpected operand (the record type comes"
                           " first; quote values with spaces)");
  if (type == EHL_T_DOCUMENT)
    hash_document (mk, rec);
  ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
  ehl_fieldopts_register (fo, mk, rec);
  return ehl_maker_finish (mk) ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

static int
record_main (enum ehl_type type, int argc, char **argv)
{
  ehl_maker *mk = ehl_maker_new ();
  json_t *rec = mk ? ehl_maker_begin (mk, type) : NULL;
  ehl_fieldopts *fo = ehl_fieldopts_new (type, type == EHL_T_OPEN
                                         ? open_names : NULL, FIELD_CODE);
  struct option *longopts = NULL;
  if (fo)
    {
      const struct option *tables[] = {
        common_options, ehl_fieldopts_table (fo), ehl_maker_options
      };
      longopts = ehl_options_join (tables, 3);
    }
  int status = EHL_EXIT_TROUBLE;
  if (rec && longopts)
    status = make_record (type, argc, argv, mk, rec, fo, longopts);
  else if (!mk || rec)            /* ehl_maker_begin said so itself */
    ehl_warn ("%s", strerror (ENOMEM));
  free (longopts);
  ehl_fieldopts_free (fo);
  ehl_maker_free (mk);
  return ehl_finish (status);
}

/* ---- the conversation log ---- */

struct conv
{
  ehl_maker *mk;
  struct ehl_log log;           /* the parts the options give */
  int mode;                     /* 0 (record from options) or OPT_* */
  const char *form;             /* --form FILE */
};

/* Where a problem of a form is reported: the maker counts it.  */
struct form_ctx
{
  ehl_maker *mk;
  const char *name;
};

static void
on_form_problem (void *ctx, long line, const char *message)
{
  struct form_ctx *fc = ctx;
  struct ehl_source src = { fc->name, line, NULL };
  ehl_maker_problem (fc->mk, NULL, NULL, &src, "%s", message);
}

/* The whole of file PATH ("-": standard input), NUL-terminated, in a
   malloc'd buffer; NULL on error, reported as NAME's (if not NULL).  */
static char *
read_whole (const char *path, const char *name, size_t *len)
{
  bool is_stdin = ehl_operand_is_stdin (path);
  FILE *in = is_stdin ? stdin : fopen (path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  bool ok = in != NULL;
  while (ok)
    {
      if (cap - n < 4096)
        {
          char *bigger = realloc (buf, cap = cap * 2 + 8192);
          ok = bigger != NULL;
          buf = ok ? bigger : buf;
          if (!ok)
            errno = ENOMEM;
        }
      if (!ok)
        break;
      size_t got = fread (buf + n, 1, cap - n - 1, in);
      n += got;
      if (got == 0)
        {
          ok = !ferror (in);
          break;
        }
    }
  int err = errno;
  if (in && !is_stdin && fclose (in) != 0 && ok)
    {
      ok = false;
      err = errno;
    }
  if (!ok)
    {
      if (name)
        ehl_warn_at (name, 0, "%s", strerror (err));
      free (buf);
      return NULL;
    }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* Record the form in FILE, laid over the options.  */
static int
record_form (struct conv *cv)
{
  const char *name = ehl_operand_name (cv->form);
  size_t len;
  char *buf = read_whole (cv->form, name, &len);
  if (!buf)
    return EHL_EXIT_TROUBLE;
  struct ehl_log flog;
  struct form_ctx fc = { cv->mk, name };
  ehl_log_init (&flog, name);
  ehl_form_parse (buf, len, &flog, on_form_problem, &fc);
  bool ok = ehl_log_merge (&cv->log, &flog);
  ehl_log_free (&flog);
  free (buf);
  if (!ok)
    {
      ehl_warn ("%s", strerror (ENOMEM));
      return EHL_EXIT_TROUBLE;
    }
  ehl_log_build (&cv->log, cv->mk, ehl_maker_env (cv->mk));
  return ehl_maker_finish (cv->mk) ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

/* The blank form, with the options' values, in a malloc'd string; NULL
   after saying that memory ran out.  */
static char *
template_text (struct conv *cv, size_t *len)
{
  char *text = NULL;
  FILE *mem = open_memstream (&text, len);
  bool ok = mem && ehl_log_fill_envelope (&cv->log, ehl_maker_env (cv->mk));
  if (ok)
    ehl_form_write (mem, &cv->log);
  if (mem)
    ok &= ehl_memstream_close (mem, &text);
  if (ok)
    return text;
  free (text);
  ehl_warn ("%s", strerror (ENOMEM));
  return NULL;
}

/* A new file in $TMPDIR holding TEXT, its name in PATH.  */
static bool
write_temp_form (const char *text, size_t len, char *path, size_t size)
{
  snprintf (path, size, "%s/ehlog-form-XXXXXX.txt", ehl_temp_dir ());
  int fd = mkstemps (path, 4);  /* mode 0600 */
  FILE *out = fd >= 0 ? fdopen (fd, "w") : NULL;
  bool ok = out && fwrite (text, 1, len, out) == len;
  int err = errno;
  if (out && fclose (out) != 0 && ok)
    {
      ok = false;
      err = errno;
    }
  else if (!out && fd >= 0)
    close (fd);
  if (!ok)
    {
      ehl_warn_at (path, 0, "cannot write the form: %s", strerror (err));
      if (fd >= 0)
        unlink (path);
    }
  return ok;
}

/* Record the form the user saved in PATH; TEMPLATE is what they got.  */
static int
record_edited (struct conv *cv, const char *path, const char *template,
               size_t tlen)
{
  size_t len;
  char *buf = read_whole (path, path, &len);
  if (!buf)
    return EHL_EXIT_TROUBLE;
  struct ehl_log before, after;
  struct form_ctx fc = { cv->mk, path };
  ehl_log_init (&before, path);
  ehl_log_init (&after, path);
  ehl_form_parse (template, tlen, &before, NULL, NULL);
  int bad = ehl_form_parse (buf, len, &after, on_form_problem, &fc);
  free (buf);
  int status = EHL_EXIT_TROUBLE;
  bool keep = false;
  if (!bad && ehl_log_empty (&after))
    ehl_warn ("the form is empty: nothing recorded");
  else if (!bad && ehl_log_same (&before, &after))
    ehl_warn ("the form was not changed: nothing recorded");
  else
    {
      /* The options are in the form already: the form alone counts.  */
      struct ehl_make_env env = { .append = ehl_maker_env (cv->mk)->append };
      ehl_log_build (&after, cv->mk, &env);
      keep = !ehl_maker_finish (cv->mk);
      /* On standard output the record may not have gone out yet, and a
         write error is only reported at the end: the form must not go
         before the record has.  */
      if (!keep && !env.append)
        keep = !ehl_flush_stdout ();
      status = keep ? EHL_EXIT_TROUBLE : EHL_EXIT_OK;
    }
  ehl_log_free (&before);
  ehl_log_free (&after);
  if (keep)
    ehl_warn ("the form is kept in %s: correct it, then record it with"
              " --form", path);
  else
    unlink (path);
  return status;
}

/* Does the file PATH hold anything but TEMPLATE (LEN bytes)?  A file
   that cannot be read holds nothing to keep.  */
static bool
form_changed (const char *path, const char *template, size_t len)
{
  size_t n;
  char *text = read_whole (path, NULL, &n);
  bool changed = text && (n != len || memcmp (text, template, len) != 0);
  free (text);
  return changed;
}

static int
edit_form (struct conv *cv)
{
  size_t len;
  char path[4096];
  char *template = template_text (cv, &len);
  if (!template)
    return EHL_EXIT_TROUBLE;
  int status = EHL_EXIT_TROUBLE;
  if (write_temp_form (template, len, path, sizeof path))
    {
      bool edited = ehl_run_editor (ehl_editor (), path);
      /* An editor that saves a new file may have widened its mode.  */
      (void) chmod (path, 0600);
      if (edited)
        status = record_edited (cv, path, template, len);
      else if (form_changed (path, template, len))
        /* The editor may have failed after the user typed: keep it.  */
        ehl_warn ("nothing recorded; the form is kept in %s: record it"
                  " with --form", path);
      else
        {
          ehl_warn ("nothing recorded");
          unlink (path);
        }
    }
  free (template);
  return status;
}

/* ---- --as-form ---- */

/* Does TEXT, read back as a form, give CONV again (its id aside)?  1 if
   so, 0 if not, -1 if memory ran out finding out.  */
static int
form_gives_back (json_t *conv, const char *text, size_t len)
{
  struct ehl_log log;
  struct ehl_make_env env = { .append = NULL };
  unsigned long failures = ehl_alloc_failures ();
  ehl_maker *mk = ehl_maker_new ();
  bool same = false;
  if (!mk)
    return -1;
  ehl_log_init (&log, "form");
  if (ehl_form_parse (text, len, &log, NULL, NULL) == 0)
    {
      ehl_maker_divert (mk, NULL);
      ehl_log_build (&log, mk, &env);
      if (ehl_maker_check (mk) == 0)
        {
          json_t *a = json_copy (conv);
          json_t *b = json_copy (ehl_maker_record (mk, 0));
          json_object_del (a, "id");
          json_object_del (b, "id");
          same = json_equal (a, b);
          json_decref (a);
          json_decref (b);
        }
    }
  ehl_log_free (&log);
  ehl_maker_free (mk);
  return ehl_alloc_failures () != failures ? -1 : same;
}

/* Does a correction in NAMED name REC?  False too if memory ran out
   working out its id (*OK then false).  */
static bool
is_named (const ehl_corrections *named, json_t *rec, bool *ok)
{
  uint64_t id;
  const char *case_id = ehl_record_case (rec);
  if (!ehl_record_id_of (rec, &id))
    {
      *ok = false;
      return false;
    }
  return case_id && ehl_corrections_named (named, case_id,
                                           ehl_hash_string (case_id), id);
}

/* Of the scaling answers LIST (or NULL), a new array of those that still
   count (NULL if memory ran out).  */
static json_t *
counting (const ehl_corrections *named, json_t *list, bool *ok)
{
  json_t *out = json_array ();
  size_t i;
  json_t *v;
  json_array_foreach (list, i, v)
    if (out && !is_named (named, v, ok) && *ok
        && json_array_append (out, v) != 0)
      *ok = false;
  if (!out || !*ok)
    {
      *ok = false;
      json_decref (out);
      return NULL;
    }
  return out;
}

/* False if memory ran out (said).  */
static bool
print_as_form (const struct ehl_record *rec, json_t *scales, bool first,
               bool corrected)
{
  struct ehl_log log;
  char *text = NULL;
  size_t len = 0;
  ehl_log_init (&log, NULL);
  FILE *mem = open_memstream (&text, &len);
  bool ok = mem && ehl_log_from_record (&log, rec->json, scales);
  if (ok)
    {
      const char *id = ehl_get_str (rec->json, "id");
      fprintf (mem, "%s# ---- record %s, %s:%ld ----\n", first ? "" : "\n",
               id ? id : "without an id", rec->file, rec->line);
      if (corrected)
        fputs ("# A correction names this record: it no longer counts.\n",
               mem);
      ehl_form_write (mem, &log);
    }
  if (mem && !ehl_memstream_close (mem, &text))
    ok = false;
  int same = 0;
  if (ok)
    {
      /* For a terminal: a control is shown as a space, and the form then
         does not give the record back exactly, which is said below.  */
      ehl_blank_controls (text, len);
      same = form_gives_back (rec->json, text + (first ? 0 : 1),
                              len - (first ? 0 : 1));
      ok = same >= 0;
    }
  if (ok)
    {
      fwrite (text, 1, len, stdout);
      if (!same)
        ehl_warn_at (rec->file, rec->line, "the form cannot show this record"
                     " exactly (a field outside the form, blanks it drops,"
                     " or a control character)");
    }
  free (text);
  ehl_log_free (&log);
  return ok;
}

static void
free_array (const char *key, void *value, void *ctx)
{
  (void) key;
  (void) ctx;
  json_decref (value);
}

/* Keep a reference to REC in SCALES if it is a scaling answer about a
   conversation.  False if memory ran out.  */
static bool
keep_scale (ehl_strmap *scales, const struct ehl_record *rec)
{
  const char *about = ehl_get_str (rec->json, "about");
  const char *scale = ehl_get_str (rec->json, "scale");
  if (rec->type != EHL_T_SCALE || !about || !scale
      || strcmp (scale, "situation") != 0)
    return true;
  json_t *list = ehl_strmap_get (scales, about);
  if (!list)
    {
      list = json_array ();
      if (!list || !ehl_strmap_put (scales, about, list))
        {
          json_decref (list);
          return false;
        }
    }
  return json_array_append (list, rec->json) == 0;
}

/* Print every conversation record of FILES as a form, with the scaling
   answers about it that still count, and a note on one that no longer
   does.  The conversations are kept until the end, since a scale or a
   correction may come after its conversation.  */
static int
as_form (char **files, int nfiles)
{
  ehl_reader *r = ehl_reader_new (files, nfiles, EHL_READ_VALIDATE);
  ehl_strmap *scales = ehl_strmap_new ();
  ehl_corrections *named = ehl_corrections_new ();
  struct ehl_record *convs = NULL, rec;
  size_t n = 0, cap = 0;
  bool ok = r && scales && named;
  while (ok && ehl_reader_next (r, &rec))
    if (!ehl_corrections_note (named, rec.json, rec.type))
      {
        ok = false;
        json_decref (rec.json);
      }
    else if (rec.type == EHL_T_CONVERSATION)
      {
        if (n == cap)
          {
            struct ehl_record *bigger = realloc (convs, (cap = cap * 2 + 16)
                                                 * sizeof *bigger);
            ok = bigger != NULL;
            convs = ok ? bigger : convs;
          }
        if (ok)
          convs[n++] = rec;
        else
          json_decref (rec.json);
      }
    else
      {
        ok = keep_scale (scales, &rec);
        json_decref (rec.json);
      }
  for (size_t i = 0; i < n; i++)
    {
      const char *id = ehl_get_str (convs[i].json, "id");
      json_t *list = id ? ehl_strmap_get (scales, id) : NULL;
      json_t *kept = ok && list ? counting (named, list, &ok) : NULL;
      bool corrected = ok && is_named (named, convs[i].json, &ok);
      if (ok)
        ok = print_as_form (&convs[i], kept, i == 0, corrected);
      json_decref (kept);
      json_decref (convs[i].json);
    }
  if (!ok)
    ehl_warn ("%s", strerror (ENOMEM));
  free (convs);
  int status = !ok || !r || ehl_reader_stats (r)->bad
               || ehl_reader_stats (r)->io_errors
               ? EHL_EXIT_TROUBLE : EHL_EXIT_OK;
  if (scales)
    ehl_strmap_each (scales, free_array, NULL);
  ehl_strmap_free (scales);
  ehl_corrections_free (named);
  ehl_reader_free (r);
  return status;
}

/* ---- options ---- */

static bool
envelope_given (const struct ehl_make_env *env)
{
  return env->case_id.text || env->date.text || env->by.text
         || env->child.text || env->supersedes.text || env->append;
}

static void
add_part_option (struct conv *cv, int p, const char *arg)
{
  struct ehl_source src = { NULL, 0, ehl_parts[p].option };
  if (!ehl_parts[p].repeatable && cv->log.parts[p].n)
    ehl_maker_problem (cv->mk, NULL, NULL, &src, "given more than once");
  else if (!ehl_log_add (&cv->log, p, arg, strlen (arg), NULL, 0))
    ehl_maker_problem (cv->mk, NULL, NULL, NULL, "%s", strerror (ENOMEM));
}

/* Parse the options into CV; returns -1 to go on, else the exit status.  */
static int
parse_conversation (struct conv *cv, int argc, char **argv,
                    const struct option *longopts)
{
  int c;
  while ((c = getopt_long (argc, argv, "a:", longopts, NULL)) != -1)
    if (c == EHL_OPT_HELP)
      {
        usage ();
        return EHL_EXIT_OK;
      }
    else if (c == EHL_OPT_VERSION)
      {
        ehl_print_version ();
        return EHL_EXIT_OK;
      }
    else if (c >= OPT_TEMPLATE && c <= OPT_QUESTIONS)
      {
        if (cv->mode)
          return ehl_usage_fail ("only one of --template, --form, --edit,"
                                 " --as-form and --questions");
        cv->mode = c;
        cv->form = optarg;
      }
    else if (c >= PART_CODE && c < PART_CODE + EHL_P_COUNT)
      add_part_option (cv, c - PART_CODE, optarg);
    else if (!ehl_maker_option (cv->mk, c, optarg))
      return ehl_usage_error ();

  const struct ehl_make_env *env = ehl_maker_env (cv->mk);
  bool recording = !cv->mode || cv->mode == OPT_FORM || cv->mode == OPT_EDIT;
  if (!recording && env->append)
    return ehl_usage_fail ("--append is only for making records");
  if (cv->mode == OPT_AS_FORM
      && (!ehl_log_empty (&cv->log) || envelope_given (env)))
    return ehl_usage_fail ("--as-form takes no other options");
  if (cv->mode != OPT_AS_FORM && optind < argc)
    return ehl_usage_fail ("unexpected operand (quote values with spaces)");
  return -1;
}

static int
run_conversation (struct conv *cv, int argc, char **argv)
{
  switch (cv->mode)
    {
    case OPT_QUESTIONS:
      ehl_form_questions (stdout, ehl_log_first (&cv->log, EHL_P_CHILD));
      return EHL_EXIT_OK;
    case OPT_AS_FORM:
      return as_form (argv + optind, argc - optind);
    case OPT_TEMPLATE:
      if (ehl_maker_problems (cv->mk) == 0)
        {
          size_t len;
          char *text = template_text (cv, &len);
          if (!text)
            return EHL_EXIT_TROUBLE;
          fwrite (text, 1, len, stdout);
          free (text);
          return EHL_EXIT_OK;
        }
      return EHL_EXIT_TROUBLE;
    case OPT_EDIT:
      return ehl_maker_problems (cv->mk) ? EHL_EXIT_TROUBLE : edit_form (cv);
    case OPT_FORM:
      return record_form (cv);
    default:
      ehl_log_build (&cv->log, cv->mk, ehl_maker_env (cv->mk));
      return ehl_maker_finish (cv->mk) ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
    }
}

static int
conversation_main (int argc, char **argv)
{
  static const struct option mode_options[] = {
    { "template", no_argument, NULL, OPT_TEMPLATE },
    { "form", required_argument, NULL, OPT_FORM },
    { "edit", no_argument, NULL, OPT_EDIT },
    { "as-form", no_argument, NULL, OPT_AS_FORM },
    { "questions", no_argument, NULL, OPT_QUESTIONS },
    { NULL, 0, NULL, 0 }
  };
  struct option part_options[EHL_P_COUNT + 1];
  int k = 0;
  for (int p = 0; p < EHL_P_COUNT; p++)
    if (ehl_parts[p].kind != EHL_PART_ENVELOPE)
      part_options[k++] = (struct option) {
        ehl_parts[p].option + 2, required_argument, NULL, PART_CODE + p
      };
  part_options[k] = (struct option) { NULL, 0, NULL, 0 };
  const struct option *tables[] = {
    common_options, mode_options, part_options, ehl_maker_options
  };
  struct option *longopts = ehl_options_join (tables, 4);
  struct conv cv = { ehl_maker_new (), { 0 }, 0, NULL };
  ehl_log_init (&cv.log, NULL);

  int status = EHL_EXIT_TROUBLE;
  if (!longopts || !cv.mk)
    ehl_warn ("%s", strerror (ENOMEM));
  else if ((status = parse_conversation (&cv, argc, argv, longopts)) < 0)
    status = run_conversation (&cv, argc, argv);
  ehl_log_free (&cv.log);
  ehl_maker_free (cv.mk);
  free (longopts);
  return ehl_finish (status);
}

/* ---- main ---- */

int
main (int argc, char **argv)
{
  ehl_cli_init (argc, argv);
  if (argc < 2 || argv[1][0] == '-')
    return conversation_main (argc, argv);

  const char *name = argv[1];
  for (size_t i = 0; i < sizeof made_elsewhere / sizeof made_elsewhere[0];
       i++)
    if (strcmp (name, made_elsewhere[i].type) == 0)
      return ehl_usage_fail ("%s records are made by %s",
                             made_elsewhere[i].type, made_elsewhere[i].tool);
  enum ehl_type type = ehl_type_from_name (name);
  if (type == EHL_T_UNKNOWN)
    return ehl_usage_fail ("the record type must be conversation or one of:"
                           " " OTHER_TYPES);
  optind = 2;
  if (type == EHL_T_CONVERSATION)
    return conversation_main (argc, argv);
  return record_main (type, argc, argv);
}
