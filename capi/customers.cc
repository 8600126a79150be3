// The C ABI: customers.
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

namespace {
const FieldSet kCustomerFields{"a customer", "crm_customer", 15, 17,
                               {CRM_CUSTOMER_ID, CRM_CUSTOMER_ARCHIVED,
                                CRM_CUSTOMER_ARCHIVED_AT, CRM_CUSTOMER_LAST_INTERACTION_AT}};
}  // namespace

// ---- customers ----

namespace {

std::string* CustomerText(crm::Customer& c, int field) {
  switch (field) {
    case CRM_CUSTOMER_DISPLAY_NAME: return &c.display_name;
    case CRM_CUSTOMER_GIVEN_NAME: return &c.given_name;
    case CRM_CUSTOMER_FAMILY_NAME: return &c.family_name;
    case CRM_CUSTOMER_OWNER: return &c.owner;
    case CRM_CUSTOMER_EXTERNAL_ID: return &c.external_id;
    case CRM_CUSTOMER_STREET: return &c.address.street;
    case CRM_CUSTOMER_CITY: return &c.address.city;
    case CRM_CUSTOMER_REGION: return &c.address.region;
    case CRM_CUSTOMER_POSTAL_CODE: return &c.address.postal_code;
    case CRM_CUSTOMER_COUNTRY: return &c.address.country;
    case CRM_CUSTOMER_JOB_TITLE: return &c.job_title;
    case CRM_CUSTOMER_DEPARTMENT: return &c.department;
    case CRM_CUSTOMER_INDUSTRY: return &c.industry;
    case CRM_CUSTOMER_WEBSITE: return &c.website;
    case CRM_CUSTOMER_REVENUE_CURRENCY: return &c.annual_revenue.currency;
    default: return nullptr;
  }
}

}  // namespace

int crm_customer_new(crm_customer** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Customer{});
  });
}

int crm_customer_clone(crm_customer** out, const crm_customer* c) {
  return Guard([&] {
    if (out == nullptr || c == nullptr) return Invalid("out and c: must not be NULL");
    return Give(out, c->v);
  });
}

void crm_customer_free(crm_customer* c) { delete c; }

const char* crm_customer_text(const crm_customer* c, int field, size_t* len) {
  return TextOf(kCustomerFields, c, field, len,
                [&](const crm::Customer& v) -> const std::string& { return *CustomerText(const_cast<crm::Customer&>(v), field); });
}

int crm_customer_set_text(crm_customer* c, int field, const char* s, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    if (int rc = CheckField(kCustomerFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", CustomerText(c->v, field));
  });
}

namespace {
int64_t CustomerInt(const crm::Customer& v, int field) {
  switch (field) {
    case CRM_CUSTOMER_ID: return static_cast<int64_t>(v.id);
    case CRM_CUSTOMER_REVISION: return static_cast<int64_t>(v.revision);
    case CRM_CUSTOMER_CREATED_AT: return v.created_at;
    case CRM_CUSTOMER_UPDATED_AT: return v.updated_at;
    case CRM_CUSTOMER_ARCHIVED: return v.archived;
    case CRM_CUSTOMER_ARCHIVED_AT: return v.archived_at;
    case CRM_CUSTOMER_KIND: return static_cast<int64_t>(v.kind);
    case CRM_CUSTOMER_STAGE: return static_cast<int64_t>(v.stage);
    case CRM_CUSTOMER_EMAIL_OPT_IN: return v.consent.email_opt_in;
    case CRM_CUSTOMER_EMAIL_LEGAL_BASIS: return static_cast<int64_t>(v.consent.email_legal_basis);
    case CRM_CUSTOMER_EMAIL_OPT_IN_AT: return v.consent.email_opt_in_at;
    case CRM_CUSTOMER_DO_NOT_CALL: return v.consent.do_not_call;
    case CRM_CUSTOMER_LAST_INTERACTION_AT: return v.last_interaction_at;
    case CRM_CUSTOMER_EMPLOYEES: return v.employees;
    case CRM_CUSTOMER_ACCOUNT_TYPE: return static_cast<int64_t>(v.account_type);
    case CRM_CUSTOMER_PARENT: return static_cast<int64_t>(v.parent);
    case CRM_CUSTOMER_ANNUAL_REVENUE: return v.annual_revenue.minor_units;
    default: return 0;
  }
}
}  // namespace

int crm_customer_get_int(int64_t* out, const crm_customer* c, int field) {
  return IntOf(out, kCustomerFields, c, field, CustomerInt);
}
int64_t crm_customer_int(const crm_customer* c, int field) { return IntOrZero(kCustomerFields, c, field, CustomerInt); }

