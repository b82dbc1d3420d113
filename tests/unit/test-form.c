/* test-form.c - unit tests for the conversation log's form, parts and
   wording (lib/form.c, lib/convlog.c, lib/wording.c).  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "convlog.h"
#include "form.h"
#include "unit.h"
#include "wording.h"

/* Problems of the last parse, "LINE: message" each on a line.  */
static char problems[4096];

static void
collect (void *ctx, long line, const char *message)
{
  (void) ctx;
  size_t used = strlen (problems);
  snprintf (problems + used, sizeof problems - used, "%ld: %s\n", line,
            message);
}

static int
parse (const char *text, size_t len, struct ehl_log *log)
{
  problems[0] = '\0';
  ehl_log_init (log, "form");
  return ehl_form_parse (text, len, log, collect, NULL);
}

static void
test_values (void)
{
  static const char text[] =
    "# a comment\n"
    "case: EH-1\n"
    "\n"
    "   # an indented comment\n"
    "worried:   a  \n"
    "Worried: b\n"
    "next_step: signpost\n"
    "next-step-detail: one\n"
    "+ two\n"
    "+\n"
    "+   three\n"
    "family-next-steps:\n"
    "+ from the line below\n"
    "role:";
  struct ehl_log log;
  CHECK (parse (text, sizeof text - 1, &log) == 0);
  CHECK_STR (ehl_log_first (&log, EHL_P_CASE), "EH-1");
  CHECK (log.parts[EHL_P_WORRIED].n == 2);
  CHECK_STR (log.parts[EHL_P_WORRIED].v[1].text, "b");
  CHECK (log.parts[EHL_P_WORRIED].v[1].line == 6);
  CHECK_STR (ehl_log_first (&log, EHL_P_NEXT_STEP), "signpost");
  CHECK_STR (ehl_log_first (&log, EHL_P_NEXT_STEP_DETAIL),
             "one\ntwo\n\n  three");
  CHECK_STR (ehl_log_first (&log, EHL_P_FAMILY_NEXT_STEPS),
             "from the line below");
  CHECK (log.parts[EHL_P_FAMILY_NEXT_STEPS].v[0].line == 12);
  CHECK (log.parts[EHL_P_ROLE].n == 0 && log.parts[EHL_P_ROLE].has_empty);
  CHECK (log.parts[EHL_P_ROLE].empty.line == 14);
  CHECK (!ehl_log_empty (&log));
  ehl_log_free (&log);
}

static void
test_bom_crlf (void)
{
  static const char text[] =
    "\xef\xbb\xbf" "case: EH-1\r\nchild: Zo\xc3\xab\r\n";
  struct ehl_log log;
  CHECK (parse (text, sizeof text - 1, &log) == 0);
  CHECK_STR (ehl_log_first (&log, EHL_P_CASE), "EH-1");
  CHECK_STR (ehl_log_first (&log, EHL_P_CHILD), "Zo\xc3\xab");
  ehl_log_free (&log);
}

static void
test_problems (void)
{
  static const char text[] =
    "+ nothing above\n"
    "just words\n"
    "colour: blue\n"
    "+ goes nowhere\n"
    "child: A\n"
    "child: B\n"
    "worried: nul \0 here\n"
    "worried: bad \xff byte\n"
    ": no key\n";
  struct ehl_log log;
  CHECK (parse (text, sizeof text - 1, &log) == 8);
  CHECK_STR (problems,
             "1: a '+' line must continue a 'KEY: value' line\n"
             "2: expected 'KEY: value', a '+' line or a '#' comment\n"
             "3: not a part of the form (see ehlog-new(1))\n"
             "4: a '+' line must continue a 'KEY: value' line\n"
             "6: child: given more than once (first on line 5)\n"
             "7: contains a NUL byte\n"
             "8: is not valid UTF-8\n"
             "9: expected 'KEY: value', a '+' line or a '#' comment\n");
  CHECK_STR (ehl_log_first (&log, EHL_P_CHILD), "A");
  CHECK (log.parts[EHL_P_WORRIED].n == 0);
  ehl_log_free (&log);

  /* Nothing at all, and nothing but comments, are empty forms.  */
  CHECK (parse ("", 0, &log) == 0 && ehl_log_empty (&log));
  ehl_log_free (&log);
  CHECK (parse ("# x\n\ncase:\n", 11, &log) == 0 && ehl_log_empty (&log));
  ehl_log_free (&log);
}

