/* ehlog-network - record a child's network (its members, who was spoken
   to, the meetings), list it, and draw it as an ecomap in Graphviz DOT.  */
#include <config.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseread.h"
#include "casefile.h"
#include "cli.h"
#include "contract.h"
#include "date.h"
#include "fieldopt.h"
#include "id.h"
#include "jsonload.h"
#include "output.h"
#include "make.h"
#include "record.h"
#include "table.h"

/* The program's own options; the envelope's (--date, --by, --child,
   --supersedes, -a) come from make.h.  */
enum
{
  OPT_CASE = 0x100, OPT_ADD, OPT_SPOKEN, OPT_WITHDRAW, OPT_MEETING, OPT_RELATIONSHIP,
  OPT_CATEGORY, OPT_ATTENDEE, OPT_PLAN_SHARED, OPT_NOT_REQUIRED, OPT_NOTES,
  OPT_CHECK_AGAINST, OPT_LIST, OPT_UNSPOKEN, OPT_ECOMAP, OPT_FORMAT,
  OPT_AS_OF
};

static const struct option long_options[] = {
  { "case", required_argument, NULL, OPT_CASE },
  { "add", required_argument, NULL, OPT_ADD },
  { "spoken", required_argument, NULL, OPT_SPOKEN },
  { "withdraw", required_argument, NULL, OPT_WITHDRAW },
  { "meeting", required_argument, NULL, OPT_MEETING },
  { "relationship", required_argument, NULL, OPT_RELATIONSHIP },
  { "category", required_argument, NULL, OPT_CATEGORY },
  { "attendee", required_argument, NULL, OPT_ATTENDEE },
  { "plan-shared", no_argument, NULL, OPT_PLAN_SHARED },
  { "not-required", required_argument, NULL, OPT_NOT_REQUIRED },
  { "notes", required_argument, NULL, OPT_NOTES },
  { "check-against", required_argument, NULL, OPT_CHECK_AGAINST },
  { "list", no_argument, NULL, OPT_LIST },
  { "unspoken", no_argument, NULL, OPT_UNSPOKEN },
  { "ecomap", no_argument, NULL, OPT_ECOMAP },
  { "format", required_argument, NULL, OPT_FORMAT },
  { "as-of", required_argument, NULL, OPT_AS_OF },
  EHL_COMMON_LONG_OPTIONS,
  { NULL, 0, NULL, 0 }
};

static void
usage (int status)
{
  if (status != EHL_EXIT_OK)
    {
      ehl_usage_error ();
      return;
    }
  printf ("Usage: %s --case ID --add NAME [OPTION]...\n"
          "  or:  %s --case ID --spoken NAME | --withdraw NAME [OPTION]...\n"
          "  or:  %s --case ID --meeting KIND [--attendee NAME]... [OPTION]...\n"
          "  or:  %s [--list] [--unspoken] [--case ID]... [OPTION]... [FILE]...\n"
          "  or:  %s --ecomap --case ID [OPTION]... [FILE]...\n",
          ehl_program (), ehl_program (), ehl_program (), ehl_program (),
          ehl_program ());
  fputs ("Record a child's network and its meetings, list it, or draw it as an\n"
         "ecomap (Graphviz DOT).\n"
         "\n"
         "Recording (writes one record to standard output, or appends it):\n"
         "      --add NAME           a member of the network\n"
         "      --relationship R     with --add: their relationship to the child\n"
         "      --category C         with --add: family friend community\n"
         "                           professional\n"
         "      --spoken NAME        the member was spoken to on --date\n"
         "      --withdraw NAME      the member is no longer part of the network\n"
         "      --check-against FILE with --spoken or --withdraw: warn if the\n"
         "                           case in FILE never added NAME\n"
         "      --meeting KIND       a meeting: network taf review_network other\n"
         "      --attendee NAME      with --meeting: who came (repeatable)\n"
         "      --plan-shared        with --meeting: the plan was shared\n"
         "      --not-required WHY   with --meeting: why no network meeting was\n"
         "                           needed first\n"
         "      --notes TEXT         with --meeting: notes\n"
         "      --case ID            the case identifier (required)\n"
         "      --date DATE          the day (YYYY-MM-DD or DD/MM/YYYY; default\n"
         "                           today)\n"
         "      --by NAME            who records it (default $EHLOG_BY, else the\n"
         "                           login name; empty: nobody)\n"
         "      --child REF          which child of the case it concerns\n"
         "      --supersedes ID      the id of an earlier record this one corrects\n"
         "  -a, --append=FILE        append to FILE instead of writing to stdout\n"
         "\n"
         "Reading (FILEs, or standard input when there are none or FILE is -):\n"
         "      --list               each case's network and meetings (the default)\n"
         "      --unspoken           only the members not yet spoken to\n"
         "      --ecomap             the network of one --case as a DOT graph\n"
         "      --case ID            only this case (repeatable)\n"
         "      --as-of DATE         count only records dated on or before DATE\n"
         "      --format FORMAT      text (default), ndjson or csv\n", stdout);
  ehl_print_help_tail ();
}

/* ---- options ---- */

enum action { ACT_NONE, ACT_ADD, ACT_SPOKEN, ACT_WITHDRAW, ACT_MEETING };

