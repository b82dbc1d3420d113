/* record.c - the NDJSON reader.  One physical line is one record: lines
   are read with getline and each is decoded on its own with json_loadb,
   so line numbers are exact and a bad line cannot swallow the next.  */
#include <config.h>

#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "jsonload.h"
#include "operand.h"
#include "strmap.h"

struct ehl_reader
{
  char *const *files;
  int nfiles;
  int next_file;                /* index of the next file to open */
  unsigned mode;

  FILE *in;                     /* current input, NULL between files */
  const char *name;             /* its name for messages */
  int file_no;                  /* its index among the operands */
  long line;                    /* physical line number in it */

  bool ranged;                  /* reading a byte range of one file */
  bool borrowed;                /* IN is the caller's: never closed */
  long long pos, end;           /* offset of the next line; range end */

  char *buf;
  size_t cap;
  FILE *diag;                   /* where diagnostics go */
  bool quiet_bad;               /* say nothing of bad lines (counted) */
  struct ehl_read_stats st;
  ehl_check_fn *check_only;     /* NULL: validate every record */
  void *check_ctx;
};

static ehl_reader *
reader_alloc (unsigned mode)
{
  ehl_reader *r = calloc (1, sizeof *r);
  if (r)
    {
      r->mode = mode;
      r->diag = stderr;
      r->end = -1;
    }
  return r;
}

ehl_reader *
ehl_reader_new (char *const *files, int nfiles, unsigned mode)
{
  ehl_reader *r = reader_alloc (mode);
  if (!r)
    return NULL;
  r->files = nfiles > 0 ? files : ehl_stdin_operands;
  r->nfiles = nfiles > 0 ? nfiles : 1;
  return r;
}

ehl_reader *
ehl_reader_new_operand (char *const *files, int file_no, unsigned mode)
{
  ehl_reader *r = reader_alloc (mode);
  if (!r)
    return NULL;
  r->files = files;
  r->next_file = file_no;
  r->nfiles = file_no + 1;
  return r;
}

ehl_reader *
ehl_reader_new_range (const char *file, int file_no, long long start,
                      long long end, long first_line, unsigned mode)
{
  ehl_reader *r = reader_alloc (mode);
  if (!r)
    return NULL;
  r->ranged = true;
  r->name = ehl_operand_name (file);
  r->pos = start;
  r->end = end;
  r->line = first_line - 1;
  r->nfiles = 0;
  r->file_no = file_no;
  r->in = fopen (ehl_operand_path (file), "r");
  if (!r->in || fseeko (r->in, start, SEEK_SET) != 0)
    {
      ehl_warn_to (r->diag, r->name, 0, "%s", strerror (errno));
      r->st.io_errors++;
      if (r->in)
        fclose (r->in);
      r->in = NULL;
    }
  return r;
}

ehl_reader *
ehl_reader_new_stream (FILE *in, const char *name, unsigned mode)
{
  ehl_reader *r = reader_alloc (mode);
  if (!r)
    return NULL;
  r->in = in;
  r->name = name;
  r->borrowed = true;
  return r;
}

void
ehl_reader_check_only (ehl_reader *r, ehl_check_fn *check, void *ctx)
{
  r->check_only = check;
  r->check_ctx = ctx;
}

void
ehl_reader_divert (ehl_reader *r, FILE *buf)
{
  r->diag = buf;
}

void
ehl_reader_quiet_bad_lines (ehl_reader *r)
{
  r->quiet_bad = true;
}

/* Where complaints about a bad line go: NULL, not said.  */
static FILE *
bad_line_diag (const ehl_reader *r)
{
  return r->quiet_bad ? NULL : r->diag;
}

const struct ehl_read_stats *
ehl_reader_stats (const ehl_reader *r)
{
  return &r->st;
}

