/* wrong-types - print, for every record type of the contract, a valid
   record and then, for every field (the envelope's, the type's own and
   the members of its objects and lists of objects), the same record with
   that field holding a value of the wrong JSON type; for a list (and
   the domains), also one whose item has the wrong type.  The fields come from the
   contract's tables (contract.h), so a field added there is covered
   here without a change.  The valid records are in cases "G-TYPE", the
   wrong ones in "W-TYPE-N".  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "contract.h"
#include "output.h"

/* A valid value of field F.  */
static json_t *
valid_value (const struct ehl_field *f)
{
  json_t *v;
  switch (f->kind)
    {
    case EHL_K_BOOL:
      return json_true ();
    case EHL_K_DATE:
      return json_string ("2021-01-01");
    case EHL_K_SCORE:
      return json_integer (5);
    case EHL_K_ENUM:
      return json_string (f->values[0]);
    case EHL_K_CASE:
      return json_string ("G-case");
    case EHL_K_ID:
      return json_string ("0123456789abcdef");
    case EHL_K_SHA256:
      return json_string ("0123456789abcdef0123456789abcdef"
                          "0123456789abcdef0123456789abcdef");
    case EHL_K_STRINGS:
      return json_pack ("[s]", "s");
    case EHL_K_ENUMS:
      return json_pack ("[s]", f->values[0]);
    case EHL_K_DOMAINS:
      return json_pack ("{s:s}", "harm", "s");
    case EHL_K_OBJECT:
    case EHL_K_OBJECTS:
      v = json_object ();
      for (const struct ehl_field *s = f->sub; s->name; s++)
        if (s->required)
          json_object_set_new (v, s->name, valid_value (s));
      return f->kind == EHL_K_OBJECT ? v : json_pack ("[o]", v);
    default:
      return json_string ("s");
    }
}

/* A value of the wrong JSON type for F; ITEM: for an item of a list
   (or a domain's text).  */
static json_t *
wrong_value (const struct ehl_field *f, bool item)
{
  if (item && f->kind == EHL_K_DOMAINS)
    return json_pack ("{s:i}", "harm", 7);
  if (item)
    return json_pack ("[i]", 7);
  switch (f->kind)
    {
    case EHL_K_BOOL:
      return json_string ("true");
    case EHL_K_SCORE:
      return json_string ("5");
    case EHL_K_STRINGS:
    case EHL_K_ENUMS:
      return json_string ("s");
    case EHL_K_OBJECTS:
      return json_object ();
    case EHL_K_OBJECT:
    case EHL_K_DOMAINS:
      return json_pack ("[s]", "s");
    default:
      return json_integer (7);
    }
}

/* Does F hold items of its own (a list, or the domains' texts)?  */
static bool
has_items (const struct ehl_field *f)
{
  return f->kind == EHL_K_STRINGS || f->kind == EHL_K_ENUMS
         || f->kind == EHL_K_OBJECTS || f->kind == EHL_K_DOMAINS;
}

/* The valid record of TYPE: the envelope and every required field.  */
static json_t *
valid_record (enum ehl_type type)
{
  char case_id[32];
  snprintf (case_id, sizeof case_id, "G-%s", ehl_type_name (type));
  json_t *rec = json_pack ("{s:s,s:s,s:s}", "type", ehl_type_name (type),
                           "case", case_id, "date", "2021-01-01");
  for (const struct ehl_field *f = ehl_type_fields (type); f->name; f++)
    if (f->required)
      json_object_set_new (rec, f->name, valid_value (f));
  return rec;
}

/* Print REC with F (a member of the record, or of PARENT's object or
   first item) wrong.  */
static void
print_wrong (enum ehl_type type, int *n, const struct ehl_field *parent,
             const struct ehl_field *f, bool item)
{
  json_t *rec = valid_record (type);
  char case_id[32];
  snprintf (case_id, sizeof case_id, "W-%s-%d", ehl_type_name (type), ++*n);
  if (f->kind != EHL_K_CASE)
    json_object_set_new (rec, "case", json_string (case_id));
  json_t *holder = rec;
  if (parent)
    {
      json_t *p = json_object_get (rec, parent->name);
      if (!p)
        {
          p = valid_value (parent);
          json_object_set_new (rec, parent->name, p);
        }
      holder = parent->kind == EHL_K_OBJECTS ? json_array_get (p, 0) : p;
    }
  json_object_set_new (holder, f->name, wrong_value (f, item));
  ehl_write_record (stdout, rec);
  json_decref (rec);
}

static void
print_wrong_fields (enum ehl_type type, int *n,
                    const struct ehl_field *parent,
                    const struct ehl_field *fields)
{
  for (const struct ehl_field *f = fields; f->name; f++)
    {
      print_wrong (type, n, parent, f, false);
      if (has_items (f))
        print_wrong (type, n, parent, f, true);
      if (f->sub)
        print_wrong_fields (type, n, f, f->sub);
    }
}

int
main (void)
{
  for (int t = 0; t < EHL_T_COUNT; t++)
    {
      int n = 0;
      json_t *rec = valid_record ((enum ehl_type) t);
      ehl_write_record (stdout, rec);
      json_decref (rec);
      print_wrong_fields ((enum ehl_type) t, &n, NULL, ehl_envelope_fields ());
      print_wrong_fields ((enum ehl_type) t, &n, NULL,
                          ehl_type_fields ((enum ehl_type) t));
    }
  return ferror (stdout) || fclose (stdout) != 0;
}
