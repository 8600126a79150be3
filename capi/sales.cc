// The C ABI: sales reports as tables (crm_sales.h).
#include <cstddef>
#include <cstring>
#include <variant>
#include <vector>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_quota_list {
  std::vector<crm::Quota> v;
};

namespace {

int ToQuery(const crm_sales_query* q, crm::SalesQuery* out) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (q->version < 1 || q->version > CRM_SALES_QUERY_VERSION)
    return Invalid("q.version: not a crm_sales_query version this library knows (use CRM_SALES_QUERY_INIT)");
  std::string filter;
  if (int rc = Text(q->filter, q->filter_len, "q.filter", &filter); rc != CRM_OK) return rc;
  auto f = crm::Filter::Parse(filter);
  if (!f.ok()) return Check(f.status());
  out->filter = *std::move(f);
  if (int rc = Text(q->group_by, q->group_by_len, "q.group_by", &out->group_by); rc != CRM_OK) return rc;
  if (int rc = Text(q->period, q->period_len, "q.period", &out->period); rc != CRM_OK) return rc;
  if (int rc = Text(q->time_zone, q->time_zone_len, "q.time_zone", &out->time_zone); rc != CRM_OK) return rc;
  if (out->time_zone.empty()) out->time_zone = "UTC";
  out->from = q->from;
  out->to = q->to;
  out->pipeline = q->pipeline;
  if (q->bucket != CRM_BUCKET_MONTH && q->bucket != CRM_BUCKET_QUARTER)
    return Invalid("q.bucket: must be CRM_BUCKET_MONTH or CRM_BUCKET_QUARTER");
  out->bucket = static_cast<crm::TimeBucket>(q->bucket);
  if (q->version >= 2)
    if (int rc = Text(q->currency, q->currency_len, "q.currency", &out->currency); rc != CRM_OK) return rc;
  return CRM_OK;
}

const crm::ReportCell* CellAt(const crm_report* r, std::size_t row, std::size_t c) {
  if (r == nullptr || row >= r->table.rows.size() || c >= r->table.rows[row].size()) return nullptr;
  return &r->table.rows[row][c];
}

}  // namespace

int crm_sales_query_init(crm_sales_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version < 1 || version > CRM_SALES_QUERY_VERSION)
    return Invalid("version: not a crm_sales_query version this library knows");
  crm_sales_query init = CRM_SALES_QUERY_INIT;
  init.version = version;
  std::memcpy(q, &init, version == 1 ? offsetof(crm_sales_query, currency) : sizeof init);
  return CRM_OK;
}

int crm_report_run(crm_report** out, crm_txn* txn, int report, const crm_sales_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (report < CRM_REPORT_PIPELINE_SUMMARY || report > CRM_REPORT_PRODUCTS)
      return Invalid("report: not a CRM_REPORT_* this library knows");
    crm::SalesQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    auto table = ReadOf(txn)->GetReport(static_cast<crm::SalesReport>(report), query);
    if (!table.ok()) return Check(table.status());
    return Give(out, crm_report{*std::move(table)});
  });
}

int crm_report_named(int* out, const char* name, size_t name_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    std::string text;
    if (int rc = Text(name, name_len, "name", &text); rc != CRM_OK) return rc;
    auto r = crm::ParseSalesReport(text);
    if (!r.ok()) return Check(r.status());
    *out = static_cast<int>(*r);
    return CRM_OK;
  });
}

void crm_report_free(crm_report* r) { delete r; }

const char* crm_report_title(const crm_report* r, size_t* len) {
  if (r == nullptr) {
    Set<std::size_t>(len, 0);
    return nullptr;
  }
  return Out(r->table.title, len);
}

size_t crm_report_column_count(const crm_report* r) { return r == nullptr ? 0 : r->table.columns.size(); }

const char* crm_report_column_name(const crm_report* r, size_t c, size_t* len) {
  if (r == nullptr || c >= r->table.columns.size()) {
    Set<std::size_t>(len, 0);
    return nullptr;
  }
  return Out(r->table.columns[c].name, len);
}

