/* corrections.c - the first look for supersedes and void.  */
#include <config.h>

#include "corrections.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "casefile.h"
#include "cli.h"
#include "grow.h"
#include "id.h"
#include "operand.h"
#include "parallel.h"
#include "record.h"
#include "strmap.h"

/* A named (case, id): open addressing on the id, which is already a
   hash of its record.  */
struct named
{
  uint64_t id;
  size_t hash;                  /* of the case identifier */
  char *case_id;                /* NULL: a free slot */
};

/* A bit per slice of the id space, set for the ids named: most records
   are not named, and this says so from a table small enough to stay in
   the cache, where a probe of the slots would miss it.  */
enum { FILTER_BITS = 1 << 19 };

/* The same for the cases that have a record named: only their records'
   ids are worked out for ehl_corrections_met.  */
enum { CASE_FILTER_BITS = 1 << 16 };

/* What the real pass met of a named record (one for each slot, made
   when the look is over): the record itself, and the first correction
   naming it that counts, as place_code gives it plus one (0: none).  */
struct mark
{
  atomic_bool found;
  _Atomic uint64_t where;
};

struct ehl_corrections
{
  struct named *slots;
  size_t n_slots;               /* a power of two, at least twice N */
  size_t n;
  struct mark *marks;           /* N_SLOTS of them */
  uint64_t filter[FILTER_BITS / 64];
  uint64_t case_filter[CASE_FILTER_BITS / 64];
};

static size_t
filter_bit (uint64_t id)
{
  return (size_t) (id >> 40) % FILTER_BITS;
}

static void
set_bit (uint64_t *bits, size_t b)
{
  bits[b / 64] |= UINT64_C (1) << (b % 64);
}

static bool
bit_set (const uint64_t *bits, size_t b)
{
  return bits[b / 64] >> (b % 64) & 1;
}

static struct named *
find_named (struct named *slots, size_t n_slots, const char *case_id,
            size_t hash, uint64_t id)
{
  size_t i = (size_t) (id ^ hash) & (n_slots - 1);
  while (slots[i].case_id
         && !(slots[i].id == id && slots[i].hash == hash
              && strcmp (slots[i].case_id, case_id) == 0))
    i = (i + 1) & (n_slots - 1);
  return &slots[i];
}

static bool
grow_named (ehl_corrections *c)
{
  size_t n_slots = c->n_slots ? c->n_slots * 2 : 64;
  struct named *slots = calloc (n_slots, sizeof *slots);
  if (!slots)
    return false;
  for (size_t i = 0; i < c->n_slots; i++)
    if (c->slots[i].case_id)
      *find_named (slots, n_slots, c->slots[i].case_id, c->slots[i].hash,
                   c->slots[i].id) = c->slots[i];
  free (c->slots);
  c->slots = slots;
  c->n_slots = n_slots;
  return true;
}

/* Note that record ID of case CASE_ID no longer counts.  False if
   memory ran out.  */
static bool
note_id (ehl_corrections *c, const char *case_id, size_t hash, uint64_t id)
{
  if ((c->n + 1) * 2 > c->n_slots && !grow_named (c))
    return false;
  struct named *s = find_named (c->slots, c->n_slots, case_id, hash, id);
  if (s->case_id)
    return true;
  if (!(s->case_id = strdup (case_id)))
    return false;
  s->id = id;
  s->hash = hash;
  set_bit (c->filter, filter_bit (id));
  set_bit (c->case_filter, hash % CASE_FILTER_BITS);
  c->n++;
  return true;
}

ehl_corrections *
ehl_corrections_new (void)
{
  return calloc (1, sizeof (ehl_corrections));
}

bool
ehl_corrections_note (ehl_corrections *c, json_t *rec, enum ehl_type type)
{
  const char *case_id = ehl_record_case (rec);
  const char *fields[EHL_CORRECTION_FIELDS];
  size_t n = case_id ? ehl_correction_fields (type, fields) : 0;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t id;
      if (ehl_id_parse (ehl_get_str (rec, fields[i]), &id)
          && !note_id (c, case_id, ehl_hash_string (case_id), id))
        return false;
    }
  return true;
}

/* Take in the corrections of the record text TEXT (LEN bytes), as a
   reader would: a valid record of a valid case, dated up to AS_OF.  */
static bool
take_line (ehl_corrections *c, const char *text, size_t len, unsigned mode,
           ehl_day as_of)
{
  enum ehl_type type;
  bool no_memory;
  json_t *rec = ehl_record_parse (text, len, mode, &type, &no_memory);
  if (!rec)
    return !no_memory;
  ehl_day day;
  bool ok = !ehl_date_parse_iso (ehl_get_str (rec, "date"), &day)
            || day > as_of || ehl_corrections_note (c, rec, type);
  json_decref (rec);
  return ok;
}

