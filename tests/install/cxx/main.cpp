// Uses the installed C++ API: create a customer and read it back.
#include <crm/store.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  auto store = crm::Store::Open(argv[1]);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  crm::Customer c;
  c.given_name = "Installed";
  c.family_name = "Consumer";
  c.emails.push_back({"installed@example.com", "", true});
  auto created = (*store)->Run(&crm::WriteTxn::CreateCustomer, c);
  auto found = (*store)->Run(&crm::ReadTxn::FindCustomerByEmail, "INSTALLED@example.com");
  if (!created.ok() || !found.ok() || found->id != created->id) return 1;
  std::cout << "C++ consumer: customer " << found->id << " " << found->display_name << "\n";
  return 0;
}
