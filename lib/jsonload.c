/* jsonload.c - decoding JSON text safely when memory runs out (see
   jsonload.h for why jansson needs the help).  */
#include <config.h>

#include "jsonload.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strbuf.h"
#include "strmap.h"

/* jansson gets the text in pieces of this many bytes, so that at most
   this much more is decoded after an allocation fails.  */
#define PIECE 1024

/* The parachute: enough for the token being saved to double twice more
   (it is never longer than the text) and for the values of one piece.  */
#define PARACHUTE_FIXED 65536
#define PARACHUTE_PER_BYTE 4

/* ---- the decoding arena ----

   Decoding a record makes a few dozen small values that are freed
   together moments later.  Inside ehl_json_loadb they are cut from a
   per-thread chunk instead of malloc'd one by one: cheaper, and the
   short-lived values stay in a few hot cache lines instead of being
   scattered between the long-lived per-case state.

   Every block jansson gets carries a header naming its chunk (NULL for a
   block from malloc), and every chunk counts its live blocks.  A chunk
   is reused from the start only when nothing in it is live, so a value
   that outlives its record (a caller that keeps part of a record without
   ehl_json_keep) only pins memory; it is never overwritten.  A block is
   freed by the thread that decoded it, or after that thread has ended
   (the counts are not atomic).  */

/* AddressSanitizer cannot see inside a chunk: tell it which bytes are
   handed out, so that using a freed block is caught there too.  */
#if defined __SANITIZE_ADDRESS__
# define ARENA_ASAN 1
#elif defined __has_feature
# if __has_feature (address_sanitizer)
#  define ARENA_ASAN 1
# endif
#endif
#ifdef ARENA_ASAN
# include <sanitizer/asan_interface.h>
# define POISON(p, n) ASAN_POISON_MEMORY_REGION (p, n)
# define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION (p, n)
#else
# define POISON(p, n) ((void) (p), (void) (n))
# define UNPOISON(p, n) ((void) (p), (void) (n))
#endif

#define CHUNK_SIZE (64 * 1024)
/* Blocks bigger than this go to malloc: a long string or a big array
   would waste most of a chunk.  */
#define CHUNK_BLOCK_MAX (CHUNK_SIZE / 8)
#define BLOCK_ALIGN sizeof (void *)

struct chunk
{
  size_t live;                  /* blocks cut from it, not yet freed */
  size_t used;                  /* bytes of DATA handed out */
  bool current;                 /* its thread still cuts blocks from it */
  max_align_t data[];           /* CHUNK_SIZE bytes */
};

/* What precedes every block jansson gets: one word, so that a small
   value from malloc still fits glibc's smallest chunk.  Blocks are
   aligned for anything jansson stores (pointers, sizes, doubles).  */
struct header
{
  struct chunk *chunk;          /* NULL: the block came from malloc */
#ifdef ARENA_ASAN
  size_t size;                  /* to poison the block when it is freed */
#endif
};

/* Each thread's own state: decodes run in several threads at once.  */
struct guard
{
  void *parachute;
  size_t size;
  bool decoding;                /* inside json_load_callback */
  bool failed;                  /* an allocation failed in this decode */
  struct chunk *arena;          /* the chunk blocks are cut from */
  struct chunk *spare;          /* an empty chunk kept for reuse */
};
static _Thread_local struct guard guard;

static atomic_ulong failures;

/* Frees a thread's parachute and chunks when the thread ends.  */
static pthread_key_t guard_key;
static bool have_key;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void
register_thread (void)
{
  if (have_key)
    pthread_setspecific (guard_key, &guard);
}

static void
set_parachute (void *p, size_t size)
{
  free (guard.parachute);
  guard.parachute = p;
  guard.size = size;
  register_thread ();
}

/* A chunk has no live block left: keep it as the spare, or free it.  */
static void
retire (struct chunk *c)
{
  if (!guard.spare)
    {
      guard.spare = c;
      register_thread ();
    }
  else
    free (c);
}

static struct chunk *
fresh_chunk (void)
{
  struct chunk *c = guard.spare;
  guard.spare = NULL;
  if (!c && !(c = malloc (sizeof *c + CHUNK_SIZE)))
    return NULL;
  c->live = 0;
  c->used = 0;
  c->current = true;
  POISON (c->data, CHUNK_SIZE);
  register_thread ();
  return c;
}

/* A block of SIZE bytes (a multiple of BLOCK_ALIGN) from this
   thread's chunk, or NULL if it does not fit or no chunk can be had.  */
static struct header *
cut_block (size_t size)
{
  struct chunk *c = guard.arena;
  if (c && c->live == 0)
    c->used = 0;
  if (!c || c->used + size > CHUNK_SIZE)
    {
      if (c)
        c->current = false;     /* freed by its last block's free */
      c = guard.arena = fresh_chunk ();
      if (!c)
        return NULL;
    }
  struct header *h = (struct header *) ((char *) c->data + c->used);
  c->used += size;
  c->live++;
  UNPOISON (h, size);
  h->chunk = c;
  return h;
}

