// The C ABI: data quality, duplicate matching (crm_duplicates.h).
#include <cstddef>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_duplicates {
  std::vector<crm::DuplicateAlert> v;  // the candidates, grouped by the customer they are about
  std::vector<std::pair<std::size_t, std::size_t>> at;  // candidate i: (group, index)
};
struct crm_duplicate_sets {
  crm::DuplicateSetPage v;
};
struct crm_merges {
  std::vector<crm::MergeRecord> v;
};

namespace {

crm_duplicates* NewList(std::vector<crm::DuplicateAlert> groups) {
  auto* d = new crm_duplicates{std::move(groups), {}};
  for (std::size_t g = 0; g < d->v.size(); ++g)
    for (std::size_t i = 0; i < d->v[g].candidates.size(); ++i) d->at.emplace_back(g, i);
  return d;
}

const crm::DuplicateCandidate* Candidate(const crm_duplicates* d, std::size_t i, crm::CustomerId* about) {
  if (d == nullptr || i >= d->at.size()) return nullptr;
  const auto& group = d->v[d->at[i].first];
  if (about != nullptr) *about = group.customer;
  return &group.candidates[d->at[i].second];
}

// The match options a C caller gives (NULL: the defaults).
int Options(const crm_match_options* o, crm::MatchOptions* out) {
  if (o == nullptr) return CRM_OK;
  if (o->version < 1 || o->version > CRM_MATCH_OPTIONS_VERSION)
    return Invalid("o->version: not a crm_match_options version this library knows");
  out->threshold = o->threshold;
  out->limit = o->limit;
  out->include_archived = o->include_archived != 0;
  out->include_dismissed = o->include_dismissed != 0;
  out->reasons = o->reasons;
  std::string fields;
  if (int rc = Text(o->id_fields, o->id_fields_len, "id_fields", &fields); rc != CRM_OK) return rc;
  std::size_t start = 0;
  while (start <= fields.size()) {
    std::size_t comma = fields.find(',', start);
    if (comma == std::string::npos) comma = fields.size();
    std::string f = fields.substr(start, comma - start);
    const std::size_t a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t");
    if (a != std::string::npos) out->id_fields.push_back(f.substr(a, b - a + 1));
    start = comma + 1;
  }
  return CRM_OK;
}

std::string Joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) out += (out.empty() ? "" : ", ") + f;
  return out;
}

void ReadPair(const crm::DuplicatePair& p, double* score, uint32_t* reasons, int* dismissed, int64_t* found_at) {
  Set(score, p.score);
  Set(reasons, static_cast<uint32_t>(p.reasons));
  Set(dismissed, p.dismissed ? 1 : 0);
  Set(found_at, static_cast<int64_t>(p.found_at));
}

void ReadScan(const crm::DuplicateScanProgress& p, uint64_t* examined, uint64_t* total, uint64_t* pairs, int* finished) {
  Set(examined, p.examined);
  Set(total, p.total);
  Set(pairs, p.pairs);
  Set(finished, p.finished ? 1 : 0);
}

}  // namespace

const char* crm_match_reason_name(int reason) {
  if (reason < CRM_MATCH_EMAIL || reason > CRM_MATCH_NAME) return nullptr;
  return crm::MatchReasonName(static_cast<crm::MatchReason>(reason)).data();
}

int crm_match_options_init(crm_match_options* o, unsigned int version) {
  if (o == nullptr) return Invalid("o: is NULL");
  if (version < 1 || version > CRM_MATCH_OPTIONS_VERSION)
    return Invalid("version: not a crm_match_options version this library knows");
  crm_match_options init = CRM_MATCH_OPTIONS_INIT;
  init.version = version;
  std::memcpy(o, &init, sizeof init);
  return CRM_OK;
}

int crm_duplicates_find(crm_duplicates** out, crm_txn* txn, uint64_t customer, const crm_match_options* o) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::MatchOptions options;
    if (int rc = Options(o, &options); rc != CRM_OK) return rc;
    auto found = ReadOf(txn)->FindDuplicates(customer, options);
    if (!found.ok()) return Check(found.status());
    *out = NewList({crm::DuplicateAlert{customer, *std::move(found)}});
    return CRM_OK;
  });
}

int crm_duplicates_find_draft(crm_duplicates** out, crm_txn* txn, const crm_customer* draft, const crm_match_options* o) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (draft == nullptr) return Invalid("draft: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::MatchOptions options;
    if (int rc = Options(o, &options); rc != CRM_OK) return rc;
    auto found = ReadOf(txn)->FindDuplicatesOf(draft->v, options);
    if (!found.ok()) return Check(found.status());
    *out = NewList({crm::DuplicateAlert{draft->v.id, *std::move(found)}});
    return CRM_OK;
  });
}

