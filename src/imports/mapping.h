// Column mappings of imports: the fields a column fills, the presets, and the values as a
// customer's fields want them (dates, money, booleans, stages ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/customer.hpp"
#include "crm/interaction.hpp"
#include "crm/opportunity.hpp"
#include "crm/product.hpp"
#include "crm/user.hpp"
#include "crm/import.hpp"
#include "imports/source.h"

namespace crm::imports {

enum class Field : std::uint8_t {
  kExternalId, kKind, kDisplayName, kGivenName, kFamilyName, kName, kEmail, kPhone,
  kStreet, kCity, kRegion, kPostalCode, kCountry, kStage, kOwner, kTags, kCustom,
  kJobTitle, kDepartment, kIndustry, kWebsite, kAnnualRevenue, kAnnualRevenueMillions, kEmployees,
  kAccountType, kOrganization, kOrganizationExternalId, kParent, kParentExternalId,
  kEmailOptIn, kEmailLegalBasis, kEmailOptInAt, kDoNotCall, kCreatedAt, kUpdatedAt,
  // Opportunities and interactions (stage, owner, custom, external_id, created_at and updated_at
  // are shared with customers).
  kTitle, kCustomer, kCustomerExternalId, kCustomerEmail, kPipeline, kAmount, kProbability,
  kExpectedClose, kLostReason, kClosedAt, kInteractionKind, kDirection, kOccurredAt, kDurationSeconds,
  kDurationMinutes, kSubject, kBody, kOutcome, kSatisfaction, kOpportunityExternalId, kDueAt, kDone,
  // Users (name and email are shared).
  kLogin, kActive, kTeam, kTeamRegion, kManager,
  // Opportunities (since 0.15): the product of a one-line deal, by code or name, and its quantity.
  kProduct, kQuantity,
  kEnteredStage,  // "entered.<stage>": when a new deal entered that stage (Target::custom names it)
  // Products (since 0.15; name is shared).
  kCode, kFamily, kDescription, kPrice,
  // Customers (since 0.16): yes puts the customer in the churned stage, no in the customer stage.
  kChurned,
};

// The type of a custom field's values, as its column names it ("custom.score:int").
enum class CustomType : std::uint8_t { kText, kInt, kMoney, kDate, kBool };

struct Target {
  Field field;
  std::string custom;  // kCustom: the custom field's name; kEnteredStage: the stage's
  CustomType custom_type = CustomType::kText;
  std::string name;    // as the mapping names it ("email2", "custom.tier")
};

// The field a mapping names for records of that kind; InvalidArgument for an unknown one.
absl::StatusOr<Target> ParseTarget(std::string_view name, ImportRecords records);

// A file's mapping: the targets of each column, by the column's name.
struct Mapping {
  std::vector<std::pair<std::string, Target>> columns;  // column (as in the file), target
  ImportRecords records = ImportRecords::kCustomers;
  CustomerKind kind = CustomerKind::kPerson;            // rows without a kind column
  bool by_field_names = false;  // JSON Lines keys named as fields fill them (the generic preset)
};

// Resolves the mapping of a file with these columns (CSV: the header; JSON Lines: empty, and
// the preset's and caller's columns are taken as they are, plus every key named as a field).
// `used` gets what the job records; `records` is the preset's when the options leave it kAuto.
// With `exact`, only the options' columns map (a resumed job's recorded mapping).
absl::StatusOr<Mapping> Resolve(const ImportOptions& options, const std::vector<std::string>& header,
                                std::vector<ImportColumn>* used, bool exact = false);
// The mapping of a JSON Lines row's keys not in `mapping`, when named as fields ("given_name").
std::optional<Target> TargetOfKey(std::string_view key, ImportRecords records);

// How values are read.
struct Reading {
  absl::TimeZone zone;
  std::string currency;
  bool day_first = false;
};
absl::StatusOr<Reading> MakeReading(const ImportOptions& options);

// What a row gives: the record (a customer, an opportunity or an interaction, as the mapping's
// records), the patch naming the fields it sets, and the records it names by name or key (found
// or made by the caller).
struct Built {
  Customer customer;
  Opportunity deal;
  Interaction activity;
  Patch patch;
  std::string organization, organization_external, parent, parent_external;
  std::string customer_name, customer_external, customer_email, pipeline, stage, opportunity_external;
  User user;
  std::string team, team_region, manager;
  std::string product;            // a deal's product, by code or name
  std::int64_t quantity_milli = 0;  // its quantity (0: one)
  Product item;                     // a product row (its prices: the row's price, if any)
  std::vector<std::pair<std::string, Timestamp>> entered;  // a deal's stages (by name) and when it entered them
  bool empty = true;  // no mapped column had a value
};

// Builds a row's record; InvalidArgument naming the field ("email: ...").
absl::StatusOr<Built> Build(const Row& row, const Mapping& mapping, const Reading& reading);

// Values.
absl::StatusOr<Timestamp> ParseWhen(std::string_view text, const Reading& reading);
absl::StatusOr<Money> ParseMoney(std::string_view text, std::string_view default_currency);
absl::StatusOr<bool> ParseBool(std::string_view text);
absl::StatusOr<std::int64_t> ParseCount(std::string_view text);
absl::StatusOr<CustomValue> CustomOf(CustomType type, const std::string& value, const Reading& reading);
void AddField(Built& b, std::string_view name);

// A value of an opportunity's or an interaction's field (deal_values.cc).
absl::Status ApplyDealValue(Built& b, const Target& t, const std::string& value, const Reading& reading);
absl::Status ApplyActivityValue(Built& b, const Target& t, const std::string& value, const Reading& reading);
absl::Status ApplyUserValue(Built& b, const Target& t, const std::string& value);
// A value of a product's field (product_rows.cc).
absl::Status ApplyProductValue(Built& b, const Target& t, const std::string& value, const Reading& reading);

}  // namespace crm::imports
