/* report.h - writing an audit (audit.h) as text, NDJSON, CSV or HTML
   (DESIGN.md section 4).  */
#ifndef EHLOG_REPORT_H
#define EHLOG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit.h"
#include "date.h"
#include "expect.h"
#include "table.h"

struct ehl_report_opts
{
  enum ehl_format format;
  bool summary_only;            /* only the summary */
  const char *group_field;      /* the summary is split by it; NULL: not */
  ehl_day date;                 /* the audit's date (as-of, or today) */
  int jobs;                     /* threads evaluating and formatting the
                                   cases (0 or 1: one); the report is the
                                   same whatever the number */
};

/* Write the report of A (resolved) to OUT.  *SHORTFALL tells whether any
   applicable expectation was not met.  False if memory ran out or
   writing failed (errno set by the stream).  */
bool ehl_report_write (FILE *out, ehl_audit *a, const ehl_expect_set *set,
                       const struct ehl_report_opts *opts, bool *shortfall);

#endif
