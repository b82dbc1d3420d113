/* contract.h - the record contract of DESIGN.md section 2, as data that
   validation (and anything else that needs to know the fields) walks.  */
#ifndef EHLOG_CONTRACT_H
#define EHLOG_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Record types, in the order of DESIGN.md.  */
enum ehl_type
{
  EHL_T_OPEN, EHL_T_CONTACT, EHL_T_CONVERSATION, EHL_T_SCALE, EHL_T_NETWORK,
  EHL_T_MEETING, EHL_T_ASSESSMENT, EHL_T_PLAN, EHL_T_STATEMENT,
  EHL_T_DOCUMENT, EHL_T_SUPERVISION, EHL_T_CLOSE, EHL_T_VOID,
  EHL_T_COUNT,
  EHL_T_UNKNOWN = -1
};

/* What a field holds.  */
enum ehl_kind
{
  EHL_K_STRING,      /* any string */
  EHL_K_BOOL,
  EHL_K_DATE,        /* "YYYY-MM-DD", a real date */
  EHL_K_SCORE,       /* integer 0-10 */
  EHL_K_ENUM,        /* one of values */
  EHL_K_CASE,        /* the case identifier's characters, 1-64 */
  EHL_K_ID,          /* a record id: 16 lowercase hex digits */
  EHL_K_SHA256,      /* 64 lowercase hex digits */
  EHL_K_STRINGS,     /* [string] */
  EHL_K_ENUMS,       /* [one of values] */
  EHL_K_OBJECT,      /* {sub fields} */
  EHL_K_OBJECTS,     /* [{sub fields}] */
  EHL_K_DOMAINS      /* {domain: string}, keys from the seven domains */
};

struct ehl_field
{
  const char *name;
  enum ehl_kind kind;
  bool required;
  const char *const *values;       /* EHL_K_ENUM(S): NULL-terminated */
  const struct ehl_field *sub;     /* EHL_K_OBJECT(S): {NULL}-terminated */
  int min_items;                   /* arrays */
};

/* The fields of TYPE, envelope excluded; {NULL}-terminated.  */
const struct ehl_field *ehl_type_fields (enum ehl_type type);
/* The envelope fields every record has.  */
const struct ehl_field *ehl_envelope_fields (void);
/* The field called NAME in FIELDS (a {NULL}-terminated table, such as a
   field's sub-fields), or NULL.  */
const struct ehl_field *ehl_field_find (const struct ehl_field *fields,
                                        const char *name);
/* Look up a field of TYPE (its own fields first, then the envelope).  */
const struct ehl_field *ehl_field_lookup (enum ehl_type type, const char *name);
/* The field that member NAME of field F's value is: one of F's
   sub-fields if F is an object, a domain's text if F is the seven
   domains, else NULL.  */
const struct ehl_field *ehl_field_member (const struct ehl_field *f,
                                          const char *name);

/* The index of S in VALUES (an enum field's NULL-terminated values), or
   -1 if S is NULL or not one of them.  */
int ehl_enum_index (const char *const *values, const char *s);

enum ehl_type ehl_type_from_name (const char *name);
const char *ehl_type_name (enum ehl_type type);

/* The fields in which a record of TYPE names records it corrects (DESIGN.md
   section 2): "supersedes", and a void's "target".  How many, in
   FIELDS.  */
enum { EHL_CORRECTION_FIELDS = 2 };
size_t ehl_correction_fields (enum ehl_type type,
                              const char *fields[EHL_CORRECTION_FIELDS]);

/* The seven analysis domains, NULL-terminated.  */
extern const char *const ehl_domains[];
/* Is S one of the seven domains?  */
bool ehl_is_domain (const char *s);

/* Is S a valid case identifier?  */
bool ehl_case_id_valid (const char *s);
/* Is S a valid record id (16 lowercase hex digits)?  */
bool ehl_record_id_valid (const char *s);

/* NAME, a member name or a dotted path of them, as a message may show
   it: as it is if it is plain words (A-Z a-z 0-9 _ - and dots, up to 80
   bytes), else a placeholder.  Any other name may be free text, even
   words about a child, which messages never quote.  */
const char *ehl_shown_name (const char *name);

/* Validation.  */
enum
{
  EHL_VALIDATE_STRICT = 1  /* also unknown fields and unknown types, and
                              ids that do not match the content */
};

/* Called once for every problem: FIELD is the dotted path of the field
   ("children[1].ref"), or "" for the record as a whole; MESSAGE says what
   is wrong, and never quotes a string value of the record.  */
typedef void ehl_problem_fn (void *ctx, const char *field, const char *message);

/* Check REC against the contract; report every problem through FN.
   Returns the number of problems (0: valid).  */
int ehl_validate (json_t *rec, unsigned flags, ehl_problem_fn *fn, void *ctx);

#endif