struct options
{
  /* what to record (the envelope is the maker's) */
  enum action action;
  const char *action_opt;       /* its option name */
  const char *name, *kind, *relationship, *category, *not_required, *notes,
    *check_against;
  const char **attendees;
  size_t n_attendees;
  bool plan_shared;
  /* reading */
  struct ehl_case_list cases;
  bool list, unspoken, ecomap;
  enum ehl_format format;
  ehl_day as_of;
  const char *record_opt, *read_opt;    /* first option of each mode seen */
  const char *member_opt, *meeting_opt; /* first --add/--meeting detail */
};

static void
note_first (const char **first, const char *name)
{
  if (!*first)
    *first = name;
}

static const char *
option_name (int c)
{
  const char *name = ehl_option_name (long_options, c);
  return strcmp (name, "?") ? name : ehl_option_name (ehl_maker_options, c);
}

/* An action option: only one per run.  */
static bool
take_action (struct options *o, int c, const char *arg)
{
  static const enum action actions[] = {
    [OPT_ADD - OPT_ADD] = ACT_ADD, [OPT_SPOKEN - OPT_ADD] = ACT_SPOKEN,
    [OPT_WITHDRAW - OPT_ADD] = ACT_WITHDRAW,
    [OPT_MEETING - OPT_ADD] = ACT_MEETING
  };
  if (o->action != ACT_NONE)
    {
      ehl_usage_fail ("--%s cannot be used with --%s", option_name (c),
                      o->action_opt);
      return false;
    }
  o->action = actions[c - OPT_ADD];
  o->action_opt = option_name (c);
  if (o->action == ACT_MEETING)
    o->kind = arg;
  else
    o->name = arg;
  return true;
}

static bool
add_attendee (struct options *o, const char *name)
{
  const char **grown = realloc (o->attendees,
                                (o->n_attendees + 1) * sizeof *grown);
  if (!grown)
    {
      ehl_warn ("memory exhausted");
      return false;
    }
  o->attendees = grown;
  o->attendees[o->n_attendees++] = name;
  return true;
}

static bool
take_read_option (struct options *o, int c, const char *arg)
{
  switch (c)
    {
    case OPT_LIST:
      o->list = true;
      break;
    case OPT_UNSPOKEN:
      o->unspoken = true;
      break;
    case OPT_ECOMAP:
      o->ecomap = true;
      break;
    case OPT_FORMAT:
      if (!ehl_list_format_option (arg, &o->format))
        return false;
      break;
    case OPT_AS_OF:
      if (!ehl_as_of_option (arg, &o->as_of))
        return false;
      break;
    }
  note_first (&o->read_opt, option_name (c));
  return true;
}

/* Handle one option; returns false after a message.  */
static bool
take_option (struct options *o, int c, const char *arg)
{
  const char **slot = NULL;
  switch (c)
    {
    case OPT_CASE:
      return ehl_case_option (&o->cases, arg);   /* both modes */
    case OPT_LIST: case OPT_UNSPOKEN: case OPT_ECOMAP: case OPT_FORMAT:
    case OPT_AS_OF:
      return take_read_option (o, c, arg);
    case OPT_ADD: case OPT_SPOKEN: case OPT_WITHDRAW: case OPT_MEETING:
      if (!take_action (o, c, arg))
        return false;
      break;
    case OPT_RELATIONSHIP: slot = &o->relationship; break;
    case OPT_CATEGORY: slot = &o->category; break;
    case OPT_NOT_REQUIRED: slot = &o->not_required; break;
    case OPT_NOTES: slot = &o->notes; break;
    case OPT_CHECK_AGAINST: slot = &o->check_against; break;
    case OPT_ATTENDEE:
      if (!add_attendee (o, arg))
        return false;
      break;
    case OPT_PLAN_SHARED:
      o->plan_shared = true;
      break;
    default:
      usage (EHL_EXIT_TROUBLE);
      return false;
    }
  if (slot && *slot)
    {
      ehl_usage_fail ("--%s: given more than once", option_name (c));
      return false;
    }
  if (slot)
    *slot = arg;
  note_first (&o->record_opt, option_name (c));
  if (c == OPT_RELATIONSHIP || c == OPT_CATEGORY)
    note_first (&o->member_opt, option_name (c));
  if (c == OPT_ATTENDEE || c == OPT_PLAN_SHARED || c == OPT_NOT_REQUIRED
      || c == OPT_NOTES)
    note_first (&o->meeting_opt, option_name (c));
  return true;
}

/* ---- recording network records (lib/make.h does the envelope, the
   id, the checks naming the options, and the writing) ---- */

/* FIELD of REC from the value of OPTION (a literal: the maker borrows
   it), if given; problems name the option.  */
static void
put_text (ehl_maker *mk, json_t *rec, const char *field, const char *value,
          const char *option)
{
  struct ehl_source src = { NULL, 0, option };
  ehl_maker_source (mk, rec, field, &src);
  if (value)
    ehl_maker_set_text (mk, rec, field, rec, field, value, &src);
}

static void
put_value (ehl_maker *mk, json_t *rec, const char *field, json_t *value)
{
  if (json_object_set_new (rec, field, value) != 0)
    ehl_maker_out_of_memory (mk);
}

/* The action's option as a literal.  */
static const char *
action_option (enum action a)
{
  static const char *const names[] = {
    [ACT_ADD] = "--add", [ACT_SPOKEN] = "--spoken",
    [ACT_WITHDRAW] = "--withdraw", [ACT_MEETING] = "--meeting"
  };
  return names[a];
}

