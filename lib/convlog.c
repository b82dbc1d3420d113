/* convlog.c - the Early Help Conversation Log's parts, filled-in logs,
   and the records a log makes.  */
#include <config.h>

#include "convlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "grow.h"
#include "record.h"
#include "wording.h"

const struct ehl_part ehl_parts[EHL_P_COUNT] = {
  [EHL_P_CASE] = { "--case", EHL_PART_ENVELOPE, "case", false, "ID",
                   "the case identifier: the service's own reference" },
  [EHL_P_DATE] = { "--date", EHL_PART_ENVELOPE, "date", false, "DATE",
                   "the day of the conversation" },
  [EHL_P_BY] = { "--by", EHL_PART_ENVELOPE, "by", false, "NAME",
                 "who records it" },
  [EHL_P_SUPERSEDES] = { "--supersedes", EHL_PART_ENVELOPE, "supersedes",
                         false, "ID", "the id of an earlier record this one"
                         " corrects" },
  [EHL_P_CHILD] = { "--child", EHL_PART_TEXT, "child.name", false, "NAME",
                    "the child's or young person's name (required)" },
  [EHL_P_DOB] = { "--dob", EHL_PART_DATE, "child.dob", false, "DATE",
                  "the child's date of birth" },
  [EHL_P_CHILD_REF] = { "--child-ref", EHL_PART_TEXT, "child.ref", false,
                        "REF", "the child's ref in the case's open record" },
  [EHL_P_PRACTITIONER] = { "--practitioner", EHL_PART_TEXT, "practitioner",
                           false, "NAME", "the practitioner (required)" },
  [EHL_P_ROLE] = { "--role", EHL_PART_TEXT, "role", false, "TEXT",
                   "the practitioner's role" },
  [EHL_P_SERVICE] = { "--service", EHL_PART_TEXT, "service", false, "TEXT",
                      "the practitioner's service (required)" },
  [EHL_P_PARTICIPANTS] = { "--participants", EHL_PART_TEXT, "participants",
                           false, "WHO", "who took part"
                           " (required)" },
  [EHL_P_PERSON] = { "--person", EHL_PART_PERSON, "people", true,
                     "NAME=RELATIONSHIP", "a person in the child's life" },
  [EHL_P_WORRY] = { "--worry", EHL_PART_LIST, "houses.worries", true, "TEXT",
                    "House of Worries: a thing that needs to change" },
  [EHL_P_GOOD_THING] = { "--good-thing", EHL_PART_LIST, "houses.good_things",
                         true, "TEXT", "House of Good Things: a thing that"
                         " is going well" },
  [EHL_P_DREAM] = { "--dream", EHL_PART_LIST, "houses.dreams", true, "TEXT",
                    "House of Dreams: how things would look if the worries"
                    " were gone" },
  [EHL_P_ATTACH] = { "--attach", EHL_PART_ATTACH, NULL, true, "KIND=PATH",
                     "a drawing or other document, recorded with the"
                     " file's SHA-256" },
  [EHL_P_WORRIED] = { "--worried", EHL_PART_LIST, "worried", true, "TEXT",
                      "What are we worried about?" },
  [EHL_P_GOING_WELL] = { "--going-well", EHL_PART_LIST, "going_well", true,
                         "TEXT", "What is going well?" },
  [EHL_P_NEEDS_TO_HAPPEN] = { "--needs-to-happen", EHL_PART_LIST,
                              "needs_to_happen", true, "TEXT",
                              "What needs to happen?" },
  [EHL_P_SCALE] = { "--scale", EHL_PART_SCALE, NULL, true, "RATER=SCORE",
                    "a scaling answer 0-10 (RATER: NAME=SCORE to name the"
                    " person); one scale record each" },
  [EHL_P_FAMILY_NEXT_STEPS] = { "--family-next-steps", EHL_PART_TEXT,
                                "family_next_steps", false, "TEXT",
                                "what the family intend to do next" },
  [EHL_P_NEXT_STEP] = { "--next-step", EHL_PART_TEXT, "next_step", false,
                        "WORD", "the practitioner's action (required)" },
  [EHL_P_NEXT_STEP_DETAIL] = { "--next-step-detail", EHL_PART_TEXT,
                               "next_step_detail", false, "TEXT",
                               "what the action will be and why (required)" },
};

