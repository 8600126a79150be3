// What the commands print: tables for people, JSON for programs, times in RFC 3339.
#include <cstdio>
#include <cstdint>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli.h"

namespace crm::cli {

void Check(const absl::Status& s, const std::string& what) {
  if (s.ok()) return;
  std::string message(s.message());
  throw Failure(what.empty() ? message : what + ": " + message);
}

void PrintJson(const nlohmann::ordered_json& j) { std::cout << j.dump(2) << "\n"; }

namespace {
// Characters (code points) in UTF-8 text: what a terminal gives most of them, one column each.
std::size_t Width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace

void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) widths[i] = Width(header[i]);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out += cells[i];
      if (i + 1 < cells.size()) out.append(widths[i] - Width(cells[i]) + 2, ' ');
    }
    out.erase(out.find_last_not_of(' ') + 1);
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

std::string FormatTime(Timestamp t) {
  if (t == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(t), absl::UTCTimeZone());
}

Timestamp ParseTime(const std::string& text, const std::string& option) {
  if (text == "now") return absl::ToUnixMicros(absl::Now());
  absl::Time t;
  std::string error;
  for (const char* format : {"%Y-%m-%d", "%Y-%m-%d%ET%H:%M:%S%Ez", "%Y-%m-%d%ET%H:%M%Ez", "%Y-%m-%d %H:%M:%S"})
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) return absl::ToUnixMicros(t);
  throw Failure(option + ": '" + text + "' is not a date (2024-03-31) or a time (2024-03-31T12:00:00Z)");
}

std::string MoneyText(const Money& m) {
  const int digits = CurrencyMinorDigits(m.currency).value_or(2);
  std::int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const bool negative = m.minor_units < 0;
  const std::uint64_t units = negative ? 0 - static_cast<std::uint64_t>(m.minor_units) : m.minor_units;
  std::string out = absl::StrCat(negative ? "-" : "", units / static_cast<std::uint64_t>(scale));
  if (digits > 0) {
    std::string frac = std::to_string(units % static_cast<std::uint64_t>(scale));
    out += "." + std::string(static_cast<std::size_t>(digits) - frac.size(), '0') + frac;
  }
  return out + " " + m.currency;
}

namespace {
nlohmann::ordered_json CustomJson(const CustomFields& fields) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [name, value] : fields) {
    if (const auto* s = std::get_if<std::string>(&value)) out[name] = *s;
    else if (const auto* n = std::get_if<std::int64_t>(&value)) out[name] = *n;
    else if (const auto* m = std::get_if<Money>(&value)) out[name] = {{"minor_units", m->minor_units}, {"currency", m->currency}};
    else if (const auto* d = std::get_if<DateTime>(&value)) out[name] = FormatTime(d->micros);
    else out[name] = std::get<bool>(value);
  }
  return out;
}
}  // namespace

nlohmann::ordered_json ToJson(const Customer& c) {
  nlohmann::ordered_json j;
  j["id"] = c.id;
  j["revision"] = c.revision;
  j["kind"] = c.kind == CustomerKind::kOrganization ? "organization" : "person";
  j["display_name"] = c.display_name;
  j["given_name"] = c.given_name;
  j["family_name"] = c.family_name;
  j["emails"] = nlohmann::ordered_json::array();
  for (const Email& e : c.emails) j["emails"].push_back({{"address", e.address}, {"label", e.label}, {"primary", e.primary}});
  j["phones"] = nlohmann::ordered_json::array();
  for (const Phone& p : c.phones)
    j["phones"].push_back({{"number", p.number}, {"e164", p.e164}, {"label", p.label}, {"primary", p.primary}});
  j["address"] = {{"street", c.address.street}, {"city", c.address.city}, {"region", c.address.region},
                  {"postal_code", c.address.postal_code}, {"country", c.address.country}};
  j["stage"] = LifecycleStageName(c.stage);
  j["owner"] = c.owner;
  j["tags"] = std::vector<std::string>(c.tags.begin(), c.tags.end());
  j["custom"] = CustomJson(c.custom);
  j["external_id"] = c.external_id;
  j["job_title"] = c.job_title;
  j["department"] = c.department;
  j["industry"] = c.industry;
  j["website"] = c.website;
  j["domains"] = std::vector<std::string>(c.domains.begin(), c.domains.end());
  j["annual_revenue"] = c.annual_revenue.currency.empty() ? "" : MoneyText(c.annual_revenue);
  j["employees"] = c.employees;
  j["account_type"] = AccountTypeName(c.account_type);
  j["parent"] = c.parent;
  j["organizations"] = nlohmann::ordered_json::array();
  for (const Membership& m : c.memberships) j["organizations"].push_back({{"id", m.organization}, {"role", m.role}});
  j["archived"] = c.archived;
  j["created_at"] = FormatTime(c.created_at);
  j["updated_at"] = FormatTime(c.updated_at);
  j["last_interaction_at"] = FormatTime(c.last_interaction_at);
  return j;
}