/* A network record: the member's name and, by action, relationship and
   category, spoken_to (the record's date), or status.  */
static void
put_member_fields (ehl_maker *mk, json_t *rec, const struct options *o)
{
  put_text (mk, rec, "name", o->name, action_option (o->action));
  put_text (mk, rec, "relationship", o->relationship, "--relationship");
  put_text (mk, rec, "category", o->category, "--category");
  if (o->action == ACT_ADD || o->action == ACT_WITHDRAW)
    put_value (mk, rec, "status", json_string (o->action == ACT_ADD
                                               ? "active" : "withdrawn"));
}

/* After the envelope: the day spoken to is the record's date.  */
static void
put_spoken_to (ehl_maker *mk, json_t *rec)
{
  static const struct ehl_source date = { NULL, 0, "--date" };
  json_t *day = json_object_get (rec, "date");
  ehl_maker_source (mk, rec, "spoken_to", &date);
  if (day)
    put_value (mk, rec, "spoken_to", json_incref (day));
}

static void
put_meeting_fields (ehl_maker *mk, json_t *rec, const struct options *o)
{
  static const struct ehl_source attendee = { NULL, 0, "--attendee" };
  put_text (mk, rec, "kind", o->kind, "--meeting");
  ehl_maker_source (mk, rec, "attendees", &attendee);
  if (o->n_attendees > 0)
    {
      json_t *who = json_array ();
      for (size_t i = 0; who && i < o->n_attendees; i++)
        ehl_maker_set_text (mk, rec, "attendees", who, NULL, o->attendees[i],
                            &attendee);
      put_value (mk, rec, "attendees", who);
    }
  if (o->plan_shared)
    put_value (mk, rec, "plan_shared", json_true ());
  put_text (mk, rec, "not_required", o->not_required, "--not-required");
  put_text (mk, rec, "notes", o->notes, "--notes");
}

/* ---- reading: what is kept of each record ----

   For the list, a meeting keeps its details in a small object; for the
   ecomap, an open record keeps its children and a conversation log its
   child (the record's own JSON, shared).  A network
   member is kept compactly, for there may be hundreds of thousands: the
   item's json is its name (the record's own string, shared), and its
   mask packs the rest: the day spoken to, the category, the status, and
   the relationship as an index into a table of the relationships seen
   (they repeat: "aunt", "school nurse").  Members are merged by name
   (casefile.h) field by field, the latest-dated record that has a field
   giving it.  */

/* Where each field starts in the mask.  A field is 0 when not given: the
   day too, for the bias keeps every day of the years 1-9999 above 0.  */
enum
{
  M_CATEGORY = 1,               /* bits 1-3: 1 + the category's index */
  M_STATUS = 4,                 /* bits 4-5: 1 + the status's index */
  M_DAY = 8,                    /* bits 8-31: the day spoken to + DAY_BIAS */
  M_RELATION = 32               /* bits 32-63: 1 + relationship table index */
};
#define DAY_BIAS (INT32_C (1) << 23)    /* the years 1-9999 fit in 24 bits */

struct keep
{
  bool meetings;                /* keep meetings (for the list) */
  bool whole_meetings;          /* all of them (--format ndjson) */
  bool children;                /* keep open and conversation children */
  struct ehl_intern relations;  /* the relationships seen */
  struct ehl_json_pool names;   /* members' names, one copy of each */
  const char *const *categories, *const *statuses;      /* the contract's */
};

static uint64_t
bits (uint64_t mask, int shift, int width)
{
  return mask >> shift & ((UINT64_C (1) << width) - 1);
}

/* 1 + the index of S in VALUES, or 0.  */
static uint64_t
value_number (const char *const *values, const char *s)
{
  return (uint64_t) (ehl_enum_index (values, s) + 1);
}

/* The mask of network record REC; false if memory ran out.  */
static bool
pack_member (struct keep *k, json_t *rec, uint64_t *mask)
{
  ehl_day day;
  const char *rel = ehl_get_str (rec, "relationship");
  uint64_t relation = rel ? ehl_intern (&k->relations, rel) : 0;
  *mask = value_number (k->categories, ehl_get_str (rec, "category"))
          << M_CATEGORY
          | value_number (k->statuses, ehl_get_str (rec, "status")) << M_STATUS
          | relation << M_RELATION;
  if (ehl_date_parse_iso (ehl_get_str (rec, "spoken_to"), &day))
    *mask |= (uint64_t) (day + DAY_BIAS) << M_DAY;
  return !rel || relation;
}

static const char *
member_name (const struct ehl_item *item, void *ctx)
{
  (void) ctx;
  return json_string_value (item->json);
}

/* Each field LATER has replaces MERGED's.  */
static bool
fold_member (struct ehl_case *k, struct ehl_item *merged,
             struct ehl_item *later, void *ctx)
{
  static const struct { int shift, width; } fields[] = {
    { M_CATEGORY, 3 }, { M_STATUS, 2 }, { M_DAY, 24 }, { M_RELATION, 32 }
  };
  uint64_t m = merged->mask, l = later->mask;
  (void) k;
  (void) ctx;
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (bits (l, fields[i].shift, fields[i].width))
      {
        uint64_t field = ((UINT64_C (1) << fields[i].width) - 1)
                         << fields[i].shift;
        m = (m & ~field) | (l & field);
      }
  merged->mask = m;
  return true;
}

