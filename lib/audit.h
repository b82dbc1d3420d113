/* audit.h - auditing case files against an expectation set (expect.h),
   in one pass over the records in any order.

   Each record is tested, as it is read, against the selectors of its
   type only; the item kept for it holds the results as bits and, where
   a check needs field values after the read (network members, which
   merge first; "each" fields), a copy of just those fields.  After the
   read, ehl_audit_resolve applies supersedes and void and merges network
   members (casefile.h); then each case is evaluated on its own.

   When the corrections are known before the read (corrections.h), an
   item is let go once nothing can need it: what each check reads of the
   records a selector matches is bounded (the earliest one, the earliest
   N for "count", the first to hold each value for "each", a network
   member's earliest record and the latest with each field), and a
   count keeps a tally of what it let go.  Memory then grows with the
   cases and what they hold, not with the records, but for that tally:
   it holds a word for each record it counted, so that a record read
   twice counts once.  */
#ifndef EHLOG_AUDIT_H
#define EHLOG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casefile.h"
#include "expect.h"
#include "record.h"

struct ehl_audit_opts
{
  ehl_day as_of;                /* count records up to this day; EHL_NO_DAY */
  char *const *files;           /* the operands, for evidence */
  int nfiles;
  bool names;                   /* reasons may name people */
  const char *group_field;      /* field of the case's open record to
                                   group by ("team"), or NULL */
  ehl_corrections *corrections;   /* known in advance (or NULL; needed
                                     until ehl_audit_resolve): then
                                     records that can no longer change a
                                     verdict, reason or evidence are let
                                     go as the reading goes on, and the
                                     corrections learn which name no
                                     record (ehl_cases_know_corrections) */
  size_t prune_every;           /* let go no sooner than this many items
                                   (0: a default) */
};

typedef struct ehl_audit ehl_audit;

ehl_audit *ehl_audit_new (const ehl_expect_set *set,
                          const struct ehl_audit_opts *opts);
void ehl_audit_free (ehl_audit *a);

/* Take in one valid record; the caller keeps its own reference to
   REC->json.  The record may be held back for a few more records (to
   fetch its case into the cache first); merge and resolve take in what
   is held.  False only if memory ran out.  */
bool ehl_audit_add (ehl_audit *a, const struct ehl_record *rec);

/* Move everything SRC read into DST (an audit of the same set and
   options, e.g. per thread); SRC is freed.  */
bool ehl_audit_merge (ehl_audit *dst, ehl_audit *src);

/* After the last record: apply corrections, merge network members, sort
   the cases by identifier, with up to JOBS threads.  False if memory
   ran out.  */
bool ehl_audit_resolve (ehl_audit *a, int jobs);

/* After the read: was the audit free to let go of records, on the
   strength of corrections known in advance, and then read one they did
   not hold (a file written to meanwhile)?  Its findings may then be
   wrong: read the files again without (they now hold that
   correction).  */
bool ehl_audit_overtaken (const ehl_audit *a);

size_t ehl_audit_case_count (const ehl_audit *a);

/* The cases audited: those with a record on or before the day audited.  */
const ehl_cases *ehl_audit_cases (const ehl_audit *a);

/* The items held for all the cases, once resolved (for tests, and to
   see what letting go saves).  */
size_t ehl_audit_item_count (const ehl_audit *a);

/* The identifier of case number I (cases sorted by identifier).  */
const char *ehl_audit_case_id (const ehl_audit *a, size_t i);

enum ehl_verdict { EHL_NA, EHL_MET, EHL_NOT_MET };

/* "n_a", "met", "not_met".  */
const char *ehl_verdict_name (enum ehl_verdict v);

struct ehl_evidence
{
  const char *file;
  long line;
};

/* One expectation's verdict on one case.  */
struct ehl_finding
{
  enum ehl_verdict verdict;
  char *reason;                 /* with reasons only */
  struct ehl_evidence *evidence;        /* the deciding records, by date */
  size_t n_evidence;
};

struct ehl_case_result
{
  const char *case_id;
  const char *group;            /* the group value, "" if none (or no
                                   grouping) */
  struct ehl_finding *findings; /* one per expectation, in file order */
  size_t n;
  uint64_t *bits;               /* scratch: the items' selector results */
  size_t bits_cap;
};

/* Which findings get a reason and evidence.  */
enum ehl_reasons
{
  EHL_REASONS_NONE,             /* verdicts only (fast) */
  EHL_REASONS_ALL,              /* every finding */
  EHL_REASONS_SHORTFALLS        /* only the findings not met */
};

/* Evaluate case number I (cases sorted by identifier) into RES, which
   starts zeroed and may be reused from call to call.  Threads may
   evaluate cases of one resolved audit at once, each with its own RES.
   False if memory ran out.  */
bool ehl_audit_eval (const ehl_audit *a, size_t i, enum ehl_reasons reasons,
                     struct ehl_case_result *res);
void ehl_case_result_free (struct ehl_case_result *res);

#endif
