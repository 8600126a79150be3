/* The C ABI's erasure (crm_privacy.h): a customer erased in a write transaction, its entry in
 * the erasure log, and what the change feed keeps of it. */
#include "capi_support.h"

static void test_erase(void) {
  crm_db* db = open_db("privacy.crm");
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  crm_customer* found = NULL;
  crm_erasure* e = NULL;
  crm_erasure_list* log = NULL;
  crm_iter* it = NULL;
  const char* text;
  size_t len = 0;
  uint64_t id;
  int tombstones = 0, redacted = 0;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_customer_new(&c) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_GIVEN_NAME, S("Jane")) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_FAMILY_NAME, S("Doe")) == CRM_OK);
  CHECK(crm_customer_add_email(c, S("jane@example.com"), S(""), 1) == CRM_OK);
  CHECK(crm_customer_create(txn, c) == CRM_OK);
  id = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID);
  crm_customer_free(c);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  /* Bad flags and an unknown customer change nothing. */
  CHECK(crm_txn_begin_write(&txn, db, S("dpo")) == CRM_OK);
  CHECK(crm_customer_erase(txn, id, 4, &e) == CRM_EINVALID && e == NULL);
  CHECK(strstr(crm_errmsg(), "flags") != NULL);
  CHECK(crm_customer_erase(txn, id + 100, 0, &e) == CRM_ENOTFOUND && e == NULL);
  CHECK(crm_customer_erase(txn, id, CRM_ERASE_KEEP_DEALS, &e) == CRM_OK && e != NULL);
  CHECK(crm_erasure_int(e, CRM_ERASURE_CUSTOMER) == (int64_t)id);
  CHECK(crm_erasure_int(e, CRM_ERASURE_SEQ) > 0);
  CHECK(crm_erasure_int(e, CRM_ERASURE_CHANGES_REDACTED) == 2); /* its create, and the delete the erasure made */
  CHECK(crm_erasure_int(e, 999) == 0 && strstr(crm_errmsg(), "field") != NULL);
  text = crm_erasure_actor(e, &len);
  CHECK(text != NULL && len == 3 && strcmp(text, "dpo") == 0);
  CHECK(crm_erasure_masked_count(e) == 2);
  text = crm_erasure_masked(e, 0, &len);
  CHECK(text != NULL && strcmp(text, "J*** D***") == 0 && len == 9);
  text = crm_erasure_masked(e, 1, &len);
  CHECK(text != NULL && strcmp(text, "j***@e******.com") == 0);
  CHECK(crm_erasure_masked(e, 2, &len) == NULL && len == 0);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_get(&found, txn, id) == CRM_ENOTFOUND);
  CHECK(crm_customer_find_by_email(&found, txn, S("jane@example.com")) == CRM_ENOTFOUND);
  CHECK(crm_erasure_list_get(&log, txn, 0, 100) == CRM_OK && crm_erasure_list_size(log) == 1);
  CHECK(crm_erasure_int(crm_erasure_list_at(log, 0), CRM_ERASURE_SEQ) == crm_erasure_int(e, CRM_ERASURE_SEQ));
  CHECK(crm_erasure_list_at(log, 1) == NULL);
  crm_erasure_list_free(log);
  CHECK(crm_erasure_list_get(&log, txn, 0, 0) == CRM_EINVALID && log == NULL);
  CHECK(crm_changes(&it, txn, 1) == CRM_OK);
  while (crm_iter_next(it) == CRM_OK) {
    const crm_change* ch = crm_iter_change(it);
    if (crm_change_op(ch) == CRM_OP_ERASE) ++tombstones;
    if (crm_change_redacted(ch)) {
      ++redacted;
      CHECK(crm_change_field_count(ch) == 0);
    }
  }
  CHECK(tombstones == 1 && redacted == 2);
  crm_iter_free(it);
  crm_erasure_free(e);
  crm_txn_free(txn);
  crm_db_close(db);
}

static int create_with_email(crm_txn* txn, const char* email) {
  crm_customer* c = NULL;
  int rc;
  CHECK(crm_customer_new(&c) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_GIVEN_NAME, S("Zed")) == CRM_OK);
  CHECK(crm_customer_add_email(c, email, strlen(email), S(""), 1) == CRM_OK);
  rc = crm_customer_create(txn, c);
  crm_customer_free(c);
  return rc;
}

