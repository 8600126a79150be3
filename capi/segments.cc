// The C ABI: segments (crm_segments.h).
#include <span>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_segment {
  crm::Segment v;
};
struct crm_segment_list {
  std::vector<crm_segment> v;
};

namespace {

const FieldSet kSegmentFields{"a segment",
                              "crm_segment",
                              3,
                              9,
                              {CRM_SEGMENT_ID, CRM_SEGMENT_FROZEN_AT, CRM_SEGMENT_FROZEN_FROM, CRM_SEGMENT_MEMBERS}};

std::string* SegmentText(crm::Segment& s, int field) {
  switch (field) {
    case CRM_SEGMENT_NAME: return &s.name;
    case CRM_SEGMENT_DESCRIPTION: return &s.description;
    default: return &s.filter;
  }
}

int64_t SegmentInt(const crm::Segment& s, int field) {
  switch (field) {
    case CRM_SEGMENT_ID: return static_cast<int64_t>(s.id);
    case CRM_SEGMENT_REVISION: return static_cast<int64_t>(s.revision);
    case CRM_SEGMENT_CREATED_AT: return s.created_at;
    case CRM_SEGMENT_UPDATED_AT: return s.updated_at;
    case CRM_SEGMENT_KIND: return static_cast<int64_t>(s.kind);
    case CRM_SEGMENT_INCLUDE_ARCHIVED: return s.include_archived ? 1 : 0;
    case CRM_SEGMENT_FROZEN_AT: return s.frozen_at;
    case CRM_SEGMENT_FROZEN_FROM: return static_cast<int64_t>(s.frozen_from);
    default: return static_cast<int64_t>(s.members);
  }
}

template <class F>
int Members(uint64_t* changed, crm_txn* txn, const uint64_t* ids, size_t count, F call) {
  return Guard([&] {
    Set<uint64_t>(changed, 0);
    std::span<const crm::CustomerId> span;
    if (int rc = CustomerIdsArg(ids, count, &span); rc != CRM_OK) return rc;
    if (int rc = NeedWrite(txn); rc != CRM_OK) return rc;
    auto n = call(*txn->write, span);
    if (!n.ok()) return CheckIn(txn, n.status());
    Set<uint64_t>(changed, *n);
    return CRM_OK;
  });
}

}  // namespace

int crm_segment_new(crm_segment** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Segment{});
  });
}
int crm_segment_clone(crm_segment** out, const crm_segment* s) {
  return Guard([&] { return Clone(out, s); });
}
void crm_segment_free(crm_segment* s) { delete s; }

const char* crm_segment_text(const crm_segment* s, int field, size_t* len) {
  return TextOf(kSegmentFields, s, field, len, [&](const crm::Segment& v) -> const std::string& {
    return *SegmentText(const_cast<crm::Segment&>(v), field);
  });
}

int crm_segment_set_text(crm_segment* s, int field, const char* text, size_t len) {
  return Guard([&] {
    if (s == nullptr) return Invalid("s: is NULL");
    if (int rc = CheckField(kSegmentFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(text, len, "value", SegmentText(s->v, field));
  });
}

int crm_segment_get_int(int64_t* out, const crm_segment* s, int field) {
  return IntOf(out, kSegmentFields, s, field, SegmentInt);
}
int64_t crm_segment_int(const crm_segment* s, int field) { return IntOrZero(kSegmentFields, s, field, SegmentInt); }

int crm_segment_set_int(crm_segment* s, int field, int64_t value) {
  if (s == nullptr) return Invalid("s: is NULL");
  if (int rc = CheckField(kSegmentFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Segment& v = s->v;
  switch (field) {
    case CRM_SEGMENT_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_SEGMENT_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_SEGMENT_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_SEGMENT_KIND:
      if (value < CRM_SEGMENT_MANUAL || value > CRM_SEGMENT_SNAPSHOT) return Invalid("kind: is not a CRM_SEGMENT_* kind");
      v.kind = static_cast<crm::SegmentKind>(value);
      return CRM_OK;
    default:
      if (value != 0 && value != 1) return Invalid("include_archived: must be 0 or 1");
      v.include_archived = value == 1;
      return CRM_OK;
  }
}

int crm_segment_create(crm_txn* txn, crm_segment* s) {
  if (s == nullptr) return Invalid("s: is NULL");
  return WriteInto<crm::Segment>(txn, s, [&](crm::WriteTxn& t) { return t.CreateSegment(s->v); });
}

int crm_segment_update(crm_txn* txn, crm_segment* s) {
  if (s == nullptr) return Invalid("s: is NULL");
  return WriteInto<crm::Segment>(txn, s, [&](crm::WriteTxn& t) { return t.UpdateSegment(s->v); });
}

int crm_segment_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteSegment(id); });
}

int crm_segment_snapshot(crm_segment** out, crm_txn* txn, uint64_t dynamic, const char* name, size_t len) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    std::string text;
    if (int rc = Text(name, len, "name", &text); rc != CRM_OK) return rc;
    return WriteOut<crm::Segment>(out, txn, [&](crm::WriteTxn& t) { return t.SnapshotSegment(dynamic, text); });
  });
}

