/* report.c - the audit's four output formats.  A first pass evaluates
   every case for its verdicts only (the summary, and which cases fall
   short); the format then walks the cases again for what it shows.  Both
   passes share the cases out between threads (ehl_report_opts.jobs).  */
#include <config.h>

#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "id.h"
#include "output.h"
#include "parallel.h"
#include "strbuf.h"
#include "strmap.h"

#define WIDTH 80

enum { N_VERDICTS = 3 };

/* Verdict counts of every expectation, overall and per group.  */
struct summary
{
  size_t n_cases, n_exps;
  unsigned char *verdicts;      /* n_cases x n_exps */
  size_t *group_of;             /* group number of each case */
  char **groups;                /* group names, sorted */
  size_t n_groups;
  size_t *counts;               /* (1 + n_groups) x n_exps x N_VERDICTS;
                                   block 0 is everyone */
  size_t *group_cases;          /* cases per block */
};

struct report
{
  FILE *out;
  ehl_audit *a;
  const ehl_expect_set *set;
  const struct ehl_report_opts *o;
  struct summary sum;
  struct ehl_case_result res;   /* the case being written */
  char date[11];
};

static size_t *
count_at (const struct summary *s, size_t block, size_t e)
{
  return s->counts + (block * s->n_exps + e) * N_VERDICTS;
}

static void
summary_free (struct summary *s)
{
  free (s->verdicts);
  free (s->group_of);
  for (size_t g = 0; g < s->n_groups; g++)
    free (s->groups[g]);
  free (s->groups);
  free (s->counts);
  free (s->group_cases);
}

static int
cmp_names (const void *x, const void *y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
}

/* Number the distinct groups, in name order.  */
static bool
number_groups (struct report *r, char **case_group)
{
  struct summary *s = &r->sum;
  ehl_strmap *seen = ehl_strmap_new ();
  s->groups = calloc (s->n_cases + 1, sizeof *s->groups);
  bool ok = seen && s->groups;
  for (size_t i = 0; ok && i < s->n_cases; i++)
    if (!ehl_strmap_get (seen, case_group[i]))
      {
        ok = ehl_strmap_put (seen, case_group[i], case_group[i])
             && (s->groups[s->n_groups] = strdup (case_group[i]));
        s->n_groups += ok;
      }
  if (ok && s->n_groups)
    qsort (s->groups, s->n_groups, sizeof *s->groups, cmp_names);
  for (size_t g = 0; ok && g < s->n_groups; g++)
    ok = ehl_strmap_put (seen, s->groups[g], (void *) (uintptr_t) (g + 1));
  for (size_t i = 0; ok && i < s->n_cases; i++)
    s->group_of[i] = (size_t) (uintptr_t) ehl_strmap_get (seen,
                                                          case_group[i]);
  ehl_strmap_free (seen);
  return ok;
}

static bool
count_verdicts (struct report *r)
{
  struct summary *s = &r->sum;
  size_t blocks = 1 + s->n_groups;
  s->counts = calloc (blocks * s->n_exps * N_VERDICTS + 1, sizeof *s->counts);
  s->group_cases = calloc (blocks, sizeof *s->group_cases);
  if (!s->counts || !s->group_cases)
    return false;
  for (size_t i = 0; i < s->n_cases; i++)
    {
      s->group_cases[0]++;
      if (s->group_of[i])
        s->group_cases[s->group_of[i]]++;
      for (size_t e = 0; e < s->n_exps; e++)
        {
          unsigned v = s->verdicts[i * s->n_exps + e];
          count_at (s, 0, e)[v]++;
          if (s->group_of[i])
            count_at (s, s->group_of[i], e)[v]++;
        }
    }
  return true;
}

/* The verdicts of cases [BEGIN, END), and (grouping) their groups.  */
struct judging
{
  struct report *r;
  char **case_group;
};

