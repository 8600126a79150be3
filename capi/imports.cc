// The C ABI: imports as jobs (crm_imports.h).
#include <cstddef>
#include <cstring>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_import_job {
  crm::ImportJob v;
  std::string columns, match, header;  // the text fields built once, borrowed by callers
};
struct crm_import_job_list {
  std::vector<crm_import_job> v;
};
struct crm_import_error {
  crm::ImportRowError v;
};
struct crm_import_error_list {
  std::vector<crm_import_error> v;
};

namespace {

crm_import_job* NewJob(crm::ImportJob job) {
  auto* j = new crm_import_job{std::move(job), {}, {}, {}};
  std::vector<std::string> columns, match;
  for (const crm::ImportColumn& c : j->v.columns) columns.push_back(c.column + "=" + c.field);
  for (crm::MatchRule r : j->v.match) match.emplace_back(crm::MatchRuleName(r));
  j->columns = absl::StrJoin(columns, "\n");
  j->match = absl::StrJoin(match, ",");
  j->header = absl::StrJoin(j->v.header, "\n");
  return j;
}

// The progress callback of the C caller, as the C++ API calls it.
std::function<bool(const crm::ImportProgress&)> Progress(crm_import_progress_fn fn, void* arg) {
  if (fn == nullptr) return {};
  return [fn, arg](const crm::ImportProgress& p) {
    const crm_import_progress c{p.rows,          p.bytes,           p.bytes_total,    p.counts.created,
                                p.counts.updated, p.counts.unchanged, p.counts.skipped, p.counts.failed};
    return fn(&c, arg) == 0;
  };
}

int Columns(const char* text, std::vector<crm::ImportColumn>* out) {
  if (text == nullptr) return CRM_OK;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const auto eq = line.rfind('=');
    if (eq == absl::string_view::npos)
      return Fail(CRM_EINVALID, absl::StrCat("columns: '", line, "' is not Column=field"));
    out->push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
  }
  return CRM_OK;
}

int Match(const char* text, std::vector<crm::MatchRule>* out) {
  if (text == nullptr) return CRM_OK;
  out->clear();
  for (absl::string_view name : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    const std::string n(absl::StripAsciiWhitespace(name));
    if (n == "external_id") out->push_back(crm::MatchRule::kExternalId);
    else if (n == "email") out->push_back(crm::MatchRule::kEmail);
    else if (n == "phone") out->push_back(crm::MatchRule::kPhone);
    else return Fail(CRM_EINVALID, absl::StrCat("match: '", n, "' is not a match rule (external_id, email, phone)"));
  }
  return CRM_OK;
}

}  // namespace

int crm_import_options_init(crm_import_options* opts, unsigned int version) {
  if (opts == nullptr) return Invalid("opts: is NULL");
  if (version < 1 || version > CRM_IMPORT_OPTIONS_VERSION)
    return Invalid("version: not a crm_import_options version this library knows");
  // A caller built against an earlier crm_imports.h has the shorter struct of its version.
  crm_import_options init = CRM_IMPORT_OPTIONS_INIT;
  init.version = version;
  std::memcpy(opts, &init, version == 1 ? offsetof(crm_import_options, records) : sizeof init);
  return CRM_OK;
}

int crm_db_import(crm_import_job** out, crm_db* db, const char* path, const crm_import_options* opts) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    if (path == nullptr) return Invalid("path: is NULL");
    crm_import_options defaults = CRM_IMPORT_OPTIONS_INIT;
    const crm_import_options& o = opts == nullptr ? defaults : *opts;
    if (o.version < 1 || o.version > CRM_IMPORT_OPTIONS_VERSION)
      return Invalid("opts->version: not a crm_import_options version this library knows");
    crm::ImportOptions options;
    options.path = path;
    if (o.format < CRM_IMPORT_FORMAT_AUTO || o.format > CRM_IMPORT_FORMAT_VCARD) return Invalid("format: not a CRM_IMPORT_FORMAT_* value");
    options.format = static_cast<crm::ImportFormat>(o.format);
    options.delimiter = o.delimiter;
    if (o.version >= 2) {
      if (o.records < CRM_IMPORT_RECORDS_AUTO || o.records > CRM_IMPORT_RECORDS_PRODUCTS)
        return Invalid("records: not a CRM_IMPORT_RECORDS_* value");
      options.records = static_cast<crm::ImportRecords>(o.records);
      if (o.pipeline != nullptr) options.pipeline = o.pipeline;
    }
    if (o.preset != nullptr) options.preset = o.preset;
    if (int rc = Columns(o.columns, &options.columns); rc != CRM_OK) return rc;
    if (int rc = Match(o.match, &options.match); rc != CRM_OK) return rc;
    if (o.time_zone != nullptr) options.time_zone = o.time_zone;
    if (o.default_currency != nullptr) options.default_currency = o.default_currency;
    if (o.date_order != nullptr) options.date_order = o.date_order;
    options.all_or_nothing = o.all_or_nothing != 0;
    if (o.batch_rows != 0) options.batch_rows = o.batch_rows;
    if (o.actor != nullptr) options.actor = o.actor;
    options.progress = Progress(o.progress, o.progress_arg);
    auto job = db->store->Import(options);
    if (!job.ok()) return Check(job.status());
    *out = NewJob(*std::move(job));
    return CRM_OK;
  });
}