int crm_customer_set_int(crm_customer* c, int field, int64_t value) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (int rc = CheckField(kCustomerFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Customer& v = c->v;
  const auto in = [&](int64_t lo, int64_t hi) { return value >= lo && value <= hi; };
  switch (field) {
    case CRM_CUSTOMER_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_CUSTOMER_KIND:
      if (!in(CRM_PERSON, CRM_ORGANIZATION)) return Invalid("kind: must be CRM_PERSON or CRM_ORGANIZATION");
      v.kind = static_cast<crm::CustomerKind>(value);
      return CRM_OK;
    case CRM_CUSTOMER_STAGE:
      if (!in(CRM_STAGE_SUBSCRIBER, CRM_STAGE_OTHER)) return Invalid("stage: is not a CRM_STAGE_* value");
      v.stage = static_cast<crm::LifecycleStage>(value);
      return CRM_OK;
    case CRM_CUSTOMER_EMAIL_OPT_IN: v.consent.email_opt_in = value != 0; return CRM_OK;
    case CRM_CUSTOMER_EMAIL_LEGAL_BASIS:
      if (!in(CRM_BASIS_NONE, CRM_BASIS_LEGITIMATE_INTERESTS)) return Invalid("email_legal_basis: is not a CRM_BASIS_* value");
      v.consent.email_legal_basis = static_cast<crm::LegalBasis>(value);
      return CRM_OK;
    case CRM_CUSTOMER_EMAIL_OPT_IN_AT: v.consent.email_opt_in_at = value; return CRM_OK;
    case CRM_CUSTOMER_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_CUSTOMER_EMPLOYEES:
      if (value < 0) return Invalid("employees: must not be negative");
      v.employees = value;
      return CRM_OK;
    case CRM_CUSTOMER_ACCOUNT_TYPE:
      if (!in(CRM_ACCOUNT_NONE, CRM_ACCOUNT_OTHER)) return Invalid("account_type: is not a CRM_ACCOUNT_* value");
      v.account_type = static_cast<crm::AccountType>(value);
      return CRM_OK;
    case CRM_CUSTOMER_PARENT:
      if (value < 0) return Invalid("parent: is not a customer id");
      v.parent = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_CUSTOMER_ANNUAL_REVENUE: v.annual_revenue.minor_units = value; return CRM_OK;
    case CRM_CUSTOMER_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_CUSTOMER_DO_NOT_CALL: v.consent.do_not_call = value != 0; return CRM_OK;
    default: return Invalid("field: not a settable integer field of a customer");
  }
}

size_t crm_customer_email_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.emails.size(); }

int crm_customer_email(const crm_customer* c, size_t i, const char** address, size_t* address_len, const char** label,
                       size_t* label_len, int* primary) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.emails.size()) return Fail(CRM_ENOTFOUND, "i: past the last email");
  const crm::Email& e = c->v.emails[i];
  Set(address, Out(e.address, address_len));
  Set(label, Out(e.label, label_len));
  Set(primary, e.primary ? 1 : 0);
  return CRM_OK;
}

int crm_customer_add_email(crm_customer* c, const char* address, size_t address_len, const char* label,
                           size_t label_len, int primary) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Email e;
    if (int rc = Text(address, address_len, "address", &e.address); rc != CRM_OK) return rc;
    if (int rc = Text(label, label_len, "label", &e.label); rc != CRM_OK) return rc;
    e.primary = primary != 0;
    c->v.emails.push_back(std::move(e));
    return CRM_OK;
  });
}

size_t crm_customer_phone_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.phones.size(); }

int crm_customer_phone(const crm_customer* c, size_t i, const char** number, size_t* number_len, const char** label,
                       size_t* label_len, int* primary) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.phones.size()) return Fail(CRM_ENOTFOUND, "i: past the last phone");
  const crm::Phone& p = c->v.phones[i];
  Set(number, Out(p.number, number_len));
  Set(label, Out(p.label, label_len));
  Set(primary, p.primary ? 1 : 0);
  return CRM_OK;
}

int crm_customer_phone_parsed(const crm_customer* c, size_t i, const char** e164, size_t* e164_len, int* type,
                              int* valid) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.phones.size()) return Fail(CRM_ENOTFOUND, "i: past the last phone");
  const crm::Phone& p = c->v.phones[i];
  Set(e164, Out(p.e164, e164_len));
  Set(type, static_cast<int>(p.type));
  Set(valid, p.valid ? 1 : 0);
  return CRM_OK;
}

int crm_customer_add_phone(crm_customer* c, const char* number, size_t number_len, const char* label,
                           size_t label_len, int primary) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Phone p;
    if (int rc = Text(number, number_len, "number", &p.number); rc != CRM_OK) return rc;
    if (int rc = Text(label, label_len, "label", &p.label); rc != CRM_OK) return rc;
    p.primary = primary != 0;
    c->v.phones.push_back(std::move(p));
    return CRM_OK;
  });
}

