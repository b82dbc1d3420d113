/* output.h - writing records: compact NDJSON to a stream, and the safe
   append of DESIGN.md section 5 (-a FILE).  */
#ifndef EHLOG_OUTPUT_H
#define EHLOG_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

/* REC as one compact line (no trailing newline), in a malloc'd string;
   NULL if memory ran out.  Key order is the record's own.  */
char *ehl_record_line (json_t *rec);

/* Write REC to OUT as one line.  False on a write error.  */
bool ehl_write_record (FILE *out, json_t *rec);

/* Append the N records of RECS to PATH as one transaction: the file is
   created with mode 0600 if missing, an exclusive lock is held while
   writing, each record goes out whole in one write(2), and the file is
   synced before success.  If anything fails the file is cut back to its
   length before the call (a file it created stays, empty), so no partial
   record is ever left behind; the reason is reported as "prog: PATH:
   reason".  If the file did not end in a newline (an earlier writer died
   mid-line), a newline is written first so the torn line stays a
   separate, visibly bad line.  */
bool ehl_append_records (const char *path, json_t *const *recs, size_t n);

/* Create PATH's replacement: a temporary file in the same folder, mode
   0600.  Write to *OUT, then ehl_commit_file renames it over PATH (or
   ehl_abandon_file removes it).  A PATH that exists and is neither a
   regular file nor a folder (a symbolic link, a device, a named pipe) is
   opened and written as it is instead, as a shell's redirection would.  */
struct ehl_tmpfile
{
  char *path;
  char *tmp;                    /* the temporary name (NULL: PATH is
                                   written directly) */
  FILE *out;
};
bool ehl_create_file (struct ehl_tmpfile *t, const char *path);
bool ehl_commit_file (struct ehl_tmpfile *t);
/* Give up after a write error (else memory ran out), saying so.  */
void ehl_fail_file (struct ehl_tmpfile *t, bool write_error);
void ehl_abandon_file (struct ehl_tmpfile *t);

#endif