int
ehl_part_find (const char *key, size_t len)
{
  for (int p = 0; p < EHL_P_COUNT; p++)
    {
      const char *want = ehl_parts[p].option + 2;
      if (strlen (want) != len)
        continue;
      size_t i = 0;
      for (; i < len; i++)
        {
          char c = key[i];
          c = c == '_' ? '-' : c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
          if (c != want[i])
            break;
        }
      if (i == len)
        return p;
    }
  return -1;
}

/* ---- logs ---- */

void
ehl_log_init (struct ehl_log *log, const char *file)
{
  memset (log, 0, sizeof *log);
  log->file = file;
}

static void
clear_part (struct ehl_log_part *lp)
{
  for (size_t i = 0; i < lp->n; i++)
    free (lp->v[i].text);
  free (lp->v);
  lp->v = NULL;
  lp->n = lp->cap = 0;
}

void
ehl_log_free (struct ehl_log *log)
{
  for (int p = 0; p < EHL_P_COUNT; p++)
    clear_part (&log->parts[p]);
}

bool
ehl_log_add (struct ehl_log *log, enum ehl_part_id p, const char *text,
             size_t len, const char *file, long line)
{
  struct ehl_log_part *lp = &log->parts[p];
  if (!ehl_grow (&lp->v, &lp->cap, lp->n, sizeof *lp->v))
    return false;
  char *copy = strndup (text, len);
  if (!copy)
    return false;
  lp->v[lp->n++] = (struct ehl_log_value) { copy, file, line };
  return true;
}

const char *
ehl_log_first (const struct ehl_log *log, enum ehl_part_id p)
{
  return log->parts[p].n ? log->parts[p].v[0].text : NULL;
}

bool
ehl_log_empty (const struct ehl_log *log)
{
  for (int p = 0; p < EHL_P_COUNT; p++)
    if (log->parts[p].n)
      return false;
  return true;
}

bool
ehl_log_same (const struct ehl_log *a, const struct ehl_log *b)
{
  for (int p = 0; p < EHL_P_COUNT; p++)
    {
      if (a->parts[p].n != b->parts[p].n)
        return false;
      for (size_t i = 0; i < a->parts[p].n; i++)
        if (strcmp (a->parts[p].v[i].text, b->parts[p].v[i].text) != 0)
          return false;
    }
  return true;
}

static bool
add_string (struct ehl_log *log, enum ehl_part_id p, const char *s)
{
  return ehl_log_add (log, p, s, strlen (s), NULL, 0);
}

bool
ehl_log_merge (struct ehl_log *base, const struct ehl_log *over)
{
  for (int p = 0; p < EHL_P_COUNT; p++)
    {
      const struct ehl_log_part *op = &over->parts[p];
      struct ehl_log_part *bp = &base->parts[p];
      if (op->n)
        {
          clear_part (bp);
          for (size_t i = 0; i < op->n; i++)
            if (!ehl_log_add (base, p, op->v[i].text, strlen (op->v[i].text),
                              op->v[i].file, op->v[i].line))
              return false;
        }
      if (op->has_empty && !bp->has_empty)
        {
          bp->has_empty = true;
          bp->empty = op->empty;
        }
    }
  base->file = over->file;
  return true;
}

bool
ehl_log_fill_envelope (struct ehl_log *log, const struct ehl_make_env *env)
{
  /* Without a date to take as today the form's date is left empty:
     recording it then says why.  */
  char today[11];
  if (!ehl_date_today_text (today))
    *today = '\0';
  const char *by = env->by.text ? env->by.text : ehl_default_by ();
  const struct { enum ehl_part_id p; const char *text; } fill[] = {
    { EHL_P_CASE, env->case_id.text },
    { EHL_P_DATE, env->date.text ? env->date.text : today },
    { EHL_P_BY, by },
    { EHL_P_SUPERSEDES, env->supersedes.text },
  };
  for (size_t i = 0; i < sizeof fill / sizeof fill[0]; i++)
    if (!log->parts[fill[i].p].n && fill[i].text && *fill[i].text
        && !add_string (log, fill[i].p, fill[i].text))
      return false;
  return true;
}

/* ---- from a record ---- */

/* "NAME = RELATIONSHIP", "NAME" or "= RELATIONSHIP".  */
static bool
add_person (struct ehl_log *log, json_t *person)
{
  const char *name = ehl_get_str (person, "name");
  const char *rel = ehl_get_str (person, "relationship");
  size_t len = (name ? strlen (name) : 0) + (rel ? strlen (rel) : 0) + 4;
  char *text = malloc (len);
  if (!text)
    return false;
  snprintf (text, len, "%s%s%s", name ? name : "",
            rel ? (name ? " = " : "= ") : "", rel ? rel : "");
  bool ok = add_string (log, EHL_P_PERSON, text);
  free (text);
  return ok;
}

