/* audit.c - reading records into the case-file view with their selector
   results, and evaluating every expectation on every case.  */
#include <config.h>

#include "audit.h"

#include <stdlib.h>
#include <string.h>

#include "expect-int.h"
#include "grow.h"
#include "jsonload.h"
#include "strbuf.h"

struct ehl_audit
{
  const ehl_expect_set *set;
  struct ehl_audit_opts opts;
  ehl_cases *cases;
  uint32_t keep_types;          /* types whose every record is kept */
  struct ehl_json_pool names;   /* kept strings: people's names, each
                                   copy shared by every item that has it,
                                   of this audit and those merged into it.
                                   Sharing members' names saved a fifth of
                                   the memory, and sharing the names of
                                   plans' "who" too another sixth (bench/,
                                   1M records).  */
  struct held
  {
    struct ehl_record rec;
    struct ehl_case_key key;
  } ahead[EHL_FETCH_STEPS];     /* records held back (oldest first) while
                                   their case is fetched into the cache */
  size_t n_ahead;
  struct prune *prune;          /* what letting go items needs, or NULL */
};

/* ---- what evaluation reads (for letting go of items) ---- */

/* What the checks read of the items a selector matches, in date order.  */
struct need
{
  size_t first;                 /* the earliest this many */
  bool first_day;               /* and all those of the earliest's day */
  int tally;                    /* a count's counter, or -1 */
};

/* Distinct values (by ehl_scalar_equal), each with the item that held
   it first: what "each" compares, and what letting go must keep.  */
struct values
{
  struct value_at
  {
    json_t *v;
    long item;
  } *v;
  size_t n, cap;
  long at;                      /* the item whose values come next */
  bool failed;                  /* memory ran out */
};

/* An "each" side: of the items SEL matches, the first to hold each
   value of PATH.  */
struct each_need
{
  int sel;
  const struct ehl_path *path;
  struct values held;           /* scratch: the values held so far */
};

/* Network members: one kept item of a case, by name.  */
struct named_item
{
  const char *name;
  size_t i;
};

struct prune
{
  struct need *needs;           /* by selector */
  int *tallied;                 /* the selector of each tally */
  size_t n_tallies;
  struct each_need *eaches;
  size_t n_eaches, cap_eaches;
  size_t words;                 /* per item in BITS */
  /* Scratch for one case.  */
  uint64_t *bits;
  size_t cap_bits;
  bool *keep;
  size_t cap_keep;
  size_t *seen;                 /* by selector: matches so far */
  ehl_day *day;                 /* by selector: the earliest's day */
  struct named_item *named;
  size_t cap_named;
  const char **keys;            /* a member's fields seen */
  size_t cap_keys;
};

/* Letting go of items, at the earliest: sorting and sifting a few
   thousand items costs next to nothing.  */
enum { PRUNE_EVERY = 4096 };

static bool prune_case (struct ehl_case *k, struct ehl_item *items,
                        size_t *np, void *ctx);
static struct prune *prune_new (const ehl_expect_set *set);
static void prune_free (struct prune *p);

ehl_audit *
ehl_audit_new (const ehl_expect_set *set, const struct ehl_audit_opts *opts)
{
  ehl_audit *a = calloc (1, sizeof *a);
  if (!a)
    return NULL;
  a->set = set;
  a->opts = *opts;
  a->keep_types = set->keep_all;
  if (opts->group_field)
    a->keep_types |= 1u << EHL_T_OPEN;
  if (!(a->cases = ehl_cases_new (opts->as_of, opts->files, opts->nfiles)))
    {
      free (a);
      return NULL;
    }
  if (opts->corrections)
    {
      if (!(a->prune = prune_new (set)))
        {
          ehl_audit_free (a);
          return NULL;
        }
      ehl_cases_know_corrections (a->cases, opts->corrections);
      ehl_cases_prune_with (a->cases, prune_case, a, a->prune->n_tallies,
                            opts->prune_every ? opts->prune_every
                            : PRUNE_EVERY);
    }
  return a;
}

void
ehl_audit_free (ehl_audit *a)
{
  if (!a)
    return;
  for (size_t i = 0; i < a->n_ahead; i++)
    json_decref (a->ahead[i].rec.json);
  ehl_cases_free (a->cases);
  ehl_json_pool_free (&a->names);
  prune_free (a->prune);
  free (a);
}

/* ---- network members in compact form (expect-int.h) ---- */

static uint64_t
bit (size_t n)
{
  return UINT64_C (1) << n;
}

/* The mask of a network record: which fields it has, which tests pass.  */
static uint64_t
member_bits (const ehl_expect_set *set, json_t *rec)
{
  uint64_t bits = 0;
  for (size_t k = 0; k < set->n_net_keys; k++)
    if (json_object_get (rec, set->net_keys[k]))
      bits |= bit (k);
  for (size_t j = 0; j < set->n_net_tests; j++)
    if (ehl_test_match (set->net_tests[j].test, rec))
      bits |= bit (set->n_net_keys + j);
  return bits;
}

/* A record cited as evidence: its date, file and line.  */
struct cite
{
  ehl_day day;
  uint16_t file_no;
  uint32_t line;                /* 0: none */
};

/* ---- where a merged member's fields came from ----

   A member merged from several records is cited by the record that
   brought them in (the item's own, which dates and names the member) and
   by the record each tested field was taken from.  When a later record
   gives a member a field, the case's places (its user block) note which:
   a row per such member, its item index and, for each net key, the cite
   of the record that gave it (line 0: the first record, or none).  */

struct places_row
{
  uint32_t item;                /* a case's items are counted in lines */
  struct cite field[];          /* by net key */
};

struct member_places
{
  uint32_t n, cap;              /* rows */
  uint32_t rows[];              /* row_size bytes each, aligned as
                                   struct places_row is */
};
_Static_assert (_Alignof (struct places_row) <= _Alignof (uint32_t)
                && sizeof (struct places_row) % _Alignof (struct cite) == 0,
                "rows can follow each other in member_places");

static size_t
row_size (const ehl_expect_set *set)
{
  return sizeof (struct places_row) + set->n_net_keys * sizeof (struct cite);
}

