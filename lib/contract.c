/* contract.c - the record contract (DESIGN.md section 2) as tables, and
   the validator that walks them.  To change the contract, change the
   tables: nothing else in ehlog spells out which fields a type has.  */
#include <config.h>

#include "contract.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "id.h"

#define V(...) (const char *const[]) { __VA_ARGS__, NULL }
#define F(...) (const struct ehl_field[]) { __VA_ARGS__, { NULL } }

/* Shorthands for table rows: name, required.  */
#define STR(n, r)        { n, EHL_K_STRING, r, NULL, NULL, 0 }
#define BOOL(n)          { n, EHL_K_BOOL, false, NULL, NULL, 0 }
#define DATE(n, r)       { n, EHL_K_DATE, r, NULL, NULL, 0 }
#define ENUM(n, r, v)    { n, EHL_K_ENUM, r, v, NULL, 0 }
#define ID(n, r)         { n, EHL_K_ID, r, NULL, NULL, 0 }
#define STRS(n, r, min)  { n, EHL_K_STRINGS, r, NULL, NULL, min }
#define ENUMS(n, v)      { n, EHL_K_ENUMS, false, v, NULL, 0 }
#define OBJ(n, r, s)     { n, EHL_K_OBJECT, r, NULL, s, 0 }
#define OBJS(n, r, s, m) { n, EHL_K_OBJECTS, r, NULL, s, m }
#define DOMAINS(n)       { n, EHL_K_DOMAINS, false, NULL, NULL, 0 }

const char *const ehl_domains[] = {
  "harm", "worry_statement", "complicating_factors", "existing_strengths",
  "existing_safety", "goals", "next_steps", NULL
};

#define TECHNIQUES V("appreciative_inquiry", "ears", "relationship_questions", \
                     "exception_questions", "coping_questions", \
                     "scaling_questions")

static const struct ehl_field envelope[] = {
  ENUM ("type", true, NULL),    /* checked against the type table */
  { "case", EHL_K_CASE, true, NULL, NULL, 0 },
  DATE ("date", true),
  ID ("id", false),
  STR ("by", false),
  STR ("child", false),
  ID ("supersedes", false),
  { NULL }
};

static const struct ehl_field open_fields[] = {
  OBJS ("children", true, F (STR ("ref", true), STR ("name", false),
                             DATE ("dob", false)), 1),
  STR ("service", false), STR ("team", false), STR ("lead", false),
  { NULL }
};

static const struct ehl_field contact_fields[] = {
  ENUM ("mode", true, V ("phone", "visit", "office", "virtual", "meeting")),
  STRS ("with", false, 0),
  BOOL ("checked_plan"), BOOL ("network_discussed"),
  DOMAINS ("domains"),
  ENUMS ("techniques", TECHNIQUES),
  STR ("summary", false),
  { NULL }
};

static const struct ehl_field conversation_fields[] = {
  OBJ ("child", true, F (STR ("name", true), DATE ("dob", false),
                         STR ("ref", false))),
  STR ("practitioner", true), STR ("role", false), STR ("service", true),
  ENUM ("participants", true, V ("child", "parent", "both")),
  OBJS ("people", false, F (STR ("name", false),
                            STR ("relationship", false)), 0),
  OBJ ("houses", false, F (STRS ("worries", false, 0),
                           STRS ("good_things", false, 0),
                           STRS ("dreams", false, 0))),
  STRS ("worried", false, 0), STRS ("going_well", false, 0),
  STRS ("needs_to_happen", false, 0),
  STR ("family_next_steps", false),
  ENUM ("next_step", true, V ("early_help_assessment", "single_agency_support",
                              "signpost", "request_for_support",
                              "consult_early_help_support",
                              "no_further_action", "other")),
  STR ("next_step_detail", true),
  { NULL }
};

static const struct ehl_field scale_fields[] = {
  ENUM ("scale", true, V ("situation", "safety", "wellbeing", "worry", "goal")),
  { "score", EHL_K_SCORE, true, NULL, NULL, 0 },
  ENUM ("rater", true, V ("child", "parent", "carer", "family", "network",
                          "practitioner", "professional", "manager")),
  STR ("rater_name", false), STR ("question", false), ID ("about", false),
  ENUM ("context", false, V ("conversation", "assessment", "meeting",
                             "supervision", "review", "closure")),
  { NULL }
};

