/* test-audit.c - unit tests for letting go of items in the audit
   (audit.h) and the first look for corrections (corrections.h).  */
#include <config.h>

#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "cli.h"
#include "corrections.h"
#include "grow.h"
#include "jsonload.h"
#include "record.h"
#include "strmap.h"
#include "unit.h"

/* ---- the first look ---- */

static bool
removes (const ehl_corrections *c, const char *case_id, uint64_t id)
{
  return ehl_corrections_named (c, case_id, ehl_hash_string (case_id), id);
}

#define REC(rest) \
  "{\"type\":\"contact\",\"case\":\"EH-1\",\"by\":\"a\",\"mode\":\"phone\"," rest "}"


/* Standard input is looked over when it is a regular file, not read yet
   (ehl_operand_size), and once however often it is named; a pipe
   cannot be read twice.  PATH holds five corrections.  */
static void
check_stdin_look (const char *path)
{
  char *dash[] = { (char *) "-" }, *twice[] = { (char *) "-", (char *) "-" };
  bool no_memory = true;
  int saved = dup (STDIN_FILENO), ends[2];
  CHECK (saved >= 0 && pipe (ends) == 0);
  dup2 (ends[0], STDIN_FILENO);
  close (ends[0]);
  close (ends[1]);
  CHECK (!ehl_corrections_scan (dash, 1, 0, INT32_MAX, 1, &no_memory)
         && !no_memory);
  CHECK (!ehl_corrections_scan (dash, 0, 0, INT32_MAX, 1, &no_memory)
         && !no_memory);

  int fd = open (path, O_RDONLY);
  CHECK (fd >= 0);
  dup2 (fd, STDIN_FILENO);
  close (fd);
  ehl_corrections *c = ehl_corrections_scan (dash, 0, EHL_READ_VALIDATE,
                                             INT32_MAX, 2, &no_memory);
  CHECK (c && ehl_corrections_count (c) == 5);
  ehl_corrections_free (c);
  c = ehl_corrections_scan (twice, 2, EHL_READ_VALIDATE, INT32_MAX, 1,
                            &no_memory);
  CHECK (c && ehl_corrections_count (c) == 5);
  ehl_corrections_free (c);

  dup2 (saved, STDIN_FILENO);
  close (saved);
}

static void
test_corrections_lines (void)
{
  char path[] = "/tmp/test-audit-XXXXXX";
  const char *text =
    "\xEF\xBB\xBF" REC ("\"date\":\"2021-01-01\",\"supersedes\":\"00000000000000a1\"") "\n"
    REC ("\"date\":\"2021-01-01\",\"supers\\u0065des\":\"00000000000000a2\"") "\r\n"
    "{\"type\":\"void\",\"case\":\"EH-2\",\"by\":\"a\",\"date\":\"2021-01-02\","
    "\"target\":\"00000000000000a3\",\"reason\":\"wrong case\"}\n"
    /* Not taken: invalid (no such mode), after --as-of, a target that is not an
       id, a target on a record that is not a void, broken JSON.  */
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"mode\":\"teleport\",\"date\":\"2021-01-01\","
    "\"supersedes\":\"00000000000000b1\"}\n"
    REC ("\"date\":\"2021-06-02\",\"supersedes\":\"00000000000000b2\"") "\n"
    REC ("\"date\":\"2021-01-01\",\"supersedes\":\"B3\"") "\n"
    REC ("\"date\":\"2021-01-01\",\"target\":\"00000000000000b4\"") "\n"
    "{\"supersedes\":\"00000000000000b5\",\n"
    /* The last line, without its newline.  */
    REC ("\"date\":\"2021-01-01\",\"supersedes\":\"00000000000000a4\"");
  CHECK (write_temp (path, text));
  char *files[] = { path };
  ehl_day as_of;
  CHECK (ehl_date_parse_iso ("2021-06-01", &as_of));
  bool no_memory = true;
  ehl_corrections *c = ehl_corrections_scan (files, 1, EHL_READ_VALIDATE,
                                             as_of, 2, &no_memory);
  CHECK (c && !no_memory);
  if (c)
    {
      CHECK (ehl_corrections_count (c) == 4);
      CHECK (removes (c, "EH-1", 0xa1));
      CHECK (removes (c, "EH-1", 0xa2));
      CHECK (removes (c, "EH-2", 0xa3));
      CHECK (!removes (c, "EH-1", 0xa3));     /* of its own case only */
      CHECK (removes (c, "EH-1", 0xa4));
      CHECK (!removes (c, "EH-1", 0xb1));
      CHECK (!removes (c, "EH-1", 0xb2));
      CHECK (!removes (c, "EH-1", 0xb4));
      CHECK (!removes (c, "EH-1", 0xb5));
    }
  ehl_corrections_free (c);

  /* Without a cut-off, the later one counts.  */
  c = ehl_corrections_scan (files, 1, EHL_READ_VALIDATE, INT32_MAX, 1,
                            &no_memory);
  CHECK (c && ehl_corrections_count (c) == 5 && removes (c, "EH-1", 0xb2));
  ehl_corrections_free (c);

  /* A device, or a file that cannot be looked at: no look at all, as
     the real pass might read what the look could not.  */
  char *dev[] = { (char *) "/dev/null" };
  char *missing[] = { path, (char *) "/nonexistent/cases.ndjson" };
  CHECK (!ehl_corrections_scan (dev, 1, 0, INT32_MAX, 1, &no_memory)
         && !no_memory);
  CHECK (!ehl_corrections_scan (missing, 2, 0, INT32_MAX, 1, &no_memory)
         && !no_memory);

  check_stdin_look (path);
  unlink (path);
}