static struct places_row *
row_at (const struct member_places *mp, size_t size, size_t i)
{
  return (struct places_row *) ((char *) mp->rows + i * size);
}

/* The date and the name are always the first record's.  */
static bool
key_from_first (const ehl_expect_set *set, size_t key)
{
  return strcmp (set->net_keys[key], "date") == 0
         || strcmp (set->net_keys[key], "name") == 0;
}

/* The row of case K's member at index ITEM, or NULL.  */
static struct places_row *
places_row (const ehl_expect_set *set, const struct ehl_case *k, size_t item)
{
  const struct member_places *mp = k->user;
  size_t size = row_size (set);
  for (size_t i = 0; mp && i < mp->n; i++)
    if (row_at (mp, size, i)->item == item)
      return row_at (mp, size, i);
  return NULL;
}

/* A new row for case K's member at index ITEM, or NULL if memory ran
   out.  */
static struct places_row *
new_places_row (const ehl_expect_set *set, struct ehl_case *k, size_t item)
{
  struct member_places *mp = k->user;
  size_t size = row_size (set), n = mp ? mp->n : 0;
  if (!mp || mp->n == mp->cap)
    {
      /* Most cases have a few such members: grow from one.  */
      size_t cap = mp ? 2 * (size_t) mp->cap : 1;
      if (cap > UINT32_MAX || cap > (SIZE_MAX - sizeof *mp) / size)
        return NULL;
      struct member_places *grown = realloc (mp, sizeof *mp + cap * size);
      if (!grown)
        return NULL;
      grown->n = (uint32_t) n;
      grown->cap = (uint32_t) cap;
      k->user = mp = grown;
    }
  struct places_row *row = row_at (mp, size, mp->n++);
  memset (row, 0, size);
  row->item = (uint32_t) item;
  return row;
}

static bool
member_has_key (const ehl_expect_set *set, const struct ehl_item *item,
                size_t key)
{
  return set->net_compact ? (item->mask & bit (key)) != 0
         : json_object_get (item->json, set->net_keys[key]) != NULL;
}

/* LATER is folded into MERGED, a member of case K: note each field it
   gives.  False if memory ran out.  */
static bool
note_places (const ehl_expect_set *set, struct ehl_case *k,
             const struct ehl_item *merged, const struct ehl_item *later)
{
  size_t item = (size_t) (merged - k->items);
  struct places_row *row = NULL;
  for (size_t key = 0; key < set->n_net_keys; key++)
    {
      if (key_from_first (set, key) || !member_has_key (set, later, key))
        continue;
      if (!row && !(row = places_row (set, k, item))
          && !(row = new_places_row (set, k, item)))
        return false;
      row->field[key] = (struct cite) { later->day, later->file_no,
                                        later->line };
    }
  return true;
}

static const char *
compact_name (const struct ehl_item *item, void *ctx)
{
  (void) ctx;
  return json_string_value (item->json);
}

/* Each field of LATER (but the date and the name) replaces MERGED's: its
   "has" bit and the bits of the tests that read it.  */
static bool
compact_fold (struct ehl_case *kase, struct ehl_item *merged,
              struct ehl_item *later, void *ctx)
{
  const ehl_expect_set *set = ctx;
  if (!note_places (set, kase, merged, later))
    return false;
  for (size_t k = 0; k < set->n_net_keys; k++)
    {
      if (!(later->mask & bit (k)) || key_from_first (set, k))
        continue;
      uint64_t field = bit (k);
      for (size_t j = 0; j < set->n_net_tests; j++)
        if (set->net_tests[j].key == (int) k)
          field |= bit (set->n_net_keys + j);
      merged->mask = (merged->mask & ~field) | (later->mask & field);
    }
  return true;
}

/* Does the merged member ITEM pass late network selector number P?  */
static bool
compact_match (const ehl_expect_set *set, const struct ehl_item *item,
               size_t p)
{
  for (size_t j = set->net_first[p]; j < set->net_first[p + 1]; j++)
    {
      const struct ehl_net_test *nt = &set->net_tests[j];
      bool pass = item->mask & bit ((size_t) nt->key)
                  ? (item->mask & bit (set->n_net_keys + j)) != 0
                  : nt->absent;
      if (!pass)
        return false;
    }
  return true;
}

static bool
is_compact_member (const ehl_expect_set *set, const struct ehl_item *item)
{
  return item->type == EHL_T_NETWORK && set->net_compact;
}

/* The name of network member ITEM.  */
static const char *
member_name (const ehl_expect_set *set, const struct ehl_item *item)
{
  return is_compact_member (set, item) ? json_string_value (item->json)
         : ehl_get_str (item->json, "name");
}

/* ehl_record_members' fold, noting the places.  */
static bool
record_member_fold (struct ehl_case *k, struct ehl_item *merged,
                    struct ehl_item *later, void *ctx)
{
  return note_places (ctx, k, merged, later)
         && ehl_record_members.fold (k, merged, later, NULL);
}

/* ROW (WORDS long) gets ITEM's selector results: the bits kept at read
   time, and the late selectors tested now on the kept fields.  */
static void
item_bits (const ehl_expect_set *set, const struct ehl_item *it,
           uint64_t *row, size_t words)
{
  memset (row, 0, words * sizeof *row);
  row[0] = it->type == EHL_T_NETWORK ? 0 : it->mask;
  if (it->type < 0 || !it->json)
    return;
  bool compact = is_compact_member (set, it);
  for (size_t j = 0; j < set->n_late[it->type]; j++)
    {
      int s = set->late[it->type][j];
      if (compact ? compact_match (set, it, j)
          : ehl_selector_match (&set->sels[s], it->type, it->json))
        row[s / 64] |= bit ((size_t) s % 64);
    }
}

/* The number of the lowest bit set in W (not 0).  */
static size_t
lowest_bit (uint64_t w)
{
#if defined __GNUC__ || defined __clang__
  return (size_t) __builtin_ctzll (w);
#else
  size_t n = 0;
  for (; !(w & 1); w >>= 1)
    n++;
  return n;
#endif
}

static bool
row_matches (const uint64_t *row, int sel)
{
  return (row[sel / 64] >> (sel % 64)) & 1;
}

