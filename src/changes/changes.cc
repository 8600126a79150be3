#include "changes/changes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_format.h"
#include "codec/envelope.h"
#include "changes/retention.h"
#include "codec/key.h"
#include "common/errors.h"
#include "common/strings.h"
#include "model/records.h"
#include "model/serialize.h"

namespace crm {

std::string_view EntityTypeName(EntityType type) {
  switch (type) {
    case EntityType::kCustomer: return "customer";
    case EntityType::kInteraction: return "interaction";
    case EntityType::kOpportunity: return "opportunity";
    case EntityType::kPipeline: return "pipeline";
    case EntityType::kUser: return "user";
    case EntityType::kTeam: return "team";
    case EntityType::kProduct: return "product";
    case EntityType::kSegment: return "segment";
    case EntityType::kCampaign: return "campaign";
    case EntityType::kTicket: return "ticket";
  }
  return "unknown";
}

std::string_view ChangeOpName(ChangeOp op) {
  switch (op) {
    case ChangeOp::kCreate: return "create";
    case ChangeOp::kUpdate: return "update";
    case ChangeOp::kArchive: return "archive";
    case ChangeOp::kRestore: return "restore";
    case ChangeOp::kDelete: return "delete";
    case ChangeOp::kStageMove: return "stage_move";
    case ChangeOp::kErase: return "erase";
    case ChangeOp::kMerge: return "merge";
    case ChangeOp::kUnmerge: return "unmerge";
  }
  return "unknown";
}

}  // namespace crm

namespace crm::changes {
namespace {

constexpr std::size_t kMaxPage = 1000;

class Builder {
 public:
  // A name becomes a string only for a field with a value (most of a record's fields are empty).
  void Add(std::string_view field, std::string value) {
    if (!value.empty()) fields_.emplace_back(std::string(field), std::move(value));
  }
  void Add(std::string_view field, std::int64_t v) {
    if (v != 0) Add(field, std::to_string(v));
  }
  void Flag(std::string_view field, bool v) {
    if (v) Add(field, std::string("true"));
  }
  void Time(std::string_view field, Timestamp t) {
    if (t != 0) Add(field, TimeText(t));
  }
  template <class List, class Fn>
  void Join(std::string_view field, const List& items, Fn render) {
    std::string out;
    for (const auto& item : items) {
      if (!out.empty()) out += "; ";
      out += render(item);
    }
    Add(field, std::move(out));
  }
  Fields Take() {
    const auto by_name = [](const auto& x, const auto& y) { return x.first < y.first; };
    if (!std::is_sorted(fields_.begin(), fields_.end(), by_name))
      std::sort(fields_.begin(), fields_.end(), by_name);
    return std::move(fields_);
  }

 private:
  Fields fields_;
};

// 1500 -> "1.5"; 2000 -> "2".
std::string QuantityText(std::int64_t milli) {
  std::string out = absl::StrCat(milli / 1000);
  if (std::int64_t frac = milli % 1000; frac != 0) {
    std::string digits = absl::StrFormat("%03d", static_cast<int>(frac < 0 ? -frac : frac));
    while (digits.back() == '0') digits.pop_back();
    absl::StrAppend(&out, ".", digits);
  }
  return out;
}

// 1250 -> "12.5%".
std::string PercentText(std::int32_t bp) {
  std::string out = absl::StrCat(bp / 100);
  if (int frac = bp % 100; frac != 0) {
    std::string digits = absl::StrFormat("%02d", frac);
    if (digits.back() == '0') digits.pop_back();
    absl::StrAppend(&out, ".", digits);
  }
  return out + "%";
}

std::string Labelled(const std::string& value, const std::string& label, bool primary) {
  std::string out = value;
  if (!label.empty() || primary) {
    out += " (";
    out += label;
    if (primary) out += label.empty() ? "primary" : ", primary";
    out += ")";
  }
  return out;
}

std::string CustomText(const CustomValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* m = std::get_if<Money>(&v)) return MoneyText(*m);
  if (const auto* d = std::get_if<DateTime>(&v)) return TimeText(d->micros);
  return std::get<bool>(v) ? "true" : "false";
}

}  // namespace

