/* cli.h - conventions every ehlog program shares: start-up, diagnostics,
   --help/--version, exit statuses, closing standard output.  */
#ifndef EHLOG_CLI_H
#define EHLOG_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses (DESIGN.md).  */
enum
{
  EHL_EXIT_OK = 0,          /* success */
  EHL_EXIT_FOUND = 1,       /* ran fine, but found shortfalls */
  EHL_EXIT_TROUBLE = 2      /* usage, input or output error */
};

/* Set the program name and locale.  Call first in main.  */
void ehl_cli_init (int argc, char **argv);

/* The program name without directory, for messages.  */
const char *ehl_program (void);

/* "prog: message" on stderr.  */
void ehl_warn (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* "prog: FILE:LINE: message" on stderr (LINE omitted when 0).  FILE is
   the name the user gave ("-" is shown as "-").  */
void ehl_warn_at (const char *file, long line, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Like ehl_warn_at, to OUT instead of stderr (NULL: nothing said).  */
void ehl_warn_to (FILE *out, const char *file, long line, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

/* "Try 'prog --help' for more information." on stderr; returns
   EHL_EXIT_TROUBLE so a caller can write return ehl_usage_error ();  */
int ehl_usage_error (void);

/* Like ehl_usage_error, after "prog: MESSAGE".  */
int ehl_usage_fail (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Print "prog (ehlog) VERSION" and the licence lines on stdout.  */
void ehl_print_version (void);

/* If C is the code of --help or --version, answer it (--help by calling
   USAGE (EHL_EXIT_OK)) and return true.  */
bool ehl_help_or_version (int c, void (*usage) (int status));

/* Print the common tail of --help: the shared options and where to
   report bugs / read more.  */
void ehl_print_help_tail (void);

/* fwrite LEN bytes of BUF to OUT; false if they were not all written.
   The first failure's errno is kept for ehl_finish: a stream written in
   big pieces that bypass its buffer can fail with nothing left to flush
   at the end, and then closes with no reason to give.  For the main
   thread only.  */
bool ehl_fwrite (const void *buf, size_t len, FILE *out);

/* Close MEM, a stream from open_memstream (&BUF, ...); false if what was
   written to it is not all in BUF.  glibc's fclose itself may fail to
   give back the text (its last realloc fails: BUF is then NULL and
   fclose still returns 0).  A failure is counted as a failed allocation
   (ehl_alloc_failures), so ehl_finish says memory ran out.  */
bool ehl_memstream_close (FILE *mem, char *const *buf);

/* Write LEN bytes of diagnostics collected in a buffer (a memstream
   given to ehl_warn_to) to stderr, as if said there directly.  */
void ehl_say_collected (const char *text, size_t len);

/* Flush and close standard output, report a write error, and return the
   program's final status: STATUS, or EHL_EXIT_TROUBLE if output failed.
   A reader that closed the pipe early (EPIPE) is not an error.  Call as
   "return ehl_finish (status);" at the end of main.
   If any allocation failed on the way (jsonload.h counts them), the
   status is EHL_EXIT_TROUBLE too, and "memory exhausted" is said unless
   a message on stderr said so already.  */
int ehl_finish (int status);

/* True when standard output has already failed with an error other than
   EPIPE; long-running loops may stop early.  */
bool ehl_stdout_failed (void);

/* Flush standard output now: false if it has failed (the reason is kept
   for ehl_finish to report).  */
bool ehl_flush_stdout (void);

/* Parse a non-negative decimal number option value; false if not one.  */
bool ehl_parse_count (const char *s, long *out);

/* Standard long option codes shared by every program.  */
enum
{
  EHL_OPT_HELP = 0x1000,
  EHL_OPT_VERSION
};
#define EHL_COMMON_LONG_OPTIONS \
  { "help", no_argument, NULL, EHL_OPT_HELP }, \
  { "version", no_argument, NULL, EHL_OPT_VERSION }

#endif
