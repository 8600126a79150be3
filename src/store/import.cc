// Imports as jobs (crm/import.hpp): reading the file in batches, one write transaction each,
// resuming, reverting, and writing the failed rows back out.
#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/strings/match.h"
#include "common/strings.h"
#include "core/txn.h"
#include "crm/store.hpp"
#include "customers/customers.h"
#include "imports/jobs.h"
#include "imports/mapping.h"
#include "imports/outfile.h"
#include "imports/rows.h"
#include "imports/source.h"

namespace crm {
namespace {

using imports::Row;

Timestamp NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// Runs `fn(ctx)` as a write of transaction `t`.
template <class Fn>
auto Writing(WriteTxn& t, Fn fn) {
  return core::Mutate(static_cast<CustomerWrites*>(&t), fn);
}
template <class Fn>
auto Reading(const ReadTxn& t, Fn fn) {
  return core::Query(static_cast<const ImportReads*>(&t), fn);
}

// Whether a failed operation aborted its transaction (it had written before failing).
bool Doomed(const WriteTxn& t) { return !detail::ImplOf(static_cast<const CustomerReads*>(&t))->CheckOpen().ok(); }

// The field an error message names ("email: ..." -> "email").
std::string FieldOf(const absl::Status& s) {
  const std::string m(s.message());
  const auto colon = m.find(": ");
  if (colon == std::string::npos || colon > 64 || m.substr(0, colon).find(' ') != std::string::npos) return "";
  return m.substr(0, colon);
}

// A failed row; the reason without the field's name in front when it names one.
ImportRowError ErrorOf(const Row& row, std::string field, std::string reason) {
  if (!field.empty() && reason.compare(0, field.size() + 2, field + ": ") == 0) reason.erase(0, field.size() + 2);
  return ImportRowError{row.number, row.line, std::move(field), std::move(reason), row.original};
}

absl::Status CheckOptions(const ImportOptions& o) {
  if (o.path.empty()) return absl::InvalidArgumentError("path: name the file to import");
  if (o.batch_rows < 1 || o.batch_rows > 100000) return absl::InvalidArgumentError("batch_rows: must be 1 to 100000");
  for (std::size_t i = 0; i < o.match.size(); ++i) {
    if (MatchRuleName(o.match[i]).empty()) return absl::InvalidArgumentError("match: an unknown match rule");
    for (std::size_t k = 0; k < i; ++k)
      if (o.match[k] == o.match[i])
        return absl::InvalidArgumentError(absl::StrCat("match: ", Av(MatchRuleName(o.match[i])), " is named twice"));
  }
  if (ImportFormatName(o.format).empty()) return absl::InvalidArgumentError("format: an unknown format");
  if (ImportRecordsName(o.records).empty()) return absl::InvalidArgumentError("records: an unknown kind of records");
  return absl::OkStatus();
}

// Writes row `b` of `job` as its records want.
absl::StatusOr<imports::RowOutcome> Apply(model::Ctx& c, const ImportJob& job, imports::Built&& b, imports::OrgCache& orgs) {
  c.import_rows = true;  // the duplicate rule applies to the rows only with on_import
  switch (job.records) {
    case ImportRecords::kOpportunities: return imports::ApplyDealRow(c, job, std::move(b), orgs);
    case ImportRecords::kInteractions: return imports::ApplyActivityRow(c, job, std::move(b), orgs);
    case ImportRecords::kUsers: return imports::ApplyUserRow(c, job, std::move(b));
    case ImportRecords::kProducts: return imports::ApplyProductRow(c, job, std::move(b));
    default: return imports::ApplyRow(c, job, std::move(b), orgs);
  }
}

// One import under way.
struct ImportRun {
  Store& store;
  ImportJob job;
  imports::Mapping mapping;
  imports::Reading reading;
  std::unique_ptr<imports::Source> source;
  std::function<bool(const ImportProgress&)> progress;
  imports::OrgCache orgs;

  ImportProgress Progress() const {
    return ImportProgress{job.rows_done, job.offset_done, job.file_size, job.counts};
  }