static size_t
words_per_item (const ehl_expect_set *set)
{
  return set->n_sels ? (set->n_sels + 63) / 64 : 1;
}

static void
need_first (struct need *n, long first)
{
  if (first > 0 && (size_t) first > n->first)
    n->first = (size_t) first;
}

/* Note what check CK reads.  */
static bool
plan_needs (struct prune *p, const struct ehl_check *ck)
{
  struct need *n = p->needs;
  switch (ck->kind)
    {
    case EHL_C_COUNT:
      if (n[ck->a].tally < 0)
        {
          n[ck->a].tally = (int) p->n_tallies;
          p->tallied[p->n_tallies++] = ck->a;
        }
      need_first (&n[ck->a], ck->n);
      return true;
    case EHL_C_FIRST:
      n[ck->a].first_day = true;
      /* Fall through.  */
    case EHL_C_EXISTS:
    case EHL_C_BEFORE:
    case EHL_C_WITHIN:
      need_first (&n[ck->a], 1);
      if (ck->b >= 0)
        need_first (&n[ck->b], 1);
      return true;
    case EHL_C_EACH:
      if (!ehl_reserve (&p->eaches, &p->cap_eaches, p->n_eaches + 2,
                        sizeof *p->eaches))
        return false;
      p->eaches[p->n_eaches++] = (struct each_need) { .sel = ck->a,
                                                      .path = &ck->fa };
      p->eaches[p->n_eaches++] = (struct each_need) { .sel = ck->b,
                                                      .path = &ck->fb };
      return true;
    case EHL_C_ALL:
    case EHL_C_ANY:
    case EHL_C_NOT:
      for (size_t i = 0; i < ck->n_kids; i++)
        if (!plan_needs (p, ck->kids[i]))
          return false;
      return true;
    }
  return true;
}

static void
prune_free (struct prune *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n_eaches; i++)
    free (p->eaches[i].held.v);
  free (p->eaches);
  free (p->needs);
  free (p->tallied);
  free (p->bits);
  free (p->keep);
  free (p->seen);
  free (p->day);
  free (p->named);
  free (p->keys);
  free (p);
}

static struct prune *
prune_new (const ehl_expect_set *set)
{
  struct prune *p = calloc (1, sizeof *p);
  size_t n = set->n_sels + 1;
  if (!p || !(p->needs = calloc (n, sizeof *p->needs))
      || !(p->tallied = calloc (n, sizeof *p->tallied))
      || !(p->seen = calloc (n, sizeof *p->seen))
      || !(p->day = calloc (n, sizeof *p->day)))
    {
      prune_free (p);
      return NULL;
    }
  for (size_t s = 0; s < set->n_sels; s++)
    p->needs[s].tally = -1;
  bool ok = true;
  for (size_t e = 0; ok && e < set->n_exps; e++)
    ok = (!set->exps[e].when || plan_needs (p, set->exps[e].when))
         && plan_needs (p, set->exps[e].check);
  p->words = words_per_item (set);
  if (!ok)
    {
      prune_free (p);
      return NULL;
    }
  return p;
}

/* Call FN for every value of the field at P in ITEM, as "each" reads it:
   the field's scalar, or each scalar of its list.  */
static bool
each_value (const ehl_expect_set *set, const struct ehl_item *item,
            const struct ehl_path *p, bool (*fn) (json_t *v, void *ctx),
            void *ctx)
{
  json_t *f = is_compact_member (set, item) ? item->json
              : item->json ? ehl_path_get (p, item->json) : NULL;
  size_t i;
  json_t *e;
  bool any = false;
  if (json_is_array (f))
    {
      json_array_foreach (f, i, e)
        any |= fn (e, ctx);
    }
  else if (f)
    any = fn (f, ctx);
  return any;
}

/* Add V to the values (a struct values) unless it is there; true if it
   was new.  */
static bool
collect (json_t *v, void *ctx)
{
  struct values *vs = ctx;
  for (size_t i = 0; i < vs->n; i++)
    if (ehl_scalar_equal (vs->v[i].v, v))
      return false;
  if (!ehl_grow (&vs->v, &vs->cap, vs->n, sizeof *vs->v))
    {
      vs->failed = true;
      return false;
    }
  vs->v[vs->n++] = (struct value_at) { v, vs->at };
  return true;
}

/* Can evaluation read ITEM (not a network member), whose results are
   ROW?  The case's earlier items have been asked already.  */
static bool
still_read (ehl_audit *a, const struct ehl_item *it, const uint64_t *row,
            bool *open_seen, bool *failed)
{
  struct prune *p = a->prune;
  bool read = false;
  /* An item matches few selectors: visit just those.  */
  for (size_t w = 0; w < p->words; w++)
    for (uint64_t left = row[w]; left; left &= left - 1)
      {
        size_t s = w * 64 + lowest_bit (left);
        const struct need *n = &p->needs[s];
        read |= p->seen[s]++ < n->first;
        if (n->first_day && p->seen[s] == 1)
          p->day[s] = it->day;
        read |= n->first_day && it->day == p->day[s];
      }
  for (size_t e = 0; e < p->n_eaches; e++)
    if (row_matches (row, p->eaches[e].sel))
      {
        struct values *vs = &p->eaches[e].held;
        read |= each_value (a->set, it, p->eaches[e].path, collect, vs);
        *failed |= vs->failed;
      }
  if (a->opts.group_field && it->type == EHL_T_OPEN && it->json
      && !*open_seen)
    read = *open_seen = true;
  return read;
}

