// The C ABI: deal scores and the scoring options (crm_sales.h).
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_deal_score {
  crm::DealScore v;
};

int crm_deal_score_get(crm_deal_score** out, crm_txn* txn, uint64_t opportunity) {
  return ReadOut<crm::DealScore>(out, txn, [&](crm::ReadTxn& t) { return t.ScoreDeal(opportunity); });
}

void crm_deal_score_free(crm_deal_score* s) { delete s; }

int crm_deal_score_read(const crm_deal_score* s, double* probability, int* basis, uint64_t* won, uint64_t* lost,
                        double* prior) {
  return Guard([&] {
    if (s == nullptr) return Invalid("s: is NULL");
    Set(probability, s->v.probability);
    Set(basis, static_cast<int>(s->v.basis));
    Set(won, static_cast<uint64_t>(s->v.won));
    Set(lost, static_cast<uint64_t>(s->v.lost));
    Set(prior, s->v.prior);
    return CRM_OK;
  });
}

const char* crm_deal_score_explanation(const crm_deal_score* s, size_t* len) {
  if (s == nullptr) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  return Out(s->v.explanation, len);
}

size_t crm_deal_score_factor_count(const crm_deal_score* s) { return s == nullptr ? 0 : s->v.factors.size(); }

int crm_deal_score_factor(const crm_deal_score* s, size_t i, const char** field, size_t* field_len, const char** value,
                          size_t* value_len, uint64_t* won, uint64_t* lost, double* weight) {
  return Guard([&] {
    if (s == nullptr || i >= s->v.factors.size()) return Invalid("i: out of range (or s is NULL)");
    const crm::ScoreFactor& f = s->v.factors[i];
    if (field != nullptr) *field = Out(f.field, field_len);
    if (value != nullptr) *value = Out(f.value, value_len);
    Set(won, static_cast<uint64_t>(f.won));
    Set(lost, static_cast<uint64_t>(f.lost));
    Set(weight, f.weight);
    return CRM_OK;
  });
}

int crm_scoring_set(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_closed) {
  return Guard([&] {
    std::string text;
    if (int rc = Text(fields, fields_len, "fields", &text); rc != CRM_OK) return rc;
    crm::ScoringOptions o;
    o.fields.clear();
    for (absl::string_view f : absl::StrSplit(text, ',', absl::SkipWhitespace()))
      o.fields.emplace_back(absl::StripAsciiWhitespace(f));
    o.minimum_closed = minimum_closed;
    return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.SetScoringOptions(o); });
  });
}

int crm_scoring_get(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_closed) {
  return Guard([&] {
    if (fields == nullptr) return Invalid("fields: is NULL");
    *fields = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto o = ReadOf(txn)->GetScoringOptions();
    if (!o.ok()) return Check(o.status());
    Set(minimum_closed, o->minimum_closed);
    return MallocCopy(absl::StrJoin(o->fields, ","), fields, fields_len, "the fields");
  });
}
