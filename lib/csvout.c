/* csvout.c - flattening records into named CSV cells, the union of the
   cell names of many records, and writing rows through ehl_csv_row.  */
#include <config.h>

#include "csvout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "jsonload.h"
#include "strmap.h"

/* ---- flattening ---- */

struct flattener
{
  char sep;
  ehl_flat_fn *fn;
  void *ctx;
  char *name;                   /* the dotted name being built */
  size_t len, cap;
};

/* Append ".PART" (or PART at the top) to the name; false if memory ran
   out.  The caller restores the length afterwards.  */
static bool
push_name (struct flattener *f, const char *part)
{
  size_t plen = strlen (part), need = f->len + plen + 2;
  if (need > f->cap)
    {
      size_t cap = need * 2;
      char *grown = realloc (f->name, cap);
      if (!grown)
        return false;
      f->name = grown;
      f->cap = cap;
    }
  if (f->len > 0)
    f->name[f->len++] = '.';
  memcpy (f->name + f->len, part, plen + 1);
  f->len += plen;
  return true;
}

static void
pop_name (struct flattener *f, size_t len)
{
  f->len = len;
  f->name[len] = '\0';
}

/* Can the strings of ARR be joined with SEP and split back the same?  */
static bool
joinable (json_t *arr, char sep)
{
  size_t i;
  json_t *item;
  if (json_array_size (arr) == 0)
    return false;
  json_array_foreach (arr, i, item)
    {
      const char *s = json_string_value (item);
      if (!s || !*s || strchr (s, sep) || (i == 0 && *s == '['))
        return false;
    }
  return true;
}

static bool
all_nonempty_objects (json_t *arr)
{
  size_t i;
  json_t *item;
  if (json_array_size (arr) == 0)
    return false;
  json_array_foreach (arr, i, item)
    if (!json_is_object (item) || json_object_size (item) == 0)
      return false;
  return true;
}

static char *
join_strings (json_t *arr, char sep)
{
  size_t i, total = 1;
  json_t *item;
  json_array_foreach (arr, i, item)
    total += strlen (json_string_value (item)) + 1;
  char *out = malloc (total), *p = out;
  if (!out)
    return NULL;
  json_array_foreach (arr, i, item)
    {
      const char *s = json_string_value (item);
      size_t n = strlen (s);
      if (i > 0)
        *p++ = sep;
      memcpy (p, s, n);
      p += n;
    }
  *p = '\0';
  return out;
}

/* The text of a value that is one cell (never an object or an array of
   objects, which flatten further): malloc'd.  */
