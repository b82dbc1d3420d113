/* test-lib.c - unit tests for libehlog's core: dates, ids, validation,
   the case-file view, the string map, the output helpers and the
   sharing of index ranges between threads.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "casefile.h"
#include "contract.h"
#include "date.h"
#include "id.h"
#include "parallel.h"
#include "strmap.h"
#include "table.h"
#include "unit.h"

static void
test_dates (void)
{
  ehl_day d;
  char buf[11];
  CHECK (ehl_date_parse_iso ("2020-02-29", &d));
  CHECK (!ehl_date_parse_iso ("2021-02-29", &d));
  CHECK (!ehl_date_parse_iso ("2021-02-30", &d));
  CHECK (!ehl_date_parse_iso ("1900-02-29", &d));
  CHECK (ehl_date_parse_iso ("2000-02-29", &d));
  CHECK (!ehl_date_parse_iso ("2021-13-01", &d));
  CHECK (!ehl_date_parse_iso ("2021-00-10", &d));
  CHECK (!ehl_date_parse_iso ("2021-1-01", &d));
  CHECK (!ehl_date_parse_iso ("2021-01-01 ", &d));
  CHECK (!ehl_date_parse_iso ("0000-01-01", &d));
  CHECK (!ehl_date_parse_iso ("", &d));
  CHECK (!ehl_date_parse_iso (NULL, &d));
  CHECK (ehl_date_parse_iso ("1970-01-01", &d) && d == 0);
  CHECK (ehl_date_parse_iso ("1969-12-31", &d) && d == -1);
  CHECK (ehl_date_parse_iso ("2021-03-31", &d) && d == 18717);
  ehl_date_format (d, buf);
  CHECK_STR (buf, "2021-03-31");
  CHECK (ehl_date_parse_option ("31/03/2021", &d) && d == 18717);
  CHECK (ehl_date_parse_option ("2021-03-31", &d) && d == 18717);
  CHECK (!ehl_date_parse_option ("03/31/2021", &d));  /* US order */
  CHECK (!ehl_date_parse_option ("1/3/2021", &d));
  /* Every day of four centuries survives the round trip.  */
  int bad = 0;
  ehl_day start = ehl_days_from_civil (1800, 1, 1);
  for (ehl_day z = start; z < start + 146097 * 2; z++)
    {
      int y, m, dd;
      ehl_civil_from_days (z, &y, &m, &dd);
      bad += !ehl_date_valid (y, m, dd) || ehl_days_from_civil (y, m, dd) != z;
    }
  CHECK (bad == 0);
}

static void
test_ids (void)
{
  char id[17];
  json_t *rec = json_pack ("{s:s, s:s, s:s, s:s, s:s}", "type", "close",
                           "case", "EH-1", "date", "2021-03-01",
                           "reason", "needs_met", "by", "Ann \xC3\x93");
  /* Known value: sha256 of
     {"by":"Ann Ó","case":"EH-1","date":"2021-03-01","reason":"needs_met","type":"close"} */
  CHECK (ehl_record_id (rec, id));
  CHECK_STR (id, "cc44bdd15a31e7fd");
  /* An existing id is left out of the hash, and replaced.  */
  json_object_set_new (rec, "id", json_string ("0000000000000000"));
  CHECK (ehl_record_id (rec, id));
  CHECK_STR (id, "cc44bdd15a31e7fd");
  CHECK (ehl_record_assign_id (rec));
  CHECK_STR (json_string_value (json_object_get (rec, "id")),
             "cc44bdd15a31e7fd");
  json_decref (rec);

  uint64_t n;
  char back[17];
  CHECK (ehl_id_parse ("00ff00ff00ff00ff", &n) && n == 0x00ff00ff00ff00ffULL);
  ehl_id_format (n, back);
  CHECK_STR (back, "00ff00ff00ff00ff");
  CHECK (!ehl_id_parse ("00FF00FF00FF00FF", &n));
  CHECK (!ehl_id_parse ("abc", &n));
  CHECK (!ehl_id_parse ("00ff00ff00ff00ff0", &n));
  CHECK (!ehl_id_parse ("00ff00ff00ff00fg", &n));
  CHECK (!ehl_id_parse (NULL, &n));
  CHECK (n == 0x00ff00ff00ff00ffULL);   /* untouched on failure */
}

struct problems
{
  int n;
  char fields[16][64];
};

