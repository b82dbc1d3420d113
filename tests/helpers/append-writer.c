/* append-writer - test helper: append COUNT records for case CASE to
   FILE, one ehl_append_records call each, as concurrent writers would.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "id.h"
#include "output.h"

int
main (int argc, char **argv)
{
  ehl_cli_init (argc, argv);
  if (argc != 4)
    {
      fprintf (stderr, "usage: append-writer FILE CASE COUNT\n");
      return EHL_EXIT_TROUBLE;
    }
  long count = atol (argv[3]);
  for (long i = 0; i < count; i++)
    {
      json_t *rec = json_pack ("{s:s, s:s, s:s, s:s, s:I}", "type", "close",
                               "case", argv[2], "date", "2021-01-01",
                               "reason", "other", "seq", (json_int_t) i);
      bool ok = rec && ehl_record_assign_id (rec)
                && ehl_append_records (argv[1], &rec, 1);
      json_decref (rec);
      if (!ok)
        return EHL_EXIT_TROUBLE;
    }
  return ehl_finish (EHL_EXIT_OK);
}
