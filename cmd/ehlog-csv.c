/* ehlog-csv - CSV in and out: a case system's export to ehlog records,
   and records to a spreadsheet.  */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "csvin.h"
#include "csvout.h"
#include "grow.h"
#include "jsonload.h"
#include "operand.h"
#include "output.h"
#include "record.h"
#include "table.h"

enum mode { MODE_NONE, MODE_RECORDS, MODE_CSV };

struct options
{
  enum mode mode;
  enum ehl_type types[EHL_T_COUNT];
  int ntypes;
  char **maps;
  size_t nmaps;
  char list_sep;
  bool uk_dates;
  char *fields;                 /* --fields, as given */
  const char *append;           /* -a FILE */
  struct ehl_csv_opts csv;
  bool bom;
};

enum
{
  OPT_TO_RECORDS = 0x100, OPT_TO_CSV, OPT_LIST_SEP, OPT_UK_DATES, OPT_CRLF,
  OPT_BOM
};

static void
usage (int status)
{
  if (status != EHL_EXIT_OK)
    {
      ehl_usage_error ();
      return;
    }
  printf ("Usage: %s --to-records -t TYPE [OPTION]... [FILE]...\n"
          "  or:  %s --to-csv [OPTION]... [FILE]...\n", ehl_program (),
          ehl_program ());
  fputs ("Turn CSV (a case system's export, a spreadsheet) into ehlog\n"
         "records of one type, or ehlog records into CSV.\n"
         "With no FILE, or when FILE is -, read standard input.\n"
         "\n"
         "      --to-records       CSV in, records (NDJSON) out\n"
         "      --to-csv           records in, CSV out\n"
         "  -t, --type=TYPE        --to-records: the type of every record;\n"
         "                         --to-csv: only records of TYPE\n"
         "                         (repeatable)\n"
         "  -m, --map=COLUMN=FIELD  column COLUMN gives FIELD (dotted for\n"
         "                         parts: child.name, domains.harm,\n"
         "                         children.0.ref); an empty FIELD drops it\n"
         "      --list-sep=C       list items are separated by C (default ;)\n"
         "      --uk-dates         CSV dates may be DD/MM/YYYY\n"
         "  -a, --append=FILE      append the records to FILE, all or none\n"
         "  -f, --fields=A,B,...   --to-csv: these columns, in this order\n"
         "                         (default: every field, first seen first)\n"
         "      --crlf             end CSV rows with CR LF\n"
         "      --bom              start with a byte-order mark (for Excel)\n",
         stdout);
  ehl_print_help_tail ();
}

static bool
parse_list_sep (const char *arg, char *sep)
{
  unsigned char ch = (unsigned char) arg[0];
  if (ch == 0 || arg[1] != '\0' || ch >= 0x80 || strchr (",\"[\r\n", ch))
    return false;
  *sep = (char) ch;
  return true;
}

static bool
add_type (struct options *o, const char *name)
{
  enum ehl_type t = ehl_type_from_name (name);
  if (t == EHL_T_UNKNOWN)
    return false;
  if (o->ntypes < EHL_T_COUNT)
    o->types[o->ntypes++] = t;
  return true;
}

/* Each --map's field is a field of the type, and no column is mapped
   twice.  */
static bool
check_maps (const struct options *o)
{
  char buf[256];
  for (size_t i = 0; i < o->nmaps; i++)
    {
      const char *why = ehl_csvin_map_problem (o->types[0], o->maps[i], buf,
                                               sizeof buf);
      if (why)
        {
          ehl_usage_fail ("--map: %s", why);
          return false;
        }
      size_t col = (size_t) (strrchr (o->maps[i], '=') - o->maps[i]);
      for (size_t j = 0; j < i; j++)
        if (strncmp (o->maps[j], o->maps[i], col + 1) == 0
            && strrchr (o->maps[j], '=') == o->maps[j] + col)
          {
            ehl_usage_fail ("--map: the column '%.*s' is mapped twice",
                            (int) col, o->maps[i]);
            return false;
          }
    }
  return true;
}

/* Options that belong to the other direction, or are missing.  */
static bool
check_mode (const struct options *o)
{
  if (o->mode == MODE_NONE)
    return !ehl_usage_fail ("give --to-records or --to-csv");
  if (o->mode == MODE_RECORDS)
    {
      if (o->ntypes != 1)
        return !ehl_usage_fail ("--to-records needs one --type");
      const char *wrong = o->fields ? "--fields" : o->csv.crlf ? "--crlf"
                          : o->bom ? "--bom" : NULL;
      if (wrong)
        return !ehl_usage_fail ("%s applies only to --to-csv", wrong);
      return check_maps (o);
    }
  const char *wrong = o->nmaps ? "--map" : o->uk_dates ? "--uk-dates"
                      : o->append ? "--append" : NULL;
  if (wrong)
    return !ehl_usage_fail ("%s applies only to --to-records", wrong);
  return true;
}