static int
cmp_offset (const void *x, const void *y)
{
  size_t a = *(const size_t *) x, b = *(const size_t *) y;
  return a < b ? -1 : a > b;
}

/* What a line must contain to be worth decoding: one of the two keys,
   or a backslash, whose escapes could spell either of them.  */
static const char *const keys[] = { "\"supersedes\"", "\"target\"" };

/* The next place in [AT, END) with a key or a backslash, or NULL.  */
static const char *
next_clue (const char *at, const char *end, size_t k)
{
  if (k == sizeof keys / sizeof *keys)
    return memchr (at, '\\', (size_t) (end - at));
  return memmem (at, (size_t) (end - at), keys[k], strlen (keys[k]));
}

/* Take in the lines of BUF (LEN bytes, whole lines) that hold a clue.
   AT_START: BUF starts the file (which may open with a byte-order mark).
   STARTS is scratch room.  */
static bool
take_lines (ehl_corrections *c, const char *buf, size_t len, bool at_start,
            unsigned mode, ehl_day as_of, size_t **starts, size_t *cap)
{
  size_t n = 0;
  for (size_t k = 0; k <= sizeof keys / sizeof *keys; k++)
    {
      const char *at = buf, *end = buf + len;
      while ((at = next_clue (at, end, k)))
        {
          const char *line = at;
          while (line > buf && line[-1] != '\n')
            line--;
          if (!ehl_grow (starts, cap, n, sizeof **starts))
            return false;
          (*starts)[n++] = (size_t) (line - buf);
          const char *eol = memchr (at, '\n', (size_t) (end - at));
          at = eol ? eol + 1 : end;
        }
    }
  if (n)
    qsort (*starts, n, sizeof **starts, cmp_offset);
  for (size_t i = 0; i < n; i++)
    {
      if (i && (*starts)[i] == (*starts)[i - 1])
        continue;
      const char *line = buf + (*starts)[i];
      const char *eol = memchr (line, '\n', len - (*starts)[i]);
      size_t line_len = eol ? (size_t) (eol - line) : len - (*starts)[i];
      line = ehl_line_record (line, &line_len, at_start && (*starts)[i] == 0);
      if (!take_line (c, line, line_len, mode, as_of))
        return false;
    }
  return true;
}

enum { BLOCK = 4 << 20 };

/* Read FD from byte START (a line start) in blocks, taking in the whole
   lines of each that start before END.  False if memory ran out; a read
   error sets *MISSED.  */
static bool
scan_range (ehl_corrections *c, int fd, off_t start, off_t end,
            unsigned mode, ehl_day as_of, atomic_bool *missed)
{
  char *buf = NULL;
  size_t cap = 0, have = 0, *starts = NULL, starts_cap = 0;
  off_t base = start;           /* the offset of BUF[0] */
  bool ok = true, at_start = start == 0;
  while (base < end)
    {
      if (have == cap && !(ok = ehl_reserve (&buf, &cap, have + BLOCK, 1)))
        break;
      ssize_t got = pread (fd, buf + have, cap - have, base + (off_t) have);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          /* The last line may lack its newline.  */
          if (got < 0)
            atomic_store (missed, true);
          else
            ok = take_lines (c, buf, have, at_start, mode, as_of, &starts,
                             &starts_cap);
          break;
        }
      have += (size_t) got;
      /* Whole lines, but none that starts at END or after.  */
      size_t upto = have;
      if (base + (off_t) have > end)
        {
          const char *nl = memchr (buf + (end - base) - 1, '\n',
                                   have - (size_t) (end - base) + 1);
          upto = nl ? (size_t) (nl - buf) + 1 : have;
        }
      const char *last = memrchr (buf, '\n', upto);
      if (!last)
        continue;
      size_t whole = (size_t) (last - buf) + 1;
      if (!(ok = take_lines (c, buf, whole, at_start, mode, as_of, &starts,
                             &starts_cap)))
        break;
      at_start = false;
      memmove (buf, buf + whole, have - whole);
      have -= whole;
      base += (off_t) whole;
    }
  free (buf);
  free (starts);
  return ok;
}

enum { AT_END = -1, READ_FAILED = -2 };

/* The first line start at or after OFFSET in FD, AT_END if there is
   none, or READ_FAILED.  */
