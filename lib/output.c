/* output.c - records out: to stdout, appended to a case file, or into a
   file replaced atomically.  */
#include <config.h>

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "jsonload.h"

enum { DUMP_FLAGS = JSON_COMPACT | JSON_PRESERVE_ORDER };

char *
ehl_record_line (json_t *rec)
{
  return ehl_json_dumps (rec, DUMP_FLAGS);
}

static int
to_stream (const char *buf, size_t len, void *out)
{
  return fwrite (buf, 1, len, out) == len ? 0 : -1;
}

bool
ehl_write_record (FILE *out, json_t *rec)
{
  return json_dump_callback (rec, to_stream, out, DUMP_FLAGS) == 0
         && putc ('\n', out) != EOF;
}

/* write(2) all of BUF.  One call writes it whole unless the file cannot
   take it all; the rest is then written too, so that the error that
   stopped it (ENOSPC, EFBIG, EDQUOT) is the one reported.  */
static bool
write_whole (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, buf, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          if (w == 0)
            errno = EIO;        /* no progress and no reason given */
          return false;
        }
      buf += w;
      len -= (size_t) w;
    }
  return true;
}

/* Does the file FD, SIZE bytes long, end without a newline (a writer
   killed part way through its line)?  1 yes, 0 no, -1 error (errno set):
   the last byte could not be read.  */
static int
ends_mid_line (int fd, off_t size)
{
  if (size <= 0)
    return 0;
  char last;
  ssize_t r;
  do
    r = pread (fd, &last, 1, size - 1);
  while (r < 0 && errno == EINTR);
  if (r == 1)
    return last != '\n';
  if (r == 0)
    errno = EIO;                /* shorter than fstat said, under a lock */
  return -1;
}

static bool
append_locked (int fd, json_t *const *recs, size_t n)
{
  struct stat st;
  if (fstat (fd, &st) != 0)
    return false;
  off_t start = st.st_size;
  /* End a torn last line first, so that the new records start on a line
     of their own and the torn one stays a line that readers report.  */
  int torn = ends_mid_line (fd, start);
  bool ok = torn >= 0;
  if (torn > 0)
    ok = write_whole (fd, "\n", 1);
  for (size_t i = 0; ok && i < n; i++)
    {
      char *line = ehl_record_line (recs[i]);
      size_t len = line ? strlen (line) : 0;
      char *whole = line ? realloc (line, len + 2) : NULL;
      if (!whole)
        {
          free (line);
          errno = ENOMEM;
          ok = false;
          break;
        }
      whole[len] = '\n';
      ok = write_whole (fd, whole, len + 1);
      free (whole);
    }
  if (ok)
    ok = fsync (fd) == 0;
  if (!ok)
    {
      int err = errno;
      if (ftruncate (fd, start) == 0)
        fsync (fd);
      errno = err;
    }
  return ok;
}

/* Make FD, a file just made (or one still empty), 0600 if the umask
   left it short of that: a umask of 0277 would leave a file its owner
   could not append to next time.  Only a hint: a file system that has
   no modes (FAT refuses the change) keeps what it has.  */
static void
make_private (int fd)
{
  struct stat st;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode)
      && (st.st_mode & 07777) != 0600)
    (void) !fchmod (fd, 0600);
}

/* Is PATH a symbolic link to no file yet?  */
static bool
link_to_nothing (const char *path)
{
  struct stat st;
  return lstat (path, &st) == 0 && S_ISLNK (st.st_mode)
         && stat (path, &st) != 0 && errno == ENOENT;
}

/* Open PATH to append to, creating it with mode 0600 if it is not
   there.  A file that is there keeps its mode.  Never removes anything:
   another program may have appended to a file the moment it was made.  */
static int
open_for_append (const char *path)
{
  const int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NONBLOCK;
  int fd = open (path, flags | O_CREAT | O_EXCL, 0600);
  if (fd >= 0)
    {
      make_private (fd);
      return fd;
    }
  if (errno != EEXIST)
    return -1;
  /* O_EXCL does not follow a symbolic link: one to no file yet makes
     that file here, and it is ours to make private if it is still
     empty.  */
  bool made = link_to_nothing (path);
  fd = open (path, flags | O_CREAT, 0600);
  struct stat st;
  if (made && fd >= 0 && fstat (fd, &st) == 0 && st.st_size == 0
      && st.st_uid == geteuid ())
    make_private (fd);
  return fd;
}

bool
ehl_append_records (const char *path, json_t *const *recs, size_t n)
{
  /* Read as well as write: the last byte tells whether the file ends
     mid-line.  Not blocking on a named pipe: it is refused below.  */
  int fd = open_for_append (path);
  if (fd < 0)
    {
      ehl_warn_at (path, 0, "cannot open for appending: %s", strerror (errno));
      return false;
    }
  /* Only a file can be cut back or synced: a record written to a pipe or
     a device could be neither taken back nor made sure of.  */
  struct stat st;
  const char *refused = fstat (fd, &st) != 0 ? strerror (errno)
                        : !S_ISREG (st.st_mode) ? "not a regular file" : NULL;
  if (refused)
    {
      ehl_warn_at (path, 0, "cannot append: %s", refused);
      close (fd);
      return false;
    }
  int rc;
  do
    rc = flock (fd, LOCK_EX);
  while (rc != 0 && errno == EINTR);
  /* A file at its size limit fails with EFBIG (ehl_cli_init handles
     SIGXFSZ), and is cut back.  */
  bool ok = rc == 0 && append_locked (fd, recs, n);
  int err = errno;
  if (close (fd) != 0 && ok)
    {
      ok = false;
      err = errno;
    }
  if (!ok)
    ehl_warn_at (path, 0, "append failed, nothing added: %s",
                 strerror (err));
  return ok;
}

