/* casefile.c - the case-file view.  */
#include <config.h>

#include "casefile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "id.h"
#include "operand.h"
#include "parallel.h"
#include "strmap.h"

#if defined __GNUC__ || defined __clang__
# define PREFETCH(p, write) __builtin_prefetch (p, write)
#else
# define PREFETCH(p, write) ((void) (p))
#endif

_Static_assert (sizeof (struct ehl_item) <= 40,
                "an item is 40 bytes at most: it is most of the memory");

/* The records a pruner let go and counted in one counter: their keys
   (item_key), with repeats dropped whenever the array fills up
   (ehl_cases_tally); resolve counts each once.  */
struct ehl_keys
{
  uint64_t *v;
  size_t n, cap;
};

/* The index from case identifier to case: open addressing on the
   identifier's hash, kept in the slot so that a probe reads the case (whose
   identifier is stored inside it, and which the caller needs next anyway)
   only when the hashes match.  */
struct slot
{
  size_t hash;
  struct ehl_case *k;           /* NULL: free */
};

/* Items are added to one array, in the order they come, each marked
   with its case's number; resolve then moves each case's items together,
   in place.  An array per case, grown by half as its items came, left a
   quarter of its room unused (1M records) and was copied at each step.  */
struct ehl_cases
{
  struct slot *slots;
  size_t n_slots;               /* a power of two, at least twice N */
  struct ehl_case **list;       /* in order of creation, sorted by resolve */
  size_t n, cap;
  struct ehl_item *items;       /* every case's items */
  size_t n_items, cap_items;
  bool placed;                  /* each case's items are together */
  ehl_corrections *known;       /* the corrections, known in advance */
  size_t unforeseen;            /* corrections read that KNOWN lacked */
  ehl_prune_fn *prune;          /* with KNOWN: see ehl_cases_prune_with */
  void *prune_ctx;
  size_t n_tally;
  size_t prune_at;              /* prune when N_ITEMS reaches this */
  size_t prune_every;
  ehl_day as_of;
  char *const *files;
  int nfiles;
};

ehl_cases *
ehl_cases_new (ehl_day as_of, char *const *files, int nfiles)
{
  ehl_cases *c = calloc (1, sizeof *c);
  if (!c || !(c->slots = calloc (64, sizeof *c->slots)))
    {
      free (c);
      return NULL;
    }
  c->n_slots = 64;
  c->as_of = as_of;
  c->files = files;
  c->nfiles = nfiles;
  return c;
}

static void
release_items (struct ehl_item *items, size_t n)
{
  for (size_t i = 0; i < n; i++)
    json_decref (items[i].json);
}

static void
free_let_go (struct ehl_case *k, size_t n_tally)
{
  for (size_t t = 0; k->let_go && t < n_tally; t++)
    free (k->let_go[t].v);
  free (k->let_go);
  k->let_go = NULL;
}

void
ehl_cases_free (ehl_cases *c)
{
  if (!c)
    return;
  /* Once placed, what resolve let go of lies after each case's items.  */
  if (!c->placed)
    release_items (c->items, c->n_items);
  for (size_t i = 0; i < c->n; i++)
    {
      struct ehl_case *k = c->list[i];
      if (c->placed)
        release_items (k->items, k->n_items);
      free (k->removed);
      free_let_go (k, c->n_tally);
      free (k->tally);
      free (k->user);
      free (k);
    }
  free (c->items);
  free (c->list);
  free (c->slots);
  free (c);
}

static struct slot *
find_slot (struct slot *slots, size_t n_slots, const char *id, size_t hash)
{
  size_t i = hash & (n_slots - 1);
  while (slots[i].k
         && !(slots[i].hash == hash && strcmp (slots[i].k->id, id) == 0))
    i = (i + 1) & (n_slots - 1);
  return &slots[i];
}

static bool
grow_slots (ehl_cases *c)
{
  size_t n_slots = c->n_slots * 2;
  struct slot *slots = calloc (n_slots, sizeof *slots);
  if (!slots)
    return false;
  for (size_t i = 0; i < c->n_slots; i++)
    if (c->slots[i].k)
      *find_slot (slots, n_slots, c->slots[i].k->id, c->slots[i].hash)
        = c->slots[i];
  free (c->slots);
  c->slots = slots;
  c->n_slots = n_slots;
  return true;
}

