/* test-caseread.c - unit tests for lib/caseread and the output helpers
   ehlog-scale and ehlog-network rely on.  */
#include <config.h>

#include <stdlib.h>
#include <unistd.h>

#include "caseread.h"
#include "strmap.h"
#include "table.h"
#include "unit.h"

static void
test_case_list (void)
{
  struct ehl_case_list l = { 0 };
  bool no_memory;
  CHECK (ehl_case_list_wants (&l, "EH-1"));             /* empty: all */
  CHECK (ehl_case_list_add (&l, "EH-1", &no_memory));
  CHECK (ehl_case_list_add (&l, "EH-1", &no_memory));   /* kept once */
  CHECK (!ehl_case_list_add (&l, "bad id", &no_memory) && !no_memory);
  CHECK (!ehl_case_list_add (&l, "", &no_memory) && !no_memory);
  CHECK (l.n == 1);
  CHECK (ehl_case_list_wants (&l, "EH-1"));
  CHECK (!ehl_case_list_wants (&l, "EH-2"));
  CHECK (ehl_case_list_wants (NULL, "EH-2"));
  ehl_case_list_free (&l);
  CHECK (l.n == 0 && ehl_case_list_wants (&l, "EH-2"));
}

static bool
wants_scales (json_t *rec, enum ehl_type type, void *ctx)
{
  (void) rec, (void) ctx;
  return type == EHL_T_SCALE;
}

static bool
fill_score (struct ehl_item *item, const struct ehl_record *rec, void *ctx)
{
  int *filled = ctx;
  item->mask = (uint64_t) json_integer_value (json_object_get (rec->json,
                                                               "score"));
  ++*filled;
  return true;
}

#define SCALE(c, d, id, score, extra) \
  "{\"type\":\"scale\",\"case\":\"" c "\",\"date\":\"" d "\",\"id\":\"" id \
  "\",\"scale\":\"wellbeing\",\"score\":" score ",\"rater\":\"parent\"" \
  extra "}\n"

static void
test_caseread (void)
{
  char path[] = "/tmp/test-caseread-XXXXXX";
  bool made = write_temp (path,
    SCALE ("EH-2", "2021-03-01", "00000000000000b1", "7", "")
    SCALE ("EH-1", "2021-02-01", "00000000000000a1", "4", "")
    "not json\n"
    SCALE ("EH-1", "2021-01-01", "00000000000000a2", "2", "")
    /* A correction of a1, and a scale after the cut-off.  */
    SCALE ("EH-1", "2021-02-02", "00000000000000a3", "5",
           ",\"supersedes\":\"00000000000000a1\"")
    SCALE ("EH-1", "2021-09-01", "00000000000000a4", "9", "")
    "{\"type\":\"note\",\"case\":\"EH-1\",\"date\":\"2021-01-05\"}\n");
  CHECK (made);
  if (!made)
    return;

  struct ehl_case_list only = { 0 };
  bool no_memory, input_bad = false;
  int filled = 0;
  ehl_day as_of;
  ehl_date_parse_iso ("2021-06-30", &as_of);
  CHECK (ehl_case_list_add (&only, "EH-1", &no_memory));
  struct ehl_caseread how = {
    .as_of = as_of, .only = &only, .wants = wants_scales,
    .fill = fill_score, .ctx = &filled
  };
  char *files[] = { path };
  ehl_cases *cases = ehl_caseread (files, 1, &how, &input_bad);
  CHECK (cases != NULL && input_bad);
  CHECK (filled == 3);          /* a1, a2, a3: not EH-2, not after as-of */
  CHECK (cases && ehl_cases_count (cases) == 1);
  struct ehl_case *k = cases ? ehl_cases_at (cases, 0) : NULL;
  CHECK (k && k->n_items == 2);
  if (k && k->n_items == 2)
    {
      CHECK (k->items[0].mask == 2 && k->items[1].mask == 5);
      CHECK_STR (ehl_item_file (cases, &k->items[1]), path);
    }
  CHECK (cases && ehl_case_list_report_missing (&only, cases) == 0);
  bool added = ehl_case_list_add (&only, "EH-3", &no_memory);
  CHECK (added && cases && ehl_case_list_report_missing (&only, cases) == 1);
  ehl_cases_free (cases);
  ehl_case_list_free (&only);
  unlink (path);
}

static void
test_output (void)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  const char *row[] = { "-2", "-2", "=1" };
  struct ehl_csv_opts numbers = { .numbers = 1u << 1 };
  CHECK (ehl_csv_row (out, row, 3, &numbers));
  ehl_dot_escape (out, "a\"b\\c\nd\te\rf<g>{h}|\x01");
  fclose (out);
  CHECK_STR (buf, "'-2,-2,'=1\na\\\"b\\\\c\\nd ef<g>{h}| ");
  free (buf);
}

static void
test_intern (void)
{
  struct ehl_intern t = { 0 };
  CHECK (ehl_intern (&t, "aunt") == 1);
  CHECK (ehl_intern (&t, "uncle") == 2);
  CHECK (ehl_intern (&t, "aunt") == 1);
  CHECK_STR (ehl_intern_text (&t, 2), "uncle");
  CHECK (ehl_intern_text (&t, 0) == NULL && ehl_intern_text (&t, 3) == NULL);
  for (int i = 0; i < 1000; i++)
    {
      char s[16];
      snprintf (s, sizeof s, "r%d", i);
      ehl_intern (&t, s);
    }
  CHECK (t.n == 1002);
  CHECK_STR (ehl_intern_text (&t, 1002), "r999");
  ehl_intern_free (&t);
  CHECK (t.n == 0 && ehl_intern_text (&t, 1) == NULL);
}

static bool
only_scales (json_t *rec, enum ehl_type type, void *ctx)
{
  (void) rec;
  ++*(int *) ctx;
  return type == EHL_T_SCALE;
}

static void
test_check_only (void)
{
  char path[] = "/tmp/test-check-only-XXXXXX";
  /* a bad contact passes unjudged; a bad scale is reported */
  bool made = write_temp (path,
    "{\"type\":\"contact\",\"case\":\"EH-1\",\"date\":\"x\"}\n"
    "{\"type\":\"scale\",\"case\":\"EH-1\",\"date\":\"x\"}\n"
    "[1]\n");
  CHECK (made);
  if (!made)
    return;
  char *files[] = { path };
  int asked = 0;
  ehl_reader *r = ehl_reader_new (files, 1, EHL_READ_VALIDATE);
  FILE *diag = fopen ("/dev/null", "w");
  ehl_reader_divert (r, diag);
  ehl_reader_check_only (r, only_scales, &asked);
  struct ehl_record rec;
  int n = 0;
  while (ehl_reader_next (r, &rec))
    {
      CHECK (rec.type == EHL_T_CONTACT);
      json_decref (rec.json);
      n++;
    }
  CHECK (n == 1 && asked == 2);
  CHECK (ehl_reader_stats (r)->bad == 2);
  ehl_reader_free (r);
  fclose (diag);
  unlink (path);
}

int
main (void)
{
  test_intern ();
  test_check_only ();
  test_case_list ();
  test_caseread ();
  test_output ();
  return UNIT_DONE ();
}
