// The C ABI: searches, counts, plans and grouped aggregates (crm_query.h).
#include <cstdlib>
#include <cstring>
#include <variant>
#include <vector>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_index_list {
  std::vector<crm::IndexInfo> v;
};

struct crm_aggregate {
  crm::AggregateResult result;
  std::size_t keys = 0;
  std::size_t measures = 0;
};

namespace {

int EntityOf(int entity, crm::EntityType* out) {
  if (entity != CRM_ENTITY_CUSTOMER && entity != CRM_ENTITY_OPPORTUNITY && entity != CRM_ENTITY_INTERACTION)
    return Invalid("entity: searches cover CRM_ENTITY_CUSTOMER, CRM_ENTITY_OPPORTUNITY and CRM_ENTITY_INTERACTION");
  *out = static_cast<crm::EntityType>(entity);
  return CRM_OK;
}

int ToSearch(const crm_search* s, crm::Search* out) {
  if (s == nullptr) return Invalid("s: is NULL");
  if (s->version < 1 || s->version > CRM_SEARCH_VERSION)
    return Invalid("s.version: not a crm_search version this library knows (use CRM_SEARCH_INIT)");
  if (int rc = ParsedFilter(s->filter, s->filter_len, "s.filter", &out->filter); rc != CRM_OK) return rc;
  if (int rc = Text(s->order_by, s->order_by_len, "s.order_by", &out->order_by); rc != CRM_OK) return rc;
  if (out->order_by.empty()) out->order_by = "id";
  out->descending = s->descending != 0;
  out->include_archived = s->include_archived != 0;
  if (s->page_size > 1000) return Invalid("s.page_size: must be between 1 and 1000 (0: 100)");
  out->limit = PageSize(s->page_size);
  return Text(s->page_token, s->page_token_len, "s.page_token", &out->page_token);
}

// The transaction check, kind and search that count and explain share.
int SearchOf(const crm_txn* txn, int entity, const crm_search* s, crm::EntityType* kind, crm::Search* search) {
  if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
  if (int rc = EntityOf(entity, kind); rc != CRM_OK) return rc;
  return ToSearch(s, search);
}

// The row and key of an aggregate a getter asks for; nullptr when out of range.
const crm::GroupKey* KeyAt(const crm_aggregate* r, std::size_t row, std::size_t k) {
  if (r == nullptr || row >= r->result.rows.size() || k >= r->keys) return nullptr;
  return &r->result.rows[row].keys[k];
}

}  // namespace

int crm_search_init(crm_search* s, unsigned int version) {
  if (s == nullptr) return Invalid("s: is NULL");
  if (version != CRM_SEARCH_VERSION) return Invalid("version: not a crm_search version this library knows");
  *s = crm_search CRM_SEARCH_INIT;
  return CRM_OK;
}

