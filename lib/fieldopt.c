/* fieldopt.c - options derived from the contract tables.  */
#include <config.h>

#include "fieldopt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* One option.  */
struct fopt
{
  char *dashed;                 /* "--checked-plan"; the name is dashed+2 */
  const struct ehl_field *field;
  const struct ehl_field *sub;  /* one sub-field of an array of objects */
  bool given;
};

struct ehl_fieldopts
{
  struct fopt *opts;
  size_t n;
  struct option *table;
  int first_code;
};

static const char *
renamed (const struct ehl_opt_name *names, const char *field)
{
  for (; names && names->field; names++)
    if (strcmp (names->field, field) == 0)
      return names->option;
  return NULL;
}

/* Are some sub-fields of FIELD renamed (one option per sub-field)?  */
static bool
by_sub_field (const struct ehl_opt_name *names, const char *field)
{
  size_t len = strlen (field);
  for (; names && names->field; names++)
    if (strncmp (names->field, field, len) == 0 && names->field[len] == '.')
      return true;
  return false;
}

static bool
holds_several (enum ehl_kind kind)
{
  return kind == EHL_K_STRINGS || kind == EHL_K_ENUMS
         || kind == EHL_K_OBJECTS || kind == EHL_K_DOMAINS;
}

/* "--" and the option's name for FIELD (SUB of it, when not NULL).  */
static char *
option_name (const struct ehl_opt_name *names, const struct ehl_field *f,
             const struct ehl_field *sub)
{
  char path[128];
  snprintf (path, sizeof path, "%s%s%s", f->name, sub ? "." : "",
            sub ? sub->name : "");
  const char *given = renamed (names, path);
  char *out = malloc (strlen (path) + 3);
  if (!out)
    return NULL;
  if (given)
    {
      sprintf (out, "--%s", given);
      return out;
    }
  sprintf (out, "--%s", path);
  for (char *p = out; *p; p++)
    if (*p == '_' || *p == '.')
      *p = '-';
  size_t len = strlen (out);
  if (!sub && holds_several (f->kind) && out[len - 1] == 's')
    out[len - 1] = '\0';
  return out;
}

static bool
add_option (ehl_fieldopts *fo, size_t *cap, const struct ehl_opt_name *names,
            const struct ehl_field *f, const struct ehl_field *sub)
{
  if (!ehl_grow (&fo->opts, cap, fo->n, sizeof *fo->opts))
    return false;
  char *dashed = option_name (names, f, sub);
  if (!dashed)
    return false;
  fo->opts[fo->n++] = (struct fopt) { dashed, f, sub, false };
  return true;
}

static bool
build_table (ehl_fieldopts *fo)
{
  fo->table = calloc (fo->n + 1, sizeof *fo->table);
  if (!fo->table)
    return false;
  for (size_t i = 0; i < fo->n; i++)
    fo->table[i] = (struct option) {
      fo->opts[i].dashed + 2,
      fo->opts[i].field->kind == EHL_K_BOOL ? no_argument : required_argument,
      NULL, fo->first_code + (int) i
    };
  return true;
}

ehl_fieldopts *
ehl_fieldopts_new (enum ehl_type type, const struct ehl_opt_name *names,
                   int first_code)
{
  ehl_fieldopts *fo = calloc (1, sizeof *fo);
  size_t cap = 0;
  bool ok = fo != NULL;
  if (ok)
    fo->first_code = first_code;
  for (const struct ehl_field *f = ehl_type_fields (type);
       ok && f && f->name; f++)
    if (f->kind == EHL_K_OBJECTS && by_sub_field (names, f->name))
      for (const struct ehl_field *s = f->sub; ok && s->name; s++)
        ok = add_option (fo, &cap, names, f, s);
    else
      ok = add_option (fo, &cap, names, f, NULL);
  if (ok)
    ok = build_table (fo);
  if (!ok)
    {
      ehl_fieldopts_free (fo);
      return NULL;
    }
  return fo;
}

void
ehl_fieldopts_free (ehl_fieldopts *fo)
{
  if (!fo)
    return;
  for (size_t i = 0; i < fo->n; i++)
    free (fo->opts[i].dashed);
  free (fo->opts);
  free (fo->table);
  free (fo);
}

const struct option *
ehl_fieldopts_table (const ehl_fieldopts *fo)
{
  return fo->table;
}

/* ---- storing values ---- */

/* Store ARG, the value of field F, as OBJ's member F->name, converted;
   PATH is where it is in REC.  */
static void
set_scalar (ehl_maker *mk, json_t *rec, const char *path, json_t *obj,
            const struct ehl_field *f, const char *arg,
            const struct ehl_source *src)
{
  if (f->kind == EHL_K_DATE)
    ehl_maker_set_date (mk, rec, path, obj, f->name, arg, src);
  else if (f->kind == EHL_K_SCORE)
    ehl_maker_set_score (mk, rec, path, obj, f->name, arg, src);
  else
    ehl_maker_set_text (mk, rec, path, obj, f->name, arg, src);
}

