/* The C ABI's imports (crm_imports.h): a CSV file imported as a job, its counts and failed
 * rows, a re-import that changes nothing, a stopped import resumed, and a revert. */
#include "capi_support.h"

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

static char* path_of(const char* name) {
  static char buf[512];
  snprintf(buf, sizeof buf, "%s/%s", g_dir, name);
  return buf;
}

static int stop_after_first(const crm_import_progress* p, void* arg) {
  int* calls = (int*)arg;
  ++*calls;
  return p->rows >= 1 ? 1 : 0;
}

static void test_import(void) {
  crm_db* db = open_db("imports.crm");
  crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
  crm_import_job* job = NULL;
  crm_import_job_list* jobs = NULL;
  crm_import_error_list* errors = NULL;
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  const char* text;
  size_t len = 0;
  char* presets = NULL;
  int calls = 0;
  char csv[512];
  uint64_t id;

  strcpy(csv, path_of("people.csv"));
  write_file(csv, "Customer Id,First Name,Last Name,Email,Tier\r\n"
                  "A-1,Ada,Byron,ada@import.example,gold\r\n"
                  "A-2,Bad,Row,not-an-email,\r\n"
                  "A-3,Cy,Chen,cy@import.example,\r\n");
  CHECK(crm_import_options_init(&o, CRM_IMPORT_OPTIONS_VERSION) == CRM_OK);
  o.columns = "Tier=custom.tier\nLast Name=family_name";
  o.actor = "c-importer";
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_STATE) == CRM_IMPORT_FINISHED);
  CHECK(crm_import_job_int(job, CRM_IMPORT_CREATED) == 2);
  CHECK(crm_import_job_int(job, CRM_IMPORT_FAILED_ROWS) == 1);
  CHECK(crm_import_job_int(job, CRM_IMPORT_ROWS_DONE) == 3);
  CHECK(crm_import_job_int(job, CRM_IMPORT_DELIMITER) == ',');
  text = crm_import_job_text(job, CRM_IMPORT_ACTOR, &len);
  CHECK(len == 10 && memcmp(text, "c-importer", 10) == 0);
  text = crm_import_job_text(job, CRM_IMPORT_COLUMNS, &len);
  CHECK(strstr(text, "Tier=custom.tier") != NULL && strstr(text, "Customer Id=external_id") != NULL);
  text = crm_import_job_text(job, CRM_IMPORT_MATCH, &len);
  CHECK(strcmp(text, "external_id,email,phone") == 0);
  CHECK(crm_import_job_int(job, 999) == 0 && crm_import_job_text(job, 999, &len) == NULL);
  id = (uint64_t)crm_import_job_int(job, CRM_IMPORT_ID);
  crm_import_job_free(job);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_external_id(&c, txn, S("A-1")) == CRM_OK);
  text = crm_customer_text(c, CRM_CUSTOMER_FAMILY_NAME, &len);
  CHECK(len == 5 && memcmp(text, "Byron", 5) == 0);
  crm_customer_free(c);
  CHECK(crm_import_error_list_get(&errors, txn, id, 0, 100) == CRM_OK);
  CHECK(crm_import_error_list_size(errors) == 1);
  CHECK(crm_import_error_row(crm_import_error_list_at(errors, 0)) == 2);
  CHECK(crm_import_error_line(crm_import_error_list_at(errors, 0)) == 3);
  text = crm_import_error_original(crm_import_error_list_at(errors, 0), &len);
  CHECK(len == strlen("A-2,Bad,Row,not-an-email,") && memcmp(text, "A-2,Bad,Row,not-an-email,", len) == 0);
  text = crm_import_error_field(crm_import_error_list_at(errors, 0), &len);
  CHECK(strncmp(text, "emails", 6) == 0);
  CHECK(crm_import_error_list_at(errors, 1) == NULL);
  crm_import_error_list_free(errors);
  crm_txn_free(txn);

  CHECK(crm_db_write_failed_rows(db, id, path_of("failed.csv")) == CRM_OK);
  CHECK(crm_db_write_failed_rows(db, id, path_of("failed.csv")) == CRM_EEXISTS);

  /* Again: nothing changes. */
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_UNCHANGED) == 2 && crm_import_job_int(job, CRM_IMPORT_CREATED) == 0);
  crm_import_job_free(job);

  /* Stopped after the first batch of one row, then resumed. */
  write_file(path_of("more.csv"), "name,email\nDee Doe,dee@import.example\nEve Roe,eve@import.example\n");
  o = (crm_import_options)CRM_IMPORT_OPTIONS_INIT;
  o.batch_rows = 1;
  o.progress = stop_after_first;
  o.progress_arg = &calls;
  CHECK(crm_db_import(&job, db, path_of("more.csv"), &o) == CRM_OK);
  CHECK(calls == 1 && crm_import_job_int(job, CRM_IMPORT_STATE) == CRM_IMPORT_RUNNING);
  CHECK(crm_import_job_int(job, CRM_IMPORT_ROWS_DONE) == 1);
  id = (uint64_t)crm_import_job_int(job, CRM_IMPORT_ID);
  crm_import_job_free(job);
  CHECK(crm_db_resume_import(&job, db, id, NULL, NULL) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_STATE) == CRM_IMPORT_FINISHED);
  CHECK(crm_import_job_int(job, CRM_IMPORT_CREATED) == 2);
  crm_import_job_free(job);
  CHECK(crm_db_resume_import(&job, db, id, NULL, NULL) == CRM_ECONFLICT && job == NULL);

  /* Reverted: the two it created are gone. */
  CHECK(crm_db_revert_import(&job, db, id, 0, S("c-test")) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_STATE) == CRM_IMPORT_REVERTED);
  CHECK(crm_import_job_int(job, CRM_IMPORT_REVERTED_DELETED) == 2);
  crm_import_job_free(job);
  CHECK(crm_db_revert_import(&job, db, id, 0, NULL, 0) == CRM_ECONFLICT);
  CHECK(crm_db_revert_import(&job, db, id, 8, NULL, 0) == CRM_EINVALID);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_email(&c, txn, S("dee@import.example")) == CRM_ENOTFOUND);
  CHECK(crm_import_job_list_get(&jobs, txn, 10) == CRM_OK);
  CHECK(crm_import_job_list_size(jobs) == 3);
  CHECK(crm_import_job_int(crm_import_job_list_at(jobs, 0), CRM_IMPORT_ID) == (int64_t)id);
  crm_import_job_list_free(jobs);
  CHECK(crm_import_job_get(&job, txn, 999) == CRM_ENOTFOUND);
  crm_txn_free(txn);

  /* Bad calls are refused with a message naming what is wrong. */
  o = (crm_import_options)CRM_IMPORT_OPTIONS_INIT;
  o.match = "email,fax";
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_EINVALID && errmsg_has("fax"));
  o = (crm_import_options)CRM_IMPORT_OPTIONS_INIT;
  o.preset = "excel";
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_EINVALID && errmsg_has("preset"));
  o.preset = NULL;
  o.columns = "no equals sign";
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_EINVALID && errmsg_has("Column=field"));
  CHECK(crm_db_import(&job, db, path_of("missing.csv"), NULL) == CRM_ENOTFOUND);
  CHECK(crm_db_import(NULL, db, csv, NULL) == CRM_EINVALID);
  CHECK(crm_db_import(&job, db, NULL, NULL) == CRM_EINVALID);
  o = (crm_import_options)CRM_IMPORT_OPTIONS_INIT;
  o.version = 7;
  CHECK(crm_db_import(&job, db, csv, &o) == CRM_EINVALID);
  CHECK(crm_import_options_init(&o, 7) == CRM_EINVALID);

  /* Exported, the customers import back into an empty database. */
  {
    uint64_t rows = 0;
    crm_db* other = open_db("imports-other.crm");
    CHECK(crm_db_export_customers(db, path_of("out.csv"), CRM_IMPORT_FORMAT_AUTO, NULL, 0, 0, &rows) == CRM_OK);
    CHECK(rows == 2); /* Ada and Cy */
    CHECK(crm_db_export_customers(db, path_of("out.csv"), CRM_IMPORT_FORMAT_CSV, NULL, 0, 0, &rows) == CRM_EEXISTS);
    CHECK(crm_db_export_customers(db, path_of("bad.csv"), 0, S("tag ="), 0, &rows) == CRM_EINVALID && rows == 0);
    CHECK(crm_db_export_customers(db, path_of("one.jsonl"), 0, S("external_id = 'A-3'"), 0, &rows) == CRM_OK);
    CHECK(rows == 1);
    CHECK(crm_db_export_customers(db, path_of("cards"), CRM_IMPORT_FORMAT_VCARD, NULL, 0, 0, &rows) == CRM_OK);
    CHECK(rows == 2);
    CHECK(crm_db_export_customers(db, path_of("x.csv"), 4, NULL, 0, 0, &rows) == CRM_EINVALID);
    CHECK(crm_db_import(&job, other, path_of("out.csv"), NULL) == CRM_OK);
    CHECK(crm_import_job_int(job, CRM_IMPORT_CREATED) == 2 && crm_import_job_int(job, CRM_IMPORT_FAILED_ROWS) == 0);
    crm_import_job_free(job);
    o = (crm_import_options)CRM_IMPORT_OPTIONS_INIT;
    o.format = CRM_IMPORT_FORMAT_VCARD;
    CHECK(crm_db_import(&job, other, path_of("cards"), &o) == CRM_OK); /* the same two people: unchanged */
    CHECK(crm_import_job_int(job, CRM_IMPORT_FORMAT) == CRM_IMPORT_FORMAT_VCARD);
    CHECK(crm_import_job_int(job, CRM_IMPORT_UNCHANGED) == 2);
    crm_import_job_free(job);
    CHECK(crm_txn_begin_read(&txn, other) == CRM_OK);
    CHECK(crm_customer_find_by_email(&c, txn, S("ada@import.example")) == CRM_OK);
    text = crm_customer_text(c, CRM_CUSTOMER_EXTERNAL_ID, &len);
    CHECK(len == 3 && memcmp(text, "A-1", 3) == 0);
    crm_customer_free(c);
    crm_txn_free(txn);
    crm_db_close(other);
  }

  CHECK(crm_import_presets(&presets, &len) == CRM_OK);
  CHECK(strstr(presets, "datablist") != NULL && strstr(presets, "hubspot_contacts") != NULL);
  crm_free(presets);

  CHECK(crm_db_delete_import_job(db, id) == CRM_OK);
  CHECK(crm_db_delete_import_job(db, id) == CRM_ENOTFOUND);
  crm_db_close(db);
}

