/* Shared by the C suites: checks that count, a test directory, and helpers to make records. */
#ifndef CRM_CAPI_SUPPORT_H
#define CRM_CAPI_SUPPORT_H
#define _POSIX_C_SOURCE 200809L
#include <crm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_passed = 0;
static int g_failed = 0;
static char g_dir[256];

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (cond) {                                                                      \
      ++g_passed;                                                                    \
    } else {                                                                         \
      ++g_failed;                                                                    \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              crm_errmsg());                                                         \
    }                                                                                \
  } while (0)

#define S(lit) lit, sizeof(lit) - 1

/* Whether the thread's last error message contains `needle`. */
static inline int errmsg_has(const char* needle) { return strstr(crm_errmsg(), needle) != NULL; }

static inline crm_db* open_db(const char* name) {
  char path[512];
  crm_db* db = NULL;
  crm_options opts = CRM_OPTIONS_INIT;
  opts.no_sync = 1;
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  CHECK(crm_db_open(&db, path, &opts) == CRM_OK);
  return db;
}

static inline crm_customer* person(const char* given, const char* family, const char* email) {
  crm_customer* c = NULL;
  CHECK(crm_customer_new(&c) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_GIVEN_NAME, given, strlen(given)) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_FAMILY_NAME, family, strlen(family)) == CRM_OK);
  if (email != NULL) CHECK(crm_customer_add_email(c, email, strlen(email), S("work"), 0) == CRM_OK);
  return c;
}

/* Creates a customer in its own transaction and returns its id. */
static inline uint64_t create(crm_db* db, crm_customer* c) {
  crm_txn* txn = NULL;
  uint64_t id = 0;
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_customer_create(txn, c) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  id = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID);
  return id;
}

/* Makes the suite's temporary directory (g_dir). */
static inline int make_test_dir(void) {
  char tmpl[] = "/tmp/crm-c-test-XXXXXX";
  if (mkdtemp(tmpl) == NULL) return -1;
  snprintf(g_dir, sizeof g_dir, "%s", tmpl);
  return 0;
}

/* The index of a report's column named `name`, or the column count when there is none. */
static inline size_t column(const crm_report* r, const char* name) {
  size_t c;
  for (c = 0; c < crm_report_column_count(r); ++c)
    if (strcmp(crm_report_column_name(r, c, NULL), name) == 0) break;
  return c;
}

/* Removes the directory, prints the counts and gives the exit status. */
static inline int finish(void) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", g_dir);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

#endif