/* A merged member as shown.  */
struct member
{
  const char *name, *relationship, *category, *status;
  bool spoken, withdrawn;
  char spoken_to[11];           /* "" when not spoken to */
};

static void
view_member (const struct keep *k, const struct ehl_item *it,
             struct member *m)
{
  uint64_t mask = it->mask;
  uint64_t rel = bits (mask, M_RELATION, 32);
  uint64_t cat = bits (mask, M_CATEGORY, 3);
  uint64_t status = bits (mask, M_STATUS, 2);
  m->name = json_string_value (it->json);
  m->relationship = ehl_intern_text (&k->relations, rel);
  m->category = cat ? k->categories[cat - 1] : NULL;
  m->status = status ? k->statuses[status - 1] : "active";
  m->withdrawn = strcmp (m->status, "withdrawn") == 0;
  m->spoken = bits (mask, M_DAY, 24) != 0;
  m->spoken_to[0] = '\0';
  if (m->spoken)
    ehl_date_format ((ehl_day) bits (mask, M_DAY, 24) - DAY_BIAS,
                     m->spoken_to);
}

static const char *const meeting_fields[] = {
  "kind", "attendees", "plan_shared", "not_required", "notes", NULL
};

/* The meeting fields of FROM (a meeting record) into INTO, in the
   contract's order; false if memory ran out.  */
static bool
keep_meeting_fields (json_t *into, json_t *from)
{
  for (const char *const *f = meeting_fields; *f; f++)
    if (!ehl_json_keep_member (into, from, *f))
      return false;
  return true;
}

static bool
wants_record (json_t *rec, enum ehl_type type, void *ctx)
{
  const struct keep *k = ctx;
  (void) rec;
  return type == EHL_T_NETWORK || (type == EHL_T_MEETING && k->meetings)
         || ((type == EHL_T_OPEN || type == EHL_T_CONVERSATION)
             && k->children);
}

/* Keep member KEY of record R as ITEM's json (ehl_json_keep: the
   record itself is about to go); false if memory ran out.  */
static bool
keep_field (struct ehl_item *item, json_t *r, const char *key)
{
  json_t *v = json_object_get (r, key);
  item->json = ehl_json_keep (v);
  return item->json || !v;
}

/* A member's name as ITEM's json, shared: each of their records has
   it.  False if memory ran out.  */
static bool
keep_name (struct ehl_item *item, struct keep *k, json_t *r)
{
  json_t *v = json_object_get (r, "name");
  item->json = v ? ehl_json_pool_string (&k->names, v) : NULL;
  return item->json || !v;
}

static bool
fill_item (struct ehl_item *item, const struct ehl_record *rec, void *ctx)
{
  json_t *r = rec->json;
  switch (rec->type)
    {
    case EHL_T_NETWORK:
      return keep_name (item, ctx, r) && pack_member (ctx, r, &item->mask);
    case EHL_T_OPEN:
      return keep_field (item, r, "children");
    case EHL_T_CONVERSATION:
      return keep_field (item, r, "child");
    default:
      break;
    }
  /* A meeting whole when the list writes it again as it was (--format
     ndjson: its id must still match its content); else only what the
     list shows, which is half the memory or less.  */
  const struct keep *k = ctx;
  if (k->whole_meetings)
    return (item->json = ehl_json_keep (r)) != NULL;
  return (item->json = json_object ()) && keep_meeting_fields (item->json, r);
}

static void
keep_init (struct keep *k, bool meetings, bool children)
{
  memset (k, 0, sizeof *k);
  k->meetings = meetings;
  k->children = children;
  k->categories = ehl_field_lookup (EHL_T_NETWORK, "category")->values;
  k->statuses = ehl_field_lookup (EHL_T_NETWORK, "status")->values;
}

/* After the cases that hold what K keeps are freed.  */
static void
keep_free (struct keep *k)
{
  ehl_intern_free (&k->relations);
  ehl_json_pool_free (&k->names);
}

/* Read FILES into a resolved view as K says; NULL after a message if
   memory ran out.  */
static ehl_cases *
read_view (char *const *files, int nfiles, struct keep *k, ehl_day as_of,
           const struct ehl_case_list *only, bool *input_bad)
{
  const struct ehl_member_ops members = { member_name, fold_member, k };
  struct ehl_caseread how = {
    .as_of = as_of, .only = only, .wants = wants_record, .fill = fill_item,
    .ctx = k, .members = &members
  };
  return ehl_caseread (files, nfiles, &how, input_bad);
}

/* ---- checking a name against the case file ---- */

/* Was a member called NAME ever added in FILE, in the case of ONLY (the
   one --case)?  Returns false (after a message) if FILE could not be
   read cleanly.  */
static bool
check_member (const char *file, const struct ehl_case_list *only,
              const char *name, bool *known)
{
  struct keep keep;
  char *files[] = { (char *) file };
  bool input_bad = false;
  keep_init (&keep, false, false);
  *known = false;
  ehl_cases *cases = read_view (files, 1, &keep, EHL_NO_DAY, only,
                                &input_bad);
  for (size_t i = 0; cases && i < ehl_cases_count (cases); i++)
    {
      const struct ehl_case *k = ehl_cases_at (cases, i);
      for (size_t j = 0; j < k->n_items; j++)
        if (k->items[j].type == EHL_T_NETWORK
            && strcmp (json_string_value (k->items[j].json), name) == 0)
          *known = true;
    }
  bool ok = cases && !input_bad;
  ehl_cases_free (cases);
  keep_free (&keep);
  return ok;
}

