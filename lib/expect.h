/* expect.h - expectation files (DESIGN.md section 3, ehlog-expectations(5)):
   loading, validating every part against the record contract, and
   compiling them for the audit (audit.h).  */
#ifndef EHLOG_EXPECT_H
#define EHLOG_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct ehl_expect_set ehl_expect_set;

/* What an expectation says about itself.  Strings live as long as the
   set; optional ones are "" when absent (TEXT falls back to ID).  */
struct ehl_expect_info
{
  const char *id;
  const char *section;
  const char *text;
  const char *where;
  const char *partial;
  long line;                    /* where its element starts in the file */
};

/* Load and compile the expectation file PATH.  Every problem is reported
   on DIAG (NULL: stderr) as "prog: PATH:LINE: reason", naming the
   expectation and the JSON path of the bad part; then NULL is returned.  */
ehl_expect_set *ehl_expect_load_file (const char *path, FILE *diag);

/* The same from LEN bytes at BUF (need not be NUL-terminated); NAME is
   the file name for messages.  The entry point for fuzzing.  */
ehl_expect_set *ehl_expect_load_buffer (const char *buf, size_t len,
                                        const char *name, FILE *diag);

size_t ehl_expect_count (const ehl_expect_set *set);
const struct ehl_expect_info *ehl_expect_at (const ehl_expect_set *set,
                                             size_t i);
void ehl_expect_free (ehl_expect_set *set);

/* The default expectation file: EXPECTATIONS under the data folder,
   which is $EHLOG_DATADIR if set, else the installed one.  Malloc'd;
   NULL if memory ran out.  */
#define EHL_DEFAULT_EXPECTATIONS "expectations/sow-2020-21.json"
char *ehl_expect_default_path (void);

#endif
