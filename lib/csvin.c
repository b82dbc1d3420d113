/* csvin.c - CSV to records.  libcsv parses; this file keeps the physical
   line each row starts on, reads the header into columns (each resolved
   against the contract tables), converts each cell by its field's kind,
   and builds, validates and identifies one record per row.

   Line numbers: the input is fed to libcsv one physical line at a time,
   with CSV_REPALL_NL so that every unquoted line feed ends a row (an
   empty one on a blank line).  A row-end callback for a line feed can
   then only come from the last byte of the piece just fed: after it the
   next row starts on the next line; without it the row goes on.  */
#include <config.h>

#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csvfield.h"
#include "id.h"
#include "record.h"
#include "strmap.h"
#include "table.h"
#include "utf8.h"

enum
{
  MAX_CELL = 1 << 20,           /* bytes in one cell */
  MAX_ROW = 1 << 24,            /* bytes in one row */
  MAX_CELLS = 4096,             /* cells in one row */
  BLOCK = 1 << 16,              /* bytes read at a time */
  MAX_PROBLEMS = 32             /* conversion problems kept for one row */
};

#define ROW_TOO_LONG "row too long (over 4096 cells or 16 MiB)"
#define CELL_TOO_LONG "a cell over 1 MiB long"
#define QUOTED_TOO_LONG "a quoted cell over 1 MiB long (a quote not closed?)"
_Static_assert (MAX_CELLS == 4096 && MAX_ROW == 16 << 20
                && MAX_CELL == 1 << 20, "the messages name the limits");
_Static_assert (BLOCK < MAX_CELL, "on_cell reads QUOTED of a cell begun"
                " in an earlier piece");

enum role
{
  ROLE_FIELD,                   /* gives a field */
  ROLE_TYPE,                    /* "type": must agree with --type */
  ROLE_ID,                      /* "id": ignored, the id is recomputed */
  ROLE_DROP,                    /* --map COLUMN= */
  ROLE_NAMELESS                 /* no name: must stay empty */
};

struct column
{
  enum role role;
  char *path;                   /* the field it gives, dotted */
  struct ehl_csv_field field;   /* PATH resolved, for ROLE_FIELD */
};

struct ehl_csvin
{
  const struct ehl_csvin_opts *opts;
  struct ehl_cell_opts cell_opts;
  const char *type_name;
  ehl_csvin_record_fn *fn;
  void *ctx;
  FILE *diag;
  struct ehl_csvin_stats st;
  bool stopped;                 /* the callback said stop, or no memory */

  /* The input being read.  */
  const char *name;
  struct csv_parser parser;
  bool parser_ready;
  long line;                    /* the physical line being fed */
  long row_start;               /* where the row being parsed starts */
  bool closed;                  /* the last piece ended outside any row */
  bool skip_to_eol;             /* after a bad row, resume at next line */
  bool abandon;                 /* the rest of this input is not read */

  /* The row being parsed: its cells, each NUL-terminated, in BUF.  */
  char *buf;
  size_t len, cap;
  size_t *offs, *lens;
  size_t ncells, cellcap;
  const char *too_big;          /* why the row is refused, or NULL */

  /* The header.  */
  bool have_header;
  char **names;
  size_t *name_lens;
  size_t ncols;
  struct column *cols;
  long case_col, date_col;      /* -1 if none */
};

/* ---- messages ---- */