std::string MoneyText(const Money& m) {
  const int digits = CurrencyMinorDigits(m.currency).value_or(0);
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const bool negative = m.minor_units < 0;
  const std::uint64_t abs = negative ? 0 - static_cast<std::uint64_t>(m.minor_units)
                                     : static_cast<std::uint64_t>(m.minor_units);
  std::string out = negative ? "-" : "";
  absl::StrAppend(&out, abs / scale);
  if (digits > 0) absl::StrAppend(&out, ".", absl::StrFormat("%0*d", digits, abs % scale));
  absl::StrAppend(&out, " ", m.currency);
  return out;
}

std::string TimeText(Timestamp t) {
  // RFC 3339 in UTC with microseconds, e.g. 2026-11-23T17:00:00.000000Z. Hand-rolled: this runs
  // for every timestamp of every change recorded.
  constexpr std::int64_t kMicrosPerDay = 86'400'000'000;
  std::int64_t days = t / kMicrosPerDay;
  std::int64_t rest = t % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2);
  if (year < 0 || year > 9999) return absl::StrCat(t, "us");
  char buf[32];
  const auto put = [&](int at, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  const std::int64_t micros = rest % 1'000'000;
  const std::int64_t secs = rest / 1'000'000;
  put(0, year, 4);
  buf[4] = '-';
  put(5, month, 2);
  buf[7] = '-';
  put(8, day, 2);
  buf[10] = 'T';
  put(11, secs / 3600, 2);
  buf[13] = ':';
  put(14, secs / 60 % 60, 2);
  buf[16] = ':';
  put(17, secs % 60, 2);
  buf[19] = '.';
  put(20, micros, 6);
  buf[26] = 'Z';
  return std::string(buf, 27);
}

Fields Flatten(const Customer& c) {
  Builder b;  // in name order (custom fields come sorted from their map), so no sorting is needed
  if (c.account_type != AccountType::kNone)
    b.Add("account_type", std::string(AccountTypeName(c.account_type)));
  b.Add("address.city", c.address.city);
  b.Add("address.country", c.address.country);
  b.Add("address.postal_code", c.address.postal_code);
  b.Add("address.region", c.address.region);
  b.Add("address.street", c.address.street);
  if (!c.annual_revenue.currency.empty()) b.Add("annual_revenue", MoneyText(c.annual_revenue));
  b.Flag("archived", c.archived);
  b.Flag("consent.do_not_call", c.consent.do_not_call);
  if (c.consent.email_legal_basis != LegalBasis::kNone)
    b.Add("consent.email_legal_basis", std::string(LegalBasisName(c.consent.email_legal_basis)));
  b.Flag("consent.email_opt_in", c.consent.email_opt_in);
  b.Time("consent.email_opt_in_at", c.consent.email_opt_in_at);
  for (const auto& [key, value] : c.custom) b.Add("custom." + key, CustomText(value));
  b.Add("department", c.department);
  b.Add("display_name", c.display_name);
  b.Join("domains", c.domains, [](const std::string& d) { return d; });
  b.Join("emails", c.emails, [](const Email& e) { return Labelled(e.address, e.label, e.primary); });
  b.Add("employees", c.employees);
  b.Add("external_id", c.external_id);
  b.Add("family_name", c.family_name);
  b.Add("given_name", c.given_name);
  b.Add("industry", c.industry);
  b.Add("job_title", c.job_title);
  b.Add("kind", std::string(c.kind == CustomerKind::kPerson ? "person" : "organization"));
  b.Join("memberships", c.memberships, [](const Membership& m) {
    return m.role.empty() ? std::to_string(m.organization) : absl::StrCat(m.organization, " (", m.role, ")");
  });
  b.Add("owner", c.owner);
  b.Add("parent", static_cast<std::int64_t>(c.parent));
  b.Join("phones", c.phones, [](const Phone& p) { return Labelled(p.number, p.label, p.primary); });
  b.Add("stage", std::string(LifecycleStageName(c.stage)));
  b.Join("tags", c.tags, [](const std::string& t) { return t; });
  b.Add("website", c.website);
  return b.Take();  // last_interaction_at is derived from interactions: not a change of its own
}

