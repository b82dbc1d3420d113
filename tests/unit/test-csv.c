/* test-csv.c - unit tests for CSV in (csvin), CSV out (csvout) and the
   UTF-8 check they rely on.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "csvfield.h"
#include "csvin.h"
#include "csvout.h"
#include "output.h"
#include "utf8.h"
#include "unit.h"

static void
test_utf8 (void)
{
  CHECK (ehl_utf8_valid ("", 0));
  CHECK (ehl_utf8_valid ("plain", 5));
  CHECK (ehl_utf8_valid ("Zieli\xC5\x84ska", 10));
  CHECK (ehl_utf8_valid ("\xE2\x82\xAC", 3));           /* euro */
  CHECK (ehl_utf8_valid ("\xF0\x9F\x98\x80", 4));       /* emoji */
  CHECK (ehl_utf8_valid ("\xF4\x8F\xBF\xBF", 4));       /* U+10FFFF */
  CHECK (ehl_utf8_valid ("a\0b", 3));
  CHECK (!ehl_utf8_valid ("\xA3", 1));                  /* Latin-1 pound */
  CHECK (!ehl_utf8_valid ("\xC0\x80", 2));              /* overlong NUL */
  CHECK (!ehl_utf8_valid ("\xE0\x80\xAF", 3));          /* overlong / */
  CHECK (!ehl_utf8_valid ("\xED\xA0\x80", 3));          /* surrogate */
  CHECK (!ehl_utf8_valid ("\xF4\x90\x80\x80", 4));      /* > U+10FFFF */
  CHECK (!ehl_utf8_valid ("\xE2\x82", 2));              /* cut short */
  CHECK (!ehl_utf8_valid ("\xE2\x28\xA1", 3));          /* bad follower */
  CHECK (!ehl_utf8_valid ("\xFF\xFE", 2));              /* UTF-16 mark */
}

/* ---- CSV in ---- */

struct got
{
  char *out;                    /* records, one line each */
  size_t len;
  FILE *stream;
  long lines[16];               /* where each record's row starts */
  int n;
};

static bool
collect (void *ctx, json_t *rec, const char *file, long line)
{
  (void) file;
  struct got *g = ctx;
  if (g->n < 16)
    g->lines[g->n] = line;
  g->n++;
  return ehl_write_record (g->stream, rec);
}

/* Convert TEXT; *DIAG gets the messages (free both).  */
static char *
convert (const char *text, size_t len, const struct ehl_csvin_opts *opts,
         struct got *g, char **diag, struct ehl_csvin_stats *st)
{
  size_t dlen;
  FILE *d = open_memstream (diag, &dlen);
  memset (g, 0, sizeof *g);
  g->stream = open_memstream (&g->out, &g->len);
  ehl_csvin *c = ehl_csvin_new (opts, collect, g);
  ehl_csvin_divert (c, d);
  CHECK (ehl_csvin_buffer (c, text, len, "t.csv"));
  *st = *ehl_csvin_stats (c);
  ehl_csvin_free (c);
  fclose (d);
  fclose (g->stream);
  return g->out;
}

static void
test_csvin_lines (void)
{
  struct ehl_csvin_opts opts = { EHL_T_NETWORK, 0, false, NULL, 0 };
  struct got g;
  struct ehl_csvin_stats st;
  char *diag;
  /* A byte-order mark, CR LF, a quoted line break, a blank line, a
     ragged row and a last row without a newline.  */
  static const char text[] =
    "\xEF\xBB\xBF" "case,date,name\r\n"
    "EH-1,2021-01-01,\"Sue\r\nSmith\"\r\n"
    "\r\n"
    "EH-1,2021-01-02\r\n"
    "EH-1,2021-01-03,Bob";
  char *out = convert (text, sizeof text - 1, &opts, &g, &diag, &st);
  CHECK (g.n == 2 && g.lines[0] == 2 && g.lines[1] == 6);
  CHECK (st.rows == 3 && st.records == 2 && st.bad == 1);
  CHECK_STR (diag, "ehlog: t.csv:5: 2 cells, but the header has 3\n");
  CHECK (strstr (out, "\"name\":\"Sue\\r\\nSmith\"") != NULL);
  CHECK (strstr (out, "\"name\":\"Bob\"") != NULL);
  free (out);
  free (diag);
}