static void *
plain_malloc (size_t size)
{
  if (size > SIZE_MAX - sizeof (struct header))
    return NULL;
  struct header *h = malloc (sizeof *h + size);
  if (!h)
    return NULL;
  h->chunk = NULL;
  return h + 1;
}

/* jansson's malloc: on failure inside a decode, note it, let go of the
   parachute and try once more, so the lexer does not lose a byte.  */
static void *
guarded_malloc (size_t size)
{
  if (guard.decoding && size <= CHUNK_BLOCK_MAX)
    {
      size_t whole = (size + BLOCK_ALIGN - 1) / BLOCK_ALIGN * BLOCK_ALIGN;
      struct header *h = cut_block (sizeof *h + whole);
      if (h)
        {
#ifdef ARENA_ASAN
          h->size = whole;
#endif
          return h + 1;
        }
    }
  void *p = plain_malloc (size);
  if (p)
    return p;
  atomic_fetch_add (&failures, 1);
  if (!guard.decoding)
    return NULL;
  guard.failed = true;
  set_parachute (NULL, 0);
  return plain_malloc (size);
}

static void
guarded_free (void *p)
{
  if (!p)
    return;
  struct header *h = (struct header *) p - 1;
  struct chunk *c = h->chunk;
  if (!c)
    {
      free (h);
      return;
    }
#ifdef ARENA_ASAN
  POISON (h, sizeof *h + h->size);
#endif
  if (--c->live == 0 && !c->current)
    retire (c);
}

static bool
is_decoded_block (const void *p)
{
  return ((const struct header *) p - 1)->chunk != NULL;
}

/* A thread ends: give back what its guard holds.  A chunk with live
   blocks is freed by the last of their frees.  */
static void
release_thread (void *arg)
{
  (void) arg;
  free (guard.parachute);
  guard.parachute = NULL;
  guard.size = 0;
  struct chunk *c = guard.arena;
  guard.arena = NULL;
  if (c)
    {
      c->current = false;
      if (c->live == 0)
        free (c);
    }
  free (guard.spare);
  guard.spare = NULL;
}

static void
install (void)
{
  have_key = pthread_key_create (&guard_key, release_thread) == 0;
  json_set_alloc_funcs (guarded_malloc, guarded_free);
}

/* Before main: a value jansson makes before the hook is installed could
   not be freed through it.  */
static void __attribute__ ((constructor))
install_early (void)
{
  ehl_json_init ();
}

void
ehl_json_init (void)
{
  pthread_once (&installed, install);
}

/* Make sure the parachute can carry a decode of LEN bytes.  */
static bool
ensure_parachute (size_t len)
{
  if (len > (SIZE_MAX - PARACHUTE_FIXED) / PARACHUTE_PER_BYTE)
    return false;
  size_t need = PARACHUTE_FIXED + PARACHUTE_PER_BYTE * len;
  if (guard.size >= need)
    return true;
  set_parachute (NULL, 0);
  void *p = malloc (need);
  if (!p)
    return false;
  set_parachute (p, need);
  return true;
}

struct feed
{
  const char *buf;
  size_t len, pos;
};

/* jansson's input: the next piece of the text, or nothing (the end)
   once memory has run out.  */
static size_t
next_piece (void *dest, size_t size, void *arg)
{
  struct feed *f = arg;
  if (guard.failed || f->pos >= f->len)
    return 0;
  size_t n = f->len - f->pos;
  if (n > size)
    n = size;
  if (n > PIECE)
    n = PIECE;
  memcpy (dest, f->buf + f->pos, n);
  f->pos += n;
  return n;
}

static void
set_out_of_memory (json_error_t *err)
{
  memset (err, 0, sizeof *err);
  err->line = err->column = -1;
  strcpy (err->text, "out of memory");
  /* Where json_error_code looks for the code (jansson.h).  */
  err->text[JSON_ERROR_TEXT_LENGTH - 1] = (char) json_error_out_of_memory;
}

json_t *
ehl_json_loadb (const char *buf, size_t len, size_t flags, json_error_t *err)
{
  json_error_t own;
  if (!err)
    err = &own;
  ehl_json_init ();
  if (!ensure_parachute (len))
    {
      set_out_of_memory (err);
      return NULL;
    }
  struct feed f = { buf, len, 0 };
  guard.decoding = true;
  guard.failed = false;
  json_t *v = json_load_callback (next_piece, &f, flags, err);
  guard.decoding = false;
  if (guard.failed)
    {
      json_decref (v);
      set_out_of_memory (err);
      return NULL;
    }
  return v;
}

