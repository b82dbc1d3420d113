/* caseread.c - wanted cases, and the streaming pass that builds a case
   view.  */
#include <config.h>

#include "caseread.h"

#include <stdlib.h>

#include "cli.h"
#include "contract.h"
#include "grow.h"

bool
ehl_case_list_add (struct ehl_case_list *l, const char *id, bool *no_memory)
{
  *no_memory = false;
  if (!ehl_case_id_valid (id))
    return false;
  if (l->set && ehl_strmap_get (l->set, id))
    return true;
  if (!l->set && !(l->set = ehl_strmap_new ()))
    {
      *no_memory = true;
      return false;
    }
  if (!ehl_grow (&l->ids, &l->cap, l->n, sizeof *l->ids))
    {
      *no_memory = true;
      return false;
    }
  /* Only presence is asked: any value but NULL will do.  */
  static char listed;
  const char *key = ehl_strmap_put (l->set, id, &listed);
  if (!key)
    {
      *no_memory = true;
      return false;
    }
  l->ids[l->n++] = key;
  return true;
}

bool
ehl_case_list_wants (const struct ehl_case_list *l, const char *id)
{
  return !l || l->n == 0 || (id && ehl_strmap_get (l->set, id) != NULL);
}

size_t
ehl_case_list_report_missing (const struct ehl_case_list *l,
                              const ehl_cases *cases)
{
  if (!l || l->n == 0)
    return 0;
  ehl_strmap *found = ehl_strmap_new ();
  size_t missing = 0;
  for (size_t i = 0; found && i < ehl_cases_count (cases); i++)
    if (!ehl_strmap_put (found, ehl_cases_at (cases, i)->id, (void *) found))
      {
        ehl_strmap_free (found);
        found = NULL;
      }
  if (!found)
    {
      ehl_warn ("memory exhausted");
      return l->n;
    }
  for (size_t i = 0; i < l->n; i++)
    if (!ehl_strmap_get (found, l->ids[i]))
      {
        ehl_warn ("%s: no records of this case", l->ids[i]);
        missing++;
      }
  ehl_strmap_free (found);
  return missing;
}

void
ehl_case_list_free (struct ehl_case_list *l)
{
  ehl_strmap_free (l->set);
  free (l->ids);
  l->ids = NULL;
  l->set = NULL;
  l->n = l->cap = 0;
}

bool
ehl_case_option (struct ehl_case_list *l, const char *arg)
{
  bool no_memory;
  if (ehl_case_list_add (l, arg, &no_memory))
    return true;
  if (no_memory)
    ehl_warn ("memory exhausted");
  else
    ehl_usage_fail ("--case: must be 1-64 characters from"
                    " A-Z a-z 0-9 - _ . / :");
  return false;
}

bool
ehl_as_of_option (const char *arg, ehl_day *as_of)
{
  if (ehl_date_parse_option (arg, as_of))
    return true;
  ehl_usage_fail ("--as-of: must be a date, YYYY-MM-DD or DD/MM/YYYY");
  return false;
}

bool
ehl_as_of_or_today (ehl_day as_of, ehl_day *day)
{
  *day = as_of;
  if (as_of != EHL_NO_DAY || ehl_date_today (day))
    return true;
  ehl_warn ("%s", EHL_BAD_TODAY);
  return false;
}

bool
ehl_list_format_option (const char *arg, enum ehl_format *format)
{
  if (ehl_format_parse (arg, 1u << EHL_FMT_TEXT | 1u << EHL_FMT_NDJSON
                        | 1u << EHL_FMT_CSV, format))
    return true;
  ehl_usage_fail ("--format: must be text, ndjson or csv");
  return false;
}

/* Does REC correct another record (supersedes, void)?  */
static bool
corrects (json_t *rec, enum ehl_type type)
{
  return type == EHL_T_VOID || json_object_get (rec, "supersedes");
}

/* The reader validates only the records that matter to the view: kept,
   or correcting another record.  */
static bool
matters (json_t *rec, enum ehl_type type, void *how)
{
  const struct ehl_caseread *h = how;
  return corrects (rec, type) || h->wants (rec, type, h->ctx);
}

/* Note one record in the view; false if memory ran out.  With a --case
   list, every record of a listed case makes its case known (so that a
   case with nothing to show is told from an absent one).  */
static bool
take_record (ehl_cases *cases, const struct ehl_record *rec,
             const struct ehl_caseread *how)
{
  struct ehl_case_key key = ehl_case_key_of (rec->json);
  if (!key.id || !ehl_case_list_wants (how->only, key.id))
    return true;
  bool keep = how->wants (rec->json, rec->type, how->ctx);
  bool every_case = how->only && how->only->n > 0;
  if (!keep && !every_case && !corrects (rec->json, rec->type))
    return true;
  struct ehl_item *item;
  if (!ehl_cases_add (cases, rec, key, keep, &item))
    return false;
  return !item || how->fill (item, rec, how->ctx);
}

ehl_cases *
ehl_caseread (char *const *files, int nfiles, const struct ehl_caseread *how,
              bool *input_bad)
{
  *input_bad = false;
  ehl_reader *r = ehl_reader_new (files, nfiles, EHL_READ_VALIDATE);
  ehl_cases *cases = ehl_cases_new (how->as_of, files, nfiles);
  bool ok = r && cases;
  if (r)
    ehl_reader_check_only (r, matters, (void *) how);
  struct ehl_record rec;
  while (ok && ehl_reader_next (r, &rec))
    {
      ok = take_record (cases, &rec, how);
      json_decref (rec.json);
    }
  ok = ok && ehl_cases_resolve_with (cases, how->members, 1);
  if (r)
    {
      const struct ehl_read_stats *st = ehl_reader_stats (r);
      *input_bad = st->bad > 0 || st->io_errors > 0;
    }
  ehl_reader_free (r);
  if (!ok)
    {
      ehl_warn ("memory exhausted");
      ehl_cases_free (cases);
      return NULL;
    }
  return cases;
}
