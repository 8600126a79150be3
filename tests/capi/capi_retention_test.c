/* The C ABI's retention (crm_changes.h): rules applied in bounded transactions, trimmed changes
 * in the feed, the feed's first kept change, and a consumer asking before it. */
#include "capi_support.h"

static void rename_customer(crm_db* db, crm_customer* c, const char* family) {
  crm_txn* txn = NULL;
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_FAMILY_NAME, family, strlen(family)) == CRM_OK);
  CHECK(crm_customer_update(txn, c) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
}

static void test_retention(void) {
  crm_db* db = open_db("retention.crm");
  crm_customer* c = person("Ada", "Byron", "ada@retain.example");
  crm_retention_rule rules[2] = {CRM_RETENTION_RULE_INIT, CRM_RETENTION_RULE_INIT};
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  uint64_t trimmed = 99, removed = 99, first = 0, last = 0;
  int seen = 0, stubs = 0;

  create(db, c); /* 1 is the default pipeline; 2 the create */
  rename_customer(db, c, "Lovelace");
  rename_customer(db, c, "King");
  rename_customer(db, c, "Noel"); /* 3..5 */

  /* Bad rules change nothing. */
  rules[0].entity = CRM_ENTITY_CUSTOMER;
  CHECK(crm_db_apply_retention(db, rules, 1, 10, &trimmed, &removed) == CRM_EINVALID); /* no limit */
  CHECK(strstr(crm_errmsg(), "rules[0]") != NULL && trimmed == 0 && removed == 0);
  rules[0].keep_entries = 1;
  CHECK(crm_db_apply_retention(db, rules, 1, 0, NULL, NULL) == CRM_EINVALID); /* batch */
  CHECK(crm_db_apply_retention(NULL, rules, 1, 10, NULL, NULL) == CRM_EINVALID);
  rules[1].version = 99;
  CHECK(crm_db_apply_retention(db, rules, 2, 10, NULL, NULL) == CRM_EINVALID);
  CHECK(strstr(crm_errmsg(), "rules[1].version") != NULL);

  /* Keep the newest change of each customer, and pipeline changes for a day (all are newer). */
  rules[1] = (crm_retention_rule)CRM_RETENTION_RULE_INIT;
  rules[1].entity = CRM_ENTITY_PIPELINE;
  rules[1].keep_days = 1;
  CHECK(crm_db_apply_retention(db, rules, 2, 1, &trimmed, &removed) == CRM_OK);
  CHECK(trimmed == 3 && removed == 0); /* 2..4 trimmed; 1 (the pipeline) is kept, so they stay as stubs */

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_first_change_seq(&first, txn) == CRM_OK && first == 1);
  CHECK(crm_last_change_seq(&last, txn) == CRM_OK && last == 5);
  CHECK(crm_changes(&it, txn, 0) == CRM_OK);
  while (crm_iter_next(it) == CRM_OK) {
    const crm_change* ch = crm_iter_change(it);
    size_t len = 99;
    ++seen;
    if (crm_change_trimmed(ch)) {
      ++stubs;
      CHECK(crm_change_field_count(ch) == 0);
      CHECK(crm_change_actor(ch, &len) != NULL && len == 0);
    }
  }
  CHECK(seen == 5 && stubs == 3);
  crm_iter_free(it);
  crm_txn_free(txn);

  /* A second run finds nothing more to do. */
  CHECK(crm_db_apply_retention(db, rules, 2, 100, &trimmed, &removed) == CRM_OK && trimmed == 0 && removed == 0);

  crm_customer_free(c);
  crm_db_close(db);
}

/* A store whose oldest changes were removed: the feed starts later, and a consumer asking for
 * what was removed is told so (CRM_ETRIMMED), not given a silent gap. */
static void test_trimmed_front(void) {
  crm_db* db = open_db("front.crm");
  crm_customer* c = person("Grace", "Hopper", NULL);
  crm_retention_rule rules[2] = {CRM_RETENTION_RULE_INIT, CRM_RETENTION_RULE_INIT};
  crm_pipeline* p = NULL;
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  uint64_t trimmed = 0, removed = 0, first = 0;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_pipeline_get(&p, txn, 1) == CRM_OK);
  CHECK(crm_pipeline_set_name(p, S("Sales (EMEA)")) == CRM_OK);
  CHECK(crm_pipeline_update(txn, p) == CRM_OK); /* 1: the pipeline made, 2: renamed */
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_pipeline_free(p);
  create(db, c);
  rename_customer(db, c, "Murray"); /* 3: create, 4: rename */

  rules[0].entity = CRM_ENTITY_CUSTOMER;
  rules[0].keep_entries = 1;
  rules[1].entity = CRM_ENTITY_PIPELINE;
  rules[1].keep_entries = 1;
  CHECK(crm_db_apply_retention(db, rules, 2, 10, &trimmed, &removed) == CRM_OK);
  CHECK(trimmed == 2 && removed == 1); /* 1 and 3 trimmed; 1 removed, 2 is kept so 3 stays a stub */

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_first_change_seq(&first, txn) == CRM_OK && first == 2);
  CHECK(crm_changes(&it, txn, 1) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_ETRIMMED);
  CHECK(strstr(crm_errmsg(), "starts at 2") != NULL);
  crm_iter_free(it);
  CHECK(crm_changes(&it, txn, 0) == CRM_OK && crm_iter_next(it) == CRM_OK);
  CHECK(crm_change_seq(crm_iter_change(it)) == 2);
  CHECK(crm_iter_next(it) == CRM_OK && crm_change_trimmed(crm_iter_change(it)) == 1);
  crm_iter_free(it);
  crm_txn_free(txn);
  crm_customer_free(c);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_retention();
  test_trimmed_front();
  return finish();
}
