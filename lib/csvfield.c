/* csvfield.c - CSV columns and cells in terms of the record contract:
   the contract tables say what each field holds, and so how a cell is
   read.  */
#include <config.h>

#include "csvfield.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "jsonload.h"

enum { MAX_INDEX = 999 };       /* the N of children.N.ref */

/* ---- paths ---- */


/* A list item number: digits, no leading zero, at most MAX_INDEX.  */
static bool
is_index (const char *s)
{
  size_t n = strspn (s, "0123456789");
  return n > 0 && n <= 3 && s[n] == '\0' && (s[0] != '0' || n == 1)
         && atoi (s) <= MAX_INDEX;
}

static void
append_shown (char *shown, size_t size, const char *fmt, const char *part)
{
  size_t used = strlen (shown);
  if (used + 1 < size)
    snprintf (shown + used, size - used, fmt, part);
}

/* The field that SEGS names in TYPE's records, or NULL; SHOWN gets the
   path as the validator writes it.  */
static const struct ehl_field *
resolve (enum ehl_type type, char *const *segs, size_t nsegs, char *shown,
         size_t size)
{
  const struct ehl_field *f = ehl_field_lookup (type, segs[0]);
  shown[0] = '\0';
  append_shown (shown, size, "%s", segs[0]);
  for (size_t i = 1; f && i < nsegs; i++)
    switch (f->kind)
      {
      case EHL_K_OBJECT:
      case EHL_K_DOMAINS:
        f = ehl_field_member (f, segs[i]);
        append_shown (shown, size, ".%s", segs[i]);
        break;
      case EHL_K_OBJECTS:
        if (i + 1 < nsegs && is_index (segs[i]))
          {
            append_shown (shown, size, "[%s]", segs[i]);
            i++;
            f = ehl_field_find (f->sub, segs[i]);
            append_shown (shown, size, ".%s", segs[i]);
          }
        else
          f = NULL;
        break;
      default:
        f = NULL;
        break;
      }
  return f;
}

/* Split PATH at its dots into a NULL-terminated vector whose strings live
   in one block with it (free the vector only).  NULL if memory ran out.  */
static char **
split_path (const char *path, size_t *nsegs)
{
  size_t n = 1, len = strlen (path);
  for (const char *p = path; *p; p++)
    n += *p == '.';
  char **segs = malloc ((n + 1) * sizeof *segs + len + 1);
  if (!segs)
    return NULL;
  char *text = (char *) (segs + n + 1);
  memcpy (text, path, len + 1);
  size_t i = 0;
  segs[i++] = text;
  for (char *p = text; *p; p++)
    if (*p == '.')
      {
        *p = '\0';
        segs[i++] = p + 1;
      }
  segs[i] = NULL;
  *nsegs = n;
  return segs;
}

bool
ehl_csv_field_resolve (enum ehl_type type, const char *path,
                       struct ehl_csv_field *out)
{
  memset (out, 0, sizeof *out);
  snprintf (out->shown, sizeof out->shown, "%s", path);
  out->segs = split_path (path, &out->nsegs);
  if (out->segs)
    out->leaf = resolve (type, out->segs, out->nsegs, out->shown,
                         sizeof out->shown);
  return out->leaf != NULL;
}

void
ehl_csv_field_free (struct ehl_csv_field *f)
{
  free (f->segs);
  f->segs = NULL;
}

/* ---- cells ---- */

static bool
ascii_caseeq (const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    {
      char x = *a >= 'A' && *a <= 'Z' ? (char) (*a - 'A' + 'a') : *a;
      if (x != *b)
        return false;
    }
  return *a == *b;
}

/* Booleans as spreadsheets and case systems write them.  */
static json_t *
convert_bool (const char *s, const char **why)
{
  static const char *const yes[] = { "true", "yes", "y", "1", NULL };
  static const char *const no[] = { "false", "no", "n", "0", NULL };
  for (int i = 0; yes[i]; i++)
    {
      if (ascii_caseeq (s, yes[i]))
        return json_true ();
      if (ascii_caseeq (s, no[i]))
        return json_false ();
    }
  *why = "must be true or false (or yes/no, y/n, 1/0)";
  return NULL;
}

static json_t *
convert_score (const char *s, const char **why)
{
  if ((s[0] >= '0' && s[0] <= '9' && s[1] == '\0') || strcmp (s, "10") == 0)
    return json_integer (atoi (s));
  *why = "must be a whole number from 0 to 10";
  return NULL;
}

/* D/M/YYYY or DD/MM/YYYY, a real date.  */
static bool
parse_uk_date (const char *s, ehl_day *day)
{
  static const size_t min_digits[3] = { 1, 1, 4 }, max_digits[3] = { 2, 2, 4 };
  int part[3] = { 0, 0, 0 };
  for (int k = 0; k < 3; k++)
    {
      size_t n = strspn (s, "0123456789");
      if (n < min_digits[k] || n > max_digits[k]
          || s[n] != (k < 2 ? '/' : '\0'))
        return false;
      for (size_t i = 0; i < n; i++)
        part[k] = part[k] * 10 + (s[i] - '0');
      s += n + (k < 2);
    }
  if (!ehl_date_valid (part[2], part[1], part[0]))
    return false;
  *day = ehl_days_from_civil (part[2], part[1], part[0]);
  return true;
}