/* "RATER = SCORE" or "RATER: NAME = SCORE".  */
static bool
add_scale (struct ehl_log *log, json_t *scale)
{
  const char *rater = ehl_get_str (scale, "rater");
  const char *name = ehl_get_str (scale, "rater_name");
  json_t *score = json_object_get (scale, "score");
  if (!rater || !json_is_integer (score))
    return true;                /* not a scaling answer the form can show */
  size_t len = strlen (rater) + (name ? strlen (name) : 0) + 32;
  char *text = malloc (len);
  if (!text)
    return false;
  snprintf (text, len, "%s%s%s = %" JSON_INTEGER_FORMAT, rater,
            name ? ": " : "", name ? name : "", json_integer_value (score));
  bool ok = add_string (log, EHL_P_SCALE, text);
  free (text);
  return ok;
}

/* The value at FIELD ("houses.worries") of REC, or NULL.  */
static json_t *
at_field (json_t *rec, const char *field)
{
  const char *dot = strchr (field, '.');
  if (!dot)
    return json_object_get (rec, field);
  char head[64];
  snprintf (head, sizeof head, "%.*s", (int) (dot - field), field);
  return json_object_get (json_object_get (rec, head), dot + 1);
}

bool
ehl_log_from_record (struct ehl_log *log, json_t *conv, json_t *scales)
{
  bool ok = true;
  size_t i;
  json_t *item;
  for (int p = 0; ok && p < EHL_P_COUNT; p++)
    {
      const struct ehl_part *part = &ehl_parts[p];
      json_t *v = part->field ? at_field (conv, part->field) : NULL;
      if (json_is_string (v))
        ok = add_string (log, p, json_string_value (v));
      else if (json_is_array (v))
        json_array_foreach (v, i, item)
          {
            if (ok && part->kind == EHL_PART_PERSON)
              ok = add_person (log, item);
            else if (ok && json_is_string (item))
              ok = add_string (log, p, json_string_value (item));
          }
    }
  json_array_foreach (scales, i, item)
    if (ok)
      ok = add_scale (log, item);
  return ok;
}

/* ---- building the records ---- */

/* Where part P's value V came from (V NULL: the part was not given).  */
static struct ehl_source
part_source (const struct ehl_log *log, enum ehl_part_id p,
             const struct ehl_log_value *v)
{
  const struct ehl_log_part *lp = &log->parts[p];
  const char *key = ehl_parts[p].option + 2;
  if (v)
    return v->file ? (struct ehl_source) { v->file, v->line, key }
                   : (struct ehl_source) { NULL, 0, ehl_parts[p].option };
  if (lp->has_empty && lp->empty.file)
    return (struct ehl_source) { lp->empty.file, lp->empty.line, key };
  if (log->file)
    return (struct ehl_source) { log->file, 0, key };
  return (struct ehl_source) { NULL, 0, ehl_parts[p].option };
}

/* The envelope value of part P: the log's value, else ENV's.  */
static void
envelope_part (const struct ehl_log *log, enum ehl_part_id p,
               struct ehl_value *v)
{
  const struct ehl_log_part *lp = &log->parts[p];
  if (lp->n)
    *v = (struct ehl_value) { lp->v[0].text, part_source (log, p, lp->v) };
  else if (!v->text && (lp->has_empty || log->file))
    {
      v->src = part_source (log, p, NULL);
      if (p == EHL_P_BY && lp->has_empty)
        v->text = "";           /* "by:" left empty: nobody */
    }
}

/* REC's member at FIELD ("houses.worries"), created (an array, or an
   object on the way) when absent.  */
static json_t *
array_at (json_t *rec, const char *field)
{
  json_t *arr = at_field (rec, field);
  if (arr)
    return arr;
  const char *dot = strchr (field, '.');
  json_t *parent = rec;
  if (dot)
    {
      char head[64];
      snprintf (head, sizeof head, "%.*s", (int) (dot - field), field);
      parent = json_object_get (rec, head);
      if (!parent)
        {
          parent = json_object ();
          json_object_set_new (rec, head, parent);
        }
    }
  arr = json_array ();
  json_object_set_new (parent, dot ? dot + 1 : field, arr);
  return arr;
}

