// A page of reports (crm/sales.hpp, ReportsToHtml): title, contents, and for each report its
// charts (charts.cc), split as its ReportChart says, then its table.
#include <cmath>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "crm/sales.hpp"
#include "report/html.h"

namespace crm {
namespace report {
namespace {

constexpr std::size_t kTableRows = 1000;  // rows a table shows
constexpr std::size_t kCharts = 12;       // charts a report draws (one per split value)

constexpr const char* kHead = R"(<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:24px auto;max-width:860px;padding:0 16px;background:#fff}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;margin:36px 0 8px;padding-bottom:4px;border-bottom:1px solid #ddd}
nav ol{padding-left:20px;margin:8px 0}figure{margin:12px 0 18px}figcaption{color:#555;font-size:13px;margin-bottom:4px}
svg{display:block;max-width:100%;height:auto}svg text{font-family:system-ui,sans-serif;fill:#333}
table{border-collapse:collapse;font-size:12px;margin:8px 0;display:block;overflow-x:auto}
th,td{padding:2px 8px;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}th{background:#f6f6f6}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#777;font-size:12px}
</style>
)";

// The columns a table shows: all but text columns with no value in any row (the group of a
// report not grouped). ToText also leaves out a text column whose values are all empty texts;
// the page shows that column, empty.
std::vector<std::size_t> Shown(const ReportTable& t) {
  std::vector<std::size_t> shown;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    bool any = t.columns[c].type != ReportColumn::Type::kText;
    for (std::size_t r = 0; r < t.rows.size() && !any; ++r)
      any = c < t.rows[r].size() && !std::holds_alternative<std::monostate>(t.rows[r][c]);
    if (any) shown.push_back(c);
  }
  return shown;
}

std::string Table(const ReportTable& t) {
  const std::vector<std::size_t> shown = Shown(t);
  std::string out = "<table>\n<thead><tr>";
  for (std::size_t c : shown) {
    const bool number = t.columns[c].type != ReportColumn::Type::kText;
    absl::StrAppend(&out, number ? "<th class=\"n\">" : "<th>", Escape(t.columns[c].name), "</th>");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < t.rows.size() && r < kTableRows; ++r) {
    out += "<tr>";
    for (std::size_t c : shown) {
      const bool number = t.columns[c].type != ReportColumn::Type::kText;
      absl::StrAppend(&out, number ? "<td class=\"n\">" : "<td>", Escape(t.CellText(r, c)), "</td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (t.rows.size() > kTableRows)
    absl::StrAppend(&out, "<p class=\"note\">The first ", kTableRows, " of ", t.rows.size(), " rows are shown.</p>\n");
  return out;
}

// The report's charts: its rows split by the values of its split columns, in order of first
// appearance.
std::string Charts(const ReportTable& t) {
  if (t.chart.kind == ReportChart::Kind::kNone || t.rows.empty()) return {};
  // The split columns that have a value in some row (a group of a report not grouped has none);
  // a row without one is captioned "(none)".
  std::vector<std::size_t> split;
  for (const std::string& name : t.chart.split)
    if (std::size_t c = t.ColumnIndex(name); c != SIZE_MAX)
      for (std::size_t r = 0; r < t.rows.size(); ++r)
        if (!t.CellText(r, c).empty()) {
          split.push_back(c);
          break;
        }
  std::vector<std::string> keys;
  std::map<std::string, std::vector<std::size_t>> groups;
  std::map<std::string, std::string> captions;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    std::vector<std::string> parts, named;
    for (std::size_t c : split) {
      parts.push_back(t.CellText(r, c));
      named.push_back(absl::StrCat(t.columns[c].name, ": ", parts.back().empty() ? "(none)" : parts.back()));
    }
    std::string key = absl::StrJoin(parts, "\x1f");
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) {
      keys.push_back(key);
      captions[key] = absl::StrJoin(named, " · ");
    }
    it->second.push_back(r);
  }
  std::string out;
  for (std::size_t k = 0; k < keys.size() && k < kCharts; ++k) out += Chart(t, groups[keys[k]], captions[keys[k]]);
  if (keys.size() > kCharts)
    absl::StrAppend(&out, "<p class=\"note\">", kCharts, " of ", keys.size(), " charts are drawn; the table has every row.</p>\n");
  return out;
}

}  // namespace

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::optional<double> Value(const ReportTable& t, std::size_t row, std::size_t column) {
  if (row >= t.rows.size() || column >= t.columns.size() || column >= t.rows[row].size()) return std::nullopt;
  const ReportCell& v = t.rows[row][column];
  if (const auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? std::optional<double>(*d) : std::nullopt;
  const auto* i = std::get_if<std::int64_t>(&v);
  if (i == nullptr) return std::nullopt;
  double x = static_cast<double>(*i);
  if (t.columns[column].type == ReportColumn::Type::kMoney) {
    const std::size_t currency = t.ColumnIndex("currency");
    const std::string* code = currency < t.rows[row].size() ? std::get_if<std::string>(&t.rows[row][currency]) : nullptr;
    for (int d = code != nullptr ? CurrencyMinorDigits(*code).value_or(0) : 0; d > 0; --d) x /= 10;
  }
  return x;
}

std::string Raw(const ReportTable& t, std::size_t row, std::size_t column) {
  if (row >= t.rows.size() || column >= t.rows[row].size()) return {};
  const ReportCell& v = t.rows[row][column];
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v); d != nullptr && std::isfinite(*d)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return {};
}

}  // namespace report

std::string ReportsToHtml(std::string_view title, const std::vector<ReportTable>& reports) {
  using report::Escape;
  std::string out = absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n", report::kHead, "<title>",
                                 Escape(title), "</title>\n</head>\n<body>\n<h1>", Escape(title), "</h1>\n");
  if (reports.size() > 1) {
    out += "<nav><ol>\n";
    for (std::size_t i = 0; i < reports.size(); ++i)
      absl::StrAppend(&out, "<li><a href=\"#report-", i + 1, "\">", Escape(reports[i].title), "</a></li>\n");
    out += "</ol></nav>\n";
  }
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const ReportTable& t = reports[i];
    absl::StrAppend(&out, "<section class=\"report\" id=\"report-", i + 1, "\">\n<h2>", Escape(t.title), "</h2>\n");
    if (t.rows.empty()) {
      out += "<p class=\"note\">No rows.</p>\n</section>\n";
      continue;
    }
    absl::StrAppend(&out, report::Charts(t), report::Table(t), "</section>\n");
  }
  out += "</body>\n</html>\n";
  return out;
}

std::string ReportTable::ToHtml() const { return ReportsToHtml(title, {*this}); }

}  // namespace crm