/* Report that memory ran out while storing PATH of REC.  */
static void
no_memory (ehl_maker *mk, json_t *rec, const char *path)
{
  ehl_maker_problem (mk, rec, path, NULL, "%s", strerror (ENOMEM));
}

/* REC's member NAME, created as an empty array or object when absent;
   NULL (reported) if memory ran out.  */
static json_t *
member (ehl_maker *mk, json_t *rec, const char *name, bool array)
{
  json_t *v = json_object_get (rec, name);
  if (!v)
    {
      v = array ? json_array () : json_object ();
      if (json_object_set_new (rec, name, v) != 0)
        {
          no_memory (mk, rec, name);
          return NULL;
        }
    }
  return v;
}

static void
set_domain (ehl_maker *mk, json_t *rec, const struct fopt *o,
            const char *arg, const struct ehl_source *src)
{
  const char *eq = strchr (arg, '=');
  if (!eq)
    {
      ehl_maker_problem (mk, NULL, NULL, src, "must be DOMAIN=TEXT");
      return;
    }
  char *key = ehl_trimmed (arg, (size_t) (eq - arg));
  char *text = ehl_trimmed (eq + 1, strlen (eq + 1));
  json_t *map = member (mk, rec, o->field->name, false);
  if (!key || !text)
    no_memory (mk, rec, o->field->name);
  else if (map && json_object_get (map, key))
    ehl_maker_problem (mk, NULL, NULL, src,
                       "the same domain given more than once");
  else if (map)
    ehl_maker_set_text (mk, rec, o->field->name, map, key, text, src);
  free (key);
  free (text);
}

/* The sub-fields of F in capitals, separated by '|': "WHAT|HOW|WHO|WHEN".  */
static void
piped_shape (const struct ehl_field *f, char *out, size_t size)
{
  size_t o = 0;
  for (const struct ehl_field *s = f->sub; s->name; s++)
    {
      if (s != f->sub && o + 1 < size)
        out[o++] = '|';
      for (const char *c = s->name; *c && o + 1 < size; c++)
        out[o++] = *c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c;
    }
  out[o] = '\0';
}

/* "--action WHAT|HOW|WHO|WHEN": one item, sub-fields in table order.  */
static void
add_piped_item (ehl_maker *mk, json_t *rec, const struct fopt *o,
                const char *arg, const struct ehl_source *src)
{
  json_t *items = member (mk, rec, o->field->name, true);
  json_t *item = json_object ();
  char path[128];
  if (!items || !item)
    {
      json_decref (item);
      no_memory (mk, rec, o->field->name);
      return;
    }
  snprintf (path, sizeof path, "%s[%zu]", o->field->name,
            json_array_size (items));
  const char *p = arg;
  const struct ehl_field *s = o->field->sub;
  for (; s->name; s++)
    {
      size_t len = strcspn (p, "|");
      char *part = ehl_trimmed (p, len);
      if (!part)
        no_memory (mk, rec, path);
      else if (*part)
        set_scalar (mk, rec, path, item, s, part, src);
      free (part);
      p += len;
      if (*p == '\0')
        break;
      p++;
    }
  if (*p)
    {
      char shape[128];
      piped_shape (o->field, shape, sizeof shape);
      ehl_maker_problem (mk, rec, path, src, "has more parts than %s", shape);
    }
  if (json_array_append_new (items, item) != 0)
    no_memory (mk, rec, path);
}

/* "--child-ref ch-1 --child Name": one sub-field of the current item,
   or of a new one when the current one has it already.  */
static void
set_item_field (ehl_maker *mk, json_t *rec, const struct fopt *o,
                const char *arg, const struct ehl_source *src)
{
  json_t *items = member (mk, rec, o->field->name, true);
  if (!items)
    return;                     /* reported */
  size_t n = json_array_size (items);
  json_t *item = n ? json_array_get (items, n - 1) : NULL;
  if (!item || json_object_get (item, o->sub->name))
    {
      /* append_new frees the item when it fails */
      if (json_array_append_new (items, item = json_object ()) != 0)
        {
          no_memory (mk, rec, o->field->name);
          return;
        }
      n++;
    }
  char path[128];
  snprintf (path, sizeof path, "%s[%zu].%s", o->field->name, n - 1,
            o->sub->name);
  set_scalar (mk, rec, path, item, o->sub, arg, src);
}

