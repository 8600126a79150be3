#include "duplicates/journal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "codec/envelope.h"
#include "codec/key.h"
#include "model/records.h"
#include "model/sealing.h"
#include "model/serialize.h"

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, crm::MergeRecord& r, unsigned version) {
  ar& make_nvp("id", r.id);
  ar& make_nvp("survivor", r.survivor);
  ar& make_nvp("losers", r.losers);
  ar& make_nvp("merged_at", r.merged_at);
  ar& make_nvp("actor", r.actor);
  ar& make_nvp("interactions", r.interactions);
  ar& make_nvp("opportunities", r.opportunities);
  ar& make_nvp("contact_roles", r.contact_roles);
  ar& make_nvp("members", r.members);
  ar& make_nvp("subsidiaries", r.subsidiaries);
  ar& make_nvp("consents", r.consents);
  ar& make_nvp("pairs", r.pairs);
  if (version >= 1) ar& make_nvp("final_at", r.final_at);
}

template <class Archive>
void serialize(Archive& ar, crm::duplicates::StoredPair& p, unsigned) {
  ar& make_nvp("a", p.a);
  ar& make_nvp("b", p.b);
  ar& make_nvp("value", p.value);
}

template <class Archive>
void serialize(Archive& ar, crm::duplicates::SegmentPlace& p, unsigned) {
  ar& make_nvp("loser", p.loser);
  ar& make_nvp("segment", p.segment);
  ar& make_nvp("survivor_joined", p.survivor_joined);
}

template <class Archive>
void serialize(Archive& ar, crm::duplicates::CampaignPlace& p, unsigned) {
  ar& make_nvp("member", p.member);
  ar& make_nvp("survivor_joined", p.survivor_joined);
  ar& make_nvp("events", p.events);
}

template <class Archive>
void serialize(Archive& ar, crm::duplicates::TicketPlace& p, unsigned) {
  ar& make_nvp("loser", p.loser);
  ar& make_nvp("ticket", p.ticket);
}

