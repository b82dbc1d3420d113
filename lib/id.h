/* id.h - content-derived record ids (DESIGN.md section 2).  */
#ifndef EHLOG_ID_H
#define EHLOG_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#define EHL_ID_LEN 16

/* The id REC should carry: the first 16 hex digits of the SHA-256 of its
   compact, key-sorted JSON without "id".  OUT gets 17 bytes.  Returns
   false only if memory ran out.  */
bool ehl_record_id (json_t *rec, char out[EHL_ID_LEN + 1]);

/* Compute REC's id and store it in REC's "id" (replacing any).  */
bool ehl_record_assign_id (json_t *rec);

/* SHA-256 of a file as 64 hex digits; false with errno set on error.  */
bool ehl_file_sha256 (const char *path, char out[65]);

/* Hex-encode LEN bytes of BIN into OUT (2*LEN+1 bytes).  */
void ehl_hex (const unsigned char *bin, size_t len, char *out);

#endif
