// Import jobs as stored.
#include "imports/jobs.h"

#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "model/records.h"
#include "model/sealing.h"
#include "storage/lmdb.h"

namespace crm::imports {
namespace {

constexpr char kSequence[] = "next_import_job_id";

// Reads of a database from before import jobs: no jobs (a read-only open of an older file).
bool Absent(const Ctx& ctx) { return ctx.schema.import_jobs == model::kAbsentTable; }

absl::Status NeedTables(const Ctx& ctx) {
  if (Absent(ctx))
    return absl::FailedPreconditionError("imports: this database predates import jobs (open it writable once to upgrade it)");
  return absl::OkStatus();
}

std::string Key2(std::uint64_t a, std::uint64_t b) {
  std::string key(16, '\0');
  codec::PutBigEndian64(key.data(), a);
  codec::PutBigEndian64(key.data() + 8, b);
  return key;
}

absl::StatusOr<ImportJob> DecodeJob(std::uint64_t id, std::string_view value) {
  ImportJob job;
  if (auto s = codec::Decode(value, codec::RecordType::kImportJob, {"import job", id}, job); !s.ok()) return s;
  if (job.id != id) return absl::DataLossError(absl::StrCat("import job ", id, ": stored record holds id ", job.id));
  return job;
}

}  // namespace

absl::StatusOr<ImportJob> GetJob(const Ctx& ctx, ImportJobId id) {
  if (Absent(ctx)) return absl::NotFoundError(absl::StrCat("import job ", id, " does not exist"));
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.import_jobs, codec::EncodeU64(id), &value);
  if (!found.ok()) return found.status();
  if (!*found) return absl::NotFoundError(absl::StrCat("import job ", id, " does not exist"));
  return DecodeJob(id, value);
}

absl::StatusOr<std::vector<ImportJob>> ListJobs(const Ctx& ctx, std::size_t limit) {
  if (limit < 1 || limit > 1000) return absl::InvalidArgumentError("limit: must be 1 to 1000");
  std::vector<ImportJob> out;
  if (Absent(ctx)) return out;
  auto s = storage::ScanRange(ctx.txn, ctx.schema.import_jobs, {}, {}, {}, /*reverse=*/true,
                              [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                if (key.size() != 8) return absl::DataLossError("import jobs: a key is damaged");
                                auto job = DecodeJob(codec::GetBigEndian64(key.data()), value);
                                if (!job.ok()) return job.status();
                                out.push_back(*std::move(job));
                                return out.size() < limit;
                              });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<std::vector<ImportRowError>> ListErrors(const Ctx& ctx, ImportJobId id, std::uint64_t after_row,
                                                       std::size_t limit) {
  if (limit < 1 || limit > 100000) return absl::InvalidArgumentError("limit: must be 1 to 100000");
  if (auto job = GetJob(ctx, id); !job.ok()) return job.status();
  std::vector<ImportRowError> out;
  auto s = storage::ScanPrefix(
      ctx.txn, ctx.schema.import_errors, codec::EncodeU64(id), Key2(id, after_row),
      [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
        if (key.size() != 16) return absl::DataLossError("import errors: a key is damaged");
        const std::uint64_t row = codec::GetBigEndian64(key.data() + 8);
        ImportRowError e;
        if (auto st = codec::Decode(value, codec::RecordType::kImportError, {"failed row of import job", id}, e,
                                    ctx.sealing);
            !st.ok())
          return st;
        if (e.row != row) return absl::DataLossError(absl::StrCat("import job ", id, ": failed row ", row, " holds row ", e.row));
        out.push_back(std::move(e));
        return out.size() < limit;
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ImportJobId> NewJobId(Ctx& ctx) {
  if (auto s = NeedTables(ctx); !s.ok()) return s;
  return model::NextId(ctx, kSequence);
}

absl::Status PutJob(Ctx& ctx, const ImportJob& job) {
  std::string value;
  codec::Encode(codec::RecordType::kImportJob, job, value);
  return ctx.txn.Put(ctx.schema.import_jobs, codec::EncodeU64(job.id), value);
}

absl::Status PutError(Ctx& ctx, ImportJobId job, const ImportRowError& error) {
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kImportError, error, kJobKeyOwner | job, job, ctx.sealing, value);
      !s.ok())
    return s;
  return ctx.txn.Put(ctx.schema.import_errors, Key2(job, error.row), value);
}

absl::StatusOr<std::optional<UndoEntry>> GetUndo(const Ctx& ctx, ImportJobId job, CustomerId customer) {
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.import_undo, Key2(job, customer), &value);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<UndoEntry>();
  UndoEntry u;
  if (auto s = codec::Decode(value, codec::RecordType::kImportUndo, {"undo entry of customer", customer}, u, ctx.sealing);
      !s.ok())
    return s;
  if (u.customer != customer)
    return absl::DataLossError(absl::StrCat("import job ", job, ": the undo entry of customer ", customer, " holds ", u.customer));
  return std::optional<UndoEntry>(std::move(u));
}

absl::Status PutUndo(Ctx& ctx, ImportJobId job, const UndoEntry& entry) {
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kImportUndo, entry, entry.customer, entry.customer, ctx.sealing, value);
      !s.ok())
    return s;
  return ctx.txn.Put(ctx.schema.import_undo, Key2(job, entry.customer), value);
}

