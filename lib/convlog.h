/* convlog.h - the Early Help Conversation Log: the parts of the form,
   a filled-in log (from options, from a form, or from a record), and
   the records one log makes (DESIGN.md section 2): the conversation,
   a "scale" record for each scaling answer and a "document" record for
   each attached drawing.

   Each part has one name, used both as the option (--good-thing) and as
   the form's key (good-thing:), so a form and a command line say the
   same things in the same words.  */
#ifndef EHLOG_CONVLOG_H
#define EHLOG_CONVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "make.h"

/* The parts, in the order of the form.  */
enum ehl_part_id
{
  EHL_P_CASE, EHL_P_DATE, EHL_P_BY, EHL_P_SUPERSEDES,
  EHL_P_CHILD, EHL_P_DOB, EHL_P_CHILD_REF,
  EHL_P_PRACTITIONER, EHL_P_ROLE, EHL_P_SERVICE, EHL_P_PARTICIPANTS,
  EHL_P_PERSON,
  EHL_P_WORRY, EHL_P_GOOD_THING, EHL_P_DREAM, EHL_P_ATTACH,
  EHL_P_WORRIED, EHL_P_GOING_WELL, EHL_P_NEEDS_TO_HAPPEN,
  EHL_P_SCALE,
  EHL_P_FAMILY_NEXT_STEPS, EHL_P_NEXT_STEP, EHL_P_NEXT_STEP_DETAIL,
  EHL_P_COUNT
};

enum ehl_part_kind
{
  EHL_PART_ENVELOPE,            /* case, date, by, supersedes */
  EHL_PART_TEXT,                /* one string */
  EHL_PART_DATE,                /* one date, ISO or UK */
  EHL_PART_LIST,                /* an item of an array of strings */
  EHL_PART_PERSON,              /* NAME = RELATIONSHIP */
  EHL_PART_SCALE,               /* RATER = SCORE, or RATER: NAME = SCORE */
  EHL_PART_ATTACH               /* KIND = PATH */
};

struct ehl_part
{
  const char *option;           /* "--good-thing"; the form's key is +2 */
  enum ehl_part_kind kind;
  const char *field;            /* its place in the record:
                                   "houses.good_things"; NULL for scale
                                   and attach, which make records */
  bool repeatable;
  const char *arg;              /* the argument's name in --help */
  const char *help;             /* what it is, for --help */
};

extern const struct ehl_part ehl_parts[EHL_P_COUNT];

/* The part whose key is KEY (LEN bytes; '_' may stand for '-', and
   capitals for small letters), or -1.  */
int ehl_part_find (const char *key, size_t len);

/* One value of a part, and where it was given: FILE NULL is the command
   line, else a form and its LINE.  */
struct ehl_log_value
{
  char *text;
  const char *file;
  long line;
};

struct ehl_log_part
{
  struct ehl_log_value *v;
  size_t n, cap;
  bool has_empty;               /* the form had "key:" with nothing */
  struct ehl_log_value empty;   /* ... there (text NULL) */
};

/* A filled-in log: every part's values.  FILE is the form it came from
   (NULL: options only), for problems about parts it leaves out.  */
struct ehl_log
{
  const char *file;
  struct ehl_log_part parts[EHL_P_COUNT];
};

void ehl_log_init (struct ehl_log *log, const char *file);
void ehl_log_free (struct ehl_log *log);

/* Add the LEN bytes of TEXT as a value of part P.  False if memory ran
   out.  */
bool ehl_log_add (struct ehl_log *log, enum ehl_part_id p, const char *text,
                  size_t len, const char *file, long line);

/* The first value of part P, or NULL.  */
const char *ehl_log_first (const struct ehl_log *log, enum ehl_part_id p);

/* Does no part have a value?  */
bool ehl_log_empty (const struct ehl_log *log);

/* Do A and B hold the same values?  */
bool ehl_log_same (const struct ehl_log *a, const struct ehl_log *b);

/* Lay OVER on BASE: every part OVER gives replaces BASE's values; an
   empty slot of OVER is kept where BASE has nothing.  BASE takes OVER's
   file.  False if memory ran out.  */
bool ehl_log_merge (struct ehl_log *base, const struct ehl_log *over);

/* Give LOG's envelope parts the values of ENV where it has none: the
   case and supersedes given, the date given or today, the author given
   or the default.  (For the template.)  */
bool ehl_log_fill_envelope (struct ehl_log *log,
                            const struct ehl_make_env *env);

/* LOG as it would be written: from CONV, a conversation record, and
   SCALES, an array of the scale records about it (or NULL).  False if
   memory ran out.  */
bool ehl_log_from_record (struct ehl_log *log, json_t *conv, json_t *scales);

/* Make the records of LOG in MK: the conversation, then a scale record
   for each scale value (about the conversation, with the form's
   question) and a document record for each attachment (the file is
   read for its SHA-256).  ENV holds the envelope options; LOG's own
   envelope parts override them, and an empty "by:" slot records nobody.
   Every problem names the option or the form's line.  */
void ehl_log_build (const struct ehl_log *log, ehl_maker *mk,
                    const struct ehl_make_env *env);

#endif
