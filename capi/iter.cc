// The C ABI: iterators.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

// ---- iterators ----

int crm_iter_next(crm_iter* it) {
  return Guard([&] {
    if (it == nullptr) return Invalid("it: is NULL");
    it->has_current = false;
    it->current_token.clear();
    if (!*it->txn_live)
      return Fail(CRM_EINVALID, "it: the transaction it was made from has ended (committed or freed)");
    while (it->next >= it->size()) {
      if (it->exhausted) return CRM_ITEROVER;
      it->clear();
      it->next = 0;
      if (int rc = Check(it->fetch(*it)); rc != CRM_OK) {
        it->exhausted = true;
        return rc;
      }
    }
    ++it->next;
    it->has_current = true;
    if (it->next == it->size() && !it->exhausted) it->current_token = it->next_token;
    return CRM_OK;
  });
}

const crm_customer* crm_iter_customer(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kCustomer) return nullptr;
  return &it->customers[it->next - 1];
}
const crm_interaction* crm_iter_interaction(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kInteraction) return nullptr;
  return &it->interactions[it->next - 1];
}
const crm_pipeline* crm_iter_pipeline(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kPipeline) return nullptr;
  return &it->pipelines[it->next - 1];
}
const crm_opportunity* crm_iter_opportunity(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kOpportunity) return nullptr;
  return &it->opportunities[it->next - 1];
}
const crm_change* crm_iter_change(const crm_iter* it) {
  if (it == nullptr || !it->has_current || it->kind != IterKind::kChange) return nullptr;
  return &it->changes[it->next - 1];
}

const char* crm_iter_page_token(const crm_iter* it, size_t* len) {
  static const std::string kEmpty;
  return Out(it == nullptr ? kEmpty : it->current_token, len);
}


int crm_iter_take_customer(crm_customer** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kCustomer, &crm_iter::customers); });
}
int crm_iter_take_interaction(crm_interaction** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kInteraction, &crm_iter::interactions); });
}
int crm_iter_take_pipeline(crm_pipeline** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kPipeline, &crm_iter::pipelines); });
}
int crm_iter_take_opportunity(crm_opportunity** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kOpportunity, &crm_iter::opportunities); });
}
int crm_iter_take_change(crm_change** out, crm_iter* it) {
  return Guard([&] { return Take(out, it, IterKind::kChange, &crm_iter::changes); });
}

int crm_iter_take_customers(crm_customer** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kCustomer, &crm_iter::customers); });
}
int crm_iter_take_interactions(crm_interaction** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kInteraction, &crm_iter::interactions); });
}
int crm_iter_take_pipelines(crm_pipeline** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kPipeline, &crm_iter::pipelines); });
}
int crm_iter_take_opportunities(crm_opportunity** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kOpportunity, &crm_iter::opportunities); });
}
int crm_iter_take_changes(crm_change** out, size_t max, size_t* n, crm_iter* it) {
  return Guard([&] { return TakeMany(out, max, n, it, IterKind::kChange, &crm_iter::changes); });
}

void crm_iter_free(crm_iter* it) { delete it; }