static int
record_network (const struct options *o, ehl_maker *mk)
{
  int status = ehl_maker_case_option (mk, &o->cases);
  if (status != EHL_EXIT_OK)
    return status;
  if (o->check_against && o->action != ACT_SPOKEN
      && o->action != ACT_WITHDRAW)
    return ehl_usage_fail ("--check-against needs --spoken or --withdraw");

  bool member = o->action != ACT_MEETING;
  json_t *rec = ehl_maker_begin (mk, member ? EHL_T_NETWORK : EHL_T_MEETING);
  if (!rec)
    return EHL_EXIT_TROUBLE;    /* reported */
  if (member)
    put_member_fields (mk, rec, o);
  else
    put_meeting_fields (mk, rec, o);
  ehl_maker_envelope (mk, rec, ehl_maker_env (mk));
  if (o->action == ACT_SPOKEN)
    put_spoken_to (mk, rec);

  bool known = true;
  if (o->check_against && ehl_maker_problems (mk) == 0 && o->cases.n == 1
      && !check_member (o->check_against, &o->cases, o->name, &known))
    return EHL_EXIT_TROUBLE;    /* nothing written */
  if (!ehl_maker_finish (mk))
    return EHL_EXIT_TROUBLE;
  /* The name is not repeated: it is personal data.  */
  if (!known)
    ehl_warn_at (o->check_against, 0, "%s: --%s: no network member of that"
                 " name was added in this case; recorded all the same",
                 o->cases.ids[0], o->action_opt);
  return EHL_EXIT_OK;
}

/* ---- reading: the members and meetings of a case ---- */

static const char *
text_or (json_t *obj, const char *field, const char *otherwise)
{
  const char *s = ehl_get_str (obj, field);
  return s && *s ? s : otherwise;
}

/* Is IT a member not yet spoken to (and not withdrawn)?  */
static bool
is_unspoken (const struct keep *k, const struct ehl_item *it)
{
  struct member m;
  if (it->type != EHL_T_NETWORK)
    return false;
  view_member (k, it, &m);
  return !m.withdrawn && !m.spoken;
}

/* The attendees of a meeting joined with SEP, in a malloc'd string.  */
static char *
join_attendees (json_t *meeting, const char *sep)
{
  json_t *all = json_object_get (meeting, "attendees"), *who;
  size_t size = 1, i;
  json_array_foreach (all, i, who)
    size += strlen (sep) + json_string_length (who);
  char *out = malloc (size), *p = out;
  if (!out)
    return NULL;
  *p = '\0';
  json_array_foreach (all, i, who)
    p = stpcpy (i ? stpcpy (p, sep) : p, json_string_value (who));
  return out;
}

struct lister
{
  const struct options *o;
  const struct keep *keep;
  ehl_day today;                /* for "days waiting" */
  ehl_table *unspoken;          /* text --unspoken: one table for all */
  size_t shown;                 /* cases (text) or rows written */
};

/* ---- text ---- */

/* A member's row: with CASE_ID, for the --unspoken table.  */
static bool
add_member_row (const struct lister *l, ehl_table *t, const char *case_id,
                const struct ehl_item *it)
{
  char identified[11], days[16];
  struct member m;
  view_member (l->keep, it, &m);
  ehl_date_format (it->day, identified);
  snprintf (days, sizeof days, "%d", l->today - it->day);
  const char *rel = m.relationship && *m.relationship ? m.relationship : "-";
  const char *cat = m.category ? m.category : "-";
  if (case_id)
    {
      const char *row[] = { case_id, m.name, rel, cat, identified, days };
      return ehl_table_add (t, row);
    }
  const char *row[] = { m.name, rel, cat, identified,
                        m.spoken ? m.spoken_to : "not yet", m.status };
  return ehl_table_add (t, row);
}

static bool
add_meeting_row (ehl_table *t, const struct ehl_item *it)
{
  char date[11];
  ehl_date_format (it->day, date);
  json_t *m = it->json;
  char *who = join_attendees (m, ", ");
  if (!who)
    return false;
  const char *plan = json_is_true (json_object_get (m, "plan_shared"))
                     ? "shared" : "-";
  const char *why = ehl_get_str (m, "not_required");
  char *note = NULL;
  if (why && asprintf (&note, "%s%snetwork meeting not required: %s", who,
                       *who ? "; " : "", why) < 0)
    note = NULL;
  const char *row[] = { date, ehl_get_str (m, "kind"), plan,
                        note ? note : *who ? who : "-" };
  bool ok = (!why || note) && ehl_table_add (t, row);
  free (note);
  free (who);
  return ok;
}

/* Print TABLE indented under a case, or NOTHING if it has no ROWS
   beyond its header.  */
static bool
print_section (ehl_table *t, size_t rows, const char *nothing)
{
  if (rows > 0)
    return ehl_table_print_indented (t, stdout, "  ");
  printf ("  %s\n", nothing);
  return true;
}

