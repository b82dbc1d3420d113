/* jansson-loop - the baseline for ehlog's benchmarks: read NDJSON with
   getline and decode every line with jansson, nothing else.

   Usage: jansson-loop [FILE]     (standard input when FILE is absent or "-")
   Prints "N lines, N bad" (bad: not JSON, or not an object) and exits 0,
   or 2 if the input cannot be read.

   Build: cc -O2 -Wall -Wextra bench/jansson-loop.c -ljansson -o jansson-loop  */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

int
main (int argc, char **argv)
{
  const char *name = argc > 1 ? argv[1] : "-";
  FILE *in = stdin;
  if (argc > 2)
    {
      fputs ("usage: jansson-loop [FILE]\n", stderr);
      return 2;
    }
  if (strcmp (name, "-") != 0 && !(in = fopen (name, "r")))
    {
      fprintf (stderr, "jansson-loop: %s: %s\n", name, strerror (errno));
      return 2;
    }

  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned long long lines = 0, bad = 0;
  while ((len = getline (&line, &cap, in)) != -1)
    {
      lines++;
      if (len > 0 && line[len - 1] == '\n')
        len--;
      json_error_t err;
      json_t *j = json_loadb (line, (size_t) len, JSON_REJECT_DUPLICATES, &err);
      if (!j || !json_is_object (j))
        bad++;
      json_decref (j);
    }
  int status = 0;
  if (ferror (in))
    {
      fprintf (stderr, "jansson-loop: %s: %s\n", name, strerror (errno));
      status = 2;
    }
  free (line);
  if (in != stdin)
    fclose (in);

  printf ("%llu lines, %llu bad\n", lines, bad);
  if (fflush (stdout) != 0 || ferror (stdout))
    status = 2;
  return status;
}
