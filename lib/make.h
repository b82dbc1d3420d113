/* make.h - what every program that makes records shares (ehlog-new,
   ehlog-scale, ehlog-network).

   A "maker" is a batch of new records.  It parses the envelope options
   every such program takes (--case, --date in ISO or UK order, --by,
   --child, --supersedes, -a/--append FILE); starts records and fills
   their envelope; remembers where each field's value came from (an
   option, or a line of a form), so that every problem names the OPTION
   or the line the user wrote rather than the record's field; and at the
   end puts every record in the contract's key order, gives it its
   content id (DESIGN.md section 2), validates the whole batch, and only
   when all of it is valid writes it to standard output or appends it to
   the -a FILE in one transaction.  Nothing is written when anything is
   wrong.

   Typical use, with the type's field options derived from the contract
   (fieldopt.h):

     ehl_maker *mk = ehl_maker_new ();
     json_t *rec = ehl_maker_begin (mk, EHL_T_SCALE);
     ehl_fieldopts *fo = ehl_fieldopts_new (EHL_T_SCALE, NULL, 0x1400);
     const struct option *tables[] = {
       own_options, ehl_fieldopts_table (fo), ehl_maker_options
     };
     struct option *longopts = ehl_options_join (tables, 3);
     while ((c = getopt_long (argc, argv, "a:", longopts, NULL)) != -1)
       if (ehl_maker_option (mk, c, optarg)
           || ehl_fieldopts_apply (fo, mk, rec, c, optarg))
         continue;                  (an envelope option, -a, or a field)
       else ...                     (the program's own options)
     ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
     ehl_fieldopts_register (fo, mk, rec);
     int status = ehl_maker_finish (mk) ? EHL_EXIT_OK : EHL_EXIT_TROUBLE;
     free (longopts), ehl_fieldopts_free (fo), ehl_maker_free (mk);
     return ehl_finish (status);

   Problems are printed as "prog: SOURCE: message", SOURCE being
   "--option" or "FILE:LINE: key"; a message never quotes a value, not
   even the path of a file that cannot be read (it can name a child).
   Strings handed to the maker (sources, option arguments) are borrowed:
   they must live until ehl_maker_finish.  */
#ifndef EHLOG_MAKE_H
#define EHLOG_MAKE_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "contract.h"

/* Where a value came from.  FILE NULL: the command line, NAME is the
   option ("--case").  Otherwise a form: FILE, LINE (0: the file as a
   whole) and NAME the form's key ("case").  */
struct ehl_source
{
  const char *file;
  long line;
  const char *name;
};

/* One value as the user gave it, and where.  TEXT NULL: not given.  */
struct ehl_value
{
  const char *text;
  struct ehl_source src;
};

/* The envelope options.  A source left zero means "the option".  */
struct ehl_make_env
{
  struct ehl_value case_id;     /* --case */
  struct ehl_value date;        /* --date: ISO or DD/MM/YYYY; default today */
  struct ehl_value by;          /* --by: default $EHLOG_BY, else the login
                                   name; "" records no "by" */
  struct ehl_value child;       /* --child: the envelope's child ref */
  struct ehl_value supersedes;  /* --supersedes */
  const char *append;           /* -a FILE, NULL: standard output */
};

/* getopt_long codes of the envelope options.  */
enum
{
  EHL_MAKE_OPT_CASE = 0x1100,
  EHL_MAKE_OPT_DATE,
  EHL_MAKE_OPT_BY,
  EHL_MAKE_OPT_CHILD,
  EHL_MAKE_OPT_SUPERSEDES,
  EHL_MAKE_OPT_APPEND = 'a'
};

/* The envelope options' getopt_long table, {NULL}-terminated; add
   "a:" to the short options.  Join it after the program's own options
   with ehl_options_join (fieldopt.h), so a program that gives --child
   another meaning (a child's name) keeps its own.  */
extern const struct option ehl_maker_options[];

/* The --help lines of the envelope options; WITH_CHILD: include
   --child.  */
void ehl_maker_help (FILE *out, bool with_child);

/* One --help line: LEFT ("      --mode=WORD"), then TEXT from column
   29, wrapped at column 79.  */
void ehl_help_option (FILE *out, const char *left, const char *text);

typedef struct ehl_maker ehl_maker;

/* A new, empty batch; NULL if memory ran out.  */
ehl_maker *ehl_maker_new (void);
void ehl_maker_free (ehl_maker *mk);

/* Send problems to OUT instead of stderr; NULL: print nothing (a trial
   build whose problems only count).  */
void ehl_maker_divert (ehl_maker *mk, FILE *out);

/* Handle getopt_long's code C with argument ARG if it is an envelope
   option or -a: true if it was one (a repeated option is a problem).  */
bool ehl_maker_option (ehl_maker *mk, int c, const char *arg);

/* The envelope values the options gave; the caller may change them
   (a form's values) before ehl_maker_envelope.  */
struct ehl_make_env *ehl_maker_env (ehl_maker *mk);

/* For a program whose --case also chooses cases to read (a list, see
   caseread.h): when recording, the one case given becomes the record's.
   Returns EHL_EXIT_OK, or EHL_EXIT_TROUBLE after a usage message if
   more than one was given.  */
