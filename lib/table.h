/* table.h - the output formats the reading programs share: aligned text
   tables (by display width), CSV through libcsv, and HTML escaping.  */
#ifndef EHLOG_TABLE_H
#define EHLOG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How many terminal columns S takes: UTF-8 decoded; combining marks 0,
   East Asian wide characters and emoji 2, anything else 1 (an invalid
   byte counts as 1, and a control character too: ehl_write_plain writes
   it as a space).  The same in every locale.  */
size_t ehl_display_width (const char *s);
/* The same for the first N bytes of S.  */
size_t ehl_display_width_n (const char *s, size_t n);

/* Write the N bytes of S to a terminal's eyes: each control character
   (C0, DEL, C1), which a terminal may take for the start of an escape
   sequence and which would break the columns, as a space.  */
void ehl_write_plain (FILE *out, const char *s, size_t n);

/* The same in place, in the N bytes of S, but for newlines (a C1
   control becomes two spaces).  */
void ehl_blank_controls (char *s, size_t n);

/* Write S as ehl_write_plain does, then spaces up to WIDTH columns.  */
void ehl_print_padded (FILE *out, const char *s, size_t width);

/* Truncate S (in place) to at most WIDTH columns, ending with "..." if
   anything was cut; never splits a UTF-8 sequence.  */
void ehl_truncate_width (char *s, size_t width);

/* An aligned text table: rows of NCOLS cells (copied), printed with each
   column padded to its widest cell, columns separated by two spaces, the
   last column not padded.  */
typedef struct ehl_table ehl_table;
ehl_table *ehl_table_new (size_t ncols);
bool ehl_table_add (ehl_table *t, const char *const *cells);
bool ehl_table_print (const ehl_table *t, FILE *out);
/* The same with every line starting with INDENT.  */
bool ehl_table_print_indented (const ehl_table *t, FILE *out,
                               const char *indent);
void ehl_table_free (ehl_table *t);

/* The output formats a reading program may offer.  */
enum ehl_format { EHL_FMT_TEXT, EHL_FMT_NDJSON, EHL_FMT_CSV, EHL_FMT_HTML };
/* Parse NAME ("text", "ndjson", "csv", "html"); ALLOWED is a mask of
   1 << format.  False if unknown or not allowed.  */
bool ehl_format_parse (const char *name, unsigned allowed,
                       enum ehl_format *out);

/* CSV (RFC 4180, through libcsv): a cell is quoted only when it must be;
   a cell a spreadsheet would run as a formula (starting with = + - @,
   a tab or a carriage return) gets a leading apostrophe.  */
struct ehl_csv_opts
{
  bool crlf;                    /* end rows with CR LF (RFC 4180) */
  bool no_neutralise;           /* write cells exactly as they are */
  unsigned long long numbers;   /* bit I set: cell I is a number the program
                                   computed (a change of -2): never
                                   neutralised */
};
bool ehl_csv_row (FILE *out, const char *const *cells, size_t n,
                  const struct ehl_csv_opts *opts);
/* Does CELL start like a spreadsheet formula?  */
bool ehl_csv_is_formula (const char *cell);

/* Write S with & < > " ' escaped for HTML text and attribute values.  */
void ehl_html_escape (FILE *out, const char *s);

/* Write S as a DOT quoted string body: quotes and backslashes escaped, a
   newline as \n, CR dropped, other control characters as spaces.  Inside
   a quoted string < > { } | need no escape.  */
void ehl_dot_escape (FILE *out, const char *s);

#endif
