/* ehlog-report - audit case files against the expectations.  */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caseread.h"
#include "cli.h"
#include "expect.h"
#include "jsonload.h"
#include "operand.h"
#include "output.h"
#include "parallel.h"
#include "record.h"
#include "report.h"

/* The open-record fields --by accepts (and "by", the envelope's).  */
static const char *const group_fields[] = { "team", "service", "lead", "by",
                                            NULL };

struct options
{
  ehl_day as_of;
  const char *expectations;
  struct ehl_case_list cases;   /* --case */
  long jobs;
  struct ehl_report_opts report;
  bool names;
  const char *output;
};

static void
usage (int status)
{
  if (status != EHL_EXIT_OK)
    {
      ehl_usage_error ();
      return;
    }
  printf ("Usage: %s [OPTION]... [FILE]...\n", ehl_program ());
  fputs ("Audit case files (ehlog records) against the practice expectations:\n"
         "for every case, which are met, not met or not applicable, with the\n"
         "reason and the evidence (FILE:LINE of the deciding records).\n"
         "With no FILE, or when FILE is -, read standard input.\n"
         "\n"
         "      --as-of=DATE         count only records dated on or before DATE\n"
         "                           (YYYY-MM-DD or DD/MM/YYYY)\n"
         "      --expectations=FILE  the expectation file (default: the Signs of\n"
         "                           Wellbeing 2020-21 expectations)\n"
         "      --case=ID            audit only case ID (may be repeated)\n"
         "      --format=FORMAT      text (default), ndjson, csv or html\n"
         "      --names              let reasons name people (network members)\n"
         "      --summary            only the summary\n"
         "      --by=FIELD           split the summary by the case's team, service\n"
         "                           or lead (from its open record), or by (who\n"
         "                           opened it)\n"
         "  -o, --output=FILE        write the report to FILE (replaced whole,\n"
         "                           only once it is complete)\n"
         "  -j, --jobs=N             work with N threads (default: one per\n"
         "                           processor); the report is the same\n",
         stdout);
  ehl_print_help_tail ();
  printf ("\nFindings (status 1): some applicable expectation not met.\n"
          "The default expectation file is %s/%s\n"
          "($EHLOG_DATADIR replaces %s).\n",
          EHLOG_DATADIR, EHL_DEFAULT_EXPECTATIONS, EHLOG_DATADIR);
}

static bool
set_group (struct options *o, const char *field)
{
  for (const char *const *f = group_fields; *f; f++)
    if (strcmp (*f, field) == 0)
      {
        o->report.group_field = *f;
        return true;
      }
  ehl_usage_fail ("--by: '%s' is not one of team, service, lead, by", field);
  return false;
}

enum
{
  OPT_AS_OF = 0x100, OPT_EXPECTATIONS, OPT_CASE, OPT_FORMAT, OPT_NAMES,
  OPT_SUMMARY, OPT_BY
};

/* Parse the options into O; returns -1 to go on, else an exit status.  */
static int
parse_options (int argc, char **argv, struct options *o)
{
  static const struct option long_options[] = {
    { "as-of", required_argument, NULL, OPT_AS_OF },
    { "expectations", required_argument, NULL, OPT_EXPECTATIONS },
    { "case", required_argument, NULL, OPT_CASE },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "names", no_argument, NULL, OPT_NAMES },
    { "summary", no_argument, NULL, OPT_SUMMARY },
    { "by", required_argument, NULL, OPT_BY },
    { "output", required_argument, NULL, 'o' },
    { "jobs", required_argument, NULL, 'j' },
    EHL_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 }
  };
  int c;
  while ((c = getopt_long (argc, argv, "o:j:", long_options, NULL)) != -1)
    switch (c)
      {
      case OPT_AS_OF:
        if (!ehl_date_parse_option (optarg, &o->as_of))
          return ehl_usage_fail ("--as-of: '%s' is not a date (YYYY-MM-DD or "
                                 "DD/MM/YYYY)", optarg);
        break;
      case OPT_EXPECTATIONS:
        o->expectations = optarg;
        break;
      case OPT_CASE:
        if (!ehl_case_option (&o->cases, optarg))
          return EHL_EXIT_TROUBLE;
        break;
      case OPT_FORMAT:
        if (!ehl_format_parse (optarg, 0xF, &o->report.format))
          return ehl_usage_fail ("--format: '%s' is not one of text, ndjson, "
                                 "csv, html", optarg);
        break;
      case OPT_NAMES:
        o->names = true;
        break;
      case OPT_SUMMARY:
        o->report.summary_only = true;
        break;
      case OPT_BY:
        if (!set_group (o, optarg))
          return EHL_EXIT_TROUBLE;
        break;
      case 'o':
        o->output = optarg;
        break;
      case 'j':
        if (!ehl_parse_count (optarg, &o->jobs) || o->jobs < 1
            || o->jobs > EHL_MAX_JOBS)
          return ehl_usage_fail ("--jobs takes a number from 1 to %d",
                                 EHL_MAX_JOBS);
        break;
      default:
        if (ehl_help_or_version (c, usage))
          return ehl_finish (EHL_EXIT_OK);
        usage (EHL_EXIT_TROUBLE);
        return EHL_EXIT_TROUBLE;
      }
  return -1;
}

