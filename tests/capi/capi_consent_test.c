/* The C ABI's consent (crm_consent.h): records and their history, can-contact with its
 * verdict and reason, double opt-in, the customer's opt-in kept in step, and the withdrawal an
 * import cannot undo. */
#include "capi_support.h"

static crm_consent* grant(uint64_t customer, const char* purpose, int channel, int source) {
  crm_consent* c = NULL;
  CHECK(crm_consent_new(&c) == CRM_OK);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_CUSTOMER, (int64_t)customer) == CRM_OK);
  CHECK(crm_consent_set_text(c, CRM_CONSENT_PURPOSE, purpose, strlen(purpose)) == CRM_OK);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_CHANNEL, channel) == CRM_OK);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_LEGAL_BASIS, CRM_BASIS_CONSENT) == CRM_OK);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_SOURCE, source) == CRM_OK);
  CHECK(crm_consent_set_text(c, CRM_CONSENT_EVIDENCE, S("signup form")) == CRM_OK);
  return c;
}

static int verdict_of(crm_txn* txn, uint64_t customer, int channel, const char* purpose) {
  int verdict = -1;
  CHECK(crm_can_contact(&verdict, NULL, NULL, txn, customer, channel, purpose, strlen(purpose), 0) == CRM_OK);
  return verdict;
}

static void test_consent(void) {
  crm_db* db = open_db("consent.crm");
  crm_customer* person_rec = person("Ada", "Byron", "ada@consent.example");
  const uint64_t id = create(db, person_rec);
  crm_txn* txn = NULL;
  crm_consent* c = NULL;
  crm_consent* confirmed = NULL;
  crm_consent_list* list = NULL;
  crm_customer* got = NULL;
  char* reason = NULL;
  uint64_t decided = 0;
  int verdict = -1;
  int64_t v = 0;
  size_t len = 0;
  const char* text;

  CHECK(crm_txn_begin_write(&txn, db, S("dpo")) == CRM_OK);
  CHECK(verdict_of(txn, id, CRM_CHANNEL_EMAIL, "newsletter") == CRM_VERDICT_NO_CONSENT);
  c = grant(id, "Newsletter", CRM_CHANNEL_EMAIL, CRM_SOURCE_FORM);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_ID, 5) == CRM_EINVALID); /* read-only */
  CHECK(crm_consent_set_int(c, CRM_CONSENT_GRANTED, 2) == CRM_EINVALID);
  CHECK(crm_consent_record(txn, c) == CRM_OK);
  CHECK(crm_consent_get_int(&v, c, CRM_CONSENT_ID) == CRM_OK && v == 1);
  text = crm_consent_text(c, CRM_CONSENT_PURPOSE, &len);
  CHECK(text != NULL && strcmp(text, "newsletter") == 0 && len == 10);
  text = crm_consent_text(c, CRM_CONSENT_ACTOR, &len);
  CHECK(text != NULL && strcmp(text, "dpo") == 0);
  CHECK(crm_can_contact(&verdict, &reason, &decided, txn, id, CRM_CHANNEL_EMAIL, S("newsletter"), 0) == CRM_OK);
  CHECK(verdict == CRM_VERDICT_ALLOWED && decided == 1);
  CHECK(reason != NULL && strstr(reason, "consent record 1") != NULL);
  crm_free(reason);
  CHECK(verdict_of(txn, id, CRM_CHANNEL_SMS, "newsletter") == CRM_VERDICT_NO_ADDRESS);

  /* Double opt-in, once. */
  CHECK(crm_consent_confirm(&confirmed, txn, id, CRM_CHANNEL_EMAIL, S("newsletter"), 0) == CRM_OK);
  CHECK(crm_consent_get_int(&v, confirmed, CRM_CONSENT_CONFIRMED_AT) == CRM_OK && v > 0);
  CHECK(crm_consent_confirm(NULL, txn, id, CRM_CHANNEL_EMAIL, S("newsletter"), 0) == CRM_ECONFLICT);
  crm_consent_free(confirmed);
  crm_consent_free(c);

  /* A withdrawal of marketing by email clears the customer's opt-in; an import cannot grant it again. */
  c = grant(id, "marketing", CRM_CHANNEL_EMAIL, CRM_SOURCE_API);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_GRANTED, 0) == CRM_OK);
  CHECK(crm_consent_record(txn, c) == CRM_EINVALID); /* a withdrawal with a legal basis */
  CHECK(strstr(crm_errmsg(), "legal_basis") != NULL);
  CHECK(crm_consent_set_int(c, CRM_CONSENT_LEGAL_BASIS, CRM_BASIS_NONE) == CRM_OK);
  CHECK(crm_consent_record(txn, c) == CRM_OK);
  crm_consent_free(c);
  CHECK(crm_customer_get(&got, txn, id) == CRM_OK);
  CHECK(crm_customer_int(got, CRM_CUSTOMER_EMAIL_OPT_IN) == 0);
  crm_customer_free(got);
  c = grant(id, "marketing", CRM_CHANNEL_EMAIL, CRM_SOURCE_IMPORT);
  CHECK(crm_consent_record(txn, c) == CRM_EWITHDRAWN);
  CHECK(strstr(crm_errmsg(), "explicit grant") != NULL);
  crm_consent_free(c);
  CHECK(crm_txn_commit(txn) == CRM_OK); /* the refusals wrote nothing: the rest commits */
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_consent_history(&list, txn, id) == CRM_OK);
  CHECK(crm_consent_list_size(list) == 3);
  CHECK(crm_consent_get_int(&v, crm_consent_list_at(list, 2), CRM_CONSENT_GRANTED) == CRM_OK && v == 0);
  CHECK(crm_consent_list_at(list, 3) == NULL);
  crm_consent_list_free(list);
  CHECK(crm_consent_current(&list, txn, id, 0) == CRM_OK && crm_consent_list_size(list) == 2);
  crm_consent_list_free(list);
  CHECK(verdict_of(txn, id, CRM_CHANNEL_EMAIL, "marketing") == CRM_VERDICT_WITHDRAWN);
  CHECK(crm_can_contact(&verdict, NULL, NULL, txn, id + 50, CRM_CHANNEL_EMAIL, S("marketing"), 0) == CRM_ENOTFOUND);
  CHECK(crm_can_contact(&verdict, NULL, NULL, txn, id, 77, S("marketing"), 0) == CRM_EINVALID);
  CHECK(crm_can_contact(NULL, NULL, NULL, txn, id, CRM_CHANNEL_EMAIL, S("marketing"), 0) == CRM_EINVALID);
  CHECK(crm_consent_history(&list, txn, id + 50) == CRM_ENOTFOUND && list == NULL);
  crm_txn_free(txn);
  crm_customer_free(person_rec);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_consent();
  return finish();
}
