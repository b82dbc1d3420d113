/* form.c - the conversation log as a plain-text form: parsing a filled-in
   form, and writing one (blank, or from a record).  */
#include <config.h>

#include "form.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contract.h"
#include "table.h"
#include "wording.h"

/* ---- parsing ---- */

struct parser
{
  struct ehl_log *log;
  ehl_form_problem_fn *fn;
  void *ctx;
  int problems;
  int last_part;                /* the part a '+' line continues, or -1 */
  long last_index;              /* its value's index, -1: an empty slot */
  long last_line;               /* the line of its key */
  long first_line[EHL_P_COUNT]; /* where each part was first given */
};

static void
problem (struct parser *ps, long line, const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  ps->problems++;
  if (ps->fn)
    ps->fn (ps->ctx, line, msg);
}

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static bool
is_key_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'
         || c == '_';
}

static void
out_of_memory (struct parser *ps, long line)
{
  problem (ps, line, "memory exhausted");
}

/* Is the part P given already, when it takes one value?  */
static bool
given_twice (struct parser *ps, int p, long line)
{
  if (ehl_parts[p].repeatable || ps->log->parts[p].n == 0)
    return false;
  problem (ps, line, "%s: given more than once (first on line %ld)",
           ehl_parts[p].option + 2, ps->first_line[p]);
  return true;
}

static void
add_value (struct parser *ps, int p, const char *text, size_t len, long line)
{
  if (given_twice (ps, p, line))
    {
      ps->last_part = -1;
      return;
    }
  if (!ehl_log_add (ps->log, p, text, len, ps->log->file, line))
    {
      out_of_memory (ps, line);
      return;
    }
  if (ps->log->parts[p].n == 1)
    ps->first_line[p] = line;
  ps->last_part = p;
  ps->last_index = (long) ps->log->parts[p].n - 1;
}

/* "+ TEXT": TEXT on a new line of the value above.  */
static void
continue_value (struct parser *ps, const char *text, size_t len, long line)
{
  if (len && *text == ' ')
    text++, len--;
  if (ps->last_part < 0)
    {
      problem (ps, line, "a '+' line must continue a 'KEY: value' line");
      return;
    }
  if (ps->last_index < 0)
    {
      /* "KEY:" then "+ TEXT": TEXT is the value.  */
      add_value (ps, ps->last_part, text, len, ps->last_line);
      return;
    }
  struct ehl_log_value *v = &ps->log->parts[ps->last_part].v[ps->last_index];
  size_t old = strlen (v->text);
  char *longer = realloc (v->text, old + len + 2);
  if (!longer)
    {
      out_of_memory (ps, line);
      return;
    }
  longer[old] = '\n';
  memcpy (longer + old + 1, text, len);
  longer[old + 1 + len] = '\0';
  v->text = longer;
}

/* "KEY: VALUE".  */
static void
key_line (struct parser *ps, const char *s, size_t len, long line)
{
  size_t k = 0;
  while (k < len && is_key_char (s[k]))
    k++;
  size_t colon = k;
  while (colon < len && is_blank (s[colon]))
    colon++;
  ps->last_part = -1;
  if (k == 0 || colon == len || s[colon] != ':')
    {
      problem (ps, line, "expected 'KEY: value', a '+' line or a '#'"
               " comment");
      return;
    }
  int p = ehl_part_find (s, k);
  if (p < 0)
    {
      problem (ps, line, "not a part of the form (see ehlog-new(1))");
      return;
    }
  const char *value = s + colon + 1;
  size_t vlen = len - colon - 1;
  while (vlen && is_blank (*value))
    value++, vlen--;
  while (vlen && is_blank (value[vlen - 1]))
    vlen--;
  if (vlen)
    {
      add_value (ps, p, value, vlen, line);
      return;
    }
  struct ehl_log_part *lp = &ps->log->parts[p];
  if (!lp->has_empty)
    {
      lp->has_empty = true;
      lp->empty = (struct ehl_log_value) { NULL, ps->log->file, line };
    }
  ps->last_part = p;
  ps->last_index = -1;
  ps->last_line = line;
}

static bool
valid_utf8 (const char *s, size_t len)
{
  json_t *probe = json_stringn (s, len);
  json_decref (probe);
  return probe != NULL;
}

static void
parse_line (struct parser *ps, const char *s, size_t len, long line)
{
  if (len && s[len - 1] == '\r')
    len--;
  if (memchr (s, '\0', len))
    {
      problem (ps, line, "contains a NUL byte");
      ps->last_part = -1;
      return;
    }
  if (!valid_utf8 (s, len))
    {
      problem (ps, line, "is not valid UTF-8");
      ps->last_part = -1;
      return;
    }
  size_t i = 0;
  while (i < len && is_blank (s[i]))
    i++;
  if (i == len || s[i] == '#')
    return;
  if (s[i] == '+')
    continue_value (ps, s + i + 1, len - i - 1, line);
  else
    key_line (ps, s + i, len - i, line);
}