static bool
judge_cases (void *ctx, size_t begin, size_t end, int part)
{
  const struct judging *j = ctx;
  struct summary *s = &j->r->sum;
  struct ehl_case_result res = { 0 };
  bool ok = true;
  (void) part;
  for (size_t i = begin; ok && i < end; i++)
    {
      ok = ehl_audit_eval (j->r->a, i, EHL_REASONS_NONE, &res);
      for (size_t e = 0; ok && e < s->n_exps; e++)
        s->verdicts[i * s->n_exps + e] = (unsigned char) res.findings[e].verdict;
      if (ok && j->r->o->group_field)
        ok = (j->case_group[i] = strdup (*res.group ? res.group
                                         : "(none)")) != NULL;
    }
  ehl_case_result_free (&res);
  return ok;
}

/* The first pass: every case's verdicts, and the counts.  */
static bool
summarise (struct report *r)
{
  struct summary *s = &r->sum;
  s->n_cases = ehl_audit_case_count (r->a);
  s->n_exps = ehl_expect_count (r->set);
  s->verdicts = malloc (s->n_cases * s->n_exps + 1);
  s->group_of = calloc (s->n_cases + 1, sizeof *s->group_of);
  char **case_group = calloc (s->n_cases + 1, sizeof *case_group);
  struct judging j = { r, case_group };
  bool ok = s->verdicts && s->group_of && case_group
            && ehl_parallel_ranges (s->n_cases, r->o->jobs, judge_cases, &j);
  if (ok && r->o->group_field)
    ok = number_groups (r, case_group);
  for (size_t i = 0; case_group && i < s->n_cases; i++)
    free (case_group[i]);
  free (case_group);
  return ok && count_verdicts (r);
}

static bool
case_falls_short (const struct summary *s, size_t i)
{
  for (size_t e = 0; e < s->n_exps; e++)
    if (s->verdicts[i * s->n_exps + e] == EHL_NOT_MET)
      return true;
  return false;
}

/* MET of APPLICABLE as a whole percentage, rounded, but never 100 when
   one falls short nor 0 when one is met: 999 of 1000 is not all.  */
static unsigned
percent (size_t met, size_t applicable)
{
  unsigned p = (unsigned) ((met * 100 + applicable / 2) / applicable);
  if (p == 100 && met < applicable)
    return 99;
  return p == 0 && met > 0 ? 1 : p;
}

/* ---- the cases, in order, formatted by several threads ---- */

/* Write case I's part of the report to R->out (nothing, if it has
   none), evaluating it into R->res if it needs to.  */
typedef bool case_writer (struct report *r, size_t i);

/* Cases per round: a round's output is held in memory until it is
   written, and a case's NDJSON (reasons for every expectation) runs to
   ten kilobytes or so.  */
enum { ROUND = 256 };

struct part
{
  char *buf;
  size_t len;
};

struct round
{
  struct report *r;
  case_writer *fn;
  size_t first;                 /* the round's first case */
  struct part *parts;
};

static bool
format_part (void *ctx, size_t begin, size_t end, int part)
{
  const struct round *rd = ctx;
  struct part *p = &rd->parts[part];
  struct report mine = *rd->r;
  memset (&mine.res, 0, sizeof mine.res);
  if (!(mine.out = open_memstream (&p->buf, &p->len)))
    return false;
  bool ok = true;
  for (size_t i = begin; ok && i < end; i++)
    ok = rd->fn (&mine, rd->first + i);
  ok &= ehl_memstream_close (mine.out, &p->buf);
  ehl_case_result_free (&mine.res);
  return ok;
}

/* Every case through FN.  With jobs, a round of cases at a time is cut
   into parts that threads format into buffers of their own, written out
   in case order: the same bytes as one thread writing straight out.  */
static bool
write_cases (struct report *r, case_writer *fn)
{
  size_t n = r->sum.n_cases;
  int jobs = r->o->jobs;
  if (jobs <= 1)
    {
      for (size_t i = 0; i < n; i++)
        if (!fn (r, i))
          return false;
      return true;
    }
  struct part *parts = calloc ((size_t) jobs, sizeof *parts);
  bool ok = parts != NULL;
  for (size_t first = 0; ok && first < n; first += ROUND)
    {
      struct round rd = { r, fn, first, parts };
      ok = ehl_parallel_ranges (n - first < ROUND ? n - first : ROUND, jobs,
                                format_part, &rd);
      for (int p = 0; p < jobs; p++)
        {
          if (ok)
            ok = ehl_fwrite (parts[p].buf, parts[p].len, r->out);
          free (parts[p].buf);
          parts[p] = (struct part) { NULL, 0 };
        }
    }
  free (parts);
  return ok;
}

