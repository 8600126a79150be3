/* The C ABI's customer analytics (crm_analytics.h): purchase facts, the customer reports as
 * tables (churn grouped and banded, cohorts, RFM, top and at-risk customers), one customer's RFM
 * scores and lifetime value, and the refusals that name what is wrong. */
#include "capi_support.h"

#define DAY 86400000000LL
#define T0 1700000000000000LL /* 2023-11-14 */


static void buy(crm_txn* txn, uint64_t customer, int64_t at, int64_t cents) {
  crm_interaction* i = NULL;
  CHECK(crm_interaction_new(&i) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_CUSTOMER, (int64_t)customer) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_KIND, CRM_KIND_PURCHASE) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_OCCURRED_AT, at) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_AMOUNT, cents) == CRM_OK);
  CHECK(crm_interaction_set_text(i, CRM_INTERACTION_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_interaction_log(txn, i) == CRM_OK);
  crm_interaction_free(i);
}

static uint64_t customer(crm_txn* txn, const char* name, const char* plan, int64_t tenure, int churned) {
  crm_customer* c = person(name, "C", NULL);
  uint64_t id;
  CHECK(crm_customer_set_custom(c, S("plan"), CRM_VALUE_TEXT, 0, plan, strlen(plan)) == CRM_OK);
  CHECK(crm_customer_set_custom(c, S("tenure"), CRM_VALUE_INT, tenure, NULL, 0) == CRM_OK);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_STAGE, churned ? CRM_STAGE_CHURNED : CRM_STAGE_CUSTOMER) == CRM_OK);
  CHECK(crm_customer_create(txn, c) == CRM_OK);
  id = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID);
  crm_customer_free(c);
  return id;
}