static void
collect (void *ctx, const char *field, const char *message)
{
  struct problems *p = ctx;
  (void) message;
  if (p->n < 16)
    snprintf (p->fields[p->n], sizeof p->fields[0], "%s", field);
  p->n++;
}

/* Validate TEXT; return the number of problems, fields in *P.  */
static int
validate_text (const char *text, unsigned flags, struct problems *p)
{
  json_error_t err;
  json_t *rec = json_loads (text, 0, &err);
  memset (p, 0, sizeof *p);
  if (!rec)
    return -1;
  int n = ehl_validate (rec, flags, collect, p);
  json_decref (rec);
  return n;
}

static void
test_validation (void)
{
  struct problems p;
  CHECK (validate_text ("{\"type\":\"close\",\"case\":\"EH-1\","
                        "\"date\":\"2021-03-01\",\"reason\":\"needs_met\"}",
                        0, &p) == 0);
  /* Every problem is reported, not only the first.  */
  CHECK (validate_text ("{\"type\":\"scale\",\"case\":\"EH 1\","
                        "\"date\":\"2021-02-30\",\"score\":11}", 0, &p) == 5);
  CHECK_STR (p.fields[0], "case");
  CHECK_STR (p.fields[1], "date");
  CHECK_STR (p.fields[2], "scale");
  CHECK_STR (p.fields[3], "score");
  CHECK_STR (p.fields[4], "rater");
  /* Scores: integers 0-10 only.  */
  const char *scores[] = { "-1", "5.5", "\"5\"", "true", "null", "11" };
  for (size_t i = 0; i < sizeof scores / sizeof *scores; i++)
    {
      char text[256];
      snprintf (text, sizeof text,
                "{\"type\":\"scale\",\"case\":\"A\",\"date\":\"2021-01-01\","
                "\"scale\":\"safety\",\"rater\":\"child\",\"score\":%s}",
                scores[i]);
      CHECK (validate_text (text, 0, &p) == 1);
      CHECK_STR (p.fields[0], "score");
    }
  /* Nested paths, the conversation's own "child" object.  */
  CHECK (validate_text ("{\"type\":\"open\",\"case\":\"A\",\"date\":\"2021-01-01\","
                        "\"children\":[{\"ref\":\"c1\"},{\"name\":\"x\","
                        "\"dob\":\"2020-13-01\"}]}", 0, &p) == 2);
  CHECK_STR (p.fields[0], "children[1].ref");
  CHECK_STR (p.fields[1], "children[1].dob");
  CHECK (validate_text ("{\"type\":\"open\",\"case\":\"A\",\"date\":\"2021-01-01\","
                        "\"children\":[]}", 0, &p) == 1);
  CHECK (validate_text ("{\"type\":\"conversation\",\"case\":\"A\","
                        "\"date\":\"2021-01-01\",\"child\":{\"name\":\"N\"},"
                        "\"practitioner\":\"P\",\"service\":\"S\","
                        "\"participants\":\"both\",\"next_step\":\"signpost\","
                        "\"next_step_detail\":\"d\"}", 0, &p) == 0);
  CHECK (validate_text ("{\"type\":\"contact\",\"case\":\"A\",\"date\":\"2021-01-01\","
                        "\"mode\":\"visit\",\"domains\":{\"harm\":\"x\","
                        "\"weather\":\"y\"}}", 0, &p) == 1);
  CHECK_STR (p.fields[0], "domains");
  /* Unknown fields and types: accepted, unless strict.  */
  const char *extra = "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-01-01\","
                      "\"reason\":\"other\",\"colour\":\"red\"}";
  CHECK (validate_text (extra, 0, &p) == 0);
  CHECK (validate_text (extra, EHL_VALIDATE_STRICT, &p) == 1);
  CHECK_STR (p.fields[0], "colour");
  const char *alien = "{\"type\":\"alien\",\"case\":\"A\",\"date\":\"2021-01-01\","
                      "\"x\":1}";
  CHECK (validate_text (alien, 0, &p) == 0);
  CHECK (validate_text (alien, EHL_VALIDATE_STRICT, &p) == 1);
  CHECK_STR (p.fields[0], "type");
  CHECK (ehl_case_id_valid ("EH-0042/a_b.c:d"));
  CHECK (!ehl_case_id_valid (""));
  CHECK (!ehl_case_id_valid ("EH 42"));
  char long_id[66];
  memset (long_id, 'a', 65);
  long_id[65] = '\0';
  CHECK (!ehl_case_id_valid (long_id));
  long_id[64] = '\0';
  CHECK (ehl_case_id_valid (long_id));
}

