/* casefile.h - the case-file view (DESIGN.md section 2, "Meaning"):
   records grouped by case, with supersedes and void applied and network
   members merged by name.  Built in one streaming pass: the caller adds
   each record it read and keeps only what it needs of it, so memory grows
   with what the cases need, not with the input.  */
#ifndef EHLOG_CASEFILE_H
#define EHLOG_CASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "contract.h"
#include "corrections.h"
#include "date.h"
#include "record.h"

/* One counted record of a case.  */
struct ehl_item
{
  json_t *json;                 /* what the caller kept (owned), or NULL */
  uint64_t mask;                /* the caller's own flags */
  uint64_t id;                  /* the record id, as a number */
  ehl_day day;
  uint32_t line;
  uint16_t file_no;             /* index of the file among the operands */
  uint16_t text_hash;           /* the record's (struct ehl_record), cut
                                   short: see same_record */
  /* Packed so that an item takes 40 bytes, not 48: at a million
     records that is 4 MB of the peak.  */
  unsigned case_no : 24;        /* casefile's own: its case, until resolve
                                   (so at most EHL_MAX_CASES cases) */
  signed type : 8;              /* enum ehl_type */
};

#define EHL_MAX_CASES (1u << 24)

struct ehl_case
{
  const char *id;               /* the case identifier */
  struct ehl_item *items;       /* after resolve: counted, by date (a
                                   slice of one array the view owns) */
  size_t n_items;               /* items added; after resolve, counted */
  size_t no;                    /* casefile's own: its place among the
                                   cases, in the order they were met */
  size_t dst_no;                /* casefile's own, while merging */
  uint64_t *removed;            /* ids named by supersedes or void */
  size_t n_removed, cap_removed;
  uint32_t *tally;              /* after resolve: the pruner's counters
                                   (or NULL; see ehl_cases_tally) */
  struct ehl_keys *let_go;      /* casefile's own: per counter, the
                                   records counted, until resolve */
  void *user;                   /* the caller's per-case block (or NULL):
                                   freed with free by ehl_cases_free */
};

typedef struct ehl_cases ehl_cases;

#define EHL_NO_DAY INT32_MAX

/* An empty set of cases.  Records dated after AS_OF (EHL_NO_DAY: none)
   are ignored, corrections included: the files as they stood that day.
   FILES are the operand names, for ehl_item_file.  */
ehl_cases *ehl_cases_new (ehl_day as_of, char *const *files, int nfiles);

/* A record's case, found once for all the steps that need it: its
   identifier if valid (ehl_record_case; else NULL) and ehl_hash_string
   of it.  */
struct ehl_case_key
{
  const char *id;
  size_t hash;
};
struct ehl_case_key ehl_case_key_of (json_t *rec);

/* Note REC, a valid record whose case is KEY, in its case (nothing if
   KEY has no identifier).  Its supersedes or void target is remembered.
   If KEEP, an item is added and returned in *ITEM for the caller to fill
   in (json, mask) before the next record is added; else *ITEM is NULL.
   Returns false only if memory ran out.  */
bool ehl_cases_add (ehl_cases *c, const struct ehl_record *rec,
                    struct ehl_case_key key, bool keep,
                    struct ehl_item **item);

/* Fetching a case into the cache in steps, ahead of ehl_cases_add, for
   a caller that holds each record back while it reads the next ones: a
   lookup that misses the caches stalls longer than decoding a field.
   Each step needs the one before it to have arrived.  HASH is
   ehl_hash_string of the case identifier.  Hints only: nothing changes,
   and a case not yet in the index is skipped.  */
enum ehl_fetch
{
  EHL_FETCH_SLOT,               /* its index slot */
  EHL_FETCH_CASE,               /* the case */
  EHL_FETCH_STEPS
};
void ehl_cases_prefetch (const ehl_cases *c, size_t hash, enum ehl_fetch step);

/* Records that CORRECTIONS names (corrections.h; it must last until C
   is resolved) are not added, so an item can no longer be removed once
   added.  CORRECTIONS is told what is met of the records it names
   (ehl_corrections_met), so that it can say afterwards which corrections
   name no record (ehl_corrections_unmatched).  */
void ehl_cases_know_corrections (ehl_cases *c, ehl_corrections *corrections);