/* Open the next named file; false when there are none left.  */
static bool
open_next (ehl_reader *r)
{
  while (!r->ranged && r->next_file < r->nfiles)
    {
      r->file_no = r->next_file;
      const char *f = r->files[r->next_file++];
      if (ehl_operand_stdin_again (r->files, r->file_no))
        continue;
      r->line = 0;
      r->name = ehl_operand_name (f);
      /* Standard input as a file, if it is one, like its byte ranges and
         the first look (operand.h): read afresh each time.  */
      if (ehl_operand_is_stdin (f) && ehl_operand_size (f) < 0)
        {
          r->in = stdin;
          return true;
        }
      r->in = fopen (ehl_operand_path (f), "r");
      if (r->in)
        return true;
      ehl_warn_to (r->diag, r->name, 0, "%s", strerror (errno));
      r->st.io_errors++;
    }
  return false;
}

static void
close_current (ehl_reader *r)
{
  if (ferror (r->in))
    {
      ehl_warn_to (r->diag, r->name, 0, "read error: %s", strerror (errno));
      r->st.io_errors++;
    }
  if (r->in == stdin || r->borrowed)
    clearerr (r->in);
  else
    fclose (r->in);
  r->in = NULL;
  r->borrowed = false;
}

static bool
is_blank (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
      return false;
  return true;
}

/* jansson's message without its " near 'TEXT'" tail, which would quote
   the record (perhaps a child's name) back at the user.  */
static void
sanitise_json_error (const char *text, char *out, size_t size)
{
  snprintf (out, size, "%s", text);
  char *near = strstr (out, " near ");
  if (near)
    *near = '\0';
}

struct problem_ctx
{
  ehl_reader *r;
  json_t *json;
};

static void
report_to (FILE *out, const char *file, long line, json_t *json,
           const char *field, const char *message)
{
  const char *c = ehl_record_case (json);
  ehl_warn_to (out, file, line, "%s%s%s%s%s", c ? c : "", c ? ": " : "",
               field, *field ? ": " : "", message);
}

static void
reader_problem (void *vctx, const char *field, const char *message)
{
  struct problem_ctx *ctx = vctx;
  report_to (bad_line_diag (ctx->r), ctx->r->name, ctx->r->line, ctx->json,
             field, message);
}

/* Decode one line, and name its *TYPE.  NULL (reported) if it is not a
   usable record; then *TROUBLE says whether that was our fault (memory)
   and not the line's.  */
static json_t *
decode_line (ehl_reader *r, const char *text, size_t len, bool at_eof,
             enum ehl_type *type, bool *trouble)
{
  json_error_t err;
  json_t *json = ehl_json_loadb (text, len, JSON_REJECT_DUPLICATES, &err);
  if (!json)
    {
      char why[JSON_ERROR_TEXT_LENGTH];
      sanitise_json_error (err.text, why, sizeof why);
      if (ehl_json_out_of_memory (&err))
        {
          /* Not the record's fault: trouble, not an invalid record.  */
          ehl_warn_to (r->diag, r->name, r->line, "memory exhausted");
          *trouble = true;
        }
      else if (at_eof)
        ehl_warn_to (bad_line_diag (r), r->name, r->line,
                     "truncated last line (no newline at end of file): %s",
                     why);
      else
        ehl_warn_to (bad_line_diag (r), r->name, r->line,
                     "not valid JSON (column %d): %s", err.column, why);
      return NULL;
    }
  if (!json_is_object (json))
    {
      ehl_warn_to (bad_line_diag (r), r->name, r->line, "not a JSON object");
      json_decref (json);
      return NULL;
    }
  *type = ehl_type_from_name (ehl_get_str (json, "type"));
  if ((r->mode & EHL_READ_VALIDATE)
      && (!r->check_only || r->check_only (json, *type, r->check_ctx)))
    {
      struct problem_ctx ctx = { r, json };
      unsigned flags = (r->mode & EHL_READ_STRICT) ? EHL_VALIDATE_STRICT : 0;
      if (ehl_validate (json, flags, reader_problem, &ctx) > 0)
        {
          json_decref (json);
          return NULL;
        }
    }
  return json;
}

