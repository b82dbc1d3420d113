/* failmalloc.so - LD_PRELOAD shim for allocation-failure tests: with
   EHLOG_FAIL_ALLOC=N in the environment, the Nth call to malloc, calloc
   or realloc (counting from 1) returns NULL with errno ENOMEM, and every
   later call succeeds.  On exit it writes the number of calls made to the
   file named by EHLOG_ALLOC_COUNT, if set, so a test knows when N has
   run past the end of the program.  */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long calls, fail_at = -1;
static void *(*real_malloc) (size_t);
static void *(*real_calloc) (size_t, size_t);
static void *(*real_realloc) (void *, size_t);

/* dlsym's own calloc, before real_calloc is known.  */
static char bootstrap_pool[4096];
static size_t bootstrap_used;

static void
setup (void)
{
  static int ready;
  if (ready)
    return;
  ready = 1;
  const char *n = getenv ("EHLOG_FAIL_ALLOC");
  fail_at = n ? atol (n) : -1;
  real_malloc = dlsym (RTLD_NEXT, "malloc");
  real_calloc = dlsym (RTLD_NEXT, "calloc");
  real_realloc = dlsym (RTLD_NEXT, "realloc");
}

/* With EHLOG_FAIL_TRACE set, show where the failed call came from.  */
static int
should_fail (void)
{
  if (++calls != fail_at)
    return 0;
  if (getenv ("EHLOG_FAIL_TRACE"))
    {
      void *frames[16];
      backtrace_symbols_fd (frames, backtrace (frames, 16), 2);
    }
  return 1;
}

void *
malloc (size_t size)
{
  setup ();
  if (should_fail ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  if (!real_calloc)
    {
      /* Called from dlsym during setup: serve from a static pool.  */
      size_t want = (n * size + 15) & ~(size_t) 15;
      if (bootstrap_used + want > sizeof bootstrap_pool)
        return NULL;
      void *p = bootstrap_pool + bootstrap_used;
      bootstrap_used += want;
      return p;
    }
  if (should_fail ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  setup ();
  if (should_fail ())
    {
      errno = ENOMEM;
      return NULL;
    }
  return real_realloc (p, size);
}

void
free (void *p)
{
  static void (*real_free) (void *);
  if ((char *) p >= bootstrap_pool
      && (char *) p < bootstrap_pool + sizeof bootstrap_pool)
    return;
  if (!real_free)
    real_free = dlsym (RTLD_NEXT, "free");
  real_free (p);
}

__attribute__ ((destructor)) static void
report (void)
{
  const char *f = getenv ("EHLOG_ALLOC_COUNT");
  if (!f)
    return;
  int fd = open (f, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    return;
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%ld\n", calls);
  if (write (fd, buf, (size_t) len) < 0)
    {
      /* nothing to do: the test will see no count */
    }
  close (fd);
}