int crm_report_column_type(const crm_report* r, size_t c) {
  if (r == nullptr || c >= r->table.columns.size()) return -1;
  switch (r->table.columns[c].type) {
    case crm::ReportColumn::Type::kText: return CRM_COLUMN_TEXT;
    case crm::ReportColumn::Type::kInt: return CRM_COLUMN_INT;
    case crm::ReportColumn::Type::kReal: return CRM_COLUMN_REAL;
    case crm::ReportColumn::Type::kMoney: return CRM_COLUMN_MONEY;
  }
  return -1;
}

size_t crm_report_rows(const crm_report* r) { return r == nullptr ? 0 : r->table.rows.size(); }

const char* crm_report_text(const crm_report* r, size_t row, size_t c, size_t* len) {
  const crm::ReportCell* cell = CellAt(r, row, c);
  const auto* s = cell == nullptr ? nullptr : std::get_if<std::string>(cell);
  if (s == nullptr) {
    Set<std::size_t>(len, 0);
    return nullptr;
  }
  return Out(*s, len);
}

int crm_report_int(int64_t* out, const crm_report* r, size_t row, size_t c) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    const crm::ReportCell* cell = CellAt(r, row, c);
    if (cell == nullptr) return Invalid("row or c: out of range (or r is NULL)");
    if (std::holds_alternative<std::monostate>(*cell)) return Fail(CRM_ENOTFOUND, "this cell has no value");
    const auto* i = std::get_if<std::int64_t>(cell);
    if (i == nullptr) return Invalid("this cell is not an integer: read it with crm_report_text or crm_report_real");
    *out = *i;
    return CRM_OK;
  });
}

int crm_report_real(double* out, const crm_report* r, size_t row, size_t c) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    const crm::ReportCell* cell = CellAt(r, row, c);
    if (cell == nullptr) return Invalid("row or c: out of range (or r is NULL)");
    if (std::holds_alternative<std::monostate>(*cell)) return Fail(CRM_ENOTFOUND, "this cell has no value");
    const auto* d = std::get_if<double>(cell);
    if (d == nullptr) return Invalid("this cell is not a real number: read it with crm_report_text or crm_report_int");
    *out = *d;
    return CRM_OK;
  });
}

int crm_report_format(char** out, size_t* len, const crm_report* r) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (r == nullptr) return Invalid("r: is NULL");
    return MallocCopy(r->table.ToText(), out, len, "the report");
  });
}

int crm_report_html(char** out, size_t* len, const crm_report* r) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (r == nullptr) return Invalid("r: is NULL");
    return MallocCopy(r->table.ToHtml(), out, len, "the page");
  });
}

int crm_reports_html(char** out, size_t* len, const char* title, size_t title_len, const crm_report* const* reports,
                     size_t count) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    std::string heading;
    if (int rc = Text(title, title_len, "title", &heading); rc != CRM_OK) return rc;
    if (reports == nullptr && count != 0) return Invalid("reports: NULL with a non-zero count");
    std::vector<crm::ReportTable> tables;
    for (size_t i = 0; i < count; ++i) {
      if (reports[i] == nullptr) return Fail(CRM_EINVALID, "reports[" + std::to_string(i) + "]: is NULL");
      tables.push_back(reports[i]->table);
    }
    return MallocCopy(crm::ReportsToHtml(heading, tables), out, len, "the page");
  });
}

int crm_quota_set(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len, int64_t target,
                  const char* currency, size_t currency_len) {
  return Guard([&] {
    crm::Quota q;
    q.user = user;
    q.team = team;
    q.target.minor_units = target;
    if (int rc = Text(period, period_len, "period", &q.period); rc != CRM_OK) return rc;
    if (int rc = Text(currency, currency_len, "currency", &q.target.currency); rc != CRM_OK) return rc;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.SetQuota(q).status(); });
  });
}

int crm_quota_delete(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len) {
  return Guard([&] {
    std::string text;
    if (int rc = Text(period, period_len, "period", &text); rc != CRM_OK) return rc;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteQuota(user, team, text); });
  });
}

int crm_quota_list_get(crm_quota_list** out, crm_txn* txn, uint64_t user, uint64_t team) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->ListQuotas(user, team);
    if (!all.ok()) return Check(all.status());
    return Give(out, crm_quota_list{*std::move(all)});
  });
}

void crm_quota_list_free(crm_quota_list* l) { delete l; }

