// The C ABI: products and deals' line items (crm_products.h).
#include <cstring>

#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_product {
  crm::Product v;
};
struct crm_product_list {
  std::vector<crm_product> v;
};

namespace {

const FieldSet kProductFields{"a product", "crm_product", 4, 5, {CRM_PRODUCT_ID}};

std::string* ProductText(crm::Product& p, int field) {
  switch (field) {
    case CRM_PRODUCT_CODE: return &p.code;
    case CRM_PRODUCT_NAME: return &p.name;
    case CRM_PRODUCT_FAMILY: return &p.family;
    default: return &p.description;
  }
}

int64_t ProductInt(const crm::Product& p, int field) {
  switch (field) {
    case CRM_PRODUCT_ID: return static_cast<int64_t>(p.id);
    case CRM_PRODUCT_REVISION: return static_cast<int64_t>(p.revision);
    case CRM_PRODUCT_CREATED_AT: return p.created_at;
    case CRM_PRODUCT_UPDATED_AT: return p.updated_at;
    default: return p.active ? 1 : 0;
  }
}

// A currency code argument: NUL-terminated, not NULL.
int CurrencyArg(const char* currency, std::string* out) {
  if (currency == nullptr) return Invalid("currency: is NULL");
  *out = currency;
  return CRM_OK;
}

}  // namespace

int crm_product_new(crm_product** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, crm::Product{});
  });
}
int crm_product_clone(crm_product** out, const crm_product* p) {
  return Guard([&] { return Clone(out, p); });
}
void crm_product_free(crm_product* p) { delete p; }

const char* crm_product_text(const crm_product* p, int field, size_t* len) {
  return TextOf(kProductFields, p, field, len, [&](const crm::Product& v) -> const std::string& {
    return *ProductText(const_cast<crm::Product&>(v), field);
  });
}

int crm_product_set_text(crm_product* p, int field, const char* s, size_t len) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    if (int rc = CheckField(kProductFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", ProductText(p->v, field));
  });
}

int crm_product_get_int(int64_t* out, const crm_product* p, int field) {
  return IntOf(out, kProductFields, p, field, ProductInt);
}
int64_t crm_product_int(const crm_product* p, int field) { return IntOrZero(kProductFields, p, field, ProductInt); }

int crm_product_set_int(crm_product* p, int field, int64_t value) {
  if (p == nullptr) return Invalid("p: is NULL");
  if (int rc = CheckField(kProductFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Product& v = p->v;
  switch (field) {
    case CRM_PRODUCT_REVISION:
      if (value < 0) return Invalid("revision: must not be negative");
      v.revision = static_cast<uint64_t>(value);
      return CRM_OK;
    case CRM_PRODUCT_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_PRODUCT_UPDATED_AT: v.updated_at = value; return CRM_OK;
    default:
      if (value != 0 && value != 1) return Invalid("active: must be 0 or 1");
      v.active = value == 1;
      return CRM_OK;
  }
}

size_t crm_product_price_count(const crm_product* p) { return p == nullptr ? 0 : p->v.prices.size(); }

int crm_product_price(const crm_product* p, size_t i, int64_t* minor_units, const char** currency) {
  if (p == nullptr) return Invalid("p: is NULL");
  if (i >= p->v.prices.size()) return Fail(CRM_ENOTFOUND, "i: past the last price");
  Set<int64_t>(minor_units, p->v.prices[i].minor_units);
  if (currency != nullptr) *currency = p->v.prices[i].currency.c_str();
  return CRM_OK;
}

int crm_product_set_price(crm_product* p, const char* currency, int64_t minor_units) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    std::string code;
    if (int rc = CurrencyArg(currency, &code); rc != CRM_OK) return rc;
    for (crm::Money& m : p->v.prices)
      if (m.currency == code) {
        m.minor_units = minor_units;
        return CRM_OK;
      }
    p->v.prices.push_back(crm::Money{minor_units, std::move(code)});
    return CRM_OK;
  });
}

