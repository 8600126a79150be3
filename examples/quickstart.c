/* The README's C example: open a database, add a customer, find it again by email. */
#include <crm.h>

#include <stdio.h>
#include <string.h>

#define S(lit) lit, sizeof(lit) - 1

static int fail(const char* what, int rc) {
  fprintf(stderr, "%s: %s (%s)\n", what, crm_strerror(rc), crm_errmsg());
  return 1;
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "quickstart.crm";
  crm_db* db = NULL;
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  crm_customer* found = NULL;
  int rc;

  if ((rc = crm_db_open(&db, path, NULL)) != CRM_OK) return fail("open", rc);
  crm_customer_new(&c);
  crm_customer_set_text(c, CRM_CUSTOMER_GIVEN_NAME, S("José"));
  crm_customer_set_text(c, CRM_CUSTOMER_FAMILY_NAME, S("Álvarez"));
  crm_customer_set_text(c, CRM_CUSTOMER_EXTERNAL_ID, S("quickstart-c-1"));
  crm_customer_add_email(c, S("jose.c@example.com"), S("work"), 1);
  crm_customer_add_tag(c, S("vip"));

  if ((rc = crm_txn_begin_write(&txn, db, S("quickstart"))) != CRM_OK) return fail("begin", rc);
  if ((rc = crm_customer_upsert(txn, c)) != CRM_OK) return fail("upsert", rc); /* reruns update */
  if ((rc = crm_txn_commit(txn)) != CRM_OK) return fail("commit", rc);
  crm_txn_free(txn);

  crm_txn_begin_read(&txn, db);
  if ((rc = crm_customer_find_by_email(&found, txn, S("JOSE.C@example.com"))) != CRM_OK) return fail("find", rc);
  printf("customer %lld: %s, revision %lld\n", (long long)crm_customer_int(found, CRM_CUSTOMER_ID),
         crm_customer_text(found, CRM_CUSTOMER_DISPLAY_NAME, NULL),
         (long long)crm_customer_int(found, CRM_CUSTOMER_REVISION));
  crm_customer_free(found);
  crm_txn_free(txn);
  crm_customer_free(c);
  crm_db_close(db);
  return 0;
}
