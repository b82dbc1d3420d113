/* expect.c - loading an expectation file: decode it with jansson, check
   every part against DESIGN.md section 3 and the record contract
   (reporting every problem, not the first), and compile it into the form
   of expect-int.h.  */
#include <config.h>

#include "expect-int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "jsonload.h"
#include "strbuf.h"
#include "strmap.h"

#define ALL_TYPES ((uint32_t) ((1u << EHL_T_COUNT) - 1))

/* The state of one load: where we are, for messages.  */
struct loader
{
  const char *name;
  FILE *diag;
  int errors;
  ehl_expect_set *set;
  ehl_strmap *sel_index;        /* canonical selector text -> 1 + number */
  ehl_strmap *ids;              /* expectation ids seen */
  size_t exp_no;                /* 1-based, 0 outside any expectation */
  long exp_line;
  const char *exp_id;
  struct ehl_strbuf path;       /* JSON path of the part being checked */
};

static void
problem (struct loader *ld, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
problem (struct loader *ld, const char *fmt, ...)
{
  struct ehl_strbuf msg = EHL_STRBUF_INIT;
  char text[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (text, sizeof text, fmt, ap);
  va_end (ap);
  if (ld->exp_no)
    {
      ehl_strbuf_addf (&msg, "expectation %zu", ld->exp_no);
      if (ld->exp_id)
        ehl_strbuf_addf (&msg, " (%s)", ld->exp_id);
      ehl_strbuf_add (&msg, ": ");
    }
  if (ld->path.len)
    ehl_strbuf_addf (&msg, "%s: ", ehl_strbuf_str (&ld->path));
  ehl_strbuf_add (&msg, text);
  ehl_warn_to (ld->diag, ld->name, ld->exp_line, "%s",
               msg.failed ? text : ehl_strbuf_str (&msg));
  ehl_strbuf_free (&msg);
  ld->errors++;
}

/* Path bookkeeping: push a member name or an index, pop back.  */
static size_t
push_key (struct loader *ld, const char *key)
{
  size_t mark = ld->path.len;
  ehl_strbuf_addf (&ld->path, "%s%s", mark ? "." : "", key);
  return mark;
}

static size_t
push_index (struct loader *ld, size_t i)
{
  size_t mark = ld->path.len;
  ehl_strbuf_addf (&ld->path, "[%zu]", i);
  return mark;
}

static void
pop (struct loader *ld, size_t mark)
{
  ehl_strbuf_truncate (&ld->path, mark);
}

/* ---- paths and the contract ---- */

static void
path_free (struct ehl_path *p)
{
  for (int i = 0; i < p->n; i++)
    free (p->seg[i]);
  free (p->seg);
  free (p->text);
  memset (p, 0, sizeof *p);
}

static bool
path_split (const char *text, struct ehl_path *p)
{
  memset (p, 0, sizeof *p);
  if (!(p->text = strdup (text)))
    return false;
  const char *s = text;
  for (;;)
    {
      const char *dot = strchr (s, '.');
      size_t len = dot ? (size_t) (dot - s) : strlen (s);
      char **grown = realloc (p->seg, (size_t) (p->n + 1) * sizeof *grown);
      if (!grown)
        return false;
      p->seg = grown;
      if (!(p->seg[p->n] = strndup (s, len)))
        return false;
      p->n++;
      if (!dot)
        return true;
      s = dot + 1;
    }
}

/* The contract's field at PATH in records of TYPE, or NULL.  Dotted
   paths reach into objects only.  */
static const struct ehl_field *
contract_field (int type, const struct ehl_path *p)
{
  const struct ehl_field *f = ehl_field_lookup ((enum ehl_type) type,
                                                p->seg[0]);
  for (int i = 1; f && i < p->n; i++)
    f = ehl_field_member (f, p->seg[i]);
  return f;
}

/* The types of MASK whose records have the field at P.  */
static uint32_t
types_with (uint32_t mask, const struct ehl_path *p)
{
  uint32_t out = 0;
  for (int t = 0; t < EHL_T_COUNT; t++)
    if ((mask & (1u << t)) && contract_field (t, p))
      out |= 1u << t;
  return out;
}

static void
type_list (uint32_t mask, struct ehl_strbuf *out)
{
  int n = 0;
  for (int t = 0; t < EHL_T_COUNT; t++)
    if (mask & (1u << t))
      ehl_strbuf_addf (out, "%s%s", n++ ? ", " : "", ehl_type_name (t));
}

/* ---- selectors ---- */

static bool
is_scalar (json_t *v)
{
  return json_is_string (v) || json_is_number (v) || json_is_boolean (v);
}

/* Is the scalar V a possible value of field F?  NULL if so, else why.  */
static const char *
value_fits (const struct ehl_field *f, json_t *v)
{
  switch (f->kind)
    {
    case EHL_K_BOOL:
      return json_is_boolean (v) ? NULL : "needs true or false";
    case EHL_K_SCORE:
      return json_is_integer (v) ? NULL : "needs a whole number";
    case EHL_K_ENUM:
    case EHL_K_ENUMS:
      if (!json_is_string (v))
        return "needs a string";
      for (const char *const *e = f->values; e && *e; e++)
        if (strcmp (*e, json_string_value (v)) == 0)
          return NULL;
      return "is not one of the field's values";
    case EHL_K_DATE:
      {
        ehl_day d;
        return json_is_string (v) && ehl_date_parse_iso (json_string_value (v),
                                                         &d)
               ? NULL : "needs a date YYYY-MM-DD";
      }
    case EHL_K_OBJECT:
    case EHL_K_OBJECTS:
    case EHL_K_DOMAINS:
      return "is an object or a list of objects: test it with present, "
             "nonempty or keys";
    default:
      return json_is_string (v) ? NULL : "needs a string";
    }
}

/* Check the scalar V against field P in every type of TYPES: it must fit
   in at least one.  */
static void
check_value (struct loader *ld, uint32_t types, const struct ehl_path *p,
             json_t *v)
{
  if (!is_scalar (v))
    {
      problem (ld, "a value must be a string, a number or true/false");
      return;
    }
  const char *why = NULL;        /* no type has the field: reported */
  struct ehl_strbuf values = EHL_STRBUF_INIT;
  for (int t = 0; t < EHL_T_COUNT; t++)
    {
      const struct ehl_field *f = (types & (1u << t))
                                  ? contract_field (t, p) : NULL;
      if (!f)
        continue;
      if (!(why = value_fits (f, v)))
        {
          ehl_strbuf_free (&values);
          return;
        }
      for (const char *const *e = f->values; e && *e; e++)
        ehl_strbuf_addf (&values, "%s%s", values.len ? ", " : " (", *e);
    }
  if (values.len)
    ehl_strbuf_add (&values, ")");
  if (!why)
    ;
  else if (json_is_string (v))
    problem (ld, "\"%s\" %s%s", json_string_value (v), why,
             ehl_strbuf_str (&values));
  else
    problem (ld, "%s", why);
  ehl_strbuf_free (&values);
}

/* The values of an equality or "not" test: a scalar or a non-empty array
   of scalars.  Returns a new array (NULL after reporting a problem).  */
static json_t *
value_list (struct loader *ld, uint32_t types, const struct ehl_path *p,
            json_t *v)
{
  if (json_is_array (v) && json_array_size (v) == 0)
    {
      problem (ld, "an empty list matches nothing");
      return NULL;
    }
  int before = ld->errors;
  if (json_is_array (v))
    {
      size_t i;
      json_t *e;
      json_array_foreach (v, i, e)
        {
          size_t mark = push_index (ld, i);
          check_value (ld, types, p, e);
          pop (ld, mark);
        }
    }
  else
    check_value (ld, types, p, v);
  if (ld->errors > before)
    return NULL;
  if (json_is_array (v))
    return json_incref (v);
  json_t *one = json_array ();
  if (!one || json_array_append (one, v) != 0)
    {
      json_decref (one);
      problem (ld, "memory exhausted");
      return NULL;
    }
  return one;
}

/* Do all of TYPES' fields at P have one of KINDS (a -1-terminated list)?
   Only types having the field count.  */
static bool
field_kind_in (uint32_t types, const struct ehl_path *p, const int *kinds)
{
  for (int t = 0; t < EHL_T_COUNT; t++)
    {
      const struct ehl_field *f = (types & (1u << t))
                                  ? contract_field (t, p) : NULL;
      bool ok = !f;
      for (const int *k = kinds; f && *k >= 0; k++)
        ok |= (int) f->kind == *k;
      if (!ok)
        return false;
    }
  return true;
}

static void
check_keys (struct loader *ld, uint32_t types, struct ehl_test *t, json_t *v)
{
  static const int objects[] = { EHL_K_OBJECT, EHL_K_DOMAINS, -1 };
  if (!json_is_array (v) || json_array_size (v) == 0)
    {
      problem (ld, "keys needs a non-empty list of key names");
      return;
    }
  if (!field_kind_in (types, &t->path, objects))
    {
      problem (ld, "keys applies to object fields only");
      return;
    }
  size_t i;
  json_t *k;
  json_array_foreach (v, i, k)
    {
      size_t mark = push_index (ld, i);
      bool known = false;
      for (int ty = 0; json_is_string (k) && ty < EHL_T_COUNT; ty++)
        {
          const struct ehl_field *f = (types & (1u << ty))
                                      ? contract_field (ty, &t->path) : NULL;
          if (f && ehl_field_member (f, json_string_value (k)))
            known = true;
        }
      if (!json_is_string (k))
        problem (ld, "a key name must be a string");
      else if (!known)
        problem (ld, "\"%s\" is not a key of %s", json_string_value (k),
                 t->path.text);
      pop (ld, mark);
    }
  t->values = json_incref (v);
}

static void
check_range (struct loader *ld, uint32_t types, struct ehl_test *t,
             json_t *op)
{
  static const int numbers[] = { EHL_K_SCORE, -1 };
  json_t *min = json_object_get (op, "min"), *max = json_object_get (op, "max");
  if ((min && !json_is_number (min)) || (max && !json_is_number (max)))
    problem (ld, "min and max need numbers");
  else if (!field_kind_in (types, &t->path, numbers))
    problem (ld, "min and max apply to number fields only");
  t->op = EHL_OP_RANGE;
  t->has_min = min != NULL;
  t->has_max = max != NULL;
  t->min = min ? json_number_value (min) : 0;
  t->max = max ? json_number_value (max) : 0;
  if (t->has_min && t->has_max && t->min > t->max)
    problem (ld, "min is greater than max: nothing can match");
}

/* An operator object {"op": operand} on field T->path.  */
static void
compile_operator (struct loader *ld, uint32_t types, struct ehl_test *t,
                  json_t *op)
{
  static const int not_flags[] = { EHL_K_STRING, EHL_K_DATE, EHL_K_ENUM,
    EHL_K_CASE, EHL_K_ID, EHL_K_SHA256, EHL_K_STRINGS, EHL_K_ENUMS,
    EHL_K_OBJECT, EHL_K_OBJECTS, EHL_K_DOMAINS, -1 };
  size_t n = json_object_size (op);
  const char *name = n ? json_object_iter_key (json_object_iter (op)) : "";
  bool range = json_object_get (op, "min") || json_object_get (op, "max");
  if (n == 0 || (n > 1 && !(n == 2 && json_object_get (op, "min")
                            && json_object_get (op, "max"))))
    {
      problem (ld, "an operator object has exactly one operator "
               "(min and max may go together)");
      return;
    }
  size_t mark = push_key (ld, range ? "min" : name);
  json_t *v = json_object_get (op, name);
  if (range)
    check_range (ld, types, t, op);
  else if (strcmp (name, "present") == 0 || strcmp (name, "nonempty") == 0)
    {
      t->op = name[0] == 'p' ? EHL_OP_PRESENT : EHL_OP_NONEMPTY;
      if (!json_is_boolean (v))
        problem (ld, "%s needs true or false", name);
      else if (t->op == EHL_OP_NONEMPTY
               && !field_kind_in (types, &t->path, not_flags))
        problem (ld, "nonempty applies to strings, lists and objects");
      t->flag = json_is_true (v);
    }
  else if (strcmp (name, "not") == 0)
    {
      t->op = EHL_OP_NOT;
      t->values = value_list (ld, types, &t->path, v);
    }
  else if (strcmp (name, "keys") == 0)
    {
      t->op = EHL_OP_KEYS;
      check_keys (ld, types, t, v);
    }
  else
    problem (ld, "unknown operator (present, not, min, max, nonempty, keys)");
  pop (ld, mark);
}

/* The "type" test of a selector: the set of types it names.  */
static uint32_t
type_mask (struct loader *ld, json_t *v, bool *explicit)
{
  *explicit = !json_is_object (v);
  bool negate = json_is_object (v) && json_object_size (v) == 1
                && json_object_get (v, "not");
  json_t *names = negate ? json_object_get (v, "not") : v;
  if (json_is_object (v) && !negate)
    {
      problem (ld, "type takes a record type, a list of them, "
               "or {\"not\": ...}");
      return 0;
    }
  uint32_t mask = 0;
  size_t n = json_is_array (names) ? json_array_size (names) : 1;
  if (n == 0)
    problem (ld, "an empty list of types matches nothing");
  for (size_t i = 0; i < n; i++)
    {
      json_t *e = json_is_array (names) ? json_array_get (names, i) : names;
      enum ehl_type t = ehl_type_from_name (json_string_value (e));
      if (t == EHL_T_UNKNOWN)
        problem (ld, json_is_string (e) ? "\"%s\" is not a record type"
                 : "%sa record type must be a string",
                 json_is_string (e) ? json_string_value (e) : "");
      else
        mask |= 1u << t;
    }
  return negate ? ALL_TYPES & ~mask : mask;
}

static void
free_tests (struct ehl_test *tests, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      path_free (&tests[i].path);
      json_decref (tests[i].values);
    }
  free (tests);
}

/* The types a selector applies to: those named by "type" (all if none)
   that have every field it tests.  Reports fields no type has.  */
static uint32_t
selector_types (struct loader *ld, json_t *sel)
{
  bool explicit = false;
  json_t *tv = json_object_get (sel, "type");
  uint32_t mask = ALL_TYPES;
  if (tv)
    {
      size_t mark = push_key (ld, "type");
      mask = type_mask (ld, tv, &explicit);
      pop (ld, mark);
    }
  const char *key;
  json_t *v;
  json_object_foreach (sel, key, v)
    {
      struct ehl_path p;
      if (strcmp (key, "type") == 0 || !path_split (key, &p))
        continue;
      uint32_t have = types_with (mask, &p);
      size_t mark = push_key (ld, key);
      if (!*key || have == 0 || (explicit && have != mask))
        {
          struct ehl_strbuf lacking = EHL_STRBUF_INIT;
          type_list (mask & ~have, &lacking);
          problem (ld, tv ? "not a field of %s records"
                   : "no record type has this field%s",
                   tv ? ehl_strbuf_str (&lacking) : "");
          ehl_strbuf_free (&lacking);
        }
      pop (ld, mark);
      mask &= have ? have : mask;
      path_free (&p);
    }
  return mask;
}

static void describe_selector (struct ehl_selector *s);

/* Check and compile the selector object SEL into S.  */
static void
compile_selector (struct loader *ld, json_t *sel, struct ehl_selector *s)
{
  memset (s, 0, sizeof *s);
  s->types = selector_types (ld, sel);
  size_t n = json_object_size (sel) - (json_object_get (sel, "type") != NULL);
  s->tests = calloc (n ? n : 1, sizeof *s->tests);
  if (!s->tests)
    {
      problem (ld, "memory exhausted");
      return;
    }
  /* Tests in the order written, which is how reasons describe them.  */
  const char *key;
  json_t *v;
  json_object_foreach (sel, key, v)
    {
      if (strcmp (key, "type") == 0)
        continue;
      struct ehl_test *t = &s->tests[s->n_tests++];
      if (!path_split (key, &t->path))
        {
          problem (ld, "memory exhausted");
          break;
        }
      size_t mark = push_key (ld, key);
      if (json_is_object (v))
        compile_operator (ld, s->types, t, v);
      else
        {
          t->op = EHL_OP_EQ;
          t->values = value_list (ld, s->types, &t->path, v);
        }
      pop (ld, mark);
    }
  describe_selector (s);
  if (!s->noun || !s->plural || !s->tests_text)
    problem (ld, "memory exhausted");
}

/* The number of the selector SEL (interning it), or -1 after reporting
   a problem.  */
static int
selector (struct loader *ld, json_t *sel)
{
  if (!json_is_object (sel))
    {
      problem (ld, "a selector must be an object of field tests");
      return -1;
    }
  char *canon = ehl_json_dumps (sel, JSON_COMPACT | JSON_SORT_KEYS);
  if (!canon)
    {
      problem (ld, "memory exhausted");
      return -1;
    }
  size_t known = (size_t) (uintptr_t) ehl_strmap_get (ld->sel_index, canon);
  if (known)
    {
      free (canon);
      return (int) known - 1;
    }
  ehl_expect_set *set = ld->set;
  struct ehl_selector s;
  int before = ld->errors;
  compile_selector (ld, sel, &s);
  struct ehl_selector *grown = realloc (set->sels,
                                        (set->n_sels + 1) * sizeof *grown);
  if (grown)
    set->sels = grown;
  if (!grown || ld->errors > before)
    {
      if (!grown)
        problem (ld, "memory exhausted");
      free_tests (s.tests, s.n_tests);
      free (s.noun);
      free (s.plural);
      free (s.tests_text);
      free (canon);
      return -1;
    }
  set->sels[set->n_sels] = s;
  ehl_strmap_put (ld->sel_index, canon, (void *) (uintptr_t) (set->n_sels + 1));
  free (canon);
  return (int) set->n_sels++;
}

/* ---- descriptions, for reasons ---- */

static const char *const nouns[EHL_T_COUNT][2] = {
  { "open record", "open records" }, { "contact", "contacts" },
  { "conversation log", "conversation logs" }, { "scale", "scales" },
  { "network member", "network members" }, { "meeting", "meetings" },
  { "assessment", "assessments" }, { "plan", "plans" },
  { "statement", "statements" }, { "document", "documents" },
  { "supervision", "supervisions" }, { "closure", "closures" },
  { "void", "voids" },
};

static char *
type_noun (uint32_t types, int plural)
{
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  int total = __builtin_popcount (types), n = 0;
  if (types == ALL_TYPES)
    return strdup (plural ? "records" : "record");
  for (int t = 0; t < EHL_T_COUNT; t++)
    if (types & (1u << t))
      {
        n++;
        ehl_strbuf_addf (&b, "%s%s", n == 1 ? "" : n == total ? " or " : ", ",
                         nouns[t][plural]);
      }
  return ehl_strbuf_take (&b);
}

static void
add_scalar (struct ehl_strbuf *b, json_t *v)
{
  if (json_is_string (v))
    ehl_strbuf_add (b, json_string_value (v));
  else if (json_is_boolean (v))
    ehl_strbuf_add (b, json_is_true (v) ? "true" : "false");
  else
    ehl_strbuf_addf (b, "%g", json_number_value (v));
}

/* "a", "a or b", "a, b or c" (CONJ "and" for keys).  */
static void
add_list (struct ehl_strbuf *b, json_t *values, const char *conj)
{
  size_t n = json_array_size (values);
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        ehl_strbuf_addf (b, i + 1 == n ? " %s " : ", ", conj);
      add_scalar (b, json_array_get (values, i));
    }
}

