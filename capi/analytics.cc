// The C ABI: customer analytics (crm_analytics.h).
#include <cstddef>
#include <cstring>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_purchase_facts {
  crm::PurchaseFacts v;
};

int crm_purchase_facts_get(crm_purchase_facts** out, crm_txn* txn, uint64_t customer) {
  return ReadOut<crm::PurchaseFacts>(out, txn, [&](crm::ReadTxn& t) { return t.GetPurchaseFacts(customer); });
}

void crm_purchase_facts_free(crm_purchase_facts* f) { delete f; }

int crm_purchase_facts_read(const crm_purchase_facts* f, uint64_t* purchases, int64_t* first_purchase_at,
                            int64_t* last_purchase_at, int64_t* churned_at) {
  if (f == nullptr) return Invalid("f: is NULL");
  Set(purchases, static_cast<uint64_t>(f->v.purchases));
  Set(first_purchase_at, static_cast<int64_t>(f->v.first_purchase_at));
  Set(last_purchase_at, static_cast<int64_t>(f->v.last_purchase_at));
  Set(churned_at, static_cast<int64_t>(f->v.churned_at));
  return CRM_OK;
}

size_t crm_purchase_facts_total_count(const crm_purchase_facts* f) { return f == nullptr ? 0 : f->v.totals.size(); }

int crm_purchase_facts_total(const crm_purchase_facts* f, size_t i, int64_t* minor_units, const char** currency,
                             size_t* len) {
  if (f == nullptr) return Invalid("f: is NULL");
  if (i >= f->v.totals.size()) return Fail(CRM_ENOTFOUND, "i: past the last total");
  Set(minor_units, static_cast<int64_t>(f->v.totals[i].minor_units));
  if (currency != nullptr) *currency = Out(f->v.totals[i].currency, len);
  return CRM_OK;
}

int crm_customer_report_query_init(crm_customer_report_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version < 1 || version > CRM_CUSTOMER_REPORT_QUERY_VERSION)
    return Invalid("version: not a crm_customer_report_query version this library knows");
  crm_customer_report_query init = CRM_CUSTOMER_REPORT_QUERY_INIT;
  init.version = version;
  std::memcpy(q, &init, sizeof init);
  return CRM_OK;
}

int crm_customer_report_named(int* out, const char* name, size_t name_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    std::string n;
    if (int rc = Text(name, name_len, "name", &n); rc != CRM_OK) return rc;
    const auto r = crm::ParseCustomerReport(n);
    if (!r) return Fail(CRM_EINVALID, "name: '" + n + "' is not a customer report (churn, cohorts, rfm, top, at_risk)");
    *out = static_cast<int>(*r);
    return CRM_OK;
  });
}

int crm_customer_report_run(crm_report** out, crm_txn* txn, int report, const crm_customer_report_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (report < CRM_CUSTOMER_REPORT_CHURN || report > CRM_CUSTOMER_REPORT_AT_RISK)
      return Invalid("report: not a CRM_CUSTOMER_REPORT_* number");
    if (q == nullptr) return Invalid("q: is NULL");
    if (q->version < 1 || q->version > CRM_CUSTOMER_REPORT_QUERY_VERSION)
      return Invalid("q.version: not a crm_customer_report_query version this library knows (use CRM_CUSTOMER_REPORT_QUERY_INIT)");
    crm::CustomerReportQuery query;
    if (int rc = ParsedFilter(q->filter, q->filter_len, "q.filter", &query.filter); rc != CRM_OK) return rc;
    std::string group_by;
    if (int rc = Text(q->group_by, q->group_by_len, "q.group_by", &group_by); rc != CRM_OK) return rc;
    auto g = crm::Aggregation::ParseGroupBy(group_by);
    if (!g.ok()) return Check(g.status());
    query.group_by = *std::move(g);
    if (int rc = Text(q->time_zone, q->time_zone_len, "q.time_zone", &query.time_zone); rc != CRM_OK) return rc;
    if (query.time_zone.empty()) query.time_zone = "UTC";
    if (int rc = Text(q->currency, q->currency_len, "q.currency", &query.currency); rc != CRM_OK) return rc;
    if (q->definition != CRM_CHURN_LIFECYCLE && q->definition != CRM_CHURN_NO_PURCHASE)
      return Invalid("q.definition: must be CRM_CHURN_LIFECYCLE or CRM_CHURN_NO_PURCHASE");
    query.definition = static_cast<crm::ChurnDefinition>(q->definition);
    query.from = q->from;
    query.to = q->to;
    query.inactive_days = q->inactive_days;
    query.months = q->months;
    query.by_purchase = q->by_purchase != 0;
    query.limit = q->limit;
    query.include_archived = q->include_archived != 0;
    auto table = ReadOf(txn)->GetCustomerReport(static_cast<crm::CustomerReport>(report), query);
    if (!table.ok()) return Check(table.status());
    *out = new crm_report{*std::move(table)};
    return CRM_OK;
  });
}

int crm_rfm_of(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at, int* r, int* f,
               int* m, int* segment, int64_t* recency_days, uint64_t* frequency, int64_t* monetary) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::RfmQuery q;
    if (int rc = Text(currency, currency_len, "currency", &q.currency); rc != CRM_OK) return rc;
    q.at = at;
    auto s = ReadOf(txn)->RfmOf(customer, q);
    if (!s.ok()) return Check(s.status());
    Set(r, s->r);
    Set(f, s->f);
    Set(m, s->m);
    Set(segment, static_cast<int>(s->segment));
    Set(recency_days, static_cast<int64_t>(s->recency_days));
    Set(frequency, static_cast<uint64_t>(s->frequency));
    Set(monetary, static_cast<int64_t>(s->monetary.minor_units));
    return CRM_OK;
  });
}

const char* crm_rfm_segment_name(int segment) {
  if (segment < CRM_RFM_CHAMPIONS || segment > CRM_RFM_LOST) return nullptr;
  return crm::RfmSegmentName(static_cast<crm::RfmSegment>(segment)).data();
}

int crm_lifetime_value(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at,
                       int64_t inactive_days, int* estimated, int64_t* historic, int64_t* average_order,
                       double* purchases_per_year,
                       double* yearly_churn_rate, double* expected_years, int64_t* predicted) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::LifetimeValueQuery q;
    q.customer = customer;
    if (int rc = Text(currency, currency_len, "currency", &q.currency); rc != CRM_OK) return rc;
    q.at = at;
    q.inactive_days = inactive_days;
    auto v = ReadOf(txn)->GetLifetimeValue(q);
    if (!v.ok()) return Check(v.status());
    Set(estimated, v->estimated ? 1 : 0);
    Set(historic, static_cast<int64_t>(v->historic.minor_units));
    Set(average_order, static_cast<int64_t>(v->average_order.minor_units));
    Set(purchases_per_year, v->purchases_per_year);
    Set(yearly_churn_rate, v->yearly_churn_rate);
    Set(expected_years, v->expected_years);
    Set(predicted, static_cast<int64_t>(v->predicted.minor_units));
    return CRM_OK;
  });
}