/* A new empty case, its identifier stored after it.  */
static struct ehl_case *
new_case (const char *id)
{
  size_t len = strlen (id);
  struct ehl_case *k = calloc (1, sizeof *k + len + 1);
  if (k)
    k->id = memcpy (k + 1, id, len + 1);
  return k;
}

/* The case in the first slot with HASH, or NULL: comparing the
   identifier would read the case, the very load being brought forward,
   and a wrong guess costs nothing but a wasted fetch.  */
static const struct ehl_case *
guess_case (const ehl_cases *c, size_t hash)
{
  size_t mask = c->n_slots - 1;
  for (size_t i = hash & mask; c->slots[i].k; i = (i + 1) & mask)
    if (c->slots[i].hash == hash)
      return c->slots[i].k;
  return NULL;
}

void
ehl_cases_prefetch (const ehl_cases *c, size_t hash, enum ehl_fetch step)
{
  if (step == EHL_FETCH_SLOT)
    {
      PREFETCH (&c->slots[hash & (c->n_slots - 1)], 0);
      return;
    }
  const struct ehl_case *k = guess_case (c, hash);
  if (!k)
    return;
  PREFETCH (k, 0);
  PREFETCH ((const char *) k + sizeof *k, 0);       /* the identifier */
}

/* ehl_cases_case, when the hash of ID is known.  */
static struct ehl_case *
case_at (ehl_cases *c, const char *id, size_t hash)
{
  struct slot *s = find_slot (c->slots, c->n_slots, id, hash);
  if (s->k)
    return s->k;
  if ((c->n + 1) * 2 > c->n_slots)
    {
      if (!grow_slots (c))
        return NULL;
      s = find_slot (c->slots, c->n_slots, id, hash);
    }
  struct ehl_case *k;
  /* Items name their case in 24 bits (a council has tens of thousands;
     sixteen million would not fit in memory anyway).  */
  if (c->n == EHL_MAX_CASES
      || !ehl_grow (&c->list, &c->cap, c->n, sizeof *c->list)
      || !(k = new_case (id)))
    return NULL;
  k->no = c->n;
  *s = (struct slot) { hash, k };
  c->list[c->n++] = k;
  return k;
}

struct ehl_case *
ehl_cases_case (ehl_cases *c, const char *id)
{
  return case_at (c, id, ehl_hash_string (id));
}

struct ehl_case_key
ehl_case_key_of (json_t *rec)
{
  const char *id = ehl_record_case (rec);
  return (struct ehl_case_key) { id, id ? ehl_hash_string (id) : 0 };
}

bool
ehl_id_parse (const char *hex, uint64_t *out)
{
  /* One pass: the same test as ehl_record_id_valid (16 lowercase hex
     digits, nothing more), done while reading the digits.  */
  uint64_t v = 0;
  if (!hex)
    return false;
  for (int i = 0; i < EHL_ID_LEN; i++)
    {
      char d = hex[i];
      unsigned n = d >= '0' && d <= '9' ? (unsigned) (d - '0')
                   : d >= 'a' && d <= 'f' ? (unsigned) (d - 'a' + 10) : 16;
      if (n == 16)
        return false;
      v = v << 4 | n;
    }
  if (hex[EHL_ID_LEN] != '\0')
    return false;
  *out = v;
  return true;
}

void
ehl_id_format (uint64_t id, char out[17])
{
  static const char digits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; i--, id >>= 4)
    out[i] = digits[id & 15];
  out[16] = '\0';
}

void
ehl_cases_know_corrections (ehl_cases *c, ehl_corrections *corrections)
{
  c->known = corrections;
}

size_t
ehl_cases_unforeseen (const ehl_cases *c)
{
  return c->unforeseen;
}

void
ehl_cases_prune_with (ehl_cases *c, ehl_prune_fn *prune, void *ctx,
                      size_t n_tally, size_t every)
{
  c->prune = prune;
  c->prune_ctx = ctx;
  c->n_tally = n_tally;
  c->prune_every = every;
  c->prune_at = every;
}

/* Note that K's record TARGET (an id, or NULL), named in FIELD of REC,
   no longer counts, unless the corrections known in advance say so
   already: then tell them where, if REC counts (OWN_ID, its id, is not
   named).  (One they do not know was written to the file after they
   were read: it is applied when the view is resolved, and counted.)  */
