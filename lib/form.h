/* form.h - the Early Help Conversation Log as a plain-text form that
   people fill in (ehlog-new --template, --form, --edit, --as-form).

   The format (ehlog-new(1) documents it for users):
   - a line "KEY: VALUE" gives a part of the log; KEY is the part's
     option name without "--" (convlog.h); blanks around VALUE are
     dropped; "KEY:" with nothing after it leaves the part out;
   - a part that takes several values takes one line each, KEY repeated;
     a part that takes one value may appear once;
   - a line "+ TEXT" (or "+" alone) continues the value above it on a
     new line, so text may have several lines;
   - lines starting with '#' (after any blanks) are guidance and are
     ignored, as are blank lines; a byte-order mark and CRLF line ends
     are accepted.
   Written by ehl_form_write and read back by ehl_form_parse, a log
   gives the same values.  */
#ifndef EHLOG_FORM_H
#define EHLOG_FORM_H

#include <stddef.h>
#include <stdio.h>

#include "convlog.h"

/* Called for each problem of a form: its LINE and a MESSAGE that never
   quotes the form's text.  */
typedef void ehl_form_problem_fn (void *ctx, long line, const char *message);

/* Parse the LEN bytes of BUF (NUL bytes are a problem, not an end) into
   LOG, which the caller has initialised (ehl_log_init) with the form's
   name for its values.  Reports every problem through FN (may be NULL)
   and returns their number.  Reads nothing but BUF: attachments are
   only named.  */
int ehl_form_parse (const char *buf, size_t len, struct ehl_log *log,
                    ehl_form_problem_fn *fn, void *ctx);

/* Write LOG as a form, with the guidance and its example questions as
   comments (the child's name, LOG's first "child", filled into their
   blanks) and a "KEY:" line for every part LOG leaves empty.  */
void ehl_form_write (FILE *out, const struct ehl_log *log);

/* The guidance's questions by column, then the scaling question, with
   CHILD's name (NULL: a blank) filled in.  */
void ehl_form_questions (FILE *out, const char *child);

#endif
