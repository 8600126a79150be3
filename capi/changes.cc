// The C ABI: the change feed.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

// ---- the change feed ----

int crm_change_clone(crm_change** out, const crm_change* c) {
  return Guard([&] { return Clone(out, c); });
}
void crm_change_free(crm_change* c) { delete c; }
uint64_t crm_change_seq(const crm_change* c) { return c == nullptr ? 0 : c->v.seq; }
int64_t crm_change_at(const crm_change* c) { return c == nullptr ? 0 : c->v.at; }
const char* crm_change_actor(const crm_change* c, size_t* len) {
  static const std::string kEmpty;
  return Out(c == nullptr ? kEmpty : c->v.actor, len);
}
int crm_change_entity(const crm_change* c) { return c == nullptr ? 0 : static_cast<int>(c->v.entity); }
uint64_t crm_change_entity_id(const crm_change* c) { return c == nullptr ? 0 : c->v.entity_id; }
int crm_change_op(const crm_change* c) { return c == nullptr ? 0 : static_cast<int>(c->v.op); }
int crm_change_imported(const crm_change* c) { return c != nullptr && c->v.imported ? 1 : 0; }
int crm_change_redacted(const crm_change* c) { return c != nullptr && c->v.redacted ? 1 : 0; }
int crm_change_trimmed(const crm_change* c) { return c != nullptr && c->v.trimmed ? 1 : 0; }
size_t crm_change_field_count(const crm_change* c) { return c == nullptr ? 0 : c->v.fields.size(); }

int crm_change_field(const crm_change* c, size_t i, const char** name, size_t* name_len, const char** before,
                     size_t* before_len, const char** after, size_t* after_len) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.fields.size()) return Fail(CRM_ENOTFOUND, "i: past the last field");
  const crm::FieldChange& f = c->v.fields[i];
  Set(name, Out(f.field, name_len));
  Set(before, Out(f.before, before_len));
  Set(after, Out(f.after, after_len));
  return CRM_OK;
}

int crm_changes(crm_iter** out, crm_txn* txn, uint64_t from_seq) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    auto next = std::make_shared<uint64_t>(from_seq);
    *out = NewIter(txn, IterKind::kChange, "", [read, next](crm_iter& it) -> absl::Status {
      auto page = read->ListChanges(*next, 100);
      if (!page.ok()) return page.status();
      for (crm::Change& c : *page) it.changes.push_back(crm_change{std::move(c)});
      if (!it.changes.empty()) *next = it.changes.back().v.seq + 1;
      it.exhausted = page->size() < 100;
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

namespace {
int SeqOut(uint64_t* out, crm_txn* txn, absl::StatusOr<std::uint64_t> (crm::ReadTxn::*read)() const) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto seq = (ReadOf(txn)->*read)();
    if (!seq.ok()) return Check(seq.status());
    *out = *seq;
    return CRM_OK;
  });
}
}  // namespace

int crm_last_change_seq(uint64_t* out, crm_txn* txn) { return SeqOut(out, txn, &crm::ReadTxn::LastChangeSeq); }
int crm_first_change_seq(uint64_t* out, crm_txn* txn) { return SeqOut(out, txn, &crm::ReadTxn::FirstChangeSeq); }

int crm_db_apply_retention(crm_db* db, const crm_retention_rule* rules, size_t n, size_t batch, uint64_t* trimmed,
                           uint64_t* removed) {
  return Guard([&] {
    if (trimmed != nullptr) *trimmed = 0;
    if (removed != nullptr) *removed = 0;
    if (db == nullptr) return Invalid("db: is NULL");
    if (rules == nullptr && n != 0) return Invalid("rules: is NULL");
    crm::RetentionPolicy policy;
    policy.batch = batch;
    for (size_t i = 0; i < n; ++i) {
      const crm_retention_rule& r = rules[i];
      if (r.version < 1 || r.version > CRM_RETENTION_RULE_VERSION)
        return Fail(CRM_EINVALID, absl::StrCat("rules[", i, "].version: not a crm_retention_rule version this library knows"));
      if (r.entity < 1 || r.entity > 255)
        return Fail(CRM_EINVALID, absl::StrCat("rules[", i, "].entity: is not a kind of record"));
      policy.rules.push_back(crm::RetentionRule{static_cast<crm::EntityType>(r.entity), r.keep_days, r.keep_entries});
    }
    auto report = db->store->ApplyRetention(policy);
    if (!report.ok()) return Check(report.status());
    if (trimmed != nullptr) *trimmed = report->trimmed;
    if (removed != nullptr) *removed = report->removed;
    return CRM_OK;
  });
}

int crm_field_history(crm_iter** out, crm_txn* txn, int entity, uint64_t id, const char* field, size_t field_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    if (entity < CRM_ENTITY_CUSTOMER || entity > CRM_ENTITY_TICKET) return Invalid("entity: is not a CRM_ENTITY_* value");
    std::string name;
    if (int rc = Text(field, field_len, "field", &name); rc != CRM_OK) return rc;
    auto history = ReadOf(txn)->FieldHistory(static_cast<crm::EntityType>(entity), id, name);
    if (!history.ok()) return Check(history.status());
    *out = FixedIter(txn, IterKind::kChange, [&](crm_iter& it) {
      for (crm::FieldHistoryEntry& h : *history) {
        crm::Change c;
        c.seq = h.seq;
        c.at = h.at;
        c.actor = std::move(h.actor);
        c.entity = static_cast<crm::EntityType>(entity);
        c.entity_id = id;
        c.op = h.op;
        c.fields.push_back(crm::FieldChange{std::move(h.field), std::move(h.before), std::move(h.after)});
        it.changes.push_back(crm_change{std::move(c)});
      }
    });
    return CRM_OK;
  });
}
