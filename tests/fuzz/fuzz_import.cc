// A hostile import file: the input's first byte picks the format (CSV, JSON Lines, vCard) and the
// preset (of customers, deals or interactions), the rest is the file. The import answers with a job (rows created, updated, failed with a reason) or an error
// naming what is wrong; it never crashes, hangs or leaves a store that fails verification. The
// failed rows are written out and the job is reverted.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "crm/store.hpp"

namespace {

crm::Store& TheStore(const std::string& path, bool fresh) {
  static std::unique_ptr<crm::Store> store;
  if (fresh || store == nullptr) {
    store.reset();
    std::remove(path.c_str());
    std::remove((path + "-lock").c_str());
    crm::StoreOptions o;
    o.sync = false;
    auto s = crm::Store::Open(path, o);
    if (!s.ok()) std::abort();
    store = *std::move(s);
  }
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string base = "/tmp/crm-fuzz-import-" + std::to_string(::getpid());
  static int runs = 0;
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string input = base + ((mode & 0x20) != 0 ? ".vcf" : (mode & 1) != 0 ? ".jsonl" : ".csv");
  if (std::FILE* f = std::fopen(input.c_str(), "wb")) {
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  }
  crm::Store& store = TheStore(base + ".db", ++runs % 100 == 0);
  static const char* kPresets[] = {"generic",        "datablist",        "salesforce_accounts", "maven_accounts",
                                   "maven_pipeline", "salesforce_tasks", "hubspot_deals",       "salesforce_opportunities"};
  crm::ImportOptions o;
  o.path = input;
  o.preset = kPresets[((mode >> 1) & 3) | ((mode >> 2) & 4)];  // customers, deals and interactions
  o.batch_rows = 1 + ((mode >> 3) & 7);
  o.all_or_nothing = (mode & 0x40) != 0;
  o.date_order = (mode & 0x80) != 0 ? "dmy" : "mdy";
  auto job = store.Import(o);
  if (job.ok()) {
    const std::string failed = base + ".failed";
    std::remove(failed.c_str());
    (void)store.WriteFailedRows(job->id, failed);
    (void)store.RevertImport(job->id, crm::RevertOptions{true, ""});
    if (runs % 16 == 0) {  // the store whole: every 16th input (it reads every record)
      auto report = store.Run(&crm::ReadTxn::Verify);
      if (!report.ok() || !report->ok()) std::abort();
    }
  }
  std::remove(input.c_str());
  return 0;
}