int crm_duplicates_alerts(crm_duplicates** out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    *out = NewList(txn->write->DuplicateAlerts());
    return CRM_OK;
  });
}

void crm_duplicates_free(crm_duplicates* d) { delete d; }

size_t crm_duplicates_count(const crm_duplicates* d) { return d == nullptr ? 0 : d->at.size(); }

int crm_duplicates_candidate(const crm_duplicates* d, size_t i, uint64_t* about, uint64_t* id, double* score,
                             size_t* reasons) {
  if (d == nullptr) return Invalid("d: is NULL");
  crm::CustomerId of = 0;
  const crm::DuplicateCandidate* c = Candidate(d, i, &of);
  if (c == nullptr) return Fail(CRM_ENOTFOUND, "i: past the last candidate");
  Set(about, static_cast<uint64_t>(of));
  Set(id, static_cast<uint64_t>(c->id));
  Set(score, c->score);
  Set(reasons, c->reasons.size());
  return CRM_OK;
}

int crm_duplicates_reason(const crm_duplicates* d, size_t i, size_t j, int* reason, double* weight, const char** detail,
                          size_t* len) {
  if (d == nullptr) return Invalid("d: is NULL");
  const crm::DuplicateCandidate* c = Candidate(d, i, nullptr);
  if (c == nullptr) return Fail(CRM_ENOTFOUND, "i: past the last candidate");
  if (j >= c->reasons.size()) return Fail(CRM_ENOTFOUND, "j: past the last reason");
  const crm::MatchEvidence& e = c->reasons[j];
  Set(reason, static_cast<int>(e.reason));
  Set(weight, e.weight);
  if (detail != nullptr) *detail = Out(e.detail, len);
  return CRM_OK;
}

int crm_duplicate_rule_set(crm_txn* txn, int action, const crm_match_options* o, int on_update, int on_import) {
  return Guard([&] {
    if (action < CRM_DUPLICATE_ALLOW || action > CRM_DUPLICATE_BLOCK) return Invalid("action: not a CRM_DUPLICATE_* value");
    crm::DuplicateRule rule;
    rule.action = static_cast<crm::DuplicateAction>(action);
    if (int rc = Options(o, &rule.match); rc != CRM_OK) return rc;
    rule.on_update = on_update != 0;
    rule.on_import = on_import != 0;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.SetDuplicateRule(rule); });
  });
}

int crm_duplicate_rule_get(crm_txn* txn, int* action, crm_match_options* o, int* on_update, int* on_import,
                           char** id_fields, size_t* id_fields_len) {
  return Guard([&] {
    if (id_fields != nullptr) *id_fields = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto rule = ReadOf(txn)->GetDuplicateRule();
    if (!rule.ok()) return Check(rule.status());
    Set(action, static_cast<int>(rule->action));
    Set(on_update, rule->on_update ? 1 : 0);
    Set(on_import, rule->on_import ? 1 : 0);
    if (o != nullptr) {
      crm_match_options filled = CRM_MATCH_OPTIONS_INIT;
      filled.threshold = rule->match.threshold;
      filled.limit = rule->match.limit;
      filled.include_archived = rule->match.include_archived ? 1 : 0;
      filled.include_dismissed = rule->match.include_dismissed ? 1 : 0;
      filled.reasons = rule->match.reasons;
      std::memcpy(o, &filled, sizeof filled);
    }
    if (id_fields != nullptr) return MallocCopy(Joined(rule->match.id_fields), id_fields, id_fields_len, "the id fields");
    return CRM_OK;
  });
}

int crm_duplicate_pair_get(crm_txn* txn, uint64_t a, uint64_t b, double* score, uint32_t* reasons, int* dismissed,
                           int64_t* found_at) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto p = ReadOf(txn)->GetDuplicatePair(a, b);
    if (!p.ok()) return Check(p.status());
    ReadPair(*p, score, reasons, dismissed, found_at);
    return CRM_OK;
  });
}

int crm_duplicate_pair_dismiss(crm_txn* txn, uint64_t a, uint64_t b) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DismissDuplicatePair(a, b); });
}

int crm_duplicate_pair_forget(crm_txn* txn, uint64_t a, uint64_t b) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.ForgetDuplicatePair(a, b); });
}

int crm_duplicate_sets_list(crm_duplicate_sets** out, crm_txn* txn, size_t limit, const char* page_token,
                            size_t page_token_len, int include_dismissed) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (page_token == nullptr && page_token_len != 0) return Invalid("page_token: is NULL with a length");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::DuplicateSetQuery q;
    q.limit = limit;
    if (page_token != nullptr) q.page_token.assign(page_token, page_token_len);
    q.include_dismissed = include_dismissed != 0;
    auto page = ReadOf(txn)->ListDuplicateSets(q);
    if (!page.ok()) return Check(page.status());
    *out = new crm_duplicate_sets{*std::move(page)};
    return CRM_OK;
  });
}