/* json_dump_callback's output, into a buffer of our own: what json_dumps
   returns was allocated through the hook above and is not the caller's
   to free.  */
static int
add_text (const char *piece, size_t n, void *arg)
{
  struct ehl_strbuf *b = arg;
  ehl_strbuf_add_n (b, piece, n);
  return b->failed ? -1 : 0;
}

char *
ehl_json_dumps (const json_t *v, size_t flags)
{
  unsigned long before = ehl_alloc_failures ();
  struct ehl_strbuf b = EHL_STRBUF_INIT;
  if (json_dump_callback (v, add_text, &b, flags) != 0
      || ehl_alloc_failures () != before)
    {
      ehl_strbuf_free (&b);
      return NULL;
    }
  return ehl_strbuf_take (&b);
}

json_t *
ehl_json_keep (json_t *v)
{
  /* true, false and null are not allocated (and have no header).  */
  if (!v || json_is_true (v) || json_is_false (v) || json_is_null (v)
      || !is_decoded_block (v))
    return json_incref (v);
  unsigned long before = ehl_alloc_failures ();
  json_t *copy = json_deep_copy (v);
  if (copy && ehl_alloc_failures () != before)
    {
      json_decref (copy);
      return NULL;
    }
  return copy;
}

bool
ehl_json_keep_member (json_t *into, json_t *rec, const char *key)
{
  json_t *v = key ? json_object_get (rec, key) : NULL;
  return !v || json_object_set_new (into, key, ehl_json_keep (v)) == 0;
}

/* jansson marks its constants with a count of (size_t) -1 (jansson.h).  */
#define IMMORTAL ((size_t) -1)

json_t *
ehl_json_pin (json_t *v)
{
  if (v)
    v->refcount = IMMORTAL;
  return v;
}

void
ehl_json_unpin (json_t *v)
{
  if (v)
    v->refcount = 1;
}

json_t *
ehl_json_pool_string (struct ehl_json_pool *p, json_t *s)
{
  const char *text = json_string_value (s);
  if (!text || strlen (text) != json_string_length (s))
    return ehl_json_keep (s);   /* no key for it */
  if (!p->index && !(p->index = ehl_strmap_new ()))
    return NULL;
  json_t *have = ehl_strmap_get (p->index, text);
  if (have)
    return have;
  if (!ehl_grow (&p->held, &p->cap, p->n, sizeof *p->held))
    return NULL;
  /* A new string, not ehl_json_keep's: that may share S itself.  */
  json_t *copy = json_stringn (text, json_string_length (s));
  if (!copy || !ehl_strmap_put (p->index, text, copy))
    {
      json_decref (copy);
      return NULL;
    }
  return p->held[p->n++] = ehl_json_pin (copy);
}

json_t *
ehl_json_pool_copy (struct ehl_json_pool *p, json_t *v)
{
  json_t *copy = NULL, *e;
  size_t i;
  const char *key;
  bool ok = true;
  if (!v)
    return NULL;
  switch (json_typeof (v))
    {
    case JSON_STRING:
      return ehl_json_pool_string (p, v);
    case JSON_ARRAY:
      if (!(copy = json_array ()))
        return NULL;
      json_array_foreach (v, i, e)
        ok = ok && json_array_append_new (copy,
                                          ehl_json_pool_copy (p, e)) == 0;
      break;
    case JSON_OBJECT:
      if (!(copy = json_object ()))
        return NULL;
      json_object_foreach (v, key, e)
        ok = ok && json_object_set_new (copy, key,
                                        ehl_json_pool_copy (p, e)) == 0;
      break;
    default:
      return ehl_json_keep (v);
    }
  if (!ok)
    {
      json_decref (copy);
      return NULL;
    }
  return copy;
}

bool
ehl_json_pool_adopt (struct ehl_json_pool *dst, struct ehl_json_pool *src)
{
  if (!ehl_reserve (&dst->held, &dst->cap, dst->n + src->n,
                    sizeof *dst->held))
    return false;
  if (src->n)
    memcpy (dst->held + dst->n, src->held, src->n * sizeof *src->held);
  dst->n += src->n;
  src->n = 0;
  return true;
}

void
ehl_json_pool_free (struct ehl_json_pool *p)
{
  for (size_t i = 0; i < p->n; i++)
    {
      ehl_json_unpin (p->held[i]);
      json_decref (p->held[i]);
    }
  free (p->held);
  ehl_strmap_free (p->index);
  memset (p, 0, sizeof *p);
}

bool
ehl_json_out_of_memory (const json_error_t *err)
{
  return json_error_code (err) == json_error_out_of_memory;
}

unsigned long
ehl_alloc_failures (void)
{
  ehl_json_init ();
  return atomic_load (&failures);
}

void *
ehl_alloc_failed (void)
{
  atomic_fetch_add (&failures, 1);
  return NULL;
}
