/* corrections.h - which records no longer count (DESIGN.md section 2:
   those named by a "supersedes" or a void's "target"), found by a quick
   first look at the input files before the real pass.

   Knowing them before the records are read lets a case-file view drop
   a record as soon as nothing can need it any more: a correction read
   later can no longer bring back one it let go.  Only lines that could
   hold a correction are decoded (they must contain "supersedes",
   "target" or a backslash, whose escapes could spell either), so the
   look costs a few percent of the pass.  A pipe cannot be read twice:
   for it there is no first look (ehl_stdin_spool turns standard input
   into a file that can be).  */
#ifndef EHLOG_CORRECTIONS_H
#define EHLOG_CORRECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "contract.h"
#include "date.h"

typedef struct ehl_corrections ehl_corrections;

/* The corrections in FILES (NFILES operands), as a reader in MODE
   (record.h) would take them, dated up to AS_OF, looked for by up to
   JOBS threads (each file cut into byte ranges on line boundaries).
   NULL if some operand (none: standard input) is not a regular file
   that could be opened and read to the end (standard input: as
   ehl_operand_size says) (*NO_MEMORY false), or if memory ran out
   (*NO_MEMORY true): the real pass then keeps what it reads.  */
ehl_corrections *ehl_corrections_scan (char *const *files, int nfiles,
                                       unsigned mode, ehl_day as_of,
                                       int jobs, bool *no_memory);

/* An empty set, for a caller that notes the corrections itself.  NULL if
   memory ran out.  */
ehl_corrections *ehl_corrections_new (void);

/* Note the records that REC, a valid record of TYPE, corrects (those of
   its case that its correction fields name).  False if memory ran
   out.  */
bool ehl_corrections_note (ehl_corrections *c, json_t *rec,
                           enum ehl_type type);

/* Is record ID of case CASE_ID (whose ehl_hash_string is HASH) named by
   a correction of its case?  */
bool ehl_corrections_named (const ehl_corrections *c, const char *case_id,
                            size_t hash, uint64_t id);

/* Whether the corrections name a record that is not there.  The real
   pass tells C what it meets (from several threads at once): */

/* False if no record of the case whose identifier hashes to HASH is
   named (true may still mean none is): only then need the pass work out
   its records' ids for ehl_corrections_met.  */
bool ehl_corrections_may_name_case (const ehl_corrections *c, size_t hash);

/* Met: record ID of case CASE_ID (hash HASH).  */
void ehl_corrections_met (ehl_corrections *c, const char *case_id,
                          size_t hash, uint64_t id);

/* Met: at line LINE of operand FILE_NO, a correction that counts (that
   no correction names), whose "target" (TARGET) or "supersedes" names
   record ID of case CASE_ID.  */
void ehl_corrections_met_correction (ehl_corrections *c, const char *case_id,
                                     size_t hash, uint64_t id,
                                     unsigned file_no, size_t line,
                                     bool target);

/* Afterwards, the named records the pass did not meet, each with the
   first correction that counts and names it (none: not listed), in the
   order of files and lines: in *OUT (free it), *N of them.  False if
   memory ran out.  */
struct ehl_unmatched
{
  const char *case_id;          /* C's own */
  uint64_t id;
  unsigned file_no;
  size_t line;
  const char *field;            /* "supersedes" or "target" */
};
bool ehl_corrections_unmatched (const ehl_corrections *c,
                                struct ehl_unmatched **out, size_t *n);

/* Say, as of line LINE of FILE (0: of FILE), that the correction of
   case CASE_ID there whose FIELD names record ID changes nothing: no
   record of the case WHERE (" in the file", or "") has that id.  */
void ehl_say_unmatched (const char *file, long line, const char *case_id,
                        const char *field, uint64_t id, const char *where);

/* How many (case, id) pairs are named.  */
size_t ehl_corrections_count (const ehl_corrections *c);

void ehl_corrections_free (ehl_corrections *c);

#endif