void crm_duplicate_sets_free(crm_duplicate_sets* s) { delete s; }

size_t crm_duplicate_sets_count(const crm_duplicate_sets* s) { return s == nullptr ? 0 : s->v.sets.size(); }

int crm_duplicate_sets_customers(const crm_duplicate_sets* s, size_t i, const uint64_t** ids, size_t* count) {
  if (s == nullptr) return Invalid("s: is NULL");
  if (i >= s->v.sets.size()) return Fail(CRM_ENOTFOUND, "i: past the last set");
  static_assert(sizeof(crm::CustomerId) == sizeof(uint64_t), "customer ids are 64-bit");
  if (ids != nullptr) *ids = reinterpret_cast<const uint64_t*>(s->v.sets[i].customers.data());
  Set(count, s->v.sets[i].customers.size());
  return CRM_OK;
}

size_t crm_duplicate_sets_pair_count(const crm_duplicate_sets* s, size_t i) {
  return s == nullptr || i >= s->v.sets.size() ? 0 : s->v.sets[i].pairs.size();
}

int crm_duplicate_sets_pair(const crm_duplicate_sets* s, size_t i, size_t j, uint64_t* a, uint64_t* b, double* score,
                            uint32_t* reasons, int* dismissed, int64_t* found_at) {
  if (s == nullptr) return Invalid("s: is NULL");
  if (i >= s->v.sets.size()) return Fail(CRM_ENOTFOUND, "i: past the last set");
  if (j >= s->v.sets[i].pairs.size()) return Fail(CRM_ENOTFOUND, "j: past the last pair");
  const crm::DuplicatePair& p = s->v.sets[i].pairs[j];
  Set(a, static_cast<uint64_t>(p.a));
  Set(b, static_cast<uint64_t>(p.b));
  ReadPair(p, score, reasons, dismissed, found_at);
  return CRM_OK;
}

const char* crm_duplicate_sets_next_page(const crm_duplicate_sets* s, size_t* len) {
  if (s == nullptr) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(s->v.next_page_token, len);
}

int crm_db_scan_duplicates(crm_db* db, const crm_match_options* o, size_t batch, int restart,
                           crm_duplicate_scan_fn progress, void* arg, uint64_t* examined, uint64_t* total, uint64_t* pairs,
                           int* finished) {
  return Guard([&] {
    if (db == nullptr) return Invalid("db: is NULL");
    crm::DuplicateScanOptions options;
    if (int rc = Options(o, &options.match); rc != CRM_OK) return rc;
    if (batch != 0) options.batch = batch;
    options.restart = restart != 0;
    std::function<bool(const crm::DuplicateScanProgress&)> fn;
    if (progress != nullptr)
      fn = [&](const crm::DuplicateScanProgress& p) { return progress(p.examined, p.total, p.pairs, arg) != 0; };
    auto p = db->store->ScanDuplicates(options, fn);
    if (!p.ok()) return Check(p.status());
    ReadScan(*p, examined, total, pairs, finished);
    return CRM_OK;
  });
}

int crm_duplicate_scan_get(crm_txn* txn, uint64_t* examined, uint64_t* total, uint64_t* pairs, int* finished) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto p = ReadOf(txn)->GetDuplicateScan();
    if (!p.ok()) return Check(p.status());
    ReadScan(*p, examined, total, pairs, finished);
    return CRM_OK;
  });
}

namespace {

// "address=12, custom.tier=12" into choices.
int Choices(const char* text, std::size_t len, crm::MergeOptions* out) {
  std::string all;
  if (int rc = Text(text, len, "choices", &all); rc != CRM_OK) return rc;
  std::size_t start = 0;
  while (start < all.size()) {
    std::size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    const std::string item = all.substr(start, comma - start);
    start = comma + 1;
    const std::size_t a = item.find_first_not_of(" \t");
    if (a == std::string::npos) continue;
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return Fail(CRM_EINVALID, "choices: \"" + item + "\" is not field=customer");
    std::string field = item.substr(a, eq - a);
    field.erase(field.find_last_not_of(" \t") + 1);
    const std::string id = item.substr(eq + 1);
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
      value = std::stoull(id, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || id.find_first_not_of(" \t", used) != std::string::npos || id.find('-') != std::string::npos)
      return Fail(CRM_EINVALID, "choices: \"" + item + "\" does not end with a customer id");
    out->choices.emplace_back(std::move(field), static_cast<crm::CustomerId>(value));
  }
  return CRM_OK;
}

int GiveMerges(crm_merges** out, std::vector<crm::MergeRecord> v) {
  if (out != nullptr) *out = new crm_merges{std::move(v)};
  return CRM_OK;
}

}  // namespace