static void
build_person (ehl_maker *mk, json_t *conv, const char *text,
              const struct ehl_source *src)
{
  json_t *people = array_at (conv, "people");
  char path[64];
  snprintf (path, sizeof path, "people[%zu]", json_array_size (people));
  const char *eq = strchr (text, '=');
  char *name = ehl_trimmed (text, eq ? (size_t) (eq - text) : strlen (text));
  char *rel = eq ? ehl_trimmed (eq + 1, strlen (eq + 1)) : NULL;
  if (!name || (eq && !rel))
    {
      ehl_maker_out_of_memory (mk);
      free (name);
      free (rel);
      return;
    }
  json_t *person = json_object ();
  if (name && *name)
    ehl_maker_set_text (mk, conv, path, person, "name", name, src);
  if (rel && *rel)
    ehl_maker_set_text (mk, conv, path, person, "relationship", rel, src);
  if (json_object_size (person) == 0)
    ehl_maker_problem (mk, conv, path, src, "must be NAME=RELATIONSHIP");
  json_array_append_new (people, person);
  ehl_maker_source (mk, conv, path, src);
  free (name);
  free (rel);
}

/* TEXT as the next item of the array at FIELD ("houses.worries").  */
static void
build_item (ehl_maker *mk, json_t *conv, const char *field, const char *text,
            const struct ehl_source *src)
{
  json_t *items = array_at (conv, field);
  char path[64];
  snprintf (path, sizeof path, "%s[%zu]", field, json_array_size (items));
  ehl_maker_source (mk, conv, path, src);
  ehl_maker_set_text (mk, conv, path, items, NULL, text, src);
}

/* Value TEXT (from SRC) of part P into CONV (its "child" object CHILD).  */
static void
build_value (ehl_maker *mk, json_t *conv, json_t *child, enum ehl_part_id p,
             const char *text, const struct ehl_source *src)
{
  const struct ehl_part *part = &ehl_parts[p];
  bool of_child = strncmp (part->field, "child.", 6) == 0;
  json_t *obj = of_child ? child : conv;
  const char *name = of_child ? part->field + 6 : part->field;
  if (part->kind == EHL_PART_PERSON)
    build_person (mk, conv, text, src);
  else if (part->kind == EHL_PART_LIST)
    build_item (mk, conv, part->field, text, src);
  else
    {
      ehl_maker_source (mk, conv, part->field, src);
      if (part->kind == EHL_PART_DATE)
        ehl_maker_set_date (mk, conv, part->field, obj, name, text, src);
      else
        ehl_maker_set_text (mk, conv, part->field, obj, name, text, src);
    }
}

/* The conversation's own fields from every part that has a field.  */
static void
build_fields (const struct ehl_log *log, ehl_maker *mk, json_t *conv)
{
  json_t *child = json_object ();
  json_object_set_new (conv, "child", child);
  /* "child" as a whole (required) is named after the child's name.  */
  const struct ehl_log_part *name = &log->parts[EHL_P_CHILD];
  struct ehl_source src = part_source (log, EHL_P_CHILD,
                                       name->n ? name->v : NULL);
  ehl_maker_source (mk, conv, "child", &src);
  for (int p = EHL_P_CHILD; p < EHL_P_COUNT; p++)
    {
      const struct ehl_log_part *lp = &log->parts[p];
      if (!ehl_parts[p].field)
        continue;
      src = part_source (log, p, NULL);
      ehl_maker_source (mk, conv, ehl_parts[p].field, &src);
      for (size_t i = 0; i < lp->n; i++)
        {
          src = part_source (log, p, &lp->v[i]);
          build_value (mk, conv, child, p, lp->v[i].text, &src);
        }
    }
  if (json_object_size (child) == 0)
    json_object_del (conv, "child");
}

