/* The C ABI's sales reports (crm_sales.h): tables read by column name and type, errors named. */
#include "capi_support.h"

#include <math.h>

/* A deal of `owner`, closed won (1), lost (2) or left open (0). */
static void deal(crm_db* db, const char* owner, int64_t cents, const char* currency, int outcome) {
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* closed = NULL;
  uint64_t id;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Deal")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, owner, strlen(owner)) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, currency, strlen(currency)) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, cents) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  id = (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID);
  if (outcome == 1) CHECK(crm_opportunity_close_won(&closed, txn, id) == CRM_OK);
  if (outcome == 2) CHECK(crm_opportunity_close_lost(&closed, txn, id, S("price")) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_opportunity_free(closed);
  crm_opportunity_free(o);
  crm_txn_free(txn);
}


static void test_win_rate_and_summary(void) {
  crm_db* db = open_db("sales.crm");
  crm_txn* txn = NULL;
  crm_report* r = NULL;
  crm_sales_query q = CRM_SALES_QUERY_INIT;
  const char* text;
  size_t len = 0;
  int64_t n = 0;
  double rate = 0;
  char* formatted = NULL;
  deal(db, "ann", 1000, "EUR", 1);
  deal(db, "ann", 2500, "EUR", 1);
  deal(db, "ann", 1500, "EUR", 2);
  deal(db, "ann", 999, "EUR", 0);
  deal(db, "bob", 700, "USD", 1);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);

  q.group_by = "owner";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_WIN_RATE, &q) == CRM_OK);
  CHECK(crm_report_column_count(r) == 10 && crm_report_rows(r) == 2);
  text = crm_report_title(r, &len);
  CHECK(text != NULL && strcmp(text, "Win rate") == 0 && len == 8);
  CHECK(crm_report_column_type(r, column(r, "win_rate")) == CRM_COLUMN_REAL);
  CHECK(crm_report_column_type(r, column(r, "won_amount")) == CRM_COLUMN_MONEY);
  CHECK(crm_report_column_type(r, column(r, "group")) == CRM_COLUMN_TEXT);
  CHECK(crm_report_column_type(r, 99) == -1 && crm_report_column_name(r, 99, &len) == NULL && len == 0);
  text = crm_report_text(r, 0, column(r, "group"), &len);
  CHECK(text != NULL && strcmp(text, "ann") == 0 && len == 3);
  CHECK(crm_report_int(&n, r, 0, column(r, "won")) == CRM_OK && n == 2);
  CHECK(crm_report_int(&n, r, 0, column(r, "lost")) == CRM_OK && n == 1);
  CHECK(crm_report_real(&rate, r, 0, column(r, "win_rate")) == CRM_OK && rate == 2.0 / 3.0);
  CHECK(crm_report_int(&n, r, 0, column(r, "won_amount")) == CRM_OK && n == 3500);
  CHECK(crm_report_real(&rate, r, 0, column(r, "value_win_rate")) == CRM_OK && rate == 3500.0 / 5000.0);
  CHECK(strcmp(crm_report_text(r, 1, column(r, "currency"), NULL), "USD") == 0);
  /* Wrong type or place: named errors, no crash. */
  CHECK(crm_report_int(&n, r, 0, column(r, "group")) == CRM_EINVALID && errmsg_has("not an integer"));
  CHECK(crm_report_real(&rate, r, 0, column(r, "won")) == CRM_EINVALID);
  CHECK(crm_report_int(&n, r, 5, 0) == CRM_EINVALID && errmsg_has("out of range"));
  CHECK(crm_report_text(r, 0, column(r, "won"), &len) == NULL && len == 0);
  CHECK(crm_report_int(NULL, r, 0, 0) == CRM_EINVALID);
  CHECK(crm_report_format(&formatted, &len, r) == CRM_OK && strstr(formatted, "Win rate\n") != NULL &&
        strstr(formatted, "35.00") != NULL && len == strlen(formatted));
  crm_free(formatted);
  crm_report_free(r);
  r = NULL;

  q.group_by = NULL;
  q.group_by_len = 0;
  q.filter = "currency = 'EUR'";
  q.filter_len = strlen(q.filter);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_PIPELINE_SUMMARY, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 3); /* the open stage, won, lost */
  CHECK(crm_report_text(r, 0, column(r, "group"), NULL) == NULL); /* not grouped: no value */
  CHECK(crm_report_int(&n, r, 0, column(r, "group")) == CRM_ENOTFOUND);
  CHECK(crm_report_int(&n, r, 1, column(r, "amount")) == CRM_OK && n == 3500);
  CHECK(strcmp(crm_report_text(r, 1, column(r, "outcome"), NULL), "won") == 0);
  /* As an HTML page: a bar per row and series, carrying the amount in minor units. */
  CHECK(crm_report_html(&formatted, &len, r) == CRM_OK && len == strlen(formatted));
  CHECK(strncmp(formatted, "<!DOCTYPE html>", 15) == 0 && strstr(formatted, "<svg") != NULL);
  CHECK(strstr(formatted, "data-series=\"amount\" data-value=\"3500\"") != NULL);
  CHECK(strstr(formatted, "<script") == NULL);
  crm_free(formatted);
  {
    const crm_report* both[2];
    both[0] = r;
    both[1] = r;
    CHECK(crm_reports_html(&formatted, &len, S("Two <pages>"), both, 2) == CRM_OK);
    CHECK(strstr(formatted, "<title>Two &lt;pages&gt;</title>") != NULL && strstr(formatted, "id=\"report-2\"") != NULL);
    crm_free(formatted);
    CHECK(crm_reports_html(&formatted, &len, "\xff", 1, both, 2) == CRM_EINVALID && errmsg_has("title") && formatted == NULL);
    both[1] = NULL;
    CHECK(crm_reports_html(&formatted, &len, S("t"), both, 2) == CRM_EINVALID && errmsg_has("reports[1]"));
    CHECK(crm_reports_html(&formatted, &len, S("t"), NULL, 1) == CRM_EINVALID);
    CHECK(crm_reports_html(&formatted, &len, S("none"), NULL, 0) == CRM_OK && strstr(formatted, "<h1>none</h1>") != NULL);
    crm_free(formatted);
    CHECK(crm_reports_html(NULL, &len, S("t"), both, 1) == CRM_EINVALID);
  }
  CHECK(crm_report_html(&formatted, &len, NULL) == CRM_EINVALID && formatted == NULL);
  CHECK(crm_report_html(NULL, &len, r) == CRM_EINVALID);
  crm_report_free(r);
  r = NULL;

  q.filter = NULL;
  q.filter_len = 0;
  q.period = "2017-Q5";
  q.period_len = strlen(q.period);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_SALES_CYCLE, &q) == CRM_EINVALID && errmsg_has("period: '2017-Q5'") && r == NULL);
  q.period = NULL;
  q.period_len = 0;
  q.group_by = "nonsense";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FUNNEL, &q) == CRM_EINVALID && errmsg_has("group_by"));
  q.group_by = NULL;
  q.group_by_len = 0;
  q.pipeline = 4242;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FUNNEL, &q) == CRM_ENOTFOUND);
  CHECK(crm_report_run(&r, txn, 99, &q) == CRM_EINVALID && errmsg_has("CRM_REPORT_"));
  CHECK(crm_report_run(&r, txn, CRM_REPORT_LOST_REASONS, NULL) == CRM_EINVALID);
  q.version = 7;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_LOST_REASONS, &q) == CRM_EINVALID && errmsg_has("q.version"));
  CHECK(crm_sales_query_init(&q, 1) == CRM_OK && q.from == INT64_MIN && q.to == INT64_MAX);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_LOST_REASONS, &q) == CRM_OK && crm_report_rows(r) == 1);
  CHECK(strcmp(crm_report_text(r, 0, column(r, "reason"), NULL), "price") == 0);
  crm_report_free(r);
  q.group_by = "owner";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_LEADERBOARD, &q) == CRM_OK && crm_report_rows(r) == 2);
  CHECK(strcmp(crm_report_text(r, 0, column(r, "group"), NULL), "ann") == 0); /* EUR before USD */
  CHECK(crm_report_int(&n, r, 0, column(r, "won_amount")) == CRM_OK && n == 3500);
  CHECK(crm_report_int(&n, r, 0, column(r, "open_amount")) == CRM_OK && n == 999);
  CHECK(crm_report_int(&n, r, 1, column(r, "rank")) == CRM_OK && n == 1);
  crm_report_free(r);
  CHECK(crm_report_rows(NULL) == 0 && crm_report_column_count(NULL) == 0 && crm_report_title(NULL, NULL) == NULL);
  crm_report_free(NULL);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_forecast_categories_quotas_and_forecast(void) {
  crm_db* db = open_db("forecast.crm");
  crm_txn* txn = NULL;
  crm_pipeline* p = NULL;
  crm_opportunity* o = NULL;
  crm_user* u = NULL;
  crm_quota_list* quotas = NULL;
  crm_report* r = NULL;
  crm_sales_query q = CRM_SALES_QUERY_INIT;
  uint64_t user = 0, holder = 1, team = 1;
  const char* text = NULL;
  size_t len = 0;
  int64_t n = 0;
  int effective = 0;
  double attainment = 0;
  const int64_t jan15 = INT64_C(1705276800000000); /* 2024-01-15T00:00:00Z */

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_pipeline_new(&p) == CRM_OK);
  CHECK(crm_pipeline_set_name(p, S("Direct")) == CRM_OK);
  CHECK(crm_pipeline_add_stage(p, 0, S("Lead"), 10, CRM_OUTCOME_OPEN) == CRM_OK);
  CHECK(crm_pipeline_add_stage(p, 0, S("Commit"), 90, CRM_OUTCOME_OPEN) == CRM_OK);
  CHECK(crm_pipeline_add_stage(p, 0, S("Won"), 100, CRM_OUTCOME_WON) == CRM_OK);
  CHECK(crm_pipeline_add_stage(p, 0, S("Lost"), 0, CRM_OUTCOME_LOST) == CRM_OK);
  CHECK(crm_pipeline_set_stage_forecast(p, 1, CRM_FORECAST_COMMIT) == CRM_OK);
  CHECK(crm_pipeline_set_stage_forecast(p, 2, CRM_FORECAST_COMMIT) == CRM_OK);
  CHECK(crm_pipeline_create(txn, p) == CRM_EINVALID && errmsg_has("a won stage counts as closed"));
  CHECK(crm_pipeline_set_stage_forecast(p, 2, CRM_FORECAST_AUTO) == CRM_OK);
  CHECK(crm_pipeline_set_stage_forecast(p, 9, CRM_FORECAST_AUTO) == CRM_ENOTFOUND);
  CHECK(crm_pipeline_set_stage_forecast(p, 0, 17) == CRM_EINVALID);
  CHECK(crm_pipeline_create(txn, p) == CRM_OK);
  CHECK(crm_pipeline_stage_forecast(p, 1, &effective) == CRM_FORECAST_COMMIT && effective == CRM_FORECAST_COMMIT);
  CHECK(crm_pipeline_stage_forecast(p, 2, &effective) == CRM_FORECAST_AUTO && effective == CRM_FORECAST_CLOSED);
  CHECK(crm_pipeline_stage_forecast(p, 7, &effective) == -1 && effective == -1);

  CHECK(crm_user_new(&u) == CRM_OK);
  CHECK(crm_user_set_text(u, CRM_USER_NAME, S("Ann")) == CRM_OK);
  CHECK(crm_user_create(txn, u) == CRM_OK);
  user = (uint64_t)crm_user_int(u, CRM_USER_ID);
  CHECK(crm_quota_set(txn, user, 0, S("2024-01"), 100000, S("USD")) == CRM_OK);
  CHECK(crm_quota_set(txn, user, 0, S("2024-q1"), 300000, S("USD")) == CRM_OK);
  CHECK(crm_quota_set(txn, user, 0, S("2024-13"), 1, S("USD")) == CRM_EINVALID && errmsg_has("period"));
  CHECK(crm_quota_set(txn, 4242, 0, S("2024-01"), 1, S("USD")) == CRM_ENOTFOUND);
  CHECK(crm_quota_set(txn, user, 0, S("2024-01"), 0, S("USD")) == CRM_EINVALID && errmsg_has("more than 0"));
  CHECK(crm_quota_delete(txn, user, 0, S("2023-01")) == CRM_ENOTFOUND);

  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Big")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, S("Ann")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("USD")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 50000) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_PIPELINE, (int64_t)crm_pipeline_id(p)) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_EXPECTED_CLOSE, jan15) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_FORECAST_CATEGORY, CRM_FORECAST_CLOSED) == CRM_EINVALID);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_FORECAST_CATEGORY, CRM_FORECAST_BEST_CASE) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_FORECAST_CATEGORY) == CRM_FORECAST_BEST_CASE);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_quota_list_get(&quotas, txn, user, 0) == CRM_OK && crm_quota_list_size(quotas) == 2);
  CHECK(crm_quota_list_at(quotas, 1, &holder, &team, &text, &len, &n, NULL, NULL, NULL) == CRM_OK);
  CHECK(holder == user && team == 0 && strcmp(text, "2024-Q1") == 0 && len == 7 && n == 300000);
  CHECK(crm_quota_list_at(quotas, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_EINVALID);
  crm_quota_list_free(quotas);

  q.group_by = "owner";
  q.group_by_len = strlen(q.group_by);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FORECAST, &q) == CRM_OK && crm_report_rows(r) == 1);
  CHECK(strcmp(crm_report_text(r, 0, column(r, "period"), NULL), "2024-01") == 0);
  CHECK(crm_report_int(&n, r, 0, column(r, "best_case")) == CRM_OK && n == 50000);
  CHECK(crm_report_int(&n, r, 0, column(r, "quota")) == CRM_OK && n == 100000);
  CHECK(crm_report_real(&attainment, r, 0, column(r, "attainment")) == CRM_OK && attainment == 0.0);
  crm_report_free(r);
  r = NULL;
  q.bucket = CRM_BUCKET_QUARTER;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FORECAST, &q) == CRM_OK && crm_report_rows(r) == 1);
  CHECK(strcmp(crm_report_text(r, 0, column(r, "period"), NULL), "2024-Q1") == 0);
  CHECK(crm_report_int(&n, r, 0, column(r, "quota")) == CRM_OK && n == 300000);
  crm_report_free(r);
  r = NULL;
  q.group_by = NULL;
  q.group_by_len = 0;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FORECAST, &q) == CRM_OK && crm_report_rows(r) == 1);
  CHECK(crm_report_int(&n, r, 0, column(r, "quota")) == CRM_ENOTFOUND); /* no group: no quota */
  crm_report_free(r);
  r = NULL;
  q.bucket = 1;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_FORECAST, &q) == CRM_EINVALID && errmsg_has("q.bucket"));
  crm_txn_free(txn);

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_quota_delete(txn, user, 0, S("2024-Q1")) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_opportunity_free(o);
  crm_user_free(u);
  crm_pipeline_free(p);
  crm_db_close(db);
}

