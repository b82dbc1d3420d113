/* jansson-loop - the baseline for ehlog's benchmarks: read NDJSON with
   getline and decode every line with jansson, nothing else.

   Usage: jansson-loop [--arena] [FILE]
   (standard input when FILE is absent or "-").  Prints "N lines, N bad"
   (bad: not JSON, or not an object) and exits 0, or 2 if the input
   cannot be read.

   --arena: jansson allocates from a buffer that is reset after each
   line (json_set_alloc_funcs), instead of with malloc; ehlog's reader
   does much the same (lib/jsonload.c, which also keeps a header on each
   block and feeds jansson through json_load_callback).  What is left is the lexer and the building
   of values: the floor under any reader that decodes every record with
   jansson.

   Build: cc -O2 -Wall -Wextra bench/jansson-loop.c -ljansson -o jansson-loop  */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The arena: blocks are cut from BUF until it is full, then come from
   malloc; freeing a block of BUF does nothing, and the next line starts
   BUF over (every value of a line is freed by then).  */
enum { ARENA_SIZE = 1 << 20 };
static _Alignas (max_align_t) char arena[ARENA_SIZE];
static size_t arena_used;

static void *
arena_malloc (size_t size)
{
  size_t whole = (size + sizeof (max_align_t) - 1)
                 / sizeof (max_align_t) * sizeof (max_align_t);
  if (whole < size || whole > ARENA_SIZE - arena_used)
    return malloc (size);
  void *p = arena + arena_used;
  arena_used += whole;
  return p;
}

static void
arena_free (void *p)
{
  /* As integers: comparing pointers into different objects is
     undefined.  */
  uintptr_t at = (uintptr_t) p, start = (uintptr_t) arena;
  if (at < start || at - start >= ARENA_SIZE)
    free (p);
}

int
main (int argc, char **argv)
{
  bool use_arena = argc > 1 && strcmp (argv[1], "--arena") == 0;
  if (use_arena)
    {
      argc--;
      argv++;
      json_set_alloc_funcs (arena_malloc, arena_free);
    }
  const char *name = argc > 1 ? argv[1] : "-";
  FILE *in = stdin;
  if (argc > 2)
    {
      fputs ("usage: jansson-loop [--arena] [FILE]\n", stderr);
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
      arena_used = 0;
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
