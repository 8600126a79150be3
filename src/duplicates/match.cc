#include "duplicates/match.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/key.h"
#include "common/strings.h"
#include "customers/customers.h"
#include "customers/entries.h"
#include "duplicates/names.h"
#include "duplicates/pairs.h"
#include "query/declared.h"
#include "query/fields.h"
#include "query/search.h"
#include "text/phone.h"
#include "text/text.h"

namespace crm::duplicates {
namespace {

constexpr double kEmailWeight = 0.97;
constexpr double kPhoneWeight = 0.6;
constexpr double kDomainWeight = 0.9;
constexpr double kExternalWeight = 0.99;
constexpr double kNameFloor = 0.85;  // names less alike than this are no reason
constexpr std::size_t kMaxIdFields = 8;

bool Wanted(const MatchOptions& o, MatchReason r) { return (o.reasons & MatchReasonBit(r)) != 0; }

const CustomValue* IdValue(const Customer& c, std::string_view field) {
  auto it = c.custom.find(std::string(field.substr(7)));  // after "custom."
  if (it == c.custom.end()) return nullptr;
  if (const auto* s = std::get_if<std::string>(&it->second); s != nullptr && s->empty()) return nullptr;
  return &it->second;
}

std::string ValueText(const CustomValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return absl::StrCat(*n);
  return "(value)";
}

// As printf's "%.2f" (to_chars rounds the same way), without its cost.
std::string Fixed2(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, 2);
  return std::string(buf, r.ptr);
}

}  // namespace