/* How many corrections were read that the known ones did not hold
   (written to a file after they were looked for).  They are still
   applied, but items let go before may have been needed: a caller that
   let go of any should read again without.  */
size_t ehl_cases_unforeseen (const ehl_cases *c);

/* Keeping memory to what the cases need, not to the number of records:
   with the corrections known, whenever the items have grown by half
   what was kept the time before (and by at least EVERY), each case's N
   items, in date order (as after resolve; members not yet merged), are
   handed to PRUNE, which moves those that can still matter to the front
   of ITEMS, releases the json of the others, and sets *N to how many it
   kept.  It may count what it lets go in the case's N_TALLY counters
   (ehl_cases_tally).  PRUNE must keep every network item that merging
   could still need.  False from PRUNE means memory ran out; it must then
   have kept everything.  Of the same record read twice (the same day,
   id and text) PRUNE sees one item at a time; a copy that comes after
   PRUNE let the first go is handed to it again, and ehl_cases_tally
   counts it once.  */
typedef bool ehl_prune_fn (struct ehl_case *k, struct ehl_item *items,
                           size_t *n, void *ctx);
void ehl_cases_prune_with (ehl_cases *c, ehl_prune_fn *prune, void *ctx,
                           size_t n_tally, size_t every);

/* For PRUNE: count ITEM of case K, which it lets go, in counter T.
   After resolve, K->tally[T] holds the records so counted, each once
   however often it was read (in one view or in several merged), and
   none that is still one of K's items.  Until then they cost at most
   three words per record counted (or four words in all, when fewer) in
   each view that let them go, however often it did.  False if memory ran
   out.  */
bool ehl_cases_tally (ehl_cases *c, struct ehl_case *k,
                      const struct ehl_item *item, size_t t);

/* The case named ID, created if new (NULL if memory ran out).  */
struct ehl_case *ehl_cases_case (ehl_cases *c, const char *id);

/* Move everything of SRC into DST (for merging per-thread views), both
   not yet resolved; SRC is freed.  */
bool ehl_cases_merge (ehl_cases *dst, ehl_cases *src);

/* Apply supersedes and void, order each case's items by date (ties: by
   id, text hash, file, then line), keep one of the same record read
   more than once (the same day, id and text) and merge network members
   by name: one item per person, dated by their earliest record, every
   other field from the latest-dated record that has it.  Network items must have been kept
   with their json.  Then the cases, sorted by identifier.  */
bool ehl_cases_resolve (ehl_cases *c);

/* How network members are named and merged, for callers that keep
   items in their own form: NAME gives the member's name (NULL: not
   merged); FOLD folds LATER (a later-dated record of the same member)
   into MERGED, an item of case K, false if memory ran out.  LATER's json
   is released after.  */
struct ehl_member_ops
{
  const char *(*name) (const struct ehl_item *item, void *ctx);
  bool (*fold) (struct ehl_case *k, struct ehl_item *merged,
                struct ehl_item *later, void *ctx);
  void *ctx;
};

/* The default member operations: item->json is the record (or the
   part of it kept), named by its "name" and merged field by field.  */
extern const struct ehl_member_ops ehl_record_members;

/* ehl_cases_resolve with the caller's member operations (NULL:
   ehl_record_members), and with up to JOBS threads, each resolving a
   share of the cases: OPS is then called from several threads at once.  */
bool ehl_cases_resolve_with (ehl_cases *c, const struct ehl_member_ops *ops,
                             int jobs);

size_t ehl_cases_count (const ehl_cases *c);
struct ehl_case *ehl_cases_at (const ehl_cases *c, size_t i);

/* The name of operand FILE_NO, as messages and evidence show it; the
   file name of ITEM.  */
const char *ehl_cases_file (const ehl_cases *c, unsigned file_no);
const char *ehl_item_file (const ehl_cases *c, const struct ehl_item *item);

/* Record id text <-> number.  */
bool ehl_id_parse (const char *hex, uint64_t *out);
void ehl_id_format (uint64_t id, char out[17]);
/* The id of record JSON in *ID: its own "id", or the one its content
   would have (ehl_record_id).  False only if memory ran out.  */
bool ehl_record_id_of (json_t *json, uint64_t *id);
/* Compare two ids (uint64_t) for qsort and bsearch.  */
int ehl_cmp_id (const void *a, const void *b);

void ehl_cases_free (ehl_cases *c);

#endif