size_t crm_customer_tag_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.tags.size(); }

const char* crm_customer_tag(const crm_customer* c, size_t i, size_t* len) {
  static const std::string kEmpty;
  if (c == nullptr || i >= c->v.tags.size()) return Out(kEmpty, len);
  return Out(c->v.tags[i], len);
}

int crm_customer_add_tag(crm_customer* c, const char* tag, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    std::string t;
    if (int rc = Text(tag, len, "tag", &t); rc != CRM_OK) return rc;
    c->v.tags.push_back(std::move(t));
    return CRM_OK;
  });
}

size_t crm_customer_domain_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.domains.size(); }

const char* crm_customer_domain(const crm_customer* c, size_t i, size_t* len) {
  static const std::string kEmpty;
  if (c == nullptr || i >= c->v.domains.size()) return Out(kEmpty, len);
  return Out(c->v.domains[i], len);
}

int crm_customer_add_domain(crm_customer* c, const char* domain, size_t len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    std::string d;
    if (int rc = Text(domain, len, "domain", &d); rc != CRM_OK) return rc;
    c->v.domains.push_back(std::move(d));
    return CRM_OK;
  });
}

size_t crm_customer_membership_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.memberships.size(); }

int crm_customer_membership(const crm_customer* c, size_t i, uint64_t* organization, const char** role,
                            size_t* role_len) {
  if (c == nullptr) return Invalid("c: is NULL");
  if (i >= c->v.memberships.size()) return Fail(CRM_ENOTFOUND, "i: past the last membership");
  const crm::Membership& m = c->v.memberships[i];
  Set(organization, static_cast<uint64_t>(m.organization));
  Set(role, Out(m.role, role_len));
  return CRM_OK;
}

int crm_customer_add_membership(crm_customer* c, uint64_t organization, const char* role, size_t role_len) {
  return Guard([&] {
    if (c == nullptr) return Invalid("c: is NULL");
    crm::Membership m;
    m.organization = organization;
    if (int rc = Text(role, role_len, "role", &m.role); rc != CRM_OK) return rc;
    c->v.memberships.push_back(std::move(m));
    return CRM_OK;
  });
}

int crm_customer_clear(crm_customer* c, int list) {
  if (c == nullptr) return Invalid("c: is NULL");
  switch (list) {
    case CRM_LIST_EMAILS: c->v.emails.clear(); return CRM_OK;
    case CRM_LIST_PHONES: c->v.phones.clear(); return CRM_OK;
    case CRM_LIST_TAGS: c->v.tags.clear(); return CRM_OK;
    case CRM_LIST_MEMBERSHIPS: c->v.memberships.clear(); return CRM_OK;
    case CRM_LIST_CUSTOM: c->v.custom.clear(); return CRM_OK;
    case CRM_LIST_DOMAINS: c->v.domains.clear(); return CRM_OK;
    default: return Invalid("list: is not a CRM_LIST_* value");
  }
}

size_t crm_customer_custom_count(const crm_customer* c) { return c == nullptr ? 0 : c->v.custom.size(); }

int crm_customer_custom_field(const crm_customer* c, size_t i, const char** name, size_t* name_len, int* type) {
  return c == nullptr ? Invalid("c: is NULL") : CustomField(c->v.custom, i, name, name_len, type);
}

int crm_customer_custom_value(const crm_customer* c, size_t i, int64_t* number, const char** text,
                              size_t* text_len) {
  return c == nullptr ? Invalid("c: is NULL") : CustomValue(c->v.custom, i, number, text, text_len);
}

int crm_customer_set_custom(crm_customer* c, const char* name, size_t name_len, int type, int64_t number,
                            const char* text, size_t text_len) {
  return c == nullptr ? Invalid("c: is NULL") : SetCustom(c->v.custom, name, name_len, type, number, text, text_len);
}

int crm_customer_remove_custom(crm_customer* c, const char* name, size_t name_len) {
  return c == nullptr ? Invalid("c: is NULL") : RemoveCustom(c->v.custom, name, name_len);
}

int crm_customer_create(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.CreateCustomer(c->v); });
}

int crm_customer_update(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.UpdateCustomer(c->v); });
}

int crm_customer_upsert(crm_txn* txn, crm_customer* c) {
  if (c == nullptr) return Invalid("c: is NULL");
  return WriteInto<crm::Customer>(txn, c, [&](crm::WriteTxn& t) { return t.UpsertCustomer(c->v); });
}

int crm_customer_patch(crm_txn* txn, crm_customer* c, const char* fields, size_t len) {
  return PatchInto<crm::Customer>(txn, c, fields, len,
                                 [&](crm::WriteTxn& t, const crm::Patch& p) { return t.PatchCustomer(c->v, p); });
}

