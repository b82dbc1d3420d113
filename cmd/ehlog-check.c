/* ehlog-check - validate ehlog records against the record contract.  */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "parallel.h"
#include "record.h"

static void
usage (int status)
{
  if (status != EHL_EXIT_OK)
    {
      ehl_usage_error ();
      return;
    }
  printf ("Usage: %s [OPTION]... [FILE]...\n", ehl_program ());
  fputs ("Check ehlog records (newline-delimited JSON) against the record\n"
         "contract of ehlog(7), and report every problem as FILE:LINE.\n"
         "With no FILE, or when FILE is -, read standard input.\n"
         "\n"
         "  -s, --strict   also report unknown fields and unknown record types,\n"
         "                 and ids that do not match the record's content\n"
         "  -q, --quiet    print no summary line\n"
         "  -j, --jobs=N   check with N threads (default: one per processor)\n",
         stdout);
  ehl_print_help_tail ();
}

/* Checking is all the reader does: a valid record is simply let go.  */
static bool
discard (void *state, struct ehl_record *rec)
{
  (void) state;
  json_decref (rec->json);
  return true;
}

int
main (int argc, char **argv)
{
  static const struct option long_options[] = {
    { "strict", no_argument, NULL, 's' },
    { "quiet", no_argument, NULL, 'q' },
    { "jobs", required_argument, NULL, 'j' },
    EHL_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 }
  };
  unsigned mode = EHL_READ_VALIDATE;
  bool quiet = false;
  long jobs = ehl_cpu_count ();
  int c;

  ehl_cli_init (argc, argv);
  while ((c = getopt_long (argc, argv, "sqj:", long_options, NULL)) != -1)
    switch (c)
      {
      case 's':
        mode |= EHL_READ_STRICT;
        break;
      case 'q':
        quiet = true;
        break;
      case 'j':
        if (!ehl_parse_count (optarg, &jobs) || jobs < 1 || jobs > EHL_MAX_JOBS)
          return ehl_usage_fail ("--jobs takes a number from 1 to %d", EHL_MAX_JOBS);
        break;
      default:
        if (ehl_help_or_version (c, usage))
          return ehl_finish (EHL_EXIT_OK);
        usage (EHL_EXIT_TROUBLE);
        return EHL_EXIT_TROUBLE;
      }

  void *states[EHL_MAX_JOBS] = { NULL };
  struct ehl_read_stats st = { 0 };
  if (!ehl_read_parallel (argv + optind, argc - optind, mode, (int) jobs,
                          states, discard, &st))
    {
      ehl_warn ("memory exhausted");
      return EHL_EXIT_TROUBLE;
    }
  if (!quiet)
    fprintf (stderr, "%s: %ld records, %ld invalid\n", ehl_program (),
             st.lines, st.bad);
  int status = st.io_errors ? EHL_EXIT_TROUBLE
               : st.bad ? EHL_EXIT_FOUND : EHL_EXIT_OK;
  return ehl_finish (status);
}
