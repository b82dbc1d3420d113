/* make.c - a batch of new records: envelope options, sources for
   problems, contract key order, ids, validation, then output.  */
#include <config.h>

#include "make.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casefile.h"
#include "caseread.h"
#include "cli.h"
#include "corrections.h"
#include "date.h"
#include "grow.h"
#include "id.h"
#include "jsonload.h"
#include "output.h"
#include "record.h"
#include "utf8.h"

/* What the maker remembers about a path of one record.  */
enum note_kind
{
  NOTE_SOURCE,                  /* PATH's value came from SRC */
  NOTE_QUIET,                   /* PATH was reported already */
  NOTE_LINK                     /* PATH gets record TARGET's id */
};

struct note
{
  enum note_kind kind;
  char *path;
  struct ehl_source src;
  size_t target;
};

struct made
{
  json_t *rec;
  struct note *notes;
  size_t n, cap;
};

struct ehl_maker
{
  struct made *recs;
  size_t n, cap;
  char **said;                  /* the problems printed, to say each once */
  size_t nsaid, capsaid;
  struct ehl_make_env env;
  int problems;
  FILE *diag;                   /* NULL: problems are only counted */
  unsigned long alloc_failures;  /* ehl_alloc_failures () at the start */
};

const struct option ehl_maker_options[] = {
  { "case", required_argument, NULL, EHL_MAKE_OPT_CASE },
  { "date", required_argument, NULL, EHL_MAKE_OPT_DATE },
  { "by", required_argument, NULL, EHL_MAKE_OPT_BY },
  { "child", required_argument, NULL, EHL_MAKE_OPT_CHILD },
  { "supersedes", required_argument, NULL, EHL_MAKE_OPT_SUPERSEDES },
  { "append", required_argument, NULL, EHL_MAKE_OPT_APPEND },
  { NULL, 0, NULL, 0 }
};

void
ehl_help_option (FILE *out, const char *left, const char *text)
{
  enum { COLUMN = 29, WIDTH = 79 };
  int col = fprintf (out, "%s", left);
  bool first = true;
  for (const char *p = text + strspn (text, " "); *p;)
    {
      int len = (int) strcspn (p, " ");
      if (first ? col > COLUMN - 2 : col + 1 + len > WIDTH)
        {
          fprintf (out, "\n%*s", COLUMN, "");
          col = COLUMN;
        }
      else if (first)
        col += fprintf (out, "%*s", COLUMN - col, "");
      else
        col += fprintf (out, " ");
      col += (int) fwrite (p, 1, (size_t) len, out);
      first = false;
      p += len;
      p += strspn (p, " ");
    }
  putc ('\n', out);
}

void
ehl_maker_help (FILE *out, bool with_child)
{
  ehl_help_option (out, "      --case=ID", "the case identifier (required)");
  ehl_help_option (out, "      --date=DATE", "the day it happened, YYYY-MM-DD"
                   " or DD/MM/YYYY (default: today)");
  ehl_help_option (out, "      --by=NAME", "who records it (default:"
                   " $EHLOG_BY, else the login name; empty: nobody)");
  if (with_child)
    ehl_help_option (out, "      --child=REF", "which child of the case it"
                     " concerns");
  ehl_help_option (out, "      --supersedes=ID", "the id of an earlier record"
                   " this one corrects");
  ehl_help_option (out, "  -a, --append=FILE", "append to FILE (created with"
                   " mode 0600) instead of writing to standard output");
}

ehl_maker *
ehl_maker_new (void)
{
  ehl_maker *mk = calloc (1, sizeof *mk);
  if (mk)
    {
      mk->diag = stderr;
      mk->alloc_failures = ehl_alloc_failures ();
    }
  return mk;
}

void
ehl_maker_free (ehl_maker *mk)
{
  if (!mk)
    return;
  for (size_t i = 0; i < mk->n; i++)
    {
      for (size_t j = 0; j < mk->recs[i].n; j++)
        free (mk->recs[i].notes[j].path);
      free (mk->recs[i].notes);
      json_decref (mk->recs[i].rec);
    }
  free (mk->recs);
  for (size_t i = 0; i < mk->nsaid; i++)
    free (mk->said[i]);
  free (mk->said);
  free (mk);
}

