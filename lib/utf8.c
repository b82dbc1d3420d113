/* utf8.c - UTF-8 well-formedness, by the table of RFC 3629 section 4.  */
#include <config.h>

#include "utf8.h"

/* The length of the sequence that starts with byte B, and the range its
   second byte must fall in (which rules out overlong forms, surrogates
   and code points above U+10FFFF); 0 for a byte that cannot start one.  */
static int
sequence_length (unsigned char b, unsigned char *lo, unsigned char *hi)
{
  *lo = 0x80;
  *hi = 0xBF;
  if (b < 0x80)
    return 1;
  if (b < 0xC2)
    return 0;
  if (b < 0xE0)
    return 2;
  if (b < 0xF0)
    {
      if (b == 0xE0)
        *lo = 0xA0;
      else if (b == 0xED)
        *hi = 0x9F;
      return 3;
    }
  if (b < 0xF5)
    {
      if (b == 0xF0)
        *lo = 0x90;
      else if (b == 0xF4)
        *hi = 0x8F;
      return 4;
    }
  return 0;
}

bool
ehl_utf8_valid (const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s;
  size_t i = 0;
  while (i < len)
    {
      unsigned char lo, hi;
      int n = sequence_length (p[i], &lo, &hi);
      if (n == 0 || (size_t) n > len - i)
        return false;
      if (n > 1 && (p[i + 1] < lo || p[i + 1] > hi))
        return false;
      for (int k = 2; k < n; k++)
        if (p[i + k] < 0x80 || p[i + k] > 0xBF)
          return false;
      i += (size_t) n;
    }
  return true;
}
