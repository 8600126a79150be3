/* Opens a database through the packaged C ABI and counts its customers. */
#include <crm.h>

#include <stdio.h>

int main(int argc, char** argv) {
  crm_db* db = NULL;
  crm_txn* txn = NULL;
  crm_customer_query q = CRM_CUSTOMER_QUERY_INIT;
  uint64_t n = 0;
  int rc = crm_db_open(&db, argc > 1 ? argv[1] : "test_package.crm", NULL);
  if (rc == CRM_OK) rc = crm_txn_begin_read(&txn, db);
  if (rc == CRM_OK) rc = crm_customer_count(&n, txn, &q);
  if (rc != CRM_OK) {
    fprintf(stderr, "libcrm: %s\n", crm_errmsg());
    return 1;
  }
  printf("libcrm %s: %llu customers\n", crm_version(NULL, NULL, NULL), (unsigned long long)n);
  crm_txn_free(txn);
  crm_db_close(db);
  return 0;
}