template <class Archive>
void serialize(Archive& ar, crm::duplicates::Journal& j, unsigned version) {
  ar& make_nvp("record", j.record);
  ar& make_nvp("survivor", j.survivor);
  ar& make_nvp("survivor_revision", j.survivor_revision);
  ar& make_nvp("losers", j.losers);
  ar& make_nvp("interactions", j.interactions);
  ar& make_nvp("interaction_revisions", j.interaction_revisions);
  ar& make_nvp("deals", j.deals);
  ar& make_nvp("deal_revisions", j.deal_revisions);
  ar& make_nvp("related", j.related);
  ar& make_nvp("related_revisions", j.related_revisions);
  ar& make_nvp("consents", j.consents);
  ar& make_nvp("pairs", j.pairs);
  if (version >= 1) {
    ar& make_nvp("segments", j.segments);
    ar& make_nvp("campaigns", j.campaigns);
  }
  if (version >= 2) ar& make_nvp("tickets", j.tickets);
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(crm::MergeRecord, 1)
BOOST_CLASS_VERSION(crm::duplicates::StoredPair, 0)
BOOST_CLASS_VERSION(crm::duplicates::SegmentPlace, 0)
BOOST_CLASS_VERSION(crm::duplicates::CampaignPlace, 0)
BOOST_CLASS_VERSION(crm::duplicates::TicketPlace, 0)
BOOST_CLASS_VERSION(crm::duplicates::Journal, 2)

namespace crm::duplicates {
namespace {

constexpr char kSequence[] = "seq.merge";
constexpr int kMaxChain = 1000;

std::string SurvivorKey(CustomerId survivor, MergeId id) { return codec::KeyBuilder().U64(survivor).U64(id).Take(); }

absl::Status NeedMergeTables(const model::Ctx& ctx) {
  if (ctx.schema.merges != model::kAbsentTable) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "this database predates merges (schema 16); open it writable once to upgrade it");
}

// The journal of merge `id`, stored as `value`.
absl::StatusOr<Journal> Decoded(const model::Ctx& ctx, MergeId id, std::string_view value) {
  Journal j;
  if (auto s = codec::Decode(value, codec::RecordType::kMergeJournal, {"merge", id}, j, ctx.sealing); !s.ok()) return s;
  if (j.record.id != id) return absl::DataLossError(absl::StrCat("merge ", id, ": the journal holds merge ", j.record.id));
  return j;
}

// NotFound when there is no such journal.
absl::StatusOr<Journal> Read(const model::Ctx& ctx, MergeId id) {
  std::string_view value;
  auto found = ctx.txn.Get(ctx.schema.merges, codec::EncodeU64(id), &value);
  if (!found.ok()) return found.status();
  if (!*found) return absl::NotFoundError(absl::StrCat("merge ", id, " does not exist (or was unmerged)"));
  return Decoded(ctx, id, value);
}

}  // namespace

absl::StatusOr<MergeId> NextMergeId(model::Ctx& ctx) {
  if (auto s = NeedMergeTables(ctx); !s.ok()) return s;
  return model::NextId(ctx, kSequence);
}

absl::Status PutJournal(model::Ctx& ctx, const Journal& j) {
  std::string value;
  if (auto s = codec::Encode(codec::RecordType::kMergeJournal, j, j.record.survivor, j.record.id, ctx.sealing, value);
      !s.ok())
    return s;
  if (auto s = ctx.txn.Put(ctx.schema.merges, codec::EncodeU64(j.record.id), value); !s.ok()) return s;
  return ctx.txn.Put(ctx.schema.merge_survivor, SurvivorKey(j.record.survivor, j.record.id), "");
}

absl::StatusOr<Journal> GetJournal(const model::Ctx& ctx, MergeId id) {
  if (auto s = NeedMergeTables(ctx); !s.ok()) return s;
  return Read(ctx, id);
}

absl::StatusOr<std::vector<Journal>> JournalsOf(const model::Ctx& ctx, CustomerId survivor) {
  std::vector<Journal> out;
  if (ctx.schema.merges == model::kAbsentTable) return out;
  auto ids = model::IdsWithPrefix(ctx, ctx.schema.merge_survivor, codec::EncodeU64(survivor));
  if (!ids.ok()) return ids.status();
  for (MergeId id : *ids) {
    auto j = Read(ctx, id);
    if (absl::IsNotFound(j.status()))
      return absl::DataLossError(absl::StrCat("database is damaged: merge ", id, " of customer ", survivor, " is not kept"));
    if (!j.ok()) return j.status();
    out.push_back(*std::move(j));
  }
  return out;
}

namespace {
// Keeps the record of a merge alone, made final: no copy of any record the merge changed.
absl::StatusOr<MergeRecord> Finalized(model::Ctx& ctx, MergeRecord record) {
  Journal kept;
  kept.record = std::move(record);
  kept.record.final_at = ctx.now;
  if (auto s = PutJournal(ctx, kept); !s.ok()) return s;
  return kept.record;
}
}  // namespace

absl::StatusOr<MergeRecord> Finalize(model::Ctx& ctx, MergeId id) {
  auto j = GetJournal(ctx, id);
  if (!j.ok()) return j.status();
  if (j->record.final_at != 0) return j->record;
  return Finalized(ctx, std::move(j->record));
}

absl::StatusOr<std::uint64_t> FinalizeBefore(model::Ctx& ctx, Timestamp merged_before, std::size_t limit) {
  if (limit < 1 || limit > 100000)
    return absl::InvalidArgumentError(absl::StrCat("limit: ", limit, " merges; 1 to 100000 a transaction"));
  if (auto s = NeedMergeTables(ctx); !s.ok()) return s;
  std::vector<MergeRecord> due;  // found first: no writes during a scan
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.merges, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (key.size() != 8) return absl::DataLossError("merges: a key is unreadable");
                                 auto j = Decoded(ctx, codec::GetBigEndian64(key.data()), value);
                                 if (!j.ok()) return j.status();
                                 if (j->record.final_at == 0 && j->record.merged_at < merged_before)
                                   due.push_back(std::move(j->record));
                                 return due.size() < limit;
                               });
  if (!s.ok()) return s;
  for (MergeRecord& record : due)
    if (auto done = Finalized(ctx, std::move(record)); !done.ok()) return done.status();
  return due.size();
}

absl::Status DeleteJournal(model::Ctx& ctx, const Journal& j) {
  if (auto s = ctx.txn.Del(ctx.schema.merges, codec::EncodeU64(j.record.id)); !s.ok()) return s.status();
  return ctx.txn.Del(ctx.schema.merge_survivor, SurvivorKey(j.record.survivor, j.record.id)).status();
}

absl::StatusOr<std::optional<Redirect>> GetRedirect(const model::Ctx& ctx, CustomerId id) {
  if (ctx.schema.customer_merged == model::kAbsentTable) return std::nullopt;
  std::string_view v;
  auto found = ctx.txn.Get(ctx.schema.customer_merged, codec::EncodeU64(id), &v);
  if (!found.ok()) return found.status();
  if (!*found) return std::nullopt;
  if (v.size() != 16) return absl::DataLossError(absl::StrCat("customer ", id, ": its merge redirect is damaged"));
  return Redirect{codec::GetBigEndian64(v.data()), codec::GetBigEndian64(v.data() + 8)};
}