void
ehl_maker_divert (ehl_maker *mk, FILE *out)
{
  mk->diag = out;
}

int
ehl_maker_problems (const ehl_maker *mk)
{
  return mk->problems;
}

size_t
ehl_maker_count (const ehl_maker *mk)
{
  return mk->n;
}

json_t *
ehl_maker_record (const ehl_maker *mk, size_t i)
{
  return i < mk->n ? mk->recs[i].rec : NULL;
}

struct ehl_make_env *
ehl_maker_env (ehl_maker *mk)
{
  return &mk->env;
}

int
ehl_maker_case_option (ehl_maker *mk, const struct ehl_case_list *cases)
{
  if (cases->n > 1)
    return ehl_usage_fail ("--case: give one case when recording");
  if (cases->n == 1)
    mk->env.case_id = (struct ehl_value) { cases->ids[0],
                                           { NULL, 0, "--case" } };
  return EHL_EXIT_OK;
}

/* ---- problems ---- */

/* Has TEXT been said already?  If not, remember it.  */
static bool
said_before (ehl_maker *mk, const char *text)
{
  for (size_t i = 0; i < mk->nsaid; i++)
    if (strcmp (mk->said[i], text) == 0)
      return true;
  char *copy = strdup (text);
  bool room = ehl_grow (&mk->said, &mk->capsaid, mk->nsaid,
                        sizeof *mk->said);
  if (copy && room)
    mk->said[mk->nsaid++] = copy;
  else
    free (copy);
  return false;
}

/* Print one problem: "prog: [FILE[:LINE]: ][NAME: [SUB: ]]MESSAGE", once
   (several records of a batch share their envelope, and its problems).  */
static void
report (ehl_maker *mk, const struct ehl_source *src, const char *sub,
        const char *message)
{
  char where[512], text[1024];
  if (src && src->file && src->line > 0)
    snprintf (where, sizeof where, "%s:%ld", src->file, src->line);
  else
    snprintf (where, sizeof where, "%s", src && src->file ? src->file : "");
  bool named = src && src->name, below = sub && *sub;
  snprintf (text, sizeof text, "%s%s%s%s%s", named ? src->name : "",
            named ? ": " : "", below ? sub : "", below ? ": " : "", message);
  char key[1536];
  snprintf (key, sizeof key, "%s\n%s", where, text);
  if (said_before (mk, key))
    return;
  mk->problems++;
  if (mk->diag)
    ehl_warn_to (mk->diag, *where ? where : NULL, 0, "%s", text);
}

static struct made *
find_made (ehl_maker *mk, json_t *rec)
{
  for (size_t i = 0; i < mk->n; i++)
    if (mk->recs[i].rec == rec)
      return &mk->recs[i];
  return NULL;
}

static void
out_of_memory (ehl_maker *mk)
{
  report (mk, NULL, NULL, strerror (ENOMEM));
}

void
ehl_maker_out_of_memory (ehl_maker *mk)
{
  out_of_memory (mk);
}

static void
add_note (ehl_maker *mk, json_t *rec, enum note_kind kind, const char *path,
          const struct ehl_source *src, size_t target)
{
  struct made *m = find_made (mk, rec);
  if (!m)
    return;
  char *copy = strdup (path);
  if (!copy || !ehl_grow (&m->notes, &m->cap, m->n, sizeof *m->notes))
    {
      free (copy);
      out_of_memory (mk);
      return;
    }
  m->notes[m->n++] = (struct note) {
    kind, copy, src ? *src : (struct ehl_source) { NULL, 0, NULL }, target
  };
}

void
ehl_maker_problem (ehl_maker *mk, json_t *rec, const char *path,
                   const struct ehl_source *src, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  report (mk, src, NULL, msg);
  if (rec && path)
    ehl_maker_quiet (mk, rec, path);
}

void
ehl_maker_quiet (ehl_maker *mk, json_t *rec, const char *path)
{
  add_note (mk, rec, NOTE_QUIET, path, NULL, 0);
}

void
ehl_maker_source (ehl_maker *mk, json_t *rec, const char *path,
                  const struct ehl_source *src)
{
  add_note (mk, rec, NOTE_SOURCE, path, src, 0);
}