static void test_analytics(void) {
  crm_db* db = open_db("analytics.crm");
  crm_txn* txn = NULL;
  crm_purchase_facts* f = NULL;
  crm_report* r = NULL;
  crm_customer_report_query q = CRM_CUSTOMER_REPORT_QUERY_INIT;
  crm_customer_report_query v1;
  uint64_t ann, bob, cid, n = 0;
  int64_t first = 0, last = 0, churned = 0, minor = 0, v = 0, historic = 0, avg = 0, predicted = 0;
  double rate = 0, per_year = 0, years = 0;
  const char* currency = NULL;
  const char* text;
  size_t len = 0;
  int report = 0, rs = 0, fs = 0, ms = 0, segment = 0, estimated = -1;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  ann = customer(txn, "Ann", "monthly", 3, 1);
  bob = customer(txn, "Bob", "monthly", 14, 0);
  cid = customer(txn, "Cid", "yearly", 30, 0);
  buy(txn, ann, T0 - 30 * DAY, 1000);
  buy(txn, ann, T0 - 10 * DAY, 2500);
  buy(txn, bob, T0 - 5 * DAY, 9000);
  {
    crm_interaction* call = NULL;
    CHECK(crm_interaction_new(&call) == CRM_OK);
    CHECK(crm_interaction_set_int(call, CRM_INTERACTION_CUSTOMER, (int64_t)bob) == CRM_OK);
    CHECK(crm_interaction_set_int(call, CRM_INTERACTION_KIND, CRM_KIND_CALL) == CRM_OK);
    CHECK(crm_interaction_set_int(call, CRM_INTERACTION_OCCURRED_AT, T0 - DAY) == CRM_OK);
    CHECK(crm_interaction_log(txn, call) == CRM_OK);
    crm_interaction_free(call);
  }
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_purchase_facts_get(&f, txn, ann) == CRM_OK);
  CHECK(crm_purchase_facts_read(f, &n, &first, &last, &churned) == CRM_OK);
  CHECK(n == 2 && first == T0 - 30 * DAY && last == T0 - 10 * DAY && churned > 0);
  CHECK(crm_purchase_facts_total_count(f) == 1);
  CHECK(crm_purchase_facts_total(f, 0, &minor, &currency, &len) == CRM_OK && minor == 3500 && len == 3 &&
        memcmp(currency, "EUR", 3) == 0);
  CHECK(crm_purchase_facts_total(f, 1, &minor, &currency, &len) == CRM_ENOTFOUND);
  CHECK(crm_purchase_facts_read(f, NULL, NULL, NULL, NULL) == CRM_OK);
  crm_purchase_facts_free(f);
  CHECK(crm_purchase_facts_get(&f, txn, 999) == CRM_ENOTFOUND && f == NULL);

  /* Churn by plan: Ann churned when created (now); the period covers it. */
  q.from = 0;
  q.to = INT64_MAX / 4;
  q.group_by = "custom.plan";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_CHURN, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 3); /* monthly, yearly, (all) */
  text = crm_report_text(r, 0, column(r, "group"), &len);
  CHECK(len == 7 && memcmp(text, "monthly", 7) == 0);
  CHECK(crm_report_int(&v, r, 0, column(r, "customers")) == CRM_OK && v == 2);
  CHECK(crm_report_int(&v, r, 0, column(r, "churned")) == CRM_OK && v == 1);
  CHECK(crm_report_real(&rate, r, 2, column(r, "rate")) == CRM_OK && rate > 0.33 && rate < 0.34);
  crm_report_free(r);
  q.group_by = "band(custom.tenure, 12)";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_CHURN, &q) == CRM_OK);
  text = crm_report_text(r, 1, column(r, "group"), &len);
  CHECK(len == 5 && memcmp(text, "12-23", 5) == 0);
  crm_report_free(r);

  /* The most valuable customers, RFM segments, cohorts, at risk. */
  q.currency = "EUR";
  q.currency_len = 3;
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_TOP, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 2);
  CHECK(crm_report_int(&v, r, 0, column(r, "customer")) == CRM_OK && v == (int64_t)bob);
  CHECK(crm_report_int(&v, r, 0, column(r, "value")) == CRM_OK && v == 9000);
  crm_report_free(r);
  CHECK(crm_customer_report_named(&report, S("rfm")) == CRM_OK && report == CRM_CUSTOMER_REPORT_RFM);
  CHECK(crm_customer_report_run(&r, txn, report, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 11);
  text = crm_report_text(r, 0, column(r, "segment"), &len);
  CHECK(len == 9 && memcmp(text, "champions", 9) == 0);
  crm_report_free(r);
  q.from = T0 - 365 * DAY;
  q.to = T0 + 365 * DAY;
  q.months = 2;
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_COHORTS, &q) == CRM_OK);
  CHECK(crm_report_column_count(r) == 5); /* cohort, customers, m0, m1, m2 */
  crm_report_free(r);
  q.from = T0 - 4 * DAY;
  CHECK(crm_customer_report_named(&report, S("at_risk")) == CRM_OK);
  CHECK(crm_customer_report_run(&r, txn, report, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 0); /* Ann churned (not listed); Bob was called yesterday ... */
  crm_report_free(r);
  q.by_purchase = 1;
  CHECK(crm_customer_report_run(&r, txn, report, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 1); /* ... but by purchase Bob, who last bought 5 days ago, is */
  CHECK(crm_report_int(&v, r, 0, column(r, "customer")) == CRM_OK && v == (int64_t)bob);
  CHECK(crm_report_column_type(r, column(r, "churn_risk")) == CRM_COLUMN_REAL);
  CHECK(crm_report_real(&rate, r, 0, column(r, "churn_risk")) == CRM_ENOTFOUND); /* no model yet */
  crm_report_free(r);

  /* One customer: RFM scores and lifetime value. */
  CHECK(crm_rfm_of(txn, bob, S("EUR"), T0, &rs, &fs, &ms, &segment, &v, &n, &minor) == CRM_OK);
  CHECK(rs >= 1 && rs <= 5 && fs >= 1 && ms >= 1 && v == 5 && n == 1 && minor == 9000);
  CHECK(crm_rfm_segment_name(segment) != NULL && crm_rfm_segment_name(0) == NULL);
  CHECK(strcmp(crm_rfm_segment_name(CRM_RFM_CANNOT_LOSE), "cannot_lose") == 0);
  CHECK(crm_rfm_of(txn, cid, S("EUR"), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_ECONFLICT);
  CHECK(crm_lifetime_value(txn, ann, S("EUR"), T0, 90, &estimated, &historic, &avg, &per_year, &rate, &years,
                           &predicted) == CRM_OK);
  /* Nobody bought a year before T0: no churn to estimate a lifetime with. */
  CHECK(estimated == 0 && historic == 3500 && avg == 1750 && per_year > 24 && years == 0 && predicted == historic);

  /* Refusals name what is wrong. */
  q.currency = "EURO";
  q.currency_len = 4;
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_TOP, &q) == CRM_EINVALID && r == NULL);
  CHECK(errmsg_has("currency"));
  q.definition = 9;
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_CHURN, &q) == CRM_EINVALID && errmsg_has("definition"));
  q.definition = CRM_CHURN_NO_PURCHASE;
  q.group_by = "band(custom.tenure, x)";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_CHURN, &q) == CRM_EINVALID && errmsg_has("band"));
  CHECK(crm_customer_report_run(&r, txn, 99, &q) == CRM_EINVALID && errmsg_has("report"));
  CHECK(crm_customer_report_named(&report, S("nope")) == CRM_EINVALID && errmsg_has("nope"));
  CHECK(crm_customer_report_query_init(&v1, 1) == CRM_OK && v1.limit == 50 && v1.months == 12);
  CHECK(crm_customer_report_query_init(&v1, 2) == CRM_EINVALID);
  CHECK(crm_customer_report_run(&r, txn, CRM_CUSTOMER_REPORT_CHURN, NULL) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_churn_risk(void) {
  crm_db* db = open_db("risk.crm");
  crm_txn* txn = NULL;
  crm_churn_risk* r = NULL;
  char* fields = NULL;
  size_t len = 0, flen = 0, vlen = 0;
  const char* field = NULL;
  const char* value = NULL;
  uint32_t minimum = 0;
  uint64_t lead, churned = 0, stayed = 0, fc = 0, fs = 0;
  int model = -1;
  double risk = 0, prior = 0, weight = 0;
  const char* text;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_churn_risk_get_options(txn, &fields, &len, &minimum) == CRM_OK && len == 0 && minimum == 20);
  crm_free(fields);
  CHECK(crm_churn_risk_set_options(txn, S("custom.plan, band(custom.tenure, 12)"), 4) == CRM_OK);
  CHECK(crm_churn_risk_get_options(txn, &fields, &len, &minimum) == CRM_OK && minimum == 4);
  CHECK(strcmp(fields, "custom.plan, band(custom.tenure, 12)") == 0);
  crm_free(fields);
  customer(txn, "A", "monthly", 3, 1);
  customer(txn, "B", "monthly", 5, 1);
  customer(txn, "C", "yearly", 30, 0);
  customer(txn, "D", "yearly", 40, 0);
  customer(txn, "E", "monthly", 14, 0);
  {
    crm_customer* c = person("Lee", "L", NULL);
    CHECK(crm_customer_set_custom(c, S("plan"), CRM_VALUE_TEXT, 0, S("monthly")) == CRM_OK);
    CHECK(crm_customer_set_int(c, CRM_CUSTOMER_STAGE, CRM_STAGE_LEAD) == CRM_OK);
    CHECK(crm_customer_create(txn, c) == CRM_OK);
    lead = (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID);
    crm_customer_free(c);
  }
  CHECK(crm_churn_risk_get(&r, txn, lead) == CRM_OK);
  CHECK(crm_churn_risk_read(r, &model, &risk, &churned, &stayed, &prior) == CRM_OK);
  CHECK(model == 1 && churned == 2 && stayed == 3 && risk > prior && risk < 0.99);
  text = crm_churn_risk_explanation(r, &len);
  CHECK(text != NULL && strstr(text, "learned from 2 churned") == text);
  CHECK(crm_churn_risk_factor_count(r) == 1); /* the lead has no tenure */
  CHECK(crm_churn_risk_factor(r, 0, &field, &flen, &value, &vlen, &fc, &fs, &weight) == CRM_OK);
  CHECK(flen == 11 && memcmp(field, "custom.plan", 11) == 0 && vlen == 7 && fc == 2 && fs == 1 && weight > 0);
  CHECK(crm_churn_risk_factor(r, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  crm_churn_risk_free(r);
  CHECK(crm_churn_risk_get(&r, txn, 9999) == CRM_ENOTFOUND && r == NULL);
  CHECK(crm_churn_risk_set_options(txn, S("stage"), 4) == CRM_EINVALID && errmsg_has("fields[0]"));
  CHECK(crm_churn_risk_set_options(txn, S("custom.plan"), 0) == CRM_EINVALID && errmsg_has("minimum_customers"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_churn_risk_set_options(txn, S("custom.plan"), 4) == CRM_EINVALID); /* a read transaction */
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_analytics();
  test_churn_risk();
  return finish();
}