static void
test_csvin_kinds (void)
{
  char *maps[] = { (char *) "Plan checked=checked_plan",
                   (char *) "Notes=" };
  struct ehl_csvin_opts opts = { EHL_T_CONTACT, '|', true, maps, 2 };
  struct got g;
  struct ehl_csvin_stats st;
  char *diag;
  static const char text[] =
    "case,date,mode,with,Plan checked,domains.harm,Notes,summary\n"
    "EH-007,5/3/2021,visit,Mum|Dad,Y,none,free text,'-5 said\n"
    "EH-008,2021-03-06,phone,\"[\"\"a|b\"\"]\",0,,,\n";
  char *out = convert (text, sizeof text - 1, &opts, &g, &diag, &st);
  CHECK_STR (diag, "");
  CHECK_STR (out,
    "{\"type\":\"contact\",\"case\":\"EH-007\",\"date\":\"2021-03-05\","
    "\"id\":\"fc74aa0889065509\",\"mode\":\"visit\","
    "\"with\":[\"Mum\",\"Dad\"],"
    "\"checked_plan\":true,\"domains\":{\"harm\":\"none\"},"
    "\"summary\":\"-5 said\"}\n"
    "{\"type\":\"contact\",\"case\":\"EH-008\",\"date\":\"2021-03-06\","
    "\"id\":\"fbd67f95584c6800\",\"mode\":\"phone\",\"with\":[\"a|b\"],"
    "\"checked_plan\":false}\n");
  free (out);
  free (diag);
}

static void
test_csvin_problems (void)
{
  struct ehl_csvin_opts opts = { EHL_T_SCALE, 0, false, NULL, 0 };
  struct got g;
  struct ehl_csvin_stats st;
  char *diag;
  static const char text[] =
    "case,date,scale,score,rater\n"
    "EH-1,03/04/2021,safety,7.0,parent\n"
    "EH-1,2021-04-03,safety,11,mum\n";
  char *out = convert (text, sizeof text - 1, &opts, &g, &diag, &st);
  CHECK (g.n == 0 && st.bad == 2);
  CHECK_STR (diag,
    "ehlog: t.csv:2: EH-1: date: is written with slashes: give"
    " --uk-dates if the file's dates are DD/MM/YYYY\n"
    "ehlog: t.csv:2: EH-1: score: must be a whole number from 0 to 10\n"
    "ehlog: t.csv:3: EH-1: score: must be a whole number from 0 to 10\n"
    "ehlog: t.csv:3: EH-1: rater: must be one of: child parent carer"
    " family network practitioner professional manager\n");
  free (out);
  free (diag);

  /* No header: the first row is data; it is never quoted back.  */
  static const char data[] = "EH-1,2021-04-03,Sue Smith\n";
  opts.type = EHL_T_NETWORK;
  out = convert (data, sizeof data - 1, &opts, &g, &diag, &st);
  CHECK (g.n == 0 && st.bad == 1);
  CHECK (strstr (diag, "Sue") == NULL);
  CHECK (strstr (diag, "columns 1 (A), 2 (B), 3 (C) are not fields") != NULL);
  free (out);
  free (diag);
}

static void
test_map_problem (void)
{
  char buf[128];
  CHECK (ehl_csvin_map_problem (EHL_T_OPEN, "Child=children.0.ref", buf,
                                sizeof buf) == NULL);
  CHECK (ehl_csvin_map_problem (EHL_T_OPEN, "Notes=", buf, sizeof buf)
         == NULL);
  CHECK (ehl_csvin_map_problem (EHL_T_CONTACT, "a=b=domains.goals", buf,
                                sizeof buf) == NULL);
  CHECK_STR (ehl_csvin_map_problem (EHL_T_OPEN, "Child=children.01.ref", buf,
                                    sizeof buf),
             "'children.01.ref' is not a field of open records");
  CHECK_STR (ehl_csvin_map_problem (EHL_T_CONTACT, "x=domains.bogus", buf,
                                    sizeof buf),
             "'domains.bogus' is not a field of contact records");
  CHECK_STR (ehl_csvin_map_problem (EHL_T_CONTACT, "summary", buf,
                                    sizeof buf), "must be COLUMN=FIELD");
}

static void
test_field_paths (void)
{
  struct ehl_csv_field f;
  static const struct
  {
    enum ehl_type type;
    const char *path, *shown;
  } good[] = {
    { EHL_T_OPEN, "children.0.ref", "children[0].ref" },
    { EHL_T_OPEN, "children.999.dob", "children[999].dob" },
    { EHL_T_CONVERSATION, "child.name", "child.name" },
    { EHL_T_CONVERSATION, "houses.worries", "houses.worries" },
    { EHL_T_CONTACT, "child", "child" },
    { EHL_T_CONTACT, "domains.next_steps", "domains.next_steps" },
    { EHL_T_PLAN, "actions.1.when", "actions[1].when" },
  };
  static const struct
  {
    enum ehl_type type;
    const char *path;
  } bad[] = {
    { EHL_T_OPEN, "children.1000.ref" }, { EHL_T_OPEN, "children.00.ref" },
    { EHL_T_OPEN, "children.0" }, { EHL_T_OPEN, "children.0.bogus" },
    { EHL_T_CONTACT, "child.name" }, { EHL_T_CONTACT, "domains.harm.x" },
    { EHL_T_CONTACT, "" }, { EHL_T_CONTACT, "mode." },
    { EHL_T_CONVERSATION, "houses..worries" },
  };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    {
      CHECK (ehl_csv_field_resolve (good[i].type, good[i].path, &f));
      CHECK_STR (f.shown, good[i].shown);
      ehl_csv_field_free (&f);
    }
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      CHECK (!ehl_csv_field_resolve (bad[i].type, bad[i].path, &f));
      ehl_csv_field_free (&f);
    }
}

