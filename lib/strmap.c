/* strmap.c - open addressing with linear probing; the table doubles at
   half full, so probes stay short.  */
#include <config.h>

#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

struct slot
{
  char *key;
  size_t hash;
  void *value;
};

struct ehl_strmap
{
  struct slot *slots;
  size_t cap;                   /* a power of two */
  size_t used;
};

size_t
ehl_hash_string (const char *s)
{
  size_t h = (size_t) 1469598103934665603ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * (size_t) 1099511628211ULL;
  return h;
}

/* Two lanes over alternate words, so that the multiplications overlap;
   then a finaliser that spreads every bit over the whole word.  */
uint64_t
ehl_hash_bytes (const void *p, size_t n)
{
  const uint64_t k = UINT64_C (0x9e3779b97f4a7c15);
  const unsigned char *s = p;
  uint64_t a = n ^ k, b = n * k, w, v;
  for (; n >= 16; s += 16, n -= 16)
    {
      memcpy (&w, s, 8);
      memcpy (&v, s + 8, 8);
      a = (a ^ w) * UINT64_C (0xff51afd7ed558ccd);
      b = (b ^ v) * UINT64_C (0xc4ceb9fe1a85ec53);
      a ^= a >> 31;
      b ^= b >> 29;
    }
  w = v = 0;
  memcpy (&w, s, n < 8 ? n : 8);
  if (n > 8)
    memcpy (&v, s + 8, n - 8);
  a = (a ^ w) * UINT64_C (0xff51afd7ed558ccd);
  b = (b ^ v) * UINT64_C (0xc4ceb9fe1a85ec53);
  uint64_t h = a ^ (b >> 32 | b << 32);
  h ^= h >> 33;
  h *= UINT64_C (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

ehl_strmap *
ehl_strmap_new (void)
{
  ehl_strmap *m = calloc (1, sizeof *m);
  if (!m)
    return NULL;
  m->cap = 64;
  m->slots = calloc (m->cap, sizeof *m->slots);
  if (!m->slots)
    {
      free (m);
      return NULL;
    }
  return m;
}

void
ehl_strmap_free (ehl_strmap *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->cap; i++)
    free (m->slots[i].key);
  free (m->slots);
  free (m);
}

static struct slot *
find_slot (struct slot *slots, size_t cap, const char *key, size_t hash)
{
  size_t i = hash & (cap - 1);
  while (slots[i].key
         && !(slots[i].hash == hash && strcmp (slots[i].key, key) == 0))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

void *
ehl_strmap_get (const ehl_strmap *m, const char *key)
{
  struct slot *s = find_slot (m->slots, m->cap, key, ehl_hash_string (key));
  return s->key ? s->value : NULL;
}

static int
grow (ehl_strmap *m)
{
  size_t cap = m->cap * 2;
  struct slot *slots = calloc (cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key)
      *find_slot (slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
  free (m->slots);
  m->slots = slots;
  m->cap = cap;
  return 0;
}

const char *
ehl_strmap_put (ehl_strmap *m, const char *key, void *value)
{
  size_t hash = ehl_hash_string (key);
  struct slot *s = find_slot (m->slots, m->cap, key, hash);
  if (s->key)
    {
      s->value = value;
      return s->key;
    }
  if ((m->used + 1) * 2 > m->cap)
    {
      if (grow (m) != 0)
        return NULL;
      s = find_slot (m->slots, m->cap, key, hash);
    }
  s->key = strdup (key);
  if (!s->key)
    return NULL;
  s->hash = hash;
  s->value = value;
  m->used++;
  return s->key;
}

size_t
ehl_strmap_size (const ehl_strmap *m)
{
  return m->used;
}

void
ehl_strmap_each (const ehl_strmap *m,
                 void (*fn) (const char *key, void *value, void *ctx),
                 void *ctx)
{
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key)
      fn (m->slots[i].key, m->slots[i].value, ctx);
}

size_t
ehl_intern (struct ehl_intern *t, const char *s)
{
  uintptr_t n = t->index ? (uintptr_t) ehl_strmap_get (t->index, s) : 0;
  if (n)
    return n;
  if (!t->index && !(t->index = ehl_strmap_new ()))
    return 0;
  if (!ehl_grow (&t->text, &t->cap, t->n, sizeof *t->text))
    return 0;
  const char *copy = ehl_strmap_put (t->index, s,
                                     (void *) (uintptr_t) (t->n + 1));
  if (!copy)
    return 0;
  t->text[t->n++] = copy;
  return t->n;
}

const char *
ehl_intern_text (const struct ehl_intern *t, size_t n)
{
  return n >= 1 && n <= t->n ? t->text[n - 1] : NULL;
}

void
ehl_intern_free (struct ehl_intern *t)
{
  ehl_strmap_free (t->index);
  free (t->text);
  memset (t, 0, sizeof *t);
}
