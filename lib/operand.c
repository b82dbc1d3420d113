/* operand.c - operands and standard input (see operand.h).  */
#include <config.h>

#include "operand.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define STDIN_OPERAND "-"
#define STDIN_NAME "<stdin>"
/* Opening it opens standard input's file anew (Linux: /proc/self/fd/0),
   with its own offset, when that is a regular file.  */
#define STDIN_PATH "/dev/stdin"

char *const ehl_stdin_operands[1] = { (char *) STDIN_OPERAND };

bool
ehl_operand_is_stdin (const char *operand)
{
  return strcmp (operand, STDIN_OPERAND) == 0;
}

bool
ehl_operand_stdin_again (char *const *files, int i)
{
  if (!ehl_operand_is_stdin (files[i]))
    return false;
  while (i-- > 0)
    if (ehl_operand_is_stdin (files[i]))
      return true;
  return false;
}

const char *
ehl_operand_name (const char *operand)
{
  return ehl_operand_is_stdin (operand) ? STDIN_NAME : operand;
}

const char *
ehl_operand_path (const char *operand)
{
  return ehl_operand_is_stdin (operand) ? STDIN_PATH : operand;
}

/* Standard input's size, if it is a regular file not read yet that
   STDIN_PATH opens too; else -1.  */
static off_t
stdin_size (void)
{
  struct stat in, path;
  if (fstat (STDIN_FILENO, &in) != 0 || !S_ISREG (in.st_mode)
      || ftello (stdin) != 0)
    return -1;
  /* Opened, not just looked at: a file the shell could open may be one
     this user cannot (sudo -u ... < file).  */
  int fd = open (STDIN_PATH, O_RDONLY | O_CLOEXEC);
  bool same = fd >= 0 && fstat (fd, &path) == 0
              && path.st_dev == in.st_dev && path.st_ino == in.st_ino;
  if (fd >= 0)
    close (fd);
  return same ? in.st_size : -1;
}

off_t
ehl_operand_size (const char *operand)
{
  struct stat st;
  if (ehl_operand_is_stdin (operand))
    return stdin_size ();
  return stat (operand, &st) == 0 && S_ISREG (st.st_mode) ? st.st_size : -1;
}

const char *
ehl_temp_dir (void)
{
  const char *dir = getenv ("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

FILE *
ehl_temp_file (const char *prefix)
{
  char *path = NULL;
  FILE *f = NULL;
  if (asprintf (&path, "%s/%s.XXXXXX", ehl_temp_dir (), prefix) < 0)
    {
      errno = ENOMEM;
      return NULL;
    }
  int fd = mkstemp (path);      /* mode 0600 */
  if (fd >= 0)
    {
      unlink (path);
      if (!(f = fdopen (fd, "w+")))
        {
          int err = errno;
          close (fd);
          errno = err;
        }
    }
  free (path);
  return f;
}

static bool
reads_stdin (char *const *files, int nfiles)
{
  for (int i = 0; i < nfiles; i++)
    if (ehl_operand_is_stdin (files[i]))
      return true;
  return nfiles <= 0;
}

/* Whether standard input cannot be read again from its start as it is.
   A terminal or /dev/null is left alone: there is nothing to gain.  */
static bool
needs_spool (void)
{
  struct stat st;
  if (fstat (STDIN_FILENO, &st) != 0)
    return false;               /* no standard input: the reader says so */
  if (S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode))
    return true;
  return S_ISREG (st.st_mode) && stdin_size () < 0;
}

/* Copy what is left of standard input to OUT.  */
static bool
copy_stdin (FILE *out)
{
  enum { BUFSIZE = 1 << 17 };
  char *buf = malloc (BUFSIZE);
  if (!buf)
    {
      ehl_warn ("memory exhausted");
      return false;
    }
  size_t got;
  bool ok = true;
  while (ok && (got = fread (buf, 1, BUFSIZE, stdin)) > 0)
    ok = fwrite (buf, 1, got, out) == got;
  int err = errno;
  free (buf);
  if (ferror (stdin))
    {
      ehl_warn_at (STDIN_NAME, 0, "read error: %s", strerror (err));
      return false;
    }
  if (ok && fflush (out) != 0)
    {
      ok = false;
      err = errno;
    }
  if (!ok)
    ehl_warn ("%s: cannot keep a copy of standard input: %s",
              ehl_temp_dir (), strerror (err));
  return ok;
}

/* Read standard input from its start again (it is a regular file).  */
static bool
rewind_stdin (void)
{
  clearerr (stdin);
  if (fseeko (stdin, 0, SEEK_SET) == 0)
    return true;
  ehl_warn_at (STDIN_NAME, 0, "%s", strerror (errno));
  return false;
}

bool
ehl_stdin_spool (char *const *files, int nfiles)
{
  if (!reads_stdin (files, nfiles) || !needs_spool ())
    return true;
  FILE *copy = ehl_temp_file ("ehlog-stdin");
  if (!copy)
    return true;                /* read as it comes */
  bool ok = copy_stdin (copy);
  if (ok && dup2 (fileno (copy), STDIN_FILENO) < 0)
    {
      ehl_warn ("standard input: %s", strerror (errno));
      ok = false;
    }
  fclose (copy);                /* standard input holds it open now */
  return ok && rewind_stdin ();
}