static const struct ehl_field network_fields[] = {
  STR ("name", true), STR ("relationship", false),
  ENUM ("category", false, V ("family", "friend", "community", "professional")),
  DATE ("spoken_to", false),
  ENUM ("status", false, V ("active", "withdrawn")),
  { NULL }
};

static const struct ehl_field meeting_fields[] = {
  ENUM ("kind", true, V ("network", "taf", "review_network", "other")),
  STRS ("attendees", false, 0), BOOL ("plan_shared"),
  STR ("not_required", false), STR ("notes", false),
  { NULL }
};

static const struct ehl_field assessment_fields[] = {
  ENUM ("status", true, V ("started", "shared", "finalised")),
  DOMAINS ("domains"),
  { NULL }
};

static const struct ehl_field plan_fields[] = {
  STRS ("who", true, 1),
  OBJS ("actions", false, F (STR ("what", true), STR ("how", false),
                             STR ("who", false), STR ("when", false)), 0),
  BOOL ("with_network"), BOOL ("review"), BOOL ("family_version"),
  { NULL }
};

static const struct ehl_field statement_fields[] = {
  ENUM ("kind", true, V ("worry", "wellbeing_goal", "safety_goal")),
  STR ("text", true), BOOL ("with_family"), ID ("answers", false),
  { NULL }
};

static const struct ehl_field document_fields[] = {
  ENUM ("kind", true, V ("three_houses", "mapping", "words_and_pictures",
                         "harm_matrix", "ecomap", "genogram", "family_plan",
                         "direct_work", "other")),
  STR ("title", false), STR ("path", false),
  { "sha256", EHL_K_SHA256, false, NULL, NULL, 0 },
  BOOL ("with_network"), BOOL ("final"), DATE ("child_copy", false),
  ENUMS ("trigger", V ("many_worries", "professional_anxiety", "disagreement",
                       "threshold")),
  { NULL }
};

static const struct ehl_field supervision_fields[] = {
  ENUM ("kind", true, V ("individual", "group", "oversight")),
  STR ("manager", false),
  ENUMS ("flags", V ("threshold_concern", "professional_disagreement",
                     "professional_anxiety", "words_and_pictures_needed")),
  ENUMS ("techniques", TECHNIQUES),
  STR ("note", false),
  { NULL }
};

static const struct ehl_field close_fields[] = {
  ENUM ("reason", true, V ("needs_met", "single_agency", "stepped_up",
                           "family_withdrew", "moved_away", "other")),
  { NULL }
};

static const struct ehl_field void_fields[] = {
  ID ("target", true), STR ("reason", true),
  { NULL }
};

static const struct
{
  const char *name;
  const struct ehl_field *fields;
} types[EHL_T_COUNT] = {
  { "open", open_fields },
  { "contact", contact_fields },
  { "conversation", conversation_fields },
  { "scale", scale_fields },
  { "network", network_fields },
  { "meeting", meeting_fields },
  { "assessment", assessment_fields },
  { "plan", plan_fields },
  { "statement", statement_fields },
  { "document", document_fields },
  { "supervision", supervision_fields },
  { "close", close_fields },
  { "void", void_fields },
};

const struct ehl_field *
ehl_type_fields (enum ehl_type type)
{
  return type >= 0 && type < EHL_T_COUNT ? types[type].fields : NULL;
}

bool
ehl_is_domain (const char *s)
{
  return ehl_enum_index (ehl_domains, s) >= 0;
}

const struct ehl_field *
ehl_envelope_fields (void)
{
  return envelope;
}

/* strcmp (A, B) == 0 for the linear searches of names below, which run
   for every field of every record: most names differ in their first
   byte, so that is compared before calling strcmp.  */
static inline bool
same_name (const char *a, const char *b)
{
  return a[0] == b[0] && strcmp (a, b) == 0;
}

static const struct ehl_field *
find_field (const struct ehl_field *fields, const char *name)
{
  for (; fields && fields->name; fields++)
    if (same_name (fields->name, name))
      return fields;
  return NULL;
}

const struct ehl_field *
ehl_field_find (const struct ehl_field *fields, const char *name)
{
  return find_field (fields, name);
}

const struct ehl_field *
ehl_field_lookup (enum ehl_type type, const char *name)
{
  const struct ehl_field *f = find_field (ehl_type_fields (type), name);
  return f ? f : find_field (envelope, name);
}