int crm_segment_add_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids, size_t count) {
  return Members(changed, txn, ids, count, [&](crm::WriteTxn& t, std::span<const crm::CustomerId> span) {
    return t.AddSegmentMembers(segment, span);
  });
}

int crm_segment_remove_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids, size_t count) {
  return Members(changed, txn, ids, count, [&](crm::WriteTxn& t, std::span<const crm::CustomerId> span) {
    return t.RemoveSegmentMembers(segment, span);
  });
}

int crm_segment_get(crm_segment** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Segment>(out, txn, [&](crm::ReadTxn& t) { return t.GetSegment(id); });
}

int crm_segment_find_by_name(crm_segment** out, crm_txn* txn, const char* name, size_t len) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    std::string key;
    if (int rc = Text(name, len, "name", &key); rc != CRM_OK) return rc;
    return ReadOut<crm::Segment>(out, txn, [&](crm::ReadTxn& t) { return t.FindSegmentByName(key); });
  });
}

int crm_segment_contains(int* out, crm_txn* txn, uint64_t segment, uint64_t customer) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto in = ReadOf(txn)->IsInSegment(segment, customer);
    if (!in.ok()) return Check(in.status());
    *out = *in ? 1 : 0;
    return CRM_OK;
  });
}

int crm_segment_member_count(uint64_t* out, crm_txn* txn, uint64_t segment) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountSegmentMembers(segment);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}

int crm_segment_list_get(crm_segment_list** out, crm_txn* txn) {
  return ListOut<crm_segment_list, crm::Segment>(out, txn, [&](crm::ReadTxn& t) { return t.ListSegments(); });
}
size_t crm_segment_list_size(const crm_segment_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_segment* crm_segment_list_at(const crm_segment_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last segment (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_segment_list_free(crm_segment_list* l) { delete l; }

int crm_segment_members(crm_id_page** out, crm_txn* txn, uint64_t segment, size_t limit, const char* page_token,
                        size_t page_token_len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (page_token == nullptr && page_token_len != 0) return Invalid("page_token: is NULL with a length");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    const std::string token = page_token == nullptr ? std::string() : std::string(page_token, page_token_len);
    auto page = ReadOf(txn)->ListSegmentMembers(segment, token, limit);
    if (!page.ok()) return Check(page.status());
    *out = new crm_id_page{std::vector<uint64_t>(page->members.begin(), page->members.end()),
                           std::move(page->next_page_token)};
    return CRM_OK;
  });
}

int crm_segments_of(crm_id_page** out, crm_txn* txn, uint64_t customer) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto of = ReadOf(txn)->SegmentsOf(customer);
    if (!of.ok()) return Check(of.status());
    *out = new crm_id_page{std::vector<uint64_t>(of->begin(), of->end()), {}};
    return CRM_OK;
  });
}

int crm_id_page_ids(const crm_id_page* p, const uint64_t** ids, size_t* count) {
  if (p == nullptr) return Invalid("p: is NULL");
  if (ids != nullptr) *ids = p->ids.data();
  Set(count, p->ids.size());
  return CRM_OK;
}

const char* crm_id_page_next(const crm_id_page* p, size_t* len) {
  if (p == nullptr) {
    Set<size_t>(len, 0);
    return "";
  }
  Set(len, p->next.size());
  return p->next.c_str();
}

void crm_id_page_free(crm_id_page* p) { delete p; }