/* Open T->path, which exists and is not a regular file, to write to as
   it is, as a shell's redirection would: through a symbolic link (a
   dangling one makes its file, mode 0600), into a device or a named
   pipe.  */
static bool
open_directly (struct ehl_tmpfile *t)
{
  struct stat want, out;
  int fd;
  if (stat (t->path, &want) == 0 && fstat (STDOUT_FILENO, &out) == 0
      && want.st_dev == out.st_dev && want.st_ino == out.st_ino)
    {
      /* Standard output itself (/dev/stdout): written as the shell
         opened it, appending if it appends.  Closed, it is held by a
         descriptor that cannot write (ehl_cli_init): say so as a write
         to it would, not as fdopen would (EINVAL).  */
      fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
      int flags = fd >= 0 ? fcntl (fd, F_GETFL) : -1;
      if (flags >= 0 && (flags & O_ACCMODE) == O_RDONLY)
        {
          close (fd);
          fd = -1;
          errno = EBADF;
        }
    }
  else
    {
      fd = open (t->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      /* Only a regular file is emptied (O_TRUNC would act on others).  */
      if (fd >= 0 && fstat (fd, &out) == 0 && S_ISREG (out.st_mode)
          && ftruncate (fd, 0) != 0)
        {
          int err = errno;
          close (fd);
          errno = err;
          fd = -1;
        }
    }
  if (fd < 0 || !(t->out = fdopen (fd, "w")))
    {
      ehl_warn_at (t->path, 0, "cannot open: %s", strerror (errno));
      if (fd >= 0)
        close (fd);
      ehl_abandon_file (t);
      return false;
    }
  return true;
}

/* A temporary file beside T->path: same file system, so the final
   rename is atomic.  */
static bool
open_beside (struct ehl_tmpfile *t)
{
  const char *path = t->path;
  if (!(t->tmp = malloc (strlen (path) + sizeof ".XXXXXX" + 1)))
    {
      ehl_warn_at (path, 0, "%s", strerror (ENOMEM));
      ehl_abandon_file (t);
      return false;
    }
  const char *slash = strrchr (path, '/');
  size_t dirlen = slash ? (size_t) (slash - path + 1) : 0;
  sprintf (t->tmp, "%.*s.%s.XXXXXX", (int) dirlen, path, path + dirlen);
  int fd = mkstemp (t->tmp);    /* mkstemp creates with mode 0600 */
  if (fd < 0 || !(t->out = fdopen (fd, "w")))
    {
      ehl_warn_at (path, 0, "cannot create: %s", strerror (errno));
      if (fd >= 0)
        {
          close (fd);
          unlink (t->tmp);
        }
      free (t->tmp);
      t->tmp = NULL;
      ehl_abandon_file (t);
      return false;
    }
  return true;
}

bool
ehl_create_file (struct ehl_tmpfile *t, const char *path)
{
  memset (t, 0, sizeof *t);
  if (!(t->path = strdup (path)))
    {
      ehl_warn_at (path, 0, "%s", strerror (ENOMEM));
      return false;
    }
  struct stat st;
  if (lstat (path, &st) != 0 || S_ISREG (st.st_mode))
    return open_beside (t);
  if (S_ISDIR (st.st_mode))
    {
      ehl_warn_at (path, 0, "cannot create: %s", strerror (EISDIR));
      ehl_abandon_file (t);
      return false;
    }
  return open_directly (t);
}

/* "PATH: WHAT, file not replaced: REASON" ("file not replaced" only
   when one was to be, no reason when ERR is 0), and give T up.  */
static void
give_up (struct ehl_tmpfile *t, const char *what, int err)
{
  const char *not_replaced = t->tmp ? ", file not replaced" : "";
  if (err)
    ehl_warn_at (t->path, 0, "%s%s: %s", what, not_replaced, strerror (err));
  else
    ehl_warn_at (t->path, 0, "%s%s", what, not_replaced);
  ehl_abandon_file (t);
}

bool
ehl_commit_file (struct ehl_tmpfile *t)
{
  /* What is written directly may be a pipe or a device, which cannot be
     synced (EINVAL); a file through a link is.  */
  bool ok = fflush (t->out) == 0 && !ferror (t->out)
            && (fsync (fileno (t->out)) == 0 || (!t->tmp && errno == EINVAL));
  int err = errno;
  if (fclose (t->out) != 0 && ok)
    {
      ok = false;
      err = errno;
    }
  t->out = NULL;
  if (ok && t->tmp && rename (t->tmp, t->path) != 0)
    {
      ok = false;
      err = errno;
    }
  if (!ok)
    {
      give_up (t, "write error", err);
      return false;
    }
  free (t->tmp);                /* renamed: nothing left to remove */
  t->tmp = NULL;
  ehl_abandon_file (t);
  return true;
}

void
ehl_fail_file (struct ehl_tmpfile *t, bool write_error)
{
  /* Writing what is left again fails again, for the same reason.  */
  int err = write_error && fflush (t->out) != 0 ? errno : 0;
  give_up (t, write_error ? "write error" : "memory exhausted", err);
}

void
ehl_abandon_file (struct ehl_tmpfile *t)
{
  if (t->out)
    fclose (t->out);
  if (t->tmp)
    unlink (t->tmp);
  free (t->tmp);
  free (t->path);
  memset (t, 0, sizeof *t);
}