const struct ehl_field *
ehl_field_member (const struct ehl_field *f, const char *name)
{
  /* The leaf of "domains.harm": one domain's text.  */
  static const struct ehl_field domain_text =
    { "domain", EHL_K_STRING, false, NULL, NULL, 0 };
  if (f->kind == EHL_K_OBJECT)
    return find_field (f->sub, name);
  if (f->kind == EHL_K_DOMAINS && ehl_is_domain (name))
    return &domain_text;
  return NULL;
}

enum ehl_type
ehl_type_from_name (const char *name)
{
  if (name)
    for (int t = 0; t < EHL_T_COUNT; t++)
      if (same_name (types[t].name, name))
        return (enum ehl_type) t;
  return EHL_T_UNKNOWN;
}

size_t
ehl_correction_fields (enum ehl_type type,
                       const char *fields[EHL_CORRECTION_FIELDS])
{
  size_t n = 0;
  fields[n++] = "supersedes";
  if (type == EHL_T_VOID)
    fields[n++] = "target";
  return n;
}

const char *
ehl_type_name (enum ehl_type type)
{
  return type >= 0 && type < EHL_T_COUNT ? types[type].name : NULL;
}

static bool
is_hex_string (const char *s, size_t len)
{
  if (strlen (s) != len)
    return false;
  for (; *s; s++)
    if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
      return false;
  return true;
}

bool
ehl_record_id_valid (const char *s)
{
  return s && is_hex_string (s, 16);
}

bool
ehl_case_id_valid (const char *s)
{
  size_t n = 0;
  if (!s)
    return false;
  for (; s[n]; n++)
    {
      char c = s[n];
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || strchr ("-_./:", c)))
        return false;
    }
  return n >= 1 && n <= 64;
}

/* ---- validation ---- */

/* Where a value sits in the record: a chain from the value up to the top,
   formatted ("children[1].ref") only when a problem is reported, so a
   valid record costs no string building.  */
struct path
{
  const struct path *up;
  const char *name;             /* member name, or NULL for an index */
  size_t index;
};

static size_t
format_path (const struct path *p, char *out, size_t size)
{
  size_t len = 0;
  if (!p)
    return 0;
  if (p->up)
    len = format_path (p->up, out, size);
  int n = p->name ? snprintf (out + len, size - len, "%s%s",
                              len ? "." : "", p->name)
                  : snprintf (out + len, size - len, "[%zu]", p->index);
  if (n < 0 || (size_t) n >= size - len)
    return size - 1;            /* cut short: only a message shortens */
  return len + (size_t) n;
}

struct checker
{
  unsigned flags;
  ehl_problem_fn *fn;
  void *ctx;
  int problems;
};

static void
problem (struct checker *ck, const struct path *at, const char *fmt,
         const char *arg)
{
  char msg[256], where[256] = "";
  snprintf (msg, sizeof msg, fmt, arg ? arg : "");
  format_path (at, where, sizeof where);
  ck->problems++;
  ck->fn (ck->ctx, where, msg);
}

int
ehl_enum_index (const char *const *values, const char *s)
{
  for (int i = 0; s && values[i]; i++)
    if (same_name (values[i], s))
      return i;
  return -1;
}

static const char *
json_kind_name (const json_t *v)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a decimal number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static void check_fields (struct checker *ck, json_t *obj, uint32_t skip,
                          size_t checked, const struct ehl_field *fields,
                          const struct ehl_field *fallback,
                          const struct path *at);

static bool
expect_type (struct checker *ck, const struct path *at, json_t *v,
             json_type want, const char *want_name)
{
  if (json_typeof (v) == want)
    return true;
  char fmt[128];
  snprintf (fmt, sizeof fmt, "must be %s, not %%s", want_name);
  problem (ck, at, fmt, json_kind_name (v));
  return false;
}