static int
cmp_named (const void *x, const void *y)
{
  const struct named_item *a = x, *b = y;
  int c = strcmp (a->name, b->name);
  return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Does ITEM, a member's record, have a field no later record of the
   member has (KEYS, *N_KEYS: theirs; COVERED: the same in compact
   form)?  Notes its own.  */
static bool
adds_field (ehl_audit *a, const struct ehl_item *it, uint64_t *covered,
            size_t *n_keys, bool *failed)
{
  const ehl_expect_set *set = a->set;
  struct prune *p = a->prune;
  if (is_compact_member (set, it))
    {
      uint64_t has = it->mask & (set->n_net_keys < 64
                                 ? bit (set->n_net_keys) - 1 : UINT64_MAX);
      bool adds = (has & ~*covered) != 0;
      *covered |= has;
      return adds;
    }
  bool adds = false;
  const char *key;
  json_t *v;
  json_object_foreach (it->json, key, v)
    {
      size_t k = 0;
      while (k < *n_keys && strcmp (p->keys[k], key) != 0)
        k++;
      if (k < *n_keys || strcmp (key, "date") == 0)
        continue;
      if (!ehl_grow (&p->keys, &p->cap_keys, *n_keys, sizeof *p->keys))
        {
          *failed = true;
          return true;
        }
      p->keys[(*n_keys)++] = key;
      adds = true;
    }
  return adds;
}

/* Mark in KEEP the network items merging needs: of each member, the
   earliest record (its date, and where it was said) and, for each
   field, the latest record that has it.  Unnamed items are all kept.  */
static bool
keep_members (ehl_audit *a, const struct ehl_item *items, size_t n,
              bool *keep)
{
  struct prune *p = a->prune;
  size_t m = 0;
  bool failed = false;
  if (!ehl_reserve (&p->named, &p->cap_named, n, sizeof *p->named))
    return false;
  for (size_t i = 0; i < n; i++)
    if (items[i].type == EHL_T_NETWORK)
      {
        const char *name = member_name (a->set, &items[i]);
        keep[i] = !name;
        if (name)
          p->named[m++] = (struct named_item) { name, i };
      }
  if (m)
    qsort (p->named, m, sizeof *p->named, cmp_named);
  for (size_t g = 0, end; g < m; g = end)
    {
      for (end = g + 1;
           end < m && strcmp (p->named[end].name, p->named[g].name) == 0;
           end++)
        ;
      keep[p->named[g].i] = true;
      uint64_t covered = 0;
      size_t n_keys = 0;
      for (size_t j = end; j-- > g;)
        keep[p->named[j].i] |= adds_field (a, &items[p->named[j].i],
                                           &covered, &n_keys, &failed);
    }
  return !failed;
}

/* The pruner (casefile.h): keep the items of case K that evaluation
   can still read; tally the counted ones let go.  */
static bool
prune_case (struct ehl_case *k, struct ehl_item *items, size_t *np,
            void *ctx)
{
  ehl_audit *a = ctx;
  struct prune *p = a->prune;
  size_t n = *np, words = p->words;
  if (!ehl_reserve (&p->bits, &p->cap_bits, n * words, sizeof *p->bits)
      || !ehl_reserve (&p->keep, &p->cap_keep, n, sizeof *p->keep))
    return false;
  memset (p->seen, 0, a->set->n_sels * sizeof *p->seen);
  for (size_t e = 0; e < p->n_eaches; e++)
    {
      p->eaches[e].held.n = 0;
      p->eaches[e].held.failed = false;
    }
  bool open_seen = false, failed = false;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t *row = p->bits + i * words;
      /* A member's own record matches nothing: the merged member does.  */
      if (items[i].type == EHL_T_NETWORK)
        {
          memset (row, 0, words * sizeof *row);
          continue;
        }
      item_bits (a->set, &items[i], row, words);
      p->keep[i] = still_read (a, &items[i], row, &open_seen, &failed);
    }
  if (failed || !keep_members (a, items, n, p->keep))
    return false;
  for (size_t i = 0; i < n; i++)
    for (size_t t = 0; !p->keep[i] && t < p->n_tallies; t++)
      if (row_matches (p->bits + i * words, p->tallied[t])
          && !ehl_cases_tally (a->cases, k, &items[i], t))
        return false;
  size_t out = 0;
  for (size_t i = 0; i < n; i++)
    if (p->keep[i])
      items[out++] = items[i];
    else
      json_decref (items[i].json);
  *np = out;
  return true;
}

/* ---- reading ---- */

/* Copy member KEY of REC, if it has one, into INTO with its strings from
   the audit's pool.  False if memory ran out.  */
static bool
keep_member (ehl_audit *a, json_t *into, json_t *rec, const char *key)
{
  json_t *v = key ? json_object_get (rec, key) : NULL;
  return !v || json_object_set_new (into, key,
                                    ehl_json_pool_copy (&a->names, v)) == 0;
}

/* The part of REC (of TYPE) that late work needs, or NULL if none.  */
static json_t *
trimmed (ehl_audit *a, int type, json_t *rec, bool *ok)
{
  const struct ehl_keep *k = &a->set->keep[type];
  const char *group = type == EHL_T_OPEN ? a->opts.group_field : NULL;
  *ok = true;
  if (k->n == 0 && !group)
    return NULL;
  json_t *kept = json_object ();
  if (!kept)
    {
      *ok = false;
      return NULL;
    }
  for (size_t i = 0; i < k->n; i++)
    *ok &= keep_member (a, kept, rec, k->keys[i]);
  *ok &= keep_member (a, kept, rec, group);
  return kept;
}

static bool
add_now (ehl_audit *a, const struct ehl_record *rec, struct ehl_case_key key)
{
  const ehl_expect_set *set = a->set;
  int type = rec->type;
  uint64_t mask = 0;
  bool keep = false;
  if (type >= 0 && type < EHL_T_COUNT)
    {
      for (size_t i = 0; i < set->n_early[type]; i++)
        {
          int s = set->early[type][i];
          if (ehl_selector_match (&set->sels[s], type, rec->json))
            mask |= UINT64_C (1) << s;
        }
      keep = mask || (a->keep_types & (1u << type));
    }
  struct ehl_item *item;
  if (!ehl_cases_add (a->cases, rec, key, keep, &item))
    return false;
  if (!item)
    return true;
  bool ok = true;
  item->mask = mask;
  if (type == EHL_T_NETWORK && set->net_compact)
    {
      item->mask = member_bits (set, rec->json);
      json_t *name = json_object_get (rec->json, "name");
      item->json = ehl_json_pool_string (&a->names, name);
      ok = item->json || !name;
    }
  else
    item->json = trimmed (a, type, rec->json, &ok);
  return ok;
}