static bool
list_case_text (struct lister *l, const struct ehl_case *k)
{
  static const char *const member_head[] = {
    "name", "relationship", "category", "identified", "spoken to", "status"
  };
  static const char *const meeting_head[] = {
    "date", "meeting", "plan", "attendees"
  };
  ehl_table *members = ehl_table_new (6), *meetings = ehl_table_new (4);
  bool ok = members && meetings && ehl_table_add (members, member_head)
            && ehl_table_add (meetings, meeting_head);
  size_t n_members = 0, n_meetings = 0;
  for (size_t i = 0; ok && i < k->n_items; i++)
    {
      const struct ehl_item *it = &k->items[i];
      if (it->type == EHL_T_NETWORK)
        {
          ok = add_member_row (l, members, NULL, it);
          n_members++;
        }
      else if (it->type == EHL_T_MEETING)
        {
          ok = add_meeting_row (meetings, it);
          n_meetings++;
        }
    }
  /* Unless asked for, a case with nothing recorded is left out.  */
  if (ok && (n_members || n_meetings || l->o->cases.n > 0))
    {
      printf ("%s%s\n", l->shown++ ? "\n" : "", k->id);
      ok = print_section (members, n_members, "no network members recorded")
           && print_section (meetings, n_meetings, "no meetings recorded");
    }
  ehl_table_free (members);
  ehl_table_free (meetings);
  return ok;
}

static bool
list_unspoken_text (struct lister *l, const struct ehl_case *k)
{
  bool ok = true;
  for (size_t i = 0; ok && i < k->n_items; i++)
    {
      const struct ehl_item *it = &k->items[i];
      if (is_unspoken (l->keep, it))
        {
          ok = add_member_row (l, l->unspoken, k->id, it);
          l->shown++;
        }
    }
  return ok;
}

/* ---- NDJSON: members as merged network records, meetings as kept ---- */

/* Set KEY of O to V (a new reference, NULL if memory ran out); false if
   it could not be done.  */
static bool
put (json_t *o, const char *key, json_t *v)
{
  return json_object_set_new (o, key, v) == 0;
}

/* The merged member IT's fields into O, in the contract's order.  */
static bool
member_fields (json_t *o, const struct keep *k, const struct ehl_item *it)
{
  struct member m;
  view_member (k, it, &m);
  return put (o, "name", json_string (m.name))
         && (!m.relationship
             || put (o, "relationship", json_string (m.relationship)))
         && (!m.category || put (o, "category", json_string (m.category)))
         && (!m.spoken || put (o, "spoken_to", json_string (m.spoken_to)))
         && put (o, "status", json_string (m.status));
}

static bool
write_item_ndjson (const struct lister *l, const struct ehl_case *k,
                   const struct ehl_item *it)
{
  if (it->type == EHL_T_MEETING)
    return ehl_write_record (stdout, it->json) || ehl_stdout_failed ();
  char date[11];
  ehl_date_format (it->day, date);
  json_t *o = json_object ();
  bool ok = o && put (o, "type", json_string ("network"))
            && put (o, "case", json_string (k->id))
            && put (o, "date", json_string (date))
            && member_fields (o, l->keep, it)
            && (ehl_write_record (stdout, o) || ehl_stdout_failed ());
  json_decref (o);
  return ok;
}

/* ---- CSV ---- */

static const char *const csv_header[] = {
  "case", "record", "date", "name", "relationship", "category", "spoken_to",
  "status", "meeting", "plan_shared", "attendees", "not_required", "notes"
};
enum { CSV_COLS = sizeof csv_header / sizeof *csv_header };

static bool
write_item_csv (const struct lister *l, const struct ehl_case *k,
                const struct ehl_item *it)
{
  char date[11];
  ehl_date_format (it->day, date);
  json_t *j = it->json;
  bool member = it->type == EHL_T_NETWORK;
  struct member m = { .name = "", .status = "" };
  if (member)
    view_member (l->keep, it, &m);
  char *who = member ? strdup ("") : join_attendees (j, "; ");
  if (!who)
    return false;
  json_t *shared = json_object_get (j, "plan_shared");
  const char *row[CSV_COLS] = {
    k->id, member ? "member" : "meeting", date, m.name,
    m.relationship ? m.relationship : "", m.category ? m.category : "",
    m.spoken_to, m.status, member ? "" : text_or (j, "kind", ""),
    shared ? (json_is_true (shared) ? "true" : "false") : "",
    who, member ? "" : text_or (j, "not_required", ""),
    member ? "" : text_or (j, "notes", "")
  };
  bool ok = ehl_csv_row (stdout, row, CSV_COLS, NULL);
  free (who);
  return ok;
}

/* Every member and meeting of case K (only the unspoken members with
   --unspoken), as NDJSON or CSV.  */
static bool
list_case_records (struct lister *l, const struct ehl_case *k)
{
  bool ok = true;
  for (size_t i = 0; ok && i < k->n_items; i++)
    {
      const struct ehl_item *it = &k->items[i];
      bool wanted = l->o->unspoken ? is_unspoken (l->keep, it)
                    : it->type == EHL_T_NETWORK || it->type == EHL_T_MEETING;
      if (!wanted)
        continue;
      if (l->o->format == EHL_FMT_CSV && l->shown == 0)
        ok = ehl_csv_row (stdout, csv_header, CSV_COLS, NULL);
      l->shown++;
      if (ok)
        ok = l->o->format == EHL_FMT_CSV ? write_item_csv (l, k, it)
             : write_item_ndjson (l, k, it);
    }
  return ok;
}

