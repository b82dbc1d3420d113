/* parallel.c - the work split of --jobs.  */
#include <config.h>

#include "parallel.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "grow.h"
#include "operand.h"

/* A file smaller than this is not worth cutting up.  */
enum { MIN_SPLIT_BYTES = 1 << 20, CHUNKS_PER_JOB = 4 };

struct chunk
{
  int file_no;
  long long start, end;         /* end < 0: to the end of the file */
  long first_line;
  bool whole;                   /* read by name (also pipes) */
  char *diag;                   /* diagnostics, printed afterwards */
  size_t diag_len;
  struct ehl_read_stats st;
};

struct plan
{
  struct chunk *chunks;
  size_t n, cap;
  char *const *files;
  unsigned mode;
  ehl_consume_fn *fn;
  atomic_size_t next;
  atomic_bool failed;
};

int
ehl_cpu_count (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > EHL_MAX_JOBS ? EHL_MAX_JOBS : (int) n;
}

static struct chunk *
add_chunk (struct plan *p)
{
  if (!ehl_grow (&p->chunks, &p->cap, p->n, sizeof *p->chunks))
    return NULL;
  struct chunk *c = &p->chunks[p->n++];
  memset (c, 0, sizeof *c);
  c->end = -1;
  return c;
}

/* Cut regular file FILE_NO of SIZE bytes into about N ranges that start
   at line starts, counting the lines before each: one pass of memchr,
   far cheaper than the decoding it lets run in parallel.  */
static bool
split_file (struct plan *p, int file_no, long long size, int n)
{
  const char *name = ehl_operand_path (p->files[file_no]);
  int fd = open (name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  enum { BUFSIZE = 1 << 16 };
  char *buf = malloc (BUFSIZE);
  if (!buf)
    {
      close (fd);
      return false;
    }
  long long pos = 0, next_cut = size / n, chunk_start = 0;
  long lines = 0, chunk_line = 1;
  bool ok = true;
  for (;;)
    {
      ssize_t got = read (fd, buf, BUFSIZE);
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          ok = got == 0;
          break;
        }
      for (char *s = buf, *e = buf + got; s < e;)
        {
          char *nl = memchr (s, '\n', (size_t) (e - s));
          if (!nl)
            break;
          lines++;
          long long after = pos + (nl - buf) + 1;
          s = nl + 1;
          if (after >= next_cut && after < size)
            {
              struct chunk *c = add_chunk (p);
              if (!c)
                {
                  free (buf);
                  close (fd);
                  return false;
                }
              *c = (struct chunk) { file_no, chunk_start, after, chunk_line,
                                    false, NULL, 0, { 0 } };
              chunk_start = after;
              chunk_line = lines + 1;
              next_cut = after + size / n;
            }
        }
      pos += got;
    }
  free (buf);
  close (fd);
  struct chunk *c = add_chunk (p);
  if (!c)
    return false;
  *c = (struct chunk) { file_no, chunk_start, -1, chunk_line, false, NULL, 0,
                        { 0 } };
  return ok;
}

static bool
plan_chunks (struct plan *p, int nfiles, int jobs)
{
  for (int i = 0; i < nfiles; i++)
    {
      if (ehl_operand_stdin_again (p->files, i))
        continue;
      off_t size = jobs > 1 ? ehl_operand_size (p->files[i]) : -1;
      size_t before = p->n;
      if (size >= MIN_SPLIT_BYTES
          && split_file (p, i, size, jobs * CHUNKS_PER_JOB))
        continue;
      p->n = before;            /* a failed split is read whole */
      struct chunk *c = add_chunk (p);
      if (!c)
        return false;
      c->file_no = i;
      c->whole = true;
    }
  return true;
}

static void
read_chunk (struct plan *p, struct chunk *c, void *state)
{
  FILE *diag = open_memstream (&c->diag, &c->diag_len);
  ehl_reader *r = c->whole
    ? ehl_reader_new_operand (p->files, c->file_no, p->mode)
    : ehl_reader_new_range (p->files[c->file_no], c->file_no, c->start,
                            c->end, c->first_line, p->mode);
  if (!r || !diag)
    {
      atomic_store (&p->failed, true);
      if (diag)
        ehl_memstream_close (diag, &c->diag);
      ehl_reader_free (r);
      return;
    }
  ehl_reader_divert (r, diag);
  struct ehl_record rec;
  while (!atomic_load (&p->failed) && ehl_reader_next (r, &rec))
    if (!p->fn (state, &rec))
      atomic_store (&p->failed, true);
  c->st = *ehl_reader_stats (r);
  ehl_reader_free (r);
  /* Diagnostics lost would be bad lines skipped without a word.  */
  if (!ehl_memstream_close (diag, &c->diag))
    atomic_store (&p->failed, true);
}