void
ehl_maker_link (ehl_maker *mk, json_t *rec, const char *field,
                json_t *target)
{
  struct made *t = find_made (mk, target);
  if (t)
    add_note (mk, rec, NOTE_LINK, field, NULL, (size_t) (t - mk->recs));
}

/* Does PREFIX name PATH or something inside it?  "" names the whole
   record.  */
static bool
path_within (const char *path, const char *prefix)
{
  size_t len = strlen (prefix);
  return len == 0
         || (strncmp (path, prefix, len) == 0
             && (path[len] == '\0' || path[len] == '.' || path[len] == '['));
}

/* The note of KIND whose path is the longest one containing PATH; of
   two with the same path, the later.  */
static const struct note *
best_note (const struct made *m, enum note_kind kind, const char *path)
{
  const struct note *best = NULL;
  for (size_t i = 0; i < m->n; i++)
    if (m->notes[i].kind == kind && path_within (path, m->notes[i].path)
        && (!best || strlen (m->notes[i].path) >= strlen (best->path)))
      best = &m->notes[i];
  return best;
}

/* The part of PATH below PREFIX, without array indexes, into OUT:
   "actions[0].what" below "actions" is "what".  */
static void
path_below (const char *path, const char *prefix, char *out, size_t size)
{
  const char *p = path + strlen (prefix);
  size_t o = 0;
  while (*p && o + 1 < size)
    {
      if (*p == '[')
        {
          p += strcspn (p, "]");
          p += *p == ']';
          continue;
        }
      if (*p == '.' && o == 0)
        {
          p++;
          continue;
        }
      out[o++] = *p++;
    }
  out[o] = '\0';
}

/* Was a problem with PATH, or with something in it or around it,
   reported already?  ("child" is not reported as missing when the
   child's name could not be stored.)  */
static bool
quieted (const struct made *m, const char *path)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->notes[i].kind == NOTE_QUIET
        && (path_within (path, m->notes[i].path)
            || path_within (m->notes[i].path, path)))
      return true;
  return false;
}

struct check_ctx
{
  ehl_maker *mk;
  const struct made *m;
};

static void
on_invalid (void *ctx, const char *field, const char *message)
{
  struct check_ctx *cc = ctx;
  if (quieted (cc->m, field))
    return;
  const struct note *n = best_note (cc->m, NOTE_SOURCE, field);
  if (!n)
    {
      struct ehl_source bare = { NULL, 0, field };
      report (cc->mk, &bare, NULL, message);
      return;
    }
  char sub[256];
  path_below (field, n->path, sub, sizeof sub);
  report (cc->mk, &n->src, sub, message);
}

/* ---- options and envelope ---- */

bool
ehl_maker_option (ehl_maker *mk, int c, const char *arg)
{
  struct ehl_value *v;
  const char *name;
  switch (c)
    {
    case EHL_MAKE_OPT_CASE: v = &mk->env.case_id; name = "--case"; break;
    case EHL_MAKE_OPT_DATE: v = &mk->env.date; name = "--date"; break;
    case EHL_MAKE_OPT_BY: v = &mk->env.by; name = "--by"; break;
    case EHL_MAKE_OPT_CHILD: v = &mk->env.child; name = "--child"; break;
    case EHL_MAKE_OPT_SUPERSEDES:
      v = &mk->env.supersedes;
      name = "--supersedes";
      break;
    case EHL_MAKE_OPT_APPEND:
      if (mk->env.append)
        {
          struct ehl_source src = { NULL, 0, "--append" };
          report (mk, &src, NULL, "given more than once");
        }
      else
        mk->env.append = arg;
      return true;
    default:
      return false;
    }
  struct ehl_source src = { NULL, 0, name };
  if (v->text)
    report (mk, &src, NULL, "given more than once");
  else
    *v = (struct ehl_value) { arg, src };
  return true;
}

/* Does S (LEN bytes) hold nothing but white space (ASCII: spaces, tabs,
   line ends, form feeds)?  */
static bool
blank (const char *s, size_t len)
{
  return strspn (s, " \t\n\r\v\f") >= len;
}