static bool
list_cases (const struct options *o, const struct keep *keep,
            const ehl_cases *cases, ehl_day today)
{
  static const char *const unspoken_head[] = {
    "case", "name", "relationship", "category", "identified", "days"
  };
  struct lister l = {
    .o = o, .keep = keep, .today = today
  };
  bool text = o->format == EHL_FMT_TEXT;
  bool ok = !(text && o->unspoken)
            || ((l.unspoken = ehl_table_new (6))
                && ehl_table_add (l.unspoken, unspoken_head));
  for (size_t i = 0; ok && !ehl_stdout_failed ()
       && i < ehl_cases_count (cases); i++)
    {
      const struct ehl_case *k = ehl_cases_at (cases, i);
      ok = !text ? list_case_records (&l, k)
           : o->unspoken ? list_unspoken_text (&l, k) : list_case_text (&l, k);
    }
  if (ok && l.unspoken && l.shown > 0)
    ok = ehl_table_print (l.unspoken, stdout);
  ehl_table_free (l.unspoken);
  /* A failed standard output is reported by ehl_finish.  */
  return ok || ehl_stdout_failed ();
}

/* ---- the ecomap ---- */

/* Fill colours by category, and for a member without one.  */
static const char *
category_colour (const char *category)
{
  static const char *const colours[][2] = {
    { "family", "#fdd8a8" }, { "friend", "#c7e9c0" },
    { "community", "#c6dbef" }, { "professional", "#dadaeb" }
  };
  for (size_t i = 0; category && i < sizeof colours / sizeof *colours; i++)
    if (strcmp (category, colours[i][0]) == 0)
      return colours[i][1];
  return "#ffffff";
}

static void
dot_string (const char *s)
{
  putchar ('"');
  ehl_dot_escape (stdout, s);
  putchar ('"');
}

/* The key a child is known by: its ref, else its name.  */
static const char *
child_key (json_t *c)
{
  const char *ref = ehl_get_str (c, "ref");
  return ref ? ref : ehl_get_str (c, "name");
}

/* The Ith child an item names (an open record's children[I]; a
   conversation's child when I is 0), or NULL.  */
static json_t *
item_child (const struct ehl_item *it, size_t i)
{
  if (it->type == EHL_T_OPEN)
    return json_array_get (it->json, i);
  return i == 0 ? it->json : NULL;
}

/* The children of K's records of TYPE into OUT, each once; returns how
   many.  OUT NULL: only count them (with repeats).  */
static size_t
collect_children (const struct ehl_case *k, enum ehl_type type, json_t **out)
{
  size_t n = 0;
  json_t *c;
  for (size_t j = 0; j < k->n_items; j++)
    for (size_t i = 0; k->items[j].type == type
         && (c = item_child (&k->items[j], i)); i++)
      {
        const char *key = child_key (c);
        bool seen = !key;
        for (size_t m = 0; out && !seen && m < n; m++)
          seen = strcmp (child_key (out[m]), key) == 0;
        if (!seen && out)
          out[n] = c;
        n += !seen;
      }
  return n;
}

/* The children in the middle: those of the case's open records, else
   those its conversation logs were about, else the case itself.  */
static bool
draw_children (const struct ehl_case *k)
{
  enum ehl_type type = collect_children (k, EHL_T_OPEN, NULL) > 0
                       ? EHL_T_OPEN : EHL_T_CONVERSATION;
  json_t **children = malloc ((collect_children (k, type, NULL) + 1)
                              * sizeof *children);
  if (!children)
    return false;
  size_t n = collect_children (k, type, children);
  fputs ("  child [shape=doublecircle, fillcolor=\"#ffffff\", label=\"",
         stdout);
  if (n == 0)
    ehl_dot_escape (stdout, k->id);
  for (size_t i = 0; i < n; i++)
    {
      const char *name = ehl_get_str (children[i], "name");
      if (i)
        fputs ("\\n", stdout);
      ehl_dot_escape (stdout, name ? name : ehl_get_str (children[i], "ref"));
    }
  fputs ("\"];\n", stdout);
  free (children);
  return true;
}

/* One member: filled by category; a dashed outline and line while not
   yet spoken to; faded grey and dotted once withdrawn.  */
static void
draw_member (size_t n, const struct keep *k, const struct ehl_item *it)
{
  struct member m;
  view_member (k, it, &m);
  const char *style = m.withdrawn ? "dotted" : m.spoken ? "solid" : "dashed";
  printf ("  m%zu [label=", n);
  dot_string (m.name);
  if (m.withdrawn)
    printf (", fillcolor=\"#f0f0f0\", color=\"#b0b0b0\","
            " fontcolor=\"#909090\", style=\"filled,rounded,dotted\"];\n");
  else
    printf (", fillcolor=\"%s\", style=\"filled,rounded,%s\"];\n",
            category_colour (m.category), style);
  printf ("  child -- m%zu [style=%s%s", n, style,
          m.withdrawn ? ", color=\"#b0b0b0\", fontcolor=\"#909090\"" : "");
  if (m.relationship && *m.relationship)
    {
      fputs (", label=", stdout);
      dot_string (m.relationship);
    }
  fputs ("];\n", stdout);
}

