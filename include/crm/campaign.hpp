// Campaigns (since 0.19): what marketing sends, to whom, and who responded, as Salesforce's
// campaigns are.
//
// A campaign has a channel and a consent purpose (what its messages need), a period, a budget
// and its actual cost, an owner, and a parent campaign (hierarchies; cycles are refused). Its
// member statuses are its own ("sent", "responded" by default; "invited", "registered",
// "attended" for an event), each flagged responded or not, with a default for new members.
//
// Members are customers, added one by one or from a segment (crm/segment.hpp). A member keeps
// its status, when it was added, and when it first had a responded status. The audience of a
// campaign is its members, each sendable or excluded with the reason: the consent rules of
// crm/consent.hpp (an address on the channel that is not suppressed, do-not-call for phone and
// SMS, a valid grant for the purpose) decide, so an excluded customer is never listed as
// sendable. Deleting a customer removes its memberships; a merge gives the losers' memberships to
// the survivor (the survivor's own kept where it has one) and an unmerge gives them back.
//
// Each member has an event log (sent, delivered, opened, clicked, replied, bounced, opted out,
// converted) with times; an opt-out withdraws the member's consent for the campaign's purpose.
//
// Campaign records and membership changes are in the change feed (EntityType::kCampaign); events
// are a log of their own.
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/consent.hpp"
#include "crm/opportunity.hpp"
#include "crm/sales.hpp"
#include "crm/segment.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

using CampaignId = std::uint64_t;

struct CampaignStatus {
  std::string name;        // unique within the campaign, case-insensitively; at most 64 bytes
  bool responded = false;  // a member with this status has responded
  friend bool operator==(const CampaignStatus&, const CampaignStatus&) = default;
};

struct Campaign {
  // Managed by the store (see Customer).
  CampaignId id = 0;
  std::uint64_t revision = 0;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  std::string name = {};         // required, at most 256 bytes
  std::string description = {};  // optional
  ContactChannel channel = ContactChannel::kEmail;  // what its messages go out on
  std::string purpose = "marketing";  // the consent purpose they need (required)
  Timestamp starts_at = 0;  // optional; ends_at, when both are set, is not before it
  Timestamp ends_at = 0;
  Money budget = {};       // optional (no currency: none)
  Money actual_cost = {};  // optional; in the budget's currency when both are set
  CampaignId parent = 0;   // a campaign it is part of; 0: none
  std::string owner = {};
  // At most 32. Empty on create: "sent" (not responded) and "responded". A status members have
  // cannot be removed.
  std::vector<CampaignStatus> statuses = {};
  std::string default_status = {};  // the status of new members; empty: the first

  std::uint64_t members = 0;  // read-only: how many members it has

  friend bool operator==(const Campaign&, const Campaign&) = default;
};

struct CampaignMember {
  CampaignId campaign = 0;
  CustomerId customer = 0;
  std::string status;
  bool responded = false;            // the status's flag
  Timestamp added_at = 0;
  Timestamp updated_at = 0;
  Timestamp first_responded_at = 0;  // when it first had a responded status; 0: never
  friend bool operator==(const CampaignMember&, const CampaignMember&) = default;
};

struct CampaignMemberPage {
  std::vector<CampaignMember> members;  // by customer id
  std::string next_page_token;          // empty on the last page
};

// What happened to a campaign's message to a member (the sending system reports them).
enum class CampaignEventKind : std::uint8_t {
  kSent = 1,
  kDelivered = 2,
  kOpened = 3,
  kClicked = 4,
  kReplied = 5,
  kBounced = 6,
  kOptedOut = 7,  // also withdraws the member's consent to the campaign's purpose on its channel
  kConverted = 8,
};
std::string_view CampaignEventKindName(CampaignEventKind kind);  // "sent", "delivered" ... "opted_out"
std::optional<CampaignEventKind> ParseCampaignEventKind(std::string_view name);

struct CampaignEvent {
  std::uint64_t id = 0;  // managed by the store: 1, 2, 3 ... in the order recorded
  CampaignId campaign = 0;
  CustomerId customer = 0;  // a member of the campaign
  CampaignEventKind kind = CampaignEventKind::kSent;
  Timestamp at = 0;    // when it happened; now when 0; not in the future
  std::string detail;  // optional, at most 1000 bytes: a bounce's reason, the link clicked ...
  friend bool operator==(const CampaignEvent&, const CampaignEvent&) = default;
};

// One member of a campaign's audience: sendable, or excluded with the reason.
struct AudienceEntry {
  CustomerId customer = 0;
  bool sendable = false;
  ContactVerdict verdict = ContactVerdict::kNoConsent;  // kAllowed when sendable
  std::string reason;  // the consent rule's sentence
  friend bool operator==(const AudienceEntry&, const AudienceEntry&) = default;
};

struct AudiencePage {
  std::vector<AudienceEntry> entries;  // by customer id
  std::string next_page_token;
};

// Attribution. A touch is a member's first response to a campaign (CampaignMember::
// first_responded_at): a customer that was only sent to was not touched. A customer's touches
// are its responses; a deal's are those of its customer and of its contacts (ContactRole) up to
// the time it was won (or up to now while it is open), each campaign once, at its earliest
// response.
struct Touches {
  CampaignId first = 0;  // the earliest touch's campaign (0: none)
  CampaignId last = 0;   // the latest's
  std::vector<CampaignId> campaigns;  // every campaign touched, earliest first
  friend bool operator==(const Touches&, const Touches&) = default;
};

// How a won deal's amount is shared among the campaigns that touched it: all of it to the first
// touch, all to the last, or equal shares to each (in minor units; the cents a split leaves over
// go one each to the earliest touches, so the shares add up to the amount exactly).
enum class AttributionModel : std::uint8_t { kFirstTouch = 1, kLastTouch = 2, kLinear = 3 };
std::string_view AttributionModelName(AttributionModel model);  // "first_touch", "last_touch", "linear"

