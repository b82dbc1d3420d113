/* grow.c - room in growing arrays.  */
#include <config.h>

#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool
ehl_reserve (void *arrayp, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap)
    return true;
  if (need > SIZE_MAX / size)
    return false;
  /* ARRAYP may point to a pointer of any object type: read and write it
     as bytes.  */
  void *array;
  memcpy (&array, arrayp, sizeof array);
  void *bigger = realloc (array, need * size);
  if (!bigger)
    return false;
  memcpy (arrayp, &bigger, sizeof bigger);
  *cap = need;
  return true;
}

bool
ehl_grow (void *arrayp, size_t *cap, size_t n, size_t size)
{
  if (n < *cap)
    return true;
  size_t want = *cap < 4 ? 4 : *cap + *cap / 2;
  return want > *cap && ehl_reserve (arrayp, cap, want, size);
}