static bool
draw_ecomap (const struct keep *keep, const struct ehl_case *k)
{
  printf ("// Ecomap of case %s, drawn by ehlog-network: render with\n"
          "// dot -Tsvg.  Fill colour: the member's category.  Solid: spoken"
          " to;\n// dashed: not yet spoken to; grey and dotted: withdrawn.\n",
          k->id);
  fputs ("graph \"ecomap\" {\n"
         "  graph [layout=twopi, root=child, overlap=false, ranksep=1.8,"
         " fontname=\"Helvetica\", fontsize=11, label=\"Ecomap of ", stdout);
  ehl_dot_escape (stdout, k->id);
  fputs ("\\nfill: family orange, friend green, community blue,"
         " professional purple\\nline: solid spoken to, dashed not yet"
         " spoken to, grey dotted withdrawn\"];\n"
         "  node [shape=box, style=\"filled,rounded\", fontname=\"Helvetica\"];\n"
         "  edge [fontname=\"Helvetica\", fontsize=10];\n", stdout);
  if (!draw_children (k))
    return false;
  size_t n = 0;
  for (size_t i = 0; i < k->n_items; i++)
    if (k->items[i].type == EHL_T_NETWORK)
      draw_member (++n, keep, &k->items[i]);
  fputs ("}\n", stdout);
  return true;
}

static int
read_network (const struct options *o, char *const *files, int nfiles)
{
  if (o->ecomap && o->cases.n != 1)
    return ehl_usage_fail ("--ecomap needs exactly one --case");
  if (o->ecomap && (o->list || o->unspoken || o->format != EHL_FMT_TEXT))
    return ehl_usage_fail ("--ecomap cannot be used with --%s",
                           o->list ? "list" : o->unspoken ? "unspoken"
                           : "format");
  /* Days waiting count to --as-of, or to today.  */
  ehl_day today = o->as_of;
  if (o->unspoken && !ehl_as_of_or_today (o->as_of, &today))
    return EHL_EXIT_TROUBLE;
  struct keep keep;
  keep_init (&keep, !o->ecomap && !o->unspoken, o->ecomap);
  keep.whole_meetings = keep.meetings && o->format == EHL_FMT_NDJSON;
  /* A case asked for is listed even with nothing recorded
     (caseread.h).  */
  bool input_bad = false;
  ehl_cases *cases = read_view (files, nfiles, &keep, o->as_of, &o->cases,
                                &input_bad);
  if (!cases)
    {
      keep_free (&keep);
      return EHL_EXIT_TROUBLE;
    }
  bool missing = ehl_case_list_report_missing (&o->cases, cases) > 0;
  int status = input_bad || missing ? EHL_EXIT_TROUBLE : EHL_EXIT_OK;
  if (o->ecomap ? !missing && !draw_ecomap (&keep, ehl_cases_at (cases, 0))
      : !list_cases (o, &keep, cases, today))
    {
      ehl_warn ("memory exhausted");
      status = EHL_EXIT_TROUBLE;
    }
  ehl_cases_free (cases);
  keep_free (&keep);
  return status;
}

static void
free_options (struct options *o)
{
  ehl_case_list_free (&o->cases);
  free (o->attendees);
}

/* Parse the options into O and MK; false after a usage message.  *DONE:
   --help or --version was answered.  */
static bool
parse_options (int argc, char **argv, const struct option *longopts,
               struct options *o, ehl_maker *mk, bool *done)
{
  int c;
  while ((c = getopt_long (argc, argv, "a:", longopts, NULL)) != -1)
    if (ehl_help_or_version (c, usage))
      {
        *done = true;
        return true;
      }
    else if (ehl_maker_option (mk, c, optarg))
      note_first (&o->record_opt, option_name (c));
    else if (!take_option (o, c, optarg))
      return false;
  return true;
}

/* What the options ask for, once they all parsed.  */
static int
run (struct options *o, ehl_maker *mk, char *const *files, int nfiles)
{
  if (o->record_opt && o->read_opt)
    return ehl_usage_fail ("--%s cannot be used with --%s", o->record_opt,
                           o->read_opt);
  if (o->member_opt && o->action != ACT_ADD)
    return ehl_usage_fail ("--%s needs --add", o->member_opt);
  if (o->meeting_opt && o->action != ACT_MEETING)
    return ehl_usage_fail ("--%s needs --meeting", o->meeting_opt);
  if (o->record_opt && o->action == ACT_NONE)
    return ehl_usage_fail ("--%s needs --add, --spoken, --withdraw or"
                           " --meeting", o->record_opt);
  if (o->action == ACT_NONE)
    return read_network (o, files, nfiles);
  if (nfiles > 0)
    return ehl_usage_fail ("files are read only when listing or drawing"
                           " (--list, --ecomap)");
  return record_network (o, mk);
}

int
main (int argc, char **argv)
{
  struct options o = { .format = EHL_FMT_TEXT, .as_of = EHL_NO_DAY };
  ehl_cli_init (argc, argv);
  ehl_maker *mk = ehl_maker_new ();
  const struct option *tables[] = { long_options, ehl_maker_options };
  struct option *longopts = ehl_options_join (tables, 2);
  int status = EHL_EXIT_TROUBLE;
  bool done = false;
  if (!mk || !longopts)
    ehl_warn ("memory exhausted");
  else if (!parse_options (argc, argv, longopts, &o, mk, &done))
    ;                           /* a usage message was given */
  else if (done)
    status = EHL_EXIT_OK;
  else
    status = run (&o, mk, argv + optind, argc - optind);
  free (longopts);
  ehl_maker_free (mk);
  free_options (&o);
  return ehl_finish (status);
}
