/* The C ABI's duplicate matching (crm_duplicates.h): candidates with their reasons, a draft, the
 * rule blocking (CRM_EDUPLICATE) and alerting, pairs dismissed, sets and the scan, and the
 * refusals that name what is wrong. */
#include "capi_support.h"

static crm_customer* at(const char* given, const char* family, const char* phone, const char* city) {
  crm_customer* c = person(given, family, NULL);
  CHECK(crm_customer_add_phone(c, phone, strlen(phone), S(""), 0) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_CITY, city, strlen(city)) == CRM_OK);
  return c;
}

static int stop_after_one(uint64_t examined, uint64_t total, uint64_t pairs, void* arg) {
  (void)examined;
  (void)total;
  (void)pairs;
  return ++*(int*)arg < 1;
}

static void test_duplicates(void) {
  crm_db* db = open_db("duplicates.crm");
  crm_txn* txn = NULL;
  crm_duplicates* d = NULL;
  crm_duplicate_sets* sets = NULL;
  crm_match_options o = CRM_MATCH_OPTIONS_INIT;
  crm_match_options got;
  crm_customer* c;
  uint64_t jean, dupond, marie, about = 0, id = 0, examined = 0, total = 0, pairs = 0, a = 0, b = 0;
  const uint64_t* ids = NULL;
  double score = 0, weight = 0;
  size_t nreasons = 0, len = 0, count = 0;
  int reason = 0, action = -1, on_update = -1, on_import = -1, dismissed = -1, finished = -1, calls = 0;
  uint32_t bits = 0;
  const char* detail = NULL;
  char* fields = NULL;

  c = at("Jean", "Dupont", "+33 4 78 00 11 22", "Lyon");
  jean = create(db, c);
  crm_customer_free(c);
  c = at("Jean", "Dupond", "+33.4.78.00.11.22", "Lyon");
  dupond = create(db, c);
  crm_customer_free(c);
  c = at("Marie", "Curie", "+33 1 40 00 00 00", "Paris");
  marie = create(db, c);
  crm_customer_free(c);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_duplicates_find(&d, txn, jean, NULL) == CRM_OK);
  CHECK(crm_duplicates_count(d) == 1);
  CHECK(crm_duplicates_candidate(d, 0, &about, &id, &score, &nreasons) == CRM_OK);
  CHECK(about == jean && id == dupond && score > 0.9 && score <= 1 && nreasons == 2);
  CHECK(crm_duplicates_reason(d, 0, 0, &reason, &weight, &detail, &len) == CRM_OK && reason == CRM_MATCH_NAME);
  CHECK(strstr(detail, "same city") != NULL && strstr(detail, "same phone") != NULL);
  CHECK(crm_duplicates_reason(d, 0, 1, &reason, &weight, &detail, &len) == CRM_OK && reason == CRM_MATCH_PHONE);
  CHECK(weight == 0.6 && len == 17 && memcmp(detail, "+33.4.78.00.11.22", 17) == 0);
  CHECK(crm_duplicates_reason(d, 0, 2, &reason, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(crm_duplicates_candidate(d, 1, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(strcmp(crm_match_reason_name(CRM_MATCH_NAME), "name") == 0 && crm_match_reason_name(9) == NULL);
  crm_duplicates_free(d);
  /* Only the phone counts: 0.6, below the threshold. */
  o.reasons = CRM_MATCH_BIT(CRM_MATCH_PHONE);
  CHECK(crm_duplicates_find(&d, txn, jean, &o) == CRM_OK && crm_duplicates_count(d) == 0);
  crm_duplicates_free(d);
  o.threshold = 0;
  CHECK(crm_duplicates_find(&d, txn, jean, &o) == CRM_EINVALID && d == NULL && errmsg_has("threshold"));
  o = (crm_match_options)CRM_MATCH_OPTIONS_INIT;
  o.id_fields = "custom.sf_id";
  o.id_fields_len = strlen(o.id_fields);
  CHECK(crm_duplicates_find(&d, txn, jean, &o) == CRM_EINVALID && errmsg_has("has no declared index"));
  CHECK(crm_duplicates_find(&d, txn, 999, NULL) == CRM_ENOTFOUND);
  /* A draft. */
  c = at("J.", "Dupont", "+33 4 78 00 11 22", "Lyon");
  CHECK(crm_duplicates_find_draft(&d, txn, c, NULL) == CRM_OK && crm_duplicates_count(d) == 2);
  CHECK(crm_duplicates_candidate(d, 0, &about, NULL, NULL, NULL) == CRM_OK && about == 0);
  crm_duplicates_free(d);
  crm_txn_free(txn);

  /* The rule: block, then alert. */
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_duplicate_rule_set(txn, 7, NULL, 0, 0) == CRM_EINVALID);
  CHECK(crm_duplicate_rule_set(txn, CRM_DUPLICATE_BLOCK, NULL, 1, 0) == CRM_OK);
  CHECK(crm_customer_create(txn, c) == CRM_EDUPLICATE);
  CHECK(errmsg_has("the duplicate rule blocks this customer") && errmsg_has("name, phone"));
  CHECK(crm_duplicate_rule_get(txn, &action, &got, &on_update, &on_import, &fields, &len) == CRM_OK);
  CHECK(action == CRM_DUPLICATE_BLOCK && on_update == 1 && on_import == 0 && got.threshold == 0.8 && got.limit == 10);
  CHECK(got.reasons == CRM_MATCH_EVERY && len == 0 && fields != NULL);
  crm_free(fields);
  CHECK(crm_duplicate_rule_set(txn, CRM_DUPLICATE_ALERT, NULL, 0, 0) == CRM_OK);
  CHECK(crm_customer_create(txn, c) == CRM_OK);
  CHECK(crm_duplicates_alerts(&d, txn) == CRM_OK && crm_duplicates_count(d) == 2);
  CHECK(crm_duplicates_candidate(d, 0, &about, &id, NULL, NULL) == CRM_OK);
  CHECK(about == (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID) && (id == jean || id == dupond));
  crm_duplicates_free(d);
  CHECK(crm_duplicate_pair_get(txn, jean, about, &score, &bits, &dismissed, NULL) == CRM_OK);
  CHECK(bits == (CRM_MATCH_BIT(CRM_MATCH_PHONE) | CRM_MATCH_BIT(CRM_MATCH_NAME)) && dismissed == 0);
  CHECK(crm_duplicate_pair_get(txn, jean, marie, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(crm_duplicate_pair_dismiss(txn, jean, about) == CRM_OK);
  CHECK(crm_duplicate_pair_get(txn, about, jean, NULL, NULL, &dismissed, NULL) == CRM_OK && dismissed == 1);
  CHECK(crm_duplicate_pair_dismiss(txn, jean, jean) == CRM_EINVALID);
  CHECK(crm_duplicate_pair_forget(txn, jean, marie) == CRM_ENOTFOUND);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_customer_free(c);

  /* The scan: one batch, then the rest. */
  CHECK(crm_db_scan_duplicates(db, NULL, 2, 1, stop_after_one, &calls, &examined, &total, &pairs, &finished) == CRM_OK);
  CHECK(examined == 2 && total == 4 && finished == 0);
  CHECK(crm_db_scan_duplicates(db, NULL, 2, 0, NULL, NULL, &examined, &total, &pairs, &finished) == CRM_OK);
  CHECK(examined == 4 && finished == 1);
  CHECK(crm_db_scan_duplicates(db, NULL, 200000, 0, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_EINVALID);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_duplicate_scan_get(txn, &examined, NULL, NULL, &finished) == CRM_OK && examined == 4 && finished == 1);
  CHECK(crm_duplicate_sets_list(&sets, txn, 10, NULL, 0, 0) == CRM_OK);
  CHECK(crm_duplicate_sets_count(sets) == 1); /* jean, dupond and the draft, linked by open pairs */
  CHECK(crm_duplicate_sets_customers(sets, 0, &ids, &count) == CRM_OK && count == 3 && ids[0] == jean);
  CHECK(crm_duplicate_sets_pair_count(sets, 0) == 2);
  CHECK(crm_duplicate_sets_pair(sets, 0, 0, &a, &b, &score, &bits, &dismissed, NULL) == CRM_OK && a < b && dismissed == 0);
  CHECK(crm_duplicate_sets_pair(sets, 0, 2, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(crm_duplicate_sets_next_page(sets, &len) != NULL && len == 0);
  crm_duplicate_sets_free(sets);
  CHECK(crm_duplicate_sets_list(&sets, txn, 10, NULL, 0, 1) == CRM_OK);
  CHECK(crm_duplicate_sets_pair_count(sets, 0) == 3);
  crm_duplicate_sets_free(sets);
  CHECK(crm_duplicate_sets_list(&sets, txn, 0, NULL, 0, 0) == CRM_EINVALID && sets == NULL && errmsg_has("limit"));
  CHECK(crm_duplicate_sets_list(&sets, txn, 10, S("bad"), 0) == CRM_EINVALID && errmsg_has("page_token"));
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Merging, the redirect of a merged id, the journal's records, and unmerging. */
static void test_merge(void) {
  crm_db* db = open_db("merge.crm");
  crm_txn* txn = NULL;
  crm_merges* m = NULL;
  crm_customer* c;
  uint64_t ann, anne, annie, id = 0, survivor = 0, losers[2];
  uint64_t moved[CRM_MERGE_MOVED_COUNT] = {0};
  const uint64_t* got = NULL;
  size_t count = 0, len = 0;
  int64_t when = 0, final_at = -1;
  uint64_t finalized = 99;
  const char* city;

  c = person("Ann", "Lee", "ann@acme.com");
  ann = create(db, c);
  crm_customer_free(c);
  c = at("Anne", "Lee", "+1 415 555 0100", "Berlin");
  anne = create(db, c);
  crm_customer_free(c);
  c = person("Annie", "Lee", "annie@lee.net");
  annie = create(db, c);
  crm_customer_free(c);
  losers[0] = anne;
  losers[1] = annie;

  CHECK(crm_txn_begin_write(&txn, db, S("c-merge")) == CRM_OK);
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, S("nonsense")) == CRM_EINVALID && m == NULL &&
        errmsg_has("is not field=customer"));
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, S("address=x")) == CRM_EINVALID && errmsg_has("customer id"));
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, S("address=99")) == CRM_EINVALID &&
        errmsg_has("is not one of the customers merged"));
  CHECK(crm_customers_merge(&m, txn, ann, NULL, 1, NULL, 0) == CRM_EINVALID);
  CHECK(crm_customers_merge(&m, txn, ann, losers, 0, NULL, 0) == CRM_EINVALID && errmsg_has("1 to 32"));
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, S("given_name = 4242")) == CRM_EINVALID);
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, NULL, 0) == CRM_OK && crm_merges_count(m) == 1);
  CHECK(crm_merges_item(m, 0, &id, &survivor, &when, &got, &count) == CRM_OK);
  CHECK(id == 1 && survivor == ann && count == 2 && got[0] == anne && got[1] == annie && when > 0);
  CHECK(crm_merges_moved(m, 0, moved, CRM_MERGE_MOVED_COUNT) == CRM_OK && moved[0] == 0);
  CHECK(crm_merges_actor(m, 0, &len) != NULL && len == 7);
  CHECK(crm_merges_item(m, 1, NULL, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  crm_merges_free(m);
  CHECK(crm_customer_merged_into(txn, annie, &survivor) == CRM_OK && survivor == ann);
  CHECK(crm_customer_merged_into(txn, ann, &survivor) == CRM_ENOTFOUND);
  CHECK(crm_customer_get(&c, txn, anne) == CRM_OK && (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID) == ann);
  city = crm_customer_text(c, CRM_CUSTOMER_CITY, &len);
  CHECK(len == 6 && memcmp(city, "Berlin", 6) == 0); /* the survivor's gap filled from a loser */
  crm_customer_free(c);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_merges_list(&m, txn, ann) == CRM_OK && crm_merges_count(m) == 1);
  crm_merges_free(m);
  CHECK(crm_merge_get(&m, txn, 1) == CRM_OK && crm_merges_count(m) == 1);
  crm_merges_free(m);
  CHECK(crm_merge_get(&m, txn, 2) == CRM_ENOTFOUND && m == NULL);
  CHECK(crm_customers_unmerge(NULL, txn, 1) == CRM_EINVALID && errmsg_has("a write transaction is needed"));
  crm_txn_free(txn);

  CHECK(crm_txn_begin_write(&txn, db, S("c-merge")) == CRM_OK);
  CHECK(crm_customers_unmerge(&m, txn, 1) == CRM_OK && crm_merges_count(m) == 1);
  crm_merges_free(m);
  CHECK(crm_customer_get(&c, txn, anne) == CRM_OK && (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID) == anne);
  crm_customer_free(c);
  CHECK(crm_customers_unmerge(NULL, txn, 1) == CRM_ENOTFOUND);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  /* Made final: the record and the redirect stay; an unmerge is refused. */
  CHECK(crm_txn_begin_write(&txn, db, S("c-merge")) == CRM_OK);
  CHECK(crm_customers_merge(&m, txn, ann, losers, 2, NULL, 0) == CRM_OK);
  CHECK(crm_merges_item(m, 0, &id, NULL, &when, NULL, NULL) == CRM_OK);
  CHECK(crm_merges_final_at(m, 0, &final_at) == CRM_OK && final_at == 0);
  CHECK(crm_merges_final_at(m, 1, &final_at) == CRM_ENOTFOUND);
  CHECK(crm_merges_final_at(NULL, 0, &final_at) == CRM_EINVALID);
  crm_merges_free(m);
  CHECK(crm_merges_finalize(txn, when, 10, &finalized) == CRM_OK && finalized == 0); /* none before */
  CHECK(crm_merges_finalize(txn, when + 1, 0, &finalized) == CRM_EINVALID && errmsg_has("limit"));
  CHECK(crm_merges_finalize(txn, when + 1, 10, &finalized) == CRM_OK && finalized == 1);
  CHECK(crm_merge_finalize(&m, txn, id) == CRM_OK && crm_merges_count(m) == 1);
  CHECK(crm_merges_final_at(m, 0, &final_at) == CRM_OK && final_at > 0);
  crm_merges_free(m);
  CHECK(crm_merge_finalize(NULL, txn, id + 1) == CRM_ENOTFOUND);
  CHECK(crm_customers_unmerge(NULL, txn, id) == CRM_ECONFLICT && errmsg_has("was made final"));
  CHECK(crm_customer_merged_into(txn, annie, &survivor) == CRM_OK && survivor == ann);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_merges_finalize(txn, when + 1, 10, &finalized) == CRM_EINVALID &&
        errmsg_has("a write transaction is needed"));
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_duplicates();
  test_merge();
  return finish();
}