bool
ehl_fieldopts_apply (ehl_fieldopts *fo, ehl_maker *mk, json_t *rec, int c,
                     const char *arg)
{
  if (c < fo->first_code || c >= fo->first_code + (int) fo->n)
    return false;
  struct fopt *o = &fo->opts[c - fo->first_code];
  const struct ehl_field *f = o->field;
  struct ehl_source src = { NULL, 0, o->dashed };
  if (!rec)
    return true;                /* memory ran out, already reported */
  if (o->sub)
    set_item_field (mk, rec, o, arg, &src);
  else if (f->kind == EHL_K_BOOL)
    {
      if (json_object_set_new (rec, f->name, json_true ()) != 0)
        no_memory (mk, rec, f->name);
    }
  else if (f->kind == EHL_K_STRINGS || f->kind == EHL_K_ENUMS)
    {
      json_t *list = member (mk, rec, f->name, true);
      if (list)
        ehl_maker_set_text (mk, rec, f->name, list, NULL, arg, &src);
    }
  else if (f->kind == EHL_K_DOMAINS)
    set_domain (mk, rec, o, arg, &src);
  else if (f->kind == EHL_K_OBJECTS)
    add_piped_item (mk, rec, o, arg, &src);
  else if (o->given)
    ehl_maker_problem (mk, NULL, NULL, &src, "given more than once");
  else
    set_scalar (mk, rec, f->name, rec, f, arg, &src);
  o->given = true;
  return true;
}

void
ehl_fieldopts_register (const ehl_fieldopts *fo, ehl_maker *mk, json_t *rec)
{
  char path[128];
  for (size_t i = 0; i < fo->n; i++)
    {
      const struct fopt *o = &fo->opts[i];
      struct ehl_source src = { NULL, 0, o->dashed };
      if (!o->sub)
        {
          ehl_maker_source (mk, rec, o->field->name, &src);
          continue;
        }
      /* The array as a whole stands for its first required sub-field;
         each item's sub-fields for their own options.  */
      if (o->sub->required)
        ehl_maker_source (mk, rec, o->field->name, &src);
      size_t n = json_array_size (json_object_get (rec, o->field->name));
      for (size_t k = 0; k < n; k++)
        {
          snprintf (path, sizeof path, "%s[%zu].%s", o->field->name, k,
                    o->sub->name);
          ehl_maker_source (mk, rec, path, &src);
        }
    }
}

/* ---- help ---- */

static const char *
argument_name (const struct ehl_field *f)
{
  switch (f->kind)
    {
    case EHL_K_BOOL: return "";
    case EHL_K_DATE: return "=DATE";
    case EHL_K_ENUM: case EHL_K_ENUMS: return "=WORD";
    case EHL_K_ID: return "=ID";
    case EHL_K_SCORE: return "=0-10";
    case EHL_K_SHA256: return "=HEX";
    case EHL_K_DOMAINS: return "=DOMAIN=TEXT";
    default: return "=TEXT";
    }
}

static void
help_option (FILE *out, const struct fopt *o)
{
  const struct ehl_field *f = o->sub ? o->sub : o->field;
  char left[128], text[1024];
  if (o->field->kind == EHL_K_OBJECTS && !o->sub)
    {
      char shape[96];
      piped_shape (o->field, shape, sizeof shape);
      snprintf (left, sizeof left, "      %s=%s", o->dashed, shape);
    }
  else
    snprintf (left, sizeof left, "      %s%s", o->dashed, argument_name (f));
  bool several = !o->sub && holds_several (o->field->kind);
  snprintf (text, sizeof text, "%s%s%s", f->required ? "required" : "",
            f->required && several ? ", " : "", several ? "repeatable" : "");
  const char *const *values = f->kind == EHL_K_DOMAINS ? ehl_domains
                              : f->values;
  if (values)
    {
      strcat (text, *text ? "; " : "");
      strcat (text, f->kind == EHL_K_DOMAINS ? "DOMAIN one of:" : "one of:");
    }
  for (; values && *values; values++)
    {
      strncat (text, " ", sizeof text - strlen (text) - 1);
      strncat (text, *values, sizeof text - strlen (text) - 1);
    }
  ehl_help_option (out, left, text);
}

void
ehl_fieldopts_help (const ehl_fieldopts *fo, FILE *out)
{
  for (size_t i = 0; i < fo->n; i++)
    help_option (out, &fo->opts[i]);
}

struct option *
ehl_options_join (const struct option *const *tables, size_t n)
{
  size_t total = 0;
  for (size_t t = 0; t < n; t++)
    for (const struct option *o = tables[t]; o->name; o++)
      total++;
  struct option *out = calloc (total + 1, sizeof *out);
  size_t k = 0;
  for (size_t t = 0; out && t < n; t++)
    for (const struct option *o = tables[t]; o->name; o++)
      {
        bool taken = false;
        for (size_t j = 0; j < k && !taken; j++)
          taken = strcmp (out[j].name, o->name) == 0;
        if (!taken)
          out[k++] = *o;
      }
  return out;
}

const char *
ehl_option_name (const struct option *table, int c)
{
  for (const struct option *o = table; o && o->name; o++)
    if (o->val == c)
      return o->name;
  return "?";
}
