/* table.c - text, CSV and HTML output helpers.  */
#include <config.h>

#include "table.h"

#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decode one UTF-8 sequence at S; returns its length (1 for an invalid
   byte, with *CP = 0xFFFD).  */
static size_t
utf8_decode (const unsigned char *s, uint32_t *cp)
{
  int len = s[0] < 0x80 ? 1 : s[0] < 0xC2 ? 0 : s[0] < 0xE0 ? 2
            : s[0] < 0xF0 ? 3 : s[0] < 0xF5 ? 4 : 0;
  if (len == 0)
    {
      *cp = 0xFFFD;
      return 1;
    }
  uint32_t v = len == 1 ? s[0] : s[0] & (0x7F >> len);
  for (int i = 1; i < len; i++)
    {
      if ((s[i] & 0xC0) != 0x80)
        {
          *cp = 0xFFFD;
          return 1;
        }
      v = (v << 6) | (s[i] & 0x3F);
    }
  *cp = v;
  return (size_t) len;
}

static int
codepoint_width (uint32_t c)
{
  if (c < 0x300)
    return 1;                   /* Latin and the like: the common case (a
                                   control is written as a space) */
  if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F)
      || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1AB0 && c <= 0x1AFF)
      || (c >= 0x20D0 && c <= 0x20FF) || c == 0x200D
      || (c >= 0x610 && c <= 0x61A) || (c >= 0x64B && c <= 0x65F)
      || c == 0x670)
    return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF)
      || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF)
      || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60)
      || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F)
      || (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x1F680 && c <= 0x1F6FF)
      || (c >= 0x2600 && c <= 0x26FF && c >= 0x2614)
      || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

size_t
ehl_display_width_n (const char *s, size_t n)
{
  size_t w = 0;
  const unsigned char *p = (const unsigned char *) s, *end = p + n;
  while (p < end && *p)
    {
      if (*p < 0x80)
        {
          w++;                  /* ASCII: no decoding needed (a control
                                   is written as a space) */
          p++;
          continue;
        }
      uint32_t cp;
      p += utf8_decode (p, &cp);
      w += (size_t) codepoint_width (cp);
    }
  return w;
}

size_t
ehl_display_width (const char *s)
{
  return ehl_display_width_n (s, strlen (s));
}

/* Is the N-byte sequence at S a control character: C0, DEL, or C1
   (U+0080 to U+009F, two bytes in UTF-8)?  */
static bool
is_control (const unsigned char *s, size_t n)
{
  return s[0] < 0x20 || s[0] == 0x7F
         || (n >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F);
}

void
ehl_write_plain (FILE *out, const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *) s, *end = p + n;
  const unsigned char *from = p;
  while (p < end)
    if (is_control (p, (size_t) (end - p)))
      {
        fwrite (from, 1, (size_t) (p - from), out);
        putc (' ', out);
        p += p[0] == 0xC2 ? 2 : 1;
        from = p;
      }
    else
      p++;
  fwrite (from, 1, (size_t) (p - from), out);
}

void
ehl_blank_controls (char *s, size_t n)
{
  unsigned char *p = (unsigned char *) s, *end = p + n;
  for (; p < end; p++)
    if (*p != '\n' && is_control (p, (size_t) (end - p)))
      {
        if (*p == 0xC2)
          *p++ = ' ';
        *p = ' ';
      }
}

void
ehl_print_padded (FILE *out, const char *s, size_t width)
{
  ehl_write_plain (out, s, strlen (s));
  for (size_t w = ehl_display_width (s); w < width; w++)
    putc (' ', out);
}

void
ehl_truncate_width (char *s, size_t width)
{
  if (ehl_display_width (s) <= width)
    return;
  size_t budget = width > 3 ? width - 3 : 0, w = 0;
  unsigned char *p = (unsigned char *) s;
  while (*p)
    {
      uint32_t cp;
      size_t len = utf8_decode (p, &cp);
      int cw = codepoint_width (cp);
      if (w + (size_t) cw > budget)
        break;
      w += (size_t) cw;
      p += len;
    }
  strcpy ((char *) p, width >= 3 ? "..." : "");
}

struct ehl_table
{
  size_t ncols, nrows, cap;
  char **cells;                 /* nrows * ncols */
};

ehl_table *
ehl_table_new (size_t ncols)
{
  ehl_table *t = calloc (1, sizeof *t);
  if (t)
    t->ncols = ncols;
  return t;
}

