/* caseread.h - the reading half of a case-view program: the cases the
   user asked for (--case, repeatable), and one streaming pass over the
   input that builds the resolved case-file view (casefile.h) keeping only
   what the program asks to keep of each record.  */
#ifndef EHLOG_CASEREAD_H
#define EHLOG_CASEREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "casefile.h"
#include "record.h"
#include "strmap.h"
#include "table.h"

/* The case identifiers named with --case, in the order given.  */
struct ehl_case_list
{
  const char **ids;
  size_t n, cap;
  ehl_strmap *set;
};

/* Add ID; false if it is not a valid case identifier, or (with
   *NO_MEMORY set) if memory ran out.  A repeated ID is kept once.  */
bool ehl_case_list_add (struct ehl_case_list *l, const char *id,
                        bool *no_memory);

/* Is ID wanted?  Every case is when the list is empty.  */
bool ehl_case_list_wants (const struct ehl_case_list *l, const char *id);

/* Warn "prog: CASE: no records of this case" for every listed case the
   view does not hold; returns how many.  */
size_t ehl_case_list_report_missing (const struct ehl_case_list *l,
                                     const ehl_cases *cases);

void ehl_case_list_free (struct ehl_case_list *l);

/* The reading options the case-view programs share, checked with a
   usage message ("prog: --as-of: ..." and "Try 'prog --help'...") when
   the value is bad, and then false.  */
/* --case ID (repeatable): add ID to L.  */
bool ehl_case_option (struct ehl_case_list *l, const char *arg);
/* --as-of DATE, YYYY-MM-DD or DD/MM/YYYY.  */
bool ehl_as_of_option (const char *arg, ehl_day *as_of);
/* The day a view is taken on, in *DAY: AS_OF if given (not EHL_NO_DAY),
   else today; false, with EHL_BAD_TODAY said, if today is not to be
   had.  */
bool ehl_as_of_or_today (ehl_day as_of, ehl_day *day);
/* --format text|ndjson|csv.  */
bool ehl_list_format_option (const char *arg, enum ehl_format *format);

/* What to keep of the records read.  */
struct ehl_caseread
{
  ehl_day as_of;                /* EHL_NO_DAY: no cut-off */
  const struct ehl_case_list *only;     /* NULL or empty: every case */
  /* Should a record of TYPE become an item?  Only these records, and
     those that correct others (supersedes, void), are validated.  With
     a non-empty ONLY, the rest of a listed case's records make their
     case part of the view even when it has no item (to tell a --case
     that has nothing to show from one absent from the input);
     otherwise the view holds the cases with items or corrections.  */
  bool (*wants) (json_t *rec, enum ehl_type type, void *ctx);
  /* Fill ITEM (json, mask) from REC; REC->json is released afterwards,
     so keep a reference to what is needed.  False if memory ran out.  */
  bool (*fill) (struct ehl_item *item, const struct ehl_record *rec,
                void *ctx);
  void *ctx;
  /* How network members are named and merged (casefile.h), when items
     keep them in a form of their own; NULL: as JSON objects.  */
  const struct ehl_member_ops *members;
};

/* Read every record of FILES (none: standard input) into a resolved
   case-file view.  Bad lines and unreadable files are reported as they
   are met and make *INPUT_BAD true; the rest is still read.  NULL (after
   a message) only if memory ran out.  */
ehl_cases *ehl_caseread (char *const *files, int nfiles,
                         const struct ehl_caseread *how, bool *input_bad);

#endif