absl::Status PutRedirect(model::Ctx& ctx, CustomerId id, const Redirect& r) {
  return ctx.txn.Put(ctx.schema.customer_merged, codec::EncodeU64(id),
                     codec::KeyBuilder().U64(r.survivor).U64(r.merge).Take());
}

absl::Status DeleteRedirect(model::Ctx& ctx, CustomerId id) {
  return ctx.txn.Del(ctx.schema.customer_merged, codec::EncodeU64(id)).status();
}

absl::StatusOr<CustomerId> Resolve(const model::Ctx& ctx, CustomerId id) {
  CustomerId at = id;
  for (int hops = 0; hops < kMaxChain; ++hops) {
    auto r = GetRedirect(ctx, at);
    if (!r.ok()) return r.status();
    if (!r->has_value()) {
      if (hops == 0) return absl::NotFoundError(absl::StrCat("customer ", id, " was not merged into another"));
      return at;
    }
    at = (*r)->survivor;
  }
  return absl::DataLossError(absl::StrCat("customer ", id, ": its merge redirects do not end"));
}

absl::Status ForgetMerges(model::Ctx& ctx, CustomerId survivor) {
  if (ctx.schema.merges == model::kAbsentTable) return absl::OkStatus();
  std::vector<CustomerId> pending{survivor};
  for (std::size_t rounds = 0; !pending.empty(); ++rounds) {
    if (rounds > 1000000) return absl::DataLossError("database is damaged: merge journals form a cycle");
    const CustomerId at = pending.back();
    pending.pop_back();
    auto journals = JournalsOf(ctx, at);
    if (!journals.ok()) return journals.status();
    for (const Journal& j : *journals) {
      if (auto s = DeleteJournal(ctx, j); !s.ok()) return s;
      for (CustomerId loser : j.record.losers) {
        if (auto s = DeleteRedirect(ctx, loser); !s.ok()) return s;
        pending.push_back(loser);  // the merges into it before it was merged away
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMerges(const model::Ctx& ctx, std::vector<std::string>* problems) {
  if (ctx.schema.merges == model::kAbsentTable) return absl::OkStatus();
  auto s = storage::ScanPrefix(ctx.txn, ctx.schema.customer_merged, {}, {},
                               [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                                 if (key.size() != 8 || value.size() != 16) {
                                   problems->push_back("customer_merged: an entry is unreadable");
                                   return true;
                                 }
                                 const CustomerId id = codec::GetBigEndian64(key.data());
                                 const CustomerId survivor = codec::GetBigEndian64(value.data());
                                 const MergeId merge = codec::GetBigEndian64(value.data() + 8);
                                 std::string_view v;
                                 auto kept = ctx.txn.Get(ctx.schema.merge_survivor, SurvivorKey(survivor, merge), &v);
                                 if (!kept.ok()) return kept.status();
                                 if (!*kept)
                                   problems->push_back(absl::StrCat("customer_merged: customer ", id,
                                                                    " is redirected by merge ", merge, ", which is not kept"));
                                 auto exists = ctx.txn.Get(ctx.schema.customers, codec::EncodeU64(id), &v);
                                 if (!exists.ok()) return exists.status();
                                 if (*exists)
                                   problems->push_back(absl::StrCat("customer_merged: customer ", id,
                                                                    " is redirected but exists"));
                                 return true;
                               });
  if (!s.ok()) return s;
  return storage::ScanPrefix(ctx.txn, ctx.schema.merges, {}, {},
                             [&](std::string_view key, std::string_view value) -> absl::StatusOr<bool> {
                               auto read = key.size() == 8 ? Decoded(ctx, codec::GetBigEndian64(key.data()), value)
                                                           : absl::StatusOr<Journal>(absl::DataLossError("merges: a key is unreadable"));
                               if (!read.ok()) {
                                 problems->push_back(std::string(read.status().message()));
                                 return true;
                               }
                               const Journal& j = *read;
                               std::string_view v;
                               auto indexed = ctx.txn.Get(ctx.schema.merge_survivor, SurvivorKey(j.record.survivor, j.record.id), &v);
                               if (!indexed.ok()) return indexed.status();
                               if (!*indexed) problems->push_back(absl::StrCat("merge_survivor: merge ", j.record.id, " is missing"));
                               for (CustomerId loser : j.record.losers) {
                                 auto r = GetRedirect(ctx, loser);
                                 if (!r.ok()) return r.status();
                                 if (!r->has_value() || (*r)->merge != j.record.id)
                                   problems->push_back(absl::StrCat("merges: merge ", j.record.id, " has no redirect of customer ", loser));
                               }
                               return true;
                             });
}

}  // namespace crm::duplicates