int crm_customers_merge(crm_merges** out, crm_txn* txn, uint64_t survivor, const uint64_t* losers, size_t count,
                        const char* choices, size_t choices_len) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (losers == nullptr && count != 0) return Invalid("losers: is NULL with a count");
    if (count > 32) return Invalid("count: 1 to 32 customers merge into one");
    crm::MergeOptions options;
    if (int rc = Choices(choices, choices_len, &options); rc != CRM_OK) return rc;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    std::vector<crm::CustomerId> ids(losers, losers + count);
    auto merged = txn->write->MergeCustomers(survivor, ids, options);
    if (!merged.ok()) return CheckIn(txn, merged.status());
    return GiveMerges(out, {merged->merge});
  });
}

int crm_customers_unmerge(crm_merges** out, crm_txn* txn, uint64_t merge) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto undone = txn->write->UnmergeCustomers(merge);
    if (!undone.ok()) return CheckIn(txn, undone.status());
    return GiveMerges(out, {*std::move(undone)});
  });
}

int crm_merge_finalize(crm_merges** out, crm_txn* txn, uint64_t merge) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto made = txn->write->FinalizeMerge(merge);
    if (!made.ok()) return CheckIn(txn, made.status());
    return GiveMerges(out, {*std::move(made)});
  });
}

int crm_merges_finalize(crm_txn* txn, int64_t merged_before, size_t limit, uint64_t* count) {
  return Guard([&] {
    Set(count, uint64_t{0});
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto made = txn->write->FinalizeMerges(merged_before, limit);
    if (!made.ok()) return CheckIn(txn, made.status());
    Set(count, static_cast<uint64_t>(*made));
    return CRM_OK;
  });
}

int crm_customer_merged_into(crm_txn* txn, uint64_t id, uint64_t* survivor) {
  return Guard([&] {
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto to = ReadOf(txn)->MergedInto(id);
    if (!to.ok()) return Check(to.status());
    Set(survivor, static_cast<uint64_t>(*to));
    return CRM_OK;
  });
}

int crm_merge_get(crm_merges** out, crm_txn* txn, uint64_t merge) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto m = ReadOf(txn)->GetMerge(merge);
    if (!m.ok()) return Check(m.status());
    return GiveMerges(out, {*std::move(m)});
  });
}

int crm_merges_list(crm_merges** out, crm_txn* txn, uint64_t survivor) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->ListMerges(survivor);
    if (!all.ok()) return Check(all.status());
    return GiveMerges(out, *std::move(all));
  });
}

void crm_merges_free(crm_merges* m) { delete m; }

size_t crm_merges_count(const crm_merges* m) { return m == nullptr ? 0 : m->v.size(); }

int crm_merges_item(const crm_merges* m, size_t i, uint64_t* id, uint64_t* survivor, int64_t* merged_at,
                    const uint64_t** losers, size_t* loser_count) {
  if (m == nullptr) return Invalid("m: is NULL");
  if (i >= m->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last merge");
  const crm::MergeRecord& r = m->v[i];
  Set(id, static_cast<uint64_t>(r.id));
  Set(survivor, static_cast<uint64_t>(r.survivor));
  Set(merged_at, static_cast<int64_t>(r.merged_at));
  static_assert(sizeof(crm::CustomerId) == sizeof(uint64_t), "customer ids are 64-bit");
  if (losers != nullptr) *losers = reinterpret_cast<const uint64_t*>(r.losers.data());
  Set(loser_count, r.losers.size());
  return CRM_OK;
}

int crm_merges_moved(const crm_merges* m, size_t i, uint64_t* counts, size_t n) {
  if (m == nullptr) return Invalid("m: is NULL");
  if (counts == nullptr && n != 0) return Invalid("counts: is NULL with a count");
  if (i >= m->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last merge");
  const crm::MergeRecord& r = m->v[i];
  const uint64_t all[CRM_MERGE_MOVED_COUNT] = {r.interactions, r.opportunities, r.contact_roles, r.members,
                                               r.subsidiaries,  r.consents,      r.pairs};
  for (std::size_t k = 0; k < n && k < CRM_MERGE_MOVED_COUNT; ++k) counts[k] = all[k];
  return CRM_OK;
}

int crm_merges_final_at(const crm_merges* m, size_t i, int64_t* final_at) {
  if (m == nullptr) return Invalid("m: is NULL");
  if (i >= m->v.size()) return Fail(CRM_ENOTFOUND, "i: past the last merge");
  Set(final_at, static_cast<int64_t>(m->v[i].final_at));
  return CRM_OK;
}

const char* crm_merges_actor(const crm_merges* m, size_t i, size_t* len) {
  if (m == nullptr || i >= m->v.size()) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(m->v[i].actor, len);
}