const char *
ehl_default_by (void)
{
  const char *s = getenv ("EHLOG_BY");
  if (s && !blank (s, strlen (s)))
    return s;
  s = getenv ("LOGNAME");
  if (s && *s)
    return s;
  errno = 0;
  struct passwd *pw = getpwuid (geteuid ());
  if (!pw && errno == ENOMEM)
    ehl_alloc_failed ();        /* not "nobody": the batch must fail */
  return pw && pw->pw_name && *pw->pw_name ? pw->pw_name : NULL;
}

/* V's source, or the option NAME when V has none.  */
static struct ehl_source
value_source (const struct ehl_value *v, const char *name)
{
  return v->src.name ? v->src : (struct ehl_source) { NULL, 0, name };
}

/* Store S as OBJ's member NAME; false (reported) if memory ran out.  */
static bool
set_string (ehl_maker *mk, json_t *obj, const char *name, const char *s)
{
  if (json_object_set_new (obj, name, json_string (s)) == 0)
    return true;
  out_of_memory (mk);
  return false;
}

/* Envelope field NAME of REC from V (option OPTION), when given.  */
static void
envelope_string (ehl_maker *mk, json_t *rec, const char *name,
                 const struct ehl_value *v, const char *option)
{
  struct ehl_source src = value_source (v, option);
  ehl_maker_source (mk, rec, name, &src);
  if (v->text)
    ehl_maker_set_text (mk, rec, name, rec, name, v->text, &src);
}

void
ehl_maker_envelope (ehl_maker *mk, json_t *rec,
                    const struct ehl_make_env *env)
{
  envelope_string (mk, rec, "case", &env->case_id, "--case");

  struct ehl_source src = value_source (&env->date, "--date");
  ehl_maker_source (mk, rec, "date", &src);
  if (env->date.text)
    ehl_maker_set_date (mk, rec, "date", rec, "date", env->date.text, &src);
  else
    {
      char today[11];
      if (ehl_date_today_text (today))
        set_string (mk, rec, "date", today);
      else
        ehl_maker_problem (mk, rec, "date", NULL, "%s", EHL_BAD_TODAY);
    }

  struct ehl_value by = env->by;
  if (!by.text)
    by.text = ehl_default_by ();
  if (by.text && !*by.text)
    by.text = NULL;             /* "" records nobody */
  envelope_string (mk, rec, "by", &by, "--by");
  envelope_string (mk, rec, "child", &env->child, "--child");
  envelope_string (mk, rec, "supersedes", &env->supersedes, "--supersedes");
}

json_t *
ehl_maker_begin (ehl_maker *mk, enum ehl_type type)
{
  json_t *rec = json_object ();
  if (!rec || !ehl_grow (&mk->recs, &mk->cap, mk->n, sizeof *mk->recs)
      || json_object_set_new (rec, "type",
                              json_string (ehl_type_name (type))) != 0)
    {
      json_decref (rec);
      out_of_memory (mk);
      return NULL;
    }
  mk->recs[mk->n++] = (struct made) { rec, NULL, 0, 0 };
  return rec;
}

/* ---- value helpers ---- */

char *
ehl_trimmed (const char *s, size_t len)
{
  while (len && (*s == ' ' || *s == '\t'))
    s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
    len--;
  char *copy = strndup (s, len);
  return copy ? copy : ehl_alloc_failed ();
}

bool
ehl_maker_set_text (ehl_maker *mk, json_t *rec, const char *path,
                    json_t *obj, const char *name, const char *arg,
                    const struct ehl_source *src)
{
  /* The name too, when the user gives it (--domain NAME=TEXT): jansson
     refuses a key that is not UTF-8, which would look like memory
     running out.  */
  size_t len = strlen (arg);
  if (!ehl_utf8_valid (arg, len)
      || (!json_is_array (obj) && !ehl_utf8_valid (name, strlen (name))))
    {
      ehl_maker_problem (mk, rec, path, src, "is not valid UTF-8");
      return false;
    }
  /* A blank value says nothing, but a check that a field is there would
     count it (--not-required "" would meet an expectation).  */
  if (blank (arg, len))
    {
      ehl_maker_problem (mk, rec, path, src, "must not be empty");
      return false;
    }
  json_t *s = json_stringn_nocheck (arg, len);      /* checked above */
  if (s && (json_is_array (obj) ? json_array_append_new (obj, s)
            : json_object_set_new (obj, name, s)) == 0)
    return true;
  /* Not the user's fault: say so, and say nothing of the missing value.  */
  out_of_memory (mk);
  if (rec && path)
    ehl_maker_quiet (mk, rec, path);
  return false;
}

