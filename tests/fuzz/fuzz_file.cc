// A hostile database file: the input is the whole file. Opening it and asking every lookup
// either answers or reports an error (DataLoss, NotADatabase ...); it never crashes or hangs.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "crm/store.hpp"

namespace {

void Lookups(const crm::Store& s) {
  using crm::ReadTxn;
  crm::CustomerQuery all = crm::CustomerQuery::All();
  all.include_archived = true;
  all.limit = 1000;
  (void)s.Run(&ReadTxn::ListCustomers, all);
  (void)s.Run(&ReadTxn::CountCustomers, all);
  for (crm::CustomerQuery q : {crm::CustomerQuery::Tag("vip"), crm::CustomerQuery::NamePrefix("a"),
                               crm::CustomerQuery::Country("DE"), crm::CustomerQuery::Organization(1)}) {
    q.include_archived = true;
    (void)s.Run(&ReadTxn::ListCustomers, q);
    (void)s.Run(&ReadTxn::CountCustomers, q);
  }
  (void)s.Run(&ReadTxn::FindCustomerByEmail, "ada@example.com");
  (void)s.Run(&ReadTxn::FindCustomerByExternalId, "ext-1");
  (void)s.Run(&ReadTxn::FindCustomersByPhone, "+44 20 7946 0000");
  for (crm::CustomerId id = 1; id <= 4; ++id) {
    (void)s.Run(&ReadTxn::GetCustomer, id);
    crm::TimelineQuery t;
    t.customer = id;
    (void)s.Run(&ReadTxn::ListTimeline, t);
    (void)s.Run(&ReadTxn::ListOpportunities, crm::OpportunityQuery::ForCustomer(id));
    (void)s.Run(&ReadTxn::FieldHistory, crm::EntityType::kCustomer, id, std::string_view("owner"));
  }
  (void)s.Run(&ReadTxn::ListPipelines);
  (void)s.Run(&ReadTxn::ListChanges, std::uint64_t{1}, std::size_t{1000});
  (void)s.Run(&ReadTxn::Verify);
  (void)s.Run(&ReadTxn::Statistics);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/crm-fuzz-file-" + std::to_string(::getpid()) + ".db";
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  for (bool read_only : {true, false}) {
    crm::StoreOptions o;
    o.read_only = read_only;
    o.sync = false;
    o.create_if_missing = false;
    auto store = crm::Store::Open(path, o);
    if (store.ok()) Lookups(**store);
  }
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  return 0;
}