/* ---- CSV out ---- */

static bool
add_cell (void *ctx, const char *name, const char *text)
{
  FILE *f = ctx;
  fprintf (f, "%s=%s|", name, text);
  return true;
}

static void
test_flatten (void)
{
  char *buf;
  size_t len;
  json_error_t err;
  json_t *rec = json_loads ("{\"a\":\"x\",\"b\":true,\"n\":7,"
                            "\"o\":{\"p\":\"q\"},"
                            "\"l\":[\"1\",\"2\"],\"m\":[\"x;y\"],\"e\":[],"
                            "\"k\":[{\"r\":\"s\"},{\"t\":\"u\"}],\"z\":null,"
                            "\"f\":1.5,\"w\":[\"[x\"],\"eo\":{}}",
                            JSON_PRESERVE_ORDER, &err);
  FILE *f = open_memstream (&buf, &len);
  CHECK (ehl_csv_flatten (rec, ';', add_cell, f));
  fclose (f);
  CHECK_STR (buf, "a=x|b=true|n=7|o.p=q|l=1;2|m=[\"x;y\"]|e=[]|k.0.r=s|"
             "k.1.t=u|z=null|f=1.5|w=[\"[x\"]|eo={}|");
  free (buf);
  json_decref (rec);
}

static void
test_protect (void)
{
  static const char *const cells[] = { "=1+1", "+44", "-", "@x", "\tx", "\rx",
                                       "'=x", "''-x", "'x", "x=", "", "'" };
  bool failed;
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
    {
      char *p = ehl_csv_protect (cells[i], &failed);
      const char *written = p ? p : cells[i];
      CHECK (!failed);
      CHECK_STR (ehl_csv_unprotect (written), cells[i]);
      CHECK ((p != NULL) == (i < 8));
      free (p);
    }
}

static void
test_columns (void)
{
  static const char *const recs[] = {
    "{\"type\":\"c\",\"case\":\"1\",\"mode\":\"v\",\"summary\":\"s\"}",
    "{\"type\":\"c\",\"case\":\"1\",\"by\":\"b\",\"mode\":\"v\"}",
    "{\"type\":\"c\",\"case\":\"1\",\"mode\":\"v\",\"summary\":\"s\","
    "\"supersedes\":\"x\"}",
    "{\"type\":\"n\",\"case\":\"1\",\"name\":\"v\"}",
  };
  ehl_columns *c = ehl_columns_new ();
  const char *clash;
  for (size_t i = 0; i < 4; i++)
    {
      json_t *rec = json_loads (recs[i], JSON_PRESERVE_ORDER, NULL);
      CHECK (ehl_columns_add (c, rec, ';', &clash) && !clash);
      json_decref (rec);
    }
  const char *const *names = ehl_columns_names (c);
  static const char *const want[] = { "type", "case", "by", "mode", "summary",
                                      "supersedes", "name" };
  CHECK (ehl_columns_count (c) == 7);
  for (size_t i = 0; names && i < 7; i++)
    CHECK_STR (names[i], want[i]);

  json_t *empty = json_object ();       /* no cells, no columns */
  CHECK (ehl_columns_add (c, empty, ';', &clash) && !clash);
  CHECK (ehl_columns_count (c) == 7);
  json_decref (empty);

  json_t *rec = json_loads ("{\"a.b\":\"1\",\"a\":{\"b\":\"2\"}}",
                            JSON_PRESERVE_ORDER, NULL);
  CHECK (!ehl_columns_add (c, rec, ';', &clash));
  CHECK_STR (clash, "a.b");
  json_decref (rec);
  ehl_columns_free (c);
}

int
main (void)
{
  test_utf8 ();
  test_csvin_lines ();
  test_csvin_kinds ();
  test_csvin_problems ();
  test_map_problem ();
  test_field_paths ();
  test_flatten ();
  test_protect ();
  test_columns ();
  return UNIT_DONE ();
}
