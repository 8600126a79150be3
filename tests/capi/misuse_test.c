/* Misuse of the C ABI: handles used after the library ended them, fields of the wrong type, and
 * the codes that tell failures apart. Run under AddressSanitizer too: nothing here may touch
 * freed memory. */
#include "capi_support.h"

/* An iterator whose transaction was committed or freed gets an error, never freed memory. */
static void test_iterator_outliving_its_transaction(void) {
  crm_db* db = open_db("iter.crm");
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_customer* taken = NULL;
  size_t n = 0;
  int i;
  crm_customer_query q = CRM_CUSTOMER_QUERY_INIT;
  q.page_size = 2;
  for (i = 0; i < 5; ++i) {
    crm_customer* c = person("Iter", "Person", NULL);
    create(db, c);
    crm_customer_free(c);
  }

  /* committed read transaction */
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_list(&it, txn, &q) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_EINVALID);
  CHECK(errmsg_has("transaction"));
  CHECK(crm_iter_customer(it) == NULL);
  CHECK(crm_iter_take_customers(&taken, 1, &n, it) == CRM_EINVALID && n == 0);
  crm_iter_free(it);
  crm_txn_free(txn);

  /* freed write transaction (rolled back), iterator freed after it */
  CHECK(crm_txn_begin_write(&txn, db, S("misuse")) == CRM_OK);
  CHECK(crm_customer_list(&it, txn, &q) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_iter_next(it) == CRM_EINVALID);
  CHECK(crm_iter_take_customer(&taken, it) == CRM_EINVALID && taken == NULL);
  crm_iter_free(it);

  /* the phone lookup's fixed iterator ends with its transaction as well */
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_phone(&it, txn, S("+1 555 0100")) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_iter_next(it) == CRM_EINVALID);
  crm_iter_free(it);

  /* a committed transaction refuses every further call */
  CHECK(crm_txn_begin_write(&txn, db, S("misuse")) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  CHECK(crm_customer_list(&it, txn, &q) == CRM_EINVALID && it == NULL);
  CHECK(crm_txn_commit(txn) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Closing a database with live transactions and iterators is defined: it is closed when the
 * last of them is freed, and until then they keep working. */
static void test_close_with_live_transactions(void) {
  crm_db* db = open_db("close.crm");
  crm_txn* read = NULL;
  crm_txn* write = NULL;
  crm_iter* it = NULL;
  crm_customer* c = person("Close", "Later", "close@example.com");
  uint64_t count = 0;
  crm_customer_query all = CRM_CUSTOMER_QUERY_INIT;
  create(db, c);
  crm_customer_free(c);
  CHECK(crm_txn_begin_read(&read, db) == CRM_OK);
  CHECK(crm_customer_list(&it, read, &all) == CRM_OK);
  CHECK(crm_txn_begin_write(&write, db, S("misuse")) == CRM_OK);
  crm_db_close(db); /* the handle is gone; its transactions are not */
  c = person("Written", "After", "after@example.com");
  CHECK(crm_customer_create(write, c) == CRM_OK);
  crm_customer_free(c);
  CHECK(crm_txn_commit(write) == CRM_OK);
  crm_txn_free(write);
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_ITEROVER);
  CHECK(crm_customer_count(&count, read, &all) == CRM_OK && count == 1);
  crm_txn_free(read);
  CHECK(crm_iter_next(it) == CRM_EINVALID);
  crm_iter_free(it); /* the last handle: the database closes here */

  db = open_db("close.crm");
  CHECK(crm_txn_begin_read(&read, db) == CRM_OK);
  CHECK(crm_customer_count(&count, read, &all) == CRM_OK && count == 2);
  crm_txn_free(read);
  crm_db_close(db);
}

/* A field number of the wrong type, an unknown one, and a write to a read-only field. */
static void test_field_numbers(void) {
  crm_customer* c = person("Ada", "Lovelace", NULL);
  crm_interaction* in = NULL;
  crm_opportunity* o = NULL;
  int64_t v = -1;
  size_t len = 99;
  CHECK(crm_customer_get_int(&v, c, CRM_CUSTOMER_REVISION) == CRM_OK && v == 0);
  CHECK(crm_customer_get_int(&v, c, CRM_CUSTOMER_GIVEN_NAME) == CRM_EINVALID);
  CHECK(errmsg_has("text field"));
  CHECK(crm_customer_get_int(&v, c, 9999) == CRM_EINVALID);
  CHECK(errmsg_has("9999"));
  CHECK(crm_customer_get_int(NULL, c, CRM_CUSTOMER_ID) == CRM_EINVALID);
  CHECK(crm_customer_text(c, CRM_CUSTOMER_REVISION, &len) == NULL && len == 0);
  CHECK(errmsg_has("integer field"));
  CHECK(crm_customer_text(c, 9999, NULL) == NULL);
  CHECK(strcmp(crm_customer_text(c, CRM_CUSTOMER_GIVEN_NAME, &len), "Ada") == 0 && len == 3);
  CHECK(crm_customer_int(c, CRM_CUSTOMER_GIVEN_NAME) == 0); /* the unchecked getter: 0 and a message */
  CHECK(errmsg_has("text field"));
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_ID, 42) == CRM_EINVALID);
  CHECK(errmsg_has("read-only"));
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_ARCHIVED_AT, 42) == CRM_EINVALID);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_LAST_INTERACTION_AT, 42) == CRM_EINVALID);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_GIVEN_NAME, 42) == CRM_EINVALID);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_STAGE, S("x")) == CRM_EINVALID);
  CHECK(crm_customer_get_int(&v, c, CRM_CUSTOMER_ID) == CRM_OK && v == 0);

  CHECK(crm_interaction_new(&in) == CRM_OK);
  CHECK(crm_interaction_get_int(&v, in, CRM_INTERACTION_SUBJECT) == CRM_EINVALID);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_ID, 7) == CRM_EINVALID);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CREATED_AT, 7) == CRM_OK); /* kept in import mode only */
  CHECK(crm_interaction_text(in, CRM_INTERACTION_KIND, NULL) == NULL);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_KIND, CRM_KIND_CALL) == CRM_OK);
  CHECK(crm_interaction_get_int(&v, in, CRM_INTERACTION_KIND) == CRM_OK && v == CRM_KIND_CALL);

  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_get_int(&v, o, CRM_OPPORTUNITY_TITLE) == CRM_EINVALID);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_ID, 1) == CRM_EINVALID);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_PROBABILITY_OVERRIDDEN, 1) == CRM_EINVALID);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CLOSED_AT, S("x")) == CRM_EINVALID);
  CHECK(crm_opportunity_add_history(NULL, 0, 1, 1, NULL, 0, 0, -1) == CRM_EINVALID);
  CHECK(crm_opportunity_add_history(o, 0, 1, 1, NULL, 3, 0, -1) == CRM_EINVALID && errmsg_has("actor"));
  CHECK(crm_opportunity_clear_history(NULL) == CRM_EINVALID);
  CHECK(crm_opportunity_text(o, CRM_OPPORTUNITY_AMOUNT, NULL) == NULL);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 500) == CRM_OK);
  CHECK(crm_opportunity_get_int(&v, o, CRM_OPPORTUNITY_AMOUNT) == CRM_OK && v == 500);
  crm_opportunity_free(o);
  crm_interaction_free(in);
  crm_customer_free(c);
}