/* Write LOG as a form and parse it back: the same values?  */
static bool
round_trip (const struct ehl_log *log)
{
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&text, &len);
  ehl_form_write (mem, log);
  fclose (mem);
  struct ehl_log back;
  bool same = parse (text, len, &back) == 0 && ehl_log_same (log, &back);
  ehl_log_free (&back);
  free (text);
  return same;
}

static void
add (struct ehl_log *log, enum ehl_part_id p, const char *text)
{
  ehl_log_add (log, p, text, strlen (text), NULL, 0);
}

static void
test_round_trip (void)
{
  struct ehl_log log;
  ehl_log_init (&log, NULL);
  add (&log, EHL_P_CASE, "EH-1");
  add (&log, EHL_P_CHILD, "Amy");
  add (&log, EHL_P_WORRIED, "# not a comment");
  add (&log, EHL_P_WORRIED, "+ not a continuation");
  add (&log, EHL_P_GOOD_THING, "a: colon = and equals");
  add (&log, EHL_P_NEXT_STEP_DETAIL, "one\n\n  two\n+three");
  CHECK (round_trip (&log));
  ehl_log_free (&log);

  /* Blanks at the ends of a value are the one thing a form drops.  */
  ehl_log_init (&log, NULL);
  add (&log, EHL_P_ROLE, " padded ");
  CHECK (!round_trip (&log));
  ehl_log_free (&log);
}

static void
test_merge (void)
{
  struct ehl_log base, over;
  ehl_log_init (&base, NULL);
  ehl_log_init (&over, "form");
  add (&base, EHL_P_CASE, "EH-1");
  add (&base, EHL_P_WORRIED, "from options");
  add (&over, EHL_P_WORRIED, "from the form");
  add (&over, EHL_P_WORRIED, "and again");
  CHECK (ehl_log_merge (&base, &over));
  CHECK_STR (ehl_log_first (&base, EHL_P_CASE), "EH-1");
  CHECK (base.parts[EHL_P_WORRIED].n == 2);
  CHECK_STR (ehl_log_first (&base, EHL_P_WORRIED), "from the form");
  CHECK_STR (base.file, "form");
  CHECK (!ehl_log_same (&base, &over));
  ehl_log_free (&base);
  ehl_log_free (&over);
}

static void
test_wording (void)
{
  char *s = ehl_fill_blanks ("What do you like about ___? ___'s best", "Zoë");
  CHECK_STR (s, "What do you like about Zoë? Zoë's best");
  free (s);
  s = ehl_fill_blanks ("about ___?", NULL);
  CHECK_STR (s, "about ___?");
  free (s);
  CHECK (strstr (ehl_situation_question, "where do you rate this situation"
                 " today?") != NULL);
  CHECK (ehl_part_find ("Good_Thing", 10) == EHL_P_GOOD_THING);
  CHECK (ehl_part_find ("good-thin", 9) < 0);

  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&text, &len);
  ehl_form_questions (mem, "Amy");
  fclose (mem);
  CHECK (strstr (text, "Who would Amy say") != NULL);
  CHECK (strstr (text, "___") == NULL);
  free (text);
}

int
main (void)
{
  test_values ();
  test_bom_crlf ();
  test_problems ();
  test_round_trip ();
  test_merge ();
  test_wording ();
  return UNIT_DONE ();
}