/* Add the oldest record held back.  */
static bool
add_oldest (ehl_audit *a)
{
  struct held h = a->ahead[0];
  a->n_ahead--;
  memmove (a->ahead, a->ahead + 1, a->n_ahead * sizeof *a->ahead);
  bool ok = add_now (a, &h.rec, h.key);
  json_decref (h.rec.json);
  return ok;
}

/* Records come in any order, so each one's case is far from the last
   one's in memory, and reaching it takes two cache misses in a row
   (index slot, then case) that stall the thread.  Instead, a record is
   held back while two more are read: at each, its case is fetched one
   step further (casefile.h), and when it is added both are in the
   cache.  */
bool
ehl_audit_add (ehl_audit *a, const struct ehl_record *rec)
{
  bool ok = true;
  if (a->n_ahead == EHL_FETCH_STEPS)
    ok = add_oldest (a);
  struct held *h = &a->ahead[a->n_ahead++];
  h->rec = *rec;
  h->rec.file = NULL;           /* the reader may be gone when it is added */
  json_incref (h->rec.json);    /* which also keeps KEY's identifier */
  h->key = ehl_case_key_of (rec->json);
  /* The newest record's first step, the one before's second, ...  */
  for (size_t i = 0; i < a->n_ahead; i++)
    ehl_cases_prefetch (a->cases, a->ahead[a->n_ahead - 1 - i].key.hash,
                        (enum ehl_fetch) i);
  return ok;
}

/* Add every record still held back.  */
static bool
flush (ehl_audit *a)
{
  bool ok = true;
  while (a->n_ahead)
    ok &= add_oldest (a);
  return ok;
}

bool
ehl_audit_merge (ehl_audit *dst, ehl_audit *src)
{
  bool ok = flush (dst) & flush (src)
            && ehl_json_pool_adopt (&dst->names, &src->names);
  if (ok)
    {
      /* Else SRC's cases are freed below with the names they share.  */
      ok = ehl_cases_merge (dst->cases, src->cases);
      src->cases = NULL;
    }
  ehl_audit_free (src);
  return ok;
}

bool
ehl_audit_resolve (ehl_audit *a, int jobs)
{
  const struct ehl_member_ops compact = { compact_name, compact_fold,
                                          (void *) a->set };
  const struct ehl_member_ops record = { ehl_record_members.name,
                                         record_member_fold, (void *) a->set };
  if (!flush (a))
    return false;
  return ehl_cases_resolve_with (a->cases, a->set->net_compact ? &compact
                                 : &record, jobs);
}

size_t
ehl_audit_case_count (const ehl_audit *a)
{
  return ehl_cases_count (a->cases);
}

const ehl_cases *
ehl_audit_cases (const ehl_audit *a)
{
  return a->cases;
}

bool
ehl_audit_overtaken (const ehl_audit *a)
{
  return a->prune && ehl_cases_unforeseen (a->cases) > 0;
}

size_t
ehl_audit_item_count (const ehl_audit *a)
{
  size_t n = 0;
  for (size_t i = 0; i < ehl_cases_count (a->cases); i++)
    n += ehl_cases_at (a->cases, i)->n_items;
  return n;
}

const char *
ehl_audit_case_id (const ehl_audit *a, size_t i)
{
  const struct ehl_case *k = ehl_cases_at (a->cases, i);
  return k ? k->id : NULL;
}

const char *
ehl_verdict_name (enum ehl_verdict v)
{
  return v == EHL_MET ? "met" : v == EHL_NOT_MET ? "not_met" : "n_a";
}

/* ---- evaluating one case ---- */


/* What a check found: true or false, and (with reasons) why, with the
   records that decided it.  */
struct result
{
  bool ok;
  struct ehl_strbuf why;
  struct cite *ev;
  size_t n_ev, cap_ev;
  bool failed;                  /* memory ran out */
};

struct ctx
{
  const ehl_audit *a;
  const struct ehl_case *k;
  const uint64_t *bits;
  size_t words;                 /* per item */
  bool reasons;
};

static bool
matches (const struct ctx *c, size_t item, int sel)
{
  return row_matches (c->bits + item * c->words, sel);
}

static long
first_match (const struct ctx *c, int sel)
{
  for (size_t i = 0; i < c->k->n_items; i++)
    if (matches (c, i, sel))
      return (long) i;
  return -1;
}

static size_t
count_matches (const struct ctx *c, int sel)
{
  size_t n = 0;
  for (size_t i = 0; i < c->k->n_items; i++)
    n += matches (c, i, sel);
  return n;
}

static const struct ehl_selector *
sel_of (const struct ctx *c, int s)
{
  return &c->a->set->sels[s];
}

static void
add_cite (struct result *r, struct cite cite)
{
  if (!ehl_grow (&r->ev, &r->cap_ev, r->n_ev, sizeof *r->ev))
    {
      r->failed = true;
      return;
    }
  r->ev[r->n_ev++] = cite;
}

/* Cite the record that gave merged member ITEM field NET_KEYS[KEY], if
   that is not ITEM's own.  */
static void
cite_field (const struct ctx *c, struct result *r, long item, size_t key)
{
  const struct places_row *row = places_row (c->a->set, c->k, (size_t) item);
  if (row && row->field[key].line)
    add_cite (r, row->field[key]);
}

/* Cite ITEM (if not -1) as deciding SEL: its record, and for a merged
   network member the records that gave the fields SEL tests.  */
static void
evidence (const struct ctx *c, struct result *r, long item, int sel)
{
  if (item < 0)
    return;
  const struct ehl_item *it = &c->k->items[item];
  add_cite (r, (struct cite) { it->day, it->file_no, it->line });
  const ehl_expect_set *set = c->a->set;
  long p = it->type == EHL_T_NETWORK && c->k->user ? set->sels[sel].net_no
           : -1;
  for (size_t j = p < 0 ? 0 : set->net_first[p];
       p >= 0 && j < set->net_first[p + 1]; j++)
    cite_field (c, r, item, (size_t) set->net_tests[j].key);
}

static void
result_free (struct result *r)
{
  ehl_strbuf_free (&r->why);
  free (r->ev);
  memset (r, 0, sizeof *r);
}