static void test_report_names(void) {
  int report = 0;
  CHECK(crm_report_named(&report, S("funnel")) == CRM_OK && report == CRM_REPORT_FUNNEL);
  CHECK(crm_report_named(&report, S("WinRate")) == CRM_OK && report == CRM_REPORT_WIN_RATE);
  CHECK(crm_report_named(&report, S("slipped")) == CRM_OK && report == CRM_REPORT_SLIPPED);
  CHECK(crm_report_named(&report, S("scores")) == CRM_EINVALID && errmsg_has("pipeline, winrate, cycle, funnel, lost"));
  CHECK(crm_report_named(NULL, S("lost")) == CRM_EINVALID);
}

/* Deal scores: two won deals of ann, one lost of bob, and ann's open deal scored from them. */
static void test_deal_scores(void) {
  crm_db* db = open_db("scores.crm");
  crm_txn* txn = NULL;
  crm_deal_score* s = NULL;
  char* fields = NULL;
  size_t len = 0;
  uint32_t minimum = 0;
  uint64_t won = 0, lost = 0, fw = 0, fl = 0;
  double probability = 0, prior = 0, weight = 0, x;
  int basis = 0;
  const char *field, *value, *text;
  deal(db, "ann", 1000, "EUR", 1);
  deal(db, "ann", 2500, "EUR", 1);
  deal(db, "bob", 1500, "EUR", 2);
  deal(db, "ann", 999, "EUR", 0); /* opportunity 4 */
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_scoring_set(txn, S("owner, bogus"), 3) == CRM_EINVALID && errmsg_has("fields[1]") && errmsg_has("bogus"));
  CHECK(crm_scoring_set(txn, S("owner"), 0) == CRM_EINVALID && errmsg_has("minimum_closed"));
  CHECK(crm_scoring_set(txn, S(" owner "), 3) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_scoring_get(txn, &fields, &len, &minimum) == CRM_OK);
  CHECK(strcmp(fields, "owner") == 0 && len == 5 && minimum == 3);
  crm_free(fields);
  CHECK(crm_deal_score_get(&s, txn, 99) == CRM_ENOTFOUND && s == NULL);
  CHECK(crm_deal_score_get(&s, txn, 4) == CRM_OK);
  CHECK(crm_deal_score_read(s, &probability, &basis, &won, &lost, &prior) == CRM_OK);
  CHECK(basis == CRM_SCORE_MODEL && won == 2 && lost == 1 && fabs(prior - 60.0) < 1e-9);
  /* ln(3/2) + stage: every deal passed the first stage + owner ann: 2 won, none lost */
  x = log(3.0 / 2) + log((3.0 / 4) / (2.0 / 3)) + log((3.0 / 4) / (1.0 / 3));
  CHECK(fabs(probability - 100 / (1 + exp(-x))) < 1e-9);
  CHECK(crm_deal_score_factor_count(s) == 2);
  CHECK(crm_deal_score_factor(s, 0, &field, &len, &value, NULL, &fw, &fl, &weight) == CRM_OK);
  CHECK(strcmp(field, "owner") == 0 && len == 5 && strcmp(value, "ann") == 0 && fw == 2 && fl == 0);
  CHECK(fabs(weight - log((3.0 / 4) / (1.0 / 3))) < 1e-12);
  CHECK(crm_deal_score_factor(s, 1, &field, NULL, &value, NULL, NULL, NULL, NULL) == CRM_OK);
  CHECK(strcmp(field, "stage") == 0 && strcmp(value, "Prospecting") == 0);
  CHECK(crm_deal_score_factor(s, 2, &field, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_EINVALID && errmsg_has("out of range"));
  text = crm_deal_score_explanation(s, &len);
  CHECK(text != NULL && strstr(text, "3 closed deals") != NULL && len == strlen(text));
  crm_deal_score_free(s);
  CHECK(crm_deal_score_get(&s, txn, 1) == CRM_OK); /* won */
  CHECK(crm_deal_score_read(s, &probability, &basis, NULL, NULL, NULL) == CRM_OK);
  CHECK(basis == CRM_SCORE_CLOSED && probability == 100 && crm_deal_score_factor_count(s) == 0);
  crm_deal_score_free(s);
  CHECK(crm_deal_score_read(NULL, &probability, NULL, NULL, NULL, NULL) == CRM_EINVALID);
  CHECK(crm_deal_score_explanation(NULL, &len) == NULL && len == 0);
  crm_txn_free(txn);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_scoring_set(txn, S(""), 10) == CRM_OK);
  CHECK(crm_deal_score_get(&s, txn, 4) == CRM_OK);
  CHECK(crm_deal_score_read(s, &probability, &basis, NULL, NULL, NULL) == CRM_OK);
  CHECK(basis == CRM_SCORE_STAGE_PROBABILITY && probability == 10);
  text = crm_deal_score_explanation(s, NULL);
  CHECK(strstr(text, "at least 10") != NULL);
  crm_deal_score_free(s);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Exchange rates, a report in a reporting currency, and the version-1 query a caller built
 * against 0.13 passes. */