int crm_db_resume_import(crm_import_job** out, crm_db* db, uint64_t id, crm_import_progress_fn progress, void* arg) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    auto job = db->store->ResumeImport(id, Progress(progress, arg));
    if (!job.ok()) return Check(job.status());
    *out = NewJob(*std::move(job));
    return CRM_OK;
  });
}

int crm_db_revert_import(crm_import_job** out, crm_db* db, uint64_t id, int flags, const char* actor, size_t actor_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (db == nullptr) return Invalid("db: is NULL");
    if ((flags & ~CRM_REVERT_FORCE) != 0) return Invalid("flags: only CRM_REVERT_FORCE is known");
    crm::RevertOptions options;
    options.force = (flags & CRM_REVERT_FORCE) != 0;
    if (actor != nullptr)
      if (int rc = Text(actor, actor_len, "actor", &options.actor); rc != CRM_OK) return rc;
    auto job = db->store->RevertImport(id, options);
    if (!job.ok()) return Check(job.status());
    *out = NewJob(*std::move(job));
    return CRM_OK;
  });
}

int crm_db_write_failed_rows(crm_db* db, uint64_t id, const char* path) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    if (path == nullptr) return Invalid("path: is NULL");
    return Check(db->store->WriteFailedRows(id, path));
  });
}

int crm_db_delete_import_job(crm_db* db, uint64_t id) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    return Check(db->store->DeleteImportJob(id));
  });
}

namespace {

int Export(crm_db* db, const char* path, int records, int format, const char* where, size_t where_len,
           int include_archived, uint64_t* rows) {
  if (rows != nullptr) *rows = 0;
  if (db == nullptr) return Invalid("db: is NULL");
  if (path == nullptr) return Invalid("path: is NULL");
  if (format < CRM_IMPORT_FORMAT_AUTO || format > CRM_IMPORT_FORMAT_VCARD) return Invalid("format: not a CRM_IMPORT_FORMAT_* value");
  if (records < CRM_IMPORT_RECORDS_AUTO || records > CRM_IMPORT_RECORDS_PRODUCTS)
    return Invalid("records: not a CRM_IMPORT_RECORDS_* value");
  crm::ExportOptions options;
  options.path = path;
  options.format = static_cast<crm::ImportFormat>(format);
  options.records = static_cast<crm::ImportRecords>(records);
  if (where != nullptr)
    if (int rc = Text(where, where_len, "where", &options.where); rc != CRM_OK) return rc;
  options.include_archived = include_archived != 0;
  auto report = db->store->Export(options);
  if (!report.ok()) return Check(report.status());
  if (rows != nullptr) *rows = report->rows;
  return CRM_OK;
}

}  // namespace

int crm_db_export_customers(crm_db* db, const char* path, int format, const char* where, size_t where_len,
                            int include_archived, uint64_t* rows) {
  return Guard([&] {
    return Export(db, path, CRM_IMPORT_RECORDS_CUSTOMERS, format, where, where_len, include_archived, rows);
  });
}

int crm_db_export(crm_db* db, const char* path, int records, int format, const char* where, size_t where_len,
                  int include_archived, uint64_t* rows) {
  return Guard([&] { return Export(db, path, records, format, where, where_len, include_archived, rows); });
}

int crm_import_presets(char** out, size_t* len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return MallocCopy(absl::StrJoin(crm::ImportPresets(), "\n"), out, len, "presets");
  });
}

int crm_import_job_get(crm_import_job** out, crm_txn* txn, uint64_t id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto job = ReadOf(txn)->GetImportJob(id);
    if (!job.ok()) return Check(job.status());
    *out = NewJob(*std::move(job));
    return CRM_OK;
  });
}

void crm_import_job_free(crm_import_job* job) { delete job; }