static void say (ehl_csvin *c, long line, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static void
say (ehl_csvin *c, long line, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  ehl_warn_to (c->diag, c->name, line, "%s", msg);
}

static void
out_of_memory (ehl_csvin *c)
{
  if (!c->stopped)
    ehl_warn_to (c->diag, NULL, 0, "memory exhausted");
  c->stopped = true;
}

/* "3 (C)": column I (from 0) as a number and as a spreadsheet letter.  */
static const char *
column_label (size_t i, char buf[32])
{
  char letters[16];
  size_t n = 0;
  for (size_t k = i + 1; k > 0 && n < sizeof letters; k = (k - 1) / 26)
    letters[n++] = (char) ('A' + (k - 1) % 26);
  int len = snprintf (buf, 32, "%zu (", i + 1);
  while (n > 0 && len < 29)
    buf[len++] = letters[--n];
  buf[len++] = ')';
  buf[len] = '\0';
  return buf;
}

/* The FIELD part of "COLUMN=FIELD" (after the last '='), or NULL.  */
static const char *
map_field (const char *map)
{
  const char *eq = strrchr (map, '=');
  return eq ? eq + 1 : NULL;
}

static bool
map_names_column (const char *map, const char *name)
{
  const char *field = map_field (map);
  size_t n = (size_t) (field - 1 - map);
  return strlen (name) == n && memcmp (map, name, n) == 0;
}

const char *
ehl_csvin_map_problem (enum ehl_type type, const char *map, char *buf,
                       size_t size)
{
  const char *field = map_field (map);
  if (!field)
    return "must be COLUMN=FIELD";
  if (!*field || strcmp (field, "type") == 0 || strcmp (field, "id") == 0)
    return NULL;
  struct ehl_csv_field f;
  bool known = ehl_csv_field_resolve (type, field, &f);
  ehl_csv_field_free (&f);
  if (known)
    return NULL;
  snprintf (buf, size, "'%s' is not a field of %s records", field,
            ehl_type_name (type));
  return buf;
}

const char *
ehl_csv_unprotect (const char *s)
{
  size_t quotes = strspn (s, "'");
  return quotes > 0 && ehl_csv_is_formula (s + quotes) ? s + 1 : s;
}

/* ---- the header ---- */

static void
free_header (ehl_csvin *c)
{
  for (size_t i = 0; i < c->ncols; i++)
    {
      free (c->names ? c->names[i] : NULL);
      if (c->cols)
        {
          free (c->cols[i].path);
          ehl_csv_field_free (&c->cols[i].field);
        }
    }
  free (c->names);
  free (c->name_lens);
  free (c->cols);
  c->names = NULL;
  c->name_lens = NULL;
  c->cols = NULL;
  c->ncols = 0;
  c->have_header = false;
}

/* Give column I its role and field from its name or a --map.  False if
   its name is not a field of the type (the caller reports it).  */
static bool
assign_column (ehl_csvin *c, size_t i, bool *map_used)
{
  struct column *col = &c->cols[i];
  const char *path = c->names[i];
  bool mapped = false;
  for (size_t m = 0; m < c->opts->nmaps; m++)
    if (map_names_column (c->opts->maps[m], c->names[i]))
      {
        path = map_field (c->opts->maps[m]);
        map_used[m] = mapped = true;
        break;
      }
  if (!*path)
    {
      col->role = mapped ? ROLE_DROP : ROLE_NAMELESS;
      return true;
    }
  if (!(col->path = strdup (path)))
    {
      out_of_memory (c);
      col->role = ROLE_DROP;
      return true;
    }
  snprintf (col->field.shown, sizeof col->field.shown, "%s", path);
  col->role = strcmp (path, "type") == 0 ? ROLE_TYPE
              : strcmp (path, "id") == 0 ? ROLE_ID : ROLE_FIELD;
  if (col->role != ROLE_FIELD
      || ehl_csv_field_resolve (c->opts->type, path, &col->field))
    return true;
  if (!col->field.segs)         /* not the name's fault: memory */
    {
      out_of_memory (c);
      col->role = ROLE_DROP;
      return true;
    }
  return false;
}

/* Append column label I to LIST (a message being built).  */
static void
list_column (char *list, size_t size, size_t i)
{
  char label[32];
  size_t used = strlen (list);
  snprintf (list + used, size - used, "%s%s", used ? ", " : "",
            column_label (i, label));
}

/* Roles and fields for every column; reports columns that give no field
   and maps that name no column.  Returns the number of problems.  */
static int
assign_columns (ehl_csvin *c, long line)
{
  bool *map_used = calloc (c->opts->nmaps + 1, sizeof *map_used);
  char unknown[400] = "";
  int problems = 0, nunknown = 0;
  if (!map_used)
    {
      out_of_memory (c);
      return 1;
    }
  for (size_t i = 0; i < c->ncols; i++)
    if (!assign_column (c, i, map_used) && c->cols[i].role == ROLE_FIELD)
      {
        if (nunknown++ < 20)
          list_column (unknown, sizeof unknown, i);
        c->cols[i].role = ROLE_DROP;
      }
  if (nunknown > 0)
    {
      say (c, line, "header: %s %s%s %s of %s records (is the header row"
           " missing?  --map COLUMN=FIELD gives a column's field, --map"
           " COLUMN= drops it)", nunknown > 1 ? "columns" : "column",
           unknown, nunknown > 20 ? ", ..." : "",
           nunknown > 1 ? "are not fields" : "is not a field", c->type_name);
      problems++;
    }
  for (size_t m = 0; m < c->opts->nmaps; m++)
    if (!map_used[m])
      {
        const char *map = c->opts->maps[m];
        say (c, line, "header: no column named '%.*s' (given in --map)",
             (int) (map_field (map) - 1 - map), map);
        problems++;
      }
  free (map_used);
  return problems;
}

/* Two columns with one name, or giving one field (or one a part of a
   field the other gives whole).  */
static int
check_clashes (ehl_csvin *c, long line)
{
  ehl_strmap *names = ehl_strmap_new (), *paths = ehl_strmap_new ();
  char a[32], b[32];
  int problems = 0;
  if (!names || !paths)
    out_of_memory (c);
  for (size_t i = 0; names && paths && i < c->ncols; i++)
    {
      void *seen = *c->names[i] ? ehl_strmap_get (names, c->names[i]) : NULL;
      if (seen)
        {
          say (c, line, "header: columns %s and %s have the same name",
               column_label ((uintptr_t) seen - 1, a), column_label (i, b));
          problems++;
        }
      else if (*c->names[i])
        ehl_strmap_put (names, c->names[i], (void *) (uintptr_t) (i + 1));
      struct column *col = &c->cols[i];
      if (col->role == ROLE_DROP || col->role == ROLE_NAMELESS)
        continue;
      seen = ehl_strmap_get (paths, col->path);
      if (seen)
        {
          say (c, line, "header: columns %s and %s both give the field '%s'",
               column_label ((uintptr_t) seen - 1, a), column_label (i, b),
               col->path);
          problems++;
        }
      else
        ehl_strmap_put (paths, col->path, (void *) (uintptr_t) (i + 1));
    }
  /* A column giving "children" whole and one giving children.0.ref.  */
  for (size_t i = 0; paths && i < c->ncols; i++)
    {
      struct column *col = &c->cols[i];
      char prefix[256] = "";
      for (size_t k = 0; col->role == ROLE_FIELD && k + 1 < col->field.nsegs;
           k++)
        {
          size_t used = strlen (prefix);
          snprintf (prefix + used, sizeof prefix - used, "%s%s", k ? "." : "",
                    col->field.segs[k]);
          void *whole = ehl_strmap_get (paths, prefix);
          if (whole)
            {
              say (c, line, "header: column %s gives a part of the field '%s',"
                   " which column %s gives whole", column_label (i, a), prefix,
                   column_label ((uintptr_t) whole - 1, b));
              problems++;
            }
        }
    }
  ehl_strmap_free (names);
  ehl_strmap_free (paths);
  return problems;
}

static bool
some_column_gives (ehl_csvin *c, const char *field)
{
  for (size_t i = 0; i < c->ncols; i++)
    if (c->cols[i].role == ROLE_FIELD
        && strcmp (c->cols[i].field.segs[0], field) == 0)
      return true;
  return false;
}

static int
check_required (ehl_csvin *c, long line)
{
  int problems = 0;
  const struct ehl_field *sets[] = { ehl_envelope_fields (),
                                     ehl_type_fields (c->opts->type) };
  for (int s = 0; s < 2; s++)
    for (const struct ehl_field *f = sets[s]; f->name; f++)
      if (f->required && strcmp (f->name, "type") != 0
          && !some_column_gives (c, f->name))
        {
          say (c, line, "header: no column gives the required field '%s'",
               f->name);
          problems++;
        }
  return problems;
}

/* Column I's name must be text we can hold.  */
static bool
name_is_text (ehl_csvin *c, size_t i, long line)
{
  char label[32];
  if (!memchr (c->names[i], '\0', c->name_lens[i])
      && ehl_utf8_valid (c->names[i], c->name_lens[i]))
    return true;
  say (c, line, "header: column %s is not valid UTF-8 text",
       column_label (i, label));
  return false;
}

static void
header_unusable (ehl_csvin *c, long line)
{
  say (c, line, "header unusable, so no row of this file is read");
  c->st.bad++;
  c->abandon = true;
}

/* Refuse the row at LINE, too big to read (WHY); the header, if it is
   that row.  */
static void
refuse_row (ehl_csvin *c, long line, const char *why)
{
  say (c, line, "%s%s", c->have_header ? "" : "header: ", why);
  if (c->have_header)
    c->st.bad++;
  else
    header_unusable (c, line);
}

static void
read_header (ehl_csvin *c, long line)
{
  int problems = 0;
  c->have_header = true;
  c->ncols = c->ncells;
  c->names = calloc (c->ncols, sizeof *c->names);
  c->name_lens = calloc (c->ncols, sizeof *c->name_lens);
  c->cols = calloc (c->ncols, sizeof *c->cols);
  c->case_col = c->date_col = -1;
  if (!c->names || !c->name_lens || !c->cols)
    {
      c->ncols = 0;
      out_of_memory (c);
      return;
    }
  for (size_t i = 0; i < c->ncols; i++)
    {
      c->name_lens[i] = c->lens[i];
      if (!(c->names[i] = malloc (c->lens[i] + 1)))
        {
          out_of_memory (c);
          return;
        }
      memcpy (c->names[i], c->buf + c->offs[i], c->lens[i] + 1);
      problems += !name_is_text (c, i, line);
    }
  if (problems == 0)
    problems += assign_columns (c, line);
  if (problems == 0)
    problems += check_clashes (c, line);
  if (problems == 0)
    problems += check_required (c, line);
  for (size_t i = 0; i < c->ncols; i++)
    if (c->cols[i].path && strcmp (c->cols[i].path, "case") == 0)
      c->case_col = (long) i;
    else if (c->cols[i].path && strcmp (c->cols[i].path, "date") == 0)
      c->date_col = (long) i;
  if (problems > 0 && !c->stopped)
    header_unusable (c, line);
}

/* ---- one row ---- */

struct problem
{
  char field[192];
  char message[160];
};

struct row
{
  ehl_csvin *c;
  long line;
  json_t *rec;
  struct problem problems[MAX_PROBLEMS];
  int nproblems;                /* conversion problems (some maybe not kept) */
  int reported;                 /* every problem reported */
};

static void
row_problem (struct row *r, const char *field, const char *message)
{
  if (r->nproblems < MAX_PROBLEMS)
    {
      struct problem *p = &r->problems[r->nproblems];
      snprintf (p->field, sizeof p->field, "%s", field);
      snprintf (p->message, sizeof p->message, "%s", message);
    }
  r->nproblems++;
}

static void
put_cell (struct row *r, size_t i)
{
  ehl_csvin *c = r->c;
  struct column *col = &c->cols[i];
  const char *text = c->buf + c->offs[i], *why;
  size_t len = c->lens[i];
  char label[32], msg[160];

  if (len == 0 || col->role == ROLE_DROP)
    return;
  if (col->role == ROLE_NAMELESS)
    {
      snprintf (msg, sizeof msg, "column %s has no name, but has text here",
                column_label (i, label));
      row_problem (r, "", msg);
      return;
    }
  if (memchr (text, '\0', len))
    {
      row_problem (r, col->field.shown, "holds a NUL byte");
      return;
    }
  if (!ehl_utf8_valid (text, len))
    {
      row_problem (r, col->field.shown, "is not valid UTF-8 text");
      return;
    }
  const char *s = ehl_csv_unprotect (text);
  len -= (size_t) (s - text);
  if (col->role == ROLE_TYPE)
    {
      if (strcmp (s, c->type_name) != 0)
        {
          snprintf (msg, sizeof msg, "must be %s, as --type says",
                    c->type_name);
          row_problem (r, "type", msg);
        }
      return;
    }
  if (col->role == ROLE_ID)
    return;
  json_t *v = ehl_csv_cell_value (col->field.leaf, s, len, &c->cell_opts,
                                  &why);
  if (v)
    ehl_csv_field_place (r->rec, &col->field, v);
  else
    row_problem (r, col->field.shown, why);
}

static void
on_gap (void *ctx, const char *path, const char *message)
{
  row_problem (ctx, path, message);
}

/* Was FIELD (or what holds it) already reported as a conversion problem?
   Then the validator's word on it ("is required") would only repeat it.  */
static bool
already_reported (const struct row *r, const char *field)
{
  int kept = r->nproblems < MAX_PROBLEMS ? r->nproblems : MAX_PROBLEMS;
  for (int i = 0; i < kept; i++)
    {
      size_t n = strlen (r->problems[i].field);
      if (n > 0 && strncmp (field, r->problems[i].field, n) == 0
          && (field[n] == '\0' || field[n] == '.' || field[n] == '['))
        return true;
    }
  return false;
}

static void
on_validation_problem (void *ctx, const char *field, const char *message)
{
  struct row *r = ctx;
  if (already_reported (r, field))
    return;
  ehl_report_problem_to (r->c->diag, r->c->name, r->line, r->rec, field,
                         message);
  r->reported++;
}

static void
report_conversion (struct row *r)
{
  int kept = r->nproblems < MAX_PROBLEMS ? r->nproblems : MAX_PROBLEMS;
  for (int i = 0; i < kept; i++)
    ehl_report_problem_to (r->c->diag, r->c->name, r->line, r->rec,
                           r->problems[i].field, r->problems[i].message);
  if (r->nproblems > kept)
    say (r->c, r->line, "and %d more problems", r->nproblems - kept);
  r->reported += r->nproblems;
}

static void
convert_row (ehl_csvin *c, long line)
{
  struct row *r = calloc (1, sizeof *r);
  json_t *rec = json_pack ("{s:s}", "type", c->type_name);
  if (!r || !rec)
    {
      free (r);
      json_decref (rec);
      out_of_memory (c);
      return;
    }
  r->c = c;
  r->line = line;
  r->rec = rec;
  /* type, case, date and id first, in that order; then the columns'.  */
  if (c->case_col >= 0)
    put_cell (r, (size_t) c->case_col);
  if (c->date_col >= 0)
    put_cell (r, (size_t) c->date_col);
  /* A placeholder that keeps the id 4th until the content is complete.  */
  json_object_set_new (rec, "id", json_string (""));
  for (size_t i = 0; i < c->ncols; i++)
    if ((long) i != c->case_col && (long) i != c->date_col)
      put_cell (r, i);
  ehl_csv_finish_lists (rec, ehl_type_fields (c->opts->type), on_gap, r);
  report_conversion (r);
  /* The id goes in before validation, which may check it.  */
  bool has_id = ehl_record_assign_id (rec);
  if (has_id)
    ehl_validate (rec, 0, on_validation_problem, r);
  if (!has_id)
    out_of_memory (c);
  else if (r->reported > 0)
    c->st.bad++;
  else if (!c->fn (c->ctx, rec, c->name, line))
    c->stopped = true;
  else
    c->st.records++;
  json_decref (rec);
  free (r);
}

static bool
row_is_blank (const ehl_csvin *c)
{
  for (size_t i = 0; i < c->ncells; i++)
    if (c->lens[i] > 0)
      return false;
  return true;
}

static bool
row_is_header (const ehl_csvin *c)
{
  if (c->ncells != c->ncols)
    return false;
  for (size_t i = 0; i < c->ncells; i++)
    {
      const char *cell = c->buf + c->offs[i];
      size_t len = c->lens[i];
      /* A file joined on with cat(1) may start with its own byte-order
         mark (every spreadsheet's "CSV UTF-8" does).  */
      if (i == 0 && len >= 3 && memcmp (cell, "\xEF\xBB\xBF", 3) == 0)
        {
          cell += 3;
          len -= 3;
        }
      if (len != c->name_lens[i] || memcmp (cell, c->names[i], len) != 0)
        return false;
    }
  return true;
}

static void
finish_row (ehl_csvin *c)
{
  long line = c->row_start;
  if (c->too_big)
    {
      refuse_row (c, line, c->too_big);
      return;
    }
  if (row_is_blank (c))
    return;
  if (!c->have_header)
    {
      read_header (c, line);
      return;
    }
  if (row_is_header (c))
    {
      say (c, line, "the header row again: skipped");
      return;
    }
  c->st.rows++;
  if (c->ncells != c->ncols)
    {
      say (c, line, "%zu cells, but the header has %zu", c->ncells, c->ncols);
      c->st.bad++;
      return;
    }
  convert_row (c, line);
}

/* ---- libcsv's callbacks ---- */

static void
reset_row (ehl_csvin *c)
{
  c->len = 0;
  c->ncells = 0;
  c->too_big = NULL;
}

static bool
grow_row (ehl_csvin *c, size_t need)
{
  if (c->ncells == c->cellcap)
    {
      size_t cap = c->cellcap ? 2 * c->cellcap : 32;
      size_t *offs = realloc (c->offs, cap * sizeof *offs);
      if (offs)
        c->offs = offs;
      size_t *lens = offs ? realloc (c->lens, cap * sizeof *lens) : NULL;
      if (!lens)
        return false;
      c->lens = lens;
      c->cellcap = cap;
    }
  if (c->len + need > c->cap)
    {
      size_t cap = 2 * (c->len + need);
      char *buf = realloc (c->buf, cap);
      if (!buf)
        return false;
      c->buf = buf;
      c->cap = cap;
    }
  return true;
}

static void
abandon_input (ehl_csvin *c, const char *why)
{
  say (c, c->row_start, "%s; the rest of the file is not read", why);
  c->st.bad++;
  c->abandon = true;
}

/* The length of the cell being parsed, or at most one byte short of it
   (libcsv's struct is public: ENTRY_POS is what it holds of the cell so
   far).  A quoted cell's closing quote stays there until the next byte
   says the cell has ended: it is not the cell's.  While the quote is
   still open, one byte is taken off all the same; on_cell sees the
   whole cell.  */
static size_t
cell_so_far (const ehl_csvin *c)
{
  size_t n = c->parser.entry_pos;
  return c->parser.quoted && n > 0 ? n - 1 : n;
}

/* A cell over MAX_CELL: if quoted (libcsv's QUOTED), it may be a quote
   never closed, and no row boundary after it can be trusted: the rest
   of the input is not read, whether the quote closed later or not (that
   depends on where the reads fell).  True if so; an unquoted cell ends
   with its line, and only its row is refused (the caller's part).  */
static bool
quoted_too_long (ehl_csvin *c)
{
  if (c->parser.quoted)
    abandon_input (c, QUOTED_TOO_LONG);
  return c->parser.quoted;
}

static void
on_cell (void *data, size_t len, void *vc)
{
  ehl_csvin *c = vc;
  if (c->stopped || c->abandon || c->too_big)
    return;
  if (c->ncells >= MAX_CELLS || c->len + len + 1 > MAX_ROW)
    {
      c->too_big = ROW_TOO_LONG;
      return;
    }
  /* csv_parse writes its state back to the struct only when it
     returns, so QUOTED is the cell's as the piece began: this cell's,
     since one over MAX_CELL cannot have begun in this piece (BLOCK).  */
  if (len > MAX_CELL)
    {
      if (!quoted_too_long (c))
        c->too_big = CELL_TOO_LONG;
      return;
    }
  if (!grow_row (c, len + 1))
    {
      out_of_memory (c);
      return;
    }
  c->offs[c->ncells] = c->len;
  c->lens[c->ncells] = len;
  if (len > 0)
    memcpy (c->buf + c->len, data, len);
  c->buf[c->len + len] = '\0';
  c->len += len + 1;
  c->ncells++;
}

static void
on_row_end (int term, void *vc)
{
  ehl_csvin *c = vc;
  if (term == '\n')
    c->closed = true;
  if (!c->stopped && !c->abandon && c->ncells > 0)
    finish_row (c);
  reset_row (c);
  c->row_start = c->line;
}

/* ---- feeding libcsv ---- */

static int
no_space (unsigned char ch)
{
  (void) ch;
  return 0;                     /* spaces around cells are data */
}

static bool
parser_start (ehl_csvin *c)
{
  if (c->parser_ready)
    csv_free (&c->parser);
  c->parser_ready = csv_init (&c->parser, CSV_STRICT | CSV_STRICT_FINI
                                          | CSV_REPALL_NL) == 0;
  if (!c->parser_ready)
    {
      out_of_memory (c);
      return false;
    }
  csv_set_space_func (&c->parser, no_space);
  csv_set_blk_size (&c->parser, 4096);
  return true;
}

/* libcsv refused the piece just fed.  A row that began on this line is
   reported and reading resumes at the next line; one that began earlier
   holds a quoted cell over several lines, and after bad quoting there
   no row boundary can be trusted.  */
static void
parse_failed (ehl_csvin *c)
{
  if (csv_error (&c->parser) == CSV_ENOMEM)
    {
      out_of_memory (c);
      return;
    }
  if (c->row_start != c->line)
    {
      abandon_input (c, "bad quoting in a cell over several lines");
      return;
    }
  say (c, c->row_start, "bad quoting (a cell with a quote in it must be"
       " quoted, and its quotes doubled)");
  c->st.bad++;
  reset_row (c);
  c->skip_to_eol = parser_start (c);
}

/* The cell being parsed has grown over MAX_CELL (quoted_too_long).
   Not quoted, its row is refused now and reading resumes at the next
   line, the parser's buffer given back.  */
static void
cell_too_long (ehl_csvin *c)
{
  if (quoted_too_long (c))
    return;
  refuse_row (c, c->row_start, CELL_TOO_LONG);
  reset_row (c);
  c->skip_to_eol = parser_start (c);
}

/* Feed N bytes of one physical line (the whole rest of it, with its
   newline, when ENDS_LINE).  */
static void
feed_piece (ehl_csvin *c, const char *data, size_t n, bool ends_line)
{
  if (!c->skip_to_eol)
    {
      if (c->closed)
        c->row_start = c->line;
      c->closed = false;
      size_t done = csv_parse (&c->parser, data, n, on_cell, on_row_end, c);
      if (c->stopped)
        return;
      if (done != n)
        parse_failed (c);
      else if (cell_so_far (c) > MAX_CELL)
        cell_too_long (c);
    }
  if (ends_line)
    {
      c->line++;
      if (c->skip_to_eol)
        {
          c->skip_to_eol = false;
          c->closed = true;
        }
    }
}

static void
feed (ehl_csvin *c, const char *data, size_t len)
{
  while (len > 0 && !c->abandon && !c->stopped)
    {
      const char *nl = memchr (data, '\n', len);
      size_t n = nl ? (size_t) (nl - data) + 1 : len;
      feed_piece (c, data, n, nl != NULL);
      data += n;
      len -= n;
    }
}

/* The first bytes of an input: without a UTF-8 byte-order mark.  */
static void
feed_first (ehl_csvin *c, const char *data, size_t len)
{
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }
  feed (c, data, len);
}