static void test_rates_and_reporting_currency(void) {
  crm_db* db = open_db("rates.crm");
  crm_txn* txn = NULL;
  crm_rate_list* l = NULL;
  crm_report* r = NULL;
  crm_sales_query q = CRM_SALES_QUERY_INIT;
  crm_sales_query old;
  const char *from, *to;
  char* rate = NULL;
  size_t n = 0;
  int64_t effective = 0, billionths = 0, converted = 0, amount = 0;
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_rate_set(txn, S("EUR"), S("USD"), 0, S("1.25")) == CRM_OK);
  CHECK(crm_rate_set(txn, S("EUR"), S("USD"), 0, S("1,25")) == CRM_EINVALID && errmsg_has("rate: '1,25'"));
  CHECK(crm_rate_set(txn, S("EUR"), S("EUR"), 0, S("1")) == CRM_EINVALID && errmsg_has("to"));
  CHECK(crm_rate_set(txn, S("GBP"), S("USD"), 1000, S("1.5")) == CRM_OK);
  CHECK(crm_rate_delete(txn, S("GBP"), S("USD"), 1000) == CRM_OK);
  CHECK(crm_rate_delete(txn, S("GBP"), S("USD"), 1000) == CRM_ENOTFOUND);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  deal(db, "ann", 1001, "EUR", 1); /* 10.01 EUR: 12.5125 USD, rounded to 12.51 */
  deal(db, "ann", 500, "USD", 1);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_rate_list_get(&l, txn, S("eur"), NULL, 0) == CRM_OK && crm_rate_list_size(l) == 1);
  CHECK(crm_rate_list_at(l, 0, &from, &n, &to, NULL, &effective, &billionths, &rate, NULL) == CRM_OK);
  CHECK(strcmp(from, "EUR") == 0 && n == 3 && strcmp(to, "USD") == 0 && effective == 0 && billionths == 1250000000);
  CHECK(strcmp(rate, "1.25") == 0);
  crm_free(rate);
  CHECK(crm_rate_list_at(l, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_EINVALID);
  crm_rate_list_free(l);
  CHECK(crm_money_convert(&converted, txn, 1001, S("EUR"), S("USD"), 5) == CRM_OK && converted == 1251);
  CHECK(crm_money_convert(&converted, txn, 1001, S("EUR"), S("USD"), -5) == CRM_ECONFLICT &&
        errmsg_has("no exchange rate from EUR to USD in effect on 1969-12-31"));
  q.currency = "USD";
  q.currency_len = 3;
  CHECK(crm_report_run(&r, txn, CRM_REPORT_WIN_RATE, &q) == CRM_OK && crm_report_rows(r) == 1);
  CHECK(crm_report_int(&amount, r, 0, column(r, "won_amount")) == CRM_OK && amount == 1251 + 500);
  crm_report_free(r);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_SLIPPED, &q) == CRM_OK && crm_report_rows(r) == 0);
  CHECK(crm_report_column_count(r) == 9 && column(r, "days") == 8);
  crm_report_free(r);
  q.currency = "GBP";
  CHECK(crm_report_run(&r, txn, CRM_REPORT_WIN_RATE, &q) == CRM_ECONFLICT && errmsg_has("from EUR to GBP") && r == NULL);
  /* A version-1 caller's struct ends before `currency`: init writes nothing past it, and the
   * report reads nothing past it (per currency: two rows). */
  memset(&old, 0x5A, sizeof old);
  CHECK(crm_sales_query_init(&old, 1) == CRM_OK && old.version == 1 && old.bucket == CRM_BUCKET_MONTH);
  CHECK(((const unsigned char*)&old.currency)[0] == 0x5A);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_WIN_RATE, &old) == CRM_OK && crm_report_rows(r) == 2);
  crm_report_free(r);
  CHECK(crm_sales_query_init(&old, 3) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_win_rate_and_summary();
  test_forecast_categories_quotas_and_forecast();
  test_report_names();
  test_deal_scores();
  test_rates_and_reporting_currency();
  return finish();
}
