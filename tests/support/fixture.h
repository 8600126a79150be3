// A store in a temporary directory with a controllable clock, and helpers to make records.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "crm/store.hpp"
#include "support/temp_dir.h"

namespace crm::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.clock = [this] { return now_; };
    options.sync = false;
    options.encryption_key = key_;
    auto store = Store::Open(dir_.File("crm.db"), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Unwraps a result the test expects to succeed.
  template <class T>
  T Ok(absl::StatusOr<T> r) {
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : T{};
  }

  Customer MakePerson(const std::string& given, const std::string& family, const std::string& email = "") {
    Customer c;
    c.given_name = given;
    c.family_name = family;
    if (!email.empty()) c.emails.push_back(Email{email, "", false});
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }

  Customer MakeOrg(const std::string& name) {
    Customer c;
    c.kind = CustomerKind::kOrganization;
    c.display_name = name;
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }

  Interaction Touch(CustomerId customer, InteractionKind kind, Timestamp at, const std::string& subject = "") {
    Interaction i;
    i.customer = customer;
    i.kind = kind;
    i.occurred_at = at;
    i.subject = subject;
    return Ok(store_->Run(&WriteTxn::LogInteraction, i));
  }

  Opportunity MakeDeal(CustomerId customer, const std::string& title, std::int64_t cents = 100000) {
    Opportunity o;
    o.customer = customer;
    o.title = title;
    o.amount = Money{cents, "USD"};
    return Ok(store_->Run(&WriteTxn::CreateOpportunity, o));
  }

  // Every opportunity, read a page at a time, by id.
  std::vector<Opportunity> AllOpportunities() {
    std::vector<Opportunity> out;
    OpportunityQuery q = OpportunityQuery::All();
    q.limit = 1000;
    for (;;) {
      const OpportunityPage page = Ok(store_->Run(&ReadTxn::ListOpportunities, q));
      out.insert(out.end(), page.opportunities.begin(), page.opportunities.end());
      if (page.next_page_token.empty()) return out;
      q.page_token = page.next_page_token;
    }
  }

  // The stage of the default pipeline with this name.
  StageId StageNamed(const std::string& name) {
    const Pipeline p = Ok(store_->Run(&ReadTxn::GetDefaultPipeline));
    const Stage* s = p.FindStage(name);
    EXPECT_NE(s, nullptr) << name;
    return s ? s->id : 0;
  }

  // CRM_TEST_ENCRYPTED=1: every suite on this fixture runs on an encrypted store.
  static std::string DefaultKey() {
    const char* e = std::getenv("CRM_TEST_ENCRYPTED");
    return e != nullptr && std::string(e) == "1" ? std::string(32, 'K') : std::string();
  }

  TempDir dir_;
  std::string key_ = DefaultKey();  // the store key; empty: not encrypted
  Timestamp now_ = 1'700'000'000'000'000;
  std::unique_ptr<Store> store_;
};

}  // namespace crm::testing