bool
ehl_table_add (ehl_table *t, const char *const *cells)
{
  if (t->nrows == t->cap)
    {
      size_t cap = t->cap ? t->cap * 2 : 16;
      char **grown = realloc (t->cells, cap * t->ncols * sizeof *grown);
      if (!grown)
        return false;
      t->cells = grown;
      t->cap = cap;
    }
  char **row = t->cells + t->nrows * t->ncols;
  for (size_t i = 0; i < t->ncols; i++)
    if (!(row[i] = strdup (cells[i] ? cells[i] : "")))
      {
        while (i-- > 0)
          free (row[i]);
        return false;
      }
  t->nrows++;
  return true;
}

bool
ehl_table_print (const ehl_table *t, FILE *out)
{
  return ehl_table_print_indented (t, out, "");
}

bool
ehl_table_print_indented (const ehl_table *t, FILE *out, const char *indent)
{
  size_t *width = calloc (t->ncols, sizeof *width);
  if (!width)
    return false;
  for (size_t r = 0; r < t->nrows; r++)
    for (size_t c = 0; c < t->ncols; c++)
      {
        size_t w = ehl_display_width (t->cells[r * t->ncols + c]);
        if (w > width[c])
          width[c] = w;
      }
  for (size_t r = 0; r < t->nrows; r++)
    {
      fputs (indent, out);
      for (size_t c = 0; c < t->ncols; c++)
        {
          const char *cell = t->cells[r * t->ncols + c];
          if (c + 1 < t->ncols)
            {
              ehl_print_padded (out, cell, width[c]);
              fputs ("  ", out);
            }
          else
            ehl_write_plain (out, cell, strlen (cell));
        }
      putc ('\n', out);
    }
  free (width);
  return !ferror (out);
}

void
ehl_table_free (ehl_table *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++)
    free (t->cells[i]);
  free (t->cells);
  free (t);
}

bool
ehl_format_parse (const char *name, unsigned allowed, enum ehl_format *out)
{
  static const char *const names[] = { "text", "ndjson", "csv", "html" };
  for (int f = 0; f < 4; f++)
    if (strcmp (name, names[f]) == 0 && (allowed & (1u << f)))
      {
        *out = (enum ehl_format) f;
        return true;
      }
  return false;
}

bool
ehl_csv_is_formula (const char *cell)
{
  return cell[0] && strchr ("=+-@\t\r", cell[0]);
}

static bool
needs_quotes (const char *s)
{
  return strpbrk (s, ",\"\r\n") != NULL;
}

bool
ehl_csv_row (FILE *out, const char *const *cells, size_t n,
             const struct ehl_csv_opts *opts)
{
  for (size_t i = 0; i < n; i++)
    {
      const char *cell = cells[i] ? cells[i] : "";
      if (i > 0)
        putc (',', out);
      bool computed = opts && i < 64 && (opts->numbers >> i & 1);
      bool neutralise = !(opts && opts->no_neutralise) && !computed
                        && ehl_csv_is_formula (cell);
      if (neutralise || needs_quotes (cell))
        {
          /* libcsv quotes the whole cell; the apostrophe goes inside.  */
          size_t len = strlen (cell);
          char *buf = malloc (len + 2);
          if (!buf)
            return false;
          buf[0] = '\'';
          memcpy (buf + 1, cell, len + 1);
          const char *src = neutralise ? buf : cell;
          size_t srclen = neutralise ? len + 1 : len;
          int rc = needs_quotes (src) ? csv_fwrite (out, src, srclen)
                   : (fputs (src, out) == EOF ? -1 : 0);
          free (buf);
          if (rc != 0)
            return false;
        }
      else
        fputs (cell, out);
    }
  fputs (opts && opts->crlf ? "\r\n" : "\n", out);
  return !ferror (out);
}

void
ehl_html_escape (FILE *out, const char *s)
{
  for (; *s; s++)
    switch (*s)
      {
      case '&': fputs ("&amp;", out); break;
      case '<': fputs ("&lt;", out); break;
      case '>': fputs ("&gt;", out); break;
      case '"': fputs ("&quot;", out); break;
      case '\'': fputs ("&#39;", out); break;
      default: putc (*s, out);
      }
}

void
ehl_dot_escape (FILE *out, const char *s)
{
  for (; *s; s++)
    switch (*s)
      {
      case '"': fputs ("\\\"", out); break;
      case '\\': fputs ("\\\\", out); break;
      case '\n': fputs ("\\n", out); break;
      case '\r': break;
      default:
        /* Other control characters would make the SVG or PDF that dot
           writes invalid: a space stands in.  */
        putc ((unsigned char) *s < 0x20 || *s == 0x7F ? ' ' : *s, out);
      }
}
