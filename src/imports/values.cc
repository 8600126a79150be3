// Reading the values of an import row into a customer's fields.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/strings.h"
#include "imports/mapping.h"
#include "model/validation.h"

namespace crm::imports {
namespace {

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(Av(s)); }

absl::Status Bad(std::string_view field, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(Av(field), ": ", Av(why)));
}

// "12:34", "12:34:56", "12:34:56.789", with an optional " AM"/" PM".
bool ParseClock(std::string_view text, int& h, int& m, double& sec) {
  std::string t = Lower(text);
  model::Trim(t);
  int meridiem = 0;  // 1: am, 2: pm
  if (t.size() > 2 && (absl::EndsWith(t, "am") || absl::EndsWith(t, "pm"))) {
    meridiem = t[t.size() - 2] == 'p' ? 2 : 1;
    t.resize(t.size() - 2);
    model::Trim(t);
  }
  std::vector<std::string> parts = absl::StrSplit(t, ':');
  if (parts.size() < 2 || parts.size() > 3) return false;
  if (!absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m)) return false;
  sec = 0;
  if (parts.size() == 3 && !absl::SimpleAtod(parts[2], &sec)) return false;
  if (meridiem != 0) {
    if (h < 1 || h > 12) return false;
    if (meridiem == 2 && h != 12) h += 12;
    if (meridiem == 1 && h == 12) h = 0;
  }
  return h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 61;
}

}  // namespace

absl::StatusOr<Timestamp> ParseWhen(std::string_view input, const Reading& reading) {
  std::string text(input);
  model::Trim(text);
  const auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a date (2021-07-26, 2021-07-26T14:30:00Z, ", reading.day_first ? "26/07/2021" : "07/26/2021",
        ", 26.07.2021, with an optional time)"));
  };
  // With an offset or a Z: RFC 3339, as it is.
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return absl::ToUnixMicros(t);
  // A date, then an optional time, read in the stated zone.
  std::string date = text, clock;
  if (auto at = text.find_first_of("T "); at != std::string::npos && at >= 8) {
    date = text.substr(0, at);
    clock = text.substr(at + 1);
  }
  int y = 0, mo = 0, d = 0;
  std::vector<std::string> parts;
  if (date.find('-') != std::string::npos) {
    parts = absl::StrSplit(date, '-');
    if (parts.size() != 3 || parts[0].size() != 4 || !absl::SimpleAtoi(parts[0], &y) ||
        !absl::SimpleAtoi(parts[1], &mo) || !absl::SimpleAtoi(parts[2], &d))
      return bad();
  } else if (date.find('/') != std::string::npos || date.find('.') != std::string::npos) {
    const char sep = date.find('/') != std::string::npos ? '/' : '.';
    parts = absl::StrSplit(date, sep);
    int a = 0, b = 0;
    if (parts.size() != 3 || parts[2].size() != 4 || !absl::SimpleAtoi(parts[0], &a) ||
        !absl::SimpleAtoi(parts[1], &b) || !absl::SimpleAtoi(parts[2], &y))
      return bad();
    const bool day_first = sep == '.' || reading.day_first;
    d = day_first ? a : b;
    mo = day_first ? b : a;
  } else {
    return bad();
  }
  int h = 0, mi = 0;
  double sec = 0;
  if (!clock.empty()) {
    if (!ParseClock(clock, h, mi, sec)) return bad();
  }
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31) return bad();
  const absl::CivilSecond cs(y, mo, d, h, mi, static_cast<int>(sec));
  if (cs.year() != y || cs.month() != mo || cs.day() != d) return bad();  // 31 April
  const absl::Time at = absl::FromCivil(cs, reading.zone) +
                        absl::Microseconds(std::llround((sec - std::floor(sec)) * 1e6));
  return absl::ToUnixMicros(at);
}