/* ---- text ---- */

/* Write TEXT wrapped to WIDTH columns, every line indented by INDENT.  */
static void
wrap (FILE *out, const char *text, size_t indent)
{
  size_t col = 0;
  const char *p = text;
  while (*p)
    {
      size_t len = strcspn (p, " ");
      size_t w = ehl_display_width_n (p, len);
      if (col > indent && col + 1 + w > WIDTH)
        {
          putc ('\n', out);
          col = 0;
        }
      if (col == 0)
        for (; col < indent; col++)
          putc (' ', out);
      else
        {
          putc (' ', out);
          col++;
        }
      ehl_write_plain (out, p, len);
      col += w;
      p += len;
      while (*p == ' ')
        p++;
    }
  putc ('\n', out);
}

static size_t
column_width (const ehl_expect_set *set, bool section, size_t cap)
{
  size_t w = section ? 7 : 11;  /* "section", "expectation" */
  for (size_t e = 0; e < ehl_expect_count (set); e++)
    {
      const struct ehl_expect_info *in = ehl_expect_at (set, e);
      size_t ew = ehl_display_width (section ? in->section : in->id);
      w = ew > w ? ew : w;
    }
  return w < cap ? w : cap;
}

/* S cut to WIDTH columns, padded to WIDTH if PAD.  */
static void
print_cut (FILE *out, const char *s, size_t width, bool pad)
{
  char *cut = strdup (s);
  if (cut)
    ehl_truncate_width (cut, width);
  ehl_print_padded (out, cut ? cut : s, pad ? width : 0);
  free (cut);
}

static void
print_cell (FILE *out, const char *s, size_t width)
{
  print_cut (out, s, width, true);
}

static void
text_summary_block (struct report *r, size_t block)
{
  FILE *out = r->out;
  size_t wid = column_width (r->set, false, 34);
  size_t wsec = column_width (r->set, true, 20);
  print_cell (out, "expectation", wid);
  fputs ("  ", out);
  print_cell (out, "section", wsec);
  fputs ("  met/applicable      %\n", out);
  for (size_t e = 0; e < r->sum.n_exps; e++)
    {
      const struct ehl_expect_info *in = ehl_expect_at (r->set, e);
      const size_t *n = count_at (&r->sum, block, e);
      size_t applicable = n[EHL_MET] + n[EHL_NOT_MET];
      char ratio[48], pct[8] = "-";
      snprintf (ratio, sizeof ratio, "%zu/%zu", n[EHL_MET], applicable);
      if (applicable)
        snprintf (pct, sizeof pct, "%u%%", percent (n[EHL_MET], applicable));
      print_cell (out, in->id, wid);
      fputs ("  ", out);
      print_cell (out, in->section, wsec);
      fprintf (out, "  %14s  %5s\n", ratio, pct);
    }
}

static void
text_summary (struct report *r)
{
  const struct summary *s = &r->sum;
  fprintf (r->out, "Audit of %zu case%s against %zu expectation%s, as of %s\n\n",
           s->n_cases, s->n_cases == 1 ? "" : "s", s->n_exps,
           s->n_exps == 1 ? "" : "s", r->date);
  text_summary_block (r, 0);
  for (size_t g = 0; g < s->n_groups; g++)
    {
      fprintf (r->out, "\n%s ", r->o->group_field);
      print_cut (r->out, s->groups[g], 50, false);
      fprintf (r->out, ": %zu case%s\n", s->group_cases[g + 1],
               s->group_cases[g + 1] == 1 ? "" : "s");
      text_summary_block (r, g + 1);
    }
}