static off_t
line_start (int fd, off_t offset)
{
  char buf[4096];
  if (offset == 0)
    return 0;
  /* The line holding byte OFFSET - 1 ends at or after it.  */
  for (off_t at = offset - 1;;)
    {
      ssize_t got = pread (fd, buf, sizeof buf, at);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        return got < 0 ? READ_FAILED : AT_END;
      const char *nl = memchr (buf, '\n', (size_t) got);
      if (nl)
        return at + (nl - buf) + 1;
      at += got;
    }
}

/* One thread's share: part PART of every file, into SETS[PART].  */
struct look
{
  char *const *files;
  const off_t *sizes;           /* -1: standard input again (nothing) */
  int nfiles, parts;
  unsigned mode;
  ehl_day as_of;
  ehl_corrections **sets;
  atomic_bool missed;           /* a file could not be opened or read */
};

/* Look at part PART of every file, into SETS[PART].  */
static bool
look_at_part (struct look *l, int part)
{
  for (int i = 0; i < l->nfiles; i++)
    {
      off_t size = l->sizes[i];
      /* Small files are one part's.  */
      int n = size < (off_t) BLOCK ? 1 : l->parts;
      if (size < 0 || part >= n)
        continue;
      /* A file that cannot be opened or read now may be read by the
         real pass, and its corrections count: no look is better than
         one that missed them.  */
      int fd = open (ehl_operand_path (l->files[i]), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          atomic_store (&l->missed, true);
          continue;
        }
      off_t from = size / n * part;
      off_t to = part == n - 1 ? size : size / n * (part + 1);
      from = line_start (fd, from);
      if (from == READ_FAILED)
        atomic_store (&l->missed, true);
      bool ok = from < 0 || from >= to
                || scan_range (l->sets[part], fd, from, to, l->mode,
                               l->as_of, &l->missed);
      close (fd);
      if (!ok)
        return false;
    }
  return true;
}

/* The parts [BEGIN, END): one, unless ehl_parallel_ranges could not
   share them out and runs them all in one thread.  */
static bool
look_part (void *ctx, size_t begin, size_t end, int part)
{
  (void) part;
  for (size_t p = begin; p < end; p++)
    if (!look_at_part (ctx, (int) p))
      return false;
  return true;
}

/* The sizes of FILES, taken once so that the parts of a file that grows
   meanwhile still meet (-1: standard input named again); false if
   ehl_operand_size finds one that is not a regular file.  */
static bool
regular_sizes (char *const *files, int nfiles, off_t *sizes)
{
  for (int i = 0; i < nfiles; i++)
    if (ehl_operand_stdin_again (files, i))
      sizes[i] = -1;            /* nothing left to read */
    else if ((sizes[i] = ehl_operand_size (files[i])) < 0)
      return false;
  return nfiles > 0;
}

/* Move what SRC names into DST.  */
static bool
absorb (ehl_corrections *dst, const ehl_corrections *src)
{
  for (size_t i = 0; i < src->n_slots; i++)
    {
      const struct named *s = &src->slots[i];
      if (s->case_id && !note_id (dst, s->case_id, s->hash, s->id))
        return false;
    }
  return true;
}

ehl_corrections *
ehl_corrections_scan (char *const *files, int nfiles, unsigned mode,
                      ehl_day as_of, int jobs, bool *no_memory)
{
  *no_memory = false;
  if (nfiles <= 0)
    {
      files = ehl_stdin_operands;
      nfiles = 1;
    }
  off_t *sizes = malloc ((size_t) nfiles * sizeof *sizes);
  ehl_corrections **sets = calloc ((size_t) jobs, sizeof *sets);
  bool ok = sizes && sets;
  if (ok && !regular_sizes (files, nfiles, sizes))
    {
      free (sizes);
      free (sets);
      return NULL;
    }
  for (int i = 0; ok && i < jobs; i++)
    ok = (sets[i] = ehl_corrections_new ()) != NULL;
  struct look l = { files, sizes, nfiles, jobs, mode, as_of, sets, false };
  ok = ok && ehl_parallel_ranges ((size_t) jobs, jobs, look_part, &l);
  for (int i = 1; ok && i < jobs; i++)
    ok = absorb (sets[0], sets[i]);
  ok = ok && (sets[0]->n_slots == 0
               || (sets[0]->marks = calloc (sets[0]->n_slots,
                                            sizeof *sets[0]->marks)));
  ehl_corrections *c = ok && !atomic_load (&l.missed) ? sets[0] : NULL;
  for (int i = c != NULL; sets && i < jobs; i++)
    ehl_corrections_free (sets[i]);
  free (sets);
  free (sizes);
  *no_memory = !ok;
  return c;
}

