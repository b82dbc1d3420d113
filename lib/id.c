/* id.c - record ids and file digests.  */
#include <config.h>

#include "id.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jsonload.h"
#include "sha256.h"

void
ehl_hex (const unsigned char *bin, size_t len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++)
    {
      out[2 * i] = digits[bin[i] >> 4];
      out[2 * i + 1] = digits[bin[i] & 15];
    }
  out[2 * len] = '\0';
}

/* json_dump_callback sink feeding the digest, so no text is built.  */
static int
feed_digest (const char *buf, size_t len, void *ctx)
{
  sha256_process_bytes (buf, len, ctx);
  return 0;
}

bool
ehl_record_id (json_t *rec, char out[EHL_ID_LEN + 1])
{
  /* Hash a shallow copy without "id": the caller's record is not touched.
     (json_copy leaves out a member it has no memory for, silently.)  */
  unsigned long failures = ehl_alloc_failures ();
  bool has_id = json_object_get (rec, "id") != NULL;
  json_t *body = has_id ? json_copy (rec) : json_incref (rec);
  if (!body)
    return false;
  json_object_del (body, "id");
  /* json_copy quietly leaves out members it ran out of memory for: a
     short copy would give a wrong id.  */
  if (json_object_size (body) + has_id != json_object_size (rec))
    {
      json_decref (body);
      return false;
    }

  struct sha256_ctx ctx;
  unsigned char digest[SHA256_DIGEST_SIZE];
  sha256_init_ctx (&ctx);
  int rc = json_dump_callback (body, feed_digest, &ctx,
                               JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (body);
  if (rc != 0 || ehl_alloc_failures () != failures)
    return false;
  sha256_finish_ctx (&ctx, digest);
  ehl_hex (digest, EHL_ID_LEN / 2, out);
  return true;
}

bool
ehl_record_assign_id (json_t *rec)
{
  char id[EHL_ID_LEN + 1];
  return ehl_record_id (rec, id)
         && json_object_set_new (rec, "id", json_string (id)) == 0;
}

bool
ehl_file_sha256 (const char *path, char out[65])
{
  unsigned char digest[SHA256_DIGEST_SIZE];
  FILE *f = fopen (path, "rb");
  if (!f)
    return false;
  int rc = sha256_stream (f, digest);
  int err = errno;
  if (fclose (f) != 0 && rc == 0)
    return false;
  if (rc != 0)
    {
      errno = err;
      return false;
    }
  ehl_hex (digest, SHA256_DIGEST_SIZE, out);
  return true;
}
