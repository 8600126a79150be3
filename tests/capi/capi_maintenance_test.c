/* The C ABI's maintenance calls, and the codes damaged files and full stores give. */
#include "capi_support.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

static void path_of(char* out, size_t n, const char* name) { snprintf(out, n, "%s/%s", g_dir, name); }

static void test_verify_and_stats(void) {
  crm_db* db = open_db("verify.crm");
  crm_txn* txn = NULL;
  crm_verify_report report = CRM_VERIFY_REPORT_INIT;
  crm_verify_report unversioned = {0, 0, 0, 0, 0};
  crm_stats stats = CRM_STATS_INIT;
  char* problems = (char*)"untouched";
  crm_customer* c = person("Ada", "Lovelace", "ada@example.com");
  uint64_t id = create(db, c);
  crm_customer_free(c);
  CHECK(id != 0);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_txn_verify(&report, &problems, txn) == CRM_OK);
  CHECK(report.problem_count == 0 && problems == NULL);
  CHECK(report.records == 2); /* the customer and the default pipeline */
  CHECK(report.index_entries > 3 && report.changes >= 2);
  CHECK(crm_txn_verify(&unversioned, NULL, txn) == CRM_EINVALID && errmsg_has("CRM_VERIFY_REPORT_INIT"));
  CHECK(crm_txn_verify(NULL, NULL, txn) == CRM_EINVALID);
  CHECK(crm_txn_stats(&stats, txn) == CRM_OK);
  CHECK(stats.customers == 1 && stats.pipelines == 1 && stats.interactions == 0);
  CHECK(stats.file_bytes > 0 && stats.page_bytes == 4096 && stats.readers >= 1);
  CHECK(stats.size_limit_bytes == ((uint64_t)1 << 40) && stats.reserve_bytes == ((uint64_t)64 << 20));
  CHECK(crm_txn_stats(&stats, NULL) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_backup(void) {
  crm_db* db = open_db("backup-src.crm");
  crm_db* copy = NULL;
  crm_txn* txn = NULL;
  char dest[512], compact[512];
  uint64_t n = 0;
  crm_customer_query all = CRM_CUSTOMER_QUERY_INIT;
  crm_customer* c = person("Grace", "Hopper", "grace@example.com");
  create(db, c);
  crm_customer_free(c);
  path_of(dest, sizeof dest, "backup.crm");
  path_of(compact, sizeof compact, "backup-compact.crm");
  CHECK(crm_db_backup(db, dest, 0) == CRM_OK);
  CHECK(crm_db_backup(db, compact, CRM_BACKUP_COMPACT) == CRM_OK);
  CHECK(crm_db_backup(db, dest, 0) == CRM_EEXISTS);
  CHECK(crm_db_backup(db, dest, 8) == CRM_EINVALID && errmsg_has("flags"));
  CHECK(crm_db_backup(NULL, dest, 0) == CRM_EINVALID);
  CHECK(crm_db_backup(db, NULL, 0) == CRM_EINVALID);
  CHECK(crm_txn_begin_write(&txn, db, NULL, 0) == CRM_OK);
  CHECK(crm_db_backup(db, "/tmp/never-written.crm", 0) == CRM_EBUSY);
  crm_txn_free(txn);
  crm_db_close(db);
  CHECK(crm_db_open(&copy, compact, NULL) == CRM_OK);
  CHECK(crm_txn_begin_read(&txn, copy) == CRM_OK);
  CHECK(crm_customer_count(&n, txn, &all) == CRM_OK && n == 1);
  crm_txn_free(txn);
  crm_db_close(copy);
}

static void test_durability(void) {
  static const int levels[] = {CRM_DURABILITY_FULL, CRM_DURABILITY_NORMAL, CRM_DURABILITY_NONE};
  crm_options opts;
  crm_db* db = NULL;
  crm_txn* txn = NULL;
  char path[512];
  size_t i;
  uint64_t n = 0;
  crm_customer_query all = CRM_CUSTOMER_QUERY_INIT;
  for (i = 0; i < 3; ++i) {
    char name[64];
    crm_customer* c = person("Dura", "Ble", NULL);
    snprintf(name, sizeof name, "durability%d.crm", levels[i]);
    path_of(path, sizeof path, name);
    CHECK(crm_options_init(&opts, CRM_OPTIONS_VERSION) == CRM_OK);
    opts.durability = levels[i];
    CHECK(crm_db_open(&db, path, &opts) == CRM_OK);
    create(db, c);
    crm_customer_free(c);
    CHECK(crm_db_flush(db) == CRM_OK);
    crm_db_close(db);
    CHECK(crm_db_open(&db, path, NULL) == CRM_OK);
    CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
    CHECK(crm_customer_count(&n, txn, &all) == CRM_OK && n == 1);
    crm_txn_free(txn);
    crm_db_close(db);
  }
  opts.durability = 3;
  path_of(path, sizeof path, "durability-bad.crm");
  db = (crm_db*)&opts;
  CHECK(crm_db_open(&db, path, &opts) == CRM_EINVALID && errmsg_has("durability") && db == NULL);
  CHECK(access(path, F_OK) != 0);
  CHECK(crm_db_flush(NULL) == CRM_EINVALID);
}

static void test_damaged_and_foreign_files(void) {
  char path[512], cmd[1200];
  crm_db* db = open_db("damaged.crm");
  crm_customer* c = person("Alan", "Turing", "alan@example.com");
  int i;
  CHECK(crm_customer_clear(c, CRM_LIST_EMAILS) == CRM_OK);
  for (i = 0; i < 50; ++i) create(db, c);
  crm_customer_free(c);
  crm_db_close(db);
  path_of(path, sizeof path, "damaged.crm");
  CHECK(truncate(path, 3 * 4096) == 0);
  CHECK(crm_db_open(&db, path, NULL) == CRM_ECORRUPT && db == NULL && errmsg_has("truncated"));
  path_of(path, sizeof path, "foreign.crm");
  snprintf(cmd, sizeof cmd, "head -c 20000 /dev/urandom > '%s'", path);
  CHECK(system(cmd) == 0);
  CHECK(crm_db_open(&db, path, NULL) == CRM_ENOTDB && db == NULL);
}

static void test_size_limit_keeps_deletes(void) {
  char path[512];
  crm_db* db = NULL;
  crm_options opts = CRM_OPTIONS_INIT;
  crm_txn* txn = NULL;
  uint64_t last = 0;
  int rc = CRM_OK, made = 0;
  char notes[2000];
  opts.no_sync = 1;
  opts.max_map_size = (size_t)6 << 20;
  memset(notes, 'n', sizeof notes);
  path_of(path, sizeof path, "limited.crm");
  CHECK(crm_db_open(&db, path, &opts) == CRM_OK);
  while (rc == CRM_OK && made < 100000) {
    crm_customer* c = person("Fill", "Er", NULL);
    CHECK(crm_customer_set_custom(c, S("notes"), CRM_VALUE_TEXT, 0, notes, sizeof notes) == CRM_OK);
    CHECK(crm_txn_begin_write(&txn, db, NULL, 0) == CRM_OK);
    rc = crm_customer_create(txn, c);
    if (rc == CRM_OK) rc = crm_txn_commit(txn);
    if (rc == CRM_OK) last = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID), ++made;
    crm_txn_free(txn);
    crm_customer_free(c);
  }
  CHECK(rc == CRM_EFULL && errmsg_has("size limit"));
  CHECK(made > 100);
  CHECK(crm_txn_begin_write(&txn, db, NULL, 0) == CRM_OK);
  CHECK(crm_customer_delete(txn, last, 0) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Group commit: crm_db_write calls made at the same time share one commit, each keeping its own
 * outcome and its own crm_errmsg. A first call holds the database while the others start. */
struct member {
  crm_db* db;
  int index;
  int rc;
  int message_ok;
};

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static volatile int g_holding = 0;

static int hold(crm_txn* txn, void* arg) {
  crm_customer* c = person("Holder", "Group", NULL);
  int rc;
  (void)arg;
  g_holding = 1;
  sleep_ms(300);
  rc = crm_customer_create(txn, c);
  crm_customer_free(c);
  return rc;
}

static void* hold_thread(void* arg) {
  CHECK(crm_db_write((crm_db*)arg, S("holder"), hold, NULL) == CRM_OK);
  return NULL;
}

static int member_write(crm_txn* txn, void* arg) {
  struct member* m = (struct member*)arg;
  char ext[16];
  crm_customer* c = person("Member", "Group", NULL);
  crm_customer* found = NULL;
  int rc;
  snprintf(ext, sizeof ext, "m%d", m->index);
  rc = crm_customer_set_text(c, CRM_CUSTOMER_EXTERNAL_ID, ext, strlen(ext));
  if (rc == CRM_OK) rc = crm_customer_create(txn, c);
  crm_customer_free(c);
  if (rc == CRM_OK && m->index == 2) /* wrote, then fails with a lookup's error: its write vanishes */
    rc = crm_customer_find_by_external_id(&found, txn, S("nobody-2"));
  return rc;
}

static void* member_thread(void* arg) {
  struct member* m = (struct member*)arg;
  m->rc = crm_db_write(m->db, S("member"), member_write, m);
  m->message_ok = m->rc == CRM_OK || errmsg_has("no customer has this external id");
  return NULL;
}

static void test_group_commit(void) {
  crm_db* db = NULL;
  char path[512];
  crm_options opts = CRM_OPTIONS_INIT; /* durability full */
  crm_txn* txn = NULL;
  crm_stats before = CRM_STATS_INIT, after = CRM_STATS_INIT;
  crm_customer* c = NULL;
  pthread_t holder, threads[5];
  struct member members[5];
  int i;
  path_of(path, sizeof path, "group.crm");
  CHECK(crm_db_open(&db, path, &opts) == CRM_OK);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_txn_stats(&before, txn) == CRM_OK);
  crm_txn_free(txn);
  g_holding = 0;
  CHECK(pthread_create(&holder, NULL, hold_thread, db) == 0);
  while (!g_holding) sleep_ms(1);
  for (i = 0; i < 5; ++i) {
    members[i].db = db;
    members[i].index = i;
    members[i].rc = 1;
    members[i].message_ok = 0;
    CHECK(pthread_create(&threads[i], NULL, member_thread, &members[i]) == 0);
  }
  pthread_join(holder, NULL);
  for (i = 0; i < 5; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(members[i].rc == (i == 2 ? CRM_ENOTFOUND : CRM_OK));
    CHECK(members[i].message_ok);
  }
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_txn_stats(&after, txn) == CRM_OK);
  CHECK(after.last_txn - before.last_txn == 1); /* they joined the holder's group: one commit */
  CHECK(after.customers == 5);                  /* the holder and four members */
  CHECK(crm_customer_find_by_external_id(&c, txn, S("m2")) == CRM_ENOTFOUND);
  CHECK(crm_customer_find_by_external_id(&c, txn, S("m4")) == CRM_OK);
  crm_customer_free(c);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 2;
  test_verify_and_stats();
  test_backup();
  test_durability();
  test_damaged_and_foreign_files();
  test_size_limit_keeps_deletes();
  test_group_commit();
  return finish();
}
