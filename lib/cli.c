/* cli.c - start-up, diagnostics and the end of every ehlog program.  */
#include <config.h>

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "close-stream.h"
#include "jsonload.h"
#include "progname.h"

/* Set when a reader closed our output pipe.  Output stops quietly then:
   a consumer like "head -1" is entitled to stop reading.  */
static volatile sig_atomic_t pipe_closed;

/* The program's name without its directory.  */
static const char *prog = "ehlog";

static void
note_pipe_closed (int sig)
{
  (void) sig;
  pipe_closed = 1;
}

/* A file at its size limit (ulimit -f): the write fails with EFBIG, and
   is reported like any other, instead of SIGXFSZ killing the program
   before it can cut back an append or remove a half-written report.  A
   handler rather than SIG_IGN, so that an editor started from here gets
   the default back.  */
static void
ignore_size_limit_signal (int sig)
{
  (void) sig;
}

/* A standard stream the caller closed keeps its descriptor taken, or the
   next file opened (a temporary file, say) would become standard input or
   output by accident and be read or written as such.  It is taken by a
   descriptor that only names the root folder: reading or writing it
   still fails with EBADF, as when closed, and opening it again by name
   (/dev/stdin, /dev/stdout) gives a folder, which cannot be read as
   records or written to.  */
static void
hold_closed_std_fds (void)
{
#ifdef O_PATH
  int how = O_PATH | O_DIRECTORY;
#else
  int how = O_RDONLY | O_DIRECTORY;
#endif
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
    if (fcntl (fd, F_GETFD) == -1 && errno == EBADF)
      {
        /* The lowest free descriptor: FD, the ones below it are open.  */
        int got = open ("/", how);
        if (got >= 0 && got != fd)
          close (got);
      }
}

void
ehl_cli_init (int argc, char **argv)
{
  (void) argc;
  hold_closed_std_fds ();
  set_program_name (argv[0]);
  const char *slash = strrchr (argv[0], '/');
  prog = slash ? slash + 1 : argv[0];
  /* getopt names the program by argv[0]: the short name, as every other
     message does.  */
  argv[0] = (char *) prog;
  /* Only the parts of the locale ehlog uses: the character set (UTF-8 or
     not) and the language of system messages.  Numbers, dates and sorting
     are always done the C way, whatever the locale says about decimal
     points; and loading every category costs start-up time that scripts
     calling a tool in a loop would pay each time.  */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  ehl_json_init ();

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = note_pipe_closed;
  /* The write that raised either signal fails all the same (EPIPE,
     EFBIG); one sent from outside must not break a read or a wait.  */
  sa.sa_flags = SA_RESTART;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGPIPE, &sa, NULL);
  /* Left ignored if it is (as a caller may want it).  */
  struct sigaction xfsz;
  if (sigaction (SIGXFSZ, NULL, &xfsz) == 0 && xfsz.sa_handler != SIG_IGN)
    {
      sa.sa_handler = ignore_size_limit_signal;
      sigaction (SIGXFSZ, &sa, NULL);
    }
}

const char *
ehl_program (void)
{
  return prog;
}

/* Has a message on stderr said that memory ran out?  Then ehl_finish
   need not say it again.  */
static bool memory_said;

/* Do these LEN bytes say that memory ran out?  */
static bool
says_out_of_memory (const char *text, size_t len)
{
  static const char ours[] = "memory exhausted";
  const char *libc = strerror (ENOMEM);
  return memmem (text, len, ours, sizeof ours - 1)
         || memmem (text, len, libc, strlen (libc));
}

static void
note_memory_message (const char *fmt, va_list ap)
{
  char msg[512];
  va_list copy;
  va_copy (copy, ap);
  vsnprintf (msg, sizeof msg, fmt, copy);
  va_end (copy);
  if (says_out_of_memory (msg, strlen (msg)))
    memory_said = true;
}