static bool
note_removed (ehl_cases *c, struct ehl_case *k, size_t hash,
              const struct ehl_record *rec, const char *field,
              const uint64_t *own_id)
{
  uint64_t id;
  const char *target = ehl_get_str (rec->json, field);
  if (!target || !ehl_id_parse (target, &id))
    return true;
  if (c->known && ehl_corrections_named (c->known, k->id, hash, id))
    {
      if (own_id && !ehl_corrections_named (c->known, k->id, hash, *own_id))
        ehl_corrections_met_correction (c->known, k->id, hash, id,
                                        rec->file_no, rec->line,
                                        field[0] == 't');
      return true;
    }
  c->unforeseen += c->known != NULL;
  if (!ehl_grow (&k->removed, &k->cap_removed, k->n_removed, sizeof id))
    return false;
  k->removed[k->n_removed++] = id;
  return true;
}

/* Is B a copy of A: the same line read again (the same day, id and
   text)?  A record edited by hand that kept its id is not (but for one
   in 65,536, whose text hash agrees in the 16 bits items keep: that
   one is taken for a copy).  */
static bool
same_record (const struct ehl_item *a, const struct ehl_item *b)
{
  return a->day == b->day && a->id == b->id && a->text_hash == b->text_hash;
}

/* Sort the N KEYS and drop repeats; how many are left.  */
static size_t
unique_keys (uint64_t *keys, size_t n)
{
  if (n == 0)
    return 0;
  qsort (keys, n, sizeof *keys, ehl_cmp_id);
  size_t out = 1;
  for (size_t i = 1; i < n; i++)
    if (keys[i] != keys[out - 1])
      keys[out++] = keys[i];
  return out;
}

/* One word for what same_record compares, for counting each record
   once: two records with the same key are copies of one line.  */
static uint64_t
item_key (const struct ehl_item *it)
{
  uint64_t more = (uint64_t) it->text_hash << 32 | (uint32_t) it->day;
  return it->id ^ more * UINT64_C (0x9e3779b97f4a7c15);
}

bool
ehl_cases_tally (ehl_cases *c, struct ehl_case *k,
                 const struct ehl_item *item, size_t t)
{
  if (!k->let_go && !(k->let_go = calloc (c->n_tally, sizeof *k->let_go)))
    return false;
  struct ehl_keys *keys = &k->let_go[t];
  /* Full: drop the copies first (a file named twice lets every record go
     twice), and grow only if it is still at least half full, so that the
     keys take at most three words for each record counted, however often
     it is read.  */
  if (keys->n == keys->cap)
    {
      keys->n = unique_keys (keys->v, keys->n);
      /* Grow by half even if a few went: else the next key fills it
         again, and each key costs a sort.  */
      if (2 * keys->n >= keys->cap
          && !ehl_grow (&keys->v, &keys->cap, keys->cap, sizeof *keys->v))
        return false;
    }
  keys->v[keys->n++] = item_key (item);
  return true;
}

/* False only if memory ran out: an id of 0 would make all such records
   of a day one (drop_repeats).  */
bool
ehl_record_id_of (json_t *json, uint64_t *id)
{
  char text[EHL_ID_LEN + 1];
  return ehl_id_parse (ehl_get_str (json, "id"), id)
         || (ehl_record_id (json, text) && ehl_id_parse (text, id));
}

static bool prune (ehl_cases *c);

