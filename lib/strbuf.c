/* strbuf.c - a growable string.  */
#include <config.h>

#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

/* Make room for N more bytes and the terminating NUL.  */
static bool
reserve (struct ehl_strbuf *b, size_t n)
{
  if (b->failed)
    return false;
  if (b->len + n + 1 <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + n + 1)
    cap *= 2;
  char *grown = realloc (b->s, cap);
  if (!grown)
    {
      b->failed = true;
      ehl_alloc_failed ();      /* so a caller that never looks is caught */
      return false;
    }
  b->s = grown;
  b->cap = cap;
  return true;
}

void
ehl_strbuf_add_n (struct ehl_strbuf *b, const char *s, size_t n)
{
  if (!reserve (b, n))
    return;
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void
ehl_strbuf_add (struct ehl_strbuf *b, const char *s)
{
  ehl_strbuf_add_n (b, s, strlen (s));
}

void
ehl_strbuf_addf (struct ehl_strbuf *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0 || !reserve (b, (size_t) n))
    {
      b->failed = true;
      return;
    }
  va_start (ap, fmt);
  vsnprintf (b->s + b->len, (size_t) n + 1, fmt, ap);
  va_end (ap);
  b->len += (size_t) n;
}

const char *
ehl_strbuf_str (const struct ehl_strbuf *b)
{
  return b->s && !b->failed ? b->s : "";
}

void
ehl_strbuf_truncate (struct ehl_strbuf *b, size_t len)
{
  if (b->s && len < b->len)
    {
      b->len = len;
      b->s[len] = '\0';
    }
}

char *
ehl_strbuf_take (struct ehl_strbuf *b)
{
  char *s = b->failed ? NULL : b->s ? b->s : strdup ("");
  if (b->failed)
    free (b->s);
  b->s = NULL;
  b->len = b->cap = 0;
  b->failed = false;
  return s;
}

void
ehl_strbuf_free (struct ehl_strbuf *b)
{
  free (b->s);
  b->s = NULL;
  b->len = b->cap = 0;
  b->failed = false;
}