/* ---- CSV to records ---- */

struct sink
{
  json_t *held;                 /* with -a: the records, appended at the end */
};

static bool
take_record (void *ctx, json_t *rec, const char *file, long line)
{
  (void) file;
  (void) line;
  struct sink *sink = ctx;
  if (sink->held)
    return json_array_append (sink->held, rec) == 0;
  return ehl_write_record (stdout, rec) && !ehl_stdout_failed ();
}

/* Convert one operand; false if conversion must stop.  */
static bool
convert_operand (ehl_csvin *c, const char *operand, bool *io_error)
{
  if (ehl_operand_is_stdin (operand))
    return ehl_csvin_stream (c, stdin, ehl_operand_name (operand));
  FILE *in = fopen (operand, "r");
  if (!in)
    {
      ehl_warn_at (operand, 0, "%s", strerror (errno));
      *io_error = true;
      return true;
    }
  bool go_on = ehl_csvin_stream (c, in, operand);
  fclose (in);
  return go_on;
}

static int
append_held (const char *path, json_t *held, bool input_bad)
{
  size_t n = json_array_size (held);
  if (input_bad)
    {
      ehl_warn ("%s: nothing appended, as the input had errors", path);
      return EHL_EXIT_TROUBLE;
    }
  if (n == 0)
    return EHL_EXIT_OK;
  json_t **recs = malloc (n * sizeof *recs);
  if (!recs)
    {
      ehl_warn ("memory exhausted");
      return EHL_EXIT_TROUBLE;
    }
  for (size_t i = 0; i < n; i++)
    recs[i] = json_array_get (held, i);
  bool ok = ehl_append_records (path, recs, n);
  free (recs);
  return ok ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

static int
to_records (const struct options *o, char **files, int nfiles)
{
  struct ehl_csvin_opts copts = { o->types[0], o->list_sep, o->uk_dates,
                                  o->maps, o->nmaps };
  struct sink sink = { o->append ? json_array () : NULL };
  ehl_csvin *c = ehl_csvin_new (&copts, take_record, &sink);
  if (!c || (o->append && !sink.held))
    {
      ehl_warn ("memory exhausted");
      ehl_csvin_free (c);
      json_decref (sink.held);
      return EHL_EXIT_TROUBLE;
    }
  if (nfiles == 0)
    {
      files = (char **) ehl_stdin_operands;
      nfiles = 1;
    }
  bool io_error = false, go_on = true;
  for (int i = 0; go_on && i < nfiles; i++)
    go_on = convert_operand (c, files[i], &io_error);
  /* Stopped by a failed standard output: ehl_finish has the last word.  */
  bool bad = io_error || ehl_csvin_stats (c)->bad > 0
             || (!go_on && !ehl_stdout_failed ());
  int status = bad ? EHL_EXIT_TROUBLE : EHL_EXIT_OK;
  if (o->append)
    status = append_held (o->append, sink.held, bad);
  ehl_csvin_free (c);
  json_decref (sink.held);
  return status;
}

/* ---- records to CSV ---- */

static bool
wanted (const struct options *o, const struct ehl_record *rec)
{
  if (o->ntypes == 0)
    return true;
  for (int i = 0; i < o->ntypes; i++)
    if (rec->type == o->types[i])
      return true;
  return false;
}

static void
report_clash (const struct ehl_record *rec, const char *name)
{
  ehl_report_problem (rec, ehl_shown_name (name),
                      "two fields give this one CSV column (a"
                      " field name with a dot in it?); record not written");
}

/* The CSV writer failed: if not for the output (which ehl_finish
   reports), then for memory.  */
static void
out_of_memory_unless_output_failed (void)
{
  if (!ehl_stdout_failed ())
    ehl_warn ("memory exhausted");
}

static bool
start_csv (const struct options *o, ehl_csv_writer *w)
{
  if (o->bom)
    fputs ("\xEF\xBB\xBF", stdout);
  if (ehl_csv_write_header (w, stdout))
    return true;
  out_of_memory_unless_output_failed ();
  return false;
}

/* Write REC as a row; false if output failed.  *BAD counts records that
   cannot be rows.  */
static bool
write_row (ehl_csv_writer *w, const struct ehl_record *rec, long *bad)
{
  const char *clash;
  switch (ehl_csv_write_record (w, stdout, rec->json, &clash))
    {
    case EHL_CSV_WRITTEN:
      return !ehl_stdout_failed ();
    case EHL_CSV_CLASH:
      report_clash (rec, clash);
      ++*bad;
      return true;
    default:
      out_of_memory_unless_output_failed ();
      return false;
    }
}

/* --fields given: one pass.  */
static int
csv_named_columns (const struct options *o, ehl_reader *r, long *bad)
{
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (char *save = NULL, *f = strtok_r (o->fields, ",", &save); f;
       f = strtok_r (NULL, ",", &save))
    {
      if (!ehl_grow (&names, &cap, n, sizeof *names))
        {
          free (names);
          ehl_warn ("memory exhausted");
          return EHL_EXIT_TROUBLE;
        }
      names[n++] = f;
    }
  ehl_csv_writer *w = ehl_csv_writer_new ((const char *const *) names, n,
                                          o->list_sep, &o->csv);
  free (names);
  bool ok = w && start_csv (o, w);
  struct ehl_record rec;
  while (ok && ehl_reader_next (r, &rec))
    {
      if (wanted (o, &rec))
        ok = write_row (w, &rec, bad);
      json_decref (rec.json);
    }
  if (!w)
    ehl_warn ("memory exhausted");
  ehl_csv_writer_free (w);
  return ok ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

/* Pass 1: the columns, and the records kept in SPOOL.  */
static bool
spool_records (const struct options *o, ehl_reader *r, ehl_columns *cols,
               FILE *spool, long *bad)
{
  struct ehl_record rec;
  bool ok = true;
  while (ok && ehl_reader_next (r, &rec))
    {
      const char *clash;
      if (wanted (o, &rec))
        {
          if (ehl_columns_add (cols, rec.json, o->list_sep, &clash))
            ok = ehl_write_record (spool, rec.json);
          else if (clash)
            {
              report_clash (&rec, clash);
              ++*bad;
            }
          else
            ok = false;
        }
      json_decref (rec.json);
    }
  if (ok && fflush (spool) == 0 && !ferror (spool))
    return true;
  ehl_warn ("%s: temporary file: %s", ehl_temp_dir (), strerror (errno));
  return false;
}

/* Pass 2: the spooled records as rows.  */
static bool
write_spooled (const struct options *o, ehl_columns *cols, FILE *spool,
               long *bad)
{
  const char *const *names = ehl_columns_names (cols);
  ehl_csv_writer *w = names ? ehl_csv_writer_new (names,
                                                  ehl_columns_count (cols),
                                                  o->list_sep, &o->csv)
                            : NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long n = 0;
  if (!w)
    ehl_warn ("memory exhausted");
  bool ok = w && fseeko (spool, 0, SEEK_SET) == 0;
  ok = ok && (ehl_columns_count (cols) == 0 || start_csv (o, w));
  while (ok && (errno = 0, len = getline (&line, &cap, spool)) > 0)
    {
      /* Lines we wrote ourselves: only memory can make one fail.  */
      struct ehl_record rec = { .json = ehl_json_loadb (line, (size_t) len,
                                                        0, NULL),
                                .file = "temporary file", .line = ++n,
                                .type = EHL_T_UNKNOWN };
      if (!rec.json)
        ehl_warn ("memory exhausted");
      ok = rec.json && write_row (w, &rec, bad);
      json_decref (rec.json);
    }
  if (ok && (ferror (spool) || errno == ENOMEM))
    {
      ehl_warn ("%s: temporary file: %s", ehl_temp_dir (), strerror (errno));
      ok = false;
    }
  free (line);
  ehl_csv_writer_free (w);
  return ok;
}

/* No --fields: two passes over a spool, so that the columns are known
   before the first row and memory stays flat.  */
static int
csv_all_columns (const struct options *o, ehl_reader *r, long *bad)
{
  FILE *spool = ehl_temp_file ("ehlog-csv");
  ehl_columns *cols = ehl_columns_new ();
  bool ok = spool && cols;
  if (!spool)
    ehl_warn ("%s: cannot make a temporary file: %s", ehl_temp_dir (),
              strerror (errno));
  else if (!cols)
    ehl_warn ("memory exhausted");
  ok = ok && spool_records (o, r, cols, spool, bad)
       && write_spooled (o, cols, spool, bad);
  if (spool)
    fclose (spool);
  ehl_columns_free (cols);
  return ok ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
}

static int
to_csv (const struct options *o, char **files, int nfiles)
{
  ehl_reader *r = ehl_reader_new (files, nfiles, EHL_READ_VALIDATE);
  long bad = 0;
  if (!r)
    {
      ehl_warn ("memory exhausted");
      return EHL_EXIT_TROUBLE;
    }
  int status = o->fields ? csv_named_columns (o, r, &bad)
                         : csv_all_columns (o, r, &bad);
  if (ehl_stdout_failed ())
    status = EHL_EXIT_OK;       /* ehl_finish has the last word */
  const struct ehl_read_stats *st = ehl_reader_stats (r);
  if (bad || st->bad || st->io_errors)
    status = EHL_EXIT_TROUBLE;
  ehl_reader_free (r);
  return status;
}

/* ---- options ---- */

/* Does the comma-separated LIST hold NAME (LEN bytes)?  */
static bool
list_has (const char *list, const char *name, size_t len)
{
  for (const char *p = list; p; p = strchr (p, ','), p = p ? p + 1 : NULL)
    if (strcspn (p, ",") == len && strncmp (p, name, len) == 0)
      return true;
  return false;
}

/* --fields: names separated by commas, none empty, none twice.  */
static bool
check_fields (const char *fields)
{
  for (const char *p = fields; p; p = strchr (p, ','), p = p ? p + 1 : NULL)
    {
      size_t len = strcspn (p, ",");
      if (len == 0)
        return !ehl_usage_fail ("--fields: a column name is empty");
      if (p[len] == ',' && list_has (p + len + 1, p, len))
        return !ehl_usage_fail ("--fields: '%.*s' is given twice", (int) len,
                                p);
    }
  return true;
}

/* Parse the command line into O; returns -1 to go on, else an exit
   status.  */
static int
parse_options (int argc, char **argv, struct options *o)
{
  static const struct option long_options[] = {
    { "to-records", no_argument, NULL, OPT_TO_RECORDS },
    { "to-csv", no_argument, NULL, OPT_TO_CSV },
    { "type", required_argument, NULL, 't' },
    { "map", required_argument, NULL, 'm' },
    { "list-sep", required_argument, NULL, OPT_LIST_SEP },
    { "uk-dates", no_argument, NULL, OPT_UK_DATES },
    { "append", required_argument, NULL, 'a' },
    { "fields", required_argument, NULL, 'f' },
    { "crlf", no_argument, NULL, OPT_CRLF },
    { "bom", no_argument, NULL, OPT_BOM },
    EHL_COMMON_LONG_OPTIONS,
    { NULL, 0, NULL, 0 }
  };
  int ch;
  while ((ch = getopt_long (argc, argv, "t:m:a:f:", long_options, NULL)) != -1)
    switch (ch)
      {
      case OPT_TO_RECORDS:
      case OPT_TO_CSV:
        {
          enum mode m = ch == OPT_TO_CSV ? MODE_CSV : MODE_RECORDS;
          if (o->mode != MODE_NONE && o->mode != m)
            return ehl_usage_fail ("give --to-records or --to-csv, not both");
          o->mode = m;
        }
        break;
      case 't':
        if (!add_type (o, optarg))
          return ehl_usage_fail ("--type: unknown record type '%s'", optarg);
        break;
      case 'm':
        o->maps[o->nmaps++] = optarg;
        break;
      case OPT_LIST_SEP:
        if (!parse_list_sep (optarg, &o->list_sep))
          return ehl_usage_fail ("--list-sep must be one ASCII character"
                                 " other than , \" [ and a line break");
        break;
      case OPT_UK_DATES:
        o->uk_dates = true;
        break;
      case 'a':
        o->append = optarg;
        break;
      case 'f':
        if (!check_fields (optarg))
          return EHL_EXIT_TROUBLE;
        o->fields = optarg;
        break;
      case OPT_CRLF:
        o->csv.crlf = true;
        break;
      case OPT_BOM:
        o->bom = true;
        break;
      default:
        if (ehl_help_or_version (ch, usage))
          return EHL_EXIT_OK;
        usage (EHL_EXIT_TROUBLE);
        return EHL_EXIT_TROUBLE;
      }
  return check_mode (o) ? -1 : EHL_EXIT_TROUBLE;
}

int
main (int argc, char **argv)
{
  struct options o = { .list_sep = ';' };
  ehl_cli_init (argc, argv);
  /* At most one --map per argument: room for all of them.  */
  o.maps = calloc ((size_t) argc + 1, sizeof *o.maps);
  if (!o.maps)
    {
      ehl_warn ("memory exhausted");
      return EHL_EXIT_TROUBLE;
    }
  int status = parse_options (argc, argv, &o);
  if (status < 0)
    status = o.mode == MODE_RECORDS
             ? to_records (&o, argv + optind, argc - optind)
             : to_csv (&o, argv + optind, argc - optind);
  free (o.maps);
  return ehl_finish (status);
}
