/* match.c - testing one record against a compiled selector
   (expect-int.h).  This runs for every record read, so it only looks
   fields up: no allocation, no copying.  */
#include <config.h>

#include "expect-int.h"

#include <string.h>

json_t *
ehl_path_get (const struct ehl_path *path, json_t *json)
{
  for (int i = 0; json && i < path->n; i++)
    json = json_object_get (json, path->seg[i]);
  return json;
}

bool
ehl_scalar_equal (json_t *a, json_t *b)
{
  if (json_is_string (a) && json_is_string (b))
    return json_string_length (a) == json_string_length (b)
           && memcmp (json_string_value (a), json_string_value (b),
                      json_string_length (a)) == 0;
  if (json_is_number (a) && json_is_number (b))
    return json_number_value (a) == json_number_value (b);
  if (json_is_boolean (a) && json_is_boolean (b))
    return json_is_true (a) == json_is_true (b);
  return false;
}

bool
ehl_json_nonempty (json_t *v)
{
  size_t i;
  const char *key;
  json_t *m;
  switch (json_typeof (v))
    {
    case JSON_STRING:
      for (const char *s = json_string_value (v); *s; s++)
        if (!strchr (" \t\r\n", *s))
          return true;
      return false;
    case JSON_ARRAY:
      json_array_foreach (v, i, m)
        if (ehl_json_nonempty (m))
          return true;
      return false;
    case JSON_OBJECT:
      json_object_foreach (v, key, m)
        if (ehl_json_nonempty (m))
          return true;
      return false;
    case JSON_NULL:
      return false;
    default:
      return true;              /* numbers and booleans are values */
    }
}

/* Does FIELD equal one of VALUES (a field holding a list: contain one)?  */
static bool
has_any (json_t *field, json_t *values)
{
  size_t i, j;
  json_t *v, *e;
  json_array_foreach (values, i, v)
    {
      if (!json_is_array (field))
        {
          if (ehl_scalar_equal (field, v))
            return true;
          continue;
        }
      json_array_foreach (field, j, e)
        if (ehl_scalar_equal (e, v))
          return true;
    }
  return false;
}

static bool
has_keys (json_t *field, json_t *keys)
{
  size_t i;
  json_t *k;
  if (!json_is_object (field))
    return false;
  json_array_foreach (keys, i, k)
    {
      json_t *v = json_object_get (field, json_string_value (k));
      if (!v || !ehl_json_nonempty (v))
        return false;
    }
  return true;
}

bool
ehl_test_match (const struct ehl_test *t, json_t *json)
{
  json_t *f = ehl_path_get (&t->path, json);
  switch (t->op)
    {
    case EHL_OP_EQ:
      return f && has_any (f, t->values);
    case EHL_OP_NOT:
      return !f || !has_any (f, t->values);
    case EHL_OP_PRESENT:
      return (f != NULL) == t->flag;
    case EHL_OP_NONEMPTY:
      return (f && ehl_json_nonempty (f)) == t->flag;
    case EHL_OP_RANGE:
      return json_is_number (f)
             && (!t->has_min || json_number_value (f) >= t->min)
             && (!t->has_max || json_number_value (f) <= t->max);
    case EHL_OP_KEYS:
      return has_keys (f, t->values);
    }
  return false;
}

bool
ehl_selector_match (const struct ehl_selector *sel, int type, json_t *json)
{
  if (type < 0 || !(sel->types & (1u << type)))
    return false;
  for (size_t i = 0; i < sel->n_tests; i++)
    if (!ehl_test_match (&sel->tests[i], json))
      return false;
  return true;
}