static void
describe_test (struct ehl_strbuf *b, const struct ehl_test *t)
{
  const char *f = t->path.text;
  switch (t->op)
    {
    case EHL_OP_EQ:
    case EHL_OP_NOT:
      ehl_strbuf_addf (b, "%s %s", f, t->op == EHL_OP_NOT ? "not " : "");
      add_list (b, t->values, "or");
      break;
    case EHL_OP_PRESENT:
      ehl_strbuf_addf (b, t->flag ? "%s given" : "no %s", f);
      break;
    case EHL_OP_NONEMPTY:
      ehl_strbuf_addf (b, t->flag ? "non-empty %s" : "empty or no %s", f);
      break;
    case EHL_OP_RANGE:
      if (t->has_min && t->has_max)
        ehl_strbuf_addf (b, "%s from %g to %g", f, t->min, t->max);
      else
        ehl_strbuf_addf (b, "%s at %s %g", f, t->has_min ? "least" : "most",
                         t->has_min ? t->min : t->max);
      break;
    case EHL_OP_KEYS:
      if (json_array_size (t->values) > 3)
        ehl_strbuf_addf (b, "all %zu keys in %s", json_array_size (t->values),
                         f);
      else
        {
          ehl_strbuf_addf (b, "%s having ", f);
          add_list (b, t->values, "and");
        }
      break;
    }
}