/* A file big enough to be cut in parts: every part's lines are looked
   at once, whichever part a line falls in.  */
static void
test_corrections_parts (void)
{
  char path[] = "/tmp/test-audit-XXXXXX";
  FILE *f = open_temp (path);
  CHECK (f != NULL);
  if (!f)
    return;
  enum { LINES = 60000 };
  for (int i = 0; i < LINES; i++)
    if (i % 1000 == 999)
      fprintf (f, REC ("\"date\":\"2021-01-01\",\"supersedes\":\"%016x\"")
               "\n", i);
    else
      fprintf (f, REC ("\"date\":\"2021-01-01\",\"note\":\"%0100d\"") "\n",
               i);
  CHECK (fclose (f) == 0);
  char *files[] = { path, path };
  for (int jobs = 1; jobs <= 3; jobs++)
    {
      bool no_memory;
      ehl_corrections *c = ehl_corrections_scan (files, 2, EHL_READ_RAW,
                                                 INT32_MAX, jobs, &no_memory);
      CHECK (c && ehl_corrections_count (c) == LINES / 1000);
      bool all = c != NULL;
      for (int i = 999; c && i < LINES; i += 1000)
        all &= removes (c, "EH-1", (uint64_t) i);
      CHECK (all);
      ehl_corrections_free (c);
    }
  unlink (path);
}

/* ---- letting go ---- */

struct records
{
  struct ehl_record *r;
  size_t n, cap;
};

static void
records_free (struct records *recs)
{
  for (size_t i = 0; i < recs->n; i++)
    json_decref (recs->r[i].json);
  free (recs->r);
}

static void
read_all (char **files, int nfiles, struct records *recs)
{
  ehl_reader *rd = ehl_reader_new (files, nfiles, EHL_READ_VALIDATE);
  struct ehl_record rec;
  while (rd && ehl_reader_next (rd, &rec))
    {
      if (!ehl_grow (&recs->r, &recs->cap, recs->n, sizeof *recs->r))
        {
          json_decref (rec.json);
          break;
        }
      rec.file = NULL;
      recs->r[recs->n++] = rec;
    }
  ehl_reader_free (rd);
}

/* The orders records are read in: as they are, backwards, and shared
   by two readers (every other record), their audits merged after.  */
enum order { FORWARD, BACKWARD, SHARED, ORDERS };

/* An audit of RECS in ORDER, letting go of items from the start when
   KNOWN.  */
static ehl_audit *
audit_of (const ehl_expect_set *set, struct ehl_audit_opts opts,
          const struct records *recs, enum order order,
          const ehl_corrections *known)
{
  opts.corrections = known;
  opts.prune_every = 2;
  ehl_audit *a = ehl_audit_new (set, &opts);
  ehl_audit *other = order == SHARED ? ehl_audit_new (set, &opts) : a;
  bool ok = a && other;
  for (size_t i = 0; ok && i < recs->n; i++)
    ok = ehl_audit_add (i % 2 ? other : a,
                        &recs->r[order == BACKWARD ? recs->n - 1 - i : i]);
  if (other != a)
    ok &= ehl_audit_merge (a, other);
  CHECK (ok && ehl_audit_resolve (a, 2));
  return a;
}

