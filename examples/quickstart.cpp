// The README's C++ example: open a store, add a customer, find it again.
#include <iostream>

#include "crm/store.hpp"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "quickstart.crm";
  auto store = crm::Store::Open(path);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  crm::Customer c;
  c.given_name = "José";
  c.family_name = "Álvarez";
  c.emails.push_back({"jose@example.com", "work", true});
  c.phones.push_back({"+1 (555) 123-4567", "mobile", true});
  c.tags = {"vip"};
  c.external_id = "quickstart-1";  // upsert: running the example twice updates, not duplicates
  auto created = (*store)->Run(&crm::WriteTxn::UpsertCustomer, c);
  if (!created.ok()) {
    std::cerr << created.status() << "\n";
    return 1;
  }
  auto found = (*store)->Run(&crm::ReadTxn::FindCustomerByEmail, "JOSE@example.com");
  auto by_name = (*store)->Run(&crm::ReadTxn::ListCustomers, crm::CustomerQuery::NamePrefix("alv"));
  if (!found.ok() || !by_name.ok()) return 1;
  std::cout << "customer " << found->id << ": " << found->display_name << ", revision "
            << found->revision << "; 'alv' finds " << by_name->customers.size() << "\n";
  return 0;
}