int
ehl_form_parse (const char *buf, size_t len, struct ehl_log *log,
                ehl_form_problem_fn *fn, void *ctx)
{
  struct parser ps = { log, fn, ctx, 0, -1, -1, 0, { 0 } };
  const char *p = buf, *end = buf + len;
  long line = 0;
  if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t) (end - p));
      const char *stop = nl ? nl : end;
      parse_line (&ps, p, (size_t) (stop - p), ++line);
      p = nl ? nl + 1 : end;
    }
  return ps.problems;
}

/* ---- writing ---- */

enum { FORM_WIDTH = 78 };

/* TEXT word-wrapped to FORM_WIDTH columns: FIRST before its first line,
   NEXT before the others.  */
static void
wrap (FILE *out, const char *first, const char *next, const char *text)
{
  size_t col = ehl_display_width (first);
  bool words = false;
  fputs (first, out);
  for (const char *p = text; *p;)
    {
      size_t len = strcspn (p, " ");
      if (len)
        {
          char *word = strndup (p, len);
          size_t w = word ? ehl_display_width (word) : len;
          free (word);
          if (words && col + 1 + w > FORM_WIDTH)
            {
              fprintf (out, "\n%s", next);
              col = ehl_display_width (next);
            }
          else if (words)
            {
              putc (' ', out);
              col++;
            }
          fwrite (p, 1, len, out);
          col += w;
          words = true;
        }
      p += len;
      p += *p == ' ';
    }
  putc ('\n', out);
}

/* A comment: "# TEXT", wrapped.  */
static void
comment (FILE *out, const char *text)
{
  wrap (out, "# ", "# ", text);
}

/* TEXT with the child's name in its blanks, wrapped after FIRST/NEXT.  */
static void
wrap_filled (FILE *out, const char *first, const char *next,
             const char *text, const char *child)
{
  char *filled = ehl_fill_blanks (text, child);
  wrap (out, first, next, filled ? filled : text);
  free (filled);
}

/* The values of an enumerated field, separated by spaces.  */
static void
values_of (enum ehl_type type, const char *field, char *out, size_t size)
{
  const struct ehl_field *f = ehl_field_lookup (type, field);
  *out = '\0';
  for (const char *const *v = f ? f->values : NULL; v && *v; v++)
    {
      if (*out)
        strncat (out, " ", size - strlen (out) - 1);
      strncat (out, *v, size - strlen (out) - 1);
    }
}

/* Comment TEXT followed by ONE OF the values of TYPE's FIELD.  */
static void
comment_values (FILE *out, const char *text, enum ehl_type type,
                const char *field)
{
  char values[512], line[768];
  values_of (type, field, values, sizeof values);
  snprintf (line, sizeof line, "%s %s.", text, values);
  comment (out, line);
}

/* "KEY: VALUE" lines for each value of part P, or "KEY:" for none.  */
static void
write_part (FILE *out, const struct ehl_log *log, enum ehl_part_id p)
{
  const char *key = ehl_parts[p].option + 2;
  const struct ehl_log_part *lp = &log->parts[p];
  if (lp->n == 0)
    fprintf (out, "%s:\n", key);
  for (size_t i = 0; i < lp->n; i++)
    {
      const char *lead = key;
      const char *sep = ":";
      for (const char *s = lp->v[i].text;; lead = "+", sep = "")
        {
          size_t len = strcspn (s, "\n");
          fprintf (out, "%s%s%s", lead, sep, len ? " " : "");
          fwrite (s, 1, len, out);
          putc ('\n', out);
          if (s[len] == '\0')
            break;
          s += len + 1;
        }
    }
}

static void
heading (FILE *out, const char *title)
{
  fprintf (out, "\n# ---- %s ----\n", title);
}

