/* csvout.h - ehlog records to CSV rows (ehlog-csv --to-csv).

   A record flattens to named cells: a string is its own text, a boolean
   "true" or "false", an integer its decimal digits; an object gives one
   cell per member, named NAME.MEMBER; a list of strings is one cell, the
   items joined with the list separator, when that reads back to the same
   list (no item empty or holding the separator, the first not starting
   with '['); a list of non-empty objects gives NAME.N.MEMBER cells
   (N from 0); anything else (an empty list or object, a list that cannot
   be joined, a number with a fraction, null) is its compact JSON text.
   ehl_csvin reads every one of these forms back.  */
#ifndef EHLOG_CSVOUT_H
#define EHLOG_CSVOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "table.h"

/* Called for every cell of a flattened record, in the record's member
   order; TEXT lives only during the call.  Return false to stop.  */
typedef bool ehl_flat_fn (void *ctx, const char *name, const char *text);

/* Flatten REC (an object) as above, SEP joining lists.  False if FN
   stopped or memory ran out.  */
bool ehl_csv_flatten (json_t *rec, char sep, ehl_flat_fn *fn, void *ctx);

/* A cell a spreadsheet would run as a formula (it starts with = + - @,
   a tab or a carriage return) is written with an apostrophe in front.
   So that ehl_csv_unprotect can take exactly that apostrophe off again,
   a cell that starts with apostrophes and then a formula character gets
   one too.  Returns a new malloc'd cell, or NULL when S needs none (or
   memory ran out: *FAILED is set then).  */
char *ehl_csv_protect (const char *s, bool *failed);

/* The union of the cell names of many records, in the order first seen:
   a name first seen in a later record goes just before the name that
   follows it in that record (at the end if none does), so records that
   agree on an order keep it, and each new type's fields follow the
   fields seen before.  */
typedef struct ehl_columns ehl_columns;
ehl_columns *ehl_columns_new (void);
/* Add REC's cell names.  False if memory ran out, or if two members of
   REC give the same cell name (a member name with a dot in it can):
   *CLASH is that name then, else NULL.  */
bool ehl_columns_add (ehl_columns *c, json_t *rec, char sep,
                      const char **clash);
size_t ehl_columns_count (const ehl_columns *c);
/* The names in order (valid until the next add or the free); NULL if
   memory ran out.  */
const char *const *ehl_columns_names (ehl_columns *c);
void ehl_columns_free (ehl_columns *c);

/* Writing records as rows under fixed columns.  A column that is not one
   of a record's cell names but names a part of it by a dotted path
   ("domains", "children.1") gets that part's JSON text; anything else is
   an empty cell.  */
typedef struct ehl_csv_writer ehl_csv_writer;
ehl_csv_writer *ehl_csv_writer_new (const char *const *names, size_t n,
                                    char sep, const struct ehl_csv_opts *opts);
/* The header row.  False on a write error.  */
bool ehl_csv_write_header (ehl_csv_writer *w, FILE *out);

enum ehl_csv_result
{
  EHL_CSV_WRITTEN,
  EHL_CSV_FAILED,               /* write error or memory exhausted */
  EHL_CSV_CLASH                 /* two members of REC give the same cell
                                   name (*CLASH): nothing written */
};
enum ehl_csv_result ehl_csv_write_record (ehl_csv_writer *w, FILE *out,
                                          json_t *rec, const char **clash);
void ehl_csv_writer_free (ehl_csv_writer *w);

#endif
