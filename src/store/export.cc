// Exporting customers, deals, interactions, products and users to files an import reads back (crm/import.hpp).
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/strings.h"
#include "crm/store.hpp"
#include "imports/outfile.h"
#include "imports/source.h"
#include "imports/vcard.h"
#include "nlohmann/json.hpp"

namespace crm {
namespace {

constexpr const char* kColumns[] = {
    "external_id", "kind",     "display_name", "given_name",   "family_name", "email",
    "phone",       "address.street", "address.city", "address.region", "address.postal_code", "address.country",
    "stage",       "owner",    "tags",         "job_title",    "department",  "industry",
    "website",     "annual_revenue", "employees", "account_type", "organization", "parent",
    "email_opt_in", "email_legal_basis", "email_opt_in_at", "do_not_call", "created_at", "updated_at"};

constexpr const char* kDealColumns[] = {
    "external_id", "title",  "customer_external_id", "customer_email", "customer",    "pipeline",
    "stage",       "amount", "probability",          "expected_close", "owner",       "lost_reason",
    "created_at",  "closed_at", "updated_at"};

// A product's row per list price (the import merges a code's rows' prices); one without a price
// when it has none.
constexpr const char* kProductColumns[] = {"code", "name", "family", "description", "active", "price",
                                           "created_at", "updated_at"};

// A user's manager by login (else name), and its team by name: what an import of users reads.
// Rows come managers first, so that reading them back finds each manager already there.
constexpr const char* kUserColumns[] = {"name", "login", "email", "active", "team", "team_region", "manager"};

constexpr const char* kActivityColumns[] = {
    "external_id", "customer_external_id", "customer_email", "customer", "kind",    "direction",
    "occurred_at", "duration_seconds",     "subject",        "body",     "outcome", "satisfaction",
    "amount",      "owner",                "opportunity_external_id",    "due_at",  "done",
    "created_at",  "updated_at"};

std::string When(Timestamp t) {
  if (t == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", absl::FromUnixMicros(t), absl::UTCTimeZone());
}

std::string MoneyOf(const Money& m) {
  if (m.currency.empty()) return "";
  const int digits = CurrencyMinorDigits(m.currency).value_or(2);
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const bool negative = m.minor_units < 0;
  const std::uint64_t units = negative ? 0 - static_cast<std::uint64_t>(m.minor_units) : static_cast<std::uint64_t>(m.minor_units);
  std::string out = absl::StrCat(m.currency, " ", negative ? "-" : "", units / scale);
  if (digits > 0) {
    std::string frac = std::to_string(units % scale);
    frac.insert(0, static_cast<std::size_t>(digits) - frac.size(), '0');
    absl::StrAppend(&out, ".", frac);
  }
  return out;
}

// A custom field's column: its name and the type of its values.
std::string CustomColumn(const std::string& name, const CustomValue& v) {
  static constexpr const char* kTypes[] = {"", ":int", ":money", ":date", ":bool"};
  return absl::StrCat("custom.", name, kTypes[v.index()]);
}

std::string CustomText(const CustomValue& v) {
  switch (v.index()) {
    case 0: return std::get<std::string>(v);
    case 1: return std::to_string(std::get<std::int64_t>(v));
    case 2: return MoneyOf(std::get<Money>(v));
    case 3: return When(std::get<DateTime>(v).micros);
    default: return std::get<bool>(v) ? "true" : "false";
  }
}

// The cells of one customer: a single value, or a list.
using Cell = std::variant<std::string, std::vector<std::string>>;

class Exporter {
 public:
  Exporter(const ReadTxn& txn, const ExportOptions& options) : txn_(txn), options_(options) {}

  absl::StatusOr<ExportReport> Run() {
    auto filter = Filter::Parse(options_.where);
    if (!filter.ok()) return absl::InvalidArgumentError(absl::StrCat("where: ", filter.status().message()));
    search_.filter = *filter;
    search_.include_archived = options_.include_archived;
    search_.limit = 1000;
    std::string path = options_.path;
    if (path.empty()) return absl::InvalidArgumentError("path: name the file to write");
    format_ = options_.format;
    if (format_ == ImportFormat::kAuto)
      format_ = imports::FormatOfPath(path);
    records_ = options_.records == ImportRecords::kAuto ? ImportRecords::kCustomers : options_.records;
    if (ImportRecordsName(records_).empty()) return absl::InvalidArgumentError("records: an unknown kind of records");
    if ((records_ == ImportRecords::kProducts || records_ == ImportRecords::kUsers) && !options_.where.empty())
      return absl::InvalidArgumentError(absl::StrCat("where: ", Av(ImportRecordsName(records_)),
                                                     " are exported whole (a filter reads deals, customers or interactions)"));
    if (format_ == ImportFormat::kVCard && records_ != ImportRecords::kCustomers)
      return absl::InvalidArgumentError(
          absl::StrCat("format: a vCard file holds customers, not ", Av(ImportRecordsName(records_))));
    // First pass: the custom fields' columns, and how many records there are.
    std::uint64_t total = 0;
    std::map<std::string, int> customs;
    if (auto s = Each([&](const CustomFields& custom, const auto&) {
          ++total;
          for (const auto& [name, value] : custom) customs.emplace(CustomColumn(name, value), 0);
          return absl::OkStatus();
        });
        !s.ok())
      return s;
    ExportReport report;
    if (records_ == ImportRecords::kOpportunities) report.columns.assign(std::begin(kDealColumns), std::end(kDealColumns));
    else if (records_ == ImportRecords::kProducts)
      report.columns.assign(std::begin(kProductColumns), std::end(kProductColumns));
    else if (records_ == ImportRecords::kInteractions)
      report.columns.assign(std::begin(kActivityColumns), std::end(kActivityColumns));
    else if (records_ == ImportRecords::kUsers)
      report.columns.assign(std::begin(kUserColumns), std::end(kUserColumns));
    else report.columns.assign(std::begin(kColumns), std::end(kColumns));
    for (const auto& [column, unused] : customs) report.columns.push_back(column);
    imports::OutFile file;
    if (auto s = file.Create(path); !s.ok()) return s;
    if (format_ == ImportFormat::kCsv) {
      std::vector<std::string> header;
      for (const std::string& c : report.columns) header.push_back(imports::CsvField(c));
      if (auto s = file.Write(absl::StrCat(absl::StrJoin(header, ","), "\r\n")); !s.ok()) return s;
    }
    auto s = Each([&](const CustomFields&, const auto& record) -> absl::Status {
      auto line = Line(record, report.columns);
      if (!line.ok()) return line.status();
      if (auto w = file.Write(*line); !w.ok()) return w;
      if (++report.rows % 1000 == 0 && options_.progress && !options_.progress(report.rows, total))
        return absl::CancelledError("export: stopped by the progress callback");
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    if (auto f = file.Finish(); !f.ok()) return f;
    if (options_.progress) options_.progress(report.rows, total);
    report.bytes = file.bytes();
    return report;
  }

 private:
  // Calls fn(custom fields, record) for every record the search finds, by id.
  template <class Fn>
  absl::Status Each(Fn fn) {
    Search s = search_;
    for (;;) {
      std::string next;
      absl::Status st;
      const auto each = [&](const auto& page, const auto& records) {
        next = page.next_page_token;
        for (const auto& r : records)
          if (st = fn(r.custom, r); !st.ok()) return;
      };
      if (records_ == ImportRecords::kUsers) {  // few: read whole
        auto all = ManagersFirst();
        if (!all.ok()) return all.status();
        const CustomFields none;
        for (const User& u : *all)
          if (st = fn(none, u); !st.ok()) return st;
        return absl::OkStatus();
      }
      if (records_ == ImportRecords::kProducts) {  // few: read whole
        auto all = txn_.ListProducts(false);
        if (!all.ok()) return all.status();
        const CustomFields none;
        for (const Product& p : *all)
          if (st = fn(none, p); !st.ok()) return st;
        return absl::OkStatus();
      }
      if (records_ == ImportRecords::kOpportunities) {
        auto page = txn_.SearchOpportunities(s);
        if (!page.ok()) return page.status();
        each(*page, page->opportunities);
      } else if (records_ == ImportRecords::kInteractions) {
        auto page = txn_.SearchInteractions(s);
        if (!page.ok()) return page.status();
        each(*page, page->interactions);
      } else {
        auto page = txn_.SearchCustomers(s);
        if (!page.ok()) return page.status();
        each(*page, page->customers);
      }
      if (!st.ok()) return st;
      if (next.empty()) return absl::OkStatus();
      s.page_token = next;
    }
  }

  // The columns that name customer `id` as an import finds it: its external id, its primary
  // email and its display name, read once.
  absl::Status NameCustomer(CustomerId id, std::map<std::string, Cell>& cells) {
    if (id == 0) return absl::OkStatus();
    auto it = customers_.find(id);
    if (it == customers_.end()) {
      auto c = txn_.GetCustomer(id);
      if (!c.ok()) return c.status();
      std::string email;
      for (const Email& e : c->emails)
        if (e.primary || email.empty()) email = e.address;
      it = customers_.emplace(id, std::array<std::string, 3>{c->external_id, email, c->display_name}).first;
    }
    cells["customer_external_id"] = it->second[0];
    cells["customer_email"] = it->second[1];
    cells["customer"] = it->second[2];
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Line(const Opportunity& o, const std::vector<std::string>& columns) {
    std::map<std::string, Cell> cells;
    if (auto s = NameCustomer(o.customer, cells); !s.ok()) return s;
    auto p = pipelines_.find(o.pipeline);
    if (p == pipelines_.end()) {
      auto got = txn_.GetPipeline(o.pipeline);
      if (!got.ok()) return got.status();
      p = pipelines_.emplace(o.pipeline, *std::move(got)).first;
    }
    const Stage* stage = p->second.FindStage(o.stage);
    cells["external_id"] = o.external_id;
    cells["title"] = o.title;
    cells["pipeline"] = p->second.name;
    cells["stage"] = stage != nullptr ? stage->name : std::string();
    cells["amount"] = MoneyOf(o.amount);
    cells["probability"] = o.probability_overridden ? std::to_string(o.probability) : std::string();
    cells["expected_close"] = When(o.expected_close);
    cells["owner"] = o.owner;
    cells["lost_reason"] = o.lost_reason;
    cells["created_at"] = When(o.created_at);
    cells["closed_at"] = When(o.closed_at);
    cells["updated_at"] = When(o.updated_at);
    for (const auto& [name, value] : o.custom) cells[CustomColumn(name, value)] = CustomText(value);
    return Render(cells, columns);
  }

  absl::StatusOr<std::string> Line(const Interaction& i, const std::vector<std::string>& columns) {
    std::map<std::string, Cell> cells;
    if (auto s = NameCustomer(i.customer, cells); !s.ok()) return s;
    if (i.opportunity != 0) {
      auto deal = txn_.GetOpportunity(i.opportunity);
      if (!deal.ok()) return deal.status();
      cells["opportunity_external_id"] = deal->external_id;
    }
    cells["external_id"] = i.external_id;
    cells["kind"] = i.kind == InteractionKind::kOther ? i.kind_label : std::string(InteractionKindName(i.kind));
    cells["direction"] = i.direction == Direction::kInbound    ? "inbound"
                         : i.direction == Direction::kOutbound ? "outbound"
                                                               : "";
    cells["occurred_at"] = When(i.occurred_at);
    cells["duration_seconds"] = i.duration_seconds == 0 ? std::string() : std::to_string(i.duration_seconds);
    cells["subject"] = i.subject;
    cells["body"] = i.body;
    cells["outcome"] = i.outcome;
    cells["satisfaction"] = i.satisfaction == 0 ? std::string() : std::to_string(i.satisfaction);
    cells["amount"] = i.amount.has_value() ? MoneyOf(*i.amount) : std::string();
    cells["owner"] = i.owner;
    cells["due_at"] = When(i.due_at);
    cells["done"] = i.done ? "true" : "";
    cells["created_at"] = When(i.created_at);
    cells["updated_at"] = When(i.updated_at);
    for (const auto& [name, value] : i.custom) cells[CustomColumn(name, value)] = CustomText(value);
    return Render(cells, columns);
  }

  absl::StatusOr<std::string> Line(const Product& p, const std::vector<std::string>& columns) {
    std::map<std::string, Cell> cells = {{"code", p.code},
                                         {"name", p.name},
                                         {"family", p.family},
                                         {"description", p.description},
                                         {"active", p.active ? "true" : "false"},
                                         {"created_at", When(p.created_at)},
                                         {"updated_at", When(p.updated_at)}};
    if (p.prices.empty()) return Render(cells, columns);
    std::string out;
    for (const Money& m : p.prices) {
      cells["price"] = MoneyOf(m);
      out += Render(cells, columns);
    }
    return out;
  }

  // Every user, each after its manager (walking up a chain of managers not yet placed, then
  // placing it from the top down). Also keeps the teams and users by id for Line(const User&).
  absl::StatusOr<std::vector<User>> ManagersFirst() {
    auto all = txn_.ListUsers();
    if (!all.ok()) return all.status();
    auto teams = txn_.ListTeams();
    if (!teams.ok()) return teams.status();
    std::map<UserId, const User*> by_id;
    for (const User& u : *all) by_id[u.id] = &u;
    std::vector<User> out;
    std::set<UserId> placed;
    for (const User& start : *all) {
      std::vector<const User*> chain;
      for (const User* u = &start; u != nullptr && placed.insert(u->id).second;) {
        chain.push_back(u);
        auto m = by_id.find(u->manager);
        u = u->manager != 0 && m != by_id.end() ? m->second : nullptr;
      }
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) out.push_back(**it);
    }
    for (const Team& t : *teams) teams_[t.id] = t;
    for (const User& u : out) users_[u.id] = u;
    return out;
  }

  absl::StatusOr<std::string> Line(const User& u, const std::vector<std::string>& columns) {
    std::map<std::string, Cell> cells = {{"name", u.name}, {"login", u.login}, {"email", u.email},
                                         {"active", u.active ? "true" : "false"}};
    if (auto t = teams_.find(u.team); u.team != 0 && t != teams_.end()) {
      cells["team"] = t->second.name;
      cells["team_region"] = t->second.region;
    }
    if (auto m = users_.find(u.manager); u.manager != 0 && m != users_.end())
      cells["manager"] = m->second.login.empty() ? m->second.name : m->second.login;
    return Render(cells, columns);
  }

  // The display name of customer `id` ("" for 0), read once.
  absl::StatusOr<std::string> NameOf(CustomerId id) {
    if (id == 0) return std::string();
    if (auto it = names_.find(id); it != names_.end()) return it->second;
    auto c = txn_.GetCustomer(id);
    if (!c.ok()) return c.status();
    return names_[id] = c->display_name;
  }

  absl::StatusOr<std::string> Line(const Customer& c, const std::vector<std::string>& columns) {
    std::vector<std::string> emails, phones;
    for (const Email& e : c.emails) (e.primary ? emails.insert(emails.begin(), e.address) : emails.insert(emails.end(), e.address));
    for (const Phone& p : c.phones) (p.primary ? phones.insert(phones.begin(), p.number) : phones.insert(phones.end(), p.number));
    auto organization = NameOf(c.memberships.empty() ? 0 : c.memberships.front().organization);
    if (!organization.ok()) return organization.status();
    auto parent = NameOf(c.parent);
    if (!parent.ok()) return parent.status();
    if (format_ == ImportFormat::kVCard) return imports::VCardOf(c, *organization);
    const bool org = c.kind == CustomerKind::kOrganization;
    std::map<std::string, Cell> cells = {
        {"external_id", c.external_id},
        {"kind", org ? "organization" : "person"},
        {"display_name", c.display_name},
        {"given_name", c.given_name},
        {"family_name", c.family_name},
        {"email", emails},
        {"phone", phones},
        {"address.street", c.address.street},
        {"address.city", c.address.city},
        {"address.region", c.address.region},
        {"address.postal_code", c.address.postal_code},
        {"address.country", c.address.country},
        {"stage", std::string(LifecycleStageName(c.stage))},
        {"owner", c.owner},
        {"tags", std::vector<std::string>(c.tags.begin(), c.tags.end())},
        {"job_title", c.job_title},
        {"department", c.department},
        {"industry", c.industry},
        {"website", c.website},
        {"annual_revenue", MoneyOf(c.annual_revenue)},
        {"employees", c.employees == 0 ? "" : std::to_string(c.employees)},
        {"account_type", std::string(AccountTypeName(c.account_type))},
        {"organization", *organization},
        {"parent", *parent},
        {"email_opt_in", c.consent.email_opt_in ? "true" : ""},
        {"email_legal_basis", c.consent.email_legal_basis == LegalBasis::kNone
                                  ? ""
                                  : std::string(LegalBasisName(c.consent.email_legal_basis))},
        {"email_opt_in_at", When(c.consent.email_opt_in_at)},
        {"do_not_call", c.consent.do_not_call ? "true" : ""},
        {"created_at", When(c.created_at)},
        {"updated_at", When(c.updated_at)},
    };
    for (const auto& [name, value] : c.custom) cells[CustomColumn(name, value)] = CustomText(value);
    return Render(cells, columns);
  }

  // One line of the file: the cells in the columns' order.
  std::string Render(const std::map<std::string, Cell>& cells, const std::vector<std::string>& columns) const {
    if (format_ == ImportFormat::kJsonLines) {
      nlohmann::ordered_json j = nlohmann::ordered_json::object();
      for (const std::string& column : columns) {
        auto it = cells.find(column);
        if (it == cells.end()) continue;
        if (const auto* list = std::get_if<std::vector<std::string>>(&it->second)) {
          if (!list->empty()) j[column] = *list;
        } else if (!std::get<std::string>(it->second).empty()) {
          j[column] = std::get<std::string>(it->second);
        }
      }
      return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    std::vector<std::string> out;
    for (const std::string& column : columns) {
      auto it = cells.find(column);
      if (it == cells.end()) {
        out.emplace_back();
      } else if (const auto* list = std::get_if<std::vector<std::string>>(&it->second)) {
        out.push_back(imports::CsvField(absl::StrJoin(*list, "; ")));
      } else {
        out.push_back(imports::CsvField(std::get<std::string>(it->second)));
      }
    }
    return absl::StrCat(absl::StrJoin(out, ","), "\r\n");
  }

  const ReadTxn& txn_;
  const ExportOptions& options_;
  Search search_;
  ImportFormat format_ = ImportFormat::kCsv;
  ImportRecords records_ = ImportRecords::kCustomers;
  std::map<CustomerId, std::string> names_;
  std::map<CustomerId, std::array<std::string, 3>> customers_;
  std::map<PipelineId, Pipeline> pipelines_;
  std::map<TeamId, Team> teams_;
  std::map<UserId, User> users_;
};

}  // namespace

absl::StatusOr<ExportReport> Store::Export(const ExportOptions& options) const {
  auto txn = BeginRead();
  if (!txn.ok()) return txn.status();
  return Exporter(*txn, options).Run();
}

absl::StatusOr<ExportReport> Store::ExportCustomers(const ExportOptions& options) const {
  ExportOptions customers = options;
  customers.records = ImportRecords::kCustomers;
  return Export(customers);
}

}  // namespace crm
