/* utf8.h - checking that bytes are well-formed UTF-8.  */
#ifndef EHLOG_UTF8_H
#define EHLOG_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Are the LEN bytes at S well-formed UTF-8 (RFC 3629: no overlong forms,
   no surrogates, nothing above U+10FFFF)?  A NUL byte counts as valid
   here; callers that cannot hold one check for it themselves.  */
bool ehl_utf8_valid (const char *s, size_t len);

#endif