static void
describe_selector (struct ehl_selector *s)
{
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  for (size_t i = 0; i < s->n_tests; i++)
    {
      if (i)
        ehl_strbuf_add (&b, ", ");
      describe_test (&b, &s->tests[i]);
    }
  s->tests_text = ehl_strbuf_take (&b);
  s->noun = type_noun (s->types, 0);
  s->plural = type_noun (s->types, 1);
}

/* ---- checks ---- */

static struct ehl_check *check (struct loader *ld, json_t *v);

static void
check_free (struct ehl_check *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n_kids; i++)
    check_free (c->kids[i]);
  free (c->kids);
  path_free (&c->fa);
  path_free (&c->fb);
  free (c);
}

/* Member KEY of V, or element I of it when I >= 0, with the path pushed
   (*MARK to pop); NULL, reported as missing, if there is none.  */
static json_t *
member_at (struct loader *ld, json_t *v, const char *key, int i, size_t *mark)
{
  *mark = push_key (ld, key);
  json_t *m = json_object_get (v, key);
  if (i >= 0)
    {
      push_index (ld, (size_t) i);
      m = json_array_get (m, (size_t) i);
    }
  if (!m)
    problem (ld, "missing");
  return m;
}

/* The selector at KEY[I] (I < 0: KEY itself).  */
static int
selector_at (struct loader *ld, json_t *v, const char *key, int i)
{
  size_t mark;
  json_t *s = member_at (ld, v, key, i, &mark);
  int n = s ? selector (ld, s) : -1;
  pop (ld, mark);
  return n;
}

