/* csvfield.h - what a CSV column means in the record contract: the
   field a dotted column name gives, the value a cell's text makes for
   it, and where that value goes in a record.  Used by csvin.  */
#ifndef EHLOG_CSVFIELD_H
#define EHLOG_CSVFIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "contract.h"

/* The field a column gives.  */
struct ehl_csv_field
{
  char **segs;                  /* the dotted path, split (one block) */
  size_t nsegs;
  const struct ehl_field *leaf; /* the field a cell fills */
  char shown[128];              /* the path as the validator writes it:
                                   "children[0].ref" */
};

/* Resolve PATH against TYPE's fields: object members by name
   ("child.name"), a domain's text ("domains.harm"), and members of the
   numbered items of lists of objects ("children.0.ref"; 0 to 999, no
   leading zero).  False if PATH is no field of TYPE (or memory ran out);
   OUT is to be freed with ehl_csv_field_free either way.  */
bool ehl_csv_field_resolve (enum ehl_type type, const char *path,
                            struct ehl_csv_field *out);
void ehl_csv_field_free (struct ehl_csv_field *f);

/* How cells are read.  */
struct ehl_cell_opts
{
  char list_sep;
  bool uk_dates;
};

/* The value the non-empty cell S (LEN bytes, UTF-8, no NUL) makes for
   field LEAF: a boolean from true/false yes/no y/n 1/0, a score from
   0-10, a date (DD/MM/YYYY only with uk_dates), a list split on the
   separator or read from its JSON text when it starts with '[', an
   object from its JSON text, or else the string itself.  NULL if the
   cell cannot be such a value: *WHY says why, without quoting it.  A
   value that is merely invalid (an unknown enum word) is returned for
   the validator to judge.  */
json_t *ehl_csv_cell_value (const struct ehl_field *leaf, const char *s,
                            size_t len, const struct ehl_cell_opts *opts,
                            const char **why);

/* Put V (stolen) at F's path in REC, making the objects on the way.  The
   numbered items of a list of objects gather in an object keyed "0",
   "1"... until ehl_csv_finish_lists.  */
void ehl_csv_field_place (json_t *rec, const struct ehl_csv_field *f,
                          json_t *v);

/* Turn the gathered numbered items in REC (fields FIELDS) into lists.
   Items must be numbered from 0 without gaps: a gap is reported through
   FN (the list field's path and a message) and the list ends there.  */
typedef void ehl_csv_gap_fn (void *ctx, const char *path, const char *message);
void ehl_csv_finish_lists (json_t *rec, const struct ehl_field *fields,
                           ehl_csv_gap_fn *fn, void *ctx);

#endif
