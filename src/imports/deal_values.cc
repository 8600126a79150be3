// Reading the values of an import row into an opportunity's or an interaction's fields.
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/strings.h"
#include "imports/mapping.h"

namespace crm::imports {
namespace {

// "0.25", "25", "25%": a percentage, 0 to 100 (a fraction below 1 read as one).
absl::StatusOr<int> ParsePercent(std::string_view input) {
  std::string t(input);
  if (!t.empty() && t.back() == '%') t.pop_back();
  double d = 0;
  if (!absl::SimpleAtod(t, &d) || !std::isfinite(d) || d < 0 || d > 100)
    return absl::InvalidArgumentError(absl::StrCat("'", Av(input), "' is not a percentage from 0 to 100"));
  if (d > 0 && d < 1 && t.find('.') != std::string::npos) d *= 100;
  return static_cast<int>(std::lround(d));
}

// "2", "1.5", "0.125": a quantity above 0 with at most 3 decimals, in thousandths.
absl::StatusOr<std::int64_t> ParseQuantity(std::string_view input) {
  const std::size_t dot = input.find('.');
  const std::string_view whole = input.substr(0, dot);
  std::string frac(dot == std::string_view::npos ? "" : input.substr(dot + 1));
  const auto digits = [](std::string_view d) { return d.find_first_not_of("0123456789") == std::string_view::npos; };
  std::int64_t w = 0, f = 0;
  if (whole.empty() || whole.size() > 12 || !digits(whole) || !digits(frac) || frac.size() > 3 ||
      (dot != std::string_view::npos && frac.empty()) || !absl::SimpleAtoi(Av(whole), &w))
    return absl::InvalidArgumentError(absl::StrCat("'", Av(input), "' is not a quantity (at most 3 decimals)"));
  frac.append(3 - frac.size(), '0');
  if (!absl::SimpleAtoi(frac, &f)) f = 0;
  if (w * 1000 + f == 0) return absl::InvalidArgumentError("a quantity must be above 0");
  return w * 1000 + f;
}

absl::Status Custom(Built& b, CustomFields& custom, const Target& t, const std::string& value, const Reading& reading) {
  auto v = CustomOf(t.custom_type, value, reading);
  if (!v.ok()) return v.status();
  custom[t.custom] = *std::move(v);
  AddField(b, absl::StrCat("custom.", t.custom));
  return absl::OkStatus();
}

absl::StatusOr<Timestamp> ReadWhen(const std::string& value, const Reading& reading) { return ParseWhen(value, reading); }

}  // namespace

absl::Status ApplyDealValue(Built& b, const Target& t, const std::string& value, const Reading& reading) {
  Opportunity& o = b.deal;
  switch (t.field) {
    case Field::kExternalId: o.external_id = value; break;
    case Field::kTitle:
      o.title = value;
      AddField(b, "title");
      break;
    case Field::kCustomer: b.customer_name = value; break;
    case Field::kCustomerExternalId: b.customer_external = value; break;
    case Field::kCustomerEmail: b.customer_email = value; break;
    case Field::kPipeline: b.pipeline = value; break;
    case Field::kStage: b.stage = value; break;
    case Field::kAmount: {
      auto m = ParseMoney(value, reading.currency);
      if (!m.ok()) return m.status();
      o.amount = *m;
      AddField(b, "amount");
      break;
    }
    case Field::kProbability: {
      auto p = ParsePercent(value);
      if (!p.ok()) return p.status();
      o.probability = *p;
      AddField(b, "probability");
      break;
    }
    case Field::kExpectedClose: {
      auto at = ReadWhen(value, reading);
      if (!at.ok()) return at.status();
      o.expected_close = *at;
      AddField(b, "expected_close");
      break;
    }
    case Field::kOwner:
      o.owner = value;
      AddField(b, "owner");
      break;
    case Field::kLostReason:
      o.lost_reason = value;
      AddField(b, "lost_reason");
      break;
    case Field::kCreatedAt:
    case Field::kClosedAt:
    case Field::kUpdatedAt: {
      auto at = ReadWhen(value, reading);
      if (!at.ok()) return at.status();
      (t.field == Field::kCreatedAt ? o.created_at : t.field == Field::kClosedAt ? o.closed_at : o.updated_at) = *at;
      break;
    }
    case Field::kProduct: b.product = value; break;
    case Field::kEnteredStage: {
      auto at = ReadWhen(value, reading);
      if (!at.ok()) return at.status();
      b.entered.emplace_back(t.custom, *at);
      break;
    }
    case Field::kQuantity: {
      auto q = ParseQuantity(value);
      if (!q.ok()) return q.status();
      b.quantity_milli = *q;
      break;
    }
    case Field::kCustom: return Custom(b, o.custom, t, value, reading);
    default: return absl::InvalidArgumentError("is not a field of an opportunity");
  }
  return absl::OkStatus();
}

absl::Status ApplyActivityValue(Built& b, const Target& t, const std::string& value, const Reading& reading) {
  Interaction& i = b.activity;
  switch (t.field) {
    case Field::kExternalId: i.external_id = value; break;
    case Field::kCustomer: b.customer_name = value; break;
    case Field::kCustomerExternalId: b.customer_external = value; break;
    case Field::kCustomerEmail: b.customer_email = value; break;
    case Field::kOpportunityExternalId: b.opportunity_external = value; break;
    case Field::kInteractionKind: {
      const std::string word = absl::AsciiStrToLower(value);
      if (auto kind = ParseInteractionKind(word); kind.has_value() && *kind != InteractionKind::kOther) {
        i.kind = *kind;
        i.kind_label.clear();
      } else {
        i.kind = InteractionKind::kOther;
        i.kind_label = value;
      }
      AddField(b, "kind");
      break;
    }
    case Field::kDirection: {
      const std::string word = absl::AsciiStrToLower(value);
      if (word == "inbound" || word == "in" || word == "incoming") i.direction = Direction::kInbound;
      else if (word == "outbound" || word == "out" || word == "outgoing") i.direction = Direction::kOutbound;
      else if (word == "none" || word == "internal") i.direction = Direction::kNone;
      else return absl::InvalidArgumentError(absl::StrCat("'", value, "' is neither inbound nor outbound"));
      AddField(b, "direction");
      break;
    }
    case Field::kOccurredAt:
    case Field::kDueAt: {
      auto at = ReadWhen(value, reading);
      if (!at.ok()) return at.status();
      if (t.field == Field::kOccurredAt) i.occurred_at = *at, AddField(b, "occurred_at");
      else i.due_at = *at, AddField(b, "due_at");
      break;
    }
    case Field::kDurationSeconds:
    case Field::kDurationMinutes: {
      auto n = ParseCount(value);
      if (!n.ok()) return n.status();
      if (*n > 366LL * 86400) return absl::InvalidArgumentError(absl::StrCat("'", value, "' is longer than a year"));
      i.duration_seconds = t.field == Field::kDurationMinutes ? *n * 60 : *n;
      AddField(b, "duration_seconds");
      break;
    }
    case Field::kSubject: i.subject = value, AddField(b, "subject"); break;
    case Field::kBody: i.body = value, AddField(b, "body"); break;
    case Field::kOutcome: i.outcome = value, AddField(b, "outcome"); break;
    case Field::kOwner: i.owner = value, AddField(b, "owner"); break;
    case Field::kSatisfaction: {
      auto n = ParseCount(value);
      if (!n.ok() || *n < 1 || *n > 5) return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not 1 to 5"));
      i.satisfaction = static_cast<std::uint8_t>(*n);
      AddField(b, "satisfaction");
      break;
    }
    case Field::kAmount: {
      auto m = ParseMoney(value, reading.currency);
      if (!m.ok()) return m.status();
      i.amount = *m;
      AddField(b, "amount");
      break;
    }
    case Field::kDone: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      i.done = *v;
      AddField(b, "done");
      break;
    }
    case Field::kCreatedAt:
    case Field::kUpdatedAt: {
      auto at = ReadWhen(value, reading);
      if (!at.ok()) return at.status();
      (t.field == Field::kCreatedAt ? i.created_at : i.updated_at) = *at;
      break;
    }
    case Field::kCustom: return Custom(b, i.custom, t, value, reading);
    default: return absl::InvalidArgumentError("is not a field of an interaction");
  }
  return absl::OkStatus();
}

absl::Status ApplyUserValue(Built& b, const Target& t, const std::string& value) {
  User& u = b.user;
  switch (t.field) {
    case Field::kName: u.name = value, AddField(b, "name"); break;
    case Field::kLogin: u.login = value, AddField(b, "login"); break;
    case Field::kEmail: u.email = value, AddField(b, "email"); break;
    case Field::kActive: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      u.active = *v;
      AddField(b, "active");
      break;
    }
    case Field::kTeam: b.team = value; break;
    case Field::kTeamRegion: b.team_region = value; break;
    case Field::kManager: b.manager = value; break;
    default: return absl::InvalidArgumentError("is not a field of a user");
  }
  return absl::OkStatus();
}

}  // namespace crm::imports