  // Writes rows in one transaction with the job record; rows known to doom a transaction (they
  // failed after writing) are in `forced` and count as failed without being tried again.
  absl::Status Commit(const std::vector<Row>& rows, bool last) {
    std::vector<std::optional<ImportRowError>> forced(rows.size());
    for (;;) {
      ImportJob next;
      imports::OrgCache orgs;
      std::optional<std::size_t> doomed_at;
      absl::Status doomed_status;
      WriteOptions w;
      w.actor = job.actor;
      w.import = true;
      absl::Status s = store.Write(w, [&](WriteTxn& t) -> absl::Status {
        next = job;
        orgs = this->orgs;
        std::vector<ImportRowError> errors;
        const auto fail = [&](ImportRowError e) {
          ++next.counts.failed;
          errors.push_back(std::move(e));
        };
        for (std::size_t i = 0; i < rows.size(); ++i) {
          const Row& row = rows[i];
          if (forced[i].has_value()) {
            fail(*forced[i]);
            continue;
          }
          if (!row.problem.empty()) {
            fail(ErrorOf(row, "", row.problem));
            continue;
          }
          auto built = imports::Build(row, mapping, reading);
          if (!built.ok()) {
            fail(ErrorOf(row, FieldOf(built.status()), std::string(built.status().message())));
            continue;
          }
          if (built->empty) {
            ++next.counts.skipped;
            continue;
          }
          auto out = Writing(t, [&](model::Ctx& c) { return Apply(c, next, *std::move(built), orgs); });
          if (!out.ok()) {
            if (Doomed(t)) {
              doomed_at = i;
              doomed_status = out.status();
              return absl::AbortedError("a row failed after writing");
            }
            fail(ErrorOf(row, FieldOf(out.status()), std::string(out.status().message())));
            continue;
          }
          next.counts.created += out->organizations_created;
          if (out->kind == imports::RowOutcome::kCreated) ++next.counts.created;
          else if (out->kind == imports::RowOutcome::kUpdated) ++next.counts.updated;
          else ++next.counts.unchanged;
        }
        if (next.all_or_nothing && next.counts.failed > 0) return absl::AbortedError("all or nothing: a row failed");
        if (!rows.empty()) {
          next.rows_done = rows.back().number;
          next.offset_done = rows.back().end;
        }
        if (last) {
          next.state = ImportState::kFinished;
          next.finished_at = NowMicros();
        }
        return Writing(t, [&](model::Ctx& c) -> absl::Status {
          for (const ImportRowError& e : errors)
            if (auto st = imports::PutError(c, next.id, e); !st.ok()) return st;
          return imports::PutJob(c, next);
        });
      });
      if (doomed_at.has_value()) {
        const Row& row = rows[*doomed_at];
        forced[*doomed_at] = ErrorOf(row, FieldOf(doomed_status), std::string(doomed_status.message()));
        continue;
      }
      if (!s.ok() && next.all_or_nothing && next.counts.failed > 0) return Fail(rows, forced);
      if (!s.ok()) return s;
      job = std::move(next);
      this->orgs = std::move(orgs);
      return absl::OkStatus();
    }
  }

  // All or nothing, and a row failed: the job ends kFailed with the failed rows and nothing else.
  absl::Status Fail(const std::vector<Row>& rows, const std::vector<std::optional<ImportRowError>>& forced) {
    // Find the failed rows again without writing: the first one is what stopped the import.
    std::vector<ImportRowError> errors;
    for (std::size_t i = 0; i < rows.size() && errors.empty(); ++i) {
      if (forced[i].has_value()) errors.push_back(*forced[i]);
      else if (!rows[i].problem.empty()) errors.push_back(ErrorOf(rows[i], "", rows[i].problem));
      else if (auto b = imports::Build(rows[i], mapping, reading); !b.ok())
        errors.push_back(ErrorOf(rows[i], FieldOf(b.status()), std::string(b.status().message())));
    }
    if (errors.empty()) {
      // The failure came from writing: find it by trying the rows in a transaction that is aborted.
      auto t = store.BeginWrite(job.actor);
      if (!t.ok()) return t.status();
      imports::OrgCache orgs;
      for (const Row& row : rows) {
        auto b = imports::Build(row, mapping, reading);
        if (!b.ok() || b->empty) continue;
        auto out = Writing(*t, [&](model::Ctx& c) { return Apply(c, job, *std::move(b), orgs); });
        if (!out.ok()) {
          errors.push_back(ErrorOf(row, FieldOf(out.status()), std::string(out.status().message())));
          break;
        }
      }
      t->Abort();
    }
    ImportJob failed = job;
    failed.state = ImportState::kFailed;
    failed.finished_at = NowMicros();
    failed.counts = ImportCounts{};
    failed.counts.failed = errors.size();
    absl::Status s = store.Write(job.actor, [&](WriteTxn& t) {
      return Writing(t, [&](model::Ctx& c) -> absl::Status {
        for (const ImportRowError& e : errors)
          if (auto st = imports::PutError(c, failed.id, e); !st.ok()) return st;
        return imports::PutJob(c, failed);
      });
    });
    if (!s.ok()) return s;
    job = failed;
    return absl::OkStatus();
  }

