// The C ABI: verify, statistics and backups.
#include <cstdlib>
#include <cstring>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

int crm_txn_verify(crm_verify_report* out, char** problems, crm_txn* txn) {
  return Guard([&] {
    if (problems != nullptr) *problems = nullptr;
    if (out == nullptr) return Invalid("out: is NULL");
    if (out->version < 1 || out->version > CRM_VERIFY_REPORT_VERSION)
      return Invalid("out.version: not a crm_verify_report version this library knows (use CRM_VERIFY_REPORT_INIT)");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto report = ReadOf(txn)->Verify();
    if (!report.ok()) return Check(report.status());
    out->records = report->records;
    out->index_entries = report->index_entries;
    out->changes = report->changes;
    out->problem_count = report->problem_count;
    if (problems != nullptr && !report->problems.empty()) {
      std::string text;
      for (const std::string& p : report->problems) text.append(p).push_back('\n');
      if (int rc = MallocCopy(text, problems, nullptr, "the problem list"); rc != CRM_OK) return rc;
    }
    return CRM_OK;
  });
}

int crm_txn_stats(crm_stats* out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (out->version < 1 || out->version > CRM_STATS_VERSION)
      return Invalid("out.version: not a crm_stats version this library knows (use CRM_STATS_INIT)");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto s = ReadOf(txn)->Statistics();
    if (!s.ok()) return Check(s.status());
    *out = crm_stats{out->version,     s->customers,      s->archived_customers, s->interactions,
                     s->pipelines,     s->opportunities,  s->changes,            s->file_bytes,
                     s->map_bytes,     s->page_bytes,     s->pages_used,         s->pages_free,
                     s->size_limit_bytes, s->reserve_bytes, s->readers,          s->stale_readers,
                     s->last_txn,      s->oldest_reader_lag};
    return CRM_OK;
  });
}

int crm_db_backup(crm_db* db, const char* path, unsigned int flags) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    if (path == nullptr) return Invalid("path: is NULL");
    if ((flags & ~CRM_BACKUP_COMPACT) != 0) return Invalid("flags: unknown flag (only CRM_BACKUP_COMPACT)");
    return Check(db->store->Backup(path, crm::BackupOptions{(flags & CRM_BACKUP_COMPACT) != 0}));
  });
}

int crm_db_flush(crm_db* db) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    return Check(db->store->Flush());
  });
}
