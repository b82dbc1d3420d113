/* grow.h - room in arrays that grow one element at a time.  */
#ifndef EHLOG_GROW_H
#define EHLOG_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Make the array *ARRAYP (a pointer to any object type; N elements of
   SIZE bytes used, room for *CAP) hold one more, growing it by half when
   full: a council's cases hold tens of records each, and with tens of
   thousands of cases the slack of doubling would be most of the memory.
   False if memory ran out; the array and *CAP are then as they were.  */
bool ehl_grow (void *arrayp, size_t *cap, size_t n, size_t size);

/* The same, for room for NEED elements exactly (if it has less).  */
bool ehl_reserve (void *arrayp, size_t *cap, size_t need, size_t size);

#endif