nlohmann::ordered_json ToJson(const Interaction& i) {
  nlohmann::ordered_json j;
  j["id"] = i.id;
  j["customer"] = i.customer;
  j["kind"] = i.kind == InteractionKind::kOther ? i.kind_label : std::string(InteractionKindName(i.kind));
  j["direction"] = i.direction == Direction::kInbound ? "inbound" : i.direction == Direction::kOutbound ? "outbound" : "";
  j["occurred_at"] = FormatTime(i.occurred_at);
  j["subject"] = i.subject;
  j["body"] = i.body;
  j["outcome"] = i.outcome;
  j["owner"] = i.owner;
  j["duration_seconds"] = i.duration_seconds;
  if (i.amount) j["amount"] = {{"minor_units", i.amount->minor_units}, {"currency", i.amount->currency}};
  j["external_id"] = i.external_id;
  return j;
}

nlohmann::ordered_json ToJson(const Change& c) {
  nlohmann::ordered_json j;
  j["seq"] = c.seq;
  j["at"] = FormatTime(c.at);
  j["actor"] = c.actor;
  j["entity"] = EntityTypeName(c.entity);
  j["id"] = c.entity_id;
  j["op"] = ChangeOpName(c.op);
  j["fields"] = nlohmann::ordered_json::array();
  for (const FieldChange& f : c.fields) j["fields"].push_back({{"field", f.field}, {"before", f.before}, {"after", f.after}});
  if (c.redacted) j["redacted"] = true;
  if (c.trimmed) j["trimmed"] = true;
  return j;
}

nlohmann::ordered_json ToJson(const ReportTable& t) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json j;
    for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c) {
      const ReportCell& v = row[c];
      if (const auto* s = std::get_if<std::string>(&v)) j[t.columns[c].name] = *s;
      else if (const auto* i = std::get_if<std::int64_t>(&v)) j[t.columns[c].name] = *i;
      else if (const auto* d = std::get_if<double>(&v)) j[t.columns[c].name] = *d;
      else j[t.columns[c].name] = nullptr;
    }
    rows.push_back(std::move(j));
  }
  return {{"report", t.title}, {"rows", std::move(rows)}};
}

void AddHtmlOption(CLI::App* command, std::string& path) {
  command->add_option("--html", path, "also write the report as an HTML page with its chart (self-contained: opens offline)");
}

void WriteFile(const std::string& path, const std::string& page) {
  const std::string temp = path + ".tmp";
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) throw Failure(absl::StrCat("--html: cannot write ", temp, ": ", std::strerror(errno)));
  const bool written = std::fwrite(page.data(), 1, page.size(), f) == page.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    std::remove(temp.c_str());
    throw Failure(absl::StrCat("--html: cannot write ", temp, ": ", std::strerror(written ? errno : err)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(temp.c_str());
    throw Failure(absl::StrCat("--html: cannot write ", path, ": ", std::strerror(e)));
  }
}

void PrintReport(const Context& ctx, const ReportTable& t, const std::string& html) {
  if (!html.empty()) {
    WriteFile(html, t.ToHtml());
    std::cerr << "wrote " << html << "\n";
  }
  if (ctx.json) return PrintJson(ToJson(t));
  std::cout << t.ToText();
}

std::string Fixed(double v, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace crm::cli
