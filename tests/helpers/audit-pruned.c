/* audit-pruned FILE... - the default audit of FILES as ehlog-report
   makes it, but letting go of records after every two items and with
   the records dealt in turn to two audits that are merged after, as two
   --jobs threads would: so that a small input goes through every step
   of letting go (the prune, the tally of what it let go, the merge of
   two tallies, and resolve settling them) and fail-each-alloc can fail
   each of their allocations.  Writes the report as NDJSON, whose
   reasons give the counts ("8 scales, at least 2 needed"); exit status as
   ehlog-report's (0, 1 findings, 2 trouble, saying "memory exhausted"
   when memory ran out).  Unlike ehlog-report it stops, with status 2, if
   it cannot look the input over for corrections (a pipe) or let go of no
   record.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "caseread.h"
#include "cli.h"
#include "corrections.h"
#include "expect.h"
#include "jsonload.h"
#include "record.h"
#include "report.h"

enum { READERS = 2 };

/* Deal the records of FILES in turn to A[0] and A[1].  False if memory
   ran out; *READ counts the records dealt, *BAD the lines and files
   reported and skipped.  */
static bool
deal (ehl_audit *a[READERS], char *const *files, int nfiles, size_t *read,
      long *bad)
{
  ehl_reader *rd = ehl_reader_new (files, nfiles, EHL_READ_VALIDATE);
  if (!rd)
    return false;
  struct ehl_record rec;
  bool ok = true;
  for (*read = 0; ok && ehl_reader_next (rd, &rec); ++*read)
    {
      ok = ehl_audit_add (a[*read % READERS], &rec);
      json_decref (rec.json);
    }
  const struct ehl_read_stats *st = ehl_reader_stats (rd);
  *bad = st->bad + st->io_errors;
  ehl_reader_free (rd);
  return ok;
}

/* The resolved audit of FILES, or NULL after saying why not.  */
static ehl_audit *
audit (const ehl_expect_set *set, char *const *files, int nfiles, long *bad)
{
  bool no_memory;
  ehl_corrections *known = ehl_corrections_scan (files, nfiles,
                                                 EHL_READ_VALIDATE,
                                                 EHL_NO_DAY, 1, &no_memory);
  if (!known)
    {
      /* ehlog-report would read on without letting go: of no use here.  */
      ehl_warn (no_memory ? "memory exhausted"
                : "cannot look the input over for corrections");
      return NULL;
    }
  struct ehl_audit_opts ao = { EHL_NO_DAY, files, nfiles, false, NULL,
                               known, 2 };
  ehl_audit *a[READERS] = { NULL, NULL };
  bool ok = true;
  for (int i = 0; ok && i < READERS; i++)
    ok = (a[i] = ehl_audit_new (set, &ao)) != NULL;
  size_t read = 0;
  ok = ok && deal (a, files, nfiles, &read, bad);
  if (ok)
    {
      ok = ehl_audit_merge (a[0], a[1]);
      a[1] = NULL;              /* freed by the merge */
    }
  ok = ok && ehl_audit_resolve (a[0], 1);
  ehl_corrections_free (known);
  ehl_audit_free (a[1]);
  if (!ok)
    {
      ehl_warn ("memory exhausted");
      ehl_audit_free (a[0]);
      return NULL;
    }
  return a[0];
}

/* With --let-go: say how many items the audit A of FILES holds, and how
   many an audit that lets go of nothing holds (so a test can see that it
   let go of some).  False after saying why not.  */
static bool
say_let_go (const ehl_expect_set *set, char *const *files, int nfiles,
            const ehl_audit *a)
{
  struct ehl_audit_opts ao = { EHL_NO_DAY, files, nfiles, false, NULL,
                               NULL, 0 };
  ehl_audit *all = ehl_audit_new (set, &ao);
  ehl_audit *one[READERS] = { all, all };
  size_t read;
  long bad;
  bool ok = all && deal (one, files, nfiles, &read, &bad)
            && ehl_audit_resolve (all, 1);
  if (ok)
    fprintf (stderr, "audit-pruned: %zu items held, %zu without letting go\n",
             ehl_audit_item_count (a), ehl_audit_item_count (all));
  else
    ehl_warn ("memory exhausted");
  ehl_audit_free (all);
  return ok;
}

int
main (int argc, char **argv)
{
  ehl_cli_init (argc, argv);
  bool show_let_go = argc > 1 && strcmp (argv[1], "--let-go") == 0;
  if (show_let_go)
    {
      argc--;
      argv++;
    }
  if (argc < 2)
    {
      fprintf (stderr, "usage: audit-pruned [--let-go] FILE...\n");
      return EHL_EXIT_TROUBLE;
    }
  char *path = ehl_expect_default_path ();
  if (!path)
    ehl_warn ("memory exhausted");
  ehl_expect_set *set = path ? ehl_expect_load_file (path, NULL) : NULL;
  free (path);
  long bad = 0;
  ehl_audit *a = set ? audit (set, argv + 1, argc - 1, &bad) : NULL;
  int status = EHL_EXIT_TROUBLE;
  if (a && show_let_go && !say_let_go (set, argv + 1, argc - 1, a))
    {
      ehl_audit_free (a);
      a = NULL;
    }
  struct ehl_report_opts ro = { EHL_FMT_NDJSON, false, NULL, 0, 1 };
  bool shortfall = false;
  if (a && ehl_as_of_or_today (EHL_NO_DAY, &ro.date))
    {
      unsigned long failures = ehl_alloc_failures ();
      if (!ehl_report_write (stdout, a, set, &ro, &shortfall)
          || ehl_alloc_failures () != failures)
        {
          if (!ferror (stdout))
            ehl_warn ("memory exhausted");
        }
      else if (!bad)
        status = shortfall ? EHL_EXIT_FOUND : EHL_EXIT_OK;
    }
  ehl_audit_free (a);
  ehl_expect_free (set);
  return ehl_finish (status);
}