/* One reading thread's share: its own audit (threads never write to
   shared state while reading).  */
struct job
{
  const struct options *o;
  ehl_audit *audit;
};

/* Is the record's case one to audit?  */
static bool
wanted (struct job *job, json_t *rec)
{
  return ehl_case_list_wants (&job->o->cases, ehl_record_case (rec));
}

static bool
consume (void *state, struct ehl_record *rec)
{
  struct job *job = state;
  bool ok = !wanted (job, rec->json) || ehl_audit_add (job->audit, rec);
  json_decref (rec->json);
  return ok;
}

static void
free_jobs (struct job *jobs, long n)
{
  for (long i = 0; jobs && i < n; i++)
    ehl_audit_free (jobs[i].audit);
  free (jobs);
}

/* Read every record with O->jobs threads, each into its own audit, then
   merge them all into the first, which is returned (NULL if memory ran
   out, reported).  */
static ehl_audit *
read_records (const struct options *o, const ehl_expect_set *set,
              const struct ehl_audit_opts *ao, char *const *files, int nfiles,
              struct ehl_read_stats *st)
{
  long n = o->jobs;
  struct job *jobs = calloc ((size_t) n, sizeof *jobs);
  void *states[EHL_MAX_JOBS];
  bool ok = jobs != NULL;
  for (long i = 0; ok && i < n; i++)
    {
      jobs[i].o = o;
      jobs[i].audit = ehl_audit_new (set, ao);
      states[i] = &jobs[i];
      ok = jobs[i].audit != NULL;
    }
  ok = ok && ehl_read_parallel (files, nfiles, EHL_READ_VALIDATE, (int) n,
                                states, consume, st);
  for (long i = 1; ok && i < n; i++)
    {
      ok = ehl_audit_merge (jobs[0].audit, jobs[i].audit);
      jobs[i].audit = NULL;     /* merged, and freed by the merge */
    }
  ok = ok && ehl_audit_resolve (jobs[0].audit, (int) n);
  ehl_audit *a = NULL;
  if (ok)
    {
      a = jobs[0].audit;
      jobs[0].audit = NULL;
    }
  else
    ehl_warn ("memory exhausted");
  free_jobs (jobs, n);
  return a;
}

/* Say of each correction that counts and names a record its case does
   not have that it changes nothing (as the makers do when they append
   one).  False if memory ran out.  */
static bool
say_unmatched (const ehl_corrections *known, const ehl_audit *a)
{
  struct ehl_unmatched *u;
  size_t n;
  if (!ehl_corrections_unmatched (known, &u, &n))
    return false;
  for (size_t i = 0; i < n; i++)
    ehl_say_unmatched (ehl_cases_file (ehl_audit_cases (a), u[i].file_no),
                       (long) u[i].line, u[i].case_id, u[i].field, u[i].id,
                       "");
  free (u);
  return true;
}

/* The audit of FILES: read_records, knowing the corrections first when
   they can be looked for, so that memory grows with the cases and not
   the records (a pipe on standard input is copied to a temporary file
   for that; without one it still works, holding more).  NULL after
   reporting why not.  */
