// Lead conversion (since 0.20): a lead (a person at stage subscriber or lead, optionally with a
// company name) becomes, in one transaction, a person at a later stage, a member of an
// organization (found or created) and, when asked, the contact of a new opportunity, as
// Salesforce's and Odoo's lead conversion do.
//
// The lead keeps its id: its interactions, consent records, segment and campaign memberships and
// campaign events stay with it, so its campaign responses remain its touches, and a deal it is the
// contact of counts them (crm/campaign.hpp).
//
// The organization is the one named by id, else the one found for the company name: an
// organization with the lead's email domain (not a free-mail domain), else one whose name is the
// company name (case- and accent-insensitively); else it is created with that name, the email
// domain, the lead's owner and account type prospect. The company name is the one given, else
// the lead's custom text field "company". Without either, no organization is involved and the
// opportunity (if any) is the person's.
//
// Thread safety: the operation is a member of the write transaction (store.hpp).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/opportunity.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

struct LeadConversion {
  CustomerId lead = 0;           // required: a person at stage subscriber or lead
  CustomerId organization = 0;   // an existing organization to join; 0: by the company name
  std::string company = {};      // empty: the lead's custom field "company"
  std::string role = {};         // the person's role in the organization (and on the deal)
  // The stage the person (and a created organization) moves to: opportunity when a deal is made,
  // else prospect, when not given.
  std::optional<LifecycleStage> stage = {};
  // The opportunity, made when its title is not empty: the organization's deal (the person its
  // contact) or, without an organization, the person's.
  std::string deal_title = {};
  PipelineId pipeline = 0;  // 0: the default pipeline
  std::optional<Money> amount = {};
  Timestamp expected_close = 0;
  std::string owner = {};  // the deal's owner; empty: the lead's
};

struct LeadConversionResult {
  Customer person;                      // as the conversion left it
  std::optional<Customer> organization;
  bool organization_created = false;
  std::optional<Opportunity> opportunity;
};

class LeadWrites {
 public:
  // NotFound for a lead, organization or pipeline that does not exist; InvalidArgument naming
  // the field (a lead that is an organization, an organization that is a person, a deal that
  // would not be valid); FailedPrecondition for a customer that is not a lead (at stage prospect
  // or later: converted already). Nothing is written unless everything is.
  absl::StatusOr<LeadConversionResult> ConvertLead(const LeadConversion& conversion);

 protected:
  LeadWrites() = default;
};

}  // namespace crm