absl::StatusOr<std::vector<UndoEntry>> ListUndo(const Ctx& ctx, ImportJobId job) {
  std::vector<UndoEntry> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.import_undo, codec::EncodeU64(job), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (key.size() != 16) return absl::DataLossError("import undo: a key is damaged");
                                 const CustomerId id = codec::GetBigEndian64(key.data() + 8);
                                 UndoEntry u;
                                 if (auto st = codec::Decode(value, codec::RecordType::kImportUndo,
                                                             {"undo entry of customer", id}, u, ctx.sealing);
                                     !st.ok())
                                   return st;
                                 if (u.customer != id) return absl::DataLossError("import undo: an entry is misplaced");
                                 out.push_back(std::move(u));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

namespace {

// Deletes every entry of `table` whose key starts with U64(job).
absl::Status DropPrefix(Ctx& ctx, storage::Table table, ImportJobId job) {
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, table, codec::EncodeU64(job), {},
                               [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                 keys.emplace_back(key);
                                 return true;
                               });
  if (!s.ok()) return s;
  for (const std::string& key : keys)
    if (auto d = ctx.txn.Del(table, key); !d.ok()) return d.status();
  return absl::OkStatus();
}

}  // namespace

absl::Status Drop(Ctx& ctx, ImportJobId job, bool everything) {
  if (auto s = DropPrefix(ctx, ctx.schema.import_undo, job); !s.ok()) return s;
  if (!everything) return absl::OkStatus();
  if (auto s = DropPrefix(ctx, ctx.schema.import_errors, job); !s.ok()) return s;
  if (ctx.sealing != nullptr)
    if (auto s = ctx.sealing->Destroy(kJobKeyOwner | job); !s.ok()) return s;
  return ctx.txn.Del(ctx.schema.import_jobs, codec::EncodeU64(job)).status();
}

absl::Status ForgetCustomer(Ctx& ctx, CustomerId id) {
  if (Absent(ctx)) return absl::OkStatus();
  std::vector<std::uint64_t> jobs;
  auto s = storage::ScanRange(ctx.txn, ctx.schema.import_jobs, {}, {}, {}, false,
                              [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                if (key.size() == 8) jobs.push_back(codec::GetBigEndian64(key.data()));
                                return true;
                              });
  if (!s.ok()) return s;
  for (std::uint64_t job : jobs)
    if (auto d = ctx.txn.Del(ctx.schema.import_undo, Key2(job, id)); !d.ok()) return d.status();
  return absl::OkStatus();
}

}  // namespace crm::imports