static void
check_string_value (struct checker *ck, const struct path *at,
                    const struct ehl_field *f, json_t *v)
{
  ehl_day day;
  const char *s = json_string_value (v);
  switch (f->kind)
    {
    case EHL_K_STRING:
      if (f->required && *s == '\0')
        problem (ck, at, "must not be empty", NULL);
      break;
    case EHL_K_DATE:
      if (!ehl_date_parse_iso (s, &day))
        problem (ck, at, "must be a real date written YYYY-MM-DD", NULL);
      break;
    case EHL_K_CASE:
      if (!ehl_case_id_valid (s))
        problem (ck, at, "must be 1-64 characters from A-Z a-z 0-9 - _ . / :",
                 NULL);
      break;
    case EHL_K_ID:
      if (!ehl_record_id_valid (s))
        problem (ck, at, "must be a record id (16 lowercase hex digits)",
                 NULL);
      break;
    case EHL_K_SHA256:
      if (!is_hex_string (s, 64))
        problem (ck, at, "must be 64 lowercase hex digits", NULL);
      break;
    case EHL_K_ENUM:
    case EHL_K_ENUMS:
      if (f->values && ehl_enum_index (f->values, s) < 0)
        {
          /* The value itself is not quoted: it might be a name.  */
          char expected[512] = "";
          for (const char *const *p = f->values; *p; p++)
            {
              strncat (expected, p == f->values ? "" : " ",
                       sizeof expected - strlen (expected) - 1);
              strncat (expected, *p, sizeof expected - strlen (expected) - 1);
            }
          problem (ck, at, "must be one of: %s", expected);
        }
      break;
    default:
      break;
    }
}

static void
check_score (struct checker *ck, const struct path *at, json_t *v)
{
  if (json_is_integer (v))
    {
      json_int_t n = json_integer_value (v);
      if (n < 0 || n > 10)
        problem (ck, at, "must be an integer from 0 to 10", NULL);
    }
  else
    problem (ck, at, "must be an integer from 0 to 10, not %s",
             json_kind_name (v));
}

static void
check_domains (struct checker *ck, const struct path *at, json_t *v)
{
  const char *key;
  json_t *text;
  if (!expect_type (ck, at, v, JSON_OBJECT, "an object"))
    return;
  json_object_foreach (v, key, text)
    {
      struct path sub = { at, key, 0 };
      if (!ehl_is_domain (key))
        problem (ck, at, "has a key that is not one of the seven domains"
                 " (harm worry_statement complicating_factors"
                 " existing_strengths existing_safety goals next_steps)",
                 NULL);
      else if (!json_is_string (text))
        problem (ck, &sub, "must be a string, not %s", json_kind_name (text));
    }
}

static void
check_array (struct checker *ck, const struct path *at,
             const struct ehl_field *f, json_t *v)
{
  size_t i;
  json_t *item;
  if (!expect_type (ck, at, v, JSON_ARRAY, "an array"))
    return;
  if ((int) json_array_size (v) < f->min_items)
    problem (ck, at, "must not be empty", NULL);
  json_array_foreach (v, i, item)
    {
      struct path sub = { at, NULL, i };
      if (f->kind == EHL_K_OBJECTS)
        {
          if (expect_type (ck, &sub, item, JSON_OBJECT, "an object"))
            check_fields (ck, item, 0, 0, f->sub, NULL, &sub);
        }
      else if (expect_type (ck, &sub, item, JSON_STRING, "a string"))
        check_string_value (ck, &sub, f, item);
    }
}

static void
check_value (struct checker *ck, const struct path *at,
             const struct ehl_field *f, json_t *v)
{
  switch (f->kind)
    {
    case EHL_K_BOOL:
      if (!json_is_boolean (v))
        problem (ck, at, "must be true or false, not %s", json_kind_name (v));
      break;
    case EHL_K_SCORE:
      check_score (ck, at, v);
      break;
    case EHL_K_STRINGS:
    case EHL_K_ENUMS:
    case EHL_K_OBJECTS:
      check_array (ck, at, f, v);
      break;
    case EHL_K_OBJECT:
      if (expect_type (ck, at, v, JSON_OBJECT, "an object"))
        check_fields (ck, v, 0, 0, f->sub, NULL, at);
      break;
    case EHL_K_DOMAINS:
      check_domains (ck, at, v);
      break;
    default:
      if (expect_type (ck, at, v, JSON_STRING, "a string"))
        check_string_value (ck, at, f, v);
      break;
    }
}

/* The envelope entries a record of each type does not check there: "type"
   (checked by ehl_validate) and those the type redefines (the
   conversation's "child" object).  One bit per entry of ENVELOPE, worked
   out once, so that validating a record does not search the tables.  */
static uint32_t envelope_skip[EHL_T_COUNT + 1];   /* [EHL_T_COUNT]: unknown */
_Static_assert (sizeof envelope / sizeof *envelope <= 32 + 1,
                "one bit of envelope_skip for each envelope entry");
static pthread_once_t envelope_skip_once = PTHREAD_ONCE_INIT;

