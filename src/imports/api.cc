// The transaction operations of import jobs (crm/import.hpp).
#include "crm/import.hpp"

#include "core/txn.h"
#include "imports/jobs.h"

namespace crm {

absl::StatusOr<ImportJob> ImportReads::GetImportJob(ImportJobId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return imports::GetJob(c, id); });
}
absl::StatusOr<std::vector<ImportJob>> ImportReads::ListImportJobs(std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return imports::ListJobs(c, limit); });
}
absl::StatusOr<std::vector<ImportRowError>> ImportReads::ListImportErrors(ImportJobId id, std::uint64_t after_row,
                                                                          std::size_t limit) const {
  return core::Query(this, [&](const model::Ctx& c) { return imports::ListErrors(c, id, after_row, limit); });
}

std::string_view ImportFormatName(ImportFormat format) {
  switch (format) {
    case ImportFormat::kAuto: return "auto";
    case ImportFormat::kCsv: return "csv";
    case ImportFormat::kJsonLines: return "jsonl";
    case ImportFormat::kVCard: return "vcard";
  }
  return "";
}

std::string_view ImportRecordsName(ImportRecords records) {
  switch (records) {
    case ImportRecords::kAuto: return "auto";
    case ImportRecords::kCustomers: return "customers";
    case ImportRecords::kOpportunities: return "opportunities";
    case ImportRecords::kInteractions: return "interactions";
    case ImportRecords::kUsers: return "users";
    case ImportRecords::kProducts: return "products";
  }
  return "";
}

std::string_view MatchRuleName(MatchRule rule) {
  switch (rule) {
    case MatchRule::kExternalId: return "external_id";
    case MatchRule::kEmail: return "email";
    case MatchRule::kPhone: return "phone";
  }
  return "";
}

std::string_view ImportStateName(ImportState state) {
  switch (state) {
    case ImportState::kRunning: return "running";
    case ImportState::kFinished: return "finished";
    case ImportState::kFailed: return "failed";
    case ImportState::kReverted: return "reverted";
  }
  return "";
}

}  // namespace crm