bool
ehl_cases_add (ehl_cases *c, const struct ehl_record *rec,
               struct ehl_case_key key, bool keep, struct ehl_item **item)
{
  ehl_day day;
  uint64_t id;
  bool have_id = false;
  *item = NULL;
  if (!key.id)
    return true;
  /* Tell the known corrections of every record of a case they name one
   of, whatever its date (a correction may be dated before the record it
   puts right), so that those naming none can be told apart.  */
  if (c->known && ehl_corrections_may_name_case (c->known, key.hash))
    {
      if (!ehl_record_id_of (rec->json, &id))
        return false;
      have_id = true;
      ehl_corrections_met (c->known, key.id, key.hash, id);
    }
  if (!ehl_date_parse_iso (ehl_get_str (rec->json, "date"), &day)
      || day > c->as_of)
    return true;
  struct ehl_case *k = case_at (c, key.id, key.hash);
  if (!k)
    return false;
  const uint64_t *own_id = have_id ? &id : NULL;
  const char *fields[EHL_CORRECTION_FIELDS];
  size_t n_fields = ehl_correction_fields (rec->type, fields);
  for (size_t i = 0; i < n_fields; i++)
    if (!note_removed (c, k, key.hash, rec, fields[i], own_id))
      return false;
  if (!keep)
    return true;
  if (!have_id && !ehl_record_id_of (rec->json, &id))
    return false;
  if (c->known && ehl_corrections_named (c->known, k->id, key.hash, id))
    return true;
  if (c->prune && c->known && c->n_items >= c->prune_at && !prune (c))
    return false;
  if (!ehl_grow (&c->items, &c->cap_items, c->n_items, sizeof *c->items))
    return false;
  struct ehl_item *it = &c->items[c->n_items++];
  memset (it, 0, sizeof *it);
  it->id = id;
  it->day = day;
  it->line = (uint32_t) rec->line;
  it->file_no = (uint16_t) rec->file_no;
  it->type = (int8_t) rec->type;
  it->case_no = (unsigned) k->no;
  it->text_hash = (uint16_t) rec->text_hash;
  k->n_items++;
  *item = it;
  return true;
}

/* Move the *N_FROM words of FROM onto the end of *TO (*N_TO of them,
   room for *CAP_TO).  False if memory ran out.  */
static bool
move_words (uint64_t **to, size_t *n_to, size_t *cap_to,
            const uint64_t *from, size_t *n_from)
{
  if (*n_from == 0)
    return true;
  if (!ehl_reserve (to, cap_to, *n_to + *n_from, sizeof **to))
    return false;
  memcpy (*to + *n_to, from, *n_from * sizeof *from);
  *n_to += *n_from;
  *n_from = 0;
  return true;
}

/* Add FROM's records counted as let go to TO's.  */
static bool
take_let_go (struct ehl_case *to, struct ehl_case *from, size_t n_tally)
{
  if (!from->let_go)
    return true;
  if (!to->let_go && !(to->let_go = calloc (n_tally, sizeof *to->let_go)))
    return false;
  for (size_t t = 0; t < n_tally; t++)
    {
      struct ehl_keys *a = &to->let_go[t], *b = &from->let_go[t];
      if (!move_words (&a->v, &a->n, &a->cap, b->v, &b->n))
        return false;
    }
  return true;
}

/* Give each case of SRC its case in DST (in its DST_NO) and hand
   over the ids it removes and the records it counted.  False if memory
   ran out: SRC's items are then not DST's.  */
static bool
map_cases (ehl_cases *dst, ehl_cases *src)
{
  for (size_t i = 0; i < src->n; i++)
    {
      struct ehl_case *from = src->list[i];
      struct ehl_case *to = ehl_cases_case (dst, from->id);
      if (!to
          || !move_words (&to->removed, &to->n_removed, &to->cap_removed,
                          from->removed, &from->n_removed)
          || !take_let_go (to, from, src->n_tally))
        return false;
      from->dst_no = to->no;
    }
  return true;
}

/* Give back all but the first N of C's items' room (if realloc will).  */
static void
shrink_items (ehl_cases *c, size_t n)
{
  if (n == 0)
    {
      free (c->items);
      c->items = NULL;
      c->cap_items = 0;
      return;
    }
  struct ehl_item *less = realloc (c->items, n * sizeof *c->items);
  if (less)
    {
      c->items = less;
      c->cap_items = n;
    }
}

/* Move SRC's items onto the end of DST's (which has room for them), to
   their cases there.  They go a megabyte at a time from the end, and
   SRC's room is given back as they go: else, for a moment, half of all
   the items would be held twice.  */
static void
move_items (ehl_cases *dst, ehl_cases *src)
{
  const size_t piece = ((size_t) 1 << 20) / sizeof *src->items;
  struct ehl_item *to = dst->items + dst->n_items;
  for (size_t left = src->n_items; left > 0;)
    {
      size_t n = left < piece ? left : piece;
      left -= n;
      for (size_t i = left; i < left + n; i++)
        {
          to[i] = src->items[i];
          to[i].case_no = (unsigned) src->list[to[i].case_no]->dst_no;
        }
      shrink_items (src, left);
    }
  for (size_t i = 0; i < src->n; i++)
    dst->list[src->list[i]->dst_no]->n_items += src->list[i]->n_items;
  dst->n_items += src->n_items;
  src->n_items = 0;
}