Fields Flatten(const Interaction& i) {
  Builder b;  // in name order, so no sorting is needed
  if (i.amount) b.Add("amount", MoneyText(*i.amount));
  b.Add("body", i.body);
  for (const auto& [key, value] : i.custom) b.Add("custom." + key, CustomText(value));  // "custom." < "customer"
  b.Add("customer", static_cast<std::int64_t>(i.customer));
  if (i.direction != Direction::kNone)
    b.Add("direction", std::string(i.direction == Direction::kInbound ? "inbound" : "outbound"));
  b.Flag("done", i.done);
  b.Time("due_at", i.due_at);
  b.Add("duration_seconds", i.duration_seconds);
  b.Add("external_id", i.external_id);
  b.Add("kind", std::string(InteractionKindName(i.kind)));
  b.Add("kind_label", i.kind_label);
  b.Time("occurred_at", i.occurred_at);
  b.Add("opportunity", static_cast<std::int64_t>(i.opportunity));
  b.Add("outcome", i.outcome);
  b.Add("owner", i.owner);
  b.Add("satisfaction", static_cast<std::int64_t>(i.satisfaction));
  b.Add("subject", i.subject);
  return b.Take();
}

Fields Flatten(const Opportunity& o, const Pipeline* pipeline) {
  Builder b;  // in name order
  if (!o.amount.currency.empty()) b.Add("amount", MoneyText(o.amount));
  b.Time("closed_at", o.closed_at);
  b.Join("contacts", o.contacts, [](const ContactRole& r) {
    return r.role.empty() ? std::to_string(r.person) : absl::StrCat(r.person, " (", r.role, ")");
  });
  for (const auto& [key, value] : o.custom) b.Add("custom." + key, CustomText(value));  // "custom." < "customer"
  b.Add("customer", static_cast<std::int64_t>(o.customer));
  b.Time("expected_close", o.expected_close);
  b.Add("external_id", o.external_id);
  if (o.forecast_category != ForecastCategory::kAuto)
    b.Add("forecast_category", std::string(ForecastCategoryName(o.forecast_category)));
  b.Join("lines", o.lines, [](const LineItem& l) {  // "product 3 x 1.5 at 10.00 USD less 12.5% = 13.13 USD"
    std::string out = absl::StrCat("product ", l.product, " x ", QuantityText(l.quantity_milli), " at ",
                                   MoneyText(l.unit_price));
    if (l.discount_bp != 0) absl::StrAppend(&out, " less ", PercentText(l.discount_bp));
    absl::StrAppend(&out, " = ", MoneyText(l.total));
    if (!l.description.empty()) absl::StrAppend(&out, " (", l.description, ")");
    return out;
  });
  b.Add("lost_reason", o.lost_reason);
  b.Add("owner", o.owner);
  b.Add("pipeline", static_cast<std::int64_t>(o.pipeline));
  b.Add("probability", std::to_string(o.probability));
  const Stage* stage = pipeline ? pipeline->FindStage(o.stage) : nullptr;
  b.Add("stage", stage ? absl::StrCat(stage->name, " (", o.stage, ")") : std::to_string(o.stage));
  b.Add("title", o.title);
  return b.Take();
}

Fields Flatten(const User& u) {
  Builder b;
  b.Add("name", u.name);
  b.Add("login", u.login);
  b.Add("email", u.email);
  b.Add("active", std::string(u.active ? "true" : "false"));
  b.Add("team", static_cast<std::int64_t>(u.team));
  b.Add("manager", static_cast<std::int64_t>(u.manager));
  return b.Take();
}

Fields Flatten(const Team& t) {
  Builder b;
  b.Add("name", t.name);
  b.Add("region", t.region);
  b.Add("manager", static_cast<std::int64_t>(t.manager));
  return b.Take();
}

Fields Flatten(const Product& p) {
  Builder b;
  b.Add("code", p.code);
  b.Add("name", p.name);
  b.Add("family", p.family);
  b.Add("description", p.description);
  b.Add("active", std::string(p.active ? "true" : "false"));
  b.Join("prices", p.prices, [](const Money& m) { return MoneyText(m); });
  return b.Take();
}

Fields Flatten(const Segment& s) {
  Builder b;
  b.Add("name", s.name);
  b.Add("description", s.description);
  b.Add("kind", std::string(SegmentKindName(s.kind)));
  b.Add("filter", s.filter);
  if (s.include_archived) b.Add("include_archived", std::string("true"));
  b.Add("frozen_from", static_cast<std::int64_t>(s.frozen_from));
  return b.Take();
}

