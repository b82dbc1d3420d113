/* date.h - calendar dates as ehlog records them.  */
#ifndef EHLOG_DATE_H
#define EHLOG_DATE_H

#include <stdbool.h>

/* A day number: days since 1970-01-01 (may be negative).  */
typedef int ehl_day;

/* Parse exactly "YYYY-MM-DD", a real calendar date.  */
bool ehl_date_parse_iso (const char *s, ehl_day *day);

/* Parse "YYYY-MM-DD" or "DD/MM/YYYY" (UK order), as date options accept.  */
bool ehl_date_parse_option (const char *s, ehl_day *day);

/* Write DAY as "YYYY-MM-DD" into BUF (at least 11 bytes).  */
void ehl_date_format (ehl_day day, char buf[11]);

/* Today in local time, in *DAY.  The environment variable EHLOG_TODAY
   (YYYY-MM-DD) overrides it, for tests and reproducible runs: false if
   it is set (not empty) but not a date, which EHL_BAD_TODAY says.  A run
   that must be reproducible stops then; it does not fall back on the
   clock.  */
bool ehl_date_today (ehl_day *day);
/* The same, as "YYYY-MM-DD" in BUF (at least 11 bytes).  */
bool ehl_date_today_text (char buf[11]);
#define EHL_BAD_TODAY "EHLOG_TODAY: not a date of the form YYYY-MM-DD"

bool ehl_date_valid (int y, int m, int d);
ehl_day ehl_days_from_civil (int y, int m, int d);
void ehl_civil_from_days (ehl_day z, int *y, int *m, int *d);

#endif
