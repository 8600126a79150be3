/* The C ABI's products and line items (crm_products.h): the catalog, lines priced from it, the
 * derived amount, the product fields of searches and the product sales report. */
#include "capi_support.h"

static uint64_t make_product(crm_txn* txn, const char* code, const char* family, int64_t usd, int active) {
  crm_product* p = NULL;
  int64_t id = 0;
  CHECK(crm_product_new(&p) == CRM_OK);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_CODE, code, strlen(code)) == CRM_OK);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_NAME, code, strlen(code)) == CRM_OK);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_FAMILY, family, strlen(family)) == CRM_OK);
  CHECK(crm_product_set_price(p, "USD", usd) == CRM_OK);
  CHECK(crm_product_set_int(p, CRM_PRODUCT_ACTIVE, active) == CRM_OK);
  CHECK(crm_product_create(txn, p) == CRM_OK);
  CHECK(crm_product_get_int(&id, p, CRM_PRODUCT_ID) == CRM_OK && id > 0);
  crm_product_free(p);
  return (uint64_t)id;
}

static void test_catalog(void) {
  crm_db* db = open_db("products.crm");
  crm_txn* txn = NULL;
  crm_product* p = NULL;
  crm_product* found = NULL;
  crm_product_list* list = NULL;
  const char* text;
  const char* currency = NULL;
  size_t len = 0;
  int64_t minor = 0;
  uint64_t n = 0;
  uint64_t pro;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  pro = make_product(txn, "GTX-PRO", "GTX", 482100, 1);
  make_product(txn, "OLD", "GTX", 100, 0);
  CHECK(crm_product_find_by_code(&found, txn, S("gtx-pro")) == CRM_OK);
  text = crm_product_text(found, CRM_PRODUCT_FAMILY, &len);
  CHECK(len == 3 && memcmp(text, "GTX", 3) == 0);
  CHECK(crm_product_int(found, CRM_PRODUCT_ID) == (int64_t)pro);
  CHECK(crm_product_int(found, CRM_PRODUCT_ACTIVE) == 1);
  CHECK(crm_product_price_count(found) == 1);
  CHECK(crm_product_price(found, 0, &minor, &currency) == CRM_OK && minor == 482100 && strcmp(currency, "USD") == 0);
  CHECK(crm_product_price(found, 1, &minor, &currency) == CRM_ENOTFOUND);
  /* A second price in EUR, then the USD one changed: one price per currency. */
  CHECK(crm_product_set_price(found, "EUR", 445000) == CRM_OK);
  CHECK(crm_product_set_price(found, "USD", 480000) == CRM_OK);
  CHECK(crm_product_price_count(found) == 2);
  CHECK(crm_product_update(txn, found) == CRM_OK);
  CHECK(crm_product_int(found, CRM_PRODUCT_REVISION) == 2);
  CHECK(crm_product_remove_price(found, "GBP") == CRM_ENOTFOUND);
  CHECK(crm_product_remove_price(found, "EUR") == CRM_OK && crm_product_price_count(found) == 1);
  CHECK(crm_product_remove_price(found, NULL) == CRM_EINVALID);
  /* Refusals name the field. */
  CHECK(crm_product_new(&p) == CRM_OK);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_CODE, S("gtx-PRO")) == CRM_OK);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_NAME, S("copy")) == CRM_OK);
  CHECK(crm_product_create(txn, p) == CRM_EEXISTS);
  CHECK(strstr(crm_errmsg(), "code") != NULL);
  CHECK(crm_product_set_text(p, CRM_PRODUCT_CODE, S("NEW")) == CRM_OK);
  CHECK(crm_product_set_price(p, "XXY", 5) == CRM_OK);
  CHECK(crm_product_create(txn, p) == CRM_EINVALID);
  CHECK(strstr(crm_errmsg(), "prices[0].currency") != NULL);
  CHECK(crm_product_set_int(p, CRM_PRODUCT_ID, 5) == CRM_EINVALID);
  CHECK(crm_product_set_int(p, CRM_PRODUCT_ACTIVE, 2) == CRM_EINVALID);
  CHECK(crm_product_text(p, CRM_PRODUCT_ID, &len) == NULL && len == 0);
  crm_product_free(p);
  CHECK(crm_product_list_get(&list, txn, 0) == CRM_OK && crm_product_list_size(list) == 2);
  crm_product_list_free(list);
  CHECK(crm_product_list_get(&list, txn, 1) == CRM_OK && crm_product_list_size(list) == 1);
  CHECK(crm_product_list_at(list, 1) == NULL);
  CHECK(crm_product_int(crm_product_list_at(list, 0), CRM_PRODUCT_ID) == (int64_t)pro);
  crm_product_list_free(list);
  CHECK(crm_product_deal_count(&n, txn, pro) == CRM_OK && n == 0);
  CHECK(crm_product_get(&p, txn, 999) == CRM_ENOTFOUND && p == NULL);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_product_free(found);
  crm_db_close(db);
}