int crm_customer_archive(crm_customer** out, crm_txn* txn, uint64_t id) {
  return WriteOut<crm::Customer>(out, txn, [&](crm::WriteTxn& t) { return t.ArchiveCustomer(id); });
}

int crm_customer_restore(crm_customer** out, crm_txn* txn, uint64_t id) {
  return WriteOut<crm::Customer>(out, txn, [&](crm::WriteTxn& t) { return t.RestoreCustomer(id); });
}

int crm_customer_delete(crm_txn* txn, uint64_t id, int cascade) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteCustomer(id, crm::DeleteOptions{cascade != 0}); });
}

int crm_customer_get(crm_customer** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.GetCustomer(id); });
}

int crm_customer_find_by_email(crm_customer** out, crm_txn* txn, const char* email, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(email, len, "email", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.FindCustomerByEmail(key); });
}

int crm_customer_find_by_external_id(crm_customer** out, crm_txn* txn, const char* id, size_t len) {
  std::string key;
  if (out != nullptr) *out = nullptr;
  if (int rc = Guard([&] { return Text(id, len, "external_id", &key); }); rc != CRM_OK) return rc;
  return ReadOut<crm::Customer>(out, txn, [&](crm::ReadTxn& t) { return t.FindCustomerByExternalId(key); });
}

int crm_customer_find_by_phone(crm_iter** out, crm_txn* txn, const char* phone, size_t len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    std::string key;
    if (int rc = Text(phone, len, "phone", &key); rc != CRM_OK) return rc;
    auto found = ReadOf(txn)->FindCustomersByPhone(key);
    if (!found.ok()) return Check(found.status());
    *out = FixedIter(txn, IterKind::kCustomer, [&](crm_iter& it) {
      for (crm::Customer& c : *found) it.customers.push_back(crm_customer{std::move(c)});
    });
    return CRM_OK;
  });
}

int crm_customer_find_by_domain(crm_iter** out, crm_txn* txn, const char* domain, size_t len) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    std::string key;
    if (int rc = Text(domain, len, "domain", &key); rc != CRM_OK) return rc;
    auto found = ReadOf(txn)->FindCustomersByDomain(key);
    if (!found.ok()) return Check(found.status());
    *out = FixedIter(txn, IterKind::kCustomer, [&](crm_iter& it) {
      for (crm::Customer& c : *found) it.customers.push_back(crm_customer{std::move(c)});
    });
    return CRM_OK;
  });
}

int crm_customer_query_init(crm_customer_query* q, unsigned int version) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (version != CRM_CUSTOMER_QUERY_VERSION) return Invalid("version: not a crm_customer_query version this library knows");
  *q = crm_customer_query CRM_CUSTOMER_QUERY_INIT;
  return CRM_OK;
}

namespace {

int ToQuery(const crm_customer_query* q, crm::CustomerQuery* out) {
  if (q == nullptr) return Invalid("q: is NULL");
  if (q->version < 1 || q->version > CRM_CUSTOMER_QUERY_VERSION)
    return Invalid("q.version: not a crm_customer_query version this library knows");
  if (q->by < CRM_BY_ALL || q->by > CRM_BY_COUNTRY) return Invalid("q.by: is not a CRM_BY_* value");
  out->by = static_cast<crm::CustomerQuery::By>(q->by);
  if (int rc = Text(q->text, q->text_len, "q.text", &out->text); rc != CRM_OK) return rc;
  if (q->by == CRM_BY_STAGE && (q->stage < CRM_STAGE_SUBSCRIBER || q->stage > CRM_STAGE_OTHER))
    return Invalid("q.stage: is not a CRM_STAGE_* value");
  out->stage = static_cast<crm::LifecycleStage>(q->stage);
  out->organization = q->organization;
  out->since = q->since;
  out->include_archived = q->include_archived != 0;
  out->limit = PageSize(q->page_size);
  return Text(q->page_token, q->page_token_len, "q.page_token", &out->page_token);
}

}  // namespace

int crm_customer_list(crm_iter** out, crm_txn* txn, const crm_customer_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = nullptr;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::CustomerQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    crm::ReadTxn* read = ReadOf(txn);
    std::string token = query.page_token;
    *out = NewIter(txn, IterKind::kCustomer, token, [read, query](crm_iter& it) mutable -> absl::Status {
      query.page_token = it.next_token;
      auto page = read->ListCustomers(query);
      if (!page.ok()) return page.status();
      for (crm::Customer& c : page->customers) it.customers.push_back(crm_customer{std::move(c)});
      it.next_token = page->next_page_token;
      it.exhausted = page->next_page_token.empty();
      return absl::OkStatus();
    });
    return CRM_OK;
  });
}

int crm_customer_count(uint64_t* out, crm_txn* txn, const crm_customer_query* q) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    crm::CustomerQuery query;
    if (int rc = ToQuery(q, &query); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountCustomers(query);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}