bool
ehl_maker_set_date (ehl_maker *mk, json_t *rec, const char *path,
                    json_t *obj, const char *name, const char *arg,
                    const struct ehl_source *src)
{
  ehl_day day;
  char iso[11];
  if (!ehl_date_parse_option (arg, &day))
    {
      ehl_maker_problem (mk, rec, path, src,
                         "must be a real date, YYYY-MM-DD or DD/MM/YYYY");
      return false;
    }
  ehl_date_format (day, iso);
  return set_string (mk, obj, name, iso);
}

bool
ehl_maker_set_score (ehl_maker *mk, json_t *rec, const char *path,
                     json_t *obj, const char *name, const char *arg,
                     const struct ehl_source *src)
{
  long score;
  if (!ehl_parse_count (arg, &score) || score > 10)
    {
      ehl_maker_problem (mk, rec, path, src,
                         "must be a whole number from 0 to 10");
      return false;
    }
  if (json_object_set_new (obj, name, json_integer (score)) == 0)
    return true;
  out_of_memory (mk);
  return false;
}

bool
ehl_maker_set_file_sha256 (ehl_maker *mk, json_t *rec, const char *path,
                           const struct ehl_source *src)
{
  char hex[65];
  if (!ehl_file_sha256 (path, hex))
    {
      /* Not the path: a file's name can name a child.  */
      ehl_maker_problem (mk, rec, "sha256", src, "cannot read the file: %s",
                         strerror (errno));
      return false;
    }
  return set_string (mk, rec, "sha256", hex);
}

/* ---- key order ---- */

static json_t *ordered_object (json_t *obj, const struct ehl_field *fields,
                               const struct ehl_field *envelope,
                               bool id_slot);

/* OUT, the members of FROM put in order so far (OK: all went in), with
   FROM's other members after them in their own order; NULL (OUT freed)
   if memory ran out.  */
static json_t *
with_the_rest (json_t *out, json_t *from, bool ok)
{
  const char *key;
  json_t *v;
  json_object_foreach (from, key, v)
    if (ok && !json_object_get (out, key))
      ok = json_object_set (out, key, v) == 0;
  if (!ok)
    {
      json_decref (out);
      return NULL;
    }
  return out;
}

static json_t *
ordered_domains (json_t *map)
{
  json_t *out = json_object ();
  bool ok = out != NULL;
  json_t *v;
  for (const char *const *d = ehl_domains; ok && *d; d++)
    if ((v = json_object_get (map, *d)))
      ok = json_object_set (out, *d, v) == 0;
  return with_the_rest (out, map, ok);
}

/* V, the value of field F, with its members in order (a new ref).  */
static json_t *
ordered_value (json_t *v, const struct ehl_field *f)
{
  if (f->kind == EHL_K_OBJECT && json_is_object (v))
    return ordered_object (v, f->sub, NULL, false);
  if (f->kind == EHL_K_DOMAINS && json_is_object (v))
    return ordered_domains (v);
  if (f->kind == EHL_K_OBJECTS && json_is_array (v))
    {
      json_t *out = json_array (), *item;
      size_t i;
      json_array_foreach (v, i, item)
        if (out && json_array_append_new (out, json_is_object (item)
                                          ? ordered_object (item, f->sub,
                                                            NULL, false)
                                          : json_incref (item)) != 0)
          {
            json_decref (out);  /* memory ran out: no item left out */
            out = NULL;
          }
      return out;
    }
  return json_incref (v);
}

