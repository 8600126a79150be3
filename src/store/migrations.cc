#include "store/migrations.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/facts.h"
#include "codec/key.h"
#include "consent/records.h"
#include "customers/customers.h"
#include "customers/groups.h"
#include "duplicates/pairs.h"
#include "sales/scores.h"
#include "sales/closings.h"
#include "sales/totals.h"

namespace crm::store {
namespace {

// Rewrites the value of every entry of the non-unique indexes, a flags byte, as
// codec::IndexValue (flags and the key's checksum).
absl::Status ChecksumEntries(model::Ctx& ctx) {
  const model::Schema& s = ctx.schema;
  for (storage::Table table : {s.customer_phone, s.customer_name, s.customer_tag, s.customer_owner, s.customer_stage,
                               s.customer_country, s.customer_org, s.customer_domain, s.customer_parent,
                               s.customer_contacted, s.opp_customer, s.opp_stage, s.opp_owner, s.opp_close,
                               s.opp_contact}) {
    std::vector<std::pair<std::string, char>> entries;  // read first: no writes during a scan
    absl::Status st = storage::ScanPrefix(ctx.txn, table, {}, {}, [&](std::string_view key, std::string_view value) {
      if (!codec::IndexValueSound(key, value)) entries.emplace_back(key, value.empty() ? 0 : value[0]);
      return absl::StatusOr<bool>(true);
    });
    if (!st.ok()) return st;
    for (const auto& [key, flags] : entries)
      if (auto put = ctx.txn.Put(table, key, codec::IndexValue(key, flags)); !put.ok()) return put;
  }
  return absl::OkStatus();
}

// Enters each customer's email opt-in as a consent record for ("marketing", email), as given
// before consent records existed: source import, captured when the customer opted in.
absl::Status ConsentsFromOptIns(model::Ctx& ctx) {
  std::vector<Customer> opted;  // read first: no writes during a scan
  absl::Status st = storage::ScanPrefix(ctx.txn, ctx.schema.customers, {}, {},
                                        [&](std::string_view key, std::string_view) -> absl::StatusOr<bool> {
                                          auto c = customers::Get(ctx, codec::GetBigEndian64(key.data()));
                                          if (!c.ok()) return c.status();
                                          if (c->consent.email_opt_in) opted.push_back(*std::move(c));
                                          return true;
                                        });
  if (!st.ok()) return st;
  model::Counters counters;
  model::Ctx with{ctx.txn, ctx.schema, 0, &counters, "migration"};
  for (const Customer& c : opted) {
    ConsentRecord r;
    r.customer = c.id;
    r.purpose = std::string(consent::kEmailMarketing);
    r.channel = ContactChannel::kEmail;
    r.legal_basis = c.consent.email_legal_basis == LegalBasis::kNone ? LegalBasis::kConsent : c.consent.email_legal_basis;
    r.source = ConsentSource::kImport;
    r.captured_at = c.consent.email_opt_in_at != 0 ? c.consent.email_opt_in_at : c.updated_at;
    r.evidence = "consent.email_opt_in, held before consent records existed";
    with.now = r.captured_at;
    if (auto s = consent::Append(with, std::move(r)).status(); !s.ok()) return s;
  }
  return counters.Flush(ctx.txn, ctx.schema);
}

// One step: what schema `to` added to the one before it, backfilled from the records.
struct Step {
  std::uint64_t to;
  const char* what;
  absl::Status (*run)(model::Ctx& ctx);
};

constexpr Step kSteps[] = {
    {2, "index customers by country",
     [](model::Ctx& ctx) { return customers::Backfill(ctx, ctx.schema.customer_country); }},
    // Earlier files have no external ids of opportunities or interactions, and no domains or
    // parents of organizations: the new indexes start empty.
    // and the counters of customers per stage, country and owner are counted from their indexes.
    {3, "external ids of opportunities and interactions; domains and parents of organizations; group counters",
     [](model::Ctx& ctx) { return customers::RecountGroups(ctx); }},
    // Declared indexes start with none declared: their two tables start empty. The entries of
    // the indexes that are not unique gain the checksum of their key after their flags.
    {4, "declared indexes; checksummed index entries", &ChecksumEntries},
    // Users and teams: their tables start empty, and owners stay text until users exist.
    {5, "users and teams", [](model::Ctx&) { return absl::OkStatus(); }},
    // Erasures and suppressions: both start empty.
    {6, "erasure log, suppressions", [](model::Ctx&) { return absl::OkStatus(); }},
    {7, "consent records", &ConsentsFromOptIns},
    // Data keys: an earlier file is not encrypted, so the table starts empty.
    {8, "customers' data keys (encryption at rest)", [](model::Ctx&) { return absl::OkStatus(); }},
    // Import jobs: none yet.
    {9, "import jobs", [](model::Ctx&) { return absl::OkStatus(); }},
    // Import jobs of deals and interactions: the jobs a schema-9 file holds are of customers, and
    // their records read as they are.
    {10, "import jobs of deals and interactions", [](model::Ctx&) { return absl::OkStatus(); }},
    // Quotas: none yet. Deal totals: counted from the deals. Stages and deals of earlier files
    // read as having the automatic forecast category (by the stage's outcome).
    {11, "quotas; deal totals; forecast categories", &sales::RebuildTotals},
    // Deal scores: counted from the closed deals, with the default options. Exchange rates: none.
    {12, "deal scores; exchange rates", &sales::RebuildScores},
    // Products: the catalog starts empty, and no deal has lines yet.
    {13, "products and line items", [](model::Ctx&) { return absl::OkStatus(); }},
    // Purchase facts: counted at the first writable open after the store is unlocked (the
    // interactions of an encrypted store are sealed), in the write Store::Open makes.
    {14, "purchase facts", &analytics::MarkRebuildPending},
    // The match index: built at the first writable open after the store is unlocked (its keys
    // are keyed hashes in an encrypted store). No pairs are kept yet, and the rule allows.
    {15, "duplicate matching", &duplicates::MarkIndexPending},
    // Merges: none yet.
    {16, "merges", [](model::Ctx&) { return absl::OkStatus(); }},
    // Segments and campaigns: none yet.
    {17, "segments, campaigns", [](model::Ctx&) { return absl::OkStatus(); }},
    // Tickets, calendars and SLA policies: none yet.
    {18, "tickets", [](model::Ctx&) { return absl::OkStatus(); }},
    // Final merges: none yet (a merge record written from now on may say when it was made final,
    // which libcrm 0.21 cannot read).
    {19, "final merges", [](model::Ctx&) { return absl::OkStatus(); }},
    // The closed deals by closing time: written from the deals (none in an encrypted file).
    {20, "deal closings", &sales::RebuildClosings},
};
static_assert(kSteps[std::size(kSteps) - 1].to == model::kSchemaVersion, "a step for every schema version");

}  // namespace

absl::Status Migrate(storage::Txn& txn, const model::Schema& schema, std::uint64_t from) {
  model::Ctx ctx{txn, schema, 0, nullptr, "migration"};
  for (const Step& step : kSteps) {
    if (step.to <= from) continue;
    if (absl::Status s = step.run(ctx); !s.ok())
      return absl::Status(s.code(), absl::StrCat("step to schema ", step.to, " (", step.what, "): ", s.message()));
  }
  return absl::OkStatus();
}

}  // namespace crm::store