/* Add a record (JSON text) to C as if read from line LINE.  */
static bool
add_record (ehl_cases *c, const char *text, long line)
{
  json_error_t err;
  struct ehl_record rec = { json_loads (text, 0, &err), "f", line, 0, 0,
                            (uint32_t) ehl_hash_bytes (text, strlen (text)) };
  struct ehl_item *item = NULL;
  rec.type = ehl_type_from_name (ehl_get_str (rec.json, "type"));
  bool ok = rec.json && ehl_cases_add (c, &rec, ehl_case_key_of (rec.json),
                                      true, &item);
  if (item)
    item->json = json_incref (rec.json);
  json_decref (rec.json);
  return ok;
}

static void
add (ehl_cases *c, const char *text, long line)
{
  CHECK (add_record (c, text, line));
}

/* Views read in parts (as by threads) and merged: each case's items
   end up together, and a correction in one part applies to the other.  */
static void
test_casefile_merge (void)
{
  static char *files[] = { (char *) "f" };
  ehl_cases *one = ehl_cases_new (EHL_NO_DAY, files, 1);
  ehl_cases *two = ehl_cases_new (EHL_NO_DAY, files, 1);
  add (one, "{\"type\":\"close\",\"case\":\"B\",\"date\":\"2021-05-03\","
       "\"id\":\"0000000000000001\",\"reason\":\"other\"}", 1);
  add (one, "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-05-02\","
       "\"id\":\"0000000000000002\",\"reason\":\"other\"}", 2);
  add (one, "{\"type\":\"close\",\"case\":\"B\",\"date\":\"2021-05-01\","
       "\"id\":\"0000000000000003\",\"reason\":\"other\"}", 3);
  add (two, "{\"type\":\"close\",\"case\":\"C\",\"date\":\"2021-05-01\","
       "\"id\":\"0000000000000004\",\"reason\":\"other\"}", 4);
  add (two, "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-05-01\","
       "\"id\":\"0000000000000005\",\"reason\":\"needs_met\"}", 5);
  add (two, "{\"type\":\"void\",\"case\":\"B\",\"date\":\"2021-05-04\","
       "\"id\":\"0000000000000006\",\"target\":\"0000000000000003\","
       "\"reason\":\"wrong case\"}", 6);
  CHECK (ehl_cases_merge (one, two));
  CHECK (ehl_cases_resolve (one));
  CHECK (ehl_cases_count (one) == 3);
  struct ehl_case *a = ehl_cases_at (one, 0), *b = ehl_cases_at (one, 1),
    *c = ehl_cases_at (one, 2);
  CHECK_STR (a->id, "A");
  CHECK (a->n_items == 2 && a->items[0].line == 5 && a->items[1].line == 2);
  CHECK_STR (b->id, "B");
  CHECK (b->n_items == 2 && b->items[0].line == 1 && b->items[1].line == 6);
  CHECK_STR (c->id, "C");
  CHECK (c->n_items == 1 && c->items[0].line == 4);
  ehl_cases_free (one);
}

/* Enough cases for the items to be placed in more than one pass, added
   out of order: each case gets its own items and no others.  */
static void
test_casefile_many (void)
{
  static char *files[] = { (char *) "f" };
  enum { CASES = 700, EACH = 3 };
  ehl_cases *c = ehl_cases_new (EHL_NO_DAY, files, 1);
  size_t wrong = 0;
  for (long i = 0; i < CASES * EACH; i++)
    {
      long k = i * 337 % CASES;         /* 337 is prime to 700 */
      char text[200];
      snprintf (text, sizeof text,
                "{\"type\":\"close\",\"case\":\"K%03ld\","
                "\"date\":\"2021-05-%02ld\",\"id\":\"%016lx\","
                "\"reason\":\"other\"}", k, 28 - i / CASES, i + 1);
      wrong += !add_record (c, text, i + 1);
    }
  CHECK (ehl_cases_resolve (c));
  CHECK (ehl_cases_count (c) == CASES);
  for (size_t i = 0; i < ehl_cases_count (c); i++)
    {
      const struct ehl_case *k = ehl_cases_at (c, i);
      wrong += k->n_items != EACH;
      for (size_t j = 0; j < k->n_items; j++)
        wrong += strcmp (ehl_get_str (k->items[j].json, "case"), k->id) != 0
                 || (j > 0 && k->items[j].day < k->items[j - 1].day);
    }
  CHECK (wrong == 0);
  ehl_cases_free (c);
}