/* A whole number >= 0 at KEY[I] (I < 0: KEY itself).  */
static long
count_at (struct loader *ld, json_t *v, const char *key, int i)
{
  size_t mark;
  json_t *n = member_at (ld, v, key, i, &mark);
  long out = 0;
  if (n && (!json_is_integer (n) || json_integer_value (n) < 0
            || json_integer_value (n) > 1000000))
    problem (ld, "needs a whole number from 0 to 1000000");
  else if (n)
    out = (long) json_integer_value (n);
  pop (ld, mark);
  return out;
}

/* Is member KEY of V an array of exactly N elements?  */
static bool
array_of (struct loader *ld, json_t *v, const char *key, size_t n,
          const char *what)
{
  json_t *a = json_object_get (v, key);
  if (json_is_array (a) && json_array_size (a) == n)
    return true;
  size_t mark = push_key (ld, key);
  problem (ld, "needs %s", what);
  pop (ld, mark);
  return false;
}

/* Field path number I of "on", valid for records of the selector SEL.  */
static void
each_field (struct loader *ld, json_t *on, size_t i, int sel,
            struct ehl_path *out)
{
  static const int listable[] = { EHL_K_STRING, EHL_K_DATE, EHL_K_ENUM,
    EHL_K_CASE, EHL_K_ID, EHL_K_SHA256, EHL_K_STRINGS, EHL_K_ENUMS,
    EHL_K_SCORE, EHL_K_BOOL, -1 };
  size_t mark = push_key (ld, "on");
  push_index (ld, i);
  json_t *f = json_array_get (on, i);
  if (!json_is_string (f) || !*json_string_value (f))
    problem (ld, "needs a field name");
  else if (!path_split (json_string_value (f), out))
    problem (ld, "memory exhausted");
  else if (sel >= 0)
    {
      uint32_t types = ld->set->sels[sel].types;
      if (types_with (types, out) != types)
        problem (ld, "not a field of every record the selector matches");
      else if (!field_kind_in (types, out, listable))
        problem (ld, "each compares strings or lists of them, not objects");
    }
  pop (ld, mark);
}

