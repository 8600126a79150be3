#include "query/fields.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/strings.h"
#include "products/products.h"
#include "users/users.h"

namespace crm::query {
namespace {

enum CustomerField {
  kCId = 1, kCKind, kCName, kCGiven, kCFamily, kCEmail, kCPhone, kCStreet, kCCity, kCRegion, kCPostal, kCCountry,
  kCStage, kCOwner, kCTag, kCExternal, kCOrganization, kCRole, kCCreated, kCUpdated, kCArchivedAt, kCContacted,
  kCArchived, kCOptIn, kCBasis, kCOptInAt, kCDoNotCall, kCJobTitle, kCDepartment, kCIndustry, kCWebsite, kCDomain,
  kCRevenue, kCEmployees, kCAccountType, kCParent, kCCustom,
};

enum InteractionField {
  kIId = 1, kICustomer, kIKind, kIKindLabel, kIDirection, kIOccurred, kIDuration, kISubject, kIBody, kIOutcome,
  kISatisfaction, kIAmount, kICurrency, kIOwner, kIOpportunity, kIDue, kIDone, kIExternal, kICreated, kIUpdated,
  kICustom,
};

// Fields read through the owner's user, the same for every kind of record.
enum OwnerField { kTeam = 100, kTeamRegion, kManager, kOwnerActive, kOwnerUser };

enum OpportunityField {
  kOId = 1, kOTitle, kOCustomer, kOPipeline, kOStage, kOStatus, kOAmount, kOCurrency, kOProbability,
  kOExpectedClose, kOCreated, kOUpdated, kOClosed, kOOwner, kOContact, kOLostReason, kOExternal, kOCustom,
  kOForecast, kOProduct, kOProductFamily, kOProductId,
};

const std::vector<std::string_view> kLifecycleNames = {
    "", "subscriber", "lead", "prospect", "opportunity", "customer", "evangelist", "churned", "other"};
const std::vector<std::string_view> kKindNames = {"", "person", "organization"};
const std::vector<std::string_view> kBasisNames = {"none",          "consent",      "contract",
                                                   "legal_obligation", "vital_interests", "public_task",
                                                   "legitimate_interests"};
const std::vector<std::string_view> kStatusNames = {"open", "won", "lost"};
const std::vector<std::string_view> kForecastNames = {"auto", "pipeline", "best_case", "commit", "closed", "omitted"};
const std::vector<std::string_view> kInteractionKindNames = {"",     "call",           "email",    "meeting", "note",
                                                             "task", "support_ticket", "purchase", "other"};
const std::vector<std::string_view> kDirectionNames = {"none", "inbound", "outbound"};
const std::vector<std::string_view> kAccountTypeNames = {"", "prospect", "customer", "partner", "competitor",
                                                         "other"};

struct Known {
  std::string_view name;
  int id;
  Type type;
  bool multi = false;
  const std::vector<std::string_view>* names = nullptr;
};

void AddOwnerFields(std::vector<Known>& k) {
  k.insert(k.end(), {
                        {"team", kTeam, Type::kText},
                        {"owner.team", kTeam, Type::kText},
                        {"team.region", kTeamRegion, Type::kText},
                        {"owner.manager", kManager, Type::kText},
                        {"owner.active", kOwnerActive, Type::kBool},
                        {"owner.user", kOwnerUser, Type::kId},
                    });
}

const std::vector<Known>& CustomerFields() {
  static std::vector<Known> k = {
      {"id", kCId, Type::kId},
      {"kind", kCKind, Type::kEnum, false, &kKindNames},
      {"name", kCName, Type::kText},
      {"display_name", kCName, Type::kText},
      {"given_name", kCGiven, Type::kText},
      {"family_name", kCFamily, Type::kText},
      {"email", kCEmail, Type::kText, true},
      {"phone", kCPhone, Type::kPhone, true},
      {"address.street", kCStreet, Type::kText},
      {"street", kCStreet, Type::kText},
      {"address.city", kCCity, Type::kText},
      {"city", kCCity, Type::kText},
      {"address.region", kCRegion, Type::kText},
      {"region", kCRegion, Type::kText},
      {"address.postal_code", kCPostal, Type::kText},
      {"postal_code", kCPostal, Type::kText},
      {"address.country", kCCountry, Type::kText},
      {"country", kCCountry, Type::kText},
      {"stage", kCStage, Type::kEnum, false, &kLifecycleNames},
      {"owner", kCOwner, Type::kExact},
      {"tag", kCTag, Type::kText, true},
      {"external_id", kCExternal, Type::kExact},
      {"organization", kCOrganization, Type::kId, true},
      {"role", kCRole, Type::kText, true},
      {"created_at", kCCreated, Type::kTime},
      {"updated_at", kCUpdated, Type::kTime},
      {"archived_at", kCArchivedAt, Type::kTime},
      {"last_interaction_at", kCContacted, Type::kTime},
      {"archived", kCArchived, Type::kBool},
      {"consent.email_opt_in", kCOptIn, Type::kBool},
      {"consent.email_legal_basis", kCBasis, Type::kEnum, false, &kBasisNames},
      {"consent.email_opt_in_at", kCOptInAt, Type::kTime},
      {"consent.do_not_call", kCDoNotCall, Type::kBool},
      {"job_title", kCJobTitle, Type::kText},
      {"department", kCDepartment, Type::kText},
      {"industry", kCIndustry, Type::kText},
      {"website", kCWebsite, Type::kText},
      {"domain", kCDomain, Type::kText, true},
      {"annual_revenue", kCRevenue, Type::kMoney},
      {"employees", kCEmployees, Type::kInt},
      {"account_type", kCAccountType, Type::kEnum, false, &kAccountTypeNames},
      {"parent", kCParent, Type::kId},
  };
  static const bool with_owner = (AddOwnerFields(k), true);
  (void)with_owner;
  return k;
}

const std::vector<Known>& OpportunityFields() {
  static std::vector<Known> k = {
      {"id", kOId, Type::kId},
      {"title", kOTitle, Type::kText},
      {"customer", kOCustomer, Type::kId},
      {"pipeline", kOPipeline, Type::kId},
      {"stage", kOStage, Type::kStage},
      {"status", kOStatus, Type::kEnum, false, &kStatusNames},
      {"forecast_category", kOForecast, Type::kEnum, false, &kForecastNames},
      {"amount", kOAmount, Type::kMoney},
      {"currency", kOCurrency, Type::kText},
      {"probability", kOProbability, Type::kInt},
      {"expected_close", kOExpectedClose, Type::kTime},
      {"created_at", kOCreated, Type::kTime},
      {"updated_at", kOUpdated, Type::kTime},
      {"closed_at", kOClosed, Type::kTime},
      {"owner", kOOwner, Type::kExact},
      {"contact", kOContact, Type::kId, true},
      {"lost_reason", kOLostReason, Type::kText},
      {"external_id", kOExternal, Type::kExact},
      {"product", kOProduct, Type::kText, true},
      {"product.code", kOProduct, Type::kText, true},
      {"product.family", kOProductFamily, Type::kText, true},
      {"product.id", kOProductId, Type::kId, true},
  };
  static const bool with_owner = (AddOwnerFields(k), true);
  (void)with_owner;
  return k;
}

const std::vector<Known>& InteractionFields() {
  static std::vector<Known> k = {
      {"id", kIId, Type::kId},
      {"customer", kICustomer, Type::kId},
      {"kind", kIKind, Type::kEnum, false, &kInteractionKindNames},
      {"kind_label", kIKindLabel, Type::kText},
      {"direction", kIDirection, Type::kEnum, false, &kDirectionNames},
      {"occurred_at", kIOccurred, Type::kTime},
      {"duration_seconds", kIDuration, Type::kInt},
      {"subject", kISubject, Type::kText},
      {"body", kIBody, Type::kText},
      {"outcome", kIOutcome, Type::kText},
      {"satisfaction", kISatisfaction, Type::kInt},
      {"amount", kIAmount, Type::kMoney},
      {"currency", kICurrency, Type::kText},
      {"owner", kIOwner, Type::kExact},
      {"opportunity", kIOpportunity, Type::kId},
      {"due_at", kIDue, Type::kTime},
      {"done", kIDone, Type::kBool},
      {"external_id", kIExternal, Type::kExact},
      {"created_at", kICreated, Type::kTime},
      {"updated_at", kIUpdated, Type::kTime},
  };
  static const bool with_owner = (AddOwnerFields(k), true);
  (void)with_owner;
  return k;
}

// The fields of a kind of record, and its name in messages; nullptr for a kind queries do not cover.
const std::vector<Known>* FieldsOf(EntityType kind) {
  switch (kind) {
    case EntityType::kCustomer: return &CustomerFields();
    case EntityType::kOpportunity: return &OpportunityFields();
    case EntityType::kInteraction: return &InteractionFields();
    default: return nullptr;
  }
}

int CustomId(EntityType kind) {
  switch (kind) {
    case EntityType::kCustomer: return kCCustom;
    case EntityType::kOpportunity: return kOCustom;
    default: return kICustom;
  }
}

void Text(std::string_view s, EachVal fn) {
  if (s.empty()) return;
  Val v;
  v.k = Val::K::kText;
  v.text = s;
  fn(v);
}
void Int(std::int64_t i, EachVal fn) {
  Val v;
  v.k = Val::K::kInt;
  v.i = i;
  fn(v);
}
void Time(Timestamp t, EachVal fn) {
  if (t != 0) Int(t, fn);
}
void Bool(bool b, EachVal fn) {
  Val v;
  v.k = Val::K::kBool;
  v.i = b ? 1 : 0;
  fn(v);
}

template <class Map>
void Custom(const Map& custom, const FieldRef& f, EachVal fn) {
  auto it = custom.find(f.custom);
  if (it == custom.end()) return;
  if (const auto* s = std::get_if<std::string>(&it->second); s != nullptr && s->empty()) return;
  Val v;
  v.k = Val::K::kCustom;
  v.custom = &it->second;
  fn(v);
}

// Whether line i is the first of the deal's lines with its product (a deal may sell one twice).
bool FirstOf(const std::vector<LineItem>& lines, std::size_t i) {
  for (std::size_t j = 0; j < i; ++j)
    if (lines[j].product == lines[i].product) return false;
  return true;
}

const char* KindNames(EntityType kind) {
  switch (kind) {
    case EntityType::kCustomer: return "customers";
    case EntityType::kOpportunity: return "opportunities";
    default: return "interactions";
  }
}

}  // namespace

absl::StatusOr<FieldRef> Resolve(EntityType kind, std::string_view name) {
  const std::vector<Known>* fields = FieldsOf(kind);
  if (fields == nullptr) return absl::InvalidArgumentError("kind: searches cover customers, opportunities and interactions");
  const std::vector<Known>& known = *fields;
  FieldRef f;
  f.name = std::string(name);
  for (const Known& k : known)
    if (k.name == name) {
      f.id = k.id;
      f.type = k.type;
      f.multi = k.multi;
      f.names = k.names;
      return f;
    }
  constexpr std::string_view kCustomPrefix = "custom.";
  if (name.substr(0, kCustomPrefix.size()) == kCustomPrefix && name.size() > kCustomPrefix.size()) {
    f.id = CustomId(kind);
    f.type = Type::kCustom;
    f.custom = std::string(name.substr(kCustomPrefix.size()));
    return f;
  }
  std::vector<std::string> names;
  for (const Known& k : known) names.emplace_back(k.name);
  return absl::InvalidArgumentError(absl::StrCat("field '", Av(name), "': not a field of ",
                                                 KindNames(kind),
                                                 " (known: ", absl::StrJoin(names, ", "), ", custom.<name>)"));
}

std::string CanonicalName(EntityType kind, const FieldRef& f) {
  if (f.type == Type::kCustom) return absl::StrCat("custom.", f.custom);
  if (const std::vector<Known>* known = FieldsOf(kind); known != nullptr)
    for (const Known& k : *known)
      if (k.id == f.id) return std::string(k.name);
  return f.name;
}

const Pipeline* Lookups::Find(PipelineId id) const {
  for (const Pipeline& p : pipelines)
    if (p.id == id) return &p;
  return nullptr;
}

bool NeedsOwners(const FieldRef& f) { return f.id >= kTeam && f.id <= kOwnerUser; }

bool NeedsCatalog(EntityType kind, const FieldRef& f) {
  return kind == EntityType::kOpportunity && (f.id == kOProduct || f.id == kOProductFamily);
}

namespace {
// The values of a field read through the owner's user; false when `f` is not such a field.
bool OwnerValues(std::string_view owner, const Lookups& l, const FieldRef& f, EachVal fn) {
  if (!NeedsOwners(f)) return false;
  const users::OwnerInfo* info = l.owners == nullptr ? nullptr : l.owners->Find(owner);
  if (info == nullptr) return true;
  switch (f.id) {
    case kTeam: Text(info->team, fn); break;
    case kTeamRegion: Text(info->region, fn); break;
    case kManager: Text(info->manager, fn); break;
    case kOwnerActive: Bool(info->active, fn); break;
    case kOwnerUser: Int(static_cast<std::int64_t>(info->user), fn); break;
  }
  return true;
}
}  // namespace

void Values(const Customer& c, const Lookups& l, const FieldRef& f, EachVal fn) {
  if (OwnerValues(c.owner, l, f, fn)) return;
  switch (f.id) {
    case kCId: return Int(static_cast<std::int64_t>(c.id), fn);
    case kCKind: return Int(static_cast<std::int64_t>(c.kind), fn);
    case kCName: return Text(c.display_name, fn);
    case kCGiven: return Text(c.given_name, fn);
    case kCFamily: return Text(c.family_name, fn);
    case kCEmail:
      for (const Email& e : c.emails) Text(e.address, fn);
      return;
    case kCPhone:
      for (const Phone& p : c.phones) Text(p.e164.empty() ? p.number : p.e164, fn);  // E.164 when valid
      return;
    case kCStreet: return Text(c.address.street, fn);
    case kCCity: return Text(c.address.city, fn);
    case kCRegion: return Text(c.address.region, fn);
    case kCPostal: return Text(c.address.postal_code, fn);
    case kCCountry: return Text(c.address.country, fn);
    case kCStage: return Int(static_cast<std::int64_t>(c.stage), fn);
    case kCOwner: return Text(c.owner, fn);
    case kCTag:
      for (const std::string& t : c.tags) Text(t, fn);
      return;
    case kCExternal: return Text(c.external_id, fn);
    case kCOrganization:
      for (const Membership& m : c.memberships) Int(static_cast<std::int64_t>(m.organization), fn);
      return;
    case kCRole:
      for (const Membership& m : c.memberships) Text(m.role, fn);
      return;
    case kCCreated: return Time(c.created_at, fn);
    case kCUpdated: return Time(c.updated_at, fn);
    case kCArchivedAt: return Time(c.archived_at, fn);
    case kCContacted: return Time(c.last_interaction_at, fn);
    case kCArchived: return Bool(c.archived, fn);
    case kCOptIn: return Bool(c.consent.email_opt_in, fn);
    case kCBasis: return Int(static_cast<std::int64_t>(c.consent.email_legal_basis), fn);
    case kCOptInAt: return Time(c.consent.email_opt_in_at, fn);
    case kCDoNotCall: return Bool(c.consent.do_not_call, fn);
    case kCJobTitle: return Text(c.job_title, fn);
    case kCDepartment: return Text(c.department, fn);
    case kCIndustry: return Text(c.industry, fn);
    case kCWebsite: return Text(c.website, fn);
    case kCDomain:
      for (const std::string& d : c.domains) Text(d, fn);
      return;
    case kCRevenue:
      if (!c.annual_revenue.currency.empty()) {
        Val v;
        v.k = Val::K::kMoney;
        v.money = &c.annual_revenue;
        fn(v);
      }
      return;
    case kCEmployees:
      if (c.employees != 0) Int(c.employees, fn);
      return;
    case kCAccountType:
      if (c.account_type != AccountType::kNone) Int(static_cast<std::int64_t>(c.account_type), fn);
      return;
    case kCParent:
      if (c.parent != 0) Int(static_cast<std::int64_t>(c.parent), fn);
      return;
    case kCCustom: return Custom(c.custom, f, fn);
  }
}

namespace {
std::int64_t StatusOf(const Opportunity& o, const Lookups& p) {
  const Pipeline* pipeline = p.Find(o.pipeline);
  const Stage* stage = pipeline == nullptr ? nullptr : pipeline->FindStage(o.stage);
  if (stage == nullptr) return 0;
  switch (stage->outcome) {
    case StageOutcome::kWon: return 1;
    case StageOutcome::kLost: return 2;
    default: return 0;
  }
}
}  // namespace

void Values(const Opportunity& o, const Lookups& p, const FieldRef& f, EachVal fn) {
  if (OwnerValues(o.owner, p, f, fn)) return;
  switch (f.id) {
    case kOId: return Int(static_cast<std::int64_t>(o.id), fn);
    case kOTitle: return Text(o.title, fn);
    case kOCustomer:
      if (o.customer != 0) Int(static_cast<std::int64_t>(o.customer), fn);
      return;
    case kOPipeline: return Int(static_cast<std::int64_t>(o.pipeline), fn);
    case kOStage: return Int(Lookups::StageCode(o.pipeline, o.stage), fn);
    case kOStatus: return Int(StatusOf(o, p), fn);
    case kOForecast: {
      const Pipeline* pipeline = p.Find(o.pipeline);
      const Stage* stage = pipeline == nullptr ? nullptr : pipeline->FindStage(o.stage);
      if (stage != nullptr) Int(static_cast<std::int64_t>(ForecastOf(o, *stage)), fn);
      return;
    }
    case kOProductId:
      for (std::size_t i = 0; i < o.lines.size(); ++i)
        if (FirstOf(o.lines, i)) Int(static_cast<std::int64_t>(o.lines[i].product), fn);
      return;
    case kOProduct:
    case kOProductFamily:
      if (p.products == nullptr) return;
      for (std::size_t i = 0; i < o.lines.size(); ++i) {
        const Product* product = FirstOf(o.lines, i) ? p.products->Find(o.lines[i].product) : nullptr;
        if (product != nullptr) Text(f.id == kOProduct ? product->code : product->family, fn);
      }
      return;
    case kOAmount:
      if (!o.amount.currency.empty()) {
        Val v;
        v.k = Val::K::kMoney;
        v.money = &o.amount;
        fn(v);
      }
      return;
    case kOCurrency: return Text(o.amount.currency, fn);
    case kOProbability: return Int(o.probability, fn);
    case kOExpectedClose: return Time(o.expected_close, fn);
    case kOCreated: return Time(o.created_at, fn);
    case kOUpdated: return Time(o.updated_at, fn);
    case kOClosed: return Time(o.closed_at, fn);
    case kOOwner: return Text(o.owner, fn);
    case kOContact:
      for (const ContactRole& r : o.contacts) Int(static_cast<std::int64_t>(r.person), fn);
      return;
    case kOLostReason: return Text(o.lost_reason, fn);
    case kOExternal: return Text(o.external_id, fn);
    case kOCustom: return Custom(o.custom, f, fn);
  }
}

void Values(const Interaction& i, const Lookups& l, const FieldRef& f, EachVal fn) {
  if (OwnerValues(i.owner, l, f, fn)) return;
  switch (f.id) {
    case kIId: return Int(static_cast<std::int64_t>(i.id), fn);
    case kICustomer: return Int(static_cast<std::int64_t>(i.customer), fn);
    case kIKind: return Int(static_cast<std::int64_t>(i.kind), fn);
    case kIKindLabel: return Text(i.kind_label, fn);
    case kIDirection: return Int(static_cast<std::int64_t>(i.direction), fn);
    case kIOccurred: return Time(i.occurred_at, fn);
    case kIDuration:
      if (i.duration_seconds != 0) Int(i.duration_seconds, fn);
      return;
    case kISubject: return Text(i.subject, fn);
    case kIBody: return Text(i.body, fn);
    case kIOutcome: return Text(i.outcome, fn);
    case kISatisfaction:
      if (i.satisfaction != 0) Int(i.satisfaction, fn);
      return;
    case kIAmount:
      if (i.amount && !i.amount->currency.empty()) {
        Val v;
        v.k = Val::K::kMoney;
        v.money = &*i.amount;
        fn(v);
      }
      return;
    case kICurrency:
      if (i.amount) Text(i.amount->currency, fn);
      return;
    case kIOwner: return Text(i.owner, fn);
    case kIOpportunity:
      if (i.opportunity != 0) Int(static_cast<std::int64_t>(i.opportunity), fn);
      return;
    case kIDue: return Time(i.due_at, fn);
    case kIDone: return Bool(i.done, fn);
    case kIExternal: return Text(i.external_id, fn);
    case kICreated: return Time(i.created_at, fn);
    case kIUpdated: return Time(i.updated_at, fn);
    case kICustom: return Custom(i.custom, f, fn);
  }
}

std::string EnumLabel(const FieldRef& f, std::int64_t v, const Lookups& p) {
  if (f.type == Type::kStage) {
    const Pipeline* pipeline = p.Find(static_cast<std::uint64_t>(v) >> 32);
    const Stage* stage = pipeline == nullptr ? nullptr : pipeline->FindStage(static_cast<StageId>(v & 0xffffffff));
    return stage == nullptr ? std::to_string(v & 0xffffffff) : stage->name;
  }
  if (f.names != nullptr && v >= 0 && static_cast<std::size_t>(v) < f.names->size())
    return std::string((*f.names)[static_cast<std::size_t>(v)]);
  return std::to_string(v);
}

}  // namespace crm::query
