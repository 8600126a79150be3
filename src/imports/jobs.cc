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

namespace {

// A customer's entry: [job][customer]; a deal's or an interaction's: [job][customer][record][id],
// so that a customer's entries are together (ForgetCustomer) and sealed with its key.
std::string UndoKey(ImportJobId job, CustomerId customer, UndoRecord record, std::uint64_t id) {
  std::string key = Key2(job, customer);
  if (record == UndoRecord::kCustomer) return key;
  key.push_back(static_cast<char>(record));
  key.append(codec::EncodeU64(id));
  return key;
}

codec::RecordName UndoName(UndoRecord record, CustomerId customer, std::uint64_t id) {
  switch (record) {
    case UndoRecord::kOpportunity: return {"undo entry of opportunity", id};
    case UndoRecord::kInteraction: return {"undo entry of interaction", id};
    case UndoRecord::kUser: return {"undo entry of user", id};
    case UndoRecord::kTeam: return {"undo entry of team", id};
    case UndoRecord::kProduct: return {"undo entry of product", id};
    case UndoRecord::kCustomer: break;
  }
  return {"undo entry of customer", customer};
}

absl::StatusOr<UndoEntry> DecodeUndo(const Ctx& ctx, std::string_view key, std::string_view value) {
  if (key.size() != 16 && key.size() != 25) return absl::DataLossError("import undo: a key is damaged");
  const CustomerId customer = codec::GetBigEndian64(key.data() + 8);
  const auto record = key.size() == 16 ? UndoRecord::kCustomer : static_cast<UndoRecord>(key[16]);
  const std::uint64_t id = key.size() == 16 ? 0 : codec::GetBigEndian64(key.data() + 17);
  if (static_cast<std::uint8_t>(record) > static_cast<std::uint8_t>(UndoRecord::kProduct) ||
      (key.size() == 25 && record == UndoRecord::kCustomer))
    return absl::DataLossError("import undo: a key is damaged");
  UndoEntry u;
  if (auto s = codec::Decode(value, codec::RecordType::kImportUndo, UndoName(record, customer, id), u, ctx.sealing);
      !s.ok())
    return s;
  if (u.customer != customer || u.record != record || (record != UndoRecord::kCustomer && u.id != id))
    return absl::DataLossError(absl::StrCat("import undo: the entry under ", UndoName(record, customer, id).str(),
                                            " is another's"));
  return u;
}

}  // namespace

absl::StatusOr<std::optional<UndoEntry>> GetUndo(const Ctx& ctx, ImportJobId job, CustomerId customer,
                                                 UndoRecord record, std::uint64_t id) {
  std::string_view value;
  const std::string key = UndoKey(job, customer, record, id);
  auto found = ctx.txn.Get(ctx.schema.import_undo, key, &value);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<UndoEntry>();
  auto u = DecodeUndo(ctx, key, value);
  if (!u.ok()) return u.status();
  return std::optional<UndoEntry>(*std::move(u));
}

absl::Status PutUndo(Ctx& ctx, ImportJobId job, const UndoEntry& entry) {
  std::string value;
  const std::uint64_t ad = entry.record == UndoRecord::kCustomer ? entry.customer : entry.id;
  if (auto s = codec::Encode(codec::RecordType::kImportUndo, entry, entry.customer, ad, ctx.sealing, value); !s.ok())
    return s;
  return ctx.txn.Put(ctx.schema.import_undo, UndoKey(job, entry.customer, entry.record, entry.id), value);
}

absl::Status DelUndo(Ctx& ctx, ImportJobId job, CustomerId customer, UndoRecord record, std::uint64_t id) {
  return ctx.txn.Del(ctx.schema.import_undo, UndoKey(job, customer, record, id)).status();
}

absl::StatusOr<std::vector<UndoEntry>> ListUndo(const Ctx& ctx, ImportJobId job) {
  std::vector<UndoEntry> out;
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.import_undo, codec::EncodeU64(job), {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 auto u = DecodeUndo(ctx, key, value);
                                 if (!u.ok()) return u.status();
                                 out.push_back(*std::move(u));
                                 return true;
                               });
  if (!s.ok()) return s;
  return out;
}

namespace {

// Deletes every entry of `table` whose key starts with `prefix`.
absl::Status DropPrefix(Ctx& ctx, storage::Table table, const std::string& prefix) {
  std::vector<std::string> keys;
  auto s = storage::ScanPrefix(ctx.txn, table, prefix, {},
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
  if (auto s = DropPrefix(ctx, ctx.schema.import_undo, codec::EncodeU64(job)); !s.ok()) return s;
  if (!everything) return absl::OkStatus();
  if (auto s = DropPrefix(ctx, ctx.schema.import_errors, codec::EncodeU64(job)); !s.ok()) return s;
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
  // Its own entry and those of its deals and interactions.
  for (std::uint64_t job : jobs)
    if (auto d = DropPrefix(ctx, ctx.schema.import_undo, Key2(job, id)); !d.ok()) return d;
  return absl::OkStatus();
}

}  // namespace crm::imports