Fields Flatten(const Campaign& c) {
  Builder b;
  b.Add("name", c.name);
  b.Add("description", c.description);
  b.Add("channel", std::string(ContactChannelName(c.channel)));
  b.Add("purpose", c.purpose);
  b.Add("starts_at", c.starts_at);
  b.Add("ends_at", c.ends_at);
  if (!c.budget.currency.empty()) b.Add("budget", MoneyText(c.budget));
  if (!c.actual_cost.currency.empty()) b.Add("actual_cost", MoneyText(c.actual_cost));
  b.Add("parent", static_cast<std::int64_t>(c.parent));
  b.Add("owner", c.owner);
  b.Join("statuses", c.statuses,
         [](const CampaignStatus& s) { return absl::StrCat(s.name, s.responded ? " (responded)" : ""); });
  b.Add("default_status", c.default_status);
  return b.Take();
}

Fields Flatten(const Ticket& t) {
  Builder b;
  b.Add("assignee", static_cast<std::int64_t>(t.assignee));
  b.Add("channel", std::string(TicketChannelName(t.channel)));
  b.Time("closed_at", t.closed_at);
  b.Add("customer", static_cast<std::int64_t>(t.customer));
  b.Add("description", t.description);
  b.Time("due_at", t.due_at);
  b.Time("first_response_at", t.first_response_at);
  b.Time("opened_at", t.opened_at);
  b.Add("priority", std::string(TicketPriorityName(t.priority)));
  b.Add("satisfaction", static_cast<std::int64_t>(t.satisfaction));
  b.Add("satisfaction_comment", t.satisfaction_comment);
  b.Time("solved_at", t.solved_at);
  b.Add("status", std::string(TicketStatusName(t.status)));
  b.Add("subject", t.subject);
  b.Add("team", static_cast<std::int64_t>(t.team));
  return b.Take();
}

Fields Flatten(const Pipeline& p) {
  Builder b;
  b.Add("name", p.name);
  b.Join("stages", p.stages, [](const Stage& s) {
    return absl::StrCat(s.name, " (", s.probability, "%, ", Av(StageOutcomeName(s.outcome)), ")");
  });
  return b.Take();
}

absl::Status Record(Ctx& ctx, EntityType entity, std::uint64_t id, ChangeOp op, Fields before,
                    Fields after, std::uint64_t owner) {
  Change change;
  change.fields.reserve(std::max(before.size(), after.size()));
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      change.fields.push_back(FieldChange{std::move(b->first), std::move(b->second), ""});
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      change.fields.push_back(FieldChange{std::move(a->first), "", std::move(a->second)});
      ++a;
    } else {
      if (a->second != b->second)
        change.fields.push_back(FieldChange{std::move(a->first), std::move(b->second), std::move(a->second)});
      ++a;
      ++b;
    }
  }
  if (change.fields.empty() && op == ChangeOp::kUpdate) return absl::OkStatus();
  std::optional<std::uint64_t> last = ctx.counters != nullptr ? ctx.counters->last_change : std::nullopt;
  if (!last.has_value()) {
    auto read = LastSeq(ctx);
    if (!read.ok()) return read.status();
    last = *read;
  }
  change.seq = *last + 1;
  change.at = ctx.now;
  change.actor = std::string(ctx.actor);
  change.imported = ctx.importing;
  change.entity = entity;
  change.entity_id = id;
  change.op = op;
  thread_local std::string buffer;
  // In an encrypted store, a change about a customer's record is sealed with its data key.
  if (auto s = codec::Encode(codec::RecordType::kChange, change, owner, change.seq, ctx.sealing, buffer); !s.ok())
    return s;
  if (auto s = ctx.txn.Put(ctx.schema.changes, codec::EncodeU64(change.seq), buffer, storage::kAppend); !s.ok())
    return s;
  if (ctx.counters != nullptr) ctx.counters->last_change = change.seq;
  const std::string key =
      codec::KeyBuilder().U8(static_cast<std::uint8_t>(entity)).U64(id).U64(change.seq).Take();
  return ctx.txn.Put(ctx.schema.change_entity, key, "");
}

namespace {
absl::StatusOr<Change> LoadChange(const Ctx& ctx, std::uint64_t seq, std::string_view value) {
  Change c;
  if (auto s = codec::Decode(value, codec::RecordType::kChange, {"change", seq}, c, ctx.sealing); !s.ok()) return s;
  return c;
}
}  // namespace