  absl::Status Go() {
    const std::size_t batch = job.all_or_nothing ? SIZE_MAX : job.batch_rows;
    for (;;) {
      std::vector<Row> rows;
      bool last = false;
      while (rows.size() < batch) {
        Row row;
        auto more = source->Next(row);
        if (!more.ok()) return more.status();
        if (!*more) {
          last = true;
          break;
        }
        rows.push_back(std::move(row));
      }
      if (auto s = Commit(rows, last); !s.ok()) return s;
      if (job.state != ImportState::kRunning) break;
      if (rows.empty()) continue;
      if (progress && !progress(Progress())) return absl::OkStatus();
    }
    if (progress) progress(Progress());
    return absl::OkStatus();
  }
};

}  // namespace

absl::StatusOr<ImportJob> Store::Import(const ImportOptions& options) {
  if (auto s = CheckOptions(options); !s.ok()) return s;
  auto reading = imports::MakeReading(options);
  if (!reading.ok()) return reading.status();
  auto source = imports::Source::Open(options.path, options.format, options.delimiter);
  if (!source.ok()) return source.status();
  ImportRun run{*this, {}, {}, *reading, *std::move(source), options.progress, {}};
  ImportJob& job = run.job;
  auto mapping = imports::Resolve(options, run.source->header(), &job.columns);
  if (!mapping.ok()) return mapping.status();
  run.mapping = *std::move(mapping);
  if (run.source->format() == ImportFormat::kVCard && run.mapping.records != ImportRecords::kCustomers)
    return absl::InvalidArgumentError(absl::StrCat("records: a vCard file holds customers, not ",
                                                   Av(ImportRecordsName(run.mapping.records))));
  if (run.source->format() == ImportFormat::kVCard) run.mapping.by_field_names = true;  // cards name fields
  job.records = run.mapping.records;
  if (job.records == ImportRecords::kUsers && !options.match.empty() &&
      options.match != std::vector<MatchRule>{MatchRule::kExternalId, MatchRule::kEmail, MatchRule::kPhone})
    return absl::InvalidArgumentError("match: users are found by login, email and name; the match rules do not apply");
  if (job.records == ImportRecords::kProducts && !options.match.empty() &&
      options.match != std::vector<MatchRule>{MatchRule::kExternalId, MatchRule::kEmail, MatchRule::kPhone})
    return absl::InvalidArgumentError("match: products are found by code; the match rules do not apply");
  if (!options.pipeline.empty() && job.records != ImportRecords::kOpportunities)
    return absl::InvalidArgumentError("pipeline: only an import of opportunities has a pipeline");
  job.pipeline = options.pipeline;
  job.path = options.path;
  job.format = run.source->format();
  job.delimiter = run.source->format() == ImportFormat::kCsv ? run.source->delimiter() : '\0';
  job.header = run.source->header();
  job.preset = options.preset;
  job.match = options.match;
  job.time_zone = options.time_zone.empty() ? "UTC" : options.time_zone;
  job.default_currency = options.default_currency;
  job.date_order = options.date_order.empty() ? "mdy" : options.date_order;
  job.all_or_nothing = options.all_or_nothing;
  job.batch_rows = options.batch_rows;
  job.state = ImportState::kRunning;
  job.offset_done = run.source->data_start();
  job.file_size = run.source->size();
  job.file_digest = run.source->digest();
  job.started_at = NowMicros();
  absl::Status s = Write(options.actor, [&](WriteTxn& t) {
    return Writing(t, [&](model::Ctx& c) -> absl::Status {
      auto id = imports::NewJobId(c);
      if (!id.ok()) return id.status();
      job.id = *id;
      job.actor = std::string(c.actor);
      return imports::PutJob(c, job);
    });
  });
  if (!s.ok()) return s;
  if (auto st = run.Go(); !st.ok()) return st;
  return run.job;
}

absl::StatusOr<ImportJob> Store::ResumeImport(ImportJobId id, const std::function<bool(const ImportProgress&)>& progress) {
  auto job = Run(&ReadTxn::GetImportJob, id);
  if (!job.ok()) return job.status();
  if (job->state != ImportState::kRunning)
    return absl::FailedPreconditionError(
        absl::StrCat("import job ", id, " is ", Av(ImportStateName(job->state)), "; only a running one resumes"));
  ImportOptions options;
  options.path = job->path;
  options.format = job->format;
  options.records = job->records;
  options.delimiter = job->delimiter;
  options.preset = job->preset;
  options.columns = job->columns;
  options.time_zone = job->time_zone;
  options.default_currency = job->default_currency;
  options.date_order = job->date_order;
  auto reading = imports::MakeReading(options);
  if (!reading.ok()) return reading.status();
  auto source = imports::Source::Open(job->path, job->format, job->delimiter);
  if (!source.ok()) return source.status();
  if ((*source)->size() != job->file_size || (*source)->digest() != job->file_digest)
    return absl::FailedPreconditionError(absl::StrCat("import job ", id, ": the file '", job->path,
                                                      "' changed since the import started; import it as a new job"));
  if (auto s = (*source)->Seek(job->offset_done, job->rows_done); !s.ok()) return s;
  std::vector<ImportColumn> used;
  auto mapping = imports::Resolve(options, (*source)->header(), &used, /*exact=*/true);
  if (!mapping.ok()) return mapping.status();
  if (job->format == ImportFormat::kVCard) mapping->by_field_names = true;
  ImportRun run{*this, *std::move(job), *std::move(mapping), *reading, *std::move(source), progress, {}};
  if (auto s = run.Go(); !s.ok()) return s;
  return run.job;
}

absl::StatusOr<ImportJob> Store::RevertImport(ImportJobId id, const RevertOptions& options) {
  ImportJob result;
  absl::Status s = Write(options.actor, [&](WriteTxn& t) -> absl::Status {
    auto job = Reading(t, [&](const model::Ctx& c) { return imports::GetJob(c, id); });
    if (!job.ok()) return job.status();
    if (job->state == ImportState::kReverted)
      return absl::FailedPreconditionError(absl::StrCat("import job ", id, " was reverted already"));
    if (job->state == ImportState::kFailed)
      return absl::FailedPreconditionError(absl::StrCat("import job ", id, " failed and kept nothing to revert"));
    auto entries = Reading(t, [&](const model::Ctx& c) { return imports::ListUndo(c, id); });
    if (!entries.ok()) return entries.status();
    std::vector<std::string> conflicts;
    std::vector<std::pair<imports::UndoEntry, Customer>> restore;
    std::vector<std::pair<CustomerId, CustomerKind>> remove;
    std::vector<std::pair<Opportunity, std::uint64_t>> restore_deals;  // before, revision now
    std::vector<std::pair<Interaction, std::uint64_t>> restore_activities;
    std::vector<OpportunityId> remove_deals;
    std::vector<InteractionId> remove_activities;
    std::vector<std::pair<User, std::uint64_t>> restore_users;
    std::vector<UserId> remove_users;
    std::vector<TeamId> remove_teams;
    std::vector<std::pair<Product, std::uint64_t>> restore_products;
    std::vector<ProductId> remove_products;
    // Checks the record an entry names as it is now: kept (true) when the import's writes are
    // still the last.
    const auto check = [&](const imports::UndoEntry& e, std::string_view what, std::uint64_t id,
                           const absl::Status& status, std::uint64_t revision) -> absl::StatusOr<bool> {
      if (absl::IsNotFound(status)) {
        if (!e.created) conflicts.push_back(absl::StrCat(Av(what), " ", id, " was deleted since"));
        return false;
      }
      if (!status.ok()) return status;
      if (revision != e.revision)
        conflicts.push_back(absl::StrCat(Av(what), " ", id, " was changed since (revision ", revision,
                                         "; the import left revision ", e.revision, ")"));
      return true;
    };
    for (imports::UndoEntry& e : *entries) {
      if (e.record == imports::UndoRecord::kOpportunity) {
        auto now = t.GetOpportunity(e.id);
        auto kept = check(e, "opportunity", e.id, now.status(), now.ok() ? now->revision : 0);
        if (!kept.ok()) return kept.status();
        if (!*kept) continue;
        if (e.created) remove_deals.push_back(e.id);
        else restore_deals.emplace_back(std::move(e.deal_before), now->revision);
        continue;
      }
      if (e.record == imports::UndoRecord::kUser) {
        auto now = t.GetUser(e.id);
        auto kept = check(e, "user", e.id, now.status(), now.ok() ? now->revision : 0);
        if (!kept.ok()) return kept.status();
        if (!*kept) continue;
        if (e.created) remove_users.push_back(e.id);
        else restore_users.emplace_back(std::move(e.user_before), now->revision);
        continue;
      }
      if (e.record == imports::UndoRecord::kProduct) {
        auto now = t.GetProduct(e.id);
        auto kept = check(e, "product", e.id, now.status(), now.ok() ? now->revision : 0);
        if (!kept.ok()) return kept.status();
        if (!*kept) continue;
        if (e.created) remove_products.push_back(e.id);
        else restore_products.emplace_back(std::move(e.product_before), now->revision);
        continue;
      }
      if (e.record == imports::UndoRecord::kTeam) {
        auto now = t.GetTeam(e.id);
        auto kept = check(e, "team", e.id, now.status(), now.ok() ? now->revision : 0);
        if (!kept.ok()) return kept.status();
        if (*kept) remove_teams.push_back(e.id);
        continue;
      }
      if (e.record == imports::UndoRecord::kInteraction) {
        auto now = t.GetInteraction(e.id);
        auto kept = check(e, "interaction", e.id, now.status(), now.ok() ? now->revision : 0);
        if (!kept.ok()) return kept.status();
        if (!*kept) continue;
        if (e.created) remove_activities.push_back(e.id);
        else restore_activities.emplace_back(std::move(e.activity_before), now->revision);
        continue;
      }
      auto now = t.GetCustomer(e.customer);
      auto kept = check(e, "customer", e.customer, now.status(), now.ok() ? now->revision : 0);
      if (!kept.ok()) return kept.status();
      if (!*kept) continue;
      if (e.created) remove.emplace_back(e.customer, now->kind);
      else restore.emplace_back(std::move(e), *std::move(now));
    }
    if (!conflicts.empty() && !options.force) {
      const std::size_t shown = std::min<std::size_t>(conflicts.size(), 5);
      return absl::FailedPreconditionError(absl::StrCat(
          "import job ", id, " cannot be reverted: ", absl::StrJoin(conflicts.begin(), conflicts.begin() + shown, "; "),
          conflicts.size() > shown ? absl::StrCat(" and ", conflicts.size() - shown, " more") : "",
          " (force reverts anyway, losing those changes)"));
    }
    ImportJob done = *job;
    for (auto& [entry, now] : restore) {
      Customer before = entry.before;
      before.revision = now.revision;
      if (auto r = t.UpdateCustomer(before); !r.ok()) return r.status();
      ++done.reverted_restored;
    }
    for (auto& [before, revision] : restore_deals) {
      before.revision = revision;
      if (auto r = t.UpdateOpportunity(before); !r.ok()) return r.status();
      ++done.reverted_restored;
    }
    for (auto& [before, revision] : restore_activities) {
      before.revision = revision;
      if (auto r = t.UpdateInteraction(before); !r.ok()) return r.status();
      ++done.reverted_restored;
    }
    for (auto& [before, revision] : restore_products) {
      before.revision = revision;
      if (auto r = t.UpdateProduct(before); !r.ok()) return r.status();
      ++done.reverted_restored;
    }
    for (auto& [before, revision] : restore_users) {
      before.revision = revision;
      if (auto r = t.UpdateUser(before); !r.ok()) return r.status();
      ++done.reverted_restored;
    }
    // Interactions, then deals, then people, then organizations, newest first: what links to a
    // record goes before it.
    std::sort(remove_activities.rbegin(), remove_activities.rend());
    for (InteractionId a : remove_activities) {
      if (auto r = t.DeleteInteraction(a); !r.ok()) return r;
      ++done.reverted_deleted;
    }
    std::sort(remove_deals.rbegin(), remove_deals.rend());
    for (OpportunityId d : remove_deals) {
      if (auto r = t.DeleteOpportunity(d); !r.ok()) return r;
      ++done.reverted_deleted;
    }
    // Products the import made, once its deals are gone: one that other deals sell stays (force:
    // deactivated instead).
    for (ProductId p : remove_products) {
      absl::Status r = t.DeleteProduct(p);
      if (ErrorKindOf(r) == ErrorKind::kHasDependents && options.force) {
        auto product = t.GetProduct(p);
        if (!product.ok()) return product.status();
        product->active = false;
        if (auto u = t.UpdateProduct(*product); !u.ok()) return u.status();
        continue;
      }
      if (ErrorKindOf(r) == ErrorKind::kHasDependents)
        return absl::FailedPreconditionError(absl::StrCat("import job ", id, " cannot be reverted: ", r.message(),
                                                          " (force deactivates it instead)"));
      if (!r.ok()) return r;
      ++done.reverted_deleted;
    }
    std::stable_sort(remove.begin(), remove.end(), [](const auto& a, const auto& b) {
      if (a.second != b.second) return a.second == CustomerKind::kPerson;
      return a.first > b.first;
    });
    for (const auto& [customer, kind] : remove) {
      DeleteOptions d;
      d.cascade = options.force;
      if (auto r = t.DeleteCustomer(customer, d); !r.ok()) {
        if (ErrorKindOf(r) == ErrorKind::kHasDependents)
          return absl::FailedPreconditionError(absl::StrCat("import job ", id, " cannot be reverted: ", r.message(),
                                                            " (force deletes them too)"));
        return r;
      }
      ++done.reverted_deleted;
    }
    // Users and teams the import made: their links to each other cut first, so that none is
    // refused for managing or holding another.
    for (UserId u : remove_users) {
      auto user = t.GetUser(u);
      if (!user.ok()) return user.status();
      if (user->manager == 0 && user->team == 0) continue;
      user->manager = 0;
      user->team = 0;
      if (auto r = t.UpdateUser(*user); !r.ok()) return r.status();
    }
    for (TeamId id : remove_teams) {
      auto team = t.GetTeam(id);
      if (!team.ok()) return team.status();
      if (team->manager == 0) continue;
      team->manager = 0;
      if (auto r = t.UpdateTeam(*team); !r.ok()) return r.status();
    }
    for (UserId u : remove_users) {
      if (auto r = t.DeleteUser(u); !r.ok()) return r;
      ++done.reverted_deleted;
    }
    for (TeamId id : remove_teams) {
      if (auto r = t.DeleteTeam(id); !r.ok()) return r;
      ++done.reverted_deleted;
    }
    done.state = ImportState::kReverted;
    done.reverted_at = NowMicros();
    done.finished_at = done.finished_at == 0 ? done.reverted_at : done.finished_at;
    result = done;
    return Writing(t, [&](model::Ctx& c) -> absl::Status {
      if (auto st = imports::Drop(c, id, /*everything=*/false); !st.ok()) return st;
      return imports::PutJob(c, done);
    });
  });
  if (!s.ok()) return s;
  return result;
}

absl::Status Store::WriteFailedRows(ImportJobId id, const std::string& path) const {
  auto txn = BeginRead();
  if (!txn.ok()) return txn.status();
  auto job = txn->GetImportJob(id);
  if (!job.ok()) return job.status();
  std::string out;
  const char d = job->delimiter == '\0' ? ',' : job->delimiter;
  if (job->format == ImportFormat::kCsv) {
    out = absl::StrCat("import_row", std::string(1, d), "import_error");
    for (const std::string& h : job->header) absl::StrAppend(&out, std::string(1, d), imports::CsvField(h, d));
    out += "\r\n";
  }
  std::uint64_t after = 0;
  for (;;) {
    auto errors = txn->ListImportErrors(id, after, 10000);
    if (!errors.ok()) return errors.status();
    for (const ImportRowError& e : *errors) {
      if (job->format == ImportFormat::kCsv) {
        const std::string reason = e.field.empty() ? e.reason : absl::StrCat(e.field, ": ", e.reason);
        absl::StrAppend(&out, e.row, std::string(1, d), imports::CsvField(reason, d), std::string(1, d), e.original, "\r\n");
      } else {
        absl::StrAppend(&out, e.original, job->format == ImportFormat::kVCard ? "\r\n" : "\n");
      }
      after = e.row;
    }
    if (errors->size() < 10000) break;
  }
  imports::OutFile file;
  if (auto st = file.Create(path); !st.ok()) return st;
  if (auto st = file.Write(out); !st.ok()) return st;
  return file.Finish();
}

absl::Status Store::DeleteImportJob(ImportJobId id) {
  return Write(std::string_view{}, [&](WriteTxn& t) -> absl::Status {
    return Writing(t, [&](model::Ctx& c) -> absl::Status {
      if (auto job = imports::GetJob(c, id); !job.ok()) return job.status();
      return imports::Drop(c, id, /*everything=*/true);
    });
  });
}

}  // namespace crm