/* False if memory ran out.  */
static bool
text_evidence (FILE *out, const struct ehl_finding *f)
{
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  ehl_strbuf_add (&b, "evidence:");
  for (size_t i = 0; i < f->n_evidence; i++)
    ehl_strbuf_addf (&b, "%s %s:%ld", i ? "," : "", f->evidence[i].file,
                     f->evidence[i].line);
  if (f->n_evidence == 0)
    ehl_strbuf_add (&b, " none (nothing of the kind was recorded)");
  bool ok = !b.failed;
  if (ok)
    wrap (out, ehl_strbuf_str (&b), 4);
  ehl_strbuf_free (&b);
  return ok;
}

static bool
text_case (struct report *r, size_t i)
{
  if (!case_falls_short (&r->sum, i))
    return true;
  if (!ehl_audit_eval (r->a, i, EHL_REASONS_SHORTFALLS, &r->res))
    return false;
  size_t failed = 0, applicable = 0;
  for (size_t e = 0; e < r->res.n; e++)
    {
      failed += r->res.findings[e].verdict == EHL_NOT_MET;
      applicable += r->res.findings[e].verdict != EHL_NA;
    }
  struct ehl_strbuf head = EHL_STRBUF_INIT;
  ehl_strbuf_add (&head, r->res.case_id);
  if (r->o->group_field)
    ehl_strbuf_addf (&head, " (%s %s)", r->o->group_field,
                     *r->res.group ? r->res.group : "(none)");
  ehl_strbuf_addf (&head, ": %zu of %zu applicable not met", failed,
                   applicable);
  if (head.failed)
    {
      ehl_strbuf_free (&head);
      return false;
    }
  putc ('\n', r->out);
  wrap (r->out, ehl_strbuf_str (&head), 0);
  ehl_strbuf_free (&head);
  for (size_t e = 0; e < r->res.n; e++)
    {
      const struct ehl_finding *f = &r->res.findings[e];
      if (f->verdict != EHL_NOT_MET)
        continue;
      fprintf (r->out, "  %s\n", ehl_expect_at (r->set, e)->id);
      wrap (r->out, f->reason, 4);
      if (!text_evidence (r->out, f))
        return false;
    }
  return true;
}

static bool
write_text (struct report *r)
{
  text_summary (r);
  if (r->o->summary_only)
    return true;
  size_t short_cases = 0;
  for (size_t i = 0; i < r->sum.n_cases; i++)
    short_cases += case_falls_short (&r->sum, i);
  if (short_cases == 0)
    fputs ("\nNo case falls short.\n", r->out);
  else
    fprintf (r->out, "\n%zu case%s fall%s short:\n", short_cases,
             short_cases == 1 ? "" : "s", short_cases == 1 ? "s" : "");
  return write_cases (r, text_case);
}

/* ---- NDJSON ---- */

static json_t *
evidence_array (const struct ehl_finding *f)
{
  json_t *arr = json_array ();
  for (size_t i = 0; arr && i < f->n_evidence; i++)
    {
      struct ehl_strbuf b = EHL_STRBUF_INIT;
      ehl_strbuf_addf (&b, "%s:%ld", f->evidence[i].file, f->evidence[i].line);
      char *s = ehl_strbuf_take (&b);
      if (!s || json_array_append_new (arr, json_string (s)) != 0)
        {
          free (s);
          json_decref (arr);
          return NULL;
        }
      free (s);
    }
  return arr;
}

/* A record in the order type, case, date, id, ... (DESIGN.md 2).  */
static json_t *
audit_head (const char *type, const char *case_id, const char *date)
{
  json_t *o = json_object ();
  if (o)
    {
      json_object_set_new (o, "type", json_string (type));
      if (case_id)
        json_object_set_new (o, "case", json_string (case_id));
      json_object_set_new (o, "date", json_string (date));
      json_object_set_new (o, "id", json_string (""));
    }
  return o;
}

static bool
emit (FILE *out, json_t *o)
{
  bool ok = o && ehl_record_assign_id (o) && ehl_write_record (out, o);
  json_decref (o);
  return ok;
}