absl::StatusOr<std::vector<Change>> List(const Ctx& ctx, std::uint64_t from_seq, std::size_t limit) {
  if (limit == 0 || limit > kMaxPage)
    return absl::InvalidArgumentError(absl::StrCat("limit: must be between 1 and ", kMaxPage));
  if (from_seq != 0) {
    auto first = FirstSeq(ctx);
    if (!first.ok()) return first.status();
    if (from_seq < *first)
      return TrimmedError(absl::StrCat("from_seq: changes before ", *first,
                                       " were removed by the retention policy; the feed starts at ", *first,
                                       " (read from there, or from 0 for the oldest kept)"));
  }
  std::vector<Change> out;
  auto cursor = storage::Cursor::Open(ctx.txn, ctx.schema.changes);
  if (!cursor.ok()) return cursor.status();
  const std::string start = codec::EncodeU64(from_seq);
  for (auto at = cursor->Seek(start); out.size() < limit; at = cursor->Next()) {
    if (!at.ok()) return at.status();
    if (!*at) break;
    auto c = LoadChange(ctx, codec::GetBigEndian64(cursor->key().data()), cursor->value());
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::uint64_t> LastSeq(const Ctx& ctx) {
  // The feed's own last key: entries leave only from the front (retention), so the next number
  // is one more, and an aborted transaction takes its entries (and numbers) with it. A feed
  // that retention emptied goes on from where it started.
  auto cursor = storage::Cursor::Open(ctx.txn, ctx.schema.changes);
  if (!cursor.ok()) return cursor.status();
  auto at = cursor->Last();
  if (!at.ok()) return at.status();
  if (!*at) {
    auto first = FirstSeq(ctx);
    if (!first.ok()) return first.status();
    return *first - 1;
  }
  if (cursor->key().size() != 8) return absl::DataLossError("change feed key is damaged");
  return codec::GetBigEndian64(cursor->key().data());
}

namespace {
// The fields the feed records per kind of record (Flatten), and the groups a history may name.
const std::vector<std::string_view>& HistoryFields(EntityType entity) {
  static const std::vector<std::string_view> customer = {
      "account_type", "address", "address.city", "address.country", "address.postal_code", "address.region",
      "address.street", "annual_revenue", "archived", "consent", "consent.do_not_call", "consent.email_legal_basis",
      "consent.email_opt_in", "consent.email_opt_in_at", "custom", "department", "display_name", "domains", "emails",
      "employees", "external_id", "family_name", "given_name", "industry", "job_title", "kind", "memberships",
      "owner", "parent", "phones", "stage", "tags", "website"};
  static const std::vector<std::string_view> interaction = {
      "amount", "body", "custom", "customer", "direction", "done", "due_at", "duration_seconds", "external_id",
      "kind", "kind_label", "occurred_at", "opportunity", "outcome", "owner", "satisfaction", "subject"};
  static const std::vector<std::string_view> opportunity = {
      "amount", "closed_at", "contacts", "custom", "customer", "expected_close", "external_id", "forecast_category",
      "lines", "lost_reason", "owner", "pipeline", "probability", "stage", "title"};
  static const std::vector<std::string_view> pipeline = {"name", "stages"};
  static const std::vector<std::string_view> user = {"active", "email", "login", "manager", "name", "team"};
  static const std::vector<std::string_view> team = {"manager", "name", "region"};
  static const std::vector<std::string_view> product = {"active", "code", "description", "family", "name", "prices"};
  static const std::vector<std::string_view> segment = {"added",  "description", "filter", "frozen_from",
                                                        "include_archived", "kind", "name", "removed"};
  static const std::vector<std::string_view> campaign = {
      "actual_cost", "added", "budget", "channel", "default_status", "description", "ends_at", "name",
      "owner", "parent", "purpose", "removed", "starts_at", "status", "statuses"};
  static const std::vector<std::string_view> ticket = {
      "assignee", "channel", "closed_at", "customer", "description", "due_at", "first_response_at", "opened_at",
      "priority", "satisfaction", "satisfaction_comment", "solved_at", "status", "subject", "team"};
  switch (entity) {
    case EntityType::kTicket: return ticket;
    case EntityType::kCustomer: return customer;
    case EntityType::kInteraction: return interaction;
    case EntityType::kOpportunity: return opportunity;
    case EntityType::kUser: return user;
    case EntityType::kTeam: return team;
    case EntityType::kProduct: return product;
    case EntityType::kSegment: return segment;
    case EntityType::kCampaign: return campaign;
    default: return pipeline;
  }
}

bool HasCustom(EntityType entity) {
  return entity == EntityType::kCustomer || entity == EntityType::kInteraction || entity == EntityType::kOpportunity;
}
}  // namespace

absl::StatusOr<std::vector<FieldHistoryEntry>> FieldHistory(const Ctx& ctx, EntityType entity,
                                                            std::uint64_t id, std::string_view field) {
  if (field.empty()) return absl::InvalidArgumentError("field: must not be empty");
  const auto& known = HistoryFields(entity);
  const bool custom = HasCustom(entity) && field.substr(0, 7) == "custom." && field.size() > 7;
  if (!custom && std::find(known.begin(), known.end(), field) == known.end())
    return absl::InvalidArgumentError(absl::StrCat("field: '", Av(field), "' is not a field of ",
                                                   Av(EntityTypeName(entity)), " records (known: ",
                                                   absl::StrJoin(known, ", ", [](std::string* out, std::string_view f) {
                                                     out->append(f.data(), f.size());
                                                   }),
                                                   HasCustom(entity) ? ", custom.<name>)" : ")"));
  auto all = OfRecord(ctx, entity, id);
  if (!all.ok()) return all.status();
  std::vector<FieldHistoryEntry> out;
  for (const Change& c : *all)
    for (const FieldChange& f : c.fields) {
      const bool match = f.field == field || (f.field.size() > field.size() &&
                                              f.field.compare(0, field.size(), field) == 0 && f.field[field.size()] == '.');
      if (match) out.push_back(FieldHistoryEntry{f.field, c.seq, c.at, c.actor, c.op, f.before, f.after});
    }
  return out;
}

}  // namespace crm::changes

namespace crm::changes {

absl::StatusOr<std::uint64_t> Redact(Ctx& ctx, EntityType entity, std::uint64_t id) {
  auto all = OfRecord(ctx, entity, id);  // read first: no writes during a scan
  if (!all.ok()) return all.status();
  std::uint64_t rewritten = 0;
  std::string buffer;
  for (Change& c : *all) {
    if (c.redacted && c.fields.empty()) continue;
    c.fields.clear();
    c.redacted = true;
    codec::Encode(codec::RecordType::kChange, c, buffer);
    if (auto s = ctx.txn.Put(ctx.schema.changes, codec::EncodeU64(c.seq), buffer); !s.ok()) return s;
    ++rewritten;
  }
  return rewritten;
}

absl::Status Reseal(Ctx& ctx, EntityType entity, std::uint64_t id, std::uint64_t owner) {
  if (ctx.sealing == nullptr) return absl::OkStatus();
  auto all = OfRecord(ctx, entity, id);  // read first: no writes during a scan
  if (!all.ok()) return all.status();
  std::string buffer;
  for (const Change& c : *all) {
    if (c.fields.empty()) continue;  // nothing personal to seal
    if (auto s = codec::Encode(codec::RecordType::kChange, c, owner, c.seq, ctx.sealing, buffer); !s.ok()) return s;
    if (auto s = ctx.txn.Put(ctx.schema.changes, codec::EncodeU64(c.seq), buffer); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace crm::changes

namespace crm::changes {

absl::StatusOr<std::vector<Change>> OfRecord(const Ctx& ctx, EntityType entity, std::uint64_t id) {
  const std::string prefix = codec::KeyBuilder().U8(static_cast<std::uint8_t>(entity)).U64(id).Take();
  auto seqs = model::IdsWithPrefix(ctx, ctx.schema.change_entity, prefix);
  if (!seqs.ok()) return seqs.status();
  std::vector<Change> out;
  for (std::uint64_t seq : *seqs) {
    std::string_view value;
    auto found = ctx.txn.Get(ctx.schema.changes, codec::EncodeU64(seq), &value);
    if (!found.ok()) return found.status();
    if (!*found) return absl::DataLossError(absl::StrCat("change ", seq, " is indexed but missing"));
    auto c = LoadChange(ctx, seq, value);
    if (!c.ok()) return c.status();
    if (c->entity != entity || c->entity_id != id)
      return absl::DataLossError(absl::StrCat("database is damaged: the change index names change ", seq,
                                              ", which is about another record"));
    out.push_back(*std::move(c));
  }
  return out;
}

}  // namespace crm::changes