/* Failures that used to share CRM_ECONFLICT now have codes of their own. */
static void test_distinct_codes(void) {
  crm_db* db = open_db("codes.crm");
  crm_db* ro = NULL;
  crm_txn* txn = NULL;
  crm_options opts = CRM_OPTIONS_INIT;
  char path[512];
  crm_customer* org = NULL;
  crm_customer* member = person("Mem", "Ber", NULL);
  crm_interaction* in = NULL;
  uint64_t org_id, member_id;
  CHECK(crm_customer_new(&org) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_KIND, CRM_ORGANIZATION) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_DISPLAY_NAME, S("Org")) == CRM_OK);
  org_id = create(db, org);
  member_id = create(db, member);
  CHECK(crm_interaction_new(&in) == CRM_OK);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CUSTOMER, (int64_t)member_id) == CRM_OK);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_KIND, CRM_KIND_CALL) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("codes")) == CRM_OK);
  CHECK(crm_interaction_log(txn, in) == CRM_OK);
  CHECK(crm_customer_delete(txn, member_id, 0) == CRM_EDEPENDENTS);
  CHECK(errmsg_has("interactions"));
  CHECK(crm_customer_get_int(NULL, member, CRM_CUSTOMER_REVISION) == CRM_EINVALID);
  CHECK(crm_customer_set_int(member, CRM_CUSTOMER_REVISION, 99) == CRM_OK);
  CHECK(crm_customer_update(txn, member) == CRM_ECONFLICT); /* a stale revision */
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  (void)org_id;

  snprintf(path, sizeof path, "%s/codes.crm", g_dir);
  opts.read_only = 1;
  opts.no_sync = 1;
  CHECK(crm_db_open(&ro, path, &opts) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, ro, S("codes")) == CRM_EREADONLY && txn == NULL);
  CHECK(errmsg_has("read-only"));
  CHECK(strcmp(crm_strerror(CRM_EREADONLY), "the database is open read-only") == 0);
  CHECK(strcmp(crm_strerror(CRM_EVERSION), "the file was written by a newer libcrm") == 0);
  CHECK(strcmp(crm_strerror(CRM_EDEPENDENTS), "other records still depend on it") == 0);
  crm_db_close(ro);
  crm_interaction_free(in);
  crm_customer_free(org);
  crm_customer_free(member);
  crm_db_close(db);
}