static bool
ndjson_case (struct report *r, size_t i)
{
  if (!ehl_audit_eval (r->a, i, EHL_REASONS_ALL, &r->res))
    return false;
  for (size_t e = 0; e < r->res.n; e++)
    {
      const struct ehl_finding *f = &r->res.findings[e];
      json_t *o = audit_head ("audit", r->res.case_id, r->date);
      if (o)
        {
          json_object_set_new (o, "expectation",
                               json_string (ehl_expect_at (r->set, e)->id));
          json_object_set_new (o, "verdict",
                               json_string (ehl_verdict_name (f->verdict)));
          json_object_set_new (o, "reason", json_string (f->reason));
          json_object_set_new (o, "evidence", evidence_array (f));
        }
      if (!emit (r->out, o))
        return false;
    }
  return true;
}

static bool
ndjson_summary (struct report *r)
{
  for (size_t b = 0; b <= r->sum.n_groups; b++)
    for (size_t e = 0; e < r->sum.n_exps; e++)
      {
        const size_t *n = count_at (&r->sum, b, e);
        json_t *o = audit_head ("audit_summary", NULL, r->date);
        if (o)
          {
            json_object_set_new (o, "expectation",
                                 json_string (ehl_expect_at (r->set, e)->id));
            if (b)
              {
                json_object_set_new (o, "group_by",
                                     json_string (r->o->group_field));
                json_object_set_new (o, "group",
                                     json_string (r->sum.groups[b - 1]));
              }
            json_object_set_new (o, "cases",
                                 json_integer ((json_int_t) r->sum.group_cases[b]));
            json_object_set_new (o, "met", json_integer ((json_int_t) n[EHL_MET]));
            json_object_set_new (o, "not_met",
                                 json_integer ((json_int_t) n[EHL_NOT_MET]));
            json_object_set_new (o, "n_a", json_integer ((json_int_t) n[EHL_NA]));
          }
        if (!emit (r->out, o))
          return false;
      }
  return true;
}

static bool
write_ndjson (struct report *r)
{
  if (r->o->summary_only)
    return ndjson_summary (r);
  return write_cases (r, ndjson_case);
}

/* ---- CSV ---- */

static const struct ehl_csv_opts csv_opts = { .crlf = true };

static bool
csv_summary (struct report *r)
{
  const char *head[] = { "group", "expectation", "section", "met",
                         "not_met", "n_a", "applicable", "percent" };
  bool grouped = r->o->group_field != NULL;
  if (grouped)
    head[0] = r->o->group_field;
  if (!ehl_csv_row (r->out, head + !grouped, 8 - !grouped, &csv_opts))
    return false;
  for (size_t b = 0; b <= r->sum.n_groups; b++)
    for (size_t e = 0; e < r->sum.n_exps; e++)
      {
        const struct ehl_expect_info *in = ehl_expect_at (r->set, e);
        const size_t *n = count_at (&r->sum, b, e);
        size_t applicable = n[EHL_MET] + n[EHL_NOT_MET];
        char num[5][24];
        snprintf (num[0], 24, "%zu", n[EHL_MET]);
        snprintf (num[1], 24, "%zu", n[EHL_NOT_MET]);
        snprintf (num[2], 24, "%zu", n[EHL_NA]);
        snprintf (num[3], 24, "%zu", applicable);
        snprintf (num[4], 24, "%s", "");
        if (applicable)
          snprintf (num[4], 24, "%u", percent (n[EHL_MET], applicable));
        const char *row[] = { b ? r->sum.groups[b - 1] : "(all)", in->id,
                              in->section, num[0], num[1], num[2], num[3],
                              num[4] };
        if (!ehl_csv_row (r->out, row + !grouped, 8 - !grouped, &csv_opts))
          return false;
      }
  return true;
}

/* The case's row: its verdicts, known since the first pass.  */
static bool
csv_case (struct report *r, size_t i)
{
  size_t n = r->sum.n_exps, lead = r->o->group_field ? 2 : 1;
  const char **row = calloc (n + lead, sizeof *row);
  if (!row)
    return false;
  row[0] = ehl_audit_case_id (r->a, i);
  if (lead == 2)
    row[1] = r->sum.groups[r->sum.group_of[i] - 1];
  for (size_t e = 0; e < n; e++)
    row[lead + e] = ehl_verdict_name (r->sum.verdicts[i * n + e]);
  bool ok = ehl_csv_row (r->out, row, n + lead, &csv_opts);
  free (row);
  return ok;
}

