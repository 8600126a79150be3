// Phone numbers through libphonenumber: E.164, type and validity kept with each number as
// entered, numbers without a country code read in the store's region, lookups and filters by
// any way of writing a number, and numbers that do not parse stored as entered and flagged.
#include <gtest/gtest.h>

#include "support/fixture.h"

namespace crm {
namespace {

class PhoneTest : public testing::StoreTest {
 protected:
  // Reopens the store with `region` as its phone region.
  void InRegion(const std::string& region) {
    store_.reset();
    StoreOptions options;
    options.clock = [this] { return now_; };
    options.sync = false;
    options.phone_region = region;
    options.encryption_key = key_;
    auto store = Store::Open(dir_.File("crm.db"), options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  Customer WithPhones(std::initializer_list<const char*> numbers) {
    Customer c;
    c.given_name = "Pat";
    c.family_name = "Phone";
    for (const char* n : numbers) c.phones.push_back(Phone{n, "", false});
    return Ok(store_->Run(&WriteTxn::CreateCustomer, c));
  }

  std::vector<CustomerId> Found(const std::string& phone) {
    std::vector<CustomerId> ids;
    for (const Customer& c : Ok(store_->Run(&ReadTxn::FindCustomersByPhone, std::string_view(phone)))) ids.push_back(c.id);
    return ids;
  }
};

TEST_F(PhoneTest, NumbersAreReadInTheStoreRegion) {
  InRegion("DE");
  const Customer c = WithPhones({"030 1234567", "0151 23456789", "+1 650-253-0000", "0800 3301000", "12345",
                                 "+44 20 7946 0018 ext. 12"});
  ASSERT_EQ(c.phones.size(), 6u);
  EXPECT_EQ(c.phones[0].number, "030 1234567");  // kept as entered
  EXPECT_EQ(c.phones[0].e164, "+49301234567");
  EXPECT_EQ(c.phones[0].type, PhoneType::kFixedLine);
  EXPECT_TRUE(c.phones[0].valid);
  EXPECT_EQ(c.phones[1].e164, "+4915123456789");
  EXPECT_EQ(c.phones[1].type, PhoneType::kMobile);
  EXPECT_EQ(c.phones[2].e164, "+16502530000");
  EXPECT_EQ(c.phones[2].type, PhoneType::kFixedLineOrMobile);
  EXPECT_EQ(c.phones[3].type, PhoneType::kTollFree);
  // Not a number of any region: stored as entered, flagged, not refused.
  EXPECT_EQ(c.phones[4].number, "12345");
  EXPECT_FALSE(c.phones[4].valid);
  EXPECT_EQ(c.phones[4].e164, "");
  EXPECT_EQ(c.phones[4].type, PhoneType::kUnknown);
  EXPECT_EQ(c.phones[5].e164, "+442079460018");  // the extension is not part of E.164
  EXPECT_EQ(PhoneTypeName(c.phones[1].type), "mobile");
  // What the caller puts in the store-managed fields is ignored.
  Customer forged = c;
  forged.phones[4].e164 = "+49301234567";
  forged.phones[4].valid = true;
  const Customer stored = Ok(store_->Run(&WriteTxn::UpdateCustomer, forged));
  EXPECT_FALSE(stored.phones[4].valid);
  EXPECT_EQ(stored.phones[4].e164, "");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, c.id)).phones, stored.phones);
}

TEST_F(PhoneTest, LookupsFindANumberHoweverItIsWritten) {
  InRegion("DE");
  const Customer berlin = WithPhones({"(030) 123 45 67"});
  const Customer mobile = WithPhones({"+49 151 23456789"});
  const Customer nowhere = WithPhones({"12345"});
  for (const char* asked : {"030 1234567", "+49 30 1234567", "0049-30-1234567", "+49 (0)30 1234567"})
    EXPECT_EQ(Found(asked), std::vector<CustomerId>{berlin.id}) << asked;
  for (const char* asked : {"0151 23456789", "+4915123456789"})
    EXPECT_EQ(Found(asked), std::vector<CustomerId>{mobile.id}) << asked;
  EXPECT_EQ(Found("12345"), std::vector<CustomerId>{nowhere.id});  // by its digits, as before
  EXPECT_TRUE(Found("+33 1 23 45 67 89").empty());
  // Filters read numbers the same way.
  for (const char* f : {"phone = '030 1234567'", "phone = '+49 30 1234567'", "phone prefix '+49 30'"}) {
    Search s;
    s.filter = Ok(Filter::Parse(f));
    CustomerPage page = Ok(store_->Run(&ReadTxn::SearchCustomers, s));
    ASSERT_EQ(page.customers.size(), 1u) << f;
    EXPECT_EQ(page.customers[0].id, berlin.id) << f;
  }
  EXPECT_TRUE(Ok(store_->Run(&ReadTxn::Verify)).ok());
}

TEST_F(PhoneTest, WithoutARegionOnlyInternationalNumbersParse) {
  const Customer c = WithPhones({"030 1234567", "+49 30 1234567", "0049 30 7654321"});
  EXPECT_FALSE(c.phones[0].valid);
  EXPECT_EQ(c.phones[1].e164, "+49301234567");
  EXPECT_EQ(c.phones[2].e164, "+49307654321");  // "00": the international prefix
  // The format-insensitive match of numbers as entered holds as before.
  EXPECT_EQ(Found("030-123-4567"), std::vector<CustomerId>{c.id});
  EXPECT_EQ(Found("+49 30 7654321"), std::vector<CustomerId>{c.id});
}

// Readings are remembered per thread and region: the same national number read in another region
// (or none) is read again, and an update keeps the reading of a number it does not change.
TEST_F(PhoneTest, TheSameNumberIsReadAgainInAnotherRegion) {
  InRegion("DE");
  const Customer berlin = WithPhones({"030 1234567"});
  EXPECT_EQ(berlin.phones[0].e164, "+49301234567");
  InRegion("GB");
  const Customer london = WithPhones({"030 1234567"});
  EXPECT_NE(london.phones[0].e164, "+49301234567");
  InRegion("");
  EXPECT_FALSE(WithPhones({"030 1234567"}).phones[0].valid);
  InRegion("DE");
  EXPECT_EQ(WithPhones({"030 1234567"}).phones[0].e164, "+49301234567");
  Customer changed = WithPhones({"+49 30 1234567", "+1 212 555 0100"});
  changed.family_name = "Moved";
  changed.phones.push_back(Phone{"+44 20 7946 0018", "", false});
  changed = Ok(store_->Run(&WriteTxn::UpdateCustomer, changed));
  ASSERT_EQ(changed.phones.size(), 3u);
  EXPECT_EQ(changed.phones[0].e164, "+49301234567");
  EXPECT_EQ(changed.phones[0].type, PhoneType::kFixedLine);
  EXPECT_TRUE(changed.phones[1].valid);
  EXPECT_EQ(changed.phones[2].e164, "+442079460018");
  EXPECT_EQ(Ok(store_->Run(&ReadTxn::GetCustomer, changed.id)), changed);
}

// "+phones" adds the numbers a customer does not have yet: the same number written another way
// (nationally, in the store's region) is not added again.
TEST_F(PhoneTest, AddingPhonesSkipsTheSameNumberWrittenAnotherWay) {
  InRegion("DE");
  Customer c = WithPhones({"+49 30 1234567"});
  c.external_id = "ext-1";
  c = Ok(store_->Run(&WriteTxn::UpdateCustomer, c));
  Customer incoming;
  incoming.external_id = "ext-1";
  incoming.phones = {Phone{"030 1234567", "", false}, Phone{"0049 (0)30 1234567", "", false},
                     Phone{"+49 40 5550110", "", false}};
  const Customer patched = Ok(store_->Run(&WriteTxn::PatchCustomer, incoming, Ok(Patch::Parse("+phones"))));
  ASSERT_EQ(patched.phones.size(), 2u);
  EXPECT_EQ(patched.phones[0].number, "+49 30 1234567");
  EXPECT_EQ(patched.phones[1].e164, "+49405550110");
}

TEST_F(PhoneTest, AnUnknownRegionIsRefusedAtOpen) {
  store_.reset();
  for (const char* region : {"XX", "de", "DEU", "D"}) {
    StoreOptions options;
    options.phone_region = region;
    auto store = Store::Open(dir_.File("crm.db"), options);
    ASSERT_FALSE(store.ok()) << region;
    EXPECT_TRUE(absl::IsInvalidArgument(store.status()));
    EXPECT_NE(store.status().message().find("phone_region"), std::string_view::npos) << store.status();
  }
  Reopen();
}

}  // namespace
}  // namespace crm