const char *
ehl_line_record (const char *text, size_t *len, bool first)
{
  size_t n = *len;
  if (first && n >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    {
      text += 3;                /* a byte-order mark from some editor */
      n -= 3;
    }
  /* The line end is not part of the record (and must not shift the
     column jansson reports).  */
  if (n > 0 && text[n - 1] == '\n')
    n--;
  if (n > 0 && text[n - 1] == '\r')
    n--;
  *len = n;
  return text;
}

static void
ignore_problem (void *ctx, const char *field, const char *message)
{
  (void) ctx, (void) field, (void) message;
}

json_t *
ehl_record_parse (const char *text, size_t len, unsigned mode,
                  enum ehl_type *type, bool *no_memory)
{
  json_error_t err;
  json_t *json = ehl_json_loadb (text, len, JSON_REJECT_DUPLICATES, &err);
  *no_memory = !json && ehl_json_out_of_memory (&err);
  if (!json)
    return NULL;
  unsigned flags = (mode & EHL_READ_STRICT) ? EHL_VALIDATE_STRICT : 0;
  if (!json_is_object (json)
      || ((mode & EHL_READ_VALIDATE)
          && ehl_validate (json, flags, ignore_problem, NULL) > 0))
    {
      json_decref (json);
      return NULL;
    }
  *type = ehl_type_from_name (ehl_get_str (json, "type"));
  return json;
}

bool
ehl_reader_next (ehl_reader *r, struct ehl_record *rec)
{
  for (;;)
    {
      if (!r->in && !open_next (r))
        return false;
      if (r->ranged && r->end >= 0 && r->pos >= r->end)
        {
          close_current (r);
          return false;
        }
      errno = 0;
      ssize_t n = getline (&r->buf, &r->cap, r->in);
      if (n < 0)
        {
          if (errno == ENOMEM || errno == EOVERFLOW)
            {
              /* getline could not hold the line: not the end of input.  */
              ehl_warn_to (r->diag, r->name, r->line + 1, "memory exhausted");
              r->st.io_errors++;
            }
          close_current (r);
          if (r->ranged)
            return false;
          continue;
        }
      r->line++;
      r->pos += n;

      size_t len = (size_t) n;
      bool has_newline = len > 0 && r->buf[len - 1] == '\n';
      const char *text = ehl_line_record (r->buf, &len, r->line == 1);
      if (is_blank (text, len))
        continue;
      r->st.lines++;

      bool trouble = false;
      enum ehl_type type;
      json_t *json = decode_line (r, text, len, !has_newline, &type,
                                  &trouble);
      if (!json)
        {
          if (trouble)
            r->st.io_errors++;
          else
            r->st.bad++;
          continue;
        }
      r->st.records++;
      if (type == EHL_T_UNKNOWN && r->st.unknown_type++ == 0)
        {
          r->st.unknown_file_no = r->file_no;
          r->st.unknown_line = r->line;
        }
      rec->json = json;
      rec->file = r->name;
      rec->line = r->line;
      rec->file_no = r->file_no;
      rec->type = type;
      rec->text_hash = (uint32_t) ehl_hash_bytes (text, len);
      return true;
    }
}

void
ehl_reader_free (ehl_reader *r)
{
  if (!r)
    return;
  if (r->in && r->in != stdin && !r->borrowed)
    fclose (r->in);
  free (r->buf);
  free (r);
}

void
ehl_report_problem (const struct ehl_record *rec, const char *field,
                    const char *message)
{
  report_to (stderr, rec->file, rec->line, rec->json, field, message);
}

void
ehl_report_problem_to (FILE *out, const char *file, long line, json_t *json,
                       const char *field, const char *message)
{
  report_to (out, file, line, json, field, message);
}

const char *
ehl_record_case (json_t *rec)
{
  const char *c = ehl_get_str (rec, "case");
  return c && ehl_case_id_valid (c) ? c : NULL;
}

const char *
ehl_get_str (json_t *rec, const char *name)
{
  return json_string_value (json_object_get (rec, name));
}
