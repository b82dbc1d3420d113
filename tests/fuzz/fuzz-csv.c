/* fuzz-csv - fuzz entry point for CSV to records (ehl_csvin_buffer):
   libcsv's parsing, the header's columns and --map, every cell's
   conversion by its field's kind, validation and the content id.  The
   first byte of the input picks the record type and the options; the
   rest is the CSV.  */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "contract.h"
#include "csvin.h"
#include "output.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static bool
take (void *ctx, json_t *rec, const char *file, long line)
{
  (void) file;
  (void) line;
  return ehl_write_record (ctx, rec);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *sink;
  static char *const maps[] = { (char *) "Name=name",
                                (char *) "Child=child.name",
                                (char *) "Notes=" };
  if (!sink)
    sink = fopen ("/dev/null", "w");
  if (size == 0)
    return 0;
  unsigned pick = data[0];
  struct ehl_csvin_opts opts = {
    .type = (enum ehl_type) (pick % EHL_T_COUNT),
    .list_sep = (pick & 0x10) ? '|' : 0,
    .uk_dates = (pick & 0x20) != 0,
    .maps = maps,
    .nmaps = (pick & 0x40) ? 3 : 0,
  };
  ehl_csvin *c = ehl_csvin_new (&opts, take, sink);
  if (!c)
    return 0;
  ehl_csvin_divert (c, sink);
  ehl_csvin_buffer (c, (const char *) data + 1, size - 1, "fuzz");
  ehl_csvin_free (c);
  return 0;
}
