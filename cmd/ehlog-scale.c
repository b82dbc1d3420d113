/* ehlog-scale - record 0-10 scaling answers, show each case's scales over
   time, and find the cases whose scales are falling.  */
#include <config.h>

#include <getopt.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseread.h"
#include "casefile.h"
#include "cli.h"
#include "contract.h"
#include "date.h"
#include "fieldopt.h"
#include "id.h"
#include "make.h"
#include "output.h"
#include "record.h"
#include "table.h"

/* The program's own options; the scale's fields (--score, --rater, ...)
   come from the contract through fieldopt.h, the envelope (--date, --by,
   --child, --supersedes, -a) from make.h.  */
enum
{
  OPT_CASE = 0x100, OPT_HISTORY, OPT_FALLING, OPT_SINCE_FIRST, OPT_FORMAT,
  OPT_AS_OF,
  OPT_FIELDS = 0x1400           /* and up: the scale's fields */
};

static const struct option own_options[] = {
  { "case", required_argument, NULL, OPT_CASE },
  { "history", no_argument, NULL, OPT_HISTORY },
  { "falling", required_argument, NULL, OPT_FALLING },
  { "since-first", no_argument, NULL, OPT_SINCE_FIRST },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "as-of", required_argument, NULL, OPT_AS_OF },
  EHL_COMMON_LONG_OPTIONS,
  { NULL, 0, NULL, 0 }
};

static void
usage (int status)
{
  if (status != EHL_EXIT_OK)
    {
      ehl_usage_error ();
      return;
    }
  printf ("Usage: %s --case ID --score N --rater ROLE [OPTION]...\n"
          "  or:  %s --history [--case ID]... [OPTION]... [FILE]...\n"
          "  or:  %s --falling N [--since-first] [OPTION]... [FILE]...\n",
          ehl_program (), ehl_program (), ehl_program ());
  fputs ("Record a 0-10 scaling answer as a scale record, or show each case's\n"
         "scales over time and the ones that fell.\n"
         "\n"
         "Recording (writes one record to standard output, or appends it):\n"
         "      --case ID          the case identifier (required)\n"
         "      --score N          the score, a whole number 0-10 (required)\n"
         "      --rater ROLE       who gave it: child parent carer family network\n"
         "                         practitioner professional manager (required)\n"
         "      --scale KIND       what was scaled: situation safety wellbeing\n"
         "                         worry goal (default wellbeing)\n"
         "      --rater-name NAME  the rater's name\n"
         "      --question TEXT    the question asked\n"
         "      --about ID         the id of the statement (or record) scaled\n"
         "      --context C        conversation assessment meeting supervision\n"
         "                         review closure\n"
         "      --date DATE        the day (YYYY-MM-DD or DD/MM/YYYY; default today)\n"
         "      --by NAME          who records it (default $EHLOG_BY, else the\n"
         "                         login name; empty: nobody)\n"
         "      --child REF        which child of the case it concerns\n"
         "      --supersedes ID    the id of an earlier scale this one corrects\n"
         "  -a, --append=FILE      append to FILE instead of writing to stdout\n"
         "\n"
         "Reading (FILEs, or standard input when there are none or FILE is -):\n"
         "      --history          every series (kind, rater, child, statement) of\n"
         "                         every case in date order, with a sparkline and\n"
         "                         the change\n"
         "      --falling N        only series whose latest score is at least N\n"
         "                         below the one before; exit 1 if any\n"
         "      --since-first      with --falling: compare with the first score\n"
         "      --case ID          only this case (repeatable)\n"
         "      --as-of DATE       count only records dated on or before DATE\n"
         "      --format FORMAT    text (default), ndjson or csv\n", stdout);
  ehl_print_help_tail ();
}

/* ---- options ---- */

struct options
{
  struct ehl_case_list cases;   /* --case: the one to record, or a filter */
  bool history, since_first;
  long falling;                 /* 0: not asked */
  enum ehl_format format;
  ehl_day as_of;
  const char *record_opt, *read_opt;    /* first option of each mode seen */
};

/* Handle one of the program's own reading options (or --case); false
   after a usage message.  */
