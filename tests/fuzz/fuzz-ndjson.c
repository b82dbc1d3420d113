/* fuzz-ndjson - fuzz entry point for the NDJSON reader and the record
   validator (strict mode, so the id check runs too), and for the case
   view that every reading program builds from what the reader accepts.  */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "casefile.h"
#include "record.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *sink;
  static char *const files[] = { (char *) "fuzz" };
  if (!sink)
    sink = fopen ("/dev/null", "w");
  FILE *in = fmemopen ((void *) data, size, "r");
  if (!in || size == 0)
    {
      if (in)
        fclose (in);
      return 0;
    }
  ehl_reader *r = ehl_reader_new_stream (in, "fuzz",
                                         EHL_READ_VALIDATE | EHL_READ_STRICT);
  ehl_cases *cases = ehl_cases_new (EHL_NO_DAY, files, 1);
  ehl_reader_divert (r, sink);
  struct ehl_record rec;
  while (ehl_reader_next (r, &rec))
    {
      struct ehl_item *item;
      if (ehl_cases_add (cases, &rec, ehl_case_key_of (rec.json), true,
                         &item) && item)
        item->json = json_incref (rec.json);
      json_decref (rec.json);
    }
  ehl_cases_resolve (cases);
  ehl_cases_free (cases);
  ehl_reader_free (r);
  fclose (in);
  return 0;
}
