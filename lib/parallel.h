/* parallel.h - read records with several threads: each regular input file
   is cut into byte ranges on line boundaries, and worker threads decode
   and validate the ranges, each feeding its own state (e.g. its own
   ehl_cases, merged by the caller afterwards).  */
#ifndef EHLOG_PARALLEL_H
#define EHLOG_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* The most threads --jobs accepts.  */
#define EHL_MAX_JOBS 256

/* Consume one record; REC->json is the callee's to keep or decref.
   Return false to stop (out of memory).  */
typedef bool ehl_consume_fn (void *state, struct ehl_record *rec);

/* Read FILES (none: standard input) in MODE with up to JOBS threads.
   Worker I feeds STATES[I].  Pipes (standard input too, unless
   ehl_stdin_spool made it a file) and small files are read whole by one
   worker.  Diagnostics are written to stderr in input
   order once all workers are done, so they are the same whatever JOBS.
   Counts are added into *STATS.  Returns false if a thread could not be
   started or FN returned false.  */
bool ehl_read_parallel (char *const *files, int nfiles, unsigned mode,
                        int jobs, void *const *states, ehl_consume_fn *fn,
                        struct ehl_read_stats *stats);

/* Work on the indices [0, N) in up to JOBS threads: FN (CTX, BEGIN, END,
   PART) is called once for each of up to JOBS contiguous parts, PART
   counting from 0, each in its own thread (part 0 in the calling one).
   Parts are in index order, so a caller that needs its output in order
   can keep each part's aside and join them by PART.  A thread that
   cannot be started only means its part is run by the calling thread.
   False if any FN returned false.  */
typedef bool ehl_range_fn (void *ctx, size_t begin, size_t end, int part);
bool ehl_parallel_ranges (size_t n, int jobs, ehl_range_fn *fn, void *ctx);

/* The number of online processors (at least 1).  */
int ehl_cpu_count (void);

#endif
