/* operand.h - the files a program reads, as its operands name them.

   "-", or no operand at all, is standard input, which messages and
   evidence call "<stdin>".  Some readers must read an operand again from
   its start, apart from the pass that reads it (ehlog-report's first look
   for corrections, cutting a big input into byte ranges for --jobs, and
   reading again after the input changed): that works for a regular file,
   opened by name each time, and so for standard input once a pipe has
   been copied to a temporary file (ehl_stdin_spool).  */
#ifndef EHLOG_OPERAND_H
#define EHLOG_OPERAND_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* The operands when none are given: { "-" }.  */
extern char *const ehl_stdin_operands[1];

bool ehl_operand_is_stdin (const char *operand);

/* Whether FILES[I] names standard input after an earlier operand did:
   read once, it has nothing left, as for cat - -.  */
bool ehl_operand_stdin_again (char *const *files, int i);

/* OPERAND as messages and evidence show it.  */
const char *ehl_operand_name (const char *operand);

/* A name that opens OPERAND afresh, at its start.  */
const char *ehl_operand_path (const char *operand);

/* OPERAND's size in bytes if it is a regular file that
   ehl_operand_path opens as the reader reads it (standard input: from
   its start, and not read yet); otherwise -1.  */
off_t ehl_operand_size (const char *operand);

/* If FILES (NFILES operands; none: standard input) read standard input
   and it is a pipe or a socket (or a regular file already read from part
   way), copy what is left of it to a temporary file (ehl_temp_file) and
   make that standard input, so that ehl_operand_size sees a regular
   file.  True if done or not needed, or if no temporary file can be
   made (standard input is then read as it comes); false after reporting
   that reading standard input or writing the copy failed.  */
bool ehl_stdin_spool (char *const *files, int nfiles);

/* A temporary file in $TMPDIR (or /tmp), mode 0600, open for reading
   and writing, with no name: it is gone when closed.  PREFIX starts the
   name it has for a moment.  NULL, with errno set, if none can be
   made.  */
FILE *ehl_temp_file (const char *prefix);

/* Where ehl_temp_file makes its files.  */
const char *ehl_temp_dir (void);

#endif
