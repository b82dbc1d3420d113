/* jsonload.c - decoding JSON text safely when memory runs out (see
   jsonload.h for why jansson needs the help).  */
#include <config.h>

#include "jsonload.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* jansson gets the text in pieces of this many bytes, so that at most
   this much more is decoded after an allocation fails.  */
#define PIECE 1024

/* The parachute: enough for the token being saved to double twice more
   (it is never longer than the text) and for the values of one piece.  */
#define PARACHUTE_FIXED 65536
#define PARACHUTE_PER_BYTE 4

/* Each thread's own state: decodes run in several threads at once.  */
struct guard
{
  void *parachute;
  size_t size;
  bool decoding;                /* inside json_load_callback */
  bool failed;                  /* an allocation failed in this decode */
};
static _Thread_local struct guard guard;

static atomic_ulong failures;

/* Frees a thread's parachute when the thread ends.  */
static pthread_key_t parachute_key;
static bool have_key;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

static void
set_parachute (void *p, size_t size)
{
  free (guard.parachute);
  guard.parachute = p;
  guard.size = size;
  if (have_key)
    pthread_setspecific (parachute_key, p);
}

/* jansson's malloc: on failure inside a decode, note it, let go of the
   parachute and try once more, so the lexer does not lose a byte.  */
static void *
guarded_malloc (size_t size)
{
  void *p = malloc (size);
  if (p)
    return p;
  atomic_fetch_add (&failures, 1);
  if (!guard.decoding)
    return NULL;
  guard.failed = true;
  set_parachute (NULL, 0);
  return malloc (size);
}

static void
install (void)
{
  have_key = pthread_key_create (&parachute_key, free) == 0;
  json_set_alloc_funcs (guarded_malloc, free);
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

char *
ehl_json_dumps (const json_t *v, size_t flags)
{
  unsigned long before = ehl_alloc_failures ();
  char *text = json_dumps (v, flags);
  if (text && ehl_alloc_failures () != before)
    {
      free (text);
      return NULL;
    }
  return text;
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