static void
test_casefile (void)
{
  static char *files[] = { (char *) "f" };
  ehl_day as_of;
  ehl_date_parse_iso ("2021-06-30", &as_of);
  ehl_cases *c = ehl_cases_new (as_of, files, 1);
  add (c, "{\"type\":\"network\",\"case\":\"B\",\"date\":\"2021-02-01\","
       "\"id\":\"000000000000000a\",\"name\":\"Sue\",\"relationship\":\"aunt\"}", 1);
  add (c, "{\"type\":\"network\",\"case\":\"B\",\"date\":\"2021-03-01\","
       "\"id\":\"000000000000000b\",\"name\":\"Sue\",\"spoken_to\":\"2021-03-01\"}", 2);
  add (c, "{\"type\":\"network\",\"case\":\"B\",\"date\":\"2021-01-15\","
       "\"id\":\"000000000000000c\",\"name\":\"Sue\",\"relationship\":\"great aunt\"}", 3);
  add (c, "{\"type\":\"network\",\"case\":\"B\",\"date\":\"2021-04-01\","
       "\"id\":\"000000000000000d\",\"name\":\"Sue\",\"status\":\"withdrawn\"}", 4);
  add (c, "{\"type\":\"void\",\"case\":\"B\",\"date\":\"2021-04-02\","
       "\"id\":\"000000000000000e\",\"target\":\"000000000000000d\","
       "\"reason\":\"wrong person\"}", 5);
  add (c, "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-05-01\","
       "\"id\":\"0000000000000001\",\"reason\":\"other\"}", 6);
  add (c, "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-05-01\","
       "\"id\":\"0000000000000002\",\"reason\":\"needs_met\","
       "\"supersedes\":\"0000000000000001\"}", 7);
  add (c, "{\"type\":\"close\",\"case\":\"A\",\"date\":\"2021-07-01\","
       "\"id\":\"0000000000000003\",\"reason\":\"other\"}", 8);
  CHECK (ehl_cases_resolve (c));
  CHECK (ehl_cases_count (c) == 2);

  struct ehl_case *a = ehl_cases_at (c, 0), *b = ehl_cases_at (c, 1);
  CHECK_STR (a->id, "A");
  /* Superseded record gone; the record after --as-of never counted.  */
  CHECK (a->n_items == 1);
  CHECK_STR (ehl_get_str (a->items[0].json, "reason"), "needs_met");
  CHECK_STR (b->id, "B");
  CHECK (b->n_items == 2);      /* one merged member and the void */
  json_t *sue = b->items[0].json;
  CHECK (b->items[0].type == EHL_T_NETWORK && b->items[0].line == 3);
  CHECK_STR (ehl_get_str (sue, "date"), "2021-01-15");
  CHECK_STR (ehl_get_str (sue, "relationship"), "aunt");
  CHECK_STR (ehl_get_str (sue, "spoken_to"), "2021-03-01");
  CHECK (ehl_get_str (sue, "status") == NULL);  /* the withdrawal was voided */
  CHECK_STR (ehl_item_file (c, &b->items[0]), "f");
  ehl_cases_free (c);
}

static void
test_strmap (void)
{
  ehl_strmap *m = ehl_strmap_new ();
  char key[32];
  int values[1000], stored = 0;
  for (int i = 0; i < 1000; i++)
    {
      values[i] = i;
      snprintf (key, sizeof key, "case-%d", i);
      stored += ehl_strmap_put (m, key, &values[i]) != NULL;
    }
  CHECK (stored == 1000 && ehl_strmap_size (m) == 1000);
  int found = 0;
  for (int i = 0; i < 1000; i++)
    {
      snprintf (key, sizeof key, "case-%d", i);
      int *v = ehl_strmap_get (m, key);
      found += v && *v == i;
    }
  CHECK (found == 1000);
  CHECK (ehl_strmap_get (m, "case-1000") == NULL);
  ehl_strmap_free (m);
}