static bool
write_csv (struct report *r)
{
  if (r->o->summary_only)
    return csv_summary (r);
  size_t n = r->sum.n_exps, lead = r->o->group_field ? 2 : 1;
  const char **row = calloc (n + lead, sizeof *row);
  if (!row)
    return false;
  row[0] = "case";
  if (lead == 2)
    row[1] = r->o->group_field;
  for (size_t e = 0; e < n; e++)
    row[lead + e] = ehl_expect_at (r->set, e)->id;
  bool ok = ehl_csv_row (r->out, row, n + lead, &csv_opts);
  free (row);
  return ok && write_cases (r, csv_case);
}

/* ---- HTML ---- */

static const char html_style[] =
  "body{font-family:sans-serif;margin:1.5em;color:#222}"
  "table{border-collapse:collapse;margin-bottom:1.5em}"
  "th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
  ".bar{width:14em;height:1em;background:#f2d4d4}"
  ".bar div{height:100%;background:#3a8f4b}"
  ".grid td{text-align:center;font-size:.85em}"
  ".grid th.x{writing-mode:vertical-rl;transform:rotate(180deg);"
  "font-weight:normal;font-size:.8em}"
  "td.met{background:#cfe8d4}td.not_met{background:#f3c1c1}"
  "td.n_a{background:#eee;color:#777}"
  "dt{font-weight:bold;margin-top:.75em}";

static void
esc (struct report *r, const char *s)
{
  ehl_html_escape (r->out, s);
}

static void
html_summary_block (struct report *r, size_t block)
{
  fputs ("<table class=\"summary\"><tr><th>expectation</th><th>section</th>"
         "<th>met / applicable</th><th></th></tr>\n", r->out);
  for (size_t e = 0; e < r->sum.n_exps; e++)
    {
      const struct ehl_expect_info *in = ehl_expect_at (r->set, e);
      const size_t *n = count_at (&r->sum, block, e);
      size_t applicable = n[EHL_MET] + n[EHL_NOT_MET];
      unsigned pct = applicable ? percent (n[EHL_MET], applicable) : 0;
      fputs ("<tr><td title=\"", r->out);
      esc (r, in->text);
      fputs ("\">", r->out);
      esc (r, in->id);
      fputs ("</td><td>", r->out);
      esc (r, in->section);
      fprintf (r->out, "</td><td>%zu / %zu", n[EHL_MET], applicable);
      if (applicable)
        fprintf (r->out, " (%u%%)", pct);
      fprintf (r->out, "</td><td><div class=\"bar\"><div style=\"width:%u%%\">"
               "</div></div></td></tr>\n", applicable ? pct : 0);
    }
  fputs ("</table>\n", r->out);
}

static void
html_summary (struct report *r)
{
  fprintf (r->out, "<h2>Summary</h2>\n<p>%zu cases, %zu expectations, as of"
           " %s.</p>\n", r->sum.n_cases, r->sum.n_exps, r->date);
  html_summary_block (r, 0);
  for (size_t g = 0; g < r->sum.n_groups; g++)
    {
      fputs ("<h3>", r->out);
      esc (r, r->o->group_field);
      fputs (" ", r->out);
      esc (r, r->sum.groups[g]);
      fprintf (r->out, " (%zu case%s)</h3>\n", r->sum.group_cases[g + 1],
               r->sum.group_cases[g + 1] == 1 ? "" : "s");
      html_summary_block (r, g + 1);
    }
}