/* The check kinds: the key that names each, and its companion keys.  */
static const struct
{
  const char *key;
  enum ehl_check_kind kind;
  const char *companions[3];
} check_forms[] = {
  { "exists", EHL_C_EXISTS, { NULL } },
  { "count", EHL_C_COUNT, { "min", NULL } },
  { "before", EHL_C_BEFORE, { NULL } },
  { "within", EHL_C_WITHIN, { NULL } },
  { "first", EHL_C_FIRST, { "is", NULL } },
  { "each", EHL_C_EACH, { "in", "on", NULL } },
  { "all", EHL_C_ALL, { NULL } },
  { "any", EHL_C_ANY, { NULL } },
  { "not", EHL_C_NOT, { NULL } },
};
enum { N_FORMS = sizeof check_forms / sizeof check_forms[0] };

/* Which form V has (index into check_forms), or -1 after reporting.
   Members that do not belong to it are reported too.  */
static int
check_form (struct loader *ld, json_t *v)
{
  int form = -1, forms = 0;
  for (int f = 0; f < N_FORMS; f++)
    if (json_object_get (v, check_forms[f].key))
      {
        form = f;
        forms++;
      }
  if (forms != 1)
    {
      problem (ld, forms ? "more than one check in one object: combine "
               "them with all or any" : "no check (exists, count, before, "
               "within, first, each, all, any, not)");
      return -1;
    }
  const char *key;
  json_t *m;
  json_object_foreach (v, key, m)
    {
      bool ok = strcmp (key, check_forms[form].key) == 0;
      for (int c = 0; !ok && check_forms[form].companions[c]; c++)
        ok = strcmp (key, check_forms[form].companions[c]) == 0;
      if (!ok)
        {
          size_t mark = push_key (ld, key);
          problem (ld, "not part of a %s check", check_forms[form].key);
          pop (ld, mark);
        }
    }
  return form;
}

/* The checks of all, any or not.  */
static void
check_kids (struct loader *ld, struct ehl_check *c, json_t *v,
            const char *key)
{
  json_t *k = json_object_get (v, key);
  size_t mark = push_key (ld, key);
  if (c->kind == EHL_C_NOT)
    {
      c->kids = calloc (1, sizeof *c->kids);
      if (!c->kids)
        problem (ld, "memory exhausted");
      else if ((c->kids[0] = check (ld, k)))
        c->n_kids = 1;
    }
  else if (!json_is_array (k) || json_array_size (k) == 0)
    problem (ld, "needs a non-empty list of checks");
  else if (!(c->kids = calloc (json_array_size (k), sizeof *c->kids)))
    problem (ld, "memory exhausted");
  else
    for (size_t i = 0; i < json_array_size (k); i++)
      {
        size_t m2 = push_index (ld, i);
        struct ehl_check *kid = check (ld, json_array_get (k, i));
        if (kid)
          c->kids[c->n_kids++] = kid;
        pop (ld, m2);
      }
  pop (ld, mark);
}

static void
check_parts (struct loader *ld, struct ehl_check *c, json_t *v)
{
  switch (c->kind)
    {
    case EHL_C_EXISTS:
      c->a = selector_at (ld, v, "exists", -1);
      break;
    case EHL_C_COUNT:
      c->a = selector_at (ld, v, "count", -1);
      c->n = count_at (ld, v, "min", -1);
      break;
    case EHL_C_BEFORE:
      if (array_of (ld, v, "before", 2, "a list of two selectors [A, B]"))
        {
          c->a = selector_at (ld, v, "before", 0);
          c->b = selector_at (ld, v, "before", 1);
        }
      break;
    case EHL_C_WITHIN:
      if (array_of (ld, v, "within", 3, "a list [A, B, days]"))
        {
          c->a = selector_at (ld, v, "within", 0);
          c->b = selector_at (ld, v, "within", 1);
          c->n = count_at (ld, v, "within", 2);
        }
      break;
    case EHL_C_FIRST:
      c->a = selector_at (ld, v, "first", -1);
      c->b = selector_at (ld, v, "is", -1);
      break;
    case EHL_C_EACH:
      c->a = selector_at (ld, v, "each", -1);
      c->b = selector_at (ld, v, "in", -1);
      if (array_of (ld, v, "on", 2, "a list of two field names [FA, FB]"))
        {
          json_t *on = json_object_get (v, "on");
          each_field (ld, on, 0, c->a, &c->fa);
          each_field (ld, on, 1, c->b, &c->fb);
        }
      break;
    case EHL_C_ALL:
      check_kids (ld, c, v, "all");
      break;
    case EHL_C_ANY:
      check_kids (ld, c, v, "any");
      break;
    case EHL_C_NOT:
      check_kids (ld, c, v, "not");
      break;
    }
}

