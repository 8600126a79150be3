// The C ABI: lead conversion (crm_leads.h).
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

namespace {

int OptionalText(const char* s, size_t len, const char* what, std::string* out) {
  if (s == nullptr && len == 0) return CRM_OK;
  return Text(s, len, what, out);
}

}  // namespace

int crm_lead_convert(crm_customer** person, crm_customer** organization, crm_opportunity** deal,
                     int* organization_created, crm_txn* txn, const crm_lead_conversion* conversion) {
  return Guard([&] {
    if (person != nullptr) *person = nullptr;
    if (organization != nullptr) *organization = nullptr;
    if (deal != nullptr) *deal = nullptr;
    Set<int>(organization_created, 0);
    if (conversion == nullptr) return Invalid("conversion: is NULL");
    if (conversion->version != 1) return Invalid("conversion: version is not 1 (use CRM_LEAD_CONVERSION_INIT)");
    crm::LeadConversion c;
    c.lead = conversion->lead;
    c.organization = conversion->organization;
    if (int rc = OptionalText(conversion->company, conversion->company_len, "company", &c.company); rc != CRM_OK) return rc;
    if (int rc = OptionalText(conversion->role, conversion->role_len, "role", &c.role); rc != CRM_OK) return rc;
    if (conversion->stage != 0) {
      if (conversion->stage < CRM_STAGE_SUBSCRIBER || conversion->stage > CRM_STAGE_OTHER)
        return Invalid("stage: is not a CRM_STAGE_* value");
      c.stage = static_cast<crm::LifecycleStage>(conversion->stage);
    }
    if (int rc = OptionalText(conversion->deal_title, conversion->deal_title_len, "deal_title", &c.deal_title); rc != CRM_OK)
      return rc;
    c.pipeline = conversion->pipeline;
    std::string currency;
    if (int rc = OptionalText(conversion->currency, conversion->currency_len, "currency", &currency); rc != CRM_OK) return rc;
    if (!currency.empty()) c.amount = crm::Money{conversion->amount, currency};
    else if (conversion->amount != 0) return Invalid("amount: an amount needs its currency");
    c.expected_close = conversion->expected_close;
    if (int rc = OptionalText(conversion->owner, conversion->owner_len, "owner", &c.owner); rc != CRM_OK) return rc;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto r = txn->write->ConvertLead(c);
    if (!r.ok()) return CheckIn(txn, r.status());
    if (person != nullptr) *person = new crm_customer{std::move(r->person)};
    if (organization != nullptr && r->organization) *organization = new crm_customer{*std::move(r->organization)};
    if (deal != nullptr && r->opportunity) *deal = new crm_opportunity{*std::move(r->opportunity)};
    Set<int>(organization_created, r->organization_created ? 1 : 0);
    return CRM_OK;
  });
}
