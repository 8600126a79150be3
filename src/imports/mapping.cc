// Column mappings, presets and the reading of values.
#include "imports/mapping.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "common/strings.h"
#include "model/validation.h"

namespace crm::imports {
namespace {

struct FieldName {
  std::string_view name;
  Field field;
};

constexpr FieldName kFields[] = {
    {"external_id", Field::kExternalId},
    {"kind", Field::kKind},
    {"display_name", Field::kDisplayName},
    {"given_name", Field::kGivenName},
    {"family_name", Field::kFamilyName},
    {"name", Field::kName},
    {"email", Field::kEmail},
    {"phone", Field::kPhone},
    {"address.street", Field::kStreet},
    {"address.city", Field::kCity},
    {"address.region", Field::kRegion},
    {"address.postal_code", Field::kPostalCode},
    {"address.country", Field::kCountry},
    {"stage", Field::kStage},
    {"owner", Field::kOwner},
    {"tags", Field::kTags},
    {"job_title", Field::kJobTitle},
    {"department", Field::kDepartment},
    {"industry", Field::kIndustry},
    {"website", Field::kWebsite},
    {"annual_revenue", Field::kAnnualRevenue},
    {"annual_revenue_millions", Field::kAnnualRevenueMillions},
    {"employees", Field::kEmployees},
    {"account_type", Field::kAccountType},
    {"organization", Field::kOrganization},
    {"organization_external_id", Field::kOrganizationExternalId},
    {"parent", Field::kParent},
    {"parent_external_id", Field::kParentExternalId},
    {"email_opt_in", Field::kEmailOptIn},
    {"email_legal_basis", Field::kEmailLegalBasis},
    {"email_opt_in_at", Field::kEmailOptInAt},
    {"do_not_call", Field::kDoNotCall},
    {"created_at", Field::kCreatedAt},
    {"updated_at", Field::kUpdatedAt},
    {"churned", Field::kChurned},
};

constexpr FieldName kDealFields[] = {
    {"external_id", Field::kExternalId},
    {"title", Field::kTitle},
    {"customer", Field::kCustomer},
    {"customer_external_id", Field::kCustomerExternalId},
    {"customer_email", Field::kCustomerEmail},
    {"pipeline", Field::kPipeline},
    {"stage", Field::kStage},
    {"amount", Field::kAmount},
    {"probability", Field::kProbability},
    {"expected_close", Field::kExpectedClose},
    {"owner", Field::kOwner},
    {"lost_reason", Field::kLostReason},
    {"created_at", Field::kCreatedAt},
    {"closed_at", Field::kClosedAt},
    {"updated_at", Field::kUpdatedAt},
    {"product", Field::kProduct},
    {"quantity", Field::kQuantity},
};

constexpr FieldName kActivityFields[] = {
    {"external_id", Field::kExternalId},
    {"customer", Field::kCustomer},
    {"customer_external_id", Field::kCustomerExternalId},
    {"customer_email", Field::kCustomerEmail},
    {"kind", Field::kInteractionKind},
    {"direction", Field::kDirection},
    {"occurred_at", Field::kOccurredAt},
    {"duration_seconds", Field::kDurationSeconds},
    {"duration_minutes", Field::kDurationMinutes},
    {"subject", Field::kSubject},
    {"body", Field::kBody},
    {"outcome", Field::kOutcome},
    {"satisfaction", Field::kSatisfaction},
    {"amount", Field::kAmount},
    {"owner", Field::kOwner},
    {"opportunity_external_id", Field::kOpportunityExternalId},
    {"due_at", Field::kDueAt},
    {"done", Field::kDone},
    {"created_at", Field::kCreatedAt},
    {"updated_at", Field::kUpdatedAt},
};

constexpr FieldName kUserFields[] = {
    {"name", Field::kName},         {"login", Field::kLogin},  {"email", Field::kEmail},
    {"active", Field::kActive},     {"team", Field::kTeam},    {"team_region", Field::kTeamRegion},
    {"manager", Field::kManager},
};

constexpr FieldName kProductFields[] = {
    {"code", Field::kCode},         {"name", Field::kName},     {"family", Field::kFamily},
    {"description", Field::kDescription}, {"active", Field::kActive}, {"price", Field::kPrice},
    {"created_at", Field::kCreatedAt},    {"updated_at", Field::kUpdatedAt},
};

absl::Span<const FieldName> FieldsOf(ImportRecords records) {
  switch (records) {
    case ImportRecords::kProducts: return kProductFields;
    case ImportRecords::kUsers: return kUserFields;
    case ImportRecords::kOpportunities: return kDealFields;
    case ImportRecords::kInteractions: return kActivityFields;
    default: return kFields;
  }
}

// What people call the fields in the header of a file, letters and digits only, lower case.
struct Synonym {
  std::string_view folded;
  std::string_view field;
};
constexpr Synonym kSynonyms[] = {
    {"externalid", "external_id"}, {"id", "external_id"}, {"customerid", "external_id"},
    {"recordid", "external_id"}, {"contactid", "external_id"}, {"kind", "kind"},
    {"displayname", "display_name"}, {"name", "name"}, {"fullname", "name"},
    {"firstname", "given_name"}, {"givenname", "given_name"}, {"forename", "given_name"},
    {"lastname", "family_name"}, {"familyname", "family_name"}, {"surname", "family_name"},
    {"email", "email"}, {"emailaddress", "email"}, {"mail", "email"}, {"email1", "email"},
    {"email2", "email2"}, {"email3", "email3"}, {"secondaryemail", "email2"},
    {"phone", "phone"}, {"phonenumber", "phone"}, {"telephone", "phone"}, {"tel", "phone"},
    {"phone1", "phone"}, {"phone2", "phone2"}, {"phone3", "phone3"}, {"mobile", "phone2"},
    {"mobilephone", "phone2"}, {"mobilephonenumber", "phone2"}, {"cell", "phone2"},
    {"street", "address.street"}, {"streetaddress", "address.street"}, {"address", "address.street"},
    {"address1", "address.street"}, {"city", "address.city"}, {"town", "address.city"},
    {"region", "address.region"}, {"state", "address.region"}, {"province", "address.region"},
    {"stateregion", "address.region"}, {"postalcode", "address.postal_code"}, {"zip", "address.postal_code"},
    {"zipcode", "address.postal_code"}, {"postcode", "address.postal_code"}, {"country", "address.country"},
    {"countryregion", "address.country"}, {"stage", "stage"}, {"lifecyclestage", "stage"}, {"churn", "churned"},
    {"churned", "churned"},
    {"owner", "owner"}, {"contactowner", "owner"}, {"accountowner", "owner"}, {"tags", "tags"},
    {"labels", "tags"}, {"jobtitle", "job_title"}, {"title", "job_title"}, {"department", "department"},
    {"industry", "industry"}, {"sector", "industry"}, {"website", "website"}, {"url", "website"},
    {"annualrevenue", "annual_revenue"}, {"revenue", "annual_revenue"}, {"employees", "employees"},
    {"numberofemployees", "employees"}, {"employeecount", "employees"}, {"accounttype", "account_type"},
    {"company", "organization"}, {"companyname", "organization"}, {"organization", "organization"},
    {"organisation", "organization"}, {"account", "organization"}, {"accountname", "organization"},
    {"emailoptin", "email_opt_in"}, {"optin", "email_opt_in"}, {"donotcall", "do_not_call"},
    {"createdat", "created_at"}, {"createdate", "created_at"}, {"createddate", "created_at"},
    {"created", "created_at"}, {"updatedat", "updated_at"}, {"lastmodifieddate", "updated_at"},
    {"updated", "updated_at"},
};

constexpr Synonym kDealSynonyms[] = {
    {"externalid", "external_id"}, {"id", "external_id"}, {"opportunityid", "external_id"},
    {"dealid", "external_id"}, {"recordid", "external_id"}, {"title", "title"}, {"name", "title"},
    {"dealname", "title"}, {"opportunityname", "title"}, {"opportunity", "title"}, {"deal", "title"},
    {"customer", "customer"}, {"account", "customer"}, {"accountname", "customer"}, {"company", "customer"},
    {"companyname", "customer"}, {"organization", "customer"}, {"customerexternalid", "customer_external_id"},
    {"accountid", "customer_external_id"}, {"customeremail", "customer_email"}, {"email", "customer_email"},
    {"pipeline", "pipeline"}, {"stage", "stage"}, {"dealstage", "stage"}, {"stagename", "stage"},
    {"amount", "amount"}, {"value", "amount"}, {"dealvalue", "amount"}, {"closevalue", "amount"},
    {"probability", "probability"}, {"expectedclose", "expected_close"}, {"closedate", "expected_close"},
    {"expectedclosedate", "expected_close"}, {"owner", "owner"}, {"dealowner", "owner"},
    {"salesagent", "owner"}, {"lostreason", "lost_reason"}, {"createdat", "created_at"},
    {"createdate", "created_at"}, {"createddate", "created_at"}, {"created", "created_at"},
    {"closedat", "closed_at"}, {"closed", "closed_at"}, {"closeddate", "closed_at"}, {"updatedat", "updated_at"},
    {"lastmodifieddate", "updated_at"},
};

constexpr Synonym kActivitySynonyms[] = {
    {"externalid", "external_id"}, {"id", "external_id"}, {"activityid", "external_id"},
    {"interactionid", "external_id"}, {"customer", "customer"}, {"contact", "customer"},
    {"company", "customer"}, {"account", "customer"}, {"customerexternalid", "customer_external_id"},
    {"customerid", "customer_external_id"}, {"contactid", "customer_external_id"},
    {"customeremail", "customer_email"}, {"email", "customer_email"}, {"kind", "kind"}, {"type", "kind"},
    {"activitytype", "kind"}, {"direction", "direction"}, {"occurredat", "occurred_at"}, {"date", "occurred_at"},
    {"activitydate", "occurred_at"}, {"timestamp", "occurred_at"}, {"duration", "duration_minutes"},
    {"durationminutes", "duration_minutes"}, {"durationseconds", "duration_seconds"}, {"subject", "subject"},
    {"body", "body"}, {"notes", "body"}, {"description", "body"}, {"outcome", "outcome"},
    {"satisfaction", "satisfaction"}, {"rating", "satisfaction"}, {"amount", "amount"}, {"owner", "owner"},
    {"opportunityexternalid", "opportunity_external_id"}, {"dealid", "opportunity_external_id"},
    {"opportunityid", "opportunity_external_id"}, {"dueat", "due_at"}, {"duedate", "due_at"},
    {"done", "done"}, {"completed", "done"}, {"createdat", "created_at"}, {"createddate", "created_at"},
    {"updatedat", "updated_at"},
};

constexpr Synonym kProductSynonyms[] = {
    {"code", "code"},         {"productcode", "code"}, {"sku", "code"},          {"name", "name"},
    {"product", "name"},      {"productname", "name"}, {"family", "family"},     {"productfamily", "family"},
    {"series", "family"},     {"line", "family"},      {"description", "description"}, {"active", "active"},
    {"isactive", "active"},   {"price", "price"},      {"listprice", "price"},   {"unitprice", "price"},
    {"salesprice", "price"},
};

constexpr Synonym kUserSynonyms[] = {
    {"name", "name"},       {"fullname", "name"},        {"salesagent", "name"},     {"agent", "name"},
    {"login", "login"},     {"username", "login"},       {"userid", "login"},        {"email", "email"},
    {"emailaddress", "email"}, {"active", "active"},     {"isactive", "active"},     {"team", "team"},
    {"teamname", "team"},   {"teamregion", "team_region"}, {"region", "team_region"}, {"office", "team_region"},
    {"regionaloffice", "team_region"}, {"manager", "manager"}, {"managername", "manager"},
};

struct Preset {
  std::string_view name;
  CustomerKind kind;
  std::vector<ImportColumn> columns;
  ImportRecords records = ImportRecords::kCustomers;  // kAuto: any (the generic preset)
};

const std::vector<Preset>& Presets() {
  static const std::vector<Preset> presets = {
      {"generic", CustomerKind::kPerson, {}, ImportRecords::kAuto},
      {"datablist",
       CustomerKind::kPerson,
       {{"Index", ""}, {"Customer Id", "external_id"}, {"First Name", "given_name"}, {"Last Name", "family_name"},
        {"Company", "organization"}, {"City", "address.city"}, {"Country", "address.country"}, {"Phone 1", "phone"},
        {"Phone 2", "phone2"}, {"Email", "email"}, {"Subscription Date", "created_at"},
        {"Website", "custom.website"}}},
      {"salesforce_contacts",
       CustomerKind::kPerson,
       {{"Id", "external_id"}, {"FirstName", "given_name"}, {"LastName", "family_name"}, {"Email", "email"},
        {"Phone", "phone"}, {"MobilePhone", "phone2"}, {"Title", "job_title"}, {"Department", "department"},
        {"MailingStreet", "address.street"}, {"MailingCity", "address.city"}, {"MailingState", "address.region"},
        {"MailingPostalCode", "address.postal_code"}, {"MailingCountry", "address.country"},
        {"AccountId", "organization_external_id"}, {"OwnerId", "owner"}, {"LeadSource", "custom.lead_source"},
        {"DoNotCall", "do_not_call"}, {"CreatedDate", "created_at"}, {"LastModifiedDate", "updated_at"}}},
      {"salesforce_accounts",
       CustomerKind::kOrganization,
       {{"Id", "external_id"}, {"Name", "display_name"}, {"Type", "account_type"}, {"Industry", "industry"},
        {"AnnualRevenue", "annual_revenue"}, {"NumberOfEmployees", "employees"}, {"Website", "website"},
        {"Phone", "phone"}, {"BillingStreet", "address.street"}, {"BillingCity", "address.city"},
        {"BillingState", "address.region"}, {"BillingPostalCode", "address.postal_code"},
        {"BillingCountry", "address.country"}, {"ParentId", "parent_external_id"}, {"OwnerId", "owner"},
        {"CreatedDate", "created_at"}, {"LastModifiedDate", "updated_at"}}},
      {"hubspot_contacts",
       CustomerKind::kPerson,
       {{"Record ID", "external_id"}, {"First Name", "given_name"}, {"Last Name", "family_name"},
        {"Email", "email"}, {"Phone Number", "phone"}, {"Mobile Phone Number", "phone2"},
        {"Job Title", "job_title"}, {"Company Name", "organization"}, {"Street Address", "address.street"},
        {"City", "address.city"}, {"State/Region", "address.region"}, {"Postal Code", "address.postal_code"},
        {"Country/Region", "address.country"}, {"Lifecycle Stage", "stage"}, {"Contact owner", "owner"},
        {"Lead Status", "custom.lead_status"}, {"Create Date", "created_at"},
        {"Last Modified Date", "updated_at"}}},
      // IBM's Telco customer churn sample: no names (the customer id is the display name), the
      // services and terms as custom fields, and the churn flag as the churned stage.
      {"ibm_telco",
       CustomerKind::kPerson,
       {{"customerID", "external_id"}, {"customerID", "display_name"}, {"gender", "custom.gender"},
        {"SeniorCitizen", "custom.senior_citizen:bool"}, {"Partner", "custom.partner"},
        {"Dependents", "custom.dependents"}, {"tenure", "custom.tenure:int"},
        {"PhoneService", "custom.phone_service"}, {"MultipleLines", "custom.multiple_lines"},
        {"InternetService", "custom.internet_service"}, {"OnlineSecurity", "custom.online_security"},
        {"OnlineBackup", "custom.online_backup"}, {"DeviceProtection", "custom.device_protection"},
        {"TechSupport", "custom.tech_support"}, {"StreamingTV", "custom.streaming_tv"},
        {"StreamingMovies", "custom.streaming_movies"}, {"Contract", "custom.contract"},
        {"PaperlessBilling", "custom.paperless_billing"}, {"PaymentMethod", "custom.payment_method"},
        {"MonthlyCharges", "custom.monthly_charges:money"}, {"TotalCharges", "custom.total_charges:money"},
        {"Churn", "churned"}}},
      {"maven_accounts",
       CustomerKind::kOrganization,
       {{"account", "display_name"}, {"account", "external_id"}, {"sector", "industry"},
        {"year_established", "custom.year_established"}, {"revenue", "annual_revenue_millions"},
        {"employees", "employees"}, {"office_location", "address.country"}, {"subsidiary_of", "parent"}}},
      // Maven's sales_pipeline.csv: the deal's product is kept as a custom field; a deal with an
      // engage date entered stage Engaging then (the data dictionary's "engage_date").
      {"maven_pipeline",
       CustomerKind::kOrganization,
       {{"opportunity_id", "external_id"}, {"opportunity_id", "title"}, {"sales_agent", "owner"},
        {"product", "custom.product"}, {"account", "customer"}, {"deal_stage", "stage"},
        {"engage_date", "created_at"}, {"engage_date", "entered.Engaging"}, {"close_date", "closed_at"},
        {"close_value", "amount"}},
       ImportRecords::kOpportunities},
      {"salesforce_opportunities",
       CustomerKind::kOrganization,
       {{"Id", "external_id"}, {"Name", "title"}, {"AccountId", "customer_external_id"}, {"StageName", "stage"},
        {"Amount", "amount"}, {"Probability", "probability"}, {"CloseDate", "expected_close"},
        {"OwnerId", "owner"}, {"LeadSource", "custom.lead_source"}, {"Type", "custom.type"},
        {"CreatedDate", "created_at"}, {"LastModifiedDate", "updated_at"}},
       ImportRecords::kOpportunities},
      {"hubspot_deals",
       CustomerKind::kOrganization,
       {{"Record ID", "external_id"}, {"Deal Name", "title"}, {"Associated Company", "customer"},
        {"Pipeline", "pipeline"}, {"Deal Stage", "stage"}, {"Amount", "amount"}, {"Close Date", "expected_close"},
        {"Deal owner", "owner"}, {"Create Date", "created_at"}, {"Last Modified Date", "updated_at"}},
       ImportRecords::kOpportunities},
      {"salesforce_tasks",
       CustomerKind::kPerson,
       {{"Id", "external_id"}, {"WhoId", "customer_external_id"}, {"WhatId", "opportunity_external_id"},
        {"Subject", "subject"}, {"Description", "body"}, {"TaskSubtype", "kind"}, {"CallType", "direction"},
        {"CallDurationInSeconds", "duration_seconds"}, {"ActivityDate", "occurred_at"},
        {"OwnerId", "owner"}, {"CreatedDate", "created_at"}, {"LastModifiedDate", "updated_at"}},
       ImportRecords::kInteractions},
      // Maven's sales_teams.csv: each manager leads a team of its name in the agent's office.
      {"maven_teams",
       CustomerKind::kPerson,
       {{"sales_agent", "name"}, {"manager", "manager"}, {"manager", "team"}, {"regional_office", "team_region"}},
       ImportRecords::kUsers},
      // Maven's products.csv: the product's name is its code too; the series is its family.
      {"maven_products",
       CustomerKind::kPerson,
       {{"product", "code"}, {"product", "name"}, {"series", "family"}, {"sales_price", "price"}},
       ImportRecords::kProducts},
  };
  return presets;
}

std::string Folded(std::string_view header) {
  std::string out;
  for (char c : header)
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

bool SameColumn(std::string_view a, std::string_view b) {
  std::string x(a), y(b);
  model::Trim(x);
  model::Trim(y);
  return absl::EqualsIgnoreCase(x, y);
}

bool Several(Field f) { return f == Field::kEmail || f == Field::kPhone || f == Field::kTags; }

}  // namespace

absl::StatusOr<Target> ParseTarget(std::string_view name, ImportRecords records) {
  Target t;
  t.name = std::string(name);
  constexpr std::string_view kEntered = "entered.";
  if (records == ImportRecords::kOpportunities && name.substr(0, kEntered.size()) == kEntered) {
    if (name.size() == kEntered.size()) return absl::InvalidArgumentError("columns: 'entered.' needs a stage name after it");
    t.field = Field::kEnteredStage;
    t.custom = std::string(name.substr(kEntered.size()));
    return t;
  }
  constexpr std::string_view kCustom = "custom.";
  if (name.substr(0, kCustom.size()) == kCustom) {
    if (name.size() == kCustom.size()) return absl::InvalidArgumentError("columns: 'custom.' needs a field name after it");
    t.field = Field::kCustom;
    t.custom = std::string(name.substr(kCustom.size()));
    // A type after a colon: text (none), int, money, date or bool.
    if (const auto colon = t.custom.rfind(':'); colon != std::string::npos) {
      const std::string type = t.custom.substr(colon + 1);
      t.custom.resize(colon);
      if (type == "int") t.custom_type = CustomType::kInt;
      else if (type == "money") t.custom_type = CustomType::kMoney;
      else if (type == "date") t.custom_type = CustomType::kDate;
      else if (type == "bool") t.custom_type = CustomType::kBool;
      else if (type != "text")
        return absl::InvalidArgumentError(absl::StrCat("columns: '", Av(name), "': '", type,
                                                       "' is not a custom field type (text, int, money, date, bool)"));
      if (t.custom.empty()) return absl::InvalidArgumentError("columns: 'custom.' needs a field name after it");
    }
    return t;
  }
  std::string_view base = name;
  // email2, phone3 ...: more of a field of several values.
  while (!base.empty() && std::isdigit(static_cast<unsigned char>(base.back()))) base.remove_suffix(1);
  const absl::Span<const FieldName> fields = FieldsOf(records);
  for (const FieldName& f : fields) {
    if (f.name == name || (base != name && f.name == base && records != ImportRecords::kUsers &&
                           records != ImportRecords::kProducts &&
                           (f.field == Field::kEmail || f.field == Field::kPhone))) {
      t.field = f.field;
      return t;
    }
  }
  std::vector<std::string> names;
  for (const FieldName& f : fields) names.emplace_back(f.name);
  const bool customers =
      records != ImportRecords::kOpportunities && records != ImportRecords::kInteractions &&
      records != ImportRecords::kUsers && records != ImportRecords::kProducts;
  return absl::InvalidArgumentError(absl::StrCat(
      "columns: '", Av(name), "' is not a field an import of ", Av(ImportRecordsName(customers ? ImportRecords::kCustomers : records)),
      " fills (", absl::StrJoin(names, ", "), customers ? ", email2 ..., phone2 ..." : "", ", custom.<name>)"));
}

std::optional<Target> TargetOfKey(std::string_view key, ImportRecords records) {
  // Most keys that name no field are told apart here, without the error message ParseTarget
  // builds: a row's unmapped keys are looked up for every row.
  std::string_view base = key;
  while (!base.empty() && std::isdigit(static_cast<unsigned char>(base.back()))) base.remove_suffix(1);
  const absl::Span<const FieldName> fields = FieldsOf(records);
  const bool known = key.substr(0, 7) == "custom." ||
                     (records == ImportRecords::kOpportunities && key.substr(0, 8) == "entered.") || std::any_of(fields.begin(), fields.end(), [&](const FieldName& f) {
                       return f.name == key || f.name == base;
                     });
  if (!known) return std::nullopt;
  auto t = ParseTarget(key, records);
  if (t.ok()) return *t;
  return std::nullopt;
}

absl::StatusOr<Mapping> Resolve(const ImportOptions& options, const std::vector<std::string>& header,
                                std::vector<ImportColumn>* used, bool exact) {
  const Preset* preset = nullptr;
  for (const Preset& p : Presets())
    if (p.name == options.preset) preset = &p;
  if (preset == nullptr) {
    std::vector<std::string> names = ImportPresets();
    return absl::InvalidArgumentError(
        absl::StrCat("preset: '", options.preset, "' is not a preset (", absl::StrJoin(names, ", "), ")"));
  }
  Mapping m;
  m.records = options.records;
  if (preset->records != ImportRecords::kAuto) {
    if (m.records != ImportRecords::kAuto && m.records != preset->records)
      return absl::InvalidArgumentError(absl::StrCat("preset: '", Av(preset->name), "' imports ",
                                                     Av(ImportRecordsName(preset->records)), ", not ",
                                                     Av(ImportRecordsName(m.records))));
    m.records = preset->records;
  }
  if (m.records == ImportRecords::kAuto) m.records = ImportRecords::kCustomers;
  m.kind = preset->kind;
  m.by_field_names = preset->name == "generic";
  // The caller's columns, then the preset's for the columns the caller did not name.
  std::vector<ImportColumn> wanted = options.columns;
  for (const ImportColumn& c : exact ? std::vector<ImportColumn>{} : preset->columns) {
    const bool named = std::any_of(options.columns.begin(), options.columns.end(),
                                   [&](const ImportColumn& o) { return SameColumn(o.column, c.column); });
    if (!named) wanted.push_back(c);
  }
  for (const ImportColumn& c : wanted) {
    if (c.column.empty()) return absl::InvalidArgumentError("columns: a column mapping has no column name");
    if (!c.field.empty())
      if (auto t = ParseTarget(c.field, m.records); !t.ok()) return t.status();
  }
  const auto add = [&](const std::string& column, std::string_view field) -> absl::Status {
    auto t = ParseTarget(field, m.records);
    if (!t.ok()) return t.status();
    for (const auto& [other, target] : m.columns)
      if (target.name == t->name && !Several(t->field) && !SameColumn(other, column))
        return absl::InvalidArgumentError(
            absl::StrCat("columns: '", other, "' and '", column, "' both fill ", t->name));
    m.columns.emplace_back(column, *t);
    used->push_back({column, std::string(field)});
    return absl::OkStatus();
  };
  // A CSV file's columns are all resolved here; only JSON Lines rows bring keys of their own.
  if (!header.empty()) m.by_field_names = false;
  if (header.empty()) {  // JSON Lines: the keys as they come
    for (const ImportColumn& c : wanted)
      if (!c.field.empty())
        if (auto s = add(c.column, c.field); !s.ok()) return s;
    return m;
  }
  for (const std::string& column : header) {
    bool mapped = false, ignored = false;
    for (const ImportColumn& c : wanted) {
      if (!SameColumn(c.column, column)) continue;
      mapped = true;
      if (c.field.empty()) {
        ignored = true;
        continue;
      }
      if (auto s = add(column, c.field); !s.ok()) return s;
    }
    if (mapped || ignored || exact || preset->name != "generic") continue;
    // The generic preset: columns named as the fields, or as people usually name them.
    if (auto t = TargetOfKey(column, m.records); t.has_value() && !column.empty()) {
      if (auto s = add(column, column); !s.ok()) return s;
      continue;
    }
    const std::string folded = Folded(column);
    const auto [first, last] = m.records == ImportRecords::kOpportunities
                                   ? std::pair(std::begin(kDealSynonyms), std::end(kDealSynonyms))
                               : m.records == ImportRecords::kInteractions
                                   ? std::pair(std::begin(kActivitySynonyms), std::end(kActivitySynonyms))
                               : m.records == ImportRecords::kUsers
                                   ? std::pair(std::begin(kUserSynonyms), std::end(kUserSynonyms))
                               : m.records == ImportRecords::kProducts
                                   ? std::pair(std::begin(kProductSynonyms), std::end(kProductSynonyms))
                                   : std::pair(std::begin(kSynonyms), std::end(kSynonyms));
    for (const Synonym* s = first; s != last; ++s) {
      if (s->folded != folded) continue;
      if (auto st = add(column, s->field); !st.ok()) return st;
      break;
    }
  }
  return m;
}

absl::StatusOr<Reading> MakeReading(const ImportOptions& options) {
  Reading r;
  if (options.time_zone.empty() || options.time_zone == "UTC") {
    r.zone = absl::UTCTimeZone();
  } else if (!absl::LoadTimeZone(options.time_zone, &r.zone)) {
    return absl::InvalidArgumentError(absl::StrCat("time_zone: '", options.time_zone, "' is not a known time zone"));
  }
  if (!options.default_currency.empty() && !IsKnownCurrency(options.default_currency))
    return absl::InvalidArgumentError(
        absl::StrCat("default_currency: '", options.default_currency, "' is not an ISO 4217 currency code"));
  r.currency = options.default_currency;
  if (options.date_order == "dmy") r.day_first = true;
  else if (options.date_order != "mdy" && !options.date_order.empty())
    return absl::InvalidArgumentError(absl::StrCat("date_order: '", options.date_order, "' is neither mdy nor dmy"));
  return r;
}

}  // namespace crm::imports

namespace crm {

std::vector<std::string> ImportPresets() {
  std::vector<std::string> names;
  for (const imports::Preset& p : imports::Presets()) names.emplace_back(p.name);
  return names;
}

absl::StatusOr<std::vector<ImportColumn>> ImportPreset(std::string_view name) {
  for (const imports::Preset& p : imports::Presets())
    if (p.name == name) return p.columns;
  return absl::NotFoundError(absl::StrCat("preset: '", Av(name), "' is not a preset (", absl::StrJoin(ImportPresets(), ", "), ")"));
}

}  // namespace crm