static void
write_details (FILE *out, const struct ehl_log *log)
{
  comment (out, "Early Help Conversation Log (Signs of Safety and"
           " Wellbeing).");
  fputs ("#\n", out);
  comment (out, "Write after the colons; lines starting with '#' are"
           " guidance and are left out.  Repeat a line (such as"
           " \"worried:\") for each further item.  A line starting with"
           " '+' continues the text above it on a new line.  A line left"
           " empty leaves that part out.");
  heading (out, "Details");
  comment (out, "The case identifier: the service's own in-house"
           " reference.");
  write_part (out, log, EHL_P_CASE);
  comment (out, "The day of the conversation, YYYY-MM-DD or DD/MM/YYYY.");
  write_part (out, log, EHL_P_DATE);
  comment (out, "Who records it (left empty: nobody).");
  write_part (out, log, EHL_P_BY);
  comment (out, "The child or young person: name, date of birth, and"
           " their ref in the case's open record.");
  write_part (out, log, EHL_P_CHILD);
  write_part (out, log, EHL_P_DOB);
  write_part (out, log, EHL_P_CHILD_REF);
  comment (out, "The practitioner, their role and their service.");
  write_part (out, log, EHL_P_PRACTITIONER);
  write_part (out, log, EHL_P_ROLE);
  write_part (out, log, EHL_P_SERVICE);
  comment_values (out, "Who took part, one of:", EHL_T_CONVERSATION,
                  "participants");
  write_part (out, log, EHL_P_PARTICIPANTS);
  comment (out, "People who matter in the child's life: NAME ="
           " RELATIONSHIP, a line each.");
  write_part (out, log, EHL_P_PERSON);
  comment (out, "Only when this corrects an earlier record: that record's"
           " id.");
  write_part (out, log, EHL_P_SUPERSEDES);
}

static void
write_houses (FILE *out, const struct ehl_log *log, const char *child)
{
  static const enum ehl_part_id parts[3] = {
    EHL_P_WORRY, EHL_P_GOOD_THING, EHL_P_DREAM
  };
  char line[256];
  heading (out, "The three houses: for the child to write or draw");
  for (int h = 0; h < 3; h++)
    {
      snprintf (line, sizeof line, "%s: %s.", ehl_houses[h].heading,
                ehl_houses[h].meaning);
      wrap_filled (out, "# ", "# ", line, child);
      write_part (out, log, parts[h]);
    }
  comment_values (out, "A drawing or other document, kept with the file's"
                  " SHA-256, one line each: KIND = PATH, KIND one of:",
                  EHL_T_DOCUMENT, "kind");
  write_part (out, log, EHL_P_ATTACH);
}

static void
write_columns (FILE *out, const struct ehl_log *log, const char *child)
{
  static const enum ehl_part_id parts[3] = {
    EHL_P_WORRIED, EHL_P_GOING_WELL, EHL_P_NEEDS_TO_HAPPEN
  };
  putc ('\n', out);
  comment (out, ehl_start_with_going_well);
  for (int c = 0; c < 3; c++)
    {
      heading (out, ehl_columns[c].heading);
      for (const char *const *q = ehl_columns[c].questions; *q; q++)
        wrap_filled (out, "# - ", "#   ", *q, child);
      write_part (out, log, parts[c]);
    }
}

static void
write_next_steps (FILE *out, const struct ehl_log *log)
{
  char line[512];
  heading (out, "Scaling");
  snprintf (line, sizeof line, "Ask each member of the family: \"%s\"",
            ehl_situation_question);
  comment (out, line);
  comment_values (out, "One line for each answer: RATER = SCORE, or"
                  " RATER: NAME = SCORE, RATER one of:", EHL_T_SCALE,
                  "rater");
  write_part (out, log, EHL_P_SCALE);

  heading (out, "Next steps");
  comment (out, "Family, when a parent or carer took part: what they"
           " intend to do next, for example \"My next steps are to talk to"
           " my wider family about my concerns - they may be able to"
           " support me to get things going well again.\"");
  write_part (out, log, EHL_P_FAMILY_NEXT_STEPS);
  comment_values (out, "Practitioner: the action you have taken, one of:",
                  EHL_T_CONVERSATION, "next_step");
  write_part (out, log, EHL_P_NEXT_STEP);
  comment (out, "What the action will be, and why it is necessary.");
  write_part (out, log, EHL_P_NEXT_STEP_DETAIL);
}

void
ehl_form_write (FILE *out, const struct ehl_log *log)
{
  const char *child = ehl_log_first (log, EHL_P_CHILD);
  write_details (out, log);
  write_houses (out, log, child);
  write_columns (out, log, child);
  write_next_steps (out, log);
}

void
ehl_form_questions (FILE *out, const char *child)
{
  wrap (out, "", "", ehl_start_with_going_well);
  for (int c = 0; c < 3; c++)
    {
      fprintf (out, "\n%s\n", ehl_columns[c].heading);
      for (const char *const *q = ehl_columns[c].questions; *q; q++)
        wrap_filled (out, "  - ", "    ", *q, child);
    }
  fputs ("\nScaling\n", out);
  wrap (out, "  - ", "    ", ehl_situation_question);
}