size_t crm_quota_list_size(const crm_quota_list* l) { return l == nullptr ? 0 : l->v.size(); }

int crm_quota_list_at(const crm_quota_list* l, size_t i, uint64_t* user, uint64_t* team, const char** period,
                      size_t* period_len, int64_t* target, const char** currency, size_t* currency_len,
                      int64_t* updated_at) {
  return Guard([&] {
    if (l == nullptr || i >= l->v.size()) return Invalid("i: out of range (or l is NULL)");
    const crm::Quota& q = l->v[i];
    Set(user, static_cast<uint64_t>(q.user));
    Set(team, static_cast<uint64_t>(q.team));
    if (period != nullptr) *period = Out(q.period, period_len);
    Set(target, q.target.minor_units);
    if (currency != nullptr) *currency = Out(q.target.currency, currency_len);
    Set(updated_at, q.updated_at);
    return CRM_OK;
  });
}

struct crm_rate_list {
  std::vector<crm::ExchangeRate> v;
};

int crm_rate_set(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len, int64_t effective,
                 const char* rate, size_t rate_len) {
  return Guard([&] {
    crm::ExchangeRate r;
    std::string text;
    if (int rc = Text(from, from_len, "from", &r.from); rc != CRM_OK) return rc;
    if (int rc = Text(to, to_len, "to", &r.to); rc != CRM_OK) return rc;
    if (int rc = Text(rate, rate_len, "rate", &text); rc != CRM_OK) return rc;
    auto billionths = crm::ExchangeRate::ParseRate(text);
    if (!billionths.ok()) return Check(billionths.status());
    r.effective = effective;
    r.billionths = *billionths;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.SetExchangeRate(r).status(); });
  });
}

int crm_rate_delete(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len, int64_t effective) {
  return Guard([&] {
    std::string f, t;
    if (int rc = Text(from, from_len, "from", &f); rc != CRM_OK) return rc;
    if (int rc = Text(to, to_len, "to", &t); rc != CRM_OK) return rc;
    return WriteStatus(txn, [&](crm::WriteTxn& w) { return w.DeleteExchangeRate(f, t, effective); });
  });
}

int crm_rate_list_get(crm_rate_list** out, crm_txn* txn, const char* from, size_t from_len, const char* to,
                      size_t to_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    std::string f, t;
    if (int rc = Text(from, from_len, "from", &f); rc != CRM_OK) return rc;
    if (int rc = Text(to, to_len, "to", &t); rc != CRM_OK) return rc;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->ListExchangeRates(f, t);
    if (!all.ok()) return Check(all.status());
    return Give(out, crm_rate_list{*std::move(all)});
  });
}

void crm_rate_list_free(crm_rate_list* l) { delete l; }

size_t crm_rate_list_size(const crm_rate_list* l) { return l == nullptr ? 0 : l->v.size(); }

int crm_rate_list_at(const crm_rate_list* l, size_t i, const char** from, size_t* from_len, const char** to,
                     size_t* to_len, int64_t* effective, int64_t* billionths, char** rate, int64_t* updated_at) {
  return Guard([&] {
    if (l == nullptr || i >= l->v.size()) return Invalid("i: out of range (or l is NULL)");
    const crm::ExchangeRate& r = l->v[i];
    if (from != nullptr) *from = Out(r.from, from_len);
    if (to != nullptr) *to = Out(r.to, to_len);
    Set(effective, r.effective);
    Set(billionths, r.billionths);
    Set(updated_at, r.updated_at);
    if (rate != nullptr) return MallocCopy(r.RateText(), rate, nullptr, "the rate");
    return CRM_OK;
  });
}

int crm_money_convert(int64_t* out, crm_txn* txn, int64_t minor, const char* from, size_t from_len, const char* to,
                      size_t to_len, int64_t at) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    crm::Money m;
    m.minor_units = minor;
    std::string t;
    if (int rc = Text(from, from_len, "from", &m.currency); rc != CRM_OK) return rc;
    if (int rc = Text(to, to_len, "to", &t); rc != CRM_OK) return rc;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto converted = ReadOf(txn)->ConvertMoney(m, t, at);
    if (!converted.ok()) return Check(converted.status());
    *out = converted->minor_units;
    return CRM_OK;
  });
}
