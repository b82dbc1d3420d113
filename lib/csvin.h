/* csvin.h - CSV to ehlog records (ehlog-csv --to-records).

   The first non-blank row of each input names the columns; every later
   row becomes one record of the chosen type.  A column gives the field
   it is named after, or the one --map names; dotted names reach into
   objects ("child.name", "domains.harm") and numbered items of lists of
   objects ("children.0.ref").  Cells are converted by the field's kind
   in the contract: booleans from true/false yes/no y/n 1/0, scores from
   0-10, dates from YYYY-MM-DD (or DD/MM/YYYY when the caller says the
   input writes dates that way), lists split on a separator, and every
   other value kept as the exact text of the cell.  Each record is
   validated and gets its content id before it is handed over; a row
   that fails is reported as "prog: FILE:LINE: ..." (LINE: the physical
   line the row starts on) and skipped.  Parsing is libcsv's.  */
#ifndef EHLOG_CSVIN_H
#define EHLOG_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#include "contract.h"

struct ehl_csvin_opts
{
  enum ehl_type type;           /* every row becomes a record of this type */
  char list_sep;                /* splits list cells; 0 means ';' */
  bool uk_dates;                /* dates may be written DD/MM/YYYY */
  char *const *maps;            /* NMAPS "COLUMN=FIELD" strings; an empty */
  size_t nmaps;                 /* FIELD drops the column */
};

/* Called with every record made: REC is borrowed (json_incref it to keep
   it); FILE and LINE say where its row starts.  Return false to stop
   (a write error, say): the conversion then ends early.  */
typedef bool ehl_csvin_record_fn (void *ctx, json_t *rec, const char *file,
                                  long line);

struct ehl_csvin_stats
{
  long rows;                    /* data rows read (not header, not blank) */
  long records;                 /* records handed to the callback */
  long bad;                     /* rows, headers and files reported */
};

typedef struct ehl_csvin ehl_csvin;

/* A converter; OPTS (and its strings) must outlive it.  NULL if memory
   ran out.  Check the --map fields first with ehl_csvin_map_problem.  */
ehl_csvin *ehl_csvin_new (const struct ehl_csvin_opts *opts,
                          ehl_csvin_record_fn *fn, void *ctx);

/* Send diagnostics to DIAG instead of stderr.  */
void ehl_csvin_divert (ehl_csvin *c, FILE *diag);

/* Convert all of IN (read to its end, not closed), named NAME in
   messages.  A read error is reported and counted as bad.  Returns false
   only if the callback stopped the conversion or memory ran out.  */
bool ehl_csvin_stream (ehl_csvin *c, FILE *in, const char *name);

/* The same for the LEN bytes at BUF (the entry point for fuzzing).  */
bool ehl_csvin_buffer (ehl_csvin *c, const char *buf, size_t len,
                       const char *name);

const struct ehl_csvin_stats *ehl_csvin_stats (const ehl_csvin *c);

void ehl_csvin_free (ehl_csvin *c);

/* Is MAP ("COLUMN=FIELD") usable for records of TYPE?  NULL if so, else
   a message saying why not (it may quote FIELD, never COLUMN).  */
const char *ehl_csvin_map_problem (enum ehl_type type, const char *map,
                                   char *buf, size_t size);

/* Undo ehl_csv_protect: a cell starting with apostrophes and then a
   formula character loses its first apostrophe.  Returns S or S + 1.  */
const char *ehl_csv_unprotect (const char *s);

#endif