int64_t crm_import_job_int(const crm_import_job* job, int field) {
  if (job == nullptr) {
    Fail(CRM_EINVALID, "job: is NULL");
    return 0;
  }
  const crm::ImportJob& v = job->v;
  const auto u = [](std::uint64_t n) { return static_cast<int64_t>(n); };
  switch (field) {
    case CRM_IMPORT_ID: return u(v.id);
    case CRM_IMPORT_FORMAT: return static_cast<int64_t>(v.format);
    case CRM_IMPORT_STATE: return static_cast<int64_t>(v.state);
    case CRM_IMPORT_CREATED: return u(v.counts.created);
    case CRM_IMPORT_UPDATED: return u(v.counts.updated);
    case CRM_IMPORT_UNCHANGED: return u(v.counts.unchanged);
    case CRM_IMPORT_SKIPPED: return u(v.counts.skipped);
    case CRM_IMPORT_FAILED_ROWS: return u(v.counts.failed);
    case CRM_IMPORT_ROWS_DONE: return u(v.rows_done);
    case CRM_IMPORT_OFFSET_DONE: return u(v.offset_done);
    case CRM_IMPORT_FILE_SIZE: return u(v.file_size);
    case CRM_IMPORT_STARTED_AT: return v.started_at;
    case CRM_IMPORT_FINISHED_AT: return v.finished_at;
    case CRM_IMPORT_REVERTED_AT: return v.reverted_at;
    case CRM_IMPORT_REVERTED_DELETED: return u(v.reverted_deleted);
    case CRM_IMPORT_REVERTED_RESTORED: return u(v.reverted_restored);
    case CRM_IMPORT_ALL_OR_NOTHING: return v.all_or_nothing ? 1 : 0;
    case CRM_IMPORT_BATCH_ROWS: return u(v.batch_rows);
    case CRM_IMPORT_DELIMITER: return static_cast<unsigned char>(v.delimiter);
    case CRM_IMPORT_RECORDS: return static_cast<int>(v.records);
    default:
      Fail(CRM_EINVALID, "field: not an integer field of an import job (CRM_IMPORT_ID ... CRM_IMPORT_RECORDS)");
      return 0;
  }
}

const char* crm_import_job_text(const crm_import_job* job, int field, size_t* len) {
  if (len != nullptr) *len = 0;
  if (job == nullptr) {
    Fail(CRM_EINVALID, "job: is NULL");
    return nullptr;
  }
  const crm::ImportJob& v = job->v;
  switch (field) {
    case CRM_IMPORT_PATH: return Out(v.path, len);
    case CRM_IMPORT_PRESET: return Out(v.preset, len);
    case CRM_IMPORT_TIME_ZONE: return Out(v.time_zone, len);
    case CRM_IMPORT_DEFAULT_CURRENCY: return Out(v.default_currency, len);
    case CRM_IMPORT_DATE_ORDER: return Out(v.date_order, len);
    case CRM_IMPORT_ACTOR: return Out(v.actor, len);
    case CRM_IMPORT_COLUMNS: return Out(job->columns, len);
    case CRM_IMPORT_MATCH: return Out(job->match, len);
    case CRM_IMPORT_HEADER: return Out(job->header, len);
    case CRM_IMPORT_PIPELINE: return Out(v.pipeline, len);
    default:
      Fail(CRM_EINVALID, "field: not a text field of an import job (CRM_IMPORT_PATH ... CRM_IMPORT_PIPELINE)");
      return nullptr;
  }
}

int crm_import_job_list_get(crm_import_job_list** out, crm_txn* txn, size_t limit) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto jobs = ReadOf(txn)->ListImportJobs(limit);
    if (!jobs.ok()) return Check(jobs.status());
    auto* list = new crm_import_job_list{};
    for (crm::ImportJob& j : *jobs) {
      std::unique_ptr<crm_import_job> one(NewJob(std::move(j)));
      list->v.push_back(std::move(*one));
    }
    *out = list;
    return CRM_OK;
  });
}
size_t crm_import_job_list_size(const crm_import_job_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_import_job* crm_import_job_list_at(const crm_import_job_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last import job (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_import_job_list_free(crm_import_job_list* l) { delete l; }

int crm_import_error_list_get(crm_import_error_list** out, crm_txn* txn, uint64_t id, uint64_t after_row, size_t limit) {
  return ListOut<crm_import_error_list, crm::ImportRowError>(
      out, txn, [&](crm::ReadTxn& t) { return t.ListImportErrors(id, after_row, limit); });
}
size_t crm_import_error_list_size(const crm_import_error_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_import_error* crm_import_error_list_at(const crm_import_error_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last failed row (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_import_error_list_free(crm_import_error_list* l) { delete l; }

uint64_t crm_import_error_row(const crm_import_error* e) { return e == nullptr ? 0 : e->v.row; }
uint64_t crm_import_error_line(const crm_import_error* e) { return e == nullptr ? 0 : e->v.line; }

namespace {
const char* ErrorText(const crm_import_error* e, std::string crm::ImportRowError::*field, size_t* len) {
  if (len != nullptr) *len = 0;
  if (e == nullptr) {
    Fail(CRM_EINVALID, "e: is NULL");
    return nullptr;
  }
  return Out(e->v.*field, len);
}
}  // namespace

const char* crm_import_error_field(const crm_import_error* e, size_t* len) {
  return ErrorText(e, &crm::ImportRowError::field, len);
}
const char* crm_import_error_reason(const crm_import_error* e, size_t* len) {
  return ErrorText(e, &crm::ImportRowError::reason, len);
}
const char* crm_import_error_original(const crm_import_error* e, size_t* len) {
  return ErrorText(e, &crm::ImportRowError::original, len);
}