static char *
cell_text (json_t *v, char sep)
{
  char buf[32];
  switch (json_typeof (v))
    {
    case JSON_STRING:
      return strdup (json_string_value (v));
    case JSON_TRUE:
      return strdup ("true");
    case JSON_FALSE:
      return strdup ("false");
    case JSON_INTEGER:
      snprintf (buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
                json_integer_value (v));
      return strdup (buf);
    case JSON_ARRAY:
      if (joinable (v, sep))
        return join_strings (v, sep);
      break;
    default:
      break;
    }
  return ehl_json_dumps (v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
}

static bool flatten_value (struct flattener *f, json_t *v);

static bool
flatten_members (struct flattener *f, json_t *obj)
{
  const char *key;
  json_t *v;
  size_t len = f->len;
  json_object_foreach (obj, key, v)
    {
      bool ok = push_name (f, key) && flatten_value (f, v);
      pop_name (f, len);
      if (!ok)
        return false;
    }
  return true;
}

static bool
flatten_items (struct flattener *f, json_t *arr)
{
  size_t i, len = f->len;
  json_t *item;
  json_array_foreach (arr, i, item)
    {
      char index[24];
      snprintf (index, sizeof index, "%zu", i);
      bool ok = push_name (f, index) && flatten_members (f, item);
      pop_name (f, len);
      if (!ok)
        return false;
    }
  return true;
}

static bool
flatten_value (struct flattener *f, json_t *v)
{
  if (json_is_object (v) && json_object_size (v) > 0)
    return flatten_members (f, v);
  if (json_is_array (v) && all_nonempty_objects (v))
    return flatten_items (f, v);
  char *text = cell_text (v, f->sep);
  if (!text)
    return false;
  bool ok = f->fn (f->ctx, f->name, text);
  free (text);
  return ok;
}

bool
ehl_csv_flatten (json_t *rec, char sep, ehl_flat_fn *fn, void *ctx)
{
  struct flattener f = { sep, fn, ctx, NULL, 0, 0 };
  if (!push_name (&f, ""))
    return false;
  bool ok = flatten_members (&f, rec);
  free (f.name);
  return ok;
}

/* ---- formula protection ---- */

char *
ehl_csv_protect (const char *s, bool *failed)
{
  size_t quotes = strspn (s, "'");
  *failed = false;
  if (!ehl_csv_is_formula (s + quotes))
    return NULL;
  size_t len = strlen (s);
  char *out = malloc (len + 2);
  if (!out)
    {
      *failed = true;
      return NULL;
    }
  out[0] = '\'';
  memcpy (out + 1, s, len + 1);
  return out;
}

/* ---- the union of cell names ---- */

struct column_node
{
  const char *name;             /* the map's copy */
  struct column_node *prev, *next;
};

struct ehl_columns
{
  ehl_strmap *map;              /* name -> struct column_node */
  struct column_node *head, *tail;
  size_t count;
  const char **names;           /* the last ehl_columns_names answer */
  char **pending;               /* the names of the record being added */
  size_t npending, cap;
  char *clash;                  /* a name the last record gave twice */
};

ehl_columns *
ehl_columns_new (void)
{
  ehl_columns *c = calloc (1, sizeof *c);
  if (c && !(c->map = ehl_strmap_new ()))
    {
      free (c);
      c = NULL;
    }
  return c;
}

static bool
collect_name (void *ctx, const char *name, const char *text)
{
  (void) text;
  ehl_columns *c = ctx;
  if (!ehl_grow (&c->pending, &c->cap, c->npending, sizeof *c->pending))
    return false;
  return (c->pending[c->npending++] = strdup (name)) != NULL;
}

/* A new column NAME, just before NEXT (at the end if NEXT is NULL).  */
static struct column_node *
insert_column (ehl_columns *c, const char *name, struct column_node *next)
{
  struct column_node *node = malloc (sizeof *node);
  if (!node || !(node->name = ehl_strmap_put (c->map, name, node)))
    {
      free (node);
      return NULL;
    }
  node->next = next;
  node->prev = next ? next->prev : c->tail;
  *(node->prev ? &node->prev->next : &c->head) = node;
  *(next ? &next->prev : &c->tail) = node;
  c->count++;
  return node;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A name the pending names hold twice, or NULL.  */
static const char *
repeated_name (ehl_columns *c)
{
  if (c->npending < 2)
    return NULL;
  char **sorted = malloc (c->npending * sizeof *sorted);
  const char *twice = NULL;
  if (!sorted)
    return NULL;
  memcpy (sorted, c->pending, c->npending * sizeof *sorted);
  qsort (sorted, c->npending, sizeof *sorted, compare_names);
  for (size_t i = 1; !twice && i < c->npending; i++)
    if (strcmp (sorted[i - 1], sorted[i]) == 0)
      twice = sorted[i];
  free (sorted);
  return twice;
}

/* Place the pending names, last first, so that each new one can go just
   before the name that follows it in the record.  */
static bool
place_pending (ehl_columns *c)
{
  struct column_node *next = NULL;
  for (size_t i = c->npending; i-- > 0;)
    {
      struct column_node *node = ehl_strmap_get (c->map, c->pending[i]);
      if (!node && !(node = insert_column (c, c->pending[i], next)))
        return false;
      next = node;
    }
  return true;
}

bool
ehl_columns_add (ehl_columns *c, json_t *rec, char sep, const char **clash)
{
  c->npending = 0;
  free (c->clash);
  c->clash = NULL;
  bool ok = ehl_csv_flatten (rec, sep, collect_name, c);
  const char *twice = ok ? repeated_name (c) : NULL;
  if (twice)
    {
      c->clash = strdup (twice);
      ok = false;
    }
  ok = ok && place_pending (c);
  for (size_t i = 0; i < c->npending; i++)
    free (c->pending[i]);
  *clash = c->clash;
  return ok;
}

size_t
ehl_columns_count (const ehl_columns *c)
{
  return c->count;
}

const char *const *
ehl_columns_names (ehl_columns *c)
{
  const char **names = realloc (c->names, (c->count + 1) * sizeof *names);
  if (!names)
    return NULL;
  c->names = names;
  size_t i = 0;
  for (struct column_node *n = c->head; n; n = n->next)
    names[i++] = n->name;
  names[i] = NULL;
  return names;
}

void
ehl_columns_free (ehl_columns *c)
{
  if (!c)
    return;
  for (struct column_node *n = c->head, *next; n; n = next)
    {
      next = n->next;
      free (n);
    }
  ehl_strmap_free (c->map);
  free (c->names);
  free (c->pending);
  free (c->clash);
  free (c);
}

/* ---- rows ---- */

struct ehl_csv_writer
{
  size_t n;
  char **names;
  ehl_strmap *index;            /* name -> column number + 1 */
  char sep;
  struct ehl_csv_opts opts;
  char **cells;                 /* the row being built */
  const char *clash;
  bool failed;
};

ehl_csv_writer *
ehl_csv_writer_new (const char *const *names, size_t n, char sep,
                    const struct ehl_csv_opts *opts)
{
  ehl_csv_writer *w = calloc (1, sizeof *w);
  if (!w)
    return NULL;
  w->n = n;
  w->sep = sep;
  w->opts = *opts;
  w->opts.no_neutralise = true;   /* ehl_csv_protect does it */
  w->names = calloc (n + 1, sizeof *w->names);
  w->cells = calloc (n + 1, sizeof *w->cells);
  w->index = ehl_strmap_new ();
  bool ok = w->names && w->cells && w->index;
  for (size_t i = 0; ok && i < n; i++)
    ok = (w->names[i] = strdup (names[i]))
         && ehl_strmap_put (w->index, names[i], (void *) (uintptr_t) (i + 1));
  if (!ok)
    {
      ehl_csv_writer_free (w);
      return NULL;
    }
  return w;
}

void
ehl_csv_writer_free (ehl_csv_writer *w)
{
  if (!w)
    return;
  for (size_t i = 0; w->names && i < w->n; i++)
    free (w->names[i]);
  for (size_t i = 0; w->cells && i < w->n; i++)
    free (w->cells[i]);
  free (w->names);
  free (w->cells);
  ehl_strmap_free (w->index);
  free (w);
}

/* Write CELLS (N of them) protected against formulas.  */
static bool
write_protected_row (FILE *out, char **cells, size_t n,
                     const struct ehl_csv_opts *opts)
{
  for (size_t i = 0; i < n; i++)
    {
      bool failed;
      char *safe = ehl_csv_protect (cells[i], &failed);
      if (failed)
        return false;
      if (safe)
        {
          free (cells[i]);
          cells[i] = safe;
        }
    }
  return ehl_csv_row (out, (const char *const *) cells, n, opts);
}

bool
ehl_csv_write_header (ehl_csv_writer *w, FILE *out)
{
  bool ok = true;
  for (size_t i = 0; ok && i < w->n; i++)
    ok = (w->cells[i] = strdup (w->names[i])) != NULL;
  ok = ok && write_protected_row (out, w->cells, w->n, &w->opts);
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->cells[i]);
      w->cells[i] = NULL;
    }
  return ok;
}

