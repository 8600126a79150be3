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
// Campaign records and membership changes are in the change feed (EntityType::kCampaign).
//
// Thread safety: records are plain values (see types.hpp); the operations are members of the
// transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/consent.hpp"
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
  // Sets a member's status (one of the campaign's, case-insensitively).
  absl::StatusOr<CampaignMember> SetCampaignMemberStatus(CampaignId campaign, CustomerId customer,
                                                         std::string_view status);

 protected:
  CampaignWrites() = default;
};

}  // namespace crm
