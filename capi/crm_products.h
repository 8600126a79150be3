/*
 * crm_products.h - products and deals' line items of the libcrm C ABI (since 0.15). Included by
 * crm.h; the conventions of crm.h apply (field numbers carry their type, as for customers).
 *
 * A deal's lines name products of the catalog; a deal with lines has their totals' sum as its
 * amount (quantity x unit price less the discount, each rounded half away from zero to the minor
 * unit). Filters, sorts and groupings of opportunities read "product" (codes), "product.family"
 * and "product.id".
 */
#ifndef CRM_PRODUCTS_H
#define CRM_PRODUCTS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_product crm_product;
typedef struct crm_product_list crm_product_list;

/* Text fields of a product. */
#define CRM_PRODUCT_CODE 101        /* required; unique, case-insensitively */
#define CRM_PRODUCT_NAME 102        /* required */
#define CRM_PRODUCT_FAMILY 103      /* the product line ("GTX") */
#define CRM_PRODUCT_DESCRIPTION 104
/* Integer fields of a product. */
#define CRM_PRODUCT_ID 201         /* read-only */
#define CRM_PRODUCT_REVISION 202   /* set it to the revision an update is based on */
#define CRM_PRODUCT_CREATED_AT 203 /* kept on create in import mode only */
#define CRM_PRODUCT_UPDATED_AT 204
#define CRM_PRODUCT_ACTIVE 205     /* 0 or 1 (a new product: 1); no new line names an inactive one */

CRM_API int crm_product_new(crm_product** out);
CRM_API int crm_product_clone(crm_product** out, const crm_product* p);
CRM_API void crm_product_free(crm_product* p);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_product_text(const crm_product* p, int field, size_t* len);
CRM_API int crm_product_set_text(crm_product* p, int field, const char* s, size_t len);
CRM_API int crm_product_get_int(int64_t* out, const crm_product* p, int field);
CRM_API int64_t crm_product_int(const crm_product* p, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_product_set_int(crm_product* p, int field, int64_t value);
/* List prices, at most one per currency: the i-th (currency borrowed, NUL-terminated); setting
 * one replaces the price in that currency; CRM_ENOTFOUND past the last or for a currency it has
 * no price in. */
CRM_API size_t crm_product_price_count(const crm_product* p);
CRM_API int crm_product_price(const crm_product* p, size_t i, int64_t* minor_units, const char** currency);
CRM_API int crm_product_set_price(crm_product* p, const char* currency, int64_t minor_units);
CRM_API int crm_product_remove_price(crm_product* p, const char* currency);

/* Writes: the record is updated in place (id, revision, times). CRM_EEXISTS for a code another
 * product holds; CRM_ECONFLICT for a stale revision; CRM_EDEPENDENTS deleting a product a deal
 * has a line of (deactivate it instead). */
CRM_API int crm_product_create(crm_txn* txn, crm_product* p);
CRM_API int crm_product_update(crm_txn* txn, crm_product* p);
CRM_API int crm_product_delete(crm_txn* txn, uint64_t id);
/* Reads into a new record; CRM_ENOTFOUND when there is none. */
CRM_API int crm_product_get(crm_product** out, crm_txn* txn, uint64_t id);
CRM_API int crm_product_find_by_code(crm_product** out, crm_txn* txn, const char* code, size_t len);
/* How many deals have a line of the product. */
CRM_API int crm_product_deal_count(uint64_t* out, crm_txn* txn, uint64_t id);
/* Every product in id order (only the active ones when active_only is 1); the records are
 * borrowed until crm_product_list_free. */
CRM_API int crm_product_list_get(crm_product_list** out, crm_txn* txn, int active_only);
CRM_API size_t crm_product_list_size(const crm_product_list* l);
CRM_API const crm_product* crm_product_list_at(const crm_product_list* l, size_t i); /* NULL past the end */
CRM_API void crm_product_list_free(crm_product_list* l);

/* One line of a deal. Read with crm_opportunity_line (texts borrowed from the record); added with
 * crm_opportunity_add_line, where unit_currency NULL or "" takes the product's list price in the
 * deal's currency, and `total` is ignored (the store computes it). */
typedef struct crm_line_item {
  unsigned int version;        /* CRM_LINE_ITEM_VERSION */
  uint64_t product;
  int64_t quantity_milli;      /* thousandths of a unit: 1000 is one, 1500 one and a half */
  int64_t unit_price;          /* minor units of unit_currency */
  const char* unit_currency;   /* NUL-terminated ISO 4217 code */
  int32_t discount_bp;         /* basis points off the unit price, 0 to 10000 (1250: 12.5 %) */
  const char* description;
  size_t description_len;
  int64_t total;               /* minor units of the deal's currency (read only) */
} crm_line_item;
#define CRM_LINE_ITEM_VERSION 1
#define CRM_LINE_ITEM_INIT {CRM_LINE_ITEM_VERSION, 0, 1000, 0, NULL, 0, NULL, 0, 0}

CRM_API size_t crm_opportunity_line_count(const crm_opportunity* o);
/* Fills *out (whose version the caller sets); CRM_ENOTFOUND past the last line. */
CRM_API int crm_opportunity_line(const crm_opportunity* o, size_t i, crm_line_item* out);
CRM_API int crm_opportunity_add_line(crm_opportunity* o, const crm_line_item* line);
CRM_API int crm_opportunity_clear_lines(crm_opportunity* o);

#ifdef __cplusplus
}
#endif

#endif /* CRM_PRODUCTS_H */