static bool
fill_cell (void *ctx, const char *name, const char *text)
{
  ehl_csv_writer *w = ctx;
  size_t col = (uintptr_t) ehl_strmap_get (w->index, name);
  if (col == 0)
    return true;                /* not a column: left out */
  if (w->cells[col - 1])
    {
      w->clash = w->names[col - 1];
      return false;
    }
  if (!(w->cells[col - 1] = strdup (text)))
    {
      w->failed = true;
      return false;
    }
  return true;
}

/* The member of REC that dotted PATH names (numbers index lists), or
   NULL.  */
static json_t *
member_at (json_t *rec, const char *path)
{
  char *copy = strdup (path), *save = NULL;
  json_t *v = rec;
  if (!copy)
    return NULL;
  for (char *part = strtok_r (copy, ".", &save); part && v;
       part = strtok_r (NULL, ".", &save))
    {
      if (json_is_array (v))
        {
          char *end;
          unsigned long i = strtoul (part, &end, 10);
          v = *part >= '0' && *part <= '9' && !*end ? json_array_get (v, i)
              : NULL;
        }
      else
        v = json_object_get (v, part);
    }
  free (copy);
  return v;
}

/* Cells no flattened name filled: the JSON text of the part they name,
   or empty.  */
static bool
fill_whole_values (ehl_csv_writer *w, json_t *rec)
{
  for (size_t i = 0; i < w->n; i++)
    if (!w->cells[i])
      {
        json_t *v = member_at (rec, w->names[i]);
        w->cells[i] = v ? ehl_json_dumps (v, JSON_COMPACT | JSON_ENCODE_ANY
                                      | JSON_PRESERVE_ORDER)
                        : strdup ("");
        if (!w->cells[i])
          return false;
      }
  return true;
}

enum ehl_csv_result
ehl_csv_write_record (ehl_csv_writer *w, FILE *out, json_t *rec,
                      const char **clash)
{
  w->clash = NULL;
  w->failed = false;
  bool ok = ehl_csv_flatten (rec, w->sep, fill_cell, w);
  enum ehl_csv_result result = EHL_CSV_WRITTEN;
  if (w->clash)
    {
      *clash = w->clash;
      result = EHL_CSV_CLASH;
    }
  else if (!ok || !fill_whole_values (w, rec)
           || !write_protected_row (out, w->cells, w->n, &w->opts))
    result = EHL_CSV_FAILED;
  for (size_t i = 0; i < w->n; i++)
    {
      free (w->cells[i]);
      w->cells[i] = NULL;
    }
  return result;
}
