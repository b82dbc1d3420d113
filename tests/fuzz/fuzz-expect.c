/* fuzz-expect - fuzz entry point for the expectation-file loader
   (ehl_expect_load_buffer: decoding, validating every part against the
   record contract, compiling); a set that loads is then used to audit a
   small fixed case file, so the compiled checks run too.  */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "audit.h"
#include "expect.h"
#include "record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Two cases with a record of most types, supersedes and void.  */
static const char cases[] =
  "{\"type\":\"open\",\"case\":\"A\",\"date\":\"2021-01-04\","
  "\"children\":[{\"ref\":\"C1\",\"name\":\"N\"}],\"team\":\"North\"}\n"
  "{\"type\":\"contact\",\"case\":\"A\",\"date\":\"2021-01-05\","
  "\"mode\":\"visit\",\"checked_plan\":true,\"domains\":{\"harm\":\"h\"}}\n"
  "{\"type\":\"network\",\"case\":\"A\",\"date\":\"2021-01-05\","
  "\"name\":\"Sue\",\"category\":\"family\"}\n"
  "{\"type\":\"network\",\"case\":\"A\",\"date\":\"2021-02-01\","
  "\"name\":\"Sue\",\"spoken_to\":\"2021-02-01\"}\n"
  "{\"type\":\"meeting\",\"case\":\"A\",\"date\":\"2021-02-02\","
  "\"kind\":\"network\",\"attendees\":[\"Sue\"]}\n"
  "{\"type\":\"meeting\",\"case\":\"A\",\"date\":\"2021-02-09\","
  "\"kind\":\"taf\",\"id\":\"0123456789abcdef\"}\n"
  "{\"type\":\"void\",\"case\":\"A\",\"date\":\"2021-02-10\","
  "\"target\":\"0123456789abcdef\",\"reason\":\"r\"}\n"
  "{\"type\":\"plan\",\"case\":\"A\",\"date\":\"2021-03-01\","
  "\"who\":[\"Sue\"],\"with_network\":true}\n"
  "{\"type\":\"scale\",\"case\":\"A\",\"date\":\"2021-03-01\","
  "\"scale\":\"safety\",\"score\":7,\"rater\":\"manager\"}\n"
  "{\"type\":\"statement\",\"case\":\"A\",\"date\":\"2021-03-02\","
  "\"kind\":\"worry\",\"text\":\"t\",\"with_family\":true}\n"
  "{\"type\":\"document\",\"case\":\"A\",\"date\":\"2021-03-03\","
  "\"kind\":\"mapping\",\"with_network\":true}\n"
  "{\"type\":\"assessment\",\"case\":\"A\",\"date\":\"2021-03-04\","
  "\"status\":\"finalised\"}\n"
  "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-04-01\","
  "\"reason\":\"needs_met\"}\n"
  "{\"type\":\"contact\",\"case\":\"B\",\"date\":\"2021-01-05\","
  "\"mode\":\"phone\"}\n"
  "{\"type\":\"supervision\",\"case\":\"B\",\"date\":\"2021-01-06\","
  "\"kind\":\"group\",\"flags\":[\"threshold_concern\"]}\n";

static void
audit (const ehl_expect_set *set, FILE *sink)
{
  static char *const files[] = { (char *) "cases" };
  struct ehl_audit_opts opts = { EHL_NO_DAY, files, 1, true, "team", NULL,
                                 0 };
  ehl_audit *a = ehl_audit_new (set, &opts);
  FILE *in = fmemopen ((void *) cases, sizeof cases - 1, "r");
  ehl_reader *r = in ? ehl_reader_new_stream (in, "cases",
                                              EHL_READ_VALIDATE) : NULL;
  if (a && r)
    {
      ehl_reader_divert (r, sink);
      struct ehl_record rec;
      while (ehl_reader_next (r, &rec))
        {
          ehl_audit_add (a, &rec);
          json_decref (rec.json);
        }
      if (ehl_audit_resolve (a, 1))
        {
          struct ehl_case_result res = { 0 };
          for (size_t i = 0; i < ehl_audit_case_count (a); i++)
            ehl_audit_eval (a, i, EHL_REASONS_ALL, &res);
          ehl_case_result_free (&res);
        }
    }
  ehl_reader_free (r);
  if (in)
    fclose (in);
  ehl_audit_free (a);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *sink;
  if (!sink)
    sink = fopen ("/dev/null", "w");
  ehl_expect_set *set = ehl_expect_load_buffer ((const char *) data, size,
                                                "fuzz", sink);
  if (!set)
    return 0;
  for (size_t i = 0; i < ehl_expect_count (set); i++)
    fprintf (sink, "%s %s\n", ehl_expect_at (set, i)->id,
             ehl_expect_at (set, i)->text);
  audit (set, sink);
  ehl_expect_free (set);
  return 0;
}
