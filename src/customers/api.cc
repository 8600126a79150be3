// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/customer.hpp"

#include "core/txn.h"
#include "customers/customers.h"
#include "duplicates/journal.h"

namespace crm {

CustomerQuery CustomerQuery::All() { return CustomerQuery{}; }
CustomerQuery CustomerQuery::Tag(std::string tag) {
  CustomerQuery q;
  q.by = By::kTag;
  q.text = std::move(tag);
  return q;
}
CustomerQuery CustomerQuery::Owner(std::string owner) {
  CustomerQuery q;
  q.by = By::kOwner;
  q.text = std::move(owner);
  return q;
}
CustomerQuery CustomerQuery::Stage(LifecycleStage stage) {
  CustomerQuery q;
  q.by = By::kStage;
  q.stage = stage;
  return q;
}
CustomerQuery CustomerQuery::Organization(CustomerId organization) {
  CustomerQuery q;
  q.by = By::kOrganization;
  q.organization = organization;
  return q;
}
CustomerQuery CustomerQuery::NamePrefix(std::string prefix) {
  CustomerQuery q;
  q.by = By::kNamePrefix;
  q.text = std::move(prefix);
  return q;
}

CustomerQuery CustomerQuery::Country(std::string country) {
  CustomerQuery q;
  q.by = By::kCountry;
  q.text = std::move(country);
  return q;
}

CustomerQuery CustomerQuery::NotContactedSince(Timestamp since) {
  CustomerQuery q;
  q.by = By::kNotContactedSince;
  q.since = since;
  return q;
}

absl::StatusOr<std::vector<Customer>> CustomerReads::FindCustomersByDomain(std::string_view domain) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::FindByDomain(c, domain); });
}
absl::StatusOr<Customer> CustomerReads::GetCustomer(CustomerId id) const {
  return core::Query(this, [&](const model::Ctx& c) -> absl::StatusOr<Customer> {
    auto got = customers::Get(c, id);
    if (!absl::IsNotFound(got.status())) return got;
    auto survivor = duplicates::Resolve(c, id);  // a merged customer's id names the survivor
    if (absl::IsNotFound(survivor.status())) return got;
    if (!survivor.ok()) return survivor.status();
    return customers::Get(c, *survivor);
  });
}
absl::StatusOr<Customer> CustomerReads::FindCustomerByEmail(std::string_view email) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::FindByEmail(c, email); });
}
absl::StatusOr<Customer> CustomerReads::FindCustomerByExternalId(std::string_view external_id) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::FindByExternalId(c, external_id); });
}
absl::StatusOr<std::vector<Customer>> CustomerReads::FindCustomersByPhone(std::string_view phone) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::FindByPhone(c, phone); });
}
absl::StatusOr<CustomerPage> CustomerReads::ListCustomers(const CustomerQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::List(c, query); });
}
absl::StatusOr<std::uint64_t> CustomerReads::CountCustomers(const CustomerQuery& query) const {
  return core::Query(this, [&](const model::Ctx& c) { return customers::Count(c, query); });
}
absl::StatusOr<Customer> CustomerWrites::CreateCustomer(const Customer& customer) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::Create(c, customer);});
}
absl::StatusOr<Customer> CustomerWrites::UpdateCustomer(const Customer& customer) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::Update(c, customer);});
}
absl::StatusOr<Customer> CustomerWrites::PatchCustomer(const Customer& customer, const Patch& patch) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::Patch(c, customer, patch); });
}
absl::StatusOr<Customer> CustomerWrites::UpsertCustomer(const Customer& customer) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::Upsert(c, customer);});
}
absl::StatusOr<Customer> CustomerWrites::ArchiveCustomer(CustomerId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::SetArchived(c, id, true);});
}
absl::StatusOr<Customer> CustomerWrites::RestoreCustomer(CustomerId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return customers::SetArchived(c, id, false);});
}

}  // namespace crm