/* Deals and interactions (records, since 0.12), and a caller built against version 1 of the
 * options. */
static void test_records(void) {
  crm_db* db = open_db("records.crm");
  crm_import_options o;
  crm_import_job* job = NULL;
  crm_txn* txn = NULL;
  crm_opportunity* deal = NULL;
  crm_interaction* call = NULL;
  size_t len = 0;
  const char* text;
  char deals[512], calls[512];

  strcpy(deals, path_of("deals.csv"));
  write_file(deals, "id,name,company,stage,amount\nD-1,Big order,Acme,Proposal,\"1,250.00\"\n");
  strcpy(calls, path_of("calls.csv"));
  write_file(calls, "id,deal id,type,date,duration\nC-1,D-1,call,2024-03-01 10:00,20\nC-2,D-9,call,2024-03-02,5\n");

  /* Version 1 of the struct ends before records: init writes nothing past it. */
  memset(&o, 0x5a, sizeof o);
  CHECK(crm_import_options_init(&o, 1) == CRM_OK);
  CHECK(o.version == 1 && o.records == 0x5a5a5a5a);
  CHECK(crm_db_import(&job, db, deals, &o) == CRM_OK); /* read as customers */
  CHECK(crm_import_job_int(job, CRM_IMPORT_RECORDS) == CRM_IMPORT_RECORDS_CUSTOMERS);
  crm_import_job_free(job);

  CHECK(crm_import_options_init(&o, CRM_IMPORT_OPTIONS_VERSION) == CRM_OK);
  o.records = CRM_IMPORT_RECORDS_OPPORTUNITIES;
  o.pipeline = "Sales";
  CHECK(crm_db_import(&job, db, deals, &o) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_RECORDS) == CRM_IMPORT_RECORDS_OPPORTUNITIES);
  CHECK(crm_import_job_int(job, CRM_IMPORT_CREATED) == 2); /* the deal and Acme */
  text = crm_import_job_text(job, CRM_IMPORT_PIPELINE, &len);
  CHECK(len == 5 && memcmp(text, "Sales", 5) == 0);
  crm_import_job_free(job);

  o.pipeline = NULL;
  o.records = CRM_IMPORT_RECORDS_INTERACTIONS;
  CHECK(crm_db_import(&job, db, calls, &o) == CRM_OK);
  CHECK(crm_import_job_int(job, CRM_IMPORT_CREATED) == 1 && crm_import_job_int(job, CRM_IMPORT_FAILED_ROWS) == 1);
  crm_import_job_free(job);
  o.records = 9;
  CHECK(crm_db_import(&job, db, calls, &o) == CRM_EINVALID && errmsg_has("CRM_IMPORT_RECORDS"));
  o.records = CRM_IMPORT_RECORDS_CUSTOMERS;
  o.preset = "maven_pipeline";
  CHECK(crm_db_import(&job, db, calls, &o) == CRM_EINVALID && errmsg_has("imports opportunities, not customers"));

  {
    uint64_t rows = 0;
    CHECK(crm_db_export(db, path_of("deals-out.jsonl"), CRM_IMPORT_RECORDS_OPPORTUNITIES, CRM_IMPORT_FORMAT_AUTO, NULL, 0,
                        0, &rows) == CRM_OK);
    CHECK(rows == 1);
    CHECK(crm_db_export(db, path_of("calls-out.csv"), CRM_IMPORT_RECORDS_INTERACTIONS, CRM_IMPORT_FORMAT_CSV,
                        S("kind = 'call'"), 0, &rows) == CRM_OK);
    CHECK(rows == 1);
    CHECK(crm_db_export(db, path_of("x.vcf"), CRM_IMPORT_RECORDS_OPPORTUNITIES, CRM_IMPORT_FORMAT_AUTO, NULL, 0, 0,
                        &rows) == CRM_EINVALID && errmsg_has("vCard"));
    CHECK(crm_db_export(db, path_of("y.csv"), 7, CRM_IMPORT_FORMAT_AUTO, NULL, 0, 0, &rows) == CRM_EINVALID);
    crm_txn* w = NULL;
    crm_user* u = NULL;
    CHECK(crm_txn_begin_write(&w, db, S("c-test")) == CRM_OK && crm_user_new(&u) == CRM_OK);
    CHECK(crm_user_set_text(u, CRM_USER_NAME, S("Ann Lee")) == CRM_OK && crm_user_create(w, u) == CRM_OK);
    CHECK(crm_txn_commit(w) == CRM_OK);
    crm_txn_free(w);
    crm_user_free(u);
    CHECK(crm_db_export(db, path_of("u.csv"), CRM_IMPORT_RECORDS_USERS, CRM_IMPORT_FORMAT_AUTO, NULL, 0, 0, &rows) ==
          CRM_OK); /* every user */
    CHECK(rows == 1);
    CHECK(crm_db_export(db, path_of("u2.csv"), CRM_IMPORT_RECORDS_USERS, CRM_IMPORT_FORMAT_AUTO, S("name = 'x'"), 0,
                        &rows) == CRM_EINVALID && errmsg_has("users are exported whole"));
  }
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_opportunity_find_by_external_id(&deal, txn, S("D-1")) == CRM_OK);
  CHECK(crm_opportunity_int(deal, CRM_OPPORTUNITY_AMOUNT) == 125000);
  CHECK(crm_interaction_find_by_external_id(&call, txn, S("C-1")) == CRM_OK);
  CHECK(crm_interaction_int(call, CRM_INTERACTION_DURATION_SECONDS) == 1200);
  crm_interaction_free(call);
  crm_opportunity_free(deal);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_import();
  test_records();
  return finish();
}
