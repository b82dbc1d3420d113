/* fieldopt.h - command-line options derived from the contract tables
   (contract.h): one option per field of a record type, so that no
   program spells out a type's fields again.

   Naming: the field's name with '_' turned into '-' ("checked_plan" is
   --checked-plan); a field that holds several values (an array, or a
   domain map) is named in the singular and repeats ("techniques" is
   --technique, "domains" is --domain).  NAMES can rename a field, or a
   sub-field of an array of objects ("children.name" as "child").

   Values by kind: strings, enumerations and ids as given (validation
   checks them later); dates as YYYY-MM-DD or DD/MM/YYYY, stored ISO;
   scores 0-10; booleans are flags (present: true); arrays repeat;
   domain maps take --domain DOMAIN=TEXT, once per domain.  An array of
   objects is given either one option per item with the sub-fields
   separated by '|' in the contract's order ("--action WHAT|HOW|WHO|WHEN",
   empty parts left out), or, when NAMES renames its sub-fields, one
   option per sub-field, filling the current item until a sub-field comes
   again, which starts the next ("--child-ref a --child A --child-ref
   b").  A single-valued option given twice is a problem.  */
#ifndef EHLOG_FIELDOPT_H
#define EHLOG_FIELDOPT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "contract.h"
#include "make.h"

/* FIELD ("team", or "children.ref") is given as --OPTION.  */
struct ehl_opt_name
{
  const char *field;
  const char *option;
};

typedef struct ehl_fieldopts ehl_fieldopts;

/* The options for TYPE's fields; NAMES ({NULL}-terminated, or NULL)
   renames some; getopt_long codes are FIRST_CODE and up.  NULL if
   memory ran out.  */
ehl_fieldopts *ehl_fieldopts_new (enum ehl_type type,
                                  const struct ehl_opt_name *names,
                                  int first_code);
void ehl_fieldopts_free (ehl_fieldopts *fo);

/* Their getopt_long table, {NULL}-terminated (owned by FO).  */
const struct option *ehl_fieldopts_table (const ehl_fieldopts *fo);

/* Handle getopt_long's code C with argument ARG: store the value in
   REC (a record of MK), reporting what cannot be converted.  True if C
   was one of these options.  */
bool ehl_fieldopts_apply (ehl_fieldopts *fo, ehl_maker *mk, json_t *rec,
                          int c, const char *arg);

/* Tell MK which option stands for each field of REC, so that a problem
   (a missing required field too) names the option.  Call after the
   options have been applied.  */
void ehl_fieldopts_register (const ehl_fieldopts *fo, ehl_maker *mk,
                             json_t *rec);

/* The options' --help lines: argument, required or repeatable, and the
   values an enumeration allows.  */
void ehl_fieldopts_help (const ehl_fieldopts *fo, FILE *out);

/* The getopt_long tables TABLES[0..N-1] joined into one malloc'd,
   {NULL}-terminated table; where two tables name the same option, the
   earlier one keeps it.  NULL if memory ran out.  */
struct option *ehl_options_join (const struct option *const *tables,
                                 size_t n);

/* The long name of the option with code C in TABLE ({NULL}-terminated),
   or "?".  */
const char *ehl_option_name (const struct option *table, int c);

#endif