namespace {
// A search's iterator: pages read with `search` (SearchCustomers / SearchOpportunities), each
// record moved into `items` as a Handle.
template <class Handle, class Page, class Record>
int SearchIter(crm_iter** out, crm_txn* txn, const crm_search* s, IterKind kind,
               absl::StatusOr<Page> (crm::QueryReads::*search)(const crm::Search&) const,
               std::vector<Record> Page::*records, std::vector<Handle> crm_iter::*items) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::Search query;
    if (int rc = ToSearch(s, &query); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    *out = NewIter(txn, kind, query.page_token, [=](crm_iter& it) mutable -> absl::Status {
      query.page_token = it.next_token;
      auto page = (read->*search)(query);
      if (!page.ok()) return page.status();
      for (Record& r : (*page).*records) (it.*items).push_back(Handle{std::move(r)});
      it.next_token = page->next_page_token;
      it.exhausted = page->next_page_token.empty();
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}
}  // namespace

int crm_customer_search(crm_iter** out, crm_txn* txn, const crm_search* s) {
  return SearchIter(out, txn, s, IterKind::kCustomer, &crm::QueryReads::SearchCustomers, &crm::CustomerPage::customers,
                    &crm_iter::customers);
}

int crm_opportunity_search(crm_iter** out, crm_txn* txn, const crm_search* s) {
  return SearchIter(out, txn, s, IterKind::kOpportunity, &crm::QueryReads::SearchOpportunities,
                    &crm::OpportunityPage::opportunities, &crm_iter::opportunities);
}

int crm_interaction_search(crm_iter** out, crm_txn* txn, const crm_search* s) {
  return SearchIter(out, txn, s, IterKind::kInteraction, &crm::QueryReads::SearchInteractions,
                    &crm::InteractionPage::interactions, &crm_iter::interactions);
}

int crm_search_count(uint64_t* out, crm_txn* txn, int entity, const crm_search* s) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    crm::EntityType kind = crm::EntityType::kCustomer;
    crm::Search search;
    if (int rc = SearchOf(txn, entity, s, &kind, &search); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountMatching(kind, search);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}

int crm_search_explain(char** out, size_t* len, int* full_scan, crm_txn* txn, int entity, const crm_search* s) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    crm::EntityType kind = crm::EntityType::kCustomer;
    crm::Search search;
    if (int rc = SearchOf(txn, entity, s, &kind, &search); rc != CRM_OK) return rc;
    auto plan = ReadOf(txn)->Explain(kind, search);
    if (!plan.ok()) return Check(plan.status());
    if (int rc = MallocCopy(plan->text, out, len, "the plan"); rc != CRM_OK) return rc;
    if (full_scan != nullptr) *full_scan = plan->full_scan ? 1 : 0;
    return CRM_OK;
  });
}

int crm_aggregation_init(crm_aggregation* a, unsigned int version) {
  if (a == nullptr) return Invalid("a: is NULL");
  if (version != CRM_AGGREGATION_VERSION) return Invalid("version: not a crm_aggregation version this library knows");
  *a = crm_aggregation CRM_AGGREGATION_INIT;
  return CRM_OK;
}

int crm_aggregate_run(crm_aggregate** out, crm_txn* txn, int entity, const crm_aggregation* a) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::EntityType kind = crm::EntityType::kCustomer;
    if (int rc = EntityOf(entity, &kind); rc != CRM_OK) return rc;
    if (a == nullptr) return Invalid("a: is NULL");
    if (a->version < 1 || a->version > CRM_AGGREGATION_VERSION)
      return Invalid("a.version: not a crm_aggregation version this library knows (use CRM_AGGREGATION_INIT)");
    crm::Aggregation agg;
    if (int rc = ParsedFilter(a->filter, a->filter_len, "a.filter", &agg.filter); rc != CRM_OK) return rc;
    std::string group_by, measures;
    if (int rc = Text(a->group_by, a->group_by_len, "a.group_by", &group_by); rc != CRM_OK) return rc;
    if (int rc = Text(a->measures, a->measures_len, "a.measures", &measures); rc != CRM_OK) return rc;
    if (int rc = Text(a->time_zone, a->time_zone_len, "a.time_zone", &agg.time_zone); rc != CRM_OK) return rc;
    if (agg.time_zone.empty()) agg.time_zone = "UTC";
    agg.include_archived = a->include_archived != 0;
    auto g = crm::Aggregation::ParseGroupBy(group_by);
    if (!g.ok()) return Check(g.status());
    agg.group_by = *std::move(g);
    auto m = crm::Aggregation::ParseMeasures(measures);
    if (!m.ok()) return Check(m.status());
    agg.measures = *std::move(m);
    auto result = ReadOf(txn)->Aggregate(kind, agg);
    if (!result.ok()) return Check(result.status());
    return Give(out, crm_aggregate{*std::move(result), agg.group_by.size(),
                                   agg.measures.empty() ? std::size_t{1} : agg.measures.size()});
  });
}

void crm_aggregate_free(crm_aggregate* r) { delete r; }

size_t crm_aggregate_rows(const crm_aggregate* r) { return r == nullptr ? 0 : r->result.rows.size(); }
size_t crm_aggregate_key_count(const crm_aggregate* r) { return r == nullptr ? 0 : r->keys; }
size_t crm_aggregate_measure_count(const crm_aggregate* r) { return r == nullptr ? 0 : r->measures; }