static void
find_envelope_skip (void)
{
  for (int t = 0; t <= EHL_T_COUNT; t++)
    for (uint32_t i = 0; envelope[i].name; i++)
      if (strcmp (envelope[i].name, "type") == 0
          || (t < EHL_T_COUNT && find_field (types[t].fields,
                                             envelope[i].name)))
        envelope_skip[t] |= UINT32_C (1) << i;
}

/* Check OBJ's members against FIELDS and FALLBACK (the envelope, for
   top-level records, less the entries whose bits are in SKIP).  CHECKED
   of OBJ's members were checked by the caller, under names in SKIP that
   FIELDS does not have.  AT is where OBJ sits (NULL at the top).  */
static void
check_fields (struct checker *ck, json_t *obj, uint32_t skip, size_t checked,
              const struct ehl_field *fields,
              const struct ehl_field *fallback, const struct path *at)
{
  const char *key;
  json_t *v;
  size_t known = checked;       /* OBJ's members of a known name */

  /* The envelope (FALLBACK) first, then the type's own fields.  */
  for (int pass = 0; pass < 2; pass++)
    {
      const struct ehl_field *set = pass == 0 ? fallback : fields;
      for (uint32_t i = 0; set && set[i].name; i++)
        {
          const struct ehl_field *f = &set[i];
          if (pass == 0 && (skip >> i & 1))
            continue;
          struct path here = { at, f->name, 0 };
          v = json_object_get (obj, f->name);
          if (!v)
            {
              if (f->required)
                problem (ck, &here, "is required", NULL);
              continue;
            }
          known++;
          check_value (ck, &here, f, v);
        }
    }

  /* Each name is looked for once (SKIP leaves out the envelope's names
     the type has too), so only a record with a member of no known name
     needs the search.  */
  if ((ck->flags & EHL_VALIDATE_STRICT) && known < json_object_size (obj))
    json_object_foreach (obj, key, v)
      if (!find_field (fields, key) && !find_field (fallback, key))
        {
          struct path here = { at, ehl_shown_name (key), 0 };
          problem (ck, &here, "is not a field of this record type", NULL);
        }
}

/* A record edited by hand after a tool wrote it no longer matches its id:
   corrections must be new records that supersede, never edits.  */
static void
check_id_matches (struct checker *ck, json_t *rec)
{
  static const struct path id_path = { NULL, "id", 0 };
  char want[EHL_ID_LEN + 1];
  const char *id = json_string_value (json_object_get (rec, "id"));
  if (id && ehl_record_id_valid (id) && ehl_record_id (rec, want)
      && strcmp (id, want) != 0)
    problem (ck, &id_path, "does not match the record's content (edited after"
             " it was written?)", NULL);
}

int
ehl_validate (json_t *rec, unsigned flags, ehl_problem_fn *fn, void *ctx)
{
  struct checker ck = { flags, fn, ctx, 0 };
  pthread_once (&envelope_skip_once, find_envelope_skip);
  if (!json_is_object (rec))
    {
      problem (&ck, NULL, "not a JSON object", NULL);
      return ck.problems;
    }

  json_t *type = json_object_get (rec, "type");
  static const struct path type_path = { NULL, "type", 0 };
  enum ehl_type t = EHL_T_UNKNOWN;
  if (!type)
    problem (&ck, &type_path, "is required", NULL);
  else if (!json_is_string (type))
    problem (&ck, &type_path, "must be a string, not %s", json_kind_name (type));
  else
    {
      t = ehl_type_from_name (json_string_value (type));
      if (t == EHL_T_UNKNOWN && (flags & EHL_VALIDATE_STRICT))
        problem (&ck, &type_path, "is not a known record type", NULL);
    }

  if (t == EHL_T_UNKNOWN)
    {
      /* An unknown type (accepted unless strict, and reported above when
         strict): check the envelope, keep its other fields unjudged.  */
      ck.flags &= ~EHL_VALIDATE_STRICT;
      check_fields (&ck, rec, envelope_skip[EHL_T_COUNT], type != NULL, NULL,
                    envelope, NULL);
      return ck.problems;
    }
  /* The type was checked above, and no type has a field of that name.  */
  check_fields (&ck, rec, envelope_skip[t], 1, types[t].fields, envelope,
                NULL);
  if (flags & EHL_VALIDATE_STRICT)
    check_id_matches (&ck, rec);
  return ck.problems;
}

const char *
ehl_shown_name (const char *name)
{
  size_t n = strspn (name, "abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
  return n > 0 && n <= 80 && name[n] == '\0'
         ? name : "(a name that is not a plain word, not shown)";
}
