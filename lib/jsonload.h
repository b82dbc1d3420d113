/* jsonload.h - decoding JSON text safely when memory runs out.

   jansson's decoder (2.14) does not survive a failed allocation while it
   saves the characters of a token: lex_save ignores the failure, the
   byte is lost, and the lexer then reads past its buffer or fails an
   assertion (jansson issue #362).  At other moments a failed allocation
   shows as an ordinary syntax error, or as no error text at all.  So
   every decode goes through ehl_json_loadb, which
   - keeps a reserve of memory ("parachute") for each thread, big enough
     for what the rest of the text may need, and gives it back to the
     system the moment an allocation fails, so that jansson's retry-less
     allocations still succeed and no byte is ever lost;
   - feeds jansson the text in small pieces and stops feeding it once an
     allocation has failed, so that little more is decoded after that;
   - and then throws the decoded value away and says memory ran out.
   It also decodes into a per-thread arena, which is what makes reading
   records cheap; a caller that keeps part of a record past the record
   uses ehl_json_keep.  So everything jansson allocates has a header of
   ours: never pass what jansson returns (json_dumps) to free; use
   ehl_json_dumps.  */
#ifndef EHLOG_JSONLOAD_H
#define EHLOG_JSONLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* Route jansson's allocations through the guard.  Called by
   ehl_cli_init (before any thread starts) and by ehl_json_loadb.  */
void ehl_json_init (void);

/* json_loadb (BUF, LEN, FLAGS, ERR), except that when memory ran out at
   any moment of the decode, the result is NULL and ERR says so (see
   ehl_json_out_of_memory), whatever jansson made of it.  */
json_t *ehl_json_loadb (const char *buf, size_t len, size_t flags,
                        json_error_t *err);

/* json_dumps (V, FLAGS), except that when memory ran out at any moment
   the result is NULL: jansson 2.14 can leave a key out of its text
   instead of failing.  Free it with free.  */
char *ehl_json_dumps (const json_t *v, size_t flags);

/* V, to keep after the record it was decoded in is gone: a new
   reference to V, or, when V was made by ehl_json_loadb, a copy of it
   on the heap (a decoded value would otherwise hold on to the memory of
   all the records decoded around it; see jsonload.c).  NULL if V is
   NULL or memory ran out.  */
json_t *ehl_json_keep (json_t *v);

/* Copy member KEY of REC, if it has one, into object INTO (with
   ehl_json_keep).  False if memory ran out.  */
bool ehl_json_keep_member (json_t *into, json_t *rec, const char *key);

/* Kept strings, shared: each distinct text once, pinned (below) so
   that the items of many records, cases and threads can hold it without
   counting.  People's names come back record after record (a member's
   own records, the "who" of plans) and recur across cases.  Start it
   zeroed.  */
struct ehl_json_pool
{
  struct ehl_strmap *index;     /* text -> its one copy */
  json_t **held;                /* every copy held, adopted ones too */
  size_t n, cap;
};

/* S, a JSON string, as the pool's copy of its text (a text with a NUL
   inside is kept with ehl_json_keep, unshared).  NULL if memory ran
   out.  */
json_t *ehl_json_pool_string (struct ehl_json_pool *p, json_t *s);

/* A copy of V, as by ehl_json_keep, whose strings at any depth are the
   pool's.  NULL if V is NULL or memory ran out.  */
json_t *ehl_json_pool_copy (struct ehl_json_pool *p, json_t *v);

/* Hold SRC's copies in DST too, so that they live as long as DST: all
   of them, or (memory ran out) none and false.  */
bool ehl_json_pool_adopt (struct ehl_json_pool *dst,
                          struct ehl_json_pool *src);

/* Free the pool's copies: nothing may hold them any more.  */
void ehl_json_pool_free (struct ehl_json_pool *p);

/* Make V, a value held by no one else, immortal: json_incref and
   json_decref then leave it alone, as they leave jansson's own true,
   false and null.  Threads may then share it without touching its count:
   jansson orders the count's last decrement too weakly for a value freed
   by one thread after another has read it (ThreadSanitizer says so), and
   each change costs an atomic operation.  Returns V.  ehl_json_unpin
   gives it back one reference, for the last json_decref.  */
json_t *ehl_json_pin (json_t *v);
void ehl_json_unpin (json_t *v);

/* Did the decode that filled ERR fail for want of memory?  */
bool ehl_json_out_of_memory (const json_error_t *err);

/* How many allocations have failed so far, in any thread: every one of
   jansson's, and those noted with ehl_alloc_failed.  jansson drops some
   failures silently (json_copy leaves members out, and
   json_object_set_new (obj, key, json_string (s)) just fails): compare
   the count before and after a piece of work to know that it is whole.  */
unsigned long ehl_alloc_failures (void);

/* Count a failed allocation of our own that its caller cannot report
   (ehl_finish then says memory ran out).  Returns NULL.  */
void *ehl_alloc_failed (void);

#endif