struct ehl_case_list;
int ehl_maker_case_option (ehl_maker *mk, const struct ehl_case_list *cases);

/* Start a new record of TYPE at the end of the batch: {"type": TYPE}.
   The record is borrowed: fill in its fields, then call
   ehl_maker_envelope.  NULL if memory ran out (then counted as a
   problem).  */
json_t *ehl_maker_begin (ehl_maker *mk, enum ehl_type type);

/* Set REC's envelope from ENV: case, date (converted to ISO; today when
   not given), by (the default when not given; omitted when ""), child,
   supersedes.  */
void ehl_maker_envelope (ehl_maker *mk, json_t *rec,
                         const struct ehl_make_env *env);

/* Say that the value at PATH of REC ("practitioner", "people[2]",
   "houses.worries") came from SRC ("" stands for the whole record).  A
   problem with PATH or anything inside it is reported as SRC's, naming
   the field below PATH when there is one ("--action: what: ..."); the
   longest registered path wins, and of two the same, the later.
   Register paths even for values not given, so that "is required"
   names the option to give.  */
void ehl_maker_source (ehl_maker *mk, json_t *rec, const char *path,
                       const struct ehl_source *src);

/* Report a problem now: "prog: SRC: message" (SRC NULL: "prog: message";
   a SRC without a name: "prog: FILE:LINE: message").
   When REC and PATH are given, validation keeps quiet about PATH, what
   is in it and what holds it (the value could not even be stored).  */
void ehl_maker_problem (ehl_maker *mk, json_t *rec, const char *path,
                        const struct ehl_source *src, const char *fmt, ...)
  __attribute__ ((format (printf, 5, 6)));

/* Report that memory ran out (once).  */
void ehl_maker_out_of_memory (ehl_maker *mk);

/* Keep validation quiet about PATH of REC, what is in it and what holds
   it (its problem was reported in other words already).  */
void ehl_maker_quiet (ehl_maker *mk, json_t *rec, const char *path);

/* The number of problems reported so far.  */
int ehl_maker_problems (const ehl_maker *mk);

/* When ids are assigned, set REC's FIELD to TARGET's id (TARGET must
   come before REC in the batch: a scale "about" its conversation).  */
void ehl_maker_link (ehl_maker *mk, json_t *rec, const char *field,
                     json_t *target);

/* The LEN bytes of S without leading and trailing blanks (spaces and
   tabs), in a malloc'd string; NULL if memory ran out (counted by
   ehl_alloc_failed, so the batch fails).  */
char *ehl_trimmed (const char *s, size_t len);

/* Store the string ARG as OBJ's member NAME (appended, when OBJ is an
   array); a string that is not valid UTF-8 is a problem of SRC.  */
bool ehl_maker_set_text (ehl_maker *mk, json_t *rec, const char *path,
                         json_t *obj, const char *name, const char *arg,
                         const struct ehl_source *src);

/* Value helpers: store ARG in OBJ under NAME after converting it, and
   report a problem (as SRC's, PATH of REC) when it cannot be.
   ehl_maker_set_date accepts YYYY-MM-DD and DD/MM/YYYY and stores ISO;
   ehl_maker_set_score a whole number 0-10.  */
bool ehl_maker_set_date (ehl_maker *mk, json_t *rec, const char *path,
                         json_t *obj, const char *name, const char *arg,
                         const struct ehl_source *src);
bool ehl_maker_set_score (ehl_maker *mk, json_t *rec, const char *path,
                          json_t *obj, const char *name, const char *arg,
                          const struct ehl_source *src);

/* Store the SHA-256 of the file at PATH in REC's "sha256"; a missing or
   unreadable file is a problem of SRC ("prog: SRC: PATH: reason").  */
bool ehl_maker_set_file_sha256 (ehl_maker *mk, json_t *rec,
                                const char *path,
                                const struct ehl_source *src);

/* Order, link, id and validate the batch (all problems reported);
   returns the total number of problems.  After it, the records are
   final (ehl_maker_record).  */
int ehl_maker_check (ehl_maker *mk);

/* ehl_maker_check, then (with no problem at all) write the batch: to
   standard output, or appended to the -a FILE as one transaction.
   True when the batch was written.  */
bool ehl_maker_finish (ehl_maker *mk);

size_t ehl_maker_count (const ehl_maker *mk);
/* The Ith record of the batch (borrowed).  */
json_t *ehl_maker_record (const ehl_maker *mk, size_t i);

/* REC's members in the contract's order, as a new object: the envelope
   (type, case, date, id, by, child, supersedes), then the type's fields
   in the order of DESIGN.md section 2 (members of objects too, and
   domain maps in the order of the seven domains), then anything else in
   its own order.  With ID_SLOT, an "id" (null) is put in its place when
   REC has none, for ehl_record_assign_id to fill.  NULL if memory ran
   out.  */
json_t *ehl_record_ordered (json_t *rec, bool id_slot);

/* The default "by": $EHLOG_BY, else the login name; NULL if unknown.  */
const char *ehl_default_by (void);

#endif
