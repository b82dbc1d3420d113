/* strbuf.h - a growable string, for messages assembled piece by piece.
   Once memory runs out the buffer stays failed (strbuf_failed) and
   further appends do nothing, so callers check once at the end (the
   failure is counted by ehl_alloc_failed too).  */
#ifndef EHLOG_STRBUF_H
#define EHLOG_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct ehl_strbuf
{
  char *s;                      /* NUL-terminated, or NULL while empty */
  size_t len, cap;
  bool failed;
};

#define EHL_STRBUF_INIT { NULL, 0, 0, false }

void ehl_strbuf_add (struct ehl_strbuf *b, const char *s);
/* The N bytes at S (no NUL among them).  */
void ehl_strbuf_add_n (struct ehl_strbuf *b, const char *s, size_t n);
void ehl_strbuf_addf (struct ehl_strbuf *b, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
/* The text so far ("" when empty); valid until the next append.  */
const char *ehl_strbuf_str (const struct ehl_strbuf *b);
/* Cut the text back to LEN bytes.  */
void ehl_strbuf_truncate (struct ehl_strbuf *b, size_t len);
/* Hand the text to the caller (malloc'd; NULL if memory ran out) and
   leave B empty.  */
char *ehl_strbuf_take (struct ehl_strbuf *b);
void ehl_strbuf_free (struct ehl_strbuf *b);

#endif
