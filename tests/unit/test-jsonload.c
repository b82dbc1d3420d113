/* test-jsonload.c - unit tests for the guarded JSON decoding and
   encoding (jsonload).  Failing allocations themselves are tested with
   the failmalloc shim (the alloc-failures test cases).  */

#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"
#include "unit.h"

/* Decodes as json_loadb does: the value, and the same error.  */
static void
test_decode (void)
{
  json_error_t err, want;
  const char *text = "{\"a\":[1,2,\"\\u00e9\"],\"b\":{\"c\":null}}";
  json_t *v = ehl_json_loadb (text, strlen (text), JSON_REJECT_DUPLICATES,
                              &err);
  json_t *w = json_loads (text, 0, NULL);
  CHECK (v && json_equal (v, w));
  json_decref (v);
  json_decref (w);

  const char *bad = "{\"a\":1,\"a\":2}";
  CHECK (!ehl_json_loadb (bad, strlen (bad), JSON_REJECT_DUPLICATES, &err));
  CHECK (!json_loadb (bad, strlen (bad), JSON_REJECT_DUPLICATES, &want));
  CHECK_STR (err.text, want.text);
  CHECK (err.column == want.column);
  CHECK (!ehl_json_out_of_memory (&err));

  /* Longer than one piece of the feed, with a token across pieces.  */
  char *big = malloc (5000);
  memset (big, 'x', 5000);
  memcpy (big, "[\"", 2);
  memcpy (big + 4997, "\"]", 3);
  v = ehl_json_loadb (big, 4999, 0, NULL);
  CHECK (v && strlen (json_string_value (json_array_get (v, 0))) == 4995);
  json_decref (v);
  /* Only LEN bytes are read: the buffer need not end in NUL.  */
  CHECK (!ehl_json_loadb (big, 100, 0, &err));
  free (big);

  /* Decoding the rest of a buffer after a first value, as the
     expectation loader does.  */
  const char *two = "[1] [2]";
  v = ehl_json_loadb (two, strlen (two), JSON_DISABLE_EOF_CHECK, &err);
  CHECK (v && err.position == 3);
  json_decref (v);
}

/* Text too long to hold a reserve for is refused as memory, not read.  */
static void
test_too_big (void)
{
  json_error_t err;
  unsigned long before = ehl_alloc_failures ();
  CHECK (!ehl_json_loadb ("[]", SIZE_MAX / 2, 0, &err));
  CHECK (ehl_json_out_of_memory (&err));
  CHECK_STR (err.text, "out of memory");
  CHECK (ehl_alloc_failures () == before);
}

static void
test_dumps_and_count (void)
{
  json_t *v = json_pack ("{s:s,s:i}", "b", "x", "a", 1);
  char *s = ehl_json_dumps (v, JSON_COMPACT | JSON_SORT_KEYS);
  CHECK_STR (s, "{\"a\":1,\"b\":\"x\"}");
  free (s);
  json_decref (v);

  unsigned long before = ehl_alloc_failures ();
  CHECK (ehl_alloc_failed () == NULL);
  CHECK (ehl_alloc_failures () == before + 1);
}

/* Decoded values come from a per-thread arena: one kept past its record
   without ehl_json_keep must still never be overwritten by later decodes,
   and ehl_json_keep copies decoded values only.  */
static void
test_arena (void)
{
  const char *text = "{\"name\":\"Aunty Ava\",\"n\":[1,2,3],\"t\":true}";
  json_t *rec = ehl_json_loadb (text, strlen (text), JSON_ALLOW_NUL, NULL);
  json_t *held = json_incref (json_object_get (rec, "name"));
  json_t *list = json_object_get (rec, "n");
  json_t *kept = ehl_json_keep (list);
  CHECK (kept && kept != list && json_equal (kept, list));
  CHECK (json_object_get (rec, "t") == json_true ());
  CHECK (ehl_json_keep (json_true ()) == json_true ());
  json_decref (rec);

  /* Enough decodes to go round many chunks.  */
  char line[200];
  bool all = true;
  for (int i = 0; i < 20000; i++)
    {
      snprintf (line, sizeof line,
                "{\"name\":\"Person %d with a longer name\",\"i\":%d}", i,
                i);
      json_t *other = ehl_json_loadb (line, strlen (line), 0, NULL);
      all &= other != NULL;
      json_decref (other);
    }
  CHECK (all);
  CHECK_STR (json_string_value (held), "Aunty Ava");
  CHECK (json_integer_value (json_array_get (kept, 2)) == 3);

  /* A value made outside a decode is already on the heap: shared.  */
  json_t *made = json_string ("x");
  json_t *same = ehl_json_keep (made);
  CHECK (same == made && made->refcount == 2);
  CHECK (ehl_json_keep (NULL) == NULL);
  json_decref (same);
  json_decref (made);
  json_decref (held);
  json_decref (kept);
}

/* ehl_json_dumps's text is the caller's, whatever its length.  */
static void
test_dumps_long (void)
{
  char *big = malloc (3001);
  memset (big, 'y', 3000);
  big[3000] = '\0';
  json_t *v = json_pack ("[s,i]", big, 42);
  char *s = ehl_json_dumps (v, JSON_COMPACT);
  CHECK (s && strlen (s) == 3000 + 7 && strncmp (s, "[\"yyy", 5) == 0
         && strcmp (s + 3002, "\",42]") == 0);
  free (s);
  json_decref (v);
  free (big);
}

/* One copy of each text, outliving the records it came from, shared by
   copies of arrays and objects, and handed on by adopting.  */
static void
test_pool (void)
{
  struct ehl_json_pool p = { 0 }, q = { 0 };
  const char *text = "{\"name\":\"Sue\",\"who\":[\"Sue\",\"Dad\",3],"
                     "\"odd\":\"a\\u0000b\"}";
  json_t *rec = ehl_json_loadb (text, strlen (text), JSON_ALLOW_NUL, NULL);
  json_t *sue = ehl_json_pool_string (&p, json_object_get (rec, "name"));
  json_t *who = ehl_json_pool_copy (&p, json_object_get (rec, "who"));
  json_t *odd = ehl_json_pool_string (&p, json_object_get (rec, "odd"));
  json_decref (rec);
  CHECK_STR (json_string_value (sue), "Sue");
  CHECK (json_array_size (who) == 3 && json_array_get (who, 0) == sue);
  CHECK_STR (json_string_value (json_array_get (who, 1)), "Dad");
  CHECK (json_integer_value (json_array_get (who, 2)) == 3);
  /* A NUL inside has no key in the index: kept, but not shared.  */
  CHECK (odd && json_string_length (odd) == 3 && p.n == 2);
  CHECK (ehl_json_pool_adopt (&q, &p) && p.n == 0 && q.n == 2);
  ehl_json_pool_free (&p);
  CHECK_STR (json_string_value (json_array_get (who, 1)), "Dad");
  json_decref (who);
  json_decref (odd);
  ehl_json_pool_free (&q);
}

int
main (void)
{
  test_decode ();
  test_too_big ();
  test_dumps_and_count ();
  test_arena ();
  test_dumps_long ();
  test_pool ();
  return UNIT_DONE ();
}