absl::StatusOr<Money> ParseMoney(std::string_view input, std::string_view default_currency) {
  std::string text(input);
  model::Trim(text);
  std::string currency;
  // A code before or after the amount ("USD 12.50", "12.50 EUR"), or a sign for the usual ones.
  std::string digits;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) currency.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-') digits.push_back(c);
  }
  if (absl::StartsWith(text, "$")) currency = currency.empty() ? "USD" : currency;
  if (absl::StartsWith(text, "\xE2\x82\xAC")) currency = "EUR";
  if (absl::StartsWith(text, "\xC2\xA3")) currency = "GBP";
  if (currency.empty()) currency = std::string(default_currency);
  if (currency.empty()) return absl::InvalidArgumentError(absl::StrCat("'", text, "' has no currency, and no default was given"));
  const auto minor = CurrencyMinorDigits(currency);
  if (!minor.has_value()) return absl::InvalidArgumentError(absl::StrCat("'", currency, "' is not an ISO 4217 currency code"));
  // Thousands separators were dropped with everything but digits, '.' and '-'.
  bool negative = false;
  if (!digits.empty() && digits.front() == '-') {
    negative = true;
    digits.erase(0, 1);
  }
  const auto dot = digits.find('.');
  std::string whole = digits.substr(0, dot), frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  if (whole.empty() && frac.empty()) return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an amount"));
  if (frac.find_first_of(".-") != std::string::npos || whole.find('-') != std::string::npos ||
      static_cast<int>(frac.size()) > *minor || whole.size() > 15)
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an amount in ", currency,
                                                   " (at most ", *minor, " decimals)"));
  frac.resize(static_cast<std::size_t>(*minor), '0');
  std::int64_t units = 0;
  if (!absl::SimpleAtoi(whole.empty() ? "0" : whole, &units)) return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an amount"));
  std::int64_t f = 0;
  if (!frac.empty() && !absl::SimpleAtoi(frac, &f)) return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an amount"));
  std::int64_t scale = 1;
  for (int i = 0; i < *minor; ++i) scale *= 10;
  Money m{units * scale + f, currency};
  if (negative) m.minor_units = -m.minor_units;
  return m;
}

absl::StatusOr<bool> ParseBool(std::string_view input) {
  std::string t = Lower(input);
  model::Trim(t);
  if (t == "true" || t == "yes" || t == "y" || t == "1" || t == "x" || t == "on") return true;
  if (t == "false" || t == "no" || t == "n" || t == "0" || t == "off") return false;
  return absl::InvalidArgumentError(absl::StrCat("'", t, "' is not true or false (true/false, yes/no, 1/0)"));
}

namespace {

absl::StatusOr<LifecycleStage> ParseStage(std::string_view text) {
  std::string t;
  for (char c : Lower(text))
    if (std::isalnum(static_cast<unsigned char>(c))) t.push_back(c);
  if (t == "marketingqualifiedlead" || t == "mql") return LifecycleStage::kLead;
  if (t == "salesqualifiedlead" || t == "sql") return LifecycleStage::kProspect;
  if (auto s = ParseLifecycleStage(t); s.has_value()) return *s;
  return absl::InvalidArgumentError(absl::StrCat(
      "'", Av(text), "' is not a lifecycle stage (subscriber, lead, prospect, opportunity, customer, evangelist, churned, other)"));
}

absl::StatusOr<AccountType> ParseAccountType(std::string_view text) {
  const std::string t = Lower(text);
  for (AccountType a : {AccountType::kProspect, AccountType::kCustomer, AccountType::kPartner, AccountType::kCompetitor,
                        AccountType::kOther})
    if (absl::StartsWith(t, Av(AccountTypeName(a)))) return a;  // "customer - direct" is a customer
  return absl::InvalidArgumentError(absl::StrCat("'", Av(text), "' is not an account type (prospect, customer, partner, competitor, other)"));
}

absl::StatusOr<CustomerKind> ParseKind(std::string_view text) {
  const std::string t = Lower(text);
  if (t == "person" || t == "individual" || t == "contact") return CustomerKind::kPerson;
  if (t == "organization" || t == "organisation" || t == "company" || t == "account") return CustomerKind::kOrganization;
  return absl::InvalidArgumentError(absl::StrCat("'", Av(text), "' is neither person nor organization"));
}

}  // namespace

absl::StatusOr<std::int64_t> ParseCount(std::string_view text) {
  std::string t;
  for (char c : text)
    if (c != ',' && c != ' ' && c != '_') t.push_back(c);
  std::int64_t n = 0;
  double d = 0;
  if (absl::SimpleAtoi(t, &n) && n >= 0) return n;
  if (absl::SimpleAtod(t, &d) && d >= 0 && d < 9e15 && d == std::floor(d)) return static_cast<std::int64_t>(d);
  return absl::InvalidArgumentError(absl::StrCat("'", Av(text), "' is not a whole number"));
}