static json_t *
ordered_object (json_t *obj, const struct ehl_field *fields,
                const struct ehl_field *envelope, bool id_slot)
{
  json_t *out = json_object ();
  bool ok = out != NULL;
  json_t *v;

  for (const struct ehl_field *f = envelope; ok && f && f->name; f++)
    {
      if (ehl_field_find (fields, f->name))
        continue;               /* the type's own field of that name */
      if ((v = json_object_get (obj, f->name)))
        ok = json_object_set_new (out, f->name, ordered_value (v, f)) == 0;
      else if (id_slot && strcmp (f->name, "id") == 0)
        ok = json_object_set_new (out, "id", json_null ()) == 0;
    }
  for (const struct ehl_field *f = fields; ok && f && f->name; f++)
    if ((v = json_object_get (obj, f->name)))
      ok = json_object_set_new (out, f->name, ordered_value (v, f)) == 0;
  return with_the_rest (out, obj, ok);
}

json_t *
ehl_record_ordered (json_t *rec, bool id_slot)
{
  enum ehl_type t = ehl_type_from_name (ehl_get_str (rec, "type"));
  return ordered_object (rec, ehl_type_fields (t), ehl_envelope_fields (),
                         id_slot);
}

/* ---- the end ---- */

/* Fill REC's links, put it in order and give it its id.  */
static bool
finish_record (ehl_maker *mk, struct made *m)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->notes[i].kind == NOTE_LINK && m->notes[i].target < mk->n)
      {
        const char *id = ehl_get_str (mk->recs[m->notes[i].target].rec, "id");
        if (id)
          set_string (mk, m->rec, m->notes[i].path, id);
      }
  json_t *ordered = ehl_record_ordered (m->rec, true);
  if (!ordered || !ehl_record_assign_id (ordered))
    {
      json_decref (ordered);
      return false;
    }
  json_decref (m->rec);
  m->rec = ordered;
  return true;
}

int
ehl_maker_check (ehl_maker *mk)
{
  for (size_t i = 0; i < mk->n; i++)
    if (!finish_record (mk, &mk->recs[i]))
      out_of_memory (mk);
  /* A value there was no memory to store is just missing (jansson does
     not always say): report that, rather than let validation call it a
     required field not given.  */
  if (ehl_alloc_failures () != mk->alloc_failures)
    {
      out_of_memory (mk);
      return mk->problems;
    }
  for (size_t i = 0; i < mk->n; i++)
    {
      struct check_ctx cc = { mk, &mk->recs[i] };
      ehl_validate (mk->recs[i].rec, EHL_VALIDATE_STRICT, on_invalid, &cc);
    }
  if (ehl_alloc_failures () != mk->alloc_failures)
    out_of_memory (mk);
  return mk->problems;
}

/* ---- corrections that would change nothing ---- */

/* A record a correction among the records to append names.  */
struct target
{
  const char *case_id;
  const char *field;            /* "supersedes" or "target" */
  uint64_t id;
  bool found;
};

/* Note the record REC's FIELD names, if any.  False if memory ran out.  */
static bool
add_target (struct target **t, size_t *n, size_t *cap, json_t *rec,
            const char *field)
{
  uint64_t id;
  const char *case_id = ehl_get_str (rec, "case");
  if (!case_id || !ehl_id_parse (ehl_get_str (rec, field), &id))
    return true;
  if (!ehl_grow (t, cap, *n, sizeof **t))
    return false;
  (*t)[(*n)++] = (struct target) { case_id, field, id, false };
  return true;
}

/* Mark the targets T (N of them) that a valid record of FILE, open as IN,
   is (an invalid one is not read by the audit: correcting it changes
   nothing).  False if memory ran out, or if the file could not be read:
   then the reader has said why, and *SAID_WHY is set.  Bad lines are
   ehlog-check's business, not said here.  */
static bool
find_targets (FILE *in, const char *file, struct target *t, size_t n,
              bool *said_why)
{
  ehl_reader *rd = ehl_reader_new_stream (in, file, EHL_READ_VALIDATE);
  if (!rd)
    return false;
  ehl_reader_quiet_bad_lines (rd);
  unsigned long failures = ehl_alloc_failures ();
  bool ok = true;
  struct ehl_record rec;
  size_t left = n;                /* targets not found yet */
  while (ok && left && ehl_reader_next (rd, &rec))
    {
      const char *case_id = ehl_get_str (rec.json, "case");
      uint64_t id = 0;
      bool have_id = false;
      for (size_t i = 0; ok && case_id && i < n; i++)
        if (!t[i].found && strcmp (t[i].case_id, case_id) == 0)
          {
            if (!have_id)
              ok = have_id = ehl_record_id_of (rec.json, &id);
            t[i].found = have_id && id == t[i].id;
            left -= t[i].found;
          }
      json_decref (rec.json);
    }
  *said_why = ehl_reader_stats (rd)->io_errors > 0;
  ehl_reader_free (rd);
  return ok && !*said_why && ehl_alloc_failures () == failures;
}