std::vector<std::string> Corroborators(const Customer& c) {
  std::vector<std::string> out;
  if (!c.address.city.empty()) out.push_back("c:" + text::FoldForSearch(c.address.city));
  for (const Membership& m : c.memberships) out.push_back(absl::StrCat("o:", m.organization));
  for (const Email& e : c.emails) {
    const std::string d = text::DomainOf(e.address);
    if (!d.empty() && !text::FreeMailDomain(d)) out.push_back("d:" + d);
  }
  for (const std::string& d : c.domains) out.push_back("d:" + d);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> NameKeysOf(const NameParts& parts) {
  std::vector<std::string> keys = NameKeys(parts);
  const char* kind = parts.organization ? "o|" : "p|";
  for (std::string& k : keys) k.insert(0, kind);
  return keys;
}

std::vector<std::string> NameKeysOf(const Customer& c) { return NameKeysOf(PartsOf(c)); }

Probe::Probe(const Customer& c) : customer(c), parts(PartsOf(c)), corroborators(Corroborators(c)) {
  for (const Email& e : c.emails) emails.push_back(text::FoldCase(e.address));
  for (const Phone& p : c.phones)
    if (std::string k = text::PhoneKey(p); !k.empty()) phone_keys.push_back(std::move(k));
}

absl::Status CheckOptions(const model::Ctx& ctx, const MatchOptions& o, bool need_limit) {
  if (!(o.threshold > 0 && o.threshold <= 1)) return absl::InvalidArgumentError("threshold: must be above 0 and at most 1");
  if (need_limit && (o.limit < 1 || o.limit > 1000)) return absl::InvalidArgumentError("limit: must be 1 to 1000");
  if ((o.reasons & kEveryMatchReason) == 0 || (o.reasons & ~kEveryMatchReason) != 0)
    return absl::InvalidArgumentError("reasons: must name at least one reason, and only known ones");
  if (o.id_fields.size() > kMaxIdFields) return absl::InvalidArgumentError("id_fields: at most 8");
  for (const std::string& f : o.id_fields) {
    if (f.size() <= 7 || f.compare(0, 7, "custom.") != 0)
      return absl::InvalidArgumentError(absl::StrCat("id_fields: ", f, " is not a custom field (custom.<name>)"));
    auto ref = query::Resolve(EntityType::kCustomer, f);
    if (!ref.ok()) return absl::InvalidArgumentError(absl::StrCat("id_fields: ", ref.status().message()));
    auto declared = query::FindDeclared(ctx, EntityType::kCustomer, *ref);
    if (!declared.ok()) return declared.status();
    if (*declared == nullptr)
      return absl::InvalidArgumentError(
          absl::StrCat("id_fields: ", f, " has no declared index (declare one first: DeclareIndex)"));
  }
  return absl::OkStatus();
}

DuplicateCandidate Compare(const Customer& a, const Customer& b, const MatchOptions& o) { return Compare(Probe(a), b, o); }

DuplicateCandidate Compare(const Probe& probe, const Customer& b, const MatchOptions& o) {
  const Customer& a = probe.customer;
  DuplicateCandidate out;
  out.id = b.id;
  bool same_email = false, same_phone = false;
  // The first of a's emails (phones) that b has, as b writes it.
  if (Wanted(o, MatchReason::kEmail) && !probe.emails.empty() && !b.emails.empty()) {
    std::vector<std::string> folded;
    for (const Email& eb : b.emails) folded.push_back(text::FoldCase(eb.address));
    for (std::size_t i = 0; !same_email && i < probe.emails.size(); ++i)
      for (std::size_t j = 0; !same_email && j < folded.size(); ++j)
        if (folded[j] == probe.emails[i]) {
          same_email = true;
          out.reasons.push_back({MatchReason::kEmail, kEmailWeight, b.emails[j].address});
        }
  }
  if (Wanted(o, MatchReason::kPhone) && !probe.phone_keys.empty() && !b.phones.empty()) {
    std::vector<std::string> keys;
    for (const Phone& pb : b.phones) keys.push_back(text::PhoneKey(pb));
    for (std::size_t i = 0; !same_phone && i < probe.phone_keys.size(); ++i)
      for (std::size_t j = 0; !same_phone && j < keys.size(); ++j)
        if (customers::PhoneMatches(keys[j], probe.phone_keys[i])) {
          same_phone = true;
          out.reasons.push_back({MatchReason::kPhone, kPhoneWeight, b.phones[j].number});
        }
  }
  if (Wanted(o, MatchReason::kDomain) && a.kind == CustomerKind::kOrganization && b.kind == CustomerKind::kOrganization)
    for (const std::string& d : a.domains)
      if (std::find(b.domains.begin(), b.domains.end(), d) != b.domains.end()) {
        out.reasons.push_back({MatchReason::kDomain, kDomainWeight, d});
        break;
      }
  if (Wanted(o, MatchReason::kExternalId)) {
    if (!a.external_id.empty() && a.external_id == b.external_id)
      out.reasons.push_back({MatchReason::kExternalId, kExternalWeight, "external_id = " + b.external_id});
    for (const std::string& f : o.id_fields) {
      const CustomValue* va = IdValue(a, f);
      const CustomValue* vb = IdValue(b, f);
      if (va != nullptr && vb != nullptr && *va == *vb)
        out.reasons.push_back({MatchReason::kExternalId, kExternalWeight, absl::StrCat(f, " = ", ValueText(*vb))});
    }
  }
  if (Wanted(o, MatchReason::kName)) {
    const double sim = NameSimilarity(probe.parts, PartsOf(b));
    if (sim >= kNameFloor) {
      std::vector<std::string> with;
      const std::vector<std::string>& ca = probe.corroborators;
      const std::vector<std::string> cb = Corroborators(b);
      bool city = false, org = false, domain = false;
      for (const std::string& x : ca) {
        if (!std::binary_search(cb.begin(), cb.end(), x)) continue;
        city |= x[0] == 'c';
        org |= x[0] == 'o';
        domain |= x[0] == 'd';
      }
      if (org) with.push_back("same organization");
      if (domain) with.push_back(a.kind == CustomerKind::kOrganization ? "same domain" : "same email domain");
      if (city) with.push_back("same city");
      if (same_phone) with.push_back("same phone");
      if (same_email) with.push_back("same email");
      if (!with.empty()) {
        const double factor = with.size() == 1 ? 0.85 : with.size() == 2 ? 0.93 : 0.97;
        const double weight = (0.8 + 0.2 * (sim - kNameFloor) / (1 - kNameFloor)) * factor;
        out.reasons.push_back({MatchReason::kName, weight, absl::StrCat(Fixed2(sim), " alike; ", absl::StrJoin(with, ", "))});
      }
    }
  }
  double miss = 1;
  for (const MatchEvidence& r : out.reasons) miss *= 1 - r.weight;
  out.score = 1 - miss;
  std::stable_sort(out.reasons.begin(), out.reasons.end(),
                   [](const MatchEvidence& x, const MatchEvidence& y) { return x.weight > y.weight; });
  return out;
}

absl::StatusOr<std::vector<DuplicateCandidate>> Candidates(const model::Ctx& ctx, const Customer& c, const MatchOptions& o) {
  if (ctx.schema.customer_match == model::kAbsentTable)
    return absl::FailedPreconditionError("this file predates duplicate matching (opened read-only): open it writable once");
  if (auto s = NeedMatchIndex(ctx); !s.ok()) return s;
  const Probe probe(c);
  absl::flat_hash_map<CustomerId, Customer> found;
  absl::flat_hash_set<CustomerId> ids;
  const auto add = [&](CustomerId id) {
    if (id != 0 && id != c.id) ids.insert(id);
  };
  const auto add_customer = [&](Customer&& x) {
    if (x.id == 0 || x.id == c.id) return;
    ids.insert(x.id);
    found.try_emplace(x.id, std::move(x));
  };
  if (Wanted(o, MatchReason::kEmail) || Wanted(o, MatchReason::kName))
    for (const Email& e : c.emails) {
      std::string_view value;
      auto hit = ctx.txn.Get(ctx.schema.customer_email, customers::EmailKey(ctx, e.address), &value);
      if (!hit.ok()) return hit.status();
      if (*hit && value.size() == 8) add(codec::GetBigEndian64(value.data()));
    }
  if (Wanted(o, MatchReason::kPhone) || Wanted(o, MatchReason::kName))
    for (const Phone& p : c.phones) {
      if (text::PhoneKey(p).empty()) continue;
      auto same = customers::FindByPhone(ctx, p.e164.empty() ? p.number : p.e164);
      if (!same.ok()) {
        if (absl::IsInvalidArgument(same.status())) continue;  // no digits to look up
        return same.status();
      }
      for (Customer& x : *same) add_customer(std::move(x));
    }
  if (Wanted(o, MatchReason::kDomain) && c.kind == CustomerKind::kOrganization)
    for (const std::string& d : c.domains) {
      auto same = customers::FindByDomain(ctx, d);
      if (!same.ok()) return same.status();
      for (Customer& x : *same) add_customer(std::move(x));
    }
  if (Wanted(o, MatchReason::kExternalId)) {
    if (!c.external_id.empty()) {
      auto same = customers::FindByExternalId(ctx, c.external_id);
      if (same.ok()) add_customer(*std::move(same));
      else if (!absl::IsNotFound(same.status())) return same.status();
    }
    for (const std::string& f : o.id_fields) {
      const CustomValue* v = IdValue(c, f);
      if (v == nullptr) continue;
      Search search;
      search.filter = Filter::Compare(f, Filter::Op::kEq, *v);
      search.include_archived = true;
      search.limit = 1000;
      auto page = query::SearchCustomers(ctx, search);
      if (!page.ok()) return page.status();
      for (Customer& x : page->customers) add_customer(std::move(x));
    }
  }
  if (Wanted(o, MatchReason::kName)) {
    // Each name key's entries, kept when they share a corroborating value's tag with `c`; one
    // cursor for every key, visited in key order.
    const std::vector<std::uint32_t> tags = customers::MatchTags(ctx, probe.corroborators);
    std::vector<std::string> prefixes;
    if (!tags.empty())
      for (const std::string& key : NameKeysOf(probe.parts)) prefixes.push_back(customers::MatchPrefix(ctx, key));
    std::sort(prefixes.begin(), prefixes.end());
    auto cursor = storage::Cursor::Open(ctx.txn, ctx.schema.customer_match);
    if (!cursor.ok()) return cursor.status();
    std::vector<std::uint64_t> named;
    for (const std::string& prefix : prefixes) {
      const auto shares = [&](std::string_view k) { return customers::SharesMatchTag(k.substr(prefix.size()), tags); };
      const absl::FunctionRef<bool(std::string_view)> keep(shares);
      storage::Cursor::IdScan scan{prefix, prefix, {}, o.include_archived ? '\0' : model::kFlagArchived, SIZE_MAX, nullptr, &keep};
      if (auto all = cursor->CollectIds(scan, &named); !all.ok()) return all.status();
    }
    for (CustomerId id : named) add(id);
  }

  std::vector<DuplicateCandidate> out;
  for (CustomerId id : ids) {
    auto it = found.find(id);
    Customer loaded;
    const Customer* other = nullptr;
    if (it != found.end()) {
      other = &it->second;
    } else {
      auto ok = customers::Load(ctx, id, &loaded);
      if (!ok.ok()) return ok.status();
      if (!*ok) continue;  // the index and the record disagree: Verify reports it
      other = &loaded;
    }
    if (other->archived && !o.include_archived) continue;
    DuplicateCandidate d = Compare(probe, *other, o);
    if (d.score < o.threshold || d.reasons.empty()) continue;
    if (!o.include_dismissed && c.id != 0) {
      auto dismissed = Dismissed(ctx, c.id, id);
      if (!dismissed.ok()) return dismissed.status();
      if (*dismissed) continue;
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(), [](const DuplicateCandidate& x, const DuplicateCandidate& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  if (out.size() > o.limit) out.resize(o.limit);
  return out;
}

std::string Describe(const std::vector<DuplicateCandidate>& candidates) {
  std::string out;
  for (const DuplicateCandidate& d : candidates) {
    if (!out.empty()) out += "; ";
    absl::StrAppend(&out, "customer ", d.id, " (", Fixed2(d.score));
    for (std::size_t i = 0; i < d.reasons.size(); ++i)
      absl::StrAppend(&out, i == 0 ? ": " : ", ", Av(MatchReasonName(d.reasons[i].reason)));
    out += ")";
  }
  return out;
}

}  // namespace crm::duplicates