static ehl_audit *
audit_files (const struct options *o, const ehl_expect_set *set,
             char *const *files, int nfiles, struct ehl_read_stats *st)
{
  bool no_memory;
  if (!ehl_stdin_spool (files, nfiles))
    return NULL;
  ehl_corrections *known = ehl_corrections_scan (files, nfiles,
                                                 EHL_READ_VALIDATE, o->as_of,
                                                 (int) o->jobs, &no_memory);
  /* Without them the audit would still be right, but the corrections
     that change nothing could not be told.  */
  if (no_memory)
    {
      ehl_warn ("memory exhausted");
      return NULL;
    }
  struct ehl_audit_opts ao = { o->as_of, files, nfiles, o->names,
                               o->report.group_field, known, 0 };
  ehl_audit *a = read_records (o, set, &ao, files, nfiles, st);
  if (a && ehl_audit_overtaken (a))
    {
      /* Records it let go of may have been needed after all.  */
      ehl_warn ("a correction was written to the input while it was being "
                "read; reading it again");
      ehl_audit_free (a);
      memset (st, 0, sizeof *st);
      ao.corrections = NULL;
      a = read_records (o, set, &ao, files, nfiles, st);
    }
  else if (a && known && !say_unmatched (known, a))
    {
      ehl_warn ("memory exhausted");
      ehl_audit_free (a);
      a = NULL;
    }
  ehl_corrections_free (known);       /* needed until resolved */
  return a;
}

/* Write the report to standard output or, with -o, to its file.  False
   after reporting a problem.  */
static bool
write_report (const struct options *o, ehl_audit *a, const ehl_expect_set *set,
              bool *shortfall)
{
  struct ehl_tmpfile tmp;
  FILE *out = stdout;
  if (o->output)
    {
      if (!ehl_create_file (&tmp, o->output))
        return false;
      out = tmp.out;
    }
  unsigned long failures = ehl_alloc_failures ();
  bool ok = ehl_report_write (out, a, set, &o->report, shortfall)
            && ehl_alloc_failures () == failures;
  if (!o->output)
    {
      if (!ok && !ferror (stdout))
        ehl_warn ("memory exhausted");
      return ok || ferror (stdout);     /* ehl_finish reports the error */
    }
  if (!ok)
    {
      ehl_fail_file (&tmp, ferror (out));
      return false;
    }
  return ehl_commit_file (&tmp);
}

int
main (int argc, char **argv)
{
  struct options o = { .as_of = EHL_NO_DAY, .jobs = ehl_cpu_count () };
  ehl_cli_init (argc, argv);
  int status = parse_options (argc, argv, &o);
  if (status < 0 && !ehl_as_of_or_today (o.as_of, &o.report.date))
    status = EHL_EXIT_TROUBLE;
  if (status >= 0)
    {
      ehl_case_list_free (&o.cases);
      return status;
    }

  char *default_path = o.expectations ? NULL : ehl_expect_default_path ();
  const char *path = o.expectations ? o.expectations : default_path;
  ehl_expect_set *set = path ? ehl_expect_load_file (path, NULL) : NULL;
  if (!path)
    ehl_warn ("memory exhausted");
  free (default_path);
  o.report.jobs = (int) o.jobs;
  struct ehl_read_stats st = { 0 };
  ehl_audit *a = set ? audit_files (&o, set, argv + optind, argc - optind,
                                    &st) : NULL;

  bool shortfall = false;
  status = EHL_EXIT_TROUBLE;
  if (a && st.unknown_type > 0)
    ehl_warn_at (ehl_cases_file (ehl_audit_cases (a),
                                 (unsigned) st.unknown_file_no),
                 st.unknown_line, "type: none of the record types, so no "
                 "expectation reads this record (%ld such record%s in all)",
                 st.unknown_type, st.unknown_type == 1 ? "" : "s");
  if (a)
    {
      /* A --case with no records on or before the --as-of day, as
         ehlog-scale and ehlog-network report it.  */
      bool trouble = st.bad || st.io_errors
                     || ehl_case_list_report_missing (&o.cases,
                                                      ehl_audit_cases (a));
      if (write_report (&o, a, set, &shortfall) && !trouble)
        status = shortfall ? EHL_EXIT_FOUND : EHL_EXIT_OK;
    }
  ehl_audit_free (a);
  ehl_expect_free (set);
  ehl_case_list_free (&o.cases);
  return ehl_finish (status);
}