int crm_product_remove_price(crm_product* p, const char* currency) {
  return Guard([&] {
    if (p == nullptr) return Invalid("p: is NULL");
    std::string code;
    if (int rc = CurrencyArg(currency, &code); rc != CRM_OK) return rc;
    auto& prices = p->v.prices;
    for (auto it = prices.begin(); it != prices.end(); ++it)
      if (it->currency == code) {
        prices.erase(it);
        return CRM_OK;
      }
    return Fail(CRM_ENOTFOUND, "currency: the product has no price in it");
  });
}

int crm_product_create(crm_txn* txn, crm_product* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Product>(txn, p, [&](crm::WriteTxn& t) { return t.CreateProduct(p->v); });
}

int crm_product_update(crm_txn* txn, crm_product* p) {
  if (p == nullptr) return Invalid("p: is NULL");
  return WriteInto<crm::Product>(txn, p, [&](crm::WriteTxn& t) { return t.UpdateProduct(p->v); });
}

int crm_product_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteProduct(id); });
}

int crm_product_get(crm_product** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Product>(out, txn, [&](crm::ReadTxn& t) { return t.GetProduct(id); });
}

int crm_product_find_by_code(crm_product** out, crm_txn* txn, const char* code, size_t len) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    std::string key;
    if (int rc = Text(code, len, "code", &key); rc != CRM_OK) return rc;
    return ReadOut<crm::Product>(out, txn, [&](crm::ReadTxn& t) { return t.FindProductByCode(key); });
  });
}

int crm_product_deal_count(uint64_t* out, crm_txn* txn, uint64_t id) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    *out = 0;
    if (int rc = NeedTxn(txn); rc != CRM_OK) return rc;
    auto n = ReadOf(txn)->CountDealsWithProduct(id);
    if (!n.ok()) return Check(n.status());
    *out = *n;
    return CRM_OK;
  });
}

int crm_product_list_get(crm_product_list** out, crm_txn* txn, int active_only) {
  return ListOut<crm_product_list, crm::Product>(out, txn,
                                                 [&](crm::ReadTxn& t) { return t.ListProducts(active_only != 0); });
}
size_t crm_product_list_size(const crm_product_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_product* crm_product_list_at(const crm_product_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last product (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_product_list_free(crm_product_list* l) { delete l; }

// ---- line items ----

size_t crm_opportunity_line_count(const crm_opportunity* o) { return o == nullptr ? 0 : o->v.lines.size(); }

int crm_opportunity_line(const crm_opportunity* o, size_t i, crm_line_item* out) {
  if (o == nullptr) return Invalid("o: is NULL");
  if (out == nullptr) return Invalid("out: is NULL");
  if (out->version != CRM_LINE_ITEM_VERSION) return Invalid("out->version: not a crm_line_item version this library knows");
  if (i >= o->v.lines.size()) return Fail(CRM_ENOTFOUND, "i: past the last line");
  const crm::LineItem& l = o->v.lines[i];
  out->product = l.product;
  out->quantity_milli = l.quantity_milli;
  out->unit_price = l.unit_price.minor_units;
  out->unit_currency = l.unit_price.currency.c_str();
  out->discount_bp = l.discount_bp;
  out->description = l.description.c_str();
  out->description_len = l.description.size();
  out->total = l.total.minor_units;
  return CRM_OK;
}

int crm_opportunity_add_line(crm_opportunity* o, const crm_line_item* line) {
  return Guard([&] {
    if (o == nullptr) return Invalid("o: is NULL");
    if (line == nullptr) return Invalid("line: is NULL");
    if (line->version != CRM_LINE_ITEM_VERSION)
      return Invalid("line->version: not a crm_line_item version this library knows");
    crm::LineItem l;
    l.product = line->product;
    l.quantity_milli = line->quantity_milli;
    if (line->unit_currency != nullptr && line->unit_currency[0] != '\0')
      l.unit_price = crm::Money{line->unit_price, line->unit_currency};
    else if (line->unit_price != 0)
      return Invalid("line->unit_currency: a unit price needs its currency");
    l.discount_bp = line->discount_bp;
    if (int rc = Text(line->description, line->description_len, "description", &l.description); rc != CRM_OK) return rc;
    o->v.lines.push_back(std::move(l));
    return CRM_OK;
  });
}

int crm_opportunity_clear_lines(crm_opportunity* o) {
  if (o == nullptr) return Invalid("o: is NULL");
  o->v.lines.clear();
  return CRM_OK;
}