struct AttributionQuery {
  AttributionModel model = AttributionModel::kFirstTouch;
  Timestamp won_from = 0;  // deals won in [won_from, won_to); 0: no bound
  Timestamp won_to = 0;
};

// One campaign's figures in one currency (a campaign whose deals were won in several currencies
// has a row for each; one without any has one row, with its cost's currency).
struct AttributionRow {
  CampaignId campaign = 0;
  std::string name;
  std::string currency;        // of won_value (and of cost when they match)
  std::uint64_t members = 0;
  std::uint64_t responded = 0;  // members with a response: its leads
  double deals = 0;             // won deals attributed (shares, under the linear model)
  std::int64_t won_value = 0;   // minor units of `currency` attributed to it
  Money cost;                   // the campaign's actual cost (else its budget); none when neither is set
  // cost / responded, in minor units of the cost's currency (rounded half away from zero); 0
  // when there is no cost or no response.
  std::int64_t cost_per_lead = 0;
  // (won_value - cost) / cost, when cost is set, not zero and in `currency`.
  bool has_return = false;
  double return_on_cost = 0;
  friend bool operator==(const AttributionRow&, const AttributionRow&) = default;
};

// The rows as a report table (crm/sales.hpp), as the C ABI, Python and the tool read them:
// campaign, name, currency, members, responded, deals, won_value (money), cost and
// cost_per_lead (text with their currency, which may differ from the row's), return.
ReportTable AttributionReport(const std::vector<AttributionRow>& rows, AttributionModel model);

// Reads of campaigns: members of every transaction.
class CampaignReads {
 public:
  absl::StatusOr<Campaign> GetCampaign(CampaignId id) const;
  // Every campaign, in id order.
  absl::StatusOr<std::vector<Campaign>> ListCampaigns() const;
  // NotFound when the customer is not a member (or either does not exist).
  absl::StatusOr<CampaignMember> GetCampaignMember(CampaignId campaign, CustomerId customer) const;
  // Members a page at a time (limit 1 to 1000; keyset pages).
  absl::StatusOr<CampaignMemberPage> ListCampaignMembers(CampaignId campaign, std::string_view page_token = {},
                                                         std::size_t limit = 100) const;
  // The customer's memberships, by campaign id.
  absl::StatusOr<std::vector<CampaignMember>> CampaignsOf(CustomerId customer) const;
  // The audience a page at a time: each member sendable on the campaign's channel for its
  // purpose at `at` (now when 0), or excluded with the reason.
  absl::StatusOr<AudiencePage> CampaignAudience(CampaignId campaign, std::string_view page_token = {},
                                               std::size_t limit = 100, Timestamp at = 0) const;
  // A member's events, oldest first (ties in the order recorded).
  absl::StatusOr<std::vector<CampaignEvent>> CampaignEvents(CampaignId campaign, CustomerId customer) const;
  // How many events of each kind the campaign's members have, indexed by kind (index 0 unused).
  absl::StatusOr<std::vector<std::uint64_t>> CampaignEventCounts(CampaignId campaign) const;
  // A customer's touches (NotFound for a customer that does not exist).
  absl::StatusOr<Touches> CustomerTouches(CustomerId customer) const;
  // A deal's touches (NotFound for a deal that does not exist).
  absl::StatusOr<Touches> DealTouches(OpportunityId deal) const;
  // The won value attributed to each campaign under the model, with its leads, cost per lead and
  // return; every campaign has a row, in id order.
  absl::StatusOr<std::vector<AttributionRow>> CampaignAttribution(const AttributionQuery& query) const;

 protected:
  CampaignReads() = default;
};

// Writes of campaigns: members of WriteTxn.
class CampaignWrites {
 public:
  // InvalidArgument naming the field; NotFound for a parent that does not exist.
  absl::StatusOr<Campaign> CreateCampaign(const Campaign& campaign);
  // Revision checked. A status members still have cannot be removed (FailedPrecondition naming
  // it and how many have it); a parent that would make a cycle is refused.
  absl::StatusOr<Campaign> UpdateCampaign(const Campaign& campaign);
  // Removes the campaign and its memberships; refused (kHasDependents) while it has child
  // campaigns.
  absl::Status DeleteCampaign(CampaignId id);
  // Adds the customers that are not members yet, with `status` (empty: the default), and returns
  // how many that was. NotFound naming the first customer that does not exist (then nobody is
  // added); at most 10,000 ids a call.
  absl::StatusOr<std::uint64_t> AddCampaignMembers(CampaignId campaign, std::span<const CustomerId> customers,
                                                   std::string_view status = {});
  // The same for every member of a segment, as it is now.
  absl::StatusOr<std::uint64_t> AddSegmentToCampaign(CampaignId campaign, SegmentId segment,
                                                     std::string_view status = {});
  absl::StatusOr<std::uint64_t> RemoveCampaignMembers(CampaignId campaign, std::span<const CustomerId> customers);
  // Records an event of a member (NotFound when the customer is not a member). An opt-out also
  // records a withdrawal of the customer's consent to the campaign's purpose on its channel (any
  // channel for a campaign on kAny), so the audience excludes it from then on.
  absl::StatusOr<CampaignEvent> RecordCampaignEvent(const CampaignEvent& event);
  // Sets a member's status (one of the campaign's, case-insensitively).
  absl::StatusOr<CampaignMember> SetCampaignMemberStatus(CampaignId campaign, CustomerId customer,
                                                         std::string_view status);

 protected:
  CampaignWrites() = default;
};

}  // namespace crm