static int write_inside(crm_txn* txn, void* arg) {
  crm_db* db = (crm_db*)arg;
  crm_txn* inner = NULL;
  (void)txn;
  return crm_txn_begin_write(&inner, db, S("inner")); /* must not wait for the outer write */
}

/* A second write on a thread that holds one would wait for itself forever: it is CRM_EBUSY. */
static void test_second_write_on_one_thread_is_busy(void) {
  crm_db* db = open_db("busy.crm");
  crm_db* again = open_db("busy.crm"); /* a second handle on the file shares its writer */
  crm_txn* outer = NULL;
  crm_txn* inner = NULL;
  CHECK(crm_txn_begin_write(&outer, db, S("outer")) == CRM_OK);
  CHECK(crm_txn_begin_write(&inner, db, S("inner")) == CRM_EBUSY && inner == NULL);
  CHECK(errmsg_has("wait for itself"));
  CHECK(crm_txn_begin_write(&inner, again, S("inner")) == CRM_EBUSY);
  CHECK(crm_db_write(db, S("inner"), write_inside, db) == CRM_EBUSY);
  CHECK(crm_txn_commit(outer) == CRM_OK);
  crm_txn_free(outer);
  CHECK(crm_txn_begin_write(&inner, db, S("after")) == CRM_OK); /* free again once it ended */
  crm_txn_free(inner);
  CHECK(crm_db_write(db, S("cb"), write_inside, db) == CRM_EBUSY); /* inside a crm_db_write too */
  CHECK(crm_txn_begin_write(&inner, again, S("after")) == CRM_OK);
  crm_txn_free(inner);
  crm_db_close(again);
  crm_db_close(db);
}

/* Lengths no buffer has are refused before a byte is read; times past what any record holds too. */
static void test_lengths_and_times(void) {
  crm_db* db = open_db("edges.crm");
  crm_customer* c = person("Edge", "Case", NULL);
  crm_interaction* in = NULL;
  crm_txn* txn = NULL;
  uint64_t id;
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_OWNER, "x", (size_t)-1) == CRM_EINVALID);
  CHECK(errmsg_has("length"));
  CHECK(crm_currency_digits("EUR", (size_t)-1) == CRM_EINVALID);
  id = create(db, c);
  CHECK(crm_txn_begin_write(&txn, db, "maria", (size_t)-1) == CRM_EINVALID && txn == NULL);
  CHECK(crm_interaction_new(&in) == CRM_OK);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CUSTOMER, (int64_t)id) == CRM_OK);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_OCCURRED_AT, INT64_MAX) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("edges")) == CRM_OK);
  CHECK(crm_interaction_log(txn, in) == CRM_EINVALID);
  CHECK(errmsg_has("occurred_at"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_interaction_free(in);
  crm_customer_free(c);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 2;
  test_lengths_and_times();
  test_second_write_on_one_thread_is_busy();
  test_iterator_outliving_its_transaction();
  test_close_with_live_transactions();
  test_field_numbers();
  test_distinct_codes();
  return finish();
}