/* Check and compile the check V; NULL after reporting its problems.  */
static struct ehl_check *
check (struct loader *ld, json_t *v)
{
  if (!json_is_object (v))
    {
      problem (ld, "a check must be an object");
      return NULL;
    }
  int form = check_form (ld, v);
  if (form < 0)
    return NULL;
  struct ehl_check *c = calloc (1, sizeof *c);
  if (!c)
    {
      problem (ld, "memory exhausted");
      return NULL;
    }
  c->kind = check_forms[form].kind;
  c->a = c->b = -1;
  int before = ld->errors;
  check_parts (ld, c, v);
  if (ld->errors > before)
    {
      check_free (c);
      return NULL;
    }
  return c;
}

/* ---- expectations ---- */

static const char *const exp_keys[] = {
  "id", "section", "text", "where", "partial", "when", "check", NULL
};

/* String member KEY of V, or "" if absent (reported if not a string, or
   if REQUIRED and missing).  */
static char *
info_string (struct loader *ld, json_t *v, const char *key, bool required)
{
  json_t *s = json_object_get (v, key);
  if ((s && !json_is_string (s)) || (!s && required)
      || (required && !*json_string_value (s)))
    {
      size_t mark = push_key (ld, key);
      problem (ld, !s ? "missing" : required ? "needs a non-empty string"
               : "needs a string");
      pop (ld, mark);
    }
  return strdup (json_is_string (s) ? json_string_value (s) : "");
}

static bool
id_chars_ok (const char *id)
{
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
          || (*p >= '0' && *p <= '9') || strchr ("-_.", *p)))
      return false;
  return *id != '\0';
}

static void
unknown_members (struct loader *ld, json_t *v)
{
  const char *key;
  json_t *m;
  json_object_foreach (v, key, m)
    {
      bool known = false;
      for (const char *const *k = exp_keys; *k && !known; k++)
        known = strcmp (*k, key) == 0;
      if (!known)
        {
          size_t mark = push_key (ld, key);
          problem (ld, "unknown member (id, section, text, where, partial, "
                   "when, check)");
          pop (ld, mark);
        }
    }
}

/* A check member ("when" or "check") of expectation V.  */
static struct ehl_check *
check_member (struct loader *ld, json_t *v, const char *key, bool required)
{
  json_t *c = json_object_get (v, key);
  if (!c && !required)
    return NULL;
  size_t mark = push_key (ld, key);
  struct ehl_check *out = NULL;
  if (!c)
    problem (ld, "missing");
  else
    out = check (ld, c);
  pop (ld, mark);
  return out;
}

static void
expectation (struct loader *ld, json_t *v, struct ehl_expectation *e)
{
  memset (e, 0, sizeof *e);
  e->info.line = ld->exp_line;
  if (!json_is_object (v))
    {
      problem (ld, "an expectation must be an object");
      return;
    }
  json_t *id = json_object_get (v, "id");
  if (json_is_string (id) && id_chars_ok (json_string_value (id)))
    {
      ld->exp_id = json_string_value (id);
      if (ehl_strmap_get (ld->ids, ld->exp_id))
        problem (ld, "id: the same id is used by an earlier expectation");
      else
        ehl_strmap_put (ld->ids, ld->exp_id, e);
    }
  else
    problem (ld, id ? "id: needs letters, digits, '-', '_' or '.'"
             : "id: missing");
  unknown_members (ld, v);
  e->info.id = strdup (json_is_string (id) ? json_string_value (id) : "");
  e->info.section = info_string (ld, v, "section", false);
  e->info.text = info_string (ld, v, "text", false);
  e->info.where = info_string (ld, v, "where", false);
  e->info.partial = info_string (ld, v, "partial", false);
  if (e->info.text && !*e->info.text)
    {
      free ((char *) e->info.text);
      e->info.text = strdup (e->info.id ? e->info.id : "");
    }
  if (!e->info.id || !e->info.section || !e->info.text || !e->info.where
      || !e->info.partial)
    problem (ld, "memory exhausted");
  e->when = check_member (ld, v, "when", false);
  e->check = check_member (ld, v, "check", true);
}

/* ---- placing selectors early or late, and what items keep ---- */

static bool
keep_key (struct ehl_keep *k, const char *key)
{
  for (size_t i = 0; i < k->n; i++)
    if (strcmp (k->keys[i], key) == 0)
      return true;
  char *copy = strdup (key);
  char **grown = copy ? realloc (k->keys, (k->n + 1) * sizeof *grown) : NULL;
  if (!grown)
    {
      free (copy);
      return false;
    }
  k->keys = grown;
  k->keys[k->n++] = copy;
  return true;
}

static bool
add_index (int **list, size_t *n, int value)
{
  int *grown = realloc (*list, (*n + 1) * sizeof *grown);
  if (!grown)
    return false;
  *list = grown;
  (*list)[(*n)++] = value;
  return true;
}

/* Keep path P's top-level field for records of TYPES.  */
static bool
keep_path (ehl_expect_set *set, uint32_t types, const struct ehl_path *p)
{
  bool ok = true;
  for (int t = 0; t < EHL_T_COUNT; t++)
    if (types & (1u << t))
      ok &= keep_key (&set->keep[t], p->seg[0]);
  return ok;
}

static bool
plan_each (ehl_expect_set *set, const struct ehl_check *c)
{
  bool ok = true;
  for (size_t i = 0; i < c->n_kids; i++)
    ok &= plan_each (set, c->kids[i]);
  if (c->kind == EHL_C_EACH)
    ok &= keep_path (set, set->sels[c->a].types, &c->fa)
          && keep_path (set, set->sels[c->b].types, &c->fb);
  return ok;
}