/* Move KID's reason and evidence onto the end of R, after SEP.  */
static void
absorb (struct result *r, struct result *kid, const char *sep)
{
  if (r->why.len && kid->why.len)
    ehl_strbuf_add (&r->why, sep);
  ehl_strbuf_add (&r->why, ehl_strbuf_str (&kid->why));
  for (size_t i = 0; i < kid->n_ev; i++)
    add_cite (r, kid->ev[i]);
  r->failed |= kid->failed || kid->why.failed;
  result_free (kid);
}

/* "meeting with kind taf", singular or plural.  */
static void
add_desc (struct ehl_strbuf *b, const struct ehl_selector *s, bool plural)
{
  ehl_strbuf_add (b, plural ? s->plural : s->noun);
  if (*s->tests_text)
    ehl_strbuf_addf (b, " with %s", s->tests_text);
}

static void
add_day (struct ehl_strbuf *b, const struct ctx *c, long item)
{
  char date[11];
  ehl_date_format (c->k->items[item].day, date);
  ehl_strbuf_addf (b, " (%s)", date);
}

/* "the earliest contact (2020-01-20)" */
static void
add_earliest (struct ehl_strbuf *b, const struct ctx *c, int sel, long item)
{
  ehl_strbuf_add (b, "the earliest ");
  add_desc (b, sel_of (c, sel), false);
  add_day (b, c, item);
}

static int
cmp_str (const void *x, const void *y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
}

/* ": name, name" after a count, with --names only; sorted so the order of
   the input does not show.  */
static void
add_names (struct ehl_strbuf *b, const char **names, size_t n)
{
  if (n)
    qsort (names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++)
    ehl_strbuf_addf (b, "%s%s", i ? ", " : ": ", names[i]);
}

static bool
only_network (const struct ehl_selector *s)
{
  return s->types == 1u << EHL_T_NETWORK;
}

/* exists S over network members: "2 of 5 network members with ...".
   Every member is kept, so the whole is known.  */
static void
exists_members (const struct ctx *c, int sel, struct result *r)
{
  size_t members = 0, n = 0;
  const char **names = malloc ((c->k->n_items + 1) * sizeof *names);
  for (size_t i = 0; i < c->k->n_items; i++)
    {
      if (c->k->items[i].type != EHL_T_NETWORK)
        continue;
      members++;
      if (!matches (c, i, sel))
        continue;
      evidence (c, r, (long) i, sel);
      if (names)
        names[n] = member_name (c->a->set, &c->k->items[i]);
      n++;
    }
  r->ok = n > 0;
  ehl_strbuf_addf (&r->why, "%zu of %zu ", n, members);
  add_desc (&r->why, sel_of (c, sel), members != 1);
  if (c->a->opts.names && names)
    add_names (&r->why, names, n);
  r->failed |= !names;
  free (names);
}

static void
eval_exists (const struct ctx *c, int sel, struct result *r)
{
  long i = first_match (c, sel);
  r->ok = i >= 0;
  if (!c->reasons)
    return;
  if (only_network (sel_of (c, sel)))
    {
      exists_members (c, sel, r);
      return;
    }
  if (i < 0)
    {
      ehl_strbuf_add (&r->why, "no ");
      add_desc (&r->why, sel_of (c, sel), false);
      return;
    }
  add_desc (&r->why, sel_of (c, sel), false);
  add_day (&r->why, c, i);
  evidence (c, r, i, sel);
}

/* The records matching SEL that were let go (counted, not kept).  */
static size_t
let_go (const struct ctx *c, int sel)
{
  const struct prune *p = c->a->prune;
  int t = p ? p->needs[sel].tally : -1;
  return t >= 0 && c->k->tally ? c->k->tally[t] : 0;
}

/* The evidence is the earliest N matches, those that meet the minimum:
   all of them would grow with the records.  */
static void
eval_count (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  size_t n = count_matches (c, ck->a) + let_go (c, ck->a);
  r->ok = n >= (size_t) ck->n;
  if (!c->reasons)
    return;
  ehl_strbuf_addf (&r->why, "%zu ", n);
  add_desc (&r->why, sel_of (c, ck->a), n != 1);
  ehl_strbuf_addf (&r->why, ", at least %ld needed", ck->n);
  for (size_t i = 0, shown = 0;
       i < c->k->n_items && shown < (size_t) ck->n; i++)
    if (matches (c, i, ck->a))
      {
        evidence (c, r, (long) i, ck->a);
        shown++;
      }
}

static void
eval_before (const struct ctx *c, const struct ehl_check *ck,
             struct result *r)
{
  long a = first_match (c, ck->a), b = first_match (c, ck->b);
  r->ok = a >= 0 && (b < 0 || c->k->items[a].day <= c->k->items[b].day);
  if (!c->reasons)
    return;
  if (a < 0)
    {
      ehl_strbuf_add (&r->why, "no ");
      add_desc (&r->why, sel_of (c, ck->a), false);
      return;
    }
  add_earliest (&r->why, c, ck->a, a);
  evidence (c, r, a, ck->a);
  if (b < 0)
    {
      ehl_strbuf_add (&r->why, ", and no ");
      add_desc (&r->why, sel_of (c, ck->b), false);
      return;
    }
  ehl_strbuf_add (&r->why, r->ok ? " is on or before " : " is after ");
  add_earliest (&r->why, c, ck->b, b);
  evidence (c, r, b, ck->b);
}

static void
eval_within (const struct ctx *c, const struct ehl_check *ck,
             struct result *r)
{
  long a = first_match (c, ck->a), b = first_match (c, ck->b);
  r->ok = a >= 0 && b >= 0
          && c->k->items[b].day <= c->k->items[a].day + ck->n;
  if (!c->reasons)
    return;
  if (a < 0 || b < 0)
    {
      ehl_strbuf_add (&r->why, "no ");
      add_desc (&r->why, sel_of (c, a < 0 ? ck->a : ck->b), false);
      evidence (c, r, a, ck->a);
      return;
    }
  add_earliest (&r->why, c, ck->b, b);
  ehl_strbuf_addf (&r->why, " is %s %ld day%s %s ",
                   r->ok ? "within" : "more than", ck->n,
                   ck->n == 1 ? "" : "s", r->ok ? "of" : "after");
  add_earliest (&r->why, c, ck->a, a);
  evidence (c, r, a, ck->a);
  evidence (c, r, b, ck->b);
}