static void test_lines_and_report(void) {
  crm_db* db = open_db("lines.crm");
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* won = NULL;
  crm_iter* it = NULL;
  crm_report* r = NULL;
  crm_search s = CRM_SEARCH_INIT;
  crm_sales_query q = CRM_SALES_QUERY_INIT;
  crm_line_item line = CRM_LINE_ITEM_INIT;
  crm_line_item read = CRM_LINE_ITEM_INIT;
  uint64_t n = 0, pro, setup, old;
  int64_t v = 0;
  size_t len = 0;
  const char* text;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  /* The scoring model may read the products and their families. */
  CHECK(crm_scoring_set(txn, S("product,product.family"), 1) == CRM_OK);
  CHECK(crm_scoring_set(txn, S("product.code"), 1) == CRM_EINVALID);
  CHECK(strstr(crm_errmsg(), "product.family") != NULL);
  pro = make_product(txn, "GTX-PRO", "GTX", 482100, 1);
  setup = make_product(txn, "SETUP", "Services", 1999, 1);
  old = make_product(txn, "OLD", "GTX", 100, 0);
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Deal")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, S("ann")) == CRM_OK);
  /* Two units at list price; 1.5 hours of setup at 12.5 % off: 19.99 x 1.5 x 0.875 = 26.24. */
  line.product = pro;
  line.quantity_milli = 2000;
  CHECK(crm_opportunity_add_line(o, &line) == CRM_OK);
  line.product = setup;
  line.quantity_milli = 1500;
  line.discount_bp = 1250;
  line.description = "on site";
  line.description_len = 7;
  CHECK(crm_opportunity_add_line(o, &line) == CRM_OK);
  CHECK(crm_opportunity_line_count(o) == 2);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_AMOUNT) == 964200 + 2624);
  text = crm_opportunity_text(o, CRM_OPPORTUNITY_CURRENCY, &len);
  CHECK(len == 3 && memcmp(text, "USD", 3) == 0);
  CHECK(crm_opportunity_line(o, 1, &read) == CRM_OK);
  CHECK(read.product == setup && read.quantity_milli == 1500 && read.unit_price == 1999 && read.discount_bp == 1250);
  CHECK(strcmp(read.unit_currency, "USD") == 0 && read.total == 2624);
  CHECK(read.description_len == 7 && memcmp(read.description, "on site", 7) == 0);
  CHECK(crm_opportunity_line(o, 2, &read) == CRM_ENOTFOUND);
  read.version = 99;
  CHECK(crm_opportunity_line(o, 0, &read) == CRM_EINVALID);
  CHECK(crm_product_deal_count(&n, txn, pro) == CRM_OK && n == 1);
  CHECK(crm_product_delete(txn, pro) == CRM_EDEPENDENTS);
  CHECK(crm_opportunity_close_won(&won, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
  crm_opportunity_free(won);
  /* A line of an inactive product, or a price without a currency, is refused by name. */
  CHECK(crm_opportunity_clear_lines(o) == CRM_OK && crm_opportunity_line_count(o) == 0);
  line.product = old;
  line.description = NULL;
  line.description_len = 0;
  CHECK(crm_opportunity_add_line(o, &line) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_EINVALID);
  CHECK(strstr(crm_errmsg(), "lines[0].product") != NULL && strstr(crm_errmsg(), "inactive") != NULL);
  line.unit_price = 5;
  CHECK(crm_opportunity_add_line(o, &line) == CRM_EINVALID);
  line.version = 2;
  CHECK(crm_opportunity_add_line(o, &line) == CRM_EINVALID);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  s.filter = "product.family = 'services'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_OPPORTUNITY, &s) == CRM_OK && n == 1);
  s.filter = "product = 'OLD'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_OPPORTUNITY, &s) == CRM_OK && n == 0);
  CHECK(crm_report_run(&r, txn, CRM_REPORT_PRODUCTS, &q) == CRM_OK);
  CHECK(crm_report_rows(r) == 2);
  text = crm_report_text(r, 0, column(r, "code"), &len);
  CHECK(len == 7 && memcmp(text, "GTX-PRO", 7) == 0);
  CHECK(crm_report_int(&v, r, 0, column(r, "won")) == CRM_OK && v == 1);
  CHECK(crm_report_int(&v, r, 0, column(r, "won_amount")) == CRM_OK && v == 964200);
  CHECK(crm_report_int(&v, r, 1, column(r, "won_amount")) == CRM_OK && v == 2624);
  CHECK(crm_report_column_type(r, column(r, "won_quantity")) == CRM_COLUMN_REAL);
  crm_report_free(r);
  CHECK(crm_report_run(&r, txn, 10, &q) == CRM_EINVALID && r == NULL);
  crm_iter_free(it);
  crm_txn_free(txn);
  crm_opportunity_free(o);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_catalog();
  test_lines_and_report();
  return finish();
}