static bool
same_finding (const struct ehl_finding *x, const struct ehl_finding *y)
{
  bool same = x->verdict == y->verdict && strcmp (x->reason, y->reason) == 0
              && x->n_evidence == y->n_evidence;
  for (size_t i = 0; same && i < x->n_evidence; i++)
    same = strcmp (x->evidence[i].file, y->evidence[i].file) == 0
           && x->evidence[i].line == y->evidence[i].line;
  if (!same)
    fprintf (stderr, "differ: %s [%zu] / %s [%zu]\n", x->reason,
             x->n_evidence, y->reason, y->n_evidence);
  return same;
}

/* Every finding, reasons and evidence included, of the audit of SOME
   (in every order, letting go of items on the strength of KNOWN if not
   NULL; then it must have let go of some) is that of the audit of ALL
   that keeps every item.  */
static void
compare_audits (const ehl_expect_set *set, struct ehl_audit_opts opts,
                const struct records *all, const struct records *some,
                const ehl_corrections *known)
{
  for (int order = 0; order < ORDERS; order++)
    {
      ehl_audit *x = audit_of (set, opts, all, FORWARD, NULL);
      ehl_audit *y = audit_of (set, opts, some, order, known);
      CHECK (x && y);
      if (!x || !y)
        break;
      CHECK (!known || ehl_audit_item_count (y) < ehl_audit_item_count (x));
      CHECK (ehl_audit_case_count (y) == ehl_audit_case_count (x));
      struct ehl_case_result rx = { 0 }, ry = { 0 };
      size_t differ = 0;
      for (size_t i = 0; i < ehl_audit_case_count (x); i++)
        {
          bool ok = ehl_audit_eval (x, i, EHL_REASONS_ALL, &rx)
                    && ehl_audit_eval (y, i, EHL_REASONS_ALL, &ry);
          differ += !ok || strcmp (rx.group, ry.group) != 0;
          for (size_t e = 0; ok && e < rx.n; e++)
            differ += !same_finding (&rx.findings[e], &ry.findings[e]);
        }
      CHECK (differ == 0);
      ehl_case_result_free (&rx);
      ehl_case_result_free (&ry);
      ehl_audit_free (x);
      ehl_audit_free (y);
    }
}

static ehl_corrections *
known_corrections (char **files, int nfiles)
{
  bool no_memory;
  ehl_corrections *known = ehl_corrections_scan (files, nfiles,
                                                 EHL_READ_VALIDATE,
                                                 EHL_NO_DAY, 2, &no_memory);
  CHECK (known != NULL);
  return known;
}

/* Every finding, reasons and evidence included, is the same whether the
   audit let go of items or kept them all; and it did let go.  */
static void
check_same (const char *expectations, char **files, int nfiles,
            const char *group, size_t min_records)
{
  ehl_expect_set *set = ehl_expect_load_file (expectations, stderr);
  CHECK (set != NULL);
  if (!set)
    return;
  struct records recs = { 0 };
  read_all (files, nfiles, &recs);
  CHECK (recs.n >= min_records);
  struct ehl_audit_opts opts = { EHL_NO_DAY, files, nfiles, true, group,
                                 NULL, 0 };
  ehl_corrections *known = known_corrections (files, nfiles);
  if (known)
    compare_audits (set, opts, &recs, &recs, known);
  ehl_corrections_free (known);
  records_free (&recs);
  ehl_expect_free (set);
}

/* The first contact is two on one day, the second the one that checked
   the plan, with later contacts after them.  */
