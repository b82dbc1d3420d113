/* append-on-open.c - an LD_PRELOAD shim for one test: the first time the
   program opens the file $APPEND_ON_OPEN with fopen, the text of
   $APPEND_TEXT is appended to it just before, as a writer adding a
   record while the program reads would.  */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FILE *
fopen (const char *path, const char *mode)
{
  static FILE *(*real) (const char *, const char *);
  static int done;
  if (!real)
    real = (FILE *(*) (const char *, const char *)) dlsym (RTLD_NEXT,
                                                           "fopen");
  const char *target = getenv ("APPEND_ON_OPEN");
  const char *text = getenv ("APPEND_TEXT");
  if (!done && target && text && strcmp (path, target) == 0)
    {
      done = 1;
      FILE *f = real (path, "a");
      if (f)
        {
          fputs (text, f);
          fclose (f);
        }
    }
  return real (path, mode);
}