static void test_suppression(void) {
  crm_db* db = open_db("suppress.crm");
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  int held = -1, removed = -1;
  char* doc = NULL;
  size_t doc_len = 0;
  uint64_t id;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(create_with_email(txn, "zed@example.com") == CRM_OK);
  CHECK(crm_customer_find_by_email(&c, txn, S("zed@example.com")) == CRM_OK);
  id = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID);
  crm_customer_free(c);
  CHECK(crm_customer_export(&doc, &doc_len, txn, id) == CRM_OK && doc != NULL && doc_len == strlen(doc));
  CHECK(strstr(doc, "\"libcrm.subject-export\"") != NULL && strstr(doc, "zed@example.com") != NULL);
  crm_free(doc);
  CHECK(crm_customer_export(&doc, NULL, txn, id + 1) == CRM_ENOTFOUND && doc == NULL);
  CHECK(crm_customer_export(NULL, NULL, txn, id) == CRM_EINVALID);
  CHECK(crm_customer_erase(txn, id, CRM_ERASE_SUPPRESS, NULL) == CRM_OK);
  CHECK(crm_is_suppressed(&held, txn, S("ZED@example.com")) == CRM_OK && held == 1);
  CHECK(create_with_email(txn, "zed@example.com") == CRM_ESUPPRESSED);
  CHECK(strstr(crm_errmsg(), "emails[0]") != NULL);
  CHECK(crm_suppress(txn, S("ann@example.com")) == CRM_OK);
  CHECK(create_with_email(txn, "Ann@Example.com") == CRM_ESUPPRESSED);
  CHECK(crm_suppress(txn, S("")) == CRM_EINVALID);
  CHECK(crm_is_suppressed(NULL, txn, S("x@y")) == CRM_EINVALID);
  CHECK(crm_unsuppress(txn, S("zed@example.com"), &removed) == CRM_OK && removed == 1);
  CHECK(crm_unsuppress(txn, S("zed@example.com"), &removed) == CRM_OK && removed == 0);
  CHECK(crm_is_suppressed(&held, txn, S("zed@example.com")) == CRM_OK && held == 0);
  CHECK(create_with_email(txn, "zed@example.com") == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Whether the file at `path` holds `needle` anywhere in its bytes. */
static int file_has(const char* path, const char* needle) {
  FILE* f = fopen(path, "rb");
  static char buf[1 << 20];
  size_t n, len = strlen(needle);
  int found = 0;
  if (f == NULL) return -1;
  n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  for (size_t i = 0; i + len <= n && !found; ++i) found = memcmp(buf + i, needle, len) == 0;
  return found;
}

static crm_db* open_keyed(const char* path, const void* key, size_t key_len, const char* passphrase, int* rc) {
  crm_db* db = NULL;
  crm_options opts = CRM_OPTIONS_INIT;
  opts.no_sync = 1;
  opts.encryption_key = key;
  opts.encryption_key_len = key_len;
  opts.encryption_passphrase = passphrase;
  *rc = crm_db_open(&db, path, &opts);
  return db;
}

static void test_encryption(void) {
  unsigned char key[32], other[32];
  char path[512];
  crm_db* db;
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  int rc = 0;

  memset(key, 0x42, sizeof key);
  memset(other, 0x43, sizeof other);
  snprintf(path, sizeof path, "%s/encrypted.crm", g_dir);
  db = open_keyed(path, key, sizeof key, NULL, &rc);
  CHECK(rc == CRM_OK && db != NULL);
  c = person("Zebulon", "Quixotically", "zebulon@erasetest.example");
  create(db, c);
  crm_customer_free(c);
  c = NULL;
  crm_db_close(db);
  CHECK(file_has(path, "Zebulon") == 0 && file_has(path, "erasetest") == 0 && file_has(path, "quixotic") == 0);

  CHECK(open_keyed(path, NULL, 0, NULL, &rc) == NULL && rc == CRM_EKEY && errmsg_has("encrypted"));
  CHECK(open_keyed(path, other, sizeof other, NULL, &rc) == NULL && rc == CRM_EKEY && errmsg_has("wrong key"));
  CHECK(open_keyed(path, key, 16, NULL, &rc) == NULL && rc == CRM_EINVALID && errmsg_has("encryption_key_len"));
  CHECK(open_keyed(path, NULL, 32, NULL, &rc) == NULL && rc == CRM_EINVALID);
  CHECK(open_keyed(path, NULL, 0, "a passphrase", &rc) == NULL && rc == CRM_EKEY);
  CHECK(strcmp(crm_strerror(CRM_EKEY), "the database is encrypted, and its key is missing or wrong") == 0);
  db = open_keyed(path, key, sizeof key, NULL, &rc);
  CHECK(rc == CRM_OK && db != NULL);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_email(&c, txn, S("Zebulon@EraseTest.example")) == CRM_OK);
  CHECK(strcmp(crm_customer_text(c, CRM_CUSTOMER_FAMILY_NAME, NULL), "Quixotically") == 0);
  crm_customer_free(c);
  crm_txn_free(txn);
  crm_db_close(db);

  /* A passphrase; a key given to a file that is not encrypted. */
  snprintf(path, sizeof path, "%s/passphrase.crm", g_dir);
  db = open_keyed(path, NULL, 0, "correct horse battery staple", &rc);
  CHECK(rc == CRM_OK && db != NULL);
  crm_db_close(db);
  CHECK(open_keyed(path, NULL, 0, "Correct horse battery staple", &rc) == NULL && rc == CRM_EKEY);
  db = open_keyed(path, NULL, 0, "correct horse battery staple", &rc);
  CHECK(rc == CRM_OK && db != NULL);
  crm_db_close(db);
  db = open_db("plain.crm");
  crm_db_close(db);
  snprintf(path, sizeof path, "%s/plain.crm", g_dir);
  CHECK(open_keyed(path, key, sizeof key, NULL, &rc) == NULL && rc == CRM_ECONFLICT && errmsg_has("not encrypted"));
}

