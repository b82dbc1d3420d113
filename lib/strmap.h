/* strmap.h - a small open-addressing hash map from strings to pointers
   (case identifiers to per-case state, names to members).  */
#ifndef EHLOG_STRMAP_H
#define EHLOG_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ehl_strmap ehl_strmap;

ehl_strmap *ehl_strmap_new (void);
/* Free the map (and its copies of the keys; values are the caller's).  */
void ehl_strmap_free (ehl_strmap *m);

/* The value stored under KEY, or NULL.  */
void *ehl_strmap_get (const ehl_strmap *m, const char *key);

/* Store VALUE under KEY (copied); replaces any value.  Returns the map's
   own copy of the key, or NULL if memory ran out.  */
const char *ehl_strmap_put (ehl_strmap *m, const char *key, void *value);

size_t ehl_strmap_size (const ehl_strmap *m);

/* Call FN for every entry, in no particular order.  */
void ehl_strmap_each (const ehl_strmap *m,
                      void (*fn) (const char *key, void *value, void *ctx),
                      void *ctx);

/* A table of distinct strings numbered from 1 in the order first seen:
   a value that repeats across many records ("aunt", a child's ref) is
   kept once, and a record keeps its number.  */
struct ehl_intern
{
  ehl_strmap *index;            /* string -> its number */
  const char **text;            /* [number - 1]: the map's own copies */
  size_t n, cap;
};

/* The number of S in T, S added if new; 0 if memory ran out.  T starts
   zeroed.  */
size_t ehl_intern (struct ehl_intern *t, const char *s);

/* The string numbered N, or NULL.  */
const char *ehl_intern_text (const struct ehl_intern *t, size_t n);

void ehl_intern_free (struct ehl_intern *t);

/* FNV-1a, exposed for callers that hash the same strings again.  */
size_t ehl_hash_string (const char *s);

/* A hash of the N bytes at P, eight at a time (a line of a record file
   is hashed as it is read: byte by byte would cost a percent of the
   report).  Not for an adversary: to tell copies apart.  */
uint64_t ehl_hash_bytes (const void *p, size_t n);

#endif