static int
net_key (ehl_expect_set *set, const char *key)
{
  for (size_t i = 0; i < set->n_net_keys; i++)
    if (strcmp (set->net_keys[i], key) == 0)
      return (int) i;
  char **grown = realloc (set->net_keys, (set->n_net_keys + 1) * sizeof *grown);
  if (!grown)
    return -1;
  set->net_keys = grown;
  if (!(set->net_keys[set->n_net_keys] = strdup (key)))
    return -1;
  return (int) set->n_net_keys++;
}

/* One side of an "each" (selector SEL, field F): the net key of F if it
   is a network member's field other than the name, else -1 (-2: memory
   ran out).  Such a field makes the set general, not compact, and as a
   net key it lets a merged member say which record gave it (audit.c).  */
static int
each_side_key (ehl_expect_set *set, int sel, const struct ehl_path *f)
{
  uint32_t network = 1u << EHL_T_NETWORK;
  if (!(set->sels[sel].types & network) || strcmp (f->text, "name") == 0)
    return -1;
  int key = net_key (set, f->seg[0]);
  return key >= 0 ? key : -2;
}

/* Give every "each" in C the net keys of its fields.  True if one reads
   a network member's field other than the name; *OK false if memory ran
   out.  */
static bool
plan_each_members (ehl_expect_set *set, struct ehl_check *c, bool *ok)
{
  bool reads = false;
  for (size_t i = 0; i < c->n_kids; i++)
    reads |= plan_each_members (set, c->kids[i], ok);
  if (c->kind != EHL_C_EACH)
    return reads;
  c->fa_key = each_side_key (set, c->a, &c->fa);
  c->fb_key = each_side_key (set, c->b, &c->fb);
  *ok &= c->fa_key != -2 && c->fb_key != -2;
  return reads || c->fa_key != -1 || c->fb_key != -1;
}

/* Lay out the compact form of network members, if it fits.  */
static bool
plan_members (ehl_expect_set *set)
{
  size_t n = set->n_late[EHL_T_NETWORK];
  set->net_first = calloc (n + 1, sizeof *set->net_first);
  json_t *nothing = json_object ();
  bool ok = set->net_first && nothing;
  for (size_t s = 0; s < set->n_sels; s++)
    set->sels[s].net_no = -1;
  for (size_t i = 0; ok && i < n; i++)
    {
      struct ehl_selector *sel = &set->sels[set->late[EHL_T_NETWORK][i]];
      sel->net_no = (long) i;
      struct ehl_net_test *grown
        = realloc (set->net_tests,
                   (set->n_net_tests + sel->n_tests + 1) * sizeof *grown);
      ok = grown != NULL;
      if (grown)
        set->net_tests = grown;
      for (size_t t = 0; ok && t < sel->n_tests; t++)
        {
          struct ehl_net_test *nt = &set->net_tests[set->n_net_tests++];
          nt->test = &sel->tests[t];
          nt->key = net_key (set, sel->tests[t].path.seg[0]);
          nt->absent = ehl_test_match (nt->test, nothing);
          ok = nt->key >= 0;
        }
      set->net_first[i + 1] = set->n_net_tests;
    }
  json_decref (nothing);
  bool reads = false;
  for (size_t e = 0; ok && e < set->n_exps; e++)
    {
      const struct ehl_expectation *x = &set->exps[e];
      if (x->when)
        reads |= plan_each_members (set, x->when, &ok);
      reads |= plan_each_members (set, x->check, &ok);
    }
  set->net_compact = ok && !reads
                     && set->n_net_keys + set->n_net_tests <= EHL_EARLY_BITS;
  return ok;
}

static bool
plan_selectors (ehl_expect_set *set)
{
  bool ok = true;
  uint32_t network = 1u << EHL_T_NETWORK;
  for (size_t s = 0; s < set->n_sels; s++)
    {
      const struct ehl_selector *sel = &set->sels[s];
      bool early = s < EHL_EARLY_BITS;
      for (int t = 0; t < EHL_T_COUNT; t++)
        {
          if (!(sel->types & (1u << t)))
            continue;
          if (early && t != EHL_T_NETWORK)
            {
              ok &= add_index (&set->early[t], &set->n_early[t], (int) s);
              continue;
            }
          ok &= add_index (&set->late[t], &set->n_late[t], (int) s);
          set->keep_all |= 1u << t;
          for (size_t i = 0; i < sel->n_tests; i++)
            ok &= keep_key (&set->keep[t], sel->tests[i].path.seg[0]);
        }
    }
  /* Network members merge by name.  */
  if (set->keep_all & network)
    ok &= keep_key (&set->keep[EHL_T_NETWORK], "name");
  for (size_t e = 0; e < set->n_exps; e++)
    {
      if (set->exps[e].when)
        ok &= plan_each (set, set->exps[e].when);
      ok &= plan_each (set, set->exps[e].check);
    }
  return ok && plan_members (set);
}

/* ---- the file ---- */

static long
count_lines (const char *s, size_t n)
{
  long lines = 0;
  for (size_t i = 0; i < n; i++)
    lines += s[i] == '\n';
  return lines;
}

static size_t
skip_space (const char *buf, size_t len, size_t pos)
{
  while (pos < len && strchr (" \t\r\n", buf[pos]))
    pos++;
  return pos;
}

/* The line on which each of the N elements of the JSON array in BUF
   starts: jansson decodes one element at a time and says how much it
   read, so only white space and commas are skipped here.  */
static bool
element_lines (const char *buf, size_t len, long *lines, size_t n)
{
  size_t pos = skip_space (buf, len, 0) + 1;    /* past '[' */
  for (size_t i = 0; i < n && pos < len; i++)
    {
      pos = skip_space (buf, len, pos);
      lines[i] = 1 + count_lines (buf, pos);
      json_error_t err;
      json_t *v = ehl_json_loadb (buf + pos, len - pos,
                                  JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY,
                                  &err);
      if (!v)                   /* it decoded whole: memory ran out */
        return false;
      json_decref (v);
      pos += err.position > 0 ? (size_t) err.position : 1;
      pos = skip_space (buf, len, pos < len ? pos : len);
      if (pos < len && buf[pos] == ',')
        pos++;
    }
  return true;
}

