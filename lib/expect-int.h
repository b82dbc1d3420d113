/* expect-int.h - the compiled form of an expectation set, shared by the
   loader (expect.c) and the evaluator (audit.c).  Not for programs.

   Every distinct selector of the file is compiled once and numbered.
   Selectors 0-63 get a bit of ehl_item.mask and are tested as each record
   is read, against the selectors of its type only ("early").  Network
   members are tested after they merge (the merged member is what counts),
   and selectors past the 64th on the kept fields after the read ("late");
   for those the items keep a trimmed copy of just the fields needed.  */
#ifndef EHLOG_EXPECT_INT_H
#define EHLOG_EXPECT_INT_H

#include <stdint.h>
#include <jansson.h>

#include "contract.h"
#include "expect.h"

#define EHL_EARLY_BITS 64

/* A dotted field path, split.  */
struct ehl_path
{
  char **seg;
  int n;
  char *text;                   /* as written, for reasons */
};

enum ehl_test_op
{
  EHL_OP_EQ,                    /* equal / array contains; VALUES: any of */
  EHL_OP_NOT,                   /* absent, or not EQ */
  EHL_OP_PRESENT,               /* FLAG: present or absent */
  EHL_OP_RANGE,                 /* a number within [MIN, MAX] */
  EHL_OP_NONEMPTY,              /* FLAG: non-empty or not */
  EHL_OP_KEYS                   /* an object with all VALUES as non-empty keys */
};

struct ehl_test
{
  struct ehl_path path;
  enum ehl_test_op op;
  json_t *values;               /* array of scalars (EQ, NOT, KEYS) */
  bool flag;
  bool has_min, has_max;
  double min, max;
};

struct ehl_selector
{
  uint32_t types;               /* bit per enum ehl_type it applies to */
  struct ehl_test *tests;
  size_t n_tests;
  char *noun;                   /* "meeting", "document or supervision" */
  char *plural;                 /* "meetings", ... */
  char *tests_text;             /* "with kind taf, without not_required" */
  long net_no;                  /* its place in late[EHL_T_NETWORK], or -1 */
};

enum ehl_check_kind
{
  EHL_C_EXISTS, EHL_C_COUNT, EHL_C_BEFORE, EHL_C_WITHIN, EHL_C_FIRST,
  EHL_C_EACH, EHL_C_ALL, EHL_C_ANY, EHL_C_NOT
};

struct ehl_check
{
  enum ehl_check_kind kind;
  int a, b;                     /* selector numbers (-1: none) */
  long n;                       /* count's min, within's days */
  struct ehl_path fa, fb;       /* each's fields */
  int fa_key, fb_key;           /* each's fields of network members that
                                   are net keys (expect-set), or -1 */
  struct ehl_check **kids;      /* all, any: several; not: one */
  size_t n_kids;
};

struct ehl_expectation
{
  struct ehl_expect_info info;
  struct ehl_check *when;       /* NULL: always applies */
  struct ehl_check *check;
};

/* The top-level keys an item of one type keeps for late work.  */
struct ehl_keep
{
  char **keys;
  size_t n;
};

/* Network members in compact form.  When the tests on network members
   fit in the 64 bits of ehl_item.mask, a network item keeps no fields:
   its mask has bit K set if the record has top-level field NET_KEYS[K],
   and bit N_NET_KEYS + J set if it passes NET_TESTS[J]; members merge by
   taking each field's bits from the latest-dated record that has it (the
   merge rule of DESIGN.md section 2), and item->json is just the
   member's name, a JSON string.  */
struct ehl_net_test
{
  const struct ehl_test *test;
  int key;                      /* index into net_keys */
  bool absent;                  /* the test's result when nobody has the key */
};

struct ehl_expect_set
{
  struct ehl_expectation *exps;
  size_t n_exps;
  struct ehl_selector *sels;
  size_t n_sels;
  /* Early selectors to test on a record of each type, and the late
     ones to test on a kept item of each type.  */
  int *early[EHL_T_COUNT], *late[EHL_T_COUNT];
  size_t n_early[EHL_T_COUNT], n_late[EHL_T_COUNT];
  struct ehl_keep keep[EHL_T_COUNT];
  uint32_t keep_all;            /* types whose every record is kept */
  bool net_compact;
  char **net_keys;
  size_t n_net_keys;
  struct ehl_net_test *net_tests;       /* by late[EHL_T_NETWORK] selector */
  size_t n_net_tests;
  size_t *net_first;            /* selector I's tests start at
                                   net_tests[net_first[I]] */
  json_t *strings;              /* owns the info strings */
};

/* Does JSON pass the test T?  */
bool ehl_test_match (const struct ehl_test *t, json_t *json);

/* Does JSON (a record of TYPE, or the kept part of one) match SEL?  */
bool ehl_selector_match (const struct ehl_selector *sel, int type,
                         json_t *json);

/* The value at PATH in JSON, or NULL.  */
json_t *ehl_path_get (const struct ehl_path *path, json_t *json);

/* Is V non-empty in the sense of the "nonempty" operator?  */
bool ehl_json_nonempty (json_t *v);

/* Do scalars A and B compare equal (numbers by value)?  */
bool ehl_scalar_equal (json_t *a, json_t *b);

#endif
