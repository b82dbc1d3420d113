/* record.h - reading newline-delimited JSON records, one per physical
   line, with the file name and line number kept for every record.  */
#ifndef EHLOG_RECORD_H
#define EHLOG_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "contract.h"

/* One record as read.  JSON is a new reference: the caller owns it and
   must json_decref it.  FILE lives as long as the reader.  */
struct ehl_record
{
  json_t *json;
  const char *file;
  long line;
  int file_no;                  /* index of FILE among the operands */
  enum ehl_type type;           /* EHL_T_UNKNOWN if not a known type */
  uint32_t text_hash;           /* of the line's text (ehl_hash_bytes):
                                   copies of a line have the same */
};

/* How records are checked as they are read.  */
enum
{
  EHL_READ_RAW = 0,             /* only JSON objects are required */
  EHL_READ_VALIDATE = 1,        /* records breaking the contract are reported
                                   and skipped */
  EHL_READ_STRICT = 2           /* with VALIDATE: unknown fields/types too */
};

struct ehl_read_stats
{
  long lines;                   /* non-blank lines read */
  long records;                 /* records handed to the caller */
  long bad;                     /* lines reported and skipped */
  long io_errors;               /* files that could not be opened or read */
  long unknown_type;            /* records of none of the types: valid
                                   (ehlog's own outputs are records too),
                                   but nothing that audits reads them */
  int unknown_file_no;          /* the first of them: operand ... */
  long unknown_line;            /* ... and line */
};

typedef struct ehl_reader ehl_reader;

/* A reader over FILES (NFILES of them; none, or "-", means standard
   input).  NULL if memory ran out.  */
ehl_reader *ehl_reader_new (char *const *files, int nfiles, unsigned mode);

/* A reader over operand FILE_NO of FILES alone, which its records and
   stats name by that number.  */
ehl_reader *ehl_reader_new_operand (char *const *files, int file_no,
                                    unsigned mode);

/* A reader over bytes [START, END) of one FILE, an operand (END < 0: to
   the end), for splitting a file between threads (see operand.h).
   START must be at a line start; the reader counts lines from
   FIRST_LINE.  */
ehl_reader *ehl_reader_new_range (const char *file, int file_no,
                                  long long start, long long end,
                                  long first_line, unsigned mode);

/* A reader over the open stream IN, shown as NAME in messages (for
   tests and fuzzing); IN is not closed by the reader.  */
ehl_reader *ehl_reader_new_stream (FILE *in, const char *name, unsigned mode);

/* In EHL_READ_VALIDATE mode, validate only the records for which CHECK
   (REC, TYPE, CTX) is true; the others are handed over as JSON objects,
   unchecked.  For a program that uses some records and only counts the
   others' case and date (which it checks itself); ehlog-check(1) is what
   validates everything.  */
typedef bool ehl_check_fn (json_t *rec, enum ehl_type type, void *ctx);
void ehl_reader_check_only (ehl_reader *r, ehl_check_fn *check, void *ctx);

/* Send diagnostics to BUF (an open memstream) instead of stderr.  */
void ehl_reader_divert (ehl_reader *r, FILE *buf);

/* Say nothing of bad lines (they are still counted and skipped): for a
   program that only looks a file over, leaving them to ehlog-check(1).
   Trouble (a read error, memory) is still said.  */
void ehl_reader_quiet_bad_lines (ehl_reader *r);

/* Read the next record into REC.  Returns true for a record, false at the
   end of all input.  Bad lines and unreadable files are reported on
   stderr as "prog: FILE:LINE: reason" and counted; reading goes on.  */
bool ehl_reader_next (ehl_reader *r, struct ehl_record *rec);

const struct ehl_read_stats *ehl_reader_stats (const ehl_reader *r);

void ehl_reader_free (ehl_reader *r);

/* The record text of a physical line: TEXT (*LEN bytes) without its
   line end ("\n", "\r\n" or none) and, on a file's FIRST line, without
   a byte-order mark.  Sets *LEN.  */
const char *ehl_line_record (const char *text, size_t *len, bool first);

/* The record in the LEN bytes of TEXT (one line, without its end) as a
   reader in MODE would hand it over, or NULL, quietly, if the reader
   would report it instead; *NO_MEMORY then says whether memory ran out.
   For a first look at lines a reader will go over properly later.  */
json_t *ehl_record_parse (const char *text, size_t len, unsigned mode,
                          enum ehl_type *type, bool *no_memory);

/* Report one problem with record REC: "prog: FILE:LINE: CASE: FIELD: MSG"
   (the case identifier only when it is valid, so nothing else from the
   record is ever printed).  */
void ehl_report_problem (const struct ehl_record *rec, const char *field,
                         const char *message);

/* The same for a record that was not read by a reader (made from another
   format): "prog: FILE:LINE: CASE: FIELD: MSG" on OUT.  */
void ehl_report_problem_to (FILE *out, const char *file, long line,
                            json_t *json, const char *field,
                            const char *message);

/* The record's "case" if it is a valid case identifier, else NULL.  */
const char *ehl_record_case (json_t *rec);

/* String member NAME of REC, or NULL.  */
const char *ehl_get_str (json_t *rec, const char *name);

#endif
