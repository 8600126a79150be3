// Writes a schema fixture: a database made by this release from the fixture data set, and the
// dump of every record and lookup in it (tests/support/fixture_data.h).
//   make_fixture OUT.crm OUT.dump [KEY]
#include <cstdio>
#include <fstream>
#include <iostream>

#include "crm/store.hpp"
#include "support/fixture_data.h"

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::cerr << "usage: make_fixture OUT.crm OUT.dump [KEY]\n";
    return 2;
  }
  std::remove(argv[1]);
  std::remove((std::string(argv[1]) + "-lock").c_str());
  crm::Timestamp clock = 1'704'067'200'000'000;  // 2024-01-01T00:00:00Z
  crm::StoreOptions options = crm::testing::FixtureOptions(&clock);
  if (argc == 4) options.encryption_key = argv[3];  // 32 bytes: an encrypted fixture
  auto store = crm::Store::Open(argv[1], options);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  if (absl::Status s = crm::testing::Populate(**store); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  std::ofstream(argv[2]) << crm::testing::Dump(**store);
  store->reset();
  std::remove((std::string(argv[1]) + "-lock").c_str());
  return 0;
}