static void
begin_input (ehl_csvin *c, const char *name)
{
  c->name = name;
  c->line = 1;
  c->row_start = 1;
  c->closed = true;
  c->skip_to_eol = false;
  c->abandon = false;
  reset_row (c);
  free_header (c);
  parser_start (c);
}

static void
end_input (ehl_csvin *c)
{
  if (c->parser_ready && !c->abandon && !c->stopped
      && csv_fini (&c->parser, on_cell, on_row_end, c) != 0)
    {
      if (csv_error (&c->parser) == CSV_ENOMEM)
        out_of_memory (c);
      else
        {
          say (c, c->row_start, "a quoted cell is not closed by the end of"
               " the file");
          c->st.bad++;
        }
    }
  if (c->parser_ready)
    csv_free (&c->parser);
  c->parser_ready = false;
  free_header (c);
}

/* ---- the interface ---- */

ehl_csvin *
ehl_csvin_new (const struct ehl_csvin_opts *opts, ehl_csvin_record_fn *fn,
               void *ctx)
{
  ehl_csvin *c = calloc (1, sizeof *c);
  if (!c)
    return NULL;
  c->opts = opts;
  c->cell_opts.list_sep = opts->list_sep ? opts->list_sep : ';';
  c->cell_opts.uk_dates = opts->uk_dates;
  c->type_name = ehl_type_name (opts->type);
  c->fn = fn;
  c->ctx = ctx;
  c->diag = stderr;
  return c;
}