absl::StatusOr<CustomValue> CustomOf(CustomType type, const std::string& value, const Reading& reading) {
  switch (type) {
    case CustomType::kText: return CustomValue(value);
    case CustomType::kInt: {
      std::int64_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not a whole number"));
      return CustomValue(n);
    }
    case CustomType::kMoney: {
      auto m = ParseMoney(value, reading.currency);
      if (!m.ok()) return m.status();
      return CustomValue(*m);
    }
    case CustomType::kDate: {
      auto at = ParseWhen(value, reading);
      if (!at.ok()) return at.status();
      return CustomValue(DateTime{*at});
    }
    case CustomType::kBool: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      return CustomValue(*v);
    }
  }
  return absl::InternalError("custom type");
}

void AddField(Built& b, std::string_view name) {
  if (std::find(b.patch.fields.begin(), b.patch.fields.end(), name) == b.patch.fields.end())
    b.patch.fields.emplace_back(name);
}

namespace {

// Several values in one cell: "a@x.com; b@y.com" (tags also split at commas).
std::vector<std::string> Items(std::string_view cell, bool commas) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(Av(cell), commas ? absl::ByAnyChar(";,") : absl::ByAnyChar(";"))) {
    std::string item(part);
    model::Trim(item);
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

absl::Status Apply(Built& b, const Target& t, const std::string& value, const Reading& reading) {
  Customer& c = b.customer;
  const auto field = [&](std::string& out, std::string_view name) {
    out = value;
    AddField(b, name);
  };
  switch (t.field) {
    case Field::kExternalId: c.external_id = value; break;  // the key, not a patched field
    case Field::kKind: {
      auto k = ParseKind(value);
      if (!k.ok()) return k.status();
      c.kind = *k;
      AddField(b, "kind");
      break;
    }
    case Field::kDisplayName: field(c.display_name, "display_name"); break;
    case Field::kGivenName: field(c.given_name, "given_name"); break;
    case Field::kFamilyName: field(c.family_name, "family_name"); break;
    case Field::kName: {
      // A person's full name: the last word is the family name; an organization's display name.
      c.display_name = value;
      AddField(b, "display_name");
      if (const auto space = value.rfind(' '); space != std::string::npos) {
        if (c.given_name.empty()) c.given_name = value.substr(0, space), AddField(b, "given_name");
        if (c.family_name.empty()) c.family_name = value.substr(space + 1), AddField(b, "family_name");
      }
      break;
    }
    case Field::kEmail:
      for (std::string& e : Items(value, false)) c.emails.push_back(Email{std::move(e), "", false});
      AddField(b, "+emails");
      break;
    case Field::kPhone:
      for (std::string& p : Items(value, false)) c.phones.push_back(Phone{std::move(p), "", false});
      AddField(b, "+phones");
      break;
    case Field::kTags:
      for (std::string& tag : Items(value, true)) c.tags.push_back(std::move(tag));
      AddField(b, "+tags");
      break;
    case Field::kStreet: field(c.address.street, "address.street"); break;
    case Field::kCity: field(c.address.city, "address.city"); break;
    case Field::kRegion: field(c.address.region, "address.region"); break;
    case Field::kPostalCode: field(c.address.postal_code, "address.postal_code"); break;
    case Field::kCountry: field(c.address.country, "address.country"); break;
    case Field::kStage: {
      auto s = ParseStage(value);
      if (!s.ok()) return s.status();
      c.stage = *s;
      AddField(b, "stage");
      break;
    }
    case Field::kOwner: field(c.owner, "owner"); break;
    case Field::kCustom: {
      auto v = CustomOf(t.custom_type, value, reading);
      if (!v.ok()) return v.status();
      c.custom[t.custom] = *std::move(v);
      AddField(b, "custom." + t.custom);
      break;
    }
    case Field::kJobTitle: field(c.job_title, "job_title"); break;
    case Field::kDepartment: field(c.department, "department"); break;
    case Field::kIndustry: field(c.industry, "industry"); break;
    case Field::kWebsite: field(c.website, "website"); break;
    case Field::kAnnualRevenue:
    case Field::kAnnualRevenueMillions: {
      auto m = ParseMoney(value, reading.currency);
      if (!m.ok()) return m.status();
      if (t.field == Field::kAnnualRevenueMillions) {
        if (std::abs(m->minor_units) > INT64_MAX / 1000000)
          return absl::InvalidArgumentError(absl::StrCat("'", value, "' million is too large"));
        m->minor_units *= 1000000;
      }
      c.annual_revenue = *m;
      AddField(b, "annual_revenue");
      break;
    }
    case Field::kEmployees: {
      auto n = ParseCount(value);
      if (!n.ok()) return n.status();
      c.employees = *n;
      AddField(b, "employees");
      break;
    }
    case Field::kAccountType: {
      auto a = ParseAccountType(value);
      if (!a.ok()) return a.status();
      c.account_type = *a;
      AddField(b, "account_type");
      break;
    }
    case Field::kOrganization: b.organization = value; break;
    case Field::kOrganizationExternalId: b.organization_external = value; break;
    case Field::kParent: b.parent = value; break;
    case Field::kParentExternalId: b.parent_external = value; break;
    case Field::kEmailOptIn: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      c.consent.email_opt_in = *v;
      AddField(b, "consent.email_opt_in");
      break;
    }
    case Field::kEmailOptInAt: {
      auto at = ParseWhen(value, reading);
      if (!at.ok()) return at.status();
      c.consent.email_opt_in_at = *at;
      AddField(b, "consent.email_opt_in_at");
      break;
    }
    case Field::kEmailLegalBasis: {
      std::optional<LegalBasis> basis;
      for (int k = 0; k <= static_cast<int>(LegalBasis::kLegitimateInterests); ++k)
        if (LegalBasisName(static_cast<LegalBasis>(k)) == Lower(value)) basis = static_cast<LegalBasis>(k);
      if (!basis.has_value())
        return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not a legal basis (consent, contract, legal_obligation, "
                                                       "vital_interests, public_task, legitimate_interests)"));
      c.consent.email_legal_basis = *basis;
      AddField(b, "consent.email_legal_basis");
      break;
    }
    case Field::kDoNotCall: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      c.consent.do_not_call = *v;
      AddField(b, "consent.do_not_call");
      break;
    }
    case Field::kChurned: {
      auto v = ParseBool(value);
      if (!v.ok()) return v.status();
      c.stage = *v ? LifecycleStage::kChurned : LifecycleStage::kCustomer;
      AddField(b, "stage");
      break;
    }
    case Field::kCreatedAt:
    case Field::kUpdatedAt: {
      auto at = ParseWhen(value, reading);
      if (!at.ok()) return at.status();
      (t.field == Field::kCreatedAt ? c.created_at : c.updated_at) = *at;
      break;
    }
    default: return absl::InvalidArgumentError("is not a field of a customer");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Built> Build(const Row& row, const Mapping& mapping, const Reading& reading) {
  Built b;
  b.customer.kind = mapping.kind;
  const auto one = [&](const Target& t, const std::string& cell) -> absl::Status {
    std::string value = cell;
    model::Trim(value);
    if (value.empty()) return absl::OkStatus();
    b.empty = false;
    const absl::Status s = mapping.records == ImportRecords::kOpportunities ? ApplyDealValue(b, t, value, reading)
                           : mapping.records == ImportRecords::kInteractions ? ApplyActivityValue(b, t, value, reading)
                           : mapping.records == ImportRecords::kUsers        ? ApplyUserValue(b, t, value)
                           : mapping.records == ImportRecords::kProducts     ? ApplyProductValue(b, t, value, reading)
                                                                            : Apply(b, t, value, reading);
    if (!s.ok())
      return Bad(t.name, std::string(s.message()));
    return absl::OkStatus();
  };
  for (const auto& [column, cell] : row.cells) {
    bool mapped = false;
    for (const auto& [name, target] : mapping.columns) {
      if (name != column) continue;
      mapped = true;
      if (auto s = one(target, cell); !s.ok()) return s;
    }
    if (!mapped && mapping.by_field_names)
      if (auto t = TargetOfKey(column, mapping.records); t.has_value())
        if (auto s = one(*t, cell); !s.ok()) return s;
  }
  if (mapping.records != ImportRecords::kCustomers) return b;
  // An opt-in carried over from another system without its legal basis: the consent it recorded.
  if (b.customer.consent.email_opt_in && b.customer.consent.email_legal_basis == LegalBasis::kNone) {
    b.customer.consent.email_legal_basis = LegalBasis::kConsent;
    AddField(b, "consent.email_legal_basis");
  }
  if (b.customer.kind == CustomerKind::kOrganization && (!b.organization.empty() || !b.organization_external.empty()))
    return Bad("organization", "an organization is not a member of another; give its parent instead");
  if (b.customer.kind == CustomerKind::kPerson && (!b.parent.empty() || !b.parent_external.empty()))
    return Bad("parent", "only organizations have a parent; give a person's organization instead");
  return b;
}

}  // namespace crm::imports
