/* test-make.c - unit tests for making records (lib/make.c) and the
   options derived from the contract (lib/fieldopt.c).  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fieldopt.h"
#include "id.h"
#include "make.h"
#include "output.h"
#include "record.h"
#include "unit.h"

static void
check_line (json_t *rec, const char *want)
{
  char *line = ehl_record_line (rec);
  CHECK_STR (line, want);
  free (line);
}

static void
test_order (void)
{
  json_t *rec = json_loads ("{\"actions\":[{\"when\":\"soon\","
                            "\"what\":\"w\"}],"
                            "\"who\":[\"a\"],\"by\":\"x\",\"extra\":1,"
                            "\"date\":\"2021-01-01\",\"case\":\"C\","
                            "\"type\":\"plan\"}", 0, NULL);
  json_t *ordered = ehl_record_ordered (rec, true);
  check_line (ordered, "{\"type\":\"plan\",\"case\":\"C\",\"date\":"
              "\"2021-01-01\",\"id\":null,\"by\":\"x\",\"who\":[\"a\"],"
              "\"actions\":[{\"what\":\"w\",\"when\":\"soon\"}],\"extra\":1}");
  json_decref (ordered);
  json_decref (rec);

  rec = json_loads ("{\"domains\":{\"goals\":\"g\",\"harm\":\"h\"},"
                    "\"mode\":\"visit\",\"type\":\"contact\"}", 0, NULL);
  ordered = ehl_record_ordered (rec, false);
  check_line (ordered, "{\"type\":\"contact\",\"mode\":\"visit\",\"domains\":"
              "{\"harm\":\"h\",\"goals\":\"g\"}}");
  json_decref (ordered);
  json_decref (rec);
}

/* A maker whose problems go to a string.  */
static char *said;
static size_t said_len;
static FILE *said_to;

static ehl_maker *
quiet_maker (void)
{
  ehl_maker *mk = ehl_maker_new ();
  if (said_to)
    fclose (said_to);
  free (said);
  said = NULL;
  said_to = open_memstream (&said, &said_len);
  ehl_maker_divert (mk, said_to);
  return mk;
}

static const char *
problems_said (void)
{
  fflush (said_to);
  return said ? said : "";
}

static void
test_batch (void)
{
  ehl_maker *mk = quiet_maker ();
  CHECK (ehl_maker_option (mk, EHL_MAKE_OPT_CASE, "EH-1"));
  CHECK (ehl_maker_option (mk, EHL_MAKE_OPT_DATE, "31/12/2020"));
  CHECK (ehl_maker_option (mk, EHL_MAKE_OPT_BY, ""));
  CHECK (!ehl_maker_option (mk, 'x', "?"));
  json_t *statement = ehl_maker_begin (mk, EHL_T_STATEMENT);
  json_object_set_new (statement, "text", json_string ("t"));
  json_object_set_new (statement, "kind", json_string ("worry"));
  ehl_maker_envelope (mk, statement, ehl_maker_env (mk));
  json_t *scale = ehl_maker_begin (mk, EHL_T_SCALE);
  ehl_maker_envelope (mk, scale, ehl_maker_env (mk));
  struct ehl_source src = { NULL, 0, "--scale" };
  ehl_maker_source (mk, scale, "", &src);
  json_object_set_new (scale, "scale", json_string ("worry"));
  json_object_set_new (scale, "rater", json_string ("child"));
  CHECK (ehl_maker_set_score (mk, scale, "score", scale, "score", "7", &src));
  ehl_maker_link (mk, scale, "about", statement);
  CHECK (ehl_maker_check (mk) == 0);
  CHECK_STR (problems_said (), "");

  json_t *first = ehl_maker_record (mk, 0), *second = ehl_maker_record (mk, 1);
  check_line (first, "{\"type\":\"statement\",\"case\":\"EH-1\",\"date\":"
              "\"2020-12-31\",\"id\":\"c1ca40e9eac5f114\",\"kind\":\"worry\","
              "\"text\":\"t\"}");
  char id[EHL_ID_LEN + 1];
  CHECK (ehl_record_id (first, id) && strcmp (id, ehl_get_str (first, "id"))
         == 0);
  CHECK_STR (ehl_get_str (second, "about"), ehl_get_str (first, "id"));
  CHECK (json_integer_value (json_object_get (second, "score")) == 7);
  ehl_maker_free (mk);
}