static void
test_text (void)
{
  CHECK (ehl_display_width ("abc") == 3);
  CHECK (ehl_display_width ("Gw\xC3\xAAn") == 4);                 /* Gwên */
  CHECK (ehl_display_width ("\xD8\xB9\xD9\x84\xDB\x8C") == 3);    /* Urdu */
  CHECK (ehl_display_width ("\xF0\x9F\x98\x80") == 2);            /* emoji */
  CHECK (ehl_display_width ("e\xCC\x81") == 1);                   /* e + acute */
  CHECK (ehl_display_width ("\xFF") == 1);                        /* bad byte */
  char s[32] = "Przemys\xC5\x82\x61w Kowalski";
  ehl_truncate_width (s, 10);
  CHECK_STR (s, "Przemys...");
  /* A control character takes one column (ehl_write_plain writes it as
     a space), in the width and in cutting alike.  */
  CHECK (ehl_display_width ("a\tb\x01\x7f\xc2\x9b") == 6);
  char c[32] = "\t\tabcdefghij\xC3\xAA";    /* 13 columns */
  ehl_truncate_width (c, 10);
  CHECK_STR (c, "\t\tabcde...");
  char *plain = NULL;
  size_t plain_len = 0;
  FILE *mem = open_memstream (&plain, &plain_len);
  CHECK (mem != NULL);
  ehl_write_plain (mem, "a\033[2J\tb\xc2\x9b\xc2\xa0" "c\x7f", 13);
  fclose (mem);
  CHECK_STR (plain, "a [2J b \xc2\xa0" "c ");
  free (plain);
  CHECK (ehl_csv_is_formula ("=1+1") && ehl_csv_is_formula ("@x")
         && ehl_csv_is_formula ("-2") && !ehl_csv_is_formula ("a=b")
         && !ehl_csv_is_formula (""));

  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  const char *row[] = { "plain", "a,b", "say \"hi\"", "=HYPERLINK(\"x\")", "",
                        "line\nbreak" };
  CHECK (ehl_csv_row (out, row, 6, NULL));
  ehl_html_escape (out, "<b>&'\"");
  fclose (out);
  CHECK_STR (buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",,"
                  "\"line\nbreak\"\n&lt;b&gt;&amp;&#39;&quot;");
  free (buf);
}

/* ---- ehl_parallel_ranges ---- */

enum { RANGE_N = 37 };

struct range_log
{
  int times[RANGE_N];           /* calls that covered each index */
  int part_of[RANGE_N];
  int fail_part;                /* the part whose call returns false */
};

static bool
log_range (void *ctx, size_t begin, size_t end, int part)
{
  struct range_log *l = ctx;
  for (size_t i = begin; i < end; i++)
    {
      l->times[i]++;
      l->part_of[i] = part;
    }
  return part != l->fail_part;
}

static void
test_parallel_ranges (void)
{
  static const int jobs[] = { 1, 2, 3, 8, 50 };
  for (size_t t = 0; t < sizeof jobs / sizeof *jobs; t++)
    {
      struct range_log l = { .fail_part = -1 };
      CHECK (ehl_parallel_ranges (RANGE_N, jobs[t], log_range, &l));
      int parts = jobs[t] < RANGE_N ? jobs[t] : RANGE_N;
      bool once = true, in_order = true;
      for (size_t i = 0; i < RANGE_N; i++)
        {
          once &= l.times[i] == 1;
          in_order &= i == 0 || l.part_of[i] >= l.part_of[i - 1];
        }
      CHECK (once);
      CHECK (in_order);
      CHECK (l.part_of[0] == 0 && l.part_of[RANGE_N - 1] == parts - 1);
    }
  struct range_log l = { .fail_part = 1 };
  CHECK (!ehl_parallel_ranges (RANGE_N, 3, log_range, &l));
  l = (struct range_log) { .fail_part = 3 };
  CHECK (ehl_parallel_ranges (RANGE_N, 3, log_range, &l));
  l = (struct range_log) { .fail_part = -1 };
  CHECK (ehl_parallel_ranges (0, 4, log_range, &l));    /* one empty call */
}

int
main (void)
{
  test_dates ();
  test_ids ();
  test_validation ();
  test_casefile ();
  test_casefile_merge ();
  test_casefile_many ();
  test_strmap ();
  test_text ();
  test_parallel_ranges ();
  return UNIT_DONE ();
}