void
ehl_csvin_divert (ehl_csvin *c, FILE *diag)
{
  c->diag = diag;
}

bool
ehl_csvin_buffer (ehl_csvin *c, const char *buf, size_t len, const char *name)
{
  begin_input (c, name);
  feed_first (c, buf, len);
  end_input (c);
  return !c->stopped;
}

bool
ehl_csvin_stream (ehl_csvin *c, FILE *in, const char *name)
{
  char *block = malloc (BLOCK);
  if (!block)
    {
      out_of_memory (c);
      return false;
    }
  begin_input (c, name);
  size_t n;
  bool first = true;
  while (!c->abandon && !c->stopped && (n = fread (block, 1, BLOCK, in)) > 0)
    {
      if (first)
        feed_first (c, block, n);
      else
        feed (c, block, n);
      first = false;
    }
  if (ferror (in))
    {
      say (c, 0, "read error: %s", strerror (errno));
      c->st.bad++;
      c->abandon = true;        /* a half-read last row is not a row */
    }
  end_input (c);
  free (block);
  return !c->stopped;
}

const struct ehl_csvin_stats *
ehl_csvin_stats (const ehl_csvin *c)
{
  return &c->st;
}

void
ehl_csvin_free (ehl_csvin *c)
{
  if (!c)
    return;
  if (c->parser_ready)
    csv_free (&c->parser);
  free_header (c);
  free (c->buf);
  free (c->offs);
  free (c->lens);
  free (c);
}