/* "is one with checked_plan true", "is a closure", "is a meeting with ..."  */
static void
add_is (struct ehl_strbuf *b, const struct ehl_selector *sa,
        const struct ehl_selector *sb, bool ok)
{
  ehl_strbuf_add (b, ok ? " is " : " is not ");
  if ((sa->types & ~sb->types) == 0 && *sb->tests_text)
    ehl_strbuf_addf (b, "one with %s", sb->tests_text);
  else
    {
      ehl_strbuf_add (b, "a ");
      add_desc (b, sb, false);
    }
}

static void
eval_first (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  long a = first_match (c, ck->a), hit = -1;
  for (long i = a; a >= 0 && i < (long) c->k->n_items
       && c->k->items[i].day == c->k->items[a].day; i++)
    if (matches (c, (size_t) i, ck->a) && matches (c, (size_t) i, ck->b))
      {
        hit = i;
        break;
      }
  r->ok = hit >= 0;
  if (!c->reasons)
    return;
  if (a < 0)
    {
      ehl_strbuf_add (&r->why, "no ");
      add_desc (&r->why, sel_of (c, ck->a), false);
      return;
    }
  add_earliest (&r->why, c, ck->a, a);
  add_is (&r->why, sel_of (c, ck->a), sel_of (c, ck->b), r->ok);
  if (hit >= 0)
    {
      evidence (c, r, hit, ck->a);
      evidence (c, r, hit, ck->b);
    }
  else
    for (long i = a; i < (long) c->k->n_items
         && c->k->items[i].day == c->k->items[a].day; i++)
      if (matches (c, (size_t) i, ck->a))
        {
          evidence (c, r, i, ck->a);
          evidence (c, r, i, ck->b);
        }
}

/* ---- each ---- */

struct value_hunt
{
  json_t *want;
  bool found;
};

static bool
hunt (json_t *v, void *ctx)
{
  struct value_hunt *h = ctx;
  h->found |= ehl_scalar_equal (v, h->want);
  return h->found;
}

/* Cite the record that gave merged member ITEM (if not -1) the field
   an "each" reads, net key KEY (if not -1: expect.c).  */
static void
evidence_field (const struct ctx *c, struct result *r, long item, int key)
{
  if (item >= 0 && key >= 0 && c->k->items[item].type == EHL_T_NETWORK)
    cite_field (c, r, item, (size_t) key);
}

/* The first B item whose FB holds V, or -1.  */
static long
find_in (const struct ctx *c, const struct ehl_check *ck, json_t *v)
{
  struct value_hunt h = { v, false };
  for (size_t i = 0; i < c->k->n_items; i++)
    if (matches (c, i, ck->b))
      {
        each_value (c->a->set, &c->k->items[i], &ck->fb, hunt, &h);
        if (h.found)
          return (long) i;
      }
  return -1;
}

static void
each_reason (const struct ctx *c, const struct ehl_check *ck,
             struct values *vs, const char **missing, size_t n_missing,
             struct result *r)
{
  if (vs->n == 0)
    {
      ehl_strbuf_add (&r->why, "no ");
      add_desc (&r->why, sel_of (c, ck->a), false);
      ehl_strbuf_addf (&r->why, " with %s", ck->fa.text);
      return;
    }
  ehl_strbuf_addf (&r->why, "%zu of %zu", n_missing ? n_missing : vs->n,
                   vs->n);
  ehl_strbuf_addf (&r->why, " %s value%s of ", ck->fa.text,
                   vs->n == 1 ? "" : "s");
  add_desc (&r->why, sel_of (c, ck->a), true);
  ehl_strbuf_addf (&r->why, n_missing ? " not in %s of any %s"
                   : " in %s of some %s", ck->fb.text, sel_of (c, ck->b)->noun);
  if (c->a->opts.names && n_missing)
    add_names (&r->why, missing, n_missing);
}

static void
eval_each (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  struct values vs = { 0 };
  for (size_t i = 0; i < c->k->n_items; i++)
    if (matches (c, i, ck->a))
      {
        vs.at = (long) i;
        each_value (c->a->set, &c->k->items[i], &ck->fa, collect, &vs);
      }
  const char **missing = calloc (vs.n + 1, sizeof *missing);
  size_t n_missing = 0;
  for (size_t i = 0; missing && i < vs.n; i++)
    if (find_in (c, ck, vs.v[i].v) < 0)
      {
        missing[n_missing++] = json_is_string (vs.v[i].v)
                               ? json_string_value (vs.v[i].v) : "(a number)";
        evidence (c, r, vs.v[i].item, ck->a);
        evidence_field (c, r, vs.v[i].item, ck->fa_key);
      }
  r->ok = n_missing == 0;
  if (!missing || vs.failed)
    r->failed = true;
  else if (c->reasons)
    {
      if (r->ok)
        for (size_t i = 0; i < vs.n; i++)
          {
            long b = find_in (c, ck, vs.v[i].v);
            evidence (c, r, b, ck->b);
            evidence_field (c, r, b, ck->fb_key);
          }
      each_reason (c, ck, &vs, missing, n_missing, r);
    }
  free (missing);
  free (vs.v);
}

/* ---- combining ---- */

static void eval_check (const struct ctx *c, const struct ehl_check *ck,
                        struct result *r);

static void
eval_all (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  struct result *kids = calloc (ck->n_kids, sizeof *kids);
  if (!kids)
    {
      r->failed = true;
      return;
    }
  r->ok = true;
  for (size_t i = 0; i < ck->n_kids; i++)
    {
      eval_check (c, ck->kids[i], &kids[i]);
      r->ok &= kids[i].ok;
    }
  /* All true: every part says why; else only the failing parts.  */
  for (size_t i = 0; i < ck->n_kids; i++)
    if (r->ok || !kids[i].ok)
      absorb (r, &kids[i], "; ");
    else
      result_free (&kids[i]);
  free (kids);
}