static bool
take_option (struct options *o, int c, const char *arg)
{
  switch (c)
    {
    case OPT_CASE:
      return ehl_case_option (&o->cases, arg);   /* both modes */
    case OPT_HISTORY:
      o->history = true;
      break;
    case OPT_FALLING:
      if (!ehl_parse_count (arg, &o->falling) || o->falling < 1
          || o->falling > 10)
        {
          ehl_usage_fail ("--falling: must be a whole number from 1 to 10");
          return false;
        }
      break;
    case OPT_SINCE_FIRST:
      o->since_first = true;
      break;
    case OPT_FORMAT:
      if (!ehl_list_format_option (arg, &o->format))
        return false;
      break;
    case OPT_AS_OF:
      if (!ehl_as_of_option (arg, &o->as_of))
        return false;
      break;
    default:
      usage (EHL_EXIT_TROUBLE);
      return false;
    }
  if (!o->read_opt)
    o->read_opt = ehl_option_name (own_options, c);
  return true;
}

/* ---- recording a scale (lib/make.h does the envelope, the id, the
   checks naming the options, and the writing) ---- */

static int
record_scale (const struct options *o, ehl_maker *mk, json_t *rec,
              const ehl_fieldopts *fo)
{
  int status = ehl_maker_case_option (mk, &o->cases);
  if (status != EHL_EXIT_OK)
    return status;
  if (!json_object_get (rec, "scale")
      && json_object_set_new (rec, "scale", json_string ("wellbeing")) != 0)
    {
      ehl_warn ("memory exhausted");
      return EHL_EXIT_TROUBLE;
    }
  ehl_fieldopts_register (fo, mk, rec);
  ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
  return ehl_maker_finish (mk) ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

/* ---- reading: what is kept of each record ----

   No JSON is kept.  A scale item packs into its mask its score, kind and
   rater, and the numbers of its "child" and "about" in tables of the
   values seen (kept once however many scales name them).  A statement is
   a bare item: a scale about a statement is a series of its own.  A
   conversation keeps the number of its child's ref: its scales belong to
   that child.  */

enum
{
  M_SCORE = 0, M_KIND = 4, M_RATER = 7,         /* 4, 3 and 3 bits */
  M_CHILD = 10, M_ABOUT = 37,                   /* 27 bits each */
  NUMBER_BITS = 27
};

/* The tables of the values scales and conversations name.  */
struct kept
{
  struct ehl_intern children;   /* child refs */
  struct ehl_intern abouts;     /* record ids scaled */
};

static const char *const *scale_kinds, *const *raters;

static uint64_t
bits (uint64_t mask, int shift, int width)
{
  return mask >> shift & ((UINT64_C (1) << width) - 1);
}

/* Index of S in VALUES (0 if absent: the record is valid, so it never
   is).  */
static uint64_t
enum_index (const char *const *values, const char *s)
{
  int i = ehl_enum_index (values, s);
  return i < 0 ? 0 : (uint64_t) i;
}

/* The number of S (if given) in table T, shifted into place in *MASK;
   false if memory ran out (or the table outgrew its bits).  */
static bool
add_number (struct ehl_intern *t, const char *s, int shift, uint64_t *mask)
{
  if (!s)
    return true;
  size_t n = ehl_intern (t, s);
  if (n == 0 || n >> NUMBER_BITS)
    return false;
  *mask |= (uint64_t) n << shift;
  return true;
}

static const char *
conversation_child_ref (json_t *rec)
{
  return json_string_value (json_object_get (json_object_get (rec, "child"),
                                             "ref"));
}

static bool
wants_record (json_t *rec, enum ehl_type type, void *ctx)
{
  (void) ctx;
  return type == EHL_T_SCALE || type == EHL_T_STATEMENT
         || (type == EHL_T_CONVERSATION && conversation_child_ref (rec));
}

static bool
fill_item (struct ehl_item *item, const struct ehl_record *rec, void *ctx)
{
  struct kept *k = ctx;
  json_t *r = rec->json;
  if (rec->type == EHL_T_CONVERSATION)
    return add_number (&k->children, conversation_child_ref (r), M_CHILD,
                       &item->mask);
  if (rec->type != EHL_T_SCALE)
    return true;
  item->mask = (uint64_t) json_integer_value (json_object_get (r, "score"))
               << M_SCORE
               | enum_index (scale_kinds, ehl_get_str (r, "scale")) << M_KIND
               | enum_index (raters, ehl_get_str (r, "rater")) << M_RATER;
  return add_number (&k->children, ehl_get_str (r, "child"), M_CHILD,
                     &item->mask)
         && add_number (&k->abouts, ehl_get_str (r, "about"), M_ABOUT,
                        &item->mask);
}

/* ---- reading: series ---- */

/* One scale of a case, with what places it in a series.  */
struct point
{
  const char *child;            /* the child's ref, or NULL */
  uint64_t statement;           /* the statement scaled, or 0 */
  int kind, rater, score;
  ehl_day day;
  size_t order;                 /* position in date order */
};

struct series
{
  const char *case_id;
  const struct point *p;        /* the points, in date order */
  size_t n;
};

/* Compare the series two points belong to (0: the same series).  */
static int
cmp_series (const struct point *x, const struct point *y)
{
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  int c = strcmp (x->child ? x->child : "", y->child ? y->child : "");
  if (c)
    return c;
  if (x->rater != y->rater)
    return x->rater < y->rater ? -1 : 1;
  return x->statement < y->statement ? -1 : x->statement > y->statement;
}

static int
cmp_points (const void *a, const void *b)
{
  const struct point *x = a, *y = b;
  int c = cmp_series (x, y);
  return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* A case's lookup tables: its statements' ids, and its conversations'
   ids with their child's ref.  */
struct case_refs
{
  uint64_t *statements;
  size_t n_statements;
  struct conv
  {
    uint64_t id;
    const char *child;
  } *convs;
  size_t n_convs;
};

static int
cmp_conv (const void *a, const void *b)
{
  return ehl_cmp_id (&((const struct conv *) a)->id,
                  &((const struct conv *) b)->id);
}

static bool
collect_refs (const struct kept *kept, const struct ehl_case *k,
              struct case_refs *refs)
{
  memset (refs, 0, sizeof *refs);
  refs->statements = malloc ((k->n_items + 1) * sizeof *refs->statements);
  refs->convs = malloc ((k->n_items + 1) * sizeof *refs->convs);
  if (!refs->statements || !refs->convs)
    return false;
  for (size_t i = 0; i < k->n_items; i++)
    {
      const struct ehl_item *it = &k->items[i];
      if (it->type == EHL_T_STATEMENT)
        refs->statements[refs->n_statements++] = it->id;
      else if (it->type == EHL_T_CONVERSATION)
        refs->convs[refs->n_convs++] = (struct conv) {
          it->id, ehl_intern_text (&kept->children,
                                   bits (it->mask, M_CHILD, NUMBER_BITS))
        };
    }
  qsort (refs->statements, refs->n_statements, sizeof *refs->statements,
         ehl_cmp_id);
  qsort (refs->convs, refs->n_convs, sizeof *refs->convs, cmp_conv);
  return true;
}

static void
free_refs (struct case_refs *refs)
{
  free (refs->statements);
  free (refs->convs);
}

/* Fill P from scale item IT: its series is its child (its own "child",
   else that of the conversation it is about), kind, rater and, when it
   is about a statement, that statement.  */
static void
make_point (const struct kept *kept, const struct ehl_item *it,
            const struct case_refs *refs, size_t order, struct point *p)
{
  uint64_t about = 0;
  const char *about_text
    = ehl_intern_text (&kept->abouts, bits (it->mask, M_ABOUT, NUMBER_BITS));
  p->child = ehl_intern_text (&kept->children,
                              bits (it->mask, M_CHILD, NUMBER_BITS));
  p->statement = 0;
  if (ehl_id_parse (about_text, &about))
    {
      struct conv key = { about, NULL };
      const struct conv *conv = bsearch (&key, refs->convs, refs->n_convs,
                                         sizeof key, cmp_conv);
      if (!p->child && conv)
        p->child = conv->child;
      if (bsearch (&about, refs->statements, refs->n_statements,
                   sizeof about, ehl_cmp_id))
        p->statement = about;
    }
  p->score = (int) bits (it->mask, M_SCORE, 4);
  p->kind = (int) bits (it->mask, M_KIND, 3);
  p->rater = (int) bits (it->mask, M_RATER, 3);
  p->day = it->day;
  p->order = order;
}

/* ---- reading: output ---- */

struct printer
{
  const struct kept *kept;
  enum ehl_format format;
  long falling;
  bool since_first;
  bool utf8;                    /* sparkline in block characters */
  ehl_table *table;             /* text: rows until the end */
  size_t shown;
};

static bool
is_falling (const struct series *s, const struct printer *pr)
{
  if (s->n < 2)
    return false;
  int before = pr->since_first ? s->p[0].score : s->p[s->n - 2].score;
  return s->p[s->n - 1].score <= before - pr->falling;
}

/* The sparkline of S in a malloc'd string: one character per score, on
   the fixed 0-10 scale, in block characters or in ASCII "_.-=#".  */
static char *
sparkline (const struct series *s, bool utf8)
{
  static const char *const blocks[] = {
    "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587",
    "\u2588"
  };
  static const char ascii[] = "_.-=#";
  char *out = malloc (s->n * 3 + 1), *p = out;
  for (size_t i = 0; out && i < s->n; i++)
    {
      int score = s->p[i].score;
      if (utf8)
        p = stpcpy (p, blocks[(score * 7 + 5) / 10]);
      else
        *p++ = ascii[(score * 4 + 5) / 10];
    }
  if (out)
    *p = '\0';
  return out;
}

static int
change_of (const struct series *s)
{
  return s->p[s->n - 1].score - s->p[0].score;
}

/* "wellbeing by parent", then ", child C2" and ", statement 1a2b3c4d"
   when the series has them, in a malloc'd string.  */
static char *
series_label (const struct series *s)
{
  const struct point *p = &s->p[0];
  char id[17] = "";
  if (p->statement)
    ehl_id_format (p->statement, id);
  id[8] = '\0';
  char *label;
  if (asprintf (&label, "%s by %s%s%s%s%s", scale_kinds[p->kind],
                raters[p->rater], p->child ? ", child " : "",
                p->child ? p->child : "", p->statement ? ", statement " : "",
                id) < 0)
    return NULL;
  return label;
}

/* The dated scores of S in a malloc'd string: "2021-03-01 3, 2021-04-12
   5" (text) or "2021-03-01:3 2021-04-12:5" (CSV).  */
static char *
scores_text (const struct series *s, bool csv)
{
  enum { ONE = sizeof ", 2021-03-01 10" - 1 };
  char *out = malloc (s->n * ONE + 1), *p = out;
  for (size_t i = 0; out && i < s->n; i++)
    {
      if (i)
        p = stpcpy (p, csv ? " " : ", ");
      ehl_date_format (s->p[i].day, p);
      p += 10;
      p += sprintf (p, csv ? ":%d" : " %d", s->p[i].score);
    }
  if (out)
    *p = '\0';
  return out;
}

static bool
add_text_row (struct printer *pr, const struct series *s)
{
  char change[16];
  snprintf (change, sizeof change, "%+d", change_of (s));
  if (change_of (s) == 0)
    strcpy (change, "0");
  char *label = series_label (s);
  char *trend = sparkline (s, pr->utf8);
  char *scores = scores_text (s, false);
  bool ok = label && trend && scores;
  if (ok)
    {
      const char *row[] = { s->case_id, label, trend, change, scores };
      ok = ehl_table_add (pr->table, row);
    }
  free (label);
  free (trend);
  free (scores);
  return ok;
}

/* Set KEY of O to V (a new reference, NULL if memory ran out); false if
   it could not be done.  */
static bool
put (json_t *o, const char *key, json_t *v)
{
  return json_object_set_new (o, key, v) == 0;
}

static bool
write_ndjson (const struct series *s)
{
  const struct point *first = &s->p[0], *latest = &s->p[s->n - 1];
  json_t *scores = json_array ();
  json_t *o = json_object ();
  char date[11], id[17];
  bool ok = scores && o;
  for (size_t i = 0; ok && i < s->n; i++)
    {
      ehl_date_format (s->p[i].day, date);
      ok = json_array_append_new (scores,
                                  json_pack ("{s:s,s:i}", "date", date,
                                             "score", s->p[i].score)) == 0;
    }
  ok = ok && put (o, "type", json_string ("scale_series"))
       && put (o, "case", json_string (s->case_id))
       && (!first->child || put (o, "child", json_string (first->child)))
       && put (o, "scale", json_string (scale_kinds[first->kind]))
       && put (o, "rater", json_string (raters[first->rater]));
  if (ok && first->statement)
    {
      ehl_id_format (first->statement, id);
      ok = put (o, "statement", json_string (id));
    }
  ok = ok && put (o, "first", json_integer (first->score))
       && (s->n < 2
           || put (o, "previous", json_integer (s->p[s->n - 2].score)))
       && put (o, "latest", json_integer (latest->score))
       && put (o, "change", json_integer (change_of (s)))
       && put (o, "scores", json_incref (scores))
       && (ehl_write_record (stdout, o) || ehl_stdout_failed ());
  json_decref (scores);
  json_decref (o);
  return ok;
}

static const char *const csv_header[] = {
  "case", "child", "scale", "rater", "statement", "count", "first_date",
  "first", "previous", "latest_date", "latest", "change", "scores"
};
enum { CSV_COLS = sizeof csv_header / sizeof *csv_header };

static bool
write_csv (const struct series *s)
{
  const struct point *first = &s->p[0], *latest = &s->p[s->n - 1];
  char count[24], first_date[11], latest_date[11], first_score[4],
    previous[4] = "", latest_score[4], change[8], id[17] = "";
  snprintf (count, sizeof count, "%zu", s->n);
  ehl_date_format (first->day, first_date);
  ehl_date_format (latest->day, latest_date);
  snprintf (first_score, sizeof first_score, "%d", first->score);
  if (s->n > 1)
    snprintf (previous, sizeof previous, "%d", s->p[s->n - 2].score);
  snprintf (latest_score, sizeof latest_score, "%d", latest->score);
  snprintf (change, sizeof change, "%d", change_of (s));
  if (first->statement)
    ehl_id_format (first->statement, id);
  char *scores = scores_text (s, true);
  if (!scores)
    return false;
  const char *row[CSV_COLS] = {
    s->case_id, first->child ? first->child : "", scale_kinds[first->kind],
    raters[first->rater], id, count, first_date, first_score, previous,
    latest_date, latest_score, change, scores
  };
  /* The change (column 11) is a number even when it is -2.  */
  struct ehl_csv_opts opts = { .numbers = 1ull << 11 };
  bool ok = ehl_csv_row (stdout, row, CSV_COLS, &opts);
  free (scores);
  return ok;
}

static bool
show_series (struct printer *pr, const struct series *s)
{
  if (pr->falling && !is_falling (s, pr))
    return true;
  if (pr->format == EHL_FMT_CSV && pr->shown == 0
      && !ehl_csv_row (stdout, csv_header, CSV_COLS, NULL))
    return false;
  pr->shown++;
  switch (pr->format)
    {
    case EHL_FMT_NDJSON:
      return write_ndjson (s);
    case EHL_FMT_CSV:
      return write_csv (s);
    default:
      return add_text_row (pr, s);
    }
}

/* Every series of case K; false if memory ran out.  */
static bool
show_case (struct printer *pr, const struct ehl_case *k)
{
  struct case_refs refs;
  struct point *pts = malloc ((k->n_items + 1) * sizeof *pts);
  bool ok = pts && collect_refs (pr->kept, k, &refs);
  size_t n = 0;
  for (size_t i = 0; ok && i < k->n_items; i++)
    if (k->items[i].type == EHL_T_SCALE)
      make_point (pr->kept, &k->items[i], &refs, i, &pts[n++]);
  if (n > 1)                    /* qsort's pointer may not be null */
    qsort (pts, n, sizeof *pts, cmp_points);
  for (size_t start = 0, end; ok && start < n; start = end)
    {
      for (end = start + 1; end < n && cmp_series (&pts[start], &pts[end]) == 0;
           end++)
        continue;
      struct series s = { k->id, &pts[start], end - start };
      ok = show_series (pr, &s);
    }
  if (pts)
    free_refs (&refs);
  free (pts);
  return ok;
}

static bool
locale_is_utf8 (void)
{
  const char *codeset = nl_langinfo (CODESET);
  return strcmp (codeset, "UTF-8") == 0 || strcmp (codeset, "utf8") == 0;
}

/* Every series to show, into the table (text) or onto standard output;
   false if memory ran out.  */
static bool
show_cases (struct printer *pr, const ehl_cases *cases)
{
  static const char *const header[] = {
    "case", "series", "trend", "change", "scores"
  };
  bool ok = pr->format != EHL_FMT_TEXT
            || ((pr->table = ehl_table_new (5))
                && ehl_table_add (pr->table, header));
  for (size_t i = 0; ok && !ehl_stdout_failed ()
       && i < ehl_cases_count (cases); i++)
    ok = show_case (pr, ehl_cases_at (cases, i));
  if (ok && pr->table && pr->shown > 0)
    ok = ehl_table_print (pr->table, stdout) || ehl_stdout_failed ();
  ehl_table_free (pr->table);
  pr->table = NULL;
  /* A failed standard output is reported by ehl_finish.  */
  return ok || ehl_stdout_failed ();
}

static int
show_history (struct options *o, char *const *files, int nfiles)
{
  struct kept kept = { 0 };
  struct ehl_caseread how = {
    .as_of = o->as_of, .only = &o->cases, .wants = wants_record,
    .fill = fill_item, .ctx = &kept
  };
  bool input_bad = false;
  ehl_cases *cases = ehl_caseread (files, nfiles, &how, &input_bad);
  struct printer pr = {
    .kept = &kept, .format = o->format, .falling = o->falling,
    .since_first = o->since_first, .utf8 = locale_is_utf8 ()
  };
  bool missing = cases && ehl_case_list_report_missing (&o->cases, cases);
  bool ok = cases && show_cases (&pr, cases);
  if (cases && !ok)
    ehl_warn ("memory exhausted");
  ehl_cases_free (cases);
  ehl_intern_free (&kept.children);
  ehl_intern_free (&kept.abouts);
  if (!ok || input_bad || missing)
    return EHL_EXIT_TROUBLE;
  return o->falling && pr.shown > 0 ? EHL_EXIT_FOUND : EHL_EXIT_OK;
}

/* Parse the options into O, MK and REC; false after a usage message.  */
static bool
parse_options (int argc, char **argv, const struct option *longopts,
               struct options *o, ehl_maker *mk, json_t *rec,
               ehl_fieldopts *fo, bool *done)
{
  int c;
  while ((c = getopt_long (argc, argv, "a:", longopts, NULL)) != -1)
    if (ehl_help_or_version (c, usage))
      {
        *done = true;
        return true;
      }
    else if (ehl_maker_option (mk, c, optarg)
             || ehl_fieldopts_apply (fo, mk, rec, c, optarg))
      {
        if (!o->record_opt)
          o->record_opt = ehl_option_name (longopts, c);
      }
    else if (!take_option (o, c, optarg))
      return false;
  return true;
}

int
main (int argc, char **argv)
{
  struct options o = { .format = EHL_FMT_TEXT, .as_of = EHL_NO_DAY };
  ehl_cli_init (argc, argv);
  scale_kinds = ehl_field_lookup (EHL_T_SCALE, "scale")->values;
  raters = ehl_field_lookup (EHL_T_SCALE, "rater")->values;

  ehl_maker *mk = ehl_maker_new ();
  json_t *rec = mk ? ehl_maker_begin (mk, EHL_T_SCALE) : NULL;
  ehl_fieldopts *fo = ehl_fieldopts_new (EHL_T_SCALE, NULL, OPT_FIELDS);
  static const struct option none[] = { { NULL, 0, NULL, 0 } };
  const struct option *tables[] = {
    own_options, fo ? ehl_fieldopts_table (fo) : none, ehl_maker_options
  };
  struct option *longopts = ehl_options_join (tables, 3);
  int status = EHL_EXIT_TROUBLE;
  bool done = false;
  if (!rec || !fo || !longopts)
    {
      if (!mk || rec)           /* ehl_maker_begin said so itself */
        ehl_warn ("memory exhausted");
    }
  else if (!parse_options (argc, argv, longopts, &o, mk, rec, fo, &done))
    ;                           /* a usage message was given */
  else if (done)
    status = EHL_EXIT_OK;
  else if (o.read_opt && o.record_opt)
    status = ehl_usage_fail ("--%s cannot be used with --%s", o.record_opt,
                             o.read_opt);
  else if (o.since_first && !o.falling)
    status = ehl_usage_fail ("--since-first needs --falling");
  else if (o.read_opt && !o.history && !o.falling)
    status = ehl_usage_fail ("--%s needs --history or --falling", o.read_opt);
  else if (o.read_opt)
    status = show_history (&o, argv + optind, argc - optind);
  else if (optind < argc)
    status = ehl_usage_fail ("files are read only with --history or"
                             " --falling");
  else
    status = record_scale (&o, mk, rec, fo);
  free (longopts);
  ehl_fieldopts_free (fo);
  ehl_maker_free (mk);
  ehl_case_list_free (&o.cases);
  return ehl_finish (status);
}