/* Open FILE to look for the records corrections name: 0 with *IN open on
   it if it is a regular file, else ENOENT if it does not exist, ENOMEM if
   memory ran out, or another errno value (a device, a pipe or a folder
   is not read: appending says what it makes of it).  */
static int
open_to_look (const char *file, FILE **in)
{
  *in = NULL;
  int fd = open (file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return errno;
  struct stat st;
  int err = fstat (fd, &st) != 0 ? errno : !S_ISREG (st.st_mode) ? EINVAL : 0;
  if (!err && !(*in = fdopen (fd, "r")))
    err = errno;
  if (err)
    close (fd);
  return err;
}

/* The corrections among the records to append whose targets FILE does
   not hold (see ehl_maker_finish), in *T and *N; false after saying why
   if FILE could not be looked over.  */
static bool
unmatched_targets (ehl_maker *mk, const char *file, struct target **t,
                   size_t *n)
{
  size_t cap = 0;
  bool ok = true, said_why = false;
  *t = NULL;
  *n = 0;
  for (size_t i = 0; ok && i < mk->n; i++)
    {
      json_t *rec = mk->recs[i].rec;
      const char *fields[EHL_CORRECTION_FIELDS];
      size_t n_fields = ehl_correction_fields
        (ehl_type_from_name (ehl_get_str (rec, "type")), fields);
      for (size_t f = 0; ok && f < n_fields; f++)
        ok = add_target (t, n, &cap, rec, fields[f]);
    }
  FILE *in = NULL;
  int err = ok && *n ? open_to_look (file, &in) : 0;
  /* A file that does not exist yet holds none of them; one that cannot
     be looked in, say none of them.  */
  if (err == ENOMEM)
    ok = false;
  else if (err && err != ENOENT)
    *n = 0;
  if (in)
    {
      ok = find_targets (in, file, *t, *n, &said_why);
      fclose (in);
    }
  if (!ok)
    {
      if (!said_why)
        out_of_memory (mk);
      free (*t);
      *t = NULL;
      *n = 0;
    }
  return ok;
}

/* Say of each of the N targets T not found in FILE that its correction
   changes nothing there.  */
static void
say_unmatched (const char *file, const struct target *t, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!t[i].found)
      ehl_say_unmatched (file, 0, t[i].case_id, t[i].field, t[i].id,
                         " in the file");
}

bool
ehl_maker_finish (ehl_maker *mk)
{
  if (ehl_maker_check (mk) > 0)
    return false;
  if (mk->env.append)
    {
      /* A correction that names no record of its case in the file
         changes nothing there (ehlog(7)): say so once it is appended (the
         record may be kept in another file).  */
      struct target *t;
      size_t n;
      if (!unmatched_targets (mk, mk->env.append, &t, &n))
        return false;
      json_t **recs = malloc (mk->n * sizeof *recs);
      if (!recs)
        {
          free (t);
          out_of_memory (mk);
          return false;
        }
      for (size_t i = 0; i < mk->n; i++)
        recs[i] = mk->recs[i].rec;
      bool ok = ehl_append_records (mk->env.append, recs, mk->n);
      if (ok)
        say_unmatched (mk->env.append, t, n);
      free (recs);
      free (t);
      return ok;
    }
  /* A write error on standard output is reported by ehl_finish; failing
     otherwise, the dump ran out of memory.  */
  for (size_t i = 0; i < mk->n; i++)
    if (!ehl_write_record (stdout, mk->recs[i].rec))
      {
        if (ehl_stdout_failed ())
          break;
        out_of_memory (mk);
        return false;
      }
  return true;
}