static void
eval_any (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  r->ok = false;
  for (size_t i = 0; i < ck->n_kids; i++)
    {
      struct result kid = { 0 };
      eval_check (c, ck->kids[i], &kid);
      if (kid.ok)
        {
          /* The first part that holds is the reason.  */
          ehl_strbuf_truncate (&r->why, 0);
          r->n_ev = 0;
          r->ok = true;
          absorb (r, &kid, "");
          return;
        }
      absorb (r, &kid, "; ");
    }
}

static void
eval_check (const struct ctx *c, const struct ehl_check *ck, struct result *r)
{
  switch (ck->kind)
    {
    case EHL_C_EXISTS:
      eval_exists (c, ck->a, r);
      break;
    case EHL_C_COUNT:
      eval_count (c, ck, r);
      break;
    case EHL_C_BEFORE:
      eval_before (c, ck, r);
      break;
    case EHL_C_WITHIN:
      eval_within (c, ck, r);
      break;
    case EHL_C_FIRST:
      eval_first (c, ck, r);
      break;
    case EHL_C_EACH:
      eval_each (c, ck, r);
      break;
    case EHL_C_ALL:
      eval_all (c, ck, r);
      break;
    case EHL_C_ANY:
      eval_any (c, ck, r);
      break;
    case EHL_C_NOT:
      eval_check (c, ck->kids[0], r);
      r->ok = !r->ok;
      break;
    }
}

/* ---- the case ---- */

/* Fill RES->bits with every item's selector results.  */
static bool
case_bits (const ehl_audit *a, const struct ehl_case *k, size_t words,
           struct ehl_case_result *res)
{
  size_t need = k->n_items * words;
  if (!ehl_reserve (&res->bits, &res->bits_cap, need, sizeof *res->bits))
    return false;
  for (size_t i = 0; i < k->n_items; i++)
    item_bits (a->set, &k->items[i], res->bits + i * words, words);
  return true;
}

/* The group of case K: the field of its earliest open record.  */
static const char *
case_group (const ehl_audit *a, const struct ehl_case *k)
{
  if (!a->opts.group_field)
    return "";
  for (size_t i = 0; i < k->n_items; i++)
    if (k->items[i].type == EHL_T_OPEN && k->items[i].json)
      {
        const char *g = ehl_get_str (k->items[i].json, a->opts.group_field);
        return g ? g : "";
      }
  return "";
}

/* By date, then file and line, as the items are.  */
static int
cmp_cite (const void *x, const void *y)
{
  const struct cite *a = x, *b = y;
  if (a->day != b->day)
    return a->day < b->day ? -1 : 1;
  if (a->file_no != b->file_no)
    return a->file_no < b->file_no ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

/* Turn R's cites into file:line evidence, by date, once each.  */
static bool
finding_evidence (const ehl_audit *a, struct result *r,
                  struct ehl_finding *f)
{
  if (r->n_ev)
    qsort (r->ev, r->n_ev, sizeof *r->ev, cmp_cite);
  f->evidence = r->n_ev ? malloc (r->n_ev * sizeof *f->evidence) : NULL;
  if (r->n_ev && !f->evidence)
    return false;
  for (size_t i = 0; i < r->n_ev; i++)
    {
      if (i && cmp_cite (&r->ev[i], &r->ev[i - 1]) == 0)
        continue;
      f->evidence[f->n_evidence].file = ehl_cases_file (a->cases,
                                                         r->ev[i].file_no);
      f->evidence[f->n_evidence++].line = r->ev[i].line;
    }
  return true;
}

static void
clear_findings (struct ehl_case_result *res)
{
  for (size_t i = 0; i < res->n; i++)
    {
      free (res->findings[i].reason);
      free (res->findings[i].evidence);
      memset (&res->findings[i], 0, sizeof res->findings[i]);
    }
}

void
ehl_case_result_free (struct ehl_case_result *res)
{
  clear_findings (res);
  free (res->findings);
  free (res->bits);
  memset (res, 0, sizeof *res);
}

/* One expectation on the case: "when", then "check".  */
static bool
judge (const struct ctx *c, const struct ehl_expectation *e,
       struct ehl_finding *f)
{
  struct result r = { 0 };
  if (e->when)
    eval_check (c, e->when, &r);
  if (e->when && !r.ok)
    f->verdict = EHL_NA;
  else
    {
      result_free (&r);
      eval_check (c, e->check, &r);
      f->verdict = r.ok ? EHL_MET : EHL_NOT_MET;
    }
  bool ok = !r.failed && !r.why.failed;
  if (ok && c->reasons)
    ok = (f->reason = ehl_strbuf_take (&r.why)) != NULL
         && finding_evidence (c->a, &r, f);
  result_free (&r);
  return ok;
}

bool
ehl_audit_eval (const ehl_audit *a, size_t i, enum ehl_reasons reasons,
                struct ehl_case_result *res)
{
  const ehl_expect_set *set = a->set;
  const struct ehl_case *k = ehl_cases_at (a->cases, i);
  size_t words = words_per_item (set);
  if (!k || !case_bits (a, k, words, res))
    return false;
  clear_findings (res);
  if (res->n != set->n_exps)
    {
      free (res->findings);
      res->n = set->n_exps;
      if (!(res->findings = calloc (res->n, sizeof *res->findings)))
        {
          res->n = 0;
          return false;
        }
    }
  res->case_id = k->id;
  res->group = case_group (a, k);
  struct ctx c = { a, k, res->bits, words,
                   reasons == EHL_REASONS_ALL };
  struct ctx why = c;
  why.reasons = true;
  bool ok = true;
  for (size_t e = 0; ok && e < set->n_exps; e++)
    {
      ok = judge (&c, &set->exps[e], &res->findings[e]);
      /* Building reasons costs more than judging: for shortfalls only,
         judge once without them, then again with them where not met.  */
      if (ok && reasons == EHL_REASONS_SHORTFALLS
          && res->findings[e].verdict == EHL_NOT_MET)
        ok = judge (&why, &set->exps[e], &res->findings[e]);
    }
  return ok;
}