/* The slot of (CASE_ID, ID) if named, else NULL.  */
static const struct named *
named_slot (const ehl_corrections *c, const char *case_id, size_t hash,
            uint64_t id)
{
  if (!bit_set (c->filter, filter_bit (id)))
    return NULL;
  const struct named *s = find_named (c->slots, c->n_slots, case_id, hash,
                                      id);
  return s->case_id ? s : NULL;
}

bool
ehl_corrections_named (const ehl_corrections *c, const char *case_id,
                       size_t hash, uint64_t id)
{
  return named_slot (c, case_id, hash, id) != NULL;
}

bool
ehl_corrections_may_name_case (const ehl_corrections *c, size_t hash)
{
  return bit_set (c->case_filter, hash % CASE_FILTER_BITS);
}

void
ehl_corrections_met (ehl_corrections *c, const char *case_id, size_t hash,
                     uint64_t id)
{
  const struct named *s = named_slot (c, case_id, hash, id);
  if (s)
    atomic_store_explicit (&c->marks[s - c->slots].found, true,
                           memory_order_relaxed);
}

/* A correction's place as one number, in the order of files, lines and
   then fields; and back, into U.  */
enum { LINE_BITS = 40 };

static uint64_t
place_code (unsigned file_no, size_t line, bool target)
{
  return (uint64_t) file_no << (LINE_BITS + 1) | (uint64_t) line << 1
         | target;
}

static void
place_decode (uint64_t code, struct ehl_unmatched *u)
{
  u->file_no = (unsigned) (code >> (LINE_BITS + 1));
  u->line = (size_t) (code >> 1 & ((UINT64_C (1) << LINE_BITS) - 1));
  u->field = code & 1 ? "target" : "supersedes";
}

void
ehl_corrections_met_correction (ehl_corrections *c, const char *case_id,
                                size_t hash, uint64_t id, unsigned file_no,
                                size_t line, bool target)
{
  const struct named *s = named_slot (c, case_id, hash, id);
  if (!s)
    return;
  /* The first place, whatever order the threads met them in.  */
  _Atomic uint64_t *where = &c->marks[s - c->slots].where;
  uint64_t code = place_code (file_no, line, target) + 1;
  uint64_t was = atomic_load_explicit (where, memory_order_relaxed);
  while ((was == 0 || code < was)
         && !atomic_compare_exchange_weak_explicit (where, &was, code,
                                                    memory_order_relaxed,
                                                    memory_order_relaxed))
    ;
}

static int
cmp_unmatched (const void *x, const void *y)
{
  const struct ehl_unmatched *a = x, *b = y;
  uint64_t pa = place_code (a->file_no, a->line, a->field[0] == 't');
  uint64_t pb = place_code (b->file_no, b->line, b->field[0] == 't');
  if (pa != pb)
    return pa < pb ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* The place of the first correction that counts and names the record
   in slot I, plus one, if the real pass did not meet the record; else
   0.  */
static uint64_t
unmatched_at (const ehl_corrections *c, size_t i)
{
  const struct mark *m = &c->marks[i];
  if (!c->slots[i].case_id || atomic_load (&m->found))
    return 0;
  return atomic_load (&m->where);
}

bool
ehl_corrections_unmatched (const ehl_corrections *c,
                           struct ehl_unmatched **out, size_t *n)
{
  size_t count = 0;
  for (size_t i = 0; i < c->n_slots; i++)
    count += unmatched_at (c, i) != 0;
  *out = NULL;
  *n = 0;
  if (count == 0)
    return true;
  if (!(*out = malloc (count * sizeof **out)))
    return false;
  for (size_t i = 0; i < c->n_slots; i++)
    {
      uint64_t where = unmatched_at (c, i);
      if (where-- == 0)
        continue;
      struct ehl_unmatched *u = &(*out)[(*n)++];
      u->case_id = c->slots[i].case_id;
      u->id = c->slots[i].id;
      place_decode (where, u);
    }
  qsort (*out, *n, sizeof **out, cmp_unmatched);
  return true;
}

void
ehl_say_unmatched (const char *file, long line, const char *case_id,
                   const char *field, uint64_t id, const char *where)
{
  char hex[EHL_ID_LEN + 1];
  ehl_id_format (id, hex);
  ehl_warn_at (file, line, "%s: %s %s: no record of this case%s has that "
               "id, so it changes nothing", case_id, field, hex, where);
}

size_t
ehl_corrections_count (const ehl_corrections *c)
{
  return c->n;
}

void
ehl_corrections_free (ehl_corrections *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n_slots; i++)
    free (c->slots[i].case_id);
  free (c->slots);
  free (c->marks);
  free (c);
}