static void
test_first_day (void)
{
  char path[] = "/tmp/test-audit-XXXXXX";
  const char *text =
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-09\",\"mode\":\"phone\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-08\",\"mode\":\"phone\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-02\",\"mode\":\"visit\","
    "\"checked_plan\":true}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-05\",\"mode\":\"phone\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-02\",\"mode\":\"phone\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-07\",\"mode\":\"phone\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-06\",\"mode\":\"phone\"}\n"
    "{\"type\":\"scale\",\"case\":\"EH-1\",\"date\":\"2021-01-02\",\"scale\":\"safety\","
    "\"score\":5,\"rater\":\"child\"}\n"
    "{\"type\":\"scale\",\"case\":\"EH-1\",\"date\":\"2021-01-03\",\"scale\":\"safety\","
    "\"score\":6,\"rater\":\"child\"}\n"
    "{\"type\":\"scale\",\"case\":\"EH-1\",\"date\":\"2021-01-04\",\"scale\":\"safety\","
    "\"score\":7,\"rater\":\"child\"}\n";
  CHECK (write_temp (path, text));
  char *files[] = { path };
  check_same ("data/expectations/sow-2020-21.json", files, 1, NULL, 5);
  unlink (path);
}

/* A correction the first look did not see (written to the file after
   it) makes the audit say it was overtaken, if it let go of records.  */
static void
test_overtaken (void)
{
  char path[] = "/tmp/test-audit-XXXXXX";
  const char *before =
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-02\",\"mode\":\"phone\","
    "\"supersedes\":\"00000000000000a1\"}\n";
  const char *after =
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"2021-01-03\",\"mode\":\"phone\","
    "\"supersedes\":\"00000000000000a2\"}\n";
  CHECK (write_temp (path, before));
  char *files[] = { path };
  bool no_memory;
  ehl_corrections *known = ehl_corrections_scan (files, 1, EHL_READ_VALIDATE,
                                                 EHL_NO_DAY, 1, &no_memory);
  FILE *f = fopen (path, "a");
  CHECK (known && f && fputs (after, f) >= 0 && fclose (f) == 0);
  ehl_expect_set *set
    = ehl_expect_load_file ("data/expectations/sow-2020-21.json", stderr);
  struct records recs = { 0 };
  read_all (files, 1, &recs);
  CHECK (set && recs.n == 2);
  struct ehl_audit_opts opts = { EHL_NO_DAY, files, 1, false, NULL, NULL,
                                 0 };
  for (int k = 0; set && known && k < 3; k++)
    {
      /* Knowing them all, knowing the first only, not knowing.  */
      ehl_corrections *all = k == 0
        ? ehl_corrections_scan (files, 1, EHL_READ_VALIDATE, EHL_NO_DAY, 1,
                                &no_memory) : NULL;
      ehl_audit *a = audit_of (set, opts, &recs, FORWARD,
                               k == 0 ? all : k == 1 ? known : NULL);
      CHECK (a && ehl_audit_overtaken (a) == (k == 1));
      ehl_audit_free (a);
      ehl_corrections_free (all);
    }
  records_free (&recs);
  ehl_expect_free (set);
  ehl_corrections_free (known);
  unlink (path);
}

/* Every file read twice (each named twice, so every record comes
   again, from another operand) is audited as if read once: the same
   record counts once, whether it was kept, or let go and counted, by one
   reader or by two.  */
static void
test_read_twice (void)
{
  glob_t g;
  CHECK (glob ("examples/cases/*.ndjson", 0, NULL, &g) == 0);
  int n = (int) g.gl_pathc;
  char **twice = calloc (2 * (size_t) n, sizeof *twice);
  ehl_expect_set *set
    = ehl_expect_load_file ("data/expectations/sow-2020-21.json", stderr);
  CHECK (twice && set);
  if (!twice || !set)
    {
      ehl_expect_free (set);
      free (twice);
      globfree (&g);
      return;
    }
  for (int i = 0; i < 2 * n; i++)
    twice[i] = g.gl_pathv[i % n];
  struct records once = { 0 }, again = { 0 };
  read_all (g.gl_pathv, n, &once);
  read_all (twice, 2 * n, &again);
  CHECK (once.n > 500 && again.n == 2 * once.n);
  /* Two readers take every other record: each record and its copy go
     to different readers only if they are an odd number apart.  The
     second copy of the first record can go: it is read once still.  */
  if (once.n % 2 == 0 && again.n > once.n)
    {
      json_decref (again.r[once.n].json);
      memmove (&again.r[once.n], &again.r[once.n + 1],
               (again.n - once.n - 1) * sizeof *again.r);
      again.n--;
    }
  /* The operands' names come from TWICE: the Nth file and the (N+n)th
     have the same name, so evidence cites them alike.  */
  struct ehl_audit_opts opts = { EHL_NO_DAY, twice, 2 * n, true, NULL,
                                 NULL, 0 };
  ehl_corrections *known = known_corrections (twice, 2 * n);
  compare_audits (set, opts, &once, &again, NULL);
  if (known)
    compare_audits (set, opts, &once, &again, known);
  ehl_corrections_free (known);
  records_free (&once);
  records_free (&again);
  ehl_expect_free (set);
  free (twice);
  globfree (&g);
}