/* A scale record for "RATER = SCORE" or "RATER: NAME = SCORE".  */
static void
build_scale (ehl_maker *mk, json_t *conv, const char *text,
             const struct ehl_source *src, const struct ehl_make_env *env)
{
  json_t *rec = ehl_maker_begin (mk, EHL_T_SCALE);
  if (!rec)
    return;
  ehl_maker_source (mk, rec, "", src);      /* all but the envelope */
  ehl_maker_envelope (mk, rec, env);
  json_object_set_new (rec, "scale", json_string ("situation"));
  const char *eq = strrchr (text, '=');
  if (!eq)
    {
      ehl_maker_problem (mk, rec, "score", src, "must be RATER=SCORE");
      ehl_maker_quiet (mk, rec, "rater");
      return;
    }
  char *score = ehl_trimmed (eq + 1, strlen (eq + 1));
  const char *colon = memchr (text, ':', (size_t) (eq - text));
  char *rater = ehl_trimmed (text, (size_t) ((colon ? colon : eq) - text));
  char *name = colon ? ehl_trimmed (colon + 1, (size_t) (eq - colon - 1))
                     : NULL;
  if (!score || !rater || (colon && !name))
    ehl_maker_out_of_memory (mk);
  if (score)
    ehl_maker_set_score (mk, rec, "score", rec, "score", score, src);
  if (rater)
    ehl_maker_set_text (mk, rec, "rater", rec, "rater", rater, src);
  if (name && *name)
    ehl_maker_set_text (mk, rec, "rater_name", rec, "rater_name", name, src);
  json_object_set_new (rec, "question", json_string (ehl_situation_question));
  json_object_set_new (rec, "context", json_string ("conversation"));
  ehl_maker_link (mk, rec, "about", conv);
  free (score);
  free (rater);
  free (name);
}

/* A document record for "KIND = PATH", with the file's SHA-256.  */
static void
build_attachment (ehl_maker *mk, const char *text,
                  const struct ehl_source *src, const struct ehl_make_env *env)
{
  json_t *rec = ehl_maker_begin (mk, EHL_T_DOCUMENT);
  if (!rec)
    return;
  ehl_maker_source (mk, rec, "", src);      /* all but the envelope */
  ehl_maker_envelope (mk, rec, env);
  const char *eq = strchr (text, '=');
  char *kind = eq ? ehl_trimmed (text, (size_t) (eq - text)) : NULL;
  char *path = eq ? ehl_trimmed (eq + 1, strlen (eq + 1)) : NULL;
  if (eq && (!kind || !path))
    ehl_maker_out_of_memory (mk);
  else if (!kind || !path || !*kind || !*path)
    {
      ehl_maker_problem (mk, rec, "kind", src, "must be KIND=PATH");
      ehl_maker_quiet (mk, rec, "path");
    }
  else
    {
      ehl_maker_set_text (mk, rec, "kind", rec, "kind", kind, src);
      ehl_maker_set_text (mk, rec, "path", rec, "path", path, src);
      ehl_maker_set_file_sha256 (mk, rec, path, src);
    }
  free (kind);
  free (path);
}

void
ehl_log_build (const struct ehl_log *log, ehl_maker *mk,
               const struct ehl_make_env *env)
{
  struct ehl_make_env cenv = *env;
  envelope_part (log, EHL_P_CASE, &cenv.case_id);
  envelope_part (log, EHL_P_DATE, &cenv.date);
  envelope_part (log, EHL_P_BY, &cenv.by);
  envelope_part (log, EHL_P_SUPERSEDES, &cenv.supersedes);
  cenv.child = (struct ehl_value) { NULL, { NULL, 0, NULL } };

  json_t *conv = ehl_maker_begin (mk, EHL_T_CONVERSATION);
  if (!conv)
    return;
  ehl_maker_envelope (mk, conv, &cenv);
  build_fields (log, mk, conv);

  /* The scales and drawings concern the same child, and correct
     nothing: the conversation's "supersedes" is its own.  */
  struct ehl_make_env renv = cenv;
  renv.supersedes = (struct ehl_value) { NULL, { NULL, 0, NULL } };
  const struct ehl_log_part *ref = &log->parts[EHL_P_CHILD_REF];
  if (ref->n)
    renv.child = (struct ehl_value) {
      ref->v[0].text, part_source (log, EHL_P_CHILD_REF, ref->v)
    };
  const struct ehl_log_part *lp = &log->parts[EHL_P_SCALE];
  for (size_t i = 0; i < lp->n; i++)
    {
      struct ehl_source src = part_source (log, EHL_P_SCALE, &lp->v[i]);
      build_scale (mk, conv, lp->v[i].text, &src, &renv);
    }
  lp = &log->parts[EHL_P_ATTACH];
  for (size_t i = 0; i < lp->n; i++)
    {
      struct ehl_source src = part_source (log, EHL_P_ATTACH, &lp->v[i]);
      build_attachment (mk, lp->v[i].text, &src, &renv);
    }
}