const char* crm_aggregate_key(const crm_aggregate* r, size_t row, size_t k, size_t* len) {
  const crm::GroupKey* key = KeyAt(r, row, k);
  if (key == nullptr || key->empty) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(key->label, len);
}

int crm_aggregate_key_int(int64_t* out, const crm_aggregate* r, size_t row, size_t k) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    const crm::GroupKey* key = KeyAt(r, row, k);
    if (key == nullptr) return Invalid("row or k: out of range (or r is NULL)");
    if (key->empty) return Fail(CRM_ENOTFOUND, "this group holds the records without a value");
    if (const auto* i = std::get_if<std::int64_t>(&key->value)) {
      *out = *i;
    } else if (const auto* t = std::get_if<crm::DateTime>(&key->value)) {
      *out = t->micros;
    } else if (const auto* m = std::get_if<crm::Money>(&key->value)) {
      *out = m->minor_units;
    } else if (const auto* b = std::get_if<bool>(&key->value)) {
      *out = *b ? 1 : 0;
    } else {
      return Invalid("this key is text: read it with crm_aggregate_key");
    }
    return CRM_OK;
  });
}

const char* crm_aggregate_currency(const crm_aggregate* r, size_t row, size_t* len) {
  if (r == nullptr || row >= r->result.rows.size()) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(r->result.rows[row].currency, len);
}

int crm_aggregate_value(int64_t* value, uint64_t* count, double* average, const crm_aggregate* r, size_t row,
                        size_t m) {
  return Guard([&] {
    if (r == nullptr || row >= r->result.rows.size() || m >= r->measures)
      return Invalid("row or m: out of range (or r is NULL)");
    const crm::MeasureValue& v = r->result.rows[row].values[m];
    if (value != nullptr) *value = v.value;
    if (count != nullptr) *count = v.count;
    if (average != nullptr) *average = v.average;
    return CRM_OK;
  });
}

namespace {
int IndexWrite(crm_txn* txn, int entity, const char* field, size_t field_len, bool declare) {
  return Guard([&] {
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    if (entity != CRM_ENTITY_CUSTOMER && entity != CRM_ENTITY_OPPORTUNITY)
      return Invalid("entity: indexes are declared on CRM_ENTITY_CUSTOMER or CRM_ENTITY_OPPORTUNITY");
    std::string name;
    if (int rc = Text(field, field_len, "field", &name); rc != CRM_OK) return rc;
    const auto kind = static_cast<crm::EntityType>(entity);
    return CheckIn(txn, declare ? txn->write->DeclareIndex(kind, name) : txn->write->DropIndex(kind, name));
  });
}
}  // namespace

int crm_index_declare(crm_txn* txn, int entity, const char* field, size_t field_len) {
  return IndexWrite(txn, entity, field, field_len, true);
}

int crm_index_drop(crm_txn* txn, int entity, const char* field, size_t field_len) {
  return IndexWrite(txn, entity, field, field_len, false);
}

int crm_index_list_get(crm_index_list** out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->Indexes();
    if (!all.ok()) return Check(all.status());
    return Give(out, crm_index_list{*std::move(all)});
  });
}

void crm_index_list_free(crm_index_list* l) { delete l; }

size_t crm_index_list_size(const crm_index_list* l) { return l == nullptr ? 0 : l->v.size(); }

int crm_index_list_at(const crm_index_list* l, size_t i, int* entity, const char** field, size_t* field_len,
                      uint64_t* entries) {
  return Guard([&] {
    if (l == nullptr || i >= l->v.size()) return Invalid("i: out of range (or l is NULL)");
    const crm::IndexInfo& info = l->v[i];
    if (entity != nullptr) *entity = static_cast<int>(info.kind);
    if (field != nullptr) *field = Out(info.field, field_len);
    if (entries != nullptr) *entries = info.entries;
    return CRM_OK;
  });
}
