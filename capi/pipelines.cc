// The C ABI: pipelines.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

// ---- pipelines ----

int crm_pipeline_new(crm_pipeline** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Pipeline{});
  });
}

int crm_pipeline_clone(crm_pipeline** out, const crm_pipeline* p) {
  return Guard([&] { return Clone(out, p); });
}
void crm_pipeline_free(crm_pipeline* p) { delete p; }
uint64_t crm_pipeline_id(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.id; }
uint64_t crm_pipeline_revision(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.revision; }

const char* crm_pipeline_name(const crm_pipeline* p, size_t* len) {
  static const std::string kEmpty;
  return Out(p == nullptr ? kEmpty : p->v.name, len);
}

int crm_pipeline_set_name(crm_pipeline* p, const char* name, size_t len) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    return Text(name, len, "name", &p->v.name);
  });
}

size_t crm_pipeline_stage_count(const crm_pipeline* p) { return p == nullptr ? 0 : p->v.stages.size(); }

int crm_pipeline_stage(const crm_pipeline* p, size_t i, uint32_t* id, const char** name, size_t* name_len,
                       int* probability, int* outcome) {
  if (p == nullptr) return Invalid("p: is NULL");
  if (i >= p->v.stages.size()) return Fail(CRM_ENOTFOUND, "i: past the last stage");
  const crm::Stage& s = p->v.stages[i];
  Set(id, static_cast<uint32_t>(s.id));
  Set(name, Out(s.name, name_len));
  Set(probability, s.probability);
  Set(outcome, static_cast<int>(s.outcome));
  return CRM_OK;
}

int crm_pipeline_stage_forecast(const crm_pipeline* p, size_t i, int* effective) {
  if (p == nullptr || i >= p->v.stages.size()) {
    Set(effective, -1);
    return -1;
  }
  Set(effective, static_cast<int>(p->v.stages[i].forecast()));
  return static_cast<int>(p->v.stages[i].forecast_category);
}

int crm_pipeline_set_stage_forecast(crm_pipeline* p, size_t i, int category) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (i >= p->v.stages.size()) return Fail(CRM_ENOTFOUND, "i: past the last stage");
    if (category < CRM_FORECAST_AUTO || category > CRM_FORECAST_OMITTED)
      return Invalid("category: is not a CRM_FORECAST_* value");
    p->v.stages[i].forecast_category = static_cast<crm::ForecastCategory>(category);
    return CRM_OK;
  });
}

int crm_pipeline_add_stage(crm_pipeline* p, uint32_t id, const char* name, size_t name_len, int probability,
                           int outcome) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (outcome < CRM_OUTCOME_OPEN || outcome > CRM_OUTCOME_LOST) return Invalid("outcome: is not a CRM_OUTCOME_* value");
    crm::Stage s;
    s.id = id;
    if (int rc = Text(name, name_len, "name", &s.name); rc != CRM_OK) return rc;
    s.probability = probability;
    s.outcome = static_cast<crm::StageOutcome>(outcome);
    p->v.stages.push_back(std::move(s));
    return CRM_OK;
  });
}

int crm_pipeline_clear_stages(crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  p->v.stages.clear();
  return CRM_OK;
}

uint32_t crm_pipeline_stage_id(const crm_pipeline* p, const char* name, size_t len) {
  if (p == nullptr || (name == nullptr && len != 0)) return 0;
  const crm::Stage* s = p->v.FindStage(std::string_view(name == nullptr ? "" : name, len));
  return s == nullptr ? 0 : s->id;
}

int crm_pipeline_create(crm_txn* txn, crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Pipeline>(txn, p, [&](crm::WriteTxn& t) { return t.CreatePipeline(p->v); });
}

int crm_pipeline_update(crm_txn* txn, crm_pipeline* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Pipeline>(txn, p, [&](crm::WriteTxn& t) { return t.UpdatePipeline(p->v); });
}

int crm_pipeline_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeletePipeline(id); });
}

int crm_pipeline_get(crm_pipeline** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Pipeline>(out, txn, [&](crm::ReadTxn& t) {
    return id == 0 ? t.GetDefaultPipeline() : t.GetPipeline(id);
  });
}

int crm_pipeline_list(crm_iter** out, crm_txn* txn) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto all = ReadOf(txn)->ListPipelines();
    if (!all.ok()) return Check(all.status());
    *out = FixedIter(txn, IterKind::kPipeline, [&](crm_iter& it) {
      for (crm::Pipeline& p : *all) it.pipelines.push_back(crm_pipeline{std::move(p)});
    });
    return CRM_OK;
  });
}
