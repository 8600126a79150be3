// The C ABI: customer analytics (crm_analytics.h).
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_purchase_facts {
  crm::PurchaseFacts v;
};
struct crm_churn_risk {
  crm::ChurnRisk v;
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
    query.min_risk = q->min_risk;
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

int crm_churn_risk_get(crm_churn_risk** out, crm_txn* txn, uint64_t customer) {
  return ReadOut<crm::ChurnRisk>(out, txn, [&](crm::ReadTxn& t) { return t.ScoreChurnRisk(customer); });
}

void crm_churn_risk_free(crm_churn_risk* r) { delete r; }

int crm_churn_risk_read(const crm_churn_risk* r, int* model, double* risk, uint64_t* churned, uint64_t* stayed,
                        double* prior) {
  if (r == nullptr) return Invalid("r: is NULL");
  Set(model, r->v.model ? 1 : 0);
  Set(risk, r->v.risk);
  Set(churned, static_cast<uint64_t>(r->v.churned));
  Set(stayed, static_cast<uint64_t>(r->v.stayed));
  Set(prior, r->v.prior);
  return CRM_OK;
}

const char* crm_churn_risk_explanation(const crm_churn_risk* r, size_t* len) {
  if (r == nullptr) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(r->v.explanation, len);
}

size_t crm_churn_risk_factor_count(const crm_churn_risk* r) { return r == nullptr ? 0 : r->v.factors.size(); }

int crm_churn_risk_factor(const crm_churn_risk* r, size_t i, const char** field, size_t* field_len, const char** value,
                          size_t* value_len, uint64_t* churned, uint64_t* stayed, double* weight) {
  if (r == nullptr) return Invalid("r: is NULL");
  if (i >= r->v.factors.size()) return Fail(CRM_ENOTFOUND, "i: past the last factor");
  const crm::ChurnRiskFactor& f = r->v.factors[i];
  if (field != nullptr) *field = Out(f.field, field_len);
  if (value != nullptr) *value = Out(f.value, value_len);
  Set(churned, static_cast<uint64_t>(f.churned));
  Set(stayed, static_cast<uint64_t>(f.stayed));
  Set(weight, f.weight);
  return CRM_OK;
}

int crm_churn_risk_set_options(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_customers) {
  return Guard([&] {
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    std::string text;
    if (int rc = Text(fields, fields_len, "fields", &text); rc != CRM_OK) return rc;
    crm::ChurnRiskOptions o;
    o.minimum_customers = minimum_customers;
    // Split at commas outside parentheses: "band(custom.tenure, 12)" is one field.
    std::string current;
    int depth = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      const char c = i < text.size() ? text[i] : ',';
      if (c == '(') ++depth;
      if (c == ')') --depth;
      if (c == ',' && depth <= 0) {
        const std::size_t a = current.find_first_not_of(" \t"), b = current.find_last_not_of(" \t");
        if (a != std::string::npos) o.fields.push_back(current.substr(a, b - a + 1));
        current.clear();
      } else {
        current.push_back(c);
      }
    }
    return Check(txn->write->SetChurnRiskOptions(o));
  });
}

int crm_churn_risk_get_options(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_customers) {
  return Guard([&] {
    if (fields == nullptr) return Invalid("fields: is NULL");
    *fields = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto o = ReadOf(txn)->GetChurnRiskOptions();
    if (!o.ok()) return Check(o.status());
    Set(minimum_customers, static_cast<uint32_t>(o->minimum_customers));
    std::string joined;
    for (const std::string& f : o->fields) joined += (joined.empty() ? "" : ", ") + f;
    return MallocCopy(joined, fields, fields_len, "the fields");
  });
}
