/* unit.h - a minimal unit-test harness: CHECK records a failure with its
   line and goes on; the runner counts the results.  */
#ifndef EHLOG_UNIT_H
#define EHLOG_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int unit_passed, unit_failed;

#define CHECK(cond) \
  do { if (cond) unit_passed++; else { unit_failed++; \
       fprintf (stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                #cond); } } while (0)
#define CHECK_STR(got, want) \
  do { const char *g_ = (got), *w_ = (want); \
       if (g_ && strcmp (g_, w_) == 0) unit_passed++; else { unit_failed++; \
       fprintf (stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, \
                __LINE__, g_ ? g_ : "(null)", w_); } } while (0)

/* Make a file from the template PATH (mkstemp), open for writing; NULL
   if it cannot be made.  */
static inline FILE *
open_temp (char *path)
{
  int fd = mkstemp (path);
  FILE *f = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (!f && fd >= 0)
    close (fd);
  return f;
}

/* Make a file from the template PATH (mkstemp) holding TEXT.  */
static inline bool
write_temp (char *path, const char *text)
{
  FILE *f = open_temp (path);
  if (!f)
    return false;
  bool ok = fputs (text, f) >= 0;
  return (fclose (f) == 0) & ok;
}

/* Print "N passed, N failed" for the runner and return the exit status.  */
#define UNIT_DONE() \
  (printf ("%d passed, %d failed\n", unit_passed, unit_failed), \
   unit_failed != 0)

#endif