static void
vwarn_to (FILE *out, const char *file, long line, const char *fmt, va_list ap)
{
  if (!out)
    return;
  if (out == stderr)
    {
      fflush (stdout);
      note_memory_message (fmt, ap);
    }
  fprintf (out, "%s: ", ehl_program ());
  if (file)
    {
      if (line > 0)
        fprintf (out, "%s:%ld: ", file, line);
      else
        fprintf (out, "%s: ", file);
    }
  vfprintf (out, fmt, ap);
  fputc ('\n', out);
}

static void
vwarn_at (const char *file, long line, const char *fmt, va_list ap)
{
  vwarn_to (stderr, file, line, fmt, ap);
}

void
ehl_warn_to (FILE *out, const char *file, long line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vwarn_to (out, file, line, fmt, ap);
  va_end (ap);
}

void
ehl_say_collected (const char *text, size_t len)
{
  fflush (stdout);
  fwrite (text, 1, len, stderr);
  if (says_out_of_memory (text, len))
    memory_said = true;
}

bool
ehl_memstream_close (FILE *mem, char *const *buf)
{
  bool ok = !ferror (mem);
  ok &= fclose (mem) == 0;
  ok &= *buf != NULL;
  if (!ok)
    ehl_alloc_failed ();
  return ok;
}

void
ehl_warn (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vwarn_at (NULL, 0, fmt, ap);
  va_end (ap);
}

void
ehl_warn_at (const char *file, long line, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vwarn_at (file, line, fmt, ap);
  va_end (ap);
}

int
ehl_usage_error (void)
{
  fprintf (stderr, "Try '%s --help' for more information.\n", ehl_program ());
  return EHL_EXIT_TROUBLE;
}

int
ehl_usage_fail (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vwarn_at (NULL, 0, fmt, ap);
  va_end (ap);
  return ehl_usage_error ();
}

void
ehl_print_version (void)
{
  printf ("%s (ehlog) %s\n", ehl_program (), PACKAGE_VERSION);
  fputs ("License: MIT.\n"
         "This is free software: you are free to change and redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n", stdout);
}

bool
ehl_help_or_version (int c, void (*usage) (int status))
{
  if (c == EHL_OPT_HELP)
    usage (EHL_EXIT_OK);
  else if (c == EHL_OPT_VERSION)
    ehl_print_version ();
  else
    return false;
  return true;
}

void
ehl_print_help_tail (void)
{
  fputs ("      --help     display this help and exit\n"
         "      --version  output version information and exit\n", stdout);
  printf ("\nExit status: 0 success, 1 findings (where the manual says so),"
          " 2 trouble.\nSee %s(1) and ehlog(7) for the full manual.\n",
          ehl_program ());
}

bool
ehl_stdout_failed (void)
{
  return pipe_closed || ferror (stdout);
}

/* Why the first write to fail failed (0: none did).  */
static int write_errno;

static void
note_write_error (void)
{
  if (!write_errno)
    write_errno = errno;
}

bool
ehl_fwrite (const void *buf, size_t len, FILE *out)
{
  if (len == 0 || fwrite (buf, 1, len, out) == len)
    return true;
  note_write_error ();
  return false;
}

bool
ehl_flush_stdout (void)
{
  if (fflush (stdout) != 0)
    {
      note_write_error ();
      return false;
    }
  return !ferror (stdout);
}

int
ehl_finish (int status)
{
  /* The backstop: jansson lets some failed allocations pass silently (a
     member left out of a copy), so what was written may be short of
     something even where no step noticed.  */
  if (ehl_alloc_failures () > 0)
    {
      if (!memory_said)
        ehl_warn ("memory exhausted");
      status = EHL_EXIT_TROUBLE;
    }
  if (close_stream (stdout) == 0)
    return status;
  /* A stream that failed before, with nothing left to flush, closes
     with errno 0: the reason is the first failed write's.  */
  int err = errno ? errno : write_errno;
  if (!pipe_closed && err != EPIPE)
    {
      if (err)
        ehl_warn ("write error: %s", strerror (err));
      else
        ehl_warn ("write error");
      return EHL_EXIT_TROUBLE;
    }
  return status;
}

bool
ehl_parse_count (const char *s, long *out)
{
  char *end;
  if (!s || !*s || *s == '-' || *s == '+')
    return false;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || *end || v < 0)
    return false;
  *out = v;
  return true;
}