struct worker
{
  struct plan *plan;
  void *state;
  pthread_t thread;
};

static void *
work (void *arg)
{
  struct worker *w = arg;
  struct plan *p = w->plan;
  for (;;)
    {
      size_t i = atomic_fetch_add (&p->next, 1);
      if (i >= p->n)
        break;
      read_chunk (p, &p->chunks[i], w->state);
    }
  return NULL;
}

static void
add_stats (struct ehl_read_stats *to, const struct ehl_read_stats *from)
{
  to->lines += from->lines;
  to->records += from->records;
  to->bad += from->bad;
  to->io_errors += from->io_errors;
  /* Chunks are added in input order: the first one's first is first.  */
  if (to->unknown_type == 0 && from->unknown_type > 0)
    {
      to->unknown_file_no = from->unknown_file_no;
      to->unknown_line = from->unknown_line;
    }
  to->unknown_type += from->unknown_type;
}

bool
ehl_read_parallel (char *const *files, int nfiles, unsigned mode, int jobs,
                   void *const *states, ehl_consume_fn *fn,
                   struct ehl_read_stats *stats)
{
  struct plan p = { .files = nfiles > 0 ? files : ehl_stdin_operands,
                    .mode = mode,
                    .fn = fn };
  atomic_init (&p.next, 0);
  atomic_init (&p.failed, false);
  if (nfiles <= 0)
    nfiles = 1;
  if (jobs < 1)
    jobs = 1;
  json_object_seed (0);         /* before any thread makes an object */
#if defined __GLIBC__ && defined M_ARENA_MAX
  /* One heap for all threads.  What workers keep is merged by the
     calling thread afterwards: with a heap per thread, what the merge
     frees in a worker's heap could not serve the merge's own growth
     (--jobs 2 peaked at 121 MB against 93 MB for one job, 1M records).
     Workers seldom call malloc while reading (records are decoded into
     jsonload's arena), so they hardly ever wait for each other's lock.  */
  if (jobs > 1)
    mallopt (M_ARENA_MAX, 1);
#endif

  bool ok = plan_chunks (&p, nfiles, jobs);
  struct worker *w = calloc ((size_t) jobs, sizeof *w);
  int started = 0;
  if (ok && w)
    {
      /* A thread that cannot be started only means fewer workers: the
         others take all the chunks.  */
      for (int i = 0; i < jobs; i++)
        {
          w[i] = (struct worker) { &p, states[i], 0 };
          if (i > 0 && pthread_create (&w[i].thread, NULL, work, &w[i]) != 0)
            break;
          started = i + 1;
        }
      work (&w[0]);             /* the calling thread is worker 0 */
      for (int i = 1; i < started; i++)
        pthread_join (w[i].thread, NULL);
    }
  ok = ok && w && !atomic_load (&p.failed);

  for (size_t i = 0; i < p.n; i++)
    {
      if (p.chunks[i].diag)
        ehl_say_collected (p.chunks[i].diag, p.chunks[i].diag_len);
      free (p.chunks[i].diag);
      add_stats (stats, &p.chunks[i].st);
    }
  free (p.chunks);
  free (w);
  return ok;
}

/* ---- parts of an index range ---- */

struct range_job
{
  ehl_range_fn *fn;
  void *ctx;
  size_t begin, end;
  int part;
  bool ok;
  bool started;                 /* in a thread of its own */
  pthread_t thread;
};

static void *
run_range (void *arg)
{
  struct range_job *j = arg;
  j->ok = j->fn (j->ctx, j->begin, j->end, j->part);
  return NULL;
}

bool
ehl_parallel_ranges (size_t n, int jobs, ehl_range_fn *fn, void *ctx)
{
  if (jobs < 1 || n < 2)
    jobs = 1;
  else if ((size_t) jobs > n)
    jobs = (int) n;
  struct range_job *j = jobs > 1 ? calloc ((size_t) jobs, sizeof *j) : NULL;
  if (!j)
    return fn (ctx, 0, n, 0);
  for (int i = 0; i < jobs; i++)
    {
      j[i] = (struct range_job) { .fn = fn, .ctx = ctx,
                                  .begin = n / (size_t) jobs * (size_t) i,
                                  .end = n / (size_t) jobs * (size_t) (i + 1),
                                  .part = i };
      if (i == jobs - 1)
        j[i].end = n;           /* the rest of the division */
      if (i > 0)
        j[i].started = pthread_create (&j[i].thread, NULL, run_range,
                                       &j[i]) == 0;
    }
  run_range (&j[0]);
  bool ok = j[0].ok;
  for (int i = 1; i < jobs; i++)
    {
      if (j[i].started)
        pthread_join (j[i].thread, NULL);
      else
        run_range (&j[i]);
      ok &= j[i].ok;
    }
  free (j);
  return ok;
}
