// The C ABI: sales reports as tables (crm_sales.h).
#include <variant>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_report {
  crm::ReportTable table;
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
  return CRM_OK;
}

const crm::ReportCell* CellAt(const crm_report* r, std::size_t row, std::size_t c) {
  if (r == nullptr || row >= r->table.rows.size() || c >= r->table.rows[row].size()) return nullptr;
  return &r->table.rows[row][c];
}

}  // namespace

int crm_sales_query_init(crm_sales_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version != CRM_SALES_QUERY_VERSION) return Invalid("version: not a crm_sales_query version this library knows");
  *q = crm_sales_query CRM_SALES_QUERY_INIT;
  return CRM_OK;
}

int crm_report_run(crm_report** out, crm_txn* txn, int report, const crm_sales_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (report < CRM_REPORT_PIPELINE_SUMMARY || report > CRM_REPORT_LOST_REASONS)
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