bool
ehl_cases_merge (ehl_cases *dst, ehl_cases *src)
{
  /* Room first, so that once the cases are mapped nothing can fail.  */
  bool ok = ehl_reserve (&dst->items, &dst->cap_items,
                         dst->n_items + src->n_items, sizeof *dst->items)
            && map_cases (dst, src);
  if (ok)
    move_items (dst, src);
  dst->unforeseen += src->unforeseen;
  ehl_cases_free (src);
  return ok;
}

int
ehl_cmp_id (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

static int
cmp_items (const void *a, const void *b)
{
  const struct ehl_item *x = a, *y = b;
  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  /* Records of one day in an order of their own, not the files': which
     of two records of a member wins must not depend on where they sit.
     The id is the content's hash (ehl_record_id_of computes it for a record
     without one); a copy of a line sits next to it (drop_repeats), and
     the same line twice keeps file order.  */
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  if (x->text_hash != y->text_hash)
    return x->text_hash < y->text_hash ? -1 : 1;
  if (x->file_no != y->file_no)
    return x->file_no < y->file_no ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static int
cmp_cases (const void *a, const void *b)
{
  return strcmp ((*(struct ehl_case *const *) a)->id,
                 (*(struct ehl_case *const *) b)->id);
}

/* Put K's items in date order (cmp_items: ties by id, text hash, file
   and line).  A case has few items, most of them in order already after a
   prune (those it kept): sorting by insertion moves just the new ones,
   in about half of qsort's time (1M records).  */
static void
sort_by_date (struct ehl_case *k)
{
  enum { INSERTION_MAX = 64 };
  struct ehl_item *items = k->items;
  size_t n = k->n_items;
  if (n > INSERTION_MAX)
    {
      qsort (items, n, sizeof *items, cmp_items);
      return;
    }
  for (size_t i = 1; i < n; i++)
    if (cmp_items (&items[i - 1], &items[i]) > 0)
      {
        struct ehl_item it = items[i];
        size_t j = i;
        do
          {
            items[j] = items[j - 1];
            j--;
          }
        while (j > 0 && cmp_items (&items[j - 1], &it) > 0);
        items[j] = it;
      }
}

/* Drop the items a supersedes or a void names.  */
static void
drop_removed (struct ehl_case *k)
{
  if (k->n_removed == 0 || k->n_items == 0)
    return;
  qsort (k->removed, k->n_removed, sizeof *k->removed, ehl_cmp_id);
  size_t out = 0;
  for (size_t i = 0; i < k->n_items; i++)
    {
      struct ehl_item *it = &k->items[i];
      if (bsearch (&it->id, k->removed, k->n_removed, sizeof *k->removed,
                   ehl_cmp_id))
        json_decref (it->json);
      else
        k->items[out++] = *it;
    }
  k->n_items = out;
}

/* Keep one item of a record read more than once (same_record; next to
   each other once sorted): a file given twice, or a command run twice,
   is still one record.  The first of the copies in K's items stays: in
   file order, unless a prune let an earlier copy go (when any copy
   would do).  */
static void
drop_repeats (struct ehl_case *k)
{
  size_t out = 0;
  for (size_t i = 0; i < k->n_items; i++)
    {
      struct ehl_item *it = &k->items[i];
      if (out > 0 && same_record (&k->items[out - 1], it))
        json_decref (it->json);
      else
        k->items[out++] = *it;
    }
  k->n_items = out;
}

/* K's items in date order, each record once: what a prune and resolve
   both start from.  */
static void
order_items (struct ehl_case *k)
{
  sort_by_date (k);
  drop_repeats (k);
}

/* How many of the sorted A are in the sorted B.  */
static size_t
keys_shared (const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < na && j < nb;)
    if (a[i] < b[j])
      i++;
    else if (a[i] > b[j])
      j++;
    else
      {
        shared++;
        i++;
        j++;
      }
  return shared;
}

/* Turn K's records counted as let go into its tally: each record once,
   and none that is one of its items (read again after the others were
   let go).  *HELD is room for the items' keys, reused from case to case.
   False if memory ran out.  */
static bool
settle_tally (struct ehl_case *k, size_t n_tally, uint64_t **held,
              size_t *cap_held)
{
  if (!k->let_go)
    return true;
  if (!(k->tally = calloc (n_tally, sizeof *k->tally))
      || !ehl_reserve (held, cap_held, k->n_items, sizeof **held))
    return false;
  for (size_t i = 0; i < k->n_items; i++)
    (*held)[i] = item_key (&k->items[i]);
  size_t n_held = unique_keys (*held, k->n_items);
  for (size_t t = 0; t < n_tally; t++)
    {
      struct ehl_keys *keys = &k->let_go[t];
      size_t n = unique_keys (keys->v, keys->n);
      k->tally[t] = (uint32_t) (n - keys_shared (keys->v, n, *held, n_held));
    }
  free_let_go (k, n_tally);
  return true;
}

/* Fold LATER's fields (but "date") into MERGED: items are visited in date
   order, so the latest-dated record that has a field wins.  */
static bool
fold_member (json_t *merged, json_t *later)
{
  const char *key;
  json_t *v;
  json_object_foreach (later, key, v)
    if (strcmp (key, "date") != 0 && json_object_set (merged, key, v) != 0)
      return false;
  return true;
}

/* The default member operations: items keep their record's fields as a
   JSON object.  */
static const char *
json_member_name (const struct ehl_item *it, void *ctx)
{
  (void) ctx;
  return it->json ? ehl_get_str (it->json, "name") : NULL;
}

static bool
json_member_fold (struct ehl_case *k, struct ehl_item *merged,
                  struct ehl_item *later, void *ctx)
{
  (void) k;
  (void) ctx;
  /* Merge into a copy: the caller may hold the record too.  */
  json_t *copy = json_copy (merged->json);
  /* json_copy quietly leaves out what it had no memory for.  */
  if (!copy || json_object_size (copy) != json_object_size (merged->json)
      || !fold_member (copy, later->json))
    {
      json_decref (copy);
      return false;
    }
  json_decref (merged->json);
  merged->json = copy;
  return true;
}

const struct ehl_member_ops ehl_record_members = {
  json_member_name, json_member_fold, NULL
};

/* Merge network items with the same name into the earliest one.  Items
   are compacted in place; on running out of memory the members stay
   unmerged and false is returned.  */
static bool
merge_network (struct ehl_case *k, const struct ehl_member_ops *ops)
{
  ehl_strmap *first = NULL;     /* name -> 1 + index of its merged item */
  size_t out = 0;
  bool ok = true;
  for (size_t i = 0; i < k->n_items; i++)
    {
      struct ehl_item *it = &k->items[i];
      const char *name = it->type == EHL_T_NETWORK
                         ? ops->name (it, ops->ctx) : NULL;
      size_t at = 0;
      if (name && ok && !first && !(first = ehl_strmap_new ()))
        ok = false;
      if (name && ok)
        at = (size_t) (uintptr_t) ehl_strmap_get (first, name);
      if (at)
        {
          if (ops->fold (k, &k->items[at - 1], it, ops->ctx))
            {
              json_decref (it->json);
              continue;
            }
          ok = false;
        }
      else if (name && ok
               && !ehl_strmap_put (first, name, (void *) (uintptr_t) (out + 1)))
        ok = false;
      k->items[out++] = *it;
    }
  k->n_items = out;
  ehl_strmap_free (first);
  return ok;
}

bool
ehl_cases_resolve (ehl_cases *c)
{
  return ehl_cases_resolve_with (c, NULL, 1);
}

struct resolving
{
  ehl_cases *c;
  const struct ehl_member_ops *ops;
};

static bool
resolve_cases (void *ctx, size_t begin, size_t end, int part)
{
  const struct resolving *r = ctx;
  bool ok = true;
  uint64_t *held = NULL;
  size_t cap_held = 0;
  (void) part;
  for (size_t i = begin; i < end; i++)
    {
      struct ehl_case *k = r->c->list[i];
      drop_removed (k);
      order_items (k);
      ok &= settle_tally (k, r->c->n_tally, &held, &cap_held);
      ok &= merge_network (k, r->ops);
    }
  free (held);
  return ok;
}

#define RADIX_BITS 8
#define RADIX (1u << RADIX_BITS)

static unsigned
digit (const struct ehl_item *it, unsigned shift)
{
  return (it->case_no >> shift) & (RADIX - 1);
}

/* Order the N ITEMS by their case numbers' digit at SHIFT, and within
   each digit by the digits below it, in place (an MSD radix sort).  Each
   item out of place is swapped into the next free place of its digit's
   part, and whatever was there takes its turn, so every swap settles one
   item.  Those places move up by one item at a time: fetching a little
   ahead of each keeps the swaps from waiting on memory.  */
static void
sort_by_case (struct ehl_item *items, size_t n, unsigned shift)
{
  size_t count[RADIX] = { 0 }, next[RADIX], end[RADIX];
  for (size_t i = 0; i < n; i++)
    count[digit (&items[i], shift)]++;
  for (size_t d = 0, at = 0; d < RADIX; d++)
    {
      next[d] = at;
      end[d] = at += count[d];
    }
  for (unsigned d = 0; d < RADIX; d++)
    while (next[d] < end[d])
      {
        struct ehl_item it = items[next[d]];
        for (unsigned to = digit (&it, shift); to != d;
             to = digit (&it, shift))
          {
            if (next[to] + 4 < end[to])
              PREFETCH (&items[next[to] + 4], 1);
            struct ehl_item *place = &items[next[to]++];
            struct ehl_item was = *place;
            *place = it;
            it = was;
          }
        items[next[d]++] = it;
      }
  if (shift == 0)
    return;
  for (size_t d = 0, at = 0; d < RADIX; at += count[d++])
    if (count[d] > 1)
      sort_by_case (items + at, count[d], shift - RADIX_BITS);
}

/* Move each case's items together, in the order the cases were met,
   without a second array.  */
static void
place_items (ehl_cases *c)
{
  unsigned shift = 0;
  while (shift + RADIX_BITS < 32 && c->n > (size_t) 1 << (shift + RADIX_BITS))
    shift += RADIX_BITS;
  if (c->n_items)
    sort_by_case (c->items, c->n_items, shift);
  size_t at = 0;
  for (size_t i = 0; i < c->n; i++)
    {
      c->list[i]->items = c->items + at;
      at += c->list[i]->n_items;
    }
  c->placed = true;
}

/* Put each case's items in date order, keep one of each record read
   twice, and let the pruner drop those that can no longer matter.  The
   items stay together by case, and new ones go after them.  */
static bool
prune (ehl_cases *c)
{
  bool ok = true;
  size_t at = 0;
  place_items (c);
  for (size_t i = 0; i < c->n; i++)
    {
      struct ehl_case *k = c->list[i];
      if (k->n_items == 0)
        continue;
      order_items (k);
      size_t n = k->n_items;
      /* A pruner that fails keeps everything.  */
      ok = ok && c->prune (k, k->items, &n, c->prune_ctx);
      if (c->items + at != k->items)
        memmove (c->items + at, k->items, n * sizeof *c->items);
      k->n_items = n;
      at += n;
    }
  c->n_items = at;
  c->placed = false;
  /* Again when the items have grown by half what was kept.  Waiting
     until they doubled cost 2 MB more at the peak (1M records: 51 MB
     against 49) and saved no time that could be measured.  */
  size_t more = at / 2;
  c->prune_at = at + (more > c->prune_every ? more : c->prune_every);
  return ok;
}

bool
ehl_cases_resolve_with (ehl_cases *c, const struct ehl_member_ops *ops,
                        int jobs)
{
  struct resolving r = { c, ops ? ops : &ehl_record_members };
  c->known = NULL;              /* the caller's, and no longer needed */
  if (!c->placed)
    place_items (c);
  bool ok = ehl_parallel_ranges (c->n, jobs, resolve_cases, &r);
  if (c->n)
    qsort (c->list, c->n, sizeof *c->list, cmp_cases);
  return ok;
}

size_t
ehl_cases_count (const ehl_cases *c)
{
  return c->n;
}

struct ehl_case *
ehl_cases_at (const ehl_cases *c, size_t i)
{
  return i < c->n ? c->list[i] : NULL;
}

const char *
ehl_cases_file (const ehl_cases *c, unsigned file_no)
{
  if (c->nfiles == 0)
    return ehl_operand_name (ehl_stdin_operands[0]);
  return file_no < (unsigned) c->nfiles ? ehl_operand_name (c->files[file_no])
                                        : "?";
}

const char *
ehl_item_file (const ehl_cases *c, const struct ehl_item *item)
{
  return ehl_cases_file (c, item->file_no);
}