static void
free_expectation (struct ehl_expectation *e)
{
  free ((char *) e->info.id);
  free ((char *) e->info.section);
  free ((char *) e->info.text);
  free ((char *) e->info.where);
  free ((char *) e->info.partial);
  check_free (e->when);
  check_free (e->check);
}

void
ehl_expect_free (ehl_expect_set *set)
{
  if (!set)
    return;
  for (size_t i = 0; i < set->n_exps; i++)
    free_expectation (&set->exps[i]);
  free (set->exps);
  for (size_t i = 0; i < set->n_sels; i++)
    {
      free_tests (set->sels[i].tests, set->sels[i].n_tests);
      free (set->sels[i].noun);
      free (set->sels[i].plural);
      free (set->sels[i].tests_text);
    }
  free (set->sels);
  for (int t = 0; t < EHL_T_COUNT; t++)
    {
      free (set->early[t]);
      free (set->late[t]);
      for (size_t i = 0; i < set->keep[t].n; i++)
        free (set->keep[t].keys[i]);
      free (set->keep[t].keys);
    }
  for (size_t i = 0; i < set->n_net_keys; i++)
    free (set->net_keys[i]);
  free (set->net_keys);
  free (set->net_tests);
  free (set->net_first);
  free (set);
}

static void
load_elements (struct loader *ld, json_t *root, const char *buf, size_t len)
{
  size_t n = json_array_size (root);
  long *lines = calloc (n, sizeof *lines);
  ld->set->exps = calloc (n, sizeof *ld->set->exps);
  if (!lines || !ld->set->exps)
    {
      problem (ld, "memory exhausted");
      free (lines);
      return;
    }
  if (!element_lines (buf, len, lines, n))
    {
      problem (ld, "memory exhausted");
      free (lines);
      return;
    }
  for (size_t i = 0; i < n; i++)
    {
      ld->exp_no = i + 1;
      ld->exp_line = lines[i];
      ld->exp_id = NULL;
      expectation (ld, json_array_get (root, i), &ld->set->exps[i]);
      ld->set->n_exps++;
    }
  ld->exp_no = 0;
  ld->exp_line = 0;
  free (lines);
}

ehl_expect_set *
ehl_expect_load_buffer (const char *buf, size_t len, const char *name,
                        FILE *diag)
{
  struct loader ld = { .name = name, .diag = diag ? diag : stderr };
  json_error_t err;
  json_t *root = ehl_json_loadb (buf, len, JSON_REJECT_DUPLICATES, &err);
  if (!root)
    {
      if (ehl_json_out_of_memory (&err))
        ehl_warn_to (ld.diag, name, 0, "memory exhausted");
      else
        ehl_warn_to (ld.diag, name, err.line, "invalid JSON (column %d): %s",
                     err.column, err.text);
      return NULL;
    }
  ld.set = calloc (1, sizeof *ld.set);
  ld.sel_index = ehl_strmap_new ();
  ld.ids = ehl_strmap_new ();
  if (!ld.set || !ld.sel_index || !ld.ids)
    problem (&ld, "memory exhausted");
  else if (!json_is_array (root) || json_array_size (root) == 0)
    {
      ld.exp_line = 1;
      problem (&ld, "an expectation file is a non-empty JSON array of "
               "expectations");
    }
  else
    load_elements (&ld, root, buf, len);
  if (ld.errors == 0 && !plan_selectors (ld.set))
    problem (&ld, "memory exhausted");
  json_decref (root);
  ehl_strmap_free (ld.sel_index);
  ehl_strmap_free (ld.ids);
  ehl_strbuf_free (&ld.path);
  if (ld.errors)
    {
      ehl_expect_free (ld.set);
      return NULL;
    }
  return ld.set;
}

ehl_expect_set *
ehl_expect_load_file (const char *path, FILE *diag)
{
  FILE *in = fopen (path, "r");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  const char *why = in ? NULL : strerror (errno);
  while (!why)
    {
      if (len == cap)
        {
          char *grown = realloc (buf, cap = cap ? cap * 2 : 65536);
          if (!grown)
            {
              why = "memory exhausted";
              break;
            }
          buf = grown;
        }
      size_t n = fread (buf + len, 1, cap - len, in);
      len += n;
      if (n == 0 && ferror (in))
        why = "read error";
      if (n == 0)
        break;
    }
  if (in)
    fclose (in);
  ehl_expect_set *set = NULL;
  /* A file saved by an editor that starts it with a byte-order mark
     (Notepad): blanks, so lines and columns stay where they are.  */
  if (!why && len >= 3 && memcmp (buf, "\xEF\xBB\xBF", 3) == 0)
    memset (buf, ' ', 3);
  if (why)
    ehl_warn_to (diag ? diag : stderr, path, 0, "%s", why);
  else
    set = ehl_expect_load_buffer (buf ? buf : "", len, path, diag);
  free (buf);
  return set;
}

size_t
ehl_expect_count (const ehl_expect_set *set)
{
  return set->n_exps;
}

const struct ehl_expect_info *
ehl_expect_at (const ehl_expect_set *set, size_t i)
{
  return i < set->n_exps ? &set->exps[i].info : NULL;
}

char *
ehl_expect_default_path (void)
{
  const char *dir = getenv ("EHLOG_DATADIR");
  if (!dir || !*dir)
    dir = EHLOG_DATADIR;
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  ehl_strbuf_addf (&b, "%s/%s", dir, EHL_DEFAULT_EXPECTATIONS);
  return ehl_strbuf_take (&b);
}