static void
html_cell (struct report *r, const struct ehl_finding *f)
{
  static const char *const shown[] = { "n/a", "met", "not met" };
  fprintf (r->out, "<td class=\"%s\" title=\"", ehl_verdict_name (f->verdict));
  esc (r, f->reason);
  for (size_t i = 0; i < f->n_evidence; i++)
    {
      char line[32];
      snprintf (line, sizeof line, ":%ld", f->evidence[i].line);
      fputs (i ? ", " : "&#10;evidence: ", r->out);
      esc (r, f->evidence[i].file);
      fputs (line, r->out);
    }
  fprintf (r->out, "\">%s</td>", shown[f->verdict]);
}

static bool
html_row (struct report *r, size_t i)
{
  if (!ehl_audit_eval (r->a, i, EHL_REASONS_ALL, &r->res))
    return false;
  fputs ("<tr><th>", r->out);
  esc (r, r->res.case_id);
  fputs ("</th>", r->out);
  if (r->o->group_field)
    {
      fputs ("<td>", r->out);
      esc (r, r->sum.groups[r->sum.group_of[i] - 1]);
      fputs ("</td>", r->out);
    }
  for (size_t e = 0; e < r->res.n; e++)
    html_cell (r, &r->res.findings[e]);
  fputs ("</tr>\n", r->out);
  return true;
}

static bool
html_grid (struct report *r)
{
  fputs ("<h2>Cases</h2>\n<table class=\"grid\"><tr><th>case</th>", r->out);
  if (r->o->group_field)
    {
      fputs ("<th>", r->out);
      esc (r, r->o->group_field);
      fputs ("</th>", r->out);
    }
  for (size_t e = 0; e < r->sum.n_exps; e++)
    {
      fputs ("<th class=\"x\">", r->out);
      esc (r, ehl_expect_at (r->set, e)->id);
      fputs ("</th>", r->out);
    }
  fputs ("</tr>\n", r->out);
  bool ok = write_cases (r, html_row);
  fputs ("</table>\n", r->out);
  return ok;
}

static void
html_legend (struct report *r)
{
  fputs ("<h2>Expectations</h2>\n<dl>\n", r->out);
  for (size_t e = 0; e < r->sum.n_exps; e++)
    {
      const struct ehl_expect_info *in = ehl_expect_at (r->set, e);
      const char *parts[][2] = { { "", in->text }, { "Where: ", in->where },
                                 { "Partly checked: ", in->partial } };
      fputs ("<dt>", r->out);
      esc (r, in->id);
      fputs ("</dt>", r->out);
      for (size_t p = 0; p < 3; p++)
        if (*parts[p][1])
          {
            fprintf (r->out, "<dd>%s", parts[p][0]);
            esc (r, parts[p][1]);
            fputs ("</dd>", r->out);
          }
      fputs ("\n", r->out);
    }
  fputs ("</dl>\n", r->out);
}

static bool
write_html (struct report *r)
{
  fprintf (r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
           "<meta charset=\"utf-8\">\n<title>ehlog audit as of %s</title>\n"
           "<style>%s</style></head>\n<body>\n<h1>Case-file audit</h1>\n",
           r->date, html_style);
  html_summary (r);
  bool ok = r->o->summary_only || html_grid (r);
  if (ok)
    html_legend (r);
  fputs ("</body></html>\n", r->out);
  return ok;
}

bool
ehl_report_write (FILE *out, ehl_audit *a, const ehl_expect_set *set,
                  const struct ehl_report_opts *opts, bool *shortfall)
{
  struct report r = { .out = out, .a = a, .set = set, .o = opts };
  ehl_date_format (opts->date, r.date);
  bool ok = summarise (&r);
  *shortfall = false;
  for (size_t e = 0; ok && e < r.sum.n_exps; e++)
    *shortfall |= count_at (&r.sum, 0, e)[EHL_NOT_MET] > 0;
  if (ok)
    switch (opts->format)
      {
      case EHL_FMT_TEXT:
        ok = write_text (&r);
        break;
      case EHL_FMT_NDJSON:
        ok = write_ndjson (&r);
        break;
      case EHL_FMT_CSV:
        ok = write_csv (&r);
        break;
      case EHL_FMT_HTML:
        ok = write_html (&r);
        break;
      }
  ehl_case_result_free (&r.res);
  summary_free (&r.sum);
  return ok && !ferror (out);
}
