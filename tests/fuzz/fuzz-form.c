/* fuzz-form - fuzz entry point for the conversation-form parser
   (ehl_form_parse); what it parsed is then written back as a form and
   built into records (validated, never written), as ehlog-new --form
   does.  Attachments are dropped before the build: it would read
   the files they name.  */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "convlog.h"
#include "form.h"
#include "make.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
drop_attachments (struct ehl_log *log)
{
  struct ehl_log_part *p = &log->parts[EHL_P_ATTACH];
  for (size_t i = 0; i < p->n; i++)
    free (p->v[i].text);
  p->n = 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static FILE *sink;
  if (!sink)
    sink = fopen ("/dev/null", "w");
  struct ehl_log log;
  ehl_log_init (&log, "fuzz");
  ehl_form_parse ((const char *) data, size, &log, NULL, NULL);
  ehl_form_write (sink, &log);
  drop_attachments (&log);
  ehl_maker *mk = ehl_maker_new ();
  if (mk)
    {
      struct ehl_make_env env = { 0 };
      env.date.text = "2021-06-30";
      env.by.text = "fuzz";
      ehl_maker_divert (mk, NULL);
      ehl_log_build (&log, mk, &env);
      ehl_maker_check (mk);
      ehl_maker_free (mk);
    }
  ehl_log_free (&log);
  return 0;
}
