/* date.c - calendar dates.  Day numbers use the proleptic Gregorian
   calendar (Howard Hinnant's days-from-civil algorithm).  */
#include <config.h>

#include "date.h"

#include <stdlib.h>
#include <stdio.h>
#include <time.h>

static bool
is_leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool
ehl_date_valid (int y, int m, int d)
{
  static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
    return false;
  int max = mdays[m - 1] + (m == 2 && is_leap (y));
  return d <= max;
}

ehl_day
ehl_days_from_civil (int y, int m, int d)
{
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned) (y - era * 400);
  unsigned doy = (153 * (unsigned) (m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned) d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int) doe - 719468;
}

void
ehl_civil_from_days (ehl_day z, int *y, int *m, int *d)
{
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned) (z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int yy = (int) yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

/* Read exactly N decimal digits.  */
static bool
digits (const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return true;
}

static bool
civil_to_day (int y, int m, int d, ehl_day *day)
{
  if (!ehl_date_valid (y, m, d))
    return false;
  *day = ehl_days_from_civil (y, m, d);
  return true;
}

bool
ehl_date_parse_iso (const char *s, ehl_day *day)
{
  int y, m, d;
  if (!s || !digits (s, 4, &y) || s[4] != '-' || !digits (s + 5, 2, &m)
      || s[7] != '-' || !digits (s + 8, 2, &d) || s[10] != '\0')
    return false;
  return civil_to_day (y, m, d, day);
}

bool
ehl_date_parse_option (const char *s, ehl_day *day)
{
  int y, m, d;
  if (ehl_date_parse_iso (s, day))
    return true;
  if (!s || !digits (s, 2, &d) || s[2] != '/' || !digits (s + 3, 2, &m)
      || s[5] != '/' || !digits (s + 6, 4, &y) || s[10] != '\0')
    return false;
  return civil_to_day (y, m, d, day);
}

void
ehl_date_format (ehl_day day, char buf[11])
{
  int y, m, d;
  ehl_civil_from_days (day, &y, &m, &d);
  /* Dates outside years 1-9999 never pass validation; clamp so the text
     always fits.  */
  y = y < 0 ? 0 : y % 10000;
  buf[0] = (char) ('0' + y / 1000);
  buf[1] = (char) ('0' + y / 100 % 10);
  buf[2] = (char) ('0' + y / 10 % 10);
  buf[3] = (char) ('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char) ('0' + m / 10);
  buf[6] = (char) ('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char) ('0' + d / 10);
  buf[9] = (char) ('0' + d % 10);
  buf[10] = '\0';
}

bool
ehl_date_today (ehl_day *day)
{
  const char *fixed = getenv ("EHLOG_TODAY");
  if (fixed && *fixed)
    return ehl_date_parse_iso (fixed, day);
  time_t now = time (NULL);
  struct tm tm;
  localtime_r (&now, &tm);
  *day = ehl_days_from_civil (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return true;
}

bool
ehl_date_today_text (char buf[11])
{
  ehl_day day;
  if (!ehl_date_today (&day))
    return false;
  ehl_date_format (day, buf);
  return true;
}