/* Many records a count check counts, each read five times: the keys of
   the records let go are thinned out as they fill up (ehl_cases_tally),
   and each record still counts once.  EH-1 has three worry statements,
   one short of making harm-matrix-when-needed apply; EH-2 has forty.  */
static void
test_read_many_times (void)
{
  char path[] = "/tmp/test-audit-XXXXXX";
  FILE *f = open_temp (path);
  CHECK (f != NULL);
  if (!f)
    return;
  for (int i = 0; i < 43; i++)
    fprintf (f, "{\"type\":\"statement\",\"case\":\"EH-%d\",\"by\":\"a\","
             "\"date\":\"2021-%02d-%02d\",\"kind\":\"worry\","
             "\"with_family\":true,\"text\":\"Worry %d.\"}\n",
             i < 3 ? 1 : 2, 1 + i % 6, 1 + i % 28, i);
  for (int c = 1; c <= 2; c++)
    fprintf (f, "{\"type\":\"scale\",\"case\":\"EH-%d\",\"by\":\"a\","
             "\"date\":\"2021-03-01\",\"scale\":\"safety\","
             "\"rater\":\"manager\",\"score\":%d}\n", c, 3 + c);
  CHECK (fclose (f) == 0);
  enum { READS = 5 };
  char *files[READS];
  for (int i = 0; i < READS; i++)
    files[i] = path;
  ehl_expect_set *set
    = ehl_expect_load_file ("data/expectations/sow-2020-21.json", stderr);
  CHECK (set != NULL);
  struct records once = { 0 }, many = { 0 };
  read_all (files, 1, &once);
  read_all (files, READS, &many);
  CHECK (once.n == 45 && many.n == READS * once.n);
  struct ehl_audit_opts opts = { EHL_NO_DAY, files, READS, true, NULL,
                                 NULL, 0 };
  ehl_corrections *known = known_corrections (files, READS);
  if (set && known)
    compare_audits (set, opts, &once, &many, known);
  ehl_corrections_free (known);
  records_free (&once);
  records_free (&many);
  ehl_expect_free (set);
  unlink (path);
}

static void
test_let_go (void)
{
  glob_t g;
  CHECK (glob ("examples/cases/*.ndjson", 0, NULL, &g) == 0);
  check_same ("data/expectations/sow-2020-21.json", g.gl_pathv,
              (int) g.gl_pathc, NULL, 500);
  check_same ("data/expectations/sow-2020-21.json", g.gl_pathv,
              (int) g.gl_pathc, "team", 500);
  /* A set with every operator and every check.  */
  check_same ("tests/cases/report-custom-operators/custom.json", g.gl_pathv,
              (int) g.gl_pathc, NULL, 500);
  globfree (&g);
  /* Members merged from records in two files, cited by the records that
     gave their fields: in compact form and in the general one.  */
  char *members[] = { (char *) "tests/cases/report-member-evidence/a.ndjson",
                      (char *) "tests/cases/report-member-evidence/b.ndjson" };
  check_same ("data/expectations/sow-2020-21.json", members, 2, NULL, 8);
  check_same ("tests/cases/report-members-fields/exps.json", members, 2, NULL,
              8);
  check_same ("tests/cases/report-member-evidence/general.json", members, 2,
              NULL, 8);
}

int
main (void)
{
  ehl_cli_init (1, (char *[]) { (char *) "test-audit", NULL });
  ehl_json_init ();
  test_corrections_lines ();
  test_corrections_parts ();
  test_let_go ();
  test_read_twice ();
  test_read_many_times ();
  test_first_day ();
  test_overtaken ();
  return UNIT_DONE ();
}