static void
test_problems (void)
{
  ehl_maker *mk = quiet_maker ();
  ehl_maker_option (mk, EHL_MAKE_OPT_CASE, "bad case");
  ehl_maker_option (mk, EHL_MAKE_OPT_CASE, "again");
  ehl_maker_option (mk, EHL_MAKE_OPT_DATE, "2021-02-29");
  for (int i = 0; i < 2; i++)
    {
      json_t *rec = ehl_maker_begin (mk, EHL_T_SCALE);
      ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
      struct ehl_source src = { "form.txt", 7, "scale" };
      ehl_maker_source (mk, rec, "", &src);
      ehl_maker_set_score (mk, rec, "score", rec, "score", "11", &src);
      json_object_set_new (rec, "rater", json_string ("dog"));
    }
  /* Each problem once, however many records share it.  */
  CHECK (ehl_maker_check (mk) == 6);
  CHECK_STR (problems_said (),
             "ehlog: --case: given more than once\n"
             "ehlog: --date: must be a real date, YYYY-MM-DD or DD/MM/YYYY\n"
             "ehlog: form.txt:7: scale: must be a whole number from 0 to 10\n"
             "ehlog: --case: must be 1-64 characters from"
             " A-Z a-z 0-9 - _ . / :\n"
             "ehlog: form.txt:7: scale: scale: is required\n"
             "ehlog: form.txt:7: scale: rater: must be one of: child parent"
             " carer family network practitioner professional manager\n");
  ehl_maker_free (mk);
}

static void
test_fieldopts (void)
{
  static const struct ehl_opt_name names[] = {
    { "children.ref", "child-ref" }, { "children.name", "child" },
    { NULL, NULL }
  };
  ehl_fieldopts *fo = ehl_fieldopts_new (EHL_T_OPEN, names, 0x4000);
  const struct option *t = ehl_fieldopts_table (fo);
  CHECK_STR (t[0].name, "child-ref");
  CHECK_STR (t[1].name, "child");
  CHECK_STR (t[2].name, "children-dob");
  CHECK_STR (t[3].name, "service");

  ehl_maker *mk = quiet_maker ();
  json_t *rec = ehl_maker_begin (mk, EHL_T_OPEN);
  CHECK (ehl_fieldopts_apply (fo, mk, rec, 0x4001, "Amy"));
  CHECK (ehl_fieldopts_apply (fo, mk, rec, 0x4000, "a"));
  CHECK (ehl_fieldopts_apply (fo, mk, rec, 0x4001, "Ben"));
  CHECK (!ehl_fieldopts_apply (fo, mk, rec, 0x3fff, "?"));
  check_line (rec, "{\"type\":\"open\",\"children\":[{\"name\":\"Amy\","
              "\"ref\":\"a\"},{\"name\":\"Ben\"}]}");
  ehl_maker_option (mk, EHL_MAKE_OPT_CASE, "EH-1");
  ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
  ehl_fieldopts_register (fo, mk, rec);
  CHECK (ehl_maker_check (mk) == 1);
  CHECK_STR (problems_said (), "ehlog: --child-ref: is required\n");
  ehl_maker_free (mk);
  ehl_fieldopts_free (fo);

  fo = ehl_fieldopts_new (EHL_T_SUPERVISION, NULL, 0x4000);
  t = ehl_fieldopts_table (fo);
  CHECK_STR (t[2].name, "flag");
  CHECK_STR (t[3].name, "technique");
  CHECK (t[0].has_arg == required_argument);
  const struct option *tables[] = { t, t };
  struct option *joined = ehl_options_join (tables, 2);
  int n = 0;
  while (joined[n].name)
    n++;
  CHECK (n == 5);
  free (joined);
  ehl_fieldopts_free (fo);
}

int
main (void)
{
  test_order ();
  test_batch ();
  test_problems ();
  test_fieldopts ();
  if (said_to)
    fclose (said_to);
  free (said);
  return UNIT_DONE ();
}