/* Changing the key: the old key no longer opens the file, the new one does, and what it holds
 * answers as before; misuse is refused. */
static void test_rekey(void) {
  unsigned char key[32], next[32];
  char path[512];
  crm_db* db;
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  int rc = 0;

  memset(key, 0x42, sizeof key);
  memset(next, 0x44, sizeof next);
  snprintf(path, sizeof path, "%s/encrypted.crm", g_dir);
  db = open_keyed(path, key, sizeof key, NULL, &rc);
  CHECK(rc == CRM_OK && db != NULL);
  CHECK(crm_db_rekey(db, NULL, 0, NULL) == CRM_EINVALID);
  CHECK(crm_db_rekey(db, next, sizeof next, "and a passphrase") == CRM_EINVALID && errmsg_has("not both"));
  CHECK(crm_db_rekey(db, next, 16, NULL) == CRM_EINVALID && errmsg_has("key_len"));
  CHECK(crm_db_rekey(db, NULL, 0, "") == CRM_EINVALID && errmsg_has("passphrase"));
  CHECK(crm_db_rekey(NULL, next, sizeof next, NULL) == CRM_EINVALID);
  CHECK(crm_db_rekey(db, NULL, 0, "a new passphrase") == CRM_OK);
  crm_db_close(db);
  CHECK(open_keyed(path, key, sizeof key, NULL, &rc) == NULL && rc == CRM_EKEY);
  db = open_keyed(path, NULL, 0, "a new passphrase", &rc);
  CHECK(rc == CRM_OK && db != NULL);
  CHECK(crm_db_rekey(db, next, sizeof next, NULL) == CRM_OK);
  crm_db_close(db);
  CHECK(open_keyed(path, NULL, 0, "a new passphrase", &rc) == NULL && rc == CRM_EKEY);
  db = open_keyed(path, next, sizeof next, NULL, &rc);
  CHECK(rc == CRM_OK && db != NULL);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_email(&c, txn, S("zebulon@erasetest.example")) == CRM_OK);
  CHECK(strcmp(crm_customer_text(c, CRM_CUSTOMER_GIVEN_NAME, NULL), "Zebulon") == 0);
  crm_customer_free(c);
  crm_txn_free(txn);
  crm_db_close(db);

  db = open_db("plain.crm");
  CHECK(crm_db_rekey(db, next, sizeof next, NULL) == CRM_ECONFLICT && errmsg_has("not encrypted"));
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_erase();
  test_suppression();
  test_encryption();
  test_rekey();
  return finish();
}
