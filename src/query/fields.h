// The fields a filter, sort or grouping may name, per kind of record, and the values a record
// holds in each: the one place that knows how a query sees a customer or an opportunity.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "crm/change.hpp"
#include "crm/customer.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "crm/pipeline.hpp"

namespace crm::users {
class Directory;
}  // namespace crm::users
namespace crm::products {
class Catalog;
}  // namespace crm::products

namespace crm::query {

// How a field's values compare.
enum class Type : std::uint8_t {
  kId,      // a record id (integers only)
  kInt,     // an integer
  kText,    // text, compared case-insensitively
  kExact,   // text, compared exactly (owner, external_id)
  kPhone,   // a phone number, compared by its digits
  kTime,    // microseconds; literals may be dates and times as text
  kBool,
  kMoney,   // amount in a currency
  kEnum,    // a name from a fixed list (lifecycle stage, kind ...), ordered as the list
  kStage,   // an opportunity's stage: by name or id, in any pipeline
  kCustom,  // a custom field: typed by its stored value
};

struct FieldRef {
  int id = 0;  // the field, within its kind
  Type type = Type::kText;
  bool multi = false;  // several values per record (tag, email ...)
  std::string name;    // as the caller wrote it, lower case
  std::string custom;  // kCustom: the custom field's name
  const std::vector<std::string_view>* names = nullptr;  // kEnum: the names, by value
};

// InvalidArgument naming the field and listing the known ones when `name` is not a field of
// `kind` (customers, opportunities and interactions).
absl::StatusOr<FieldRef> Resolve(EntityType kind, std::string_view name);

// The field's name as indexes know it: the first of its synonyms ("address.city" for "city"),
// "custom.<name>" for a custom field.
std::string CanonicalName(EntityType kind, const FieldRef& f);

// One value of a field of a record. Text is borrowed from the record.
struct Val {
  enum class K : std::uint8_t { kText, kInt, kMoney, kBool, kCustom };
  K k = K::kInt;
  std::string_view text;
  std::int64_t i = 0;
  const Money* money = nullptr;
  const CustomValue* custom = nullptr;
};

// What the values of some fields depend on besides the record: the pipelines (an opportunity's
// stage and status) and the users (the team, region and manager of a record's owner).
struct Lookups {
  std::vector<Pipeline> pipelines;
  // Loaded only for queries that name a field derived from the owner (NeedsOwners); without it
  // such fields have no value.
  std::shared_ptr<const users::Directory> owners;
  // Opportunities: the catalog, for the code and family of a deal's products ("product",
  // "product.family"); without it those fields have no value.
  std::shared_ptr<const products::Catalog> products;
  const Pipeline* Find(PipelineId id) const;
  // pipeline << 32 | stage: an opportunity's stage as one integer.
  static std::int64_t StageCode(PipelineId p, StageId s) {
    return static_cast<std::int64_t>((p << 32) | s);
  }
};

// Whether `f` is read through the owner's user (team, team.region, owner.manager ...).
bool NeedsOwners(const FieldRef& f);
// Whether `f` is read through the product catalog (product, product.family).
bool NeedsCatalog(EntityType kind, const FieldRef& f);

using EachVal = absl::FunctionRef<void(const Val&)>;

// Calls `fn` for each value `c` or `o` holds in `f` (none when it has none: empty text, time 0,
// no custom field of that name).
void Values(const Customer& c, const Lookups& l, const FieldRef& f, EachVal fn);
void Values(const Opportunity& o, const Lookups& p, const FieldRef& f, EachVal fn);
void Values(const Interaction& i, const Lookups& l, const FieldRef& f, EachVal fn);

// The label of an enum value or an opportunity stage code.
std::string EnumLabel(const FieldRef& f, std::int64_t v, const Lookups& p);

}  // namespace crm::query