static json_t *
convert_date (const char *s, bool uk_dates, const char **why)
{
  ehl_day day;
  char iso[11];
  if (!strchr (s, '/'))
    return json_string (s);     /* the validator judges it */
  if (!uk_dates)
    {
      *why = "is written with slashes: give --uk-dates if the file's dates"
             " are DD/MM/YYYY";
      return NULL;
    }
  if (!parse_uk_date (s, &day))
    {
      *why = "must be a real date written DD/MM/YYYY or YYYY-MM-DD";
      return NULL;
    }
  ehl_date_format (day, iso);
  return json_string (iso);
}

/* A cell holding a list's or an object's JSON text.  */
static json_t *
convert_json (const char *s, size_t len, json_type want, const char **why)
{
  json_error_t err;
  json_t *v = ehl_json_loadb (s, len, JSON_REJECT_DUPLICATES, &err);
  if (v && json_typeof (v) == want)
    return v;
  json_decref (v);
  if (!v && ehl_json_out_of_memory (&err))
    *why = "memory exhausted";
  else if (want == JSON_ARRAY)
    *why = "starts with '[' but is not a JSON list (such a cell is read as"
           " JSON)";
  else
    *why = "is not a JSON object";
  return NULL;
}

static json_t *
split_list (const char *s, size_t len, char sep)
{
  json_t *list = json_array ();
  const char *end = s + len;
  for (;;)
    {
      const char *at = memchr (s, sep, (size_t) (end - s));
      const char *stop = at ? at : end;
      json_array_append_new (list, json_stringn (s, (size_t) (stop - s)));
      if (!at)
        break;
      s = at + 1;
    }
  return list;
}

json_t *
ehl_csv_cell_value (const struct ehl_field *leaf, const char *s, size_t len,
                    const struct ehl_cell_opts *opts, const char **why)
{
  *why = "memory exhausted";
  switch (leaf->kind)
    {
    case EHL_K_BOOL:
      return convert_bool (s, why);
    case EHL_K_SCORE:
      return convert_score (s, why);
    case EHL_K_DATE:
      return convert_date (s, opts->uk_dates, why);
    case EHL_K_STRINGS:
    case EHL_K_ENUMS:
      return *s == '[' ? convert_json (s, len, JSON_ARRAY, why)
                       : split_list (s, len, opts->list_sep);
    case EHL_K_OBJECTS:
      if (*s == '[')
        return convert_json (s, len, JSON_ARRAY, why);
      *why = "must be the list's JSON text (or give columns like"
             " NAME.0.FIELD)";
      return NULL;
    case EHL_K_OBJECT:
    case EHL_K_DOMAINS:
      if (*s == '{')
        return convert_json (s, len, JSON_OBJECT, why);
      *why = "must be the object's JSON text (or give columns like"
             " NAME.FIELD)";
      return NULL;
    default:
      return json_stringn (s, len);
    }
}

/* ---- records ---- */

void
ehl_csv_field_place (json_t *rec, const struct ehl_csv_field *f, json_t *v)
{
  json_t *obj = rec;
  for (size_t i = 0; i + 1 < f->nsegs; i++)
    {
      json_t *next = json_object_get (obj, f->segs[i]);
      if (!next)
        {
          next = json_object ();
          json_object_set_new (obj, f->segs[i], next);
        }
      obj = next;
    }
  json_object_set_new (obj, f->segs[f->nsegs - 1], v);
}

/* The numbered items of list field F of OBJ become the list.  */
static void
numbered_to_list (json_t *obj, const struct ehl_field *f, const char *path,
                  ehl_csv_gap_fn *fn, void *ctx)
{
  json_t *numbered = json_object_get (obj, f->name), *list = json_array ();
  size_t n = json_object_size (numbered);
  for (size_t i = 0; i < n; i++)
    {
      char key[24], why[160];
      snprintf (key, sizeof key, "%zu", i);
      json_t *item = json_object_get (numbered, key);
      if (!item)
        {
          snprintf (why, sizeof why, "item %zu has no cells, but a later item"
                    " has", i);
          fn (ctx, path, why);
          break;
        }
      json_array_append (list, item);
    }
  /* Replacing keeps the member's place among the others.  */
  json_object_set_new (obj, f->name, list);
}

static void
finish_lists (json_t *obj, const struct ehl_field *fields, const char *prefix,
              ehl_csv_gap_fn *fn, void *ctx)
{
  for (const struct ehl_field *f = fields; f && f->name; f++)
    {
      json_t *v = json_object_get (obj, f->name);
      char path[128];
      if (!json_is_object (v))
        continue;
      snprintf (path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "",
                f->name);
      if (f->kind == EHL_K_OBJECT)
        finish_lists (v, f->sub, path, fn, ctx);
      else if (f->kind == EHL_K_OBJECTS)
        numbered_to_list (obj, f, path, fn, ctx);
    }
}

void
ehl_csv_finish_lists (json_t *rec, const struct ehl_field *fields,
                      ehl_csv_gap_fn *fn, void *ctx)
{
  finish_lists (rec, fields, "", fn, ctx);
}
