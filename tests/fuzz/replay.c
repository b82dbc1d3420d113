/* replay - run a fuzz entry point over corpus files without a fuzzing
   engine, so "make check" replays every seed and every past finding.
   Usage: replay FILE|DIR...  Prints "N passed, 0 failed": a crash is the
   only way to fail, and it stops the program.  */
#include <config.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static long replayed;

static int
replay_file (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (!f)
    {
      perror (path);
      return 1;
    }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;)
    {
      if (len == cap)
        {
          cap = cap ? cap * 2 : 4096;
          uint8_t *grown = realloc (buf, cap);
          if (!grown)
            {
              fclose (f);
              free (buf);
              return 1;
            }
          buf = grown;
        }
      size_t got = fread (buf + len, 1, cap - len, f);
      if (got == 0)
        break;
      len += got;
    }
  fclose (f);
  LLVMFuzzerTestOneInput (buf, len);
  free (buf);
  replayed++;
  return 0;
}

static int
replay (const char *path)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      perror (path);
      return 1;
    }
  if (!S_ISDIR (st.st_mode))
    return replay_file (path);
  struct dirent **names;
  int n = scandir (path, &names, NULL, alphasort), errors = 0;
  for (int i = 0; i < n; i++)
    {
      if (names[i]->d_name[0] != '.')
        {
          char *sub = malloc (strlen (path) + strlen (names[i]->d_name) + 2);
          if (!sub)
            return 1;
          sprintf (sub, "%s/%s", path, names[i]->d_name);
          errors += replay (sub);
          free (sub);
        }
      free (names[i]);
    }
  free (names);
  return errors;
}

int
main (int argc, char **argv)
{
  int errors = 0;
  for (int i = 1; i < argc; i++)
    errors += replay (argv[i]);
  printf ("%ld passed, %d failed\n", replayed, errors);
  return errors != 0;
}
