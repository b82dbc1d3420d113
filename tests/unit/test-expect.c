/* test-expect.c - unit tests for the expectation loader, selector
   matching and the string builder.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expect-int.h"
#include "strbuf.h"
#include "unit.h"

/* Load TEXT; the diagnostics (if any) in *DIAG (malloc'd).  */
static ehl_expect_set *
load (const char *text, char **diag)
{
  size_t size;
  FILE *d = open_memstream (diag, &size);
  ehl_expect_set *set = ehl_expect_load_buffer (text, strlen (text), "t.json",
                                                d);
  fclose (d);
  return set;
}

static void
test_load_ok (void)
{
  char *diag;
  ehl_expect_set *set = load (
    "[\n {\"id\": \"a\", \"section\": \"S\",\n"
    "  \"check\": {\"exists\": {\"type\": \"meeting\", \"kind\": \"taf\"}}},\n"
    "\n {\"id\": \"b\", \"when\": {\"exists\": {\"type\": \"meeting\", "
    "\"kind\": \"taf\"}},\n"
    "  \"check\": {\"exists\": {\"type\": \"network\", \"spoken_to\": "
    "{\"present\": false}}}}]", &diag);
  CHECK (set != NULL);
  CHECK_STR (diag, "");
  if (set)
    {
      CHECK (ehl_expect_count (set) == 2);
      CHECK_STR (ehl_expect_at (set, 0)->section, "S");
      CHECK_STR (ehl_expect_at (set, 1)->text, "b");   /* falls back to id */
      CHECK (ehl_expect_at (set, 0)->line == 2);
      CHECK (ehl_expect_at (set, 1)->line == 5);
      CHECK (set->n_sels == 2);                         /* taf shared */
      CHECK (set->n_early[EHL_T_MEETING] == 1);
      CHECK (set->n_late[EHL_T_NETWORK] == 1);
      CHECK (set->keep[EHL_T_NETWORK].n == 2);          /* spoken_to, name */
      CHECK_STR (set->sels[1].tests_text, "no spoken_to");
      CHECK_STR (set->sels[1].plural, "network members");
    }
  ehl_expect_free (set);
  free (diag);
}

static void
test_load_errors (void)
{
  char *diag;
  ehl_expect_set *set = load ("[{\"id\": \"a\", \"check\": "
                              "{\"exists\": {\"type\": \"nope\"}}}]", &diag);
  CHECK (set == NULL);
  CHECK_STR (diag, "test-expect: t.json:1: expectation 1 (a): "
             "check.exists.type: \"nope\" is not a record type\n");
  free (diag);
  set = load ("[1,", &diag);
  CHECK (set == NULL);
  CHECK (strstr (diag, "t.json:1: invalid JSON") != NULL);
  free (diag);
  set = load ("", &diag);
  CHECK (set == NULL);
  free (diag);
}

static bool
matches (const char *sel_text, const char *type, const char *rec_text)
{
  char *diag, text[512];
  snprintf (text, sizeof text, "[{\"id\": \"x\", \"check\": {\"exists\": %s}}]",
            sel_text);
  ehl_expect_set *set = load (text, &diag);
  free (diag);
  json_t *rec = json_loads (rec_text, 0, NULL);
  bool m = set && rec && ehl_selector_match (&set->sels[0],
                                             ehl_type_from_name (type), rec);
  json_decref (rec);
  ehl_expect_free (set);
  return m;
}

static void
test_match (void)
{
  CHECK (matches ("{\"kind\": [\"taf\", \"network\"]}", "meeting",
                  "{\"kind\": \"network\"}"));
  CHECK (!matches ("{\"kind\": \"taf\"}", "meeting", "{\"kind\": \"other\"}"));
  CHECK (!matches ("{\"type\": \"meeting\", \"kind\": \"taf\"}", "document",
                   "{\"kind\": \"taf\"}"));
  CHECK (matches ("{\"flags\": \"threshold_concern\"}", "supervision",
                  "{\"flags\": [\"a\", \"threshold_concern\"]}"));
  CHECK (matches ("{\"status\": {\"not\": \"withdrawn\"}}", "network", "{}"));
  CHECK (!matches ("{\"status\": {\"not\": [\"withdrawn\"]}}", "network",
                   "{\"status\": \"withdrawn\"}"));
  CHECK (matches ("{\"score\": {\"min\": 3, \"max\": 3}}", "scale",
                  "{\"score\": 3}"));
  CHECK (!matches ("{\"score\": {\"max\": 2}}", "scale", "{\"score\": 3}"));
  CHECK (matches ("{\"houses\": {\"nonempty\": false}}", "conversation",
                  "{\"houses\": {\"worries\": [\" \"], \"dreams\": []}}"));
  CHECK (matches ("{\"houses.dreams\": {\"nonempty\": true}}", "conversation",
                  "{\"houses\": {\"dreams\": [\"\", \"a bike\"]}}"));
  CHECK (matches ("{\"domains\": {\"keys\": [\"harm\"]}}", "assessment",
                  "{\"domains\": {\"harm\": \"x\"}}"));
  CHECK (!matches ("{\"domains\": {\"keys\": [\"harm\"]}}", "assessment",
                   "{\"domains\": {\"harm\": \"\"}}"));
  CHECK (matches ("{\"with_network\": true}", "plan",
                  "{\"with_network\": true}"));
  CHECK (!matches ("{\"with_network\": true}", "contact",
                   "{\"with_network\": true}"));    /* not a contact field */
}

static void
test_strbuf (void)
{
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  CHECK_STR (ehl_strbuf_str (&b), "");
  ehl_strbuf_add (&b, "abc");
  ehl_strbuf_addf (&b, "-%d", 42);
  CHECK_STR (ehl_strbuf_str (&b), "abc-42");
  ehl_strbuf_truncate (&b, 2);
  CHECK_STR (ehl_strbuf_str (&b), "ab");
  char *s = ehl_strbuf_take (&b);
  CHECK_STR (s, "ab");
  CHECK (b.len == 0);
  free (s);
  ehl_strbuf_free (&b);
}

int
main (int argc, char **argv)
{
  (void) argc;
  (void) argv;
  ehl_cli_init (1, (char *[]) { (char *) "test-expect", NULL });
  test_load_ok ();
  test_load_errors ();
  test_match ();
  test_strbuf ();
  return UNIT_DONE ();
}
