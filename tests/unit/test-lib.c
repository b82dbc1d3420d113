/* test-lib.c - unit tests for libehlog.  */
#include <config.h>
#include "unit.h"
int main (void) { CHECK (1); return UNIT_DONE (); }
