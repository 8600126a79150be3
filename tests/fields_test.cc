// Each record's field list is declared twice in the engine: in its serialize() function (what is
// stored) and in its change-feed flattening (what the feed and field history report). This
// checks them against each other: every stored field of a fully filled record reaches the feed,
// except the store-managed ones the feed entry carries itself. (The C and Python field tables
// are checked against crm.h by tests/capi and bindings/python/tests/test_abi.py.)
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "changes/changes.h"
#include "model/serialize.h"

namespace crm {
namespace {

// An archive that only collects the names of the top-level fields a serialize() function visits.
struct NameArchive {
  std::vector<std::string> names;
  template <class T>
  NameArchive& operator&(const boost::serialization::nvp<T>& field) {
    names.emplace_back(field.name());
    return *this;
  }
};

template <class T>
std::set<std::string> Stored(T record) {
  NameArchive ar;
  boost::serialization::serialize(ar, record, 0u);
  return {ar.names.begin(), ar.names.end()};
}

// The top-level names of the fields a flattening reports ("address.city" -> "address").
std::set<std::string> Reported(const changes::Fields& fields) {
  std::set<std::string> out;
  for (const auto& [name, value] : fields) out.insert(name.substr(0, name.find('.')));
  return out;
}

void ExpectSame(const std::set<std::string>& stored, const std::set<std::string>& reported,
                const std::set<std::string>& managed) {
  for (const std::string& name : stored) {
    if (!managed.count(name)) {
      EXPECT_TRUE(reported.count(name)) << name << " is stored but not in the change feed";
    }
  }
  for (const std::string& name : reported) EXPECT_TRUE(stored.count(name)) << name << " is in the feed but not stored";
}

TEST(FieldsTest, EveryStoredCustomerFieldReachesTheFeed) {
  Customer c;
  c.archived = true;
  c.kind = CustomerKind::kOrganization;
  c.display_name = "D";
  c.given_name = "G";
  c.family_name = "F";
  c.emails = {Email{"e@x.test", "", true}};
  c.phones = {Phone{"+1 555 0100", "", true}};
  c.address = {"S", "C", "R", "P", "DE"};
  c.stage = LifecycleStage::kCustomer;
  c.owner = "o";
  c.tags = {"t"};
  c.custom["k"] = std::int64_t{1};
  c.consent = {true, LegalBasis::kConsent, 5, true};
  c.external_id = "x";
  c.memberships = {Membership{7, "r"}};
  ExpectSame(Stored(c), Reported(changes::Flatten(c)), {"id", "revision", "created_at", "updated_at", "archived_at"});
}

TEST(FieldsTest, EveryStoredInteractionFieldReachesTheFeed) {
  Interaction i;
  i.customer = 1;
  i.kind = InteractionKind::kOther;
  i.kind_label = "l";
  i.direction = Direction::kInbound;
  i.occurred_at = 5;
  i.duration_seconds = 6;
  i.subject = "s";
  i.body = "b";
  i.outcome = "o";
  i.satisfaction = 4;
  i.amount = Money{1, "EUR"};
  i.owner = "w";
  i.opportunity = 2;
  i.due_at = 7;
  i.done = true;
  ExpectSame(Stored(i), Reported(changes::Flatten(i)), {"id", "revision", "created_at", "updated_at"});
}

TEST(FieldsTest, EveryStoredOpportunityAndPipelineFieldReachesTheFeed) {
  Opportunity o;
  o.closed_at = 3;
  o.history = {StageChange{0, 1, 2, "a", Money{1, "EUR"}, 10}};
  o.title = "t";
  o.customer = 1;
  o.pipeline = 2;
  o.stage = 3;
  o.amount = Money{100, "EUR"};
  o.probability = 50;
  o.probability_overridden = true;
  o.expected_close = 9;
  o.owner = "w";
  o.contacts = {ContactRole{4, "r"}};
  o.lost_reason = "l";
  // The stage history is the feed's stage moves; whether the probability was set by hand shows
  // in the probability itself.
  ExpectSame(Stored(o), Reported(changes::Flatten(o, nullptr)),
             {"id", "revision", "created_at", "updated_at", "history", "probability_overridden"});
  Pipeline p;
  p.name = "n";
  p.stages = {Stage{1, "s", 10, StageOutcome::kOpen}};
  ExpectSame(Stored(p), Reported(changes::Flatten(p)), {"id", "revision", "created_at", "updated_at"});
}

}  // namespace
}  // namespace crm
