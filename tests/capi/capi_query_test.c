/* The C ABI's searches, counts, plans and aggregates (crm_query.h). */
#include "capi_support.h"

static uint64_t customer_in(crm_db* db, const char* family, const char* country, const char* tag, int stage) {
  crm_customer* c = person("P", family, NULL);
  uint64_t id;
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_COUNTRY, country, strlen(country)) == CRM_OK);
  if (tag != NULL) CHECK(crm_customer_add_tag(c, tag, strlen(tag)) == CRM_OK);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_STAGE, stage) == CRM_OK);
  id = create(db, c);
  crm_customer_free(c);
  return id;
}

static void deal(crm_db* db, uint64_t customer, const char* owner, int64_t cents, const char* currency, int won) {
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* closed = NULL;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Deal")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, owner, strlen(owner)) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, currency, strlen(currency)) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, cents) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_CUSTOMER, (int64_t)customer) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  if (won) CHECK(crm_opportunity_close_won(&closed, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_opportunity_free(closed);
  crm_opportunity_free(o);
  crm_txn_free(txn);
}

static void test_search_count_explain(void) {
  crm_db* db = open_db("search.crm");
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_search s = CRM_SEARCH_INIT;
  crm_search unversioned;
  uint64_t n = 0, want[3];
  size_t got = 0, len = 0;
  char* plan = NULL;
  int full = -1;
  want[0] = customer_in(db, "Zeta", "DE", "vip", CRM_STAGE_CUSTOMER);
  customer_in(db, "Alpha", "DE", NULL, CRM_STAGE_CUSTOMER);
  want[2] = customer_in(db, "Beta", "de", "VIP", CRM_STAGE_CUSTOMER);
  customer_in(db, "Gamma", "FR", "vip", CRM_STAGE_CUSTOMER);
  want[1] = customer_in(db, "Eta", "DE", "vip", CRM_STAGE_CUSTOMER);
  customer_in(db, "Delta", "DE", "vip", CRM_STAGE_LEAD);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);

  s.filter = "stage = 'customer' and country = 'DE' and tag = 'vip'";
  s.filter_len = strlen(s.filter);
  s.order_by = "family_name";
  s.order_by_len = strlen(s.order_by);
  s.descending = 1;
  s.page_size = 2; /* three matches over two pages */
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK && n == 3);
  CHECK(crm_customer_search(&it, txn, &s) == CRM_OK);
  while (crm_iter_next(it) == CRM_OK) {
    const crm_customer* c = crm_iter_customer(it);
    CHECK(got < 3 && (uint64_t)crm_customer_int(c, CRM_CUSTOMER_ID) == want[got]);
    ++got;
  }
  CHECK(got == 3);
  crm_iter_free(it);

  CHECK(crm_search_explain(&plan, &len, &full, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK);
  CHECK(plan != NULL && strlen(plan) == len && strstr(plan, "tag = 'vip'") != NULL && full == 0);
  crm_free(plan);

  s.filter = "stage = 'customer' and";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_EINVALID && errmsg_has("filter: at 23"));
  s.filter = "contry = 'DE'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_customer_search(&it, txn, &s) == CRM_OK); /* errors come with the first page */
  CHECK(crm_iter_next(it) == CRM_EINVALID && errmsg_has("field 'contry'"));
  crm_iter_free(it);
  s.filter = NULL;
  s.filter_len = 0;
  s.page_size = 5000;
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_EINVALID && errmsg_has("s.page_size"));
  s.page_size = 0;
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_PIPELINE, &s) == CRM_EINVALID && errmsg_has("entity"));
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, NULL) == CRM_EINVALID);
  CHECK(crm_search_init(&unversioned, CRM_SEARCH_VERSION) == CRM_OK && unversioned.version == CRM_SEARCH_VERSION);
  unversioned.version = 99;
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &unversioned) == CRM_EINVALID && errmsg_has("CRM_SEARCH_INIT"));
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK && n == 6);
  crm_txn_free(txn);
  CHECK(crm_search_count(&n, NULL, CRM_ENTITY_CUSTOMER, &s) == CRM_EINVALID);
  crm_db_close(db);
}

static void test_aggregate(void) {
  crm_db* db = open_db("aggregate.crm");
  crm_txn* txn = NULL;
  crm_aggregate* r = NULL;
  crm_aggregation a = CRM_AGGREGATION_INIT;
  const char* text;
  size_t len = 0;
  int64_t value = 0, key = 0;
  uint64_t count = 0;
  double avg = 0;
  uint64_t acme = customer_in(db, "Acme", "DE", NULL, CRM_STAGE_CUSTOMER);
  deal(db, acme, "ann", 1000, "EUR", 1);
  deal(db, acme, "ann", 2500, "EUR", 1);
  deal(db, acme, "ann", 700, "USD", 1);
  deal(db, acme, "bob", 999, "EUR", 0);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  a.filter = "status = 'won'";
  a.filter_len = strlen(a.filter);
  a.group_by = "owner, stage";
  a.group_by_len = strlen(a.group_by);
  a.measures = "sum(amount), avg(amount)";
  a.measures_len = strlen(a.measures);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, &a) == CRM_OK);
  CHECK(crm_aggregate_rows(r) == 2 && crm_aggregate_key_count(r) == 2 && crm_aggregate_measure_count(r) == 2);
  text = crm_aggregate_key(r, 0, 0, &len);
  CHECK(text != NULL && len == 3 && strcmp(text, "ann") == 0);
  CHECK(strcmp(crm_aggregate_key(r, 0, 1, NULL), "Closed won") == 0);
  CHECK(crm_aggregate_key_int(&key, r, 0, 1) == CRM_OK && key == 5);
  CHECK(crm_aggregate_key_int(&key, r, 0, 0) == CRM_EINVALID);
  CHECK(strcmp(crm_aggregate_currency(r, 0, &len), "EUR") == 0 && len == 3);
  CHECK(crm_aggregate_value(&value, &count, &avg, r, 0, 0) == CRM_OK && value == 3500 && count == 2);
  CHECK(crm_aggregate_value(NULL, NULL, &avg, r, 0, 1) == CRM_OK && avg == 1750.0);
  CHECK(strcmp(crm_aggregate_currency(r, 1, NULL), "USD") == 0);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 1, 0) == CRM_OK && value == 700);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 2, 0) == CRM_EINVALID);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 0, 2) == CRM_EINVALID);
  CHECK(crm_aggregate_key(r, 0, 2, &len) == NULL && len == 0);
  CHECK(crm_aggregate_key(NULL, 0, 0, NULL) == NULL && crm_aggregate_rows(NULL) == 0);
  crm_aggregate_free(r);
  r = NULL;

  a.filter = NULL;
  a.filter_len = 0;
  a.group_by = "year(closed_at)";
  a.group_by_len = strlen(a.group_by);
  a.measures = NULL;
  a.measures_len = 0;
  a.time_zone = "Europe/Berlin";
  a.time_zone_len = strlen(a.time_zone);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, &a) == CRM_OK);
  CHECK(crm_aggregate_rows(r) == 2); /* the open deal (no closed_at), then this year's */
  CHECK(crm_aggregate_key(r, 0, 0, NULL) == NULL && crm_aggregate_key_int(&key, r, 0, 0) == CRM_ENOTFOUND);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 0, 0) == CRM_OK && value == 1);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 1, 0) == CRM_OK && value == 3);
  crm_aggregate_free(r);
  r = NULL;

  a.time_zone = "Nowhere/Town";
  a.time_zone_len = strlen(a.time_zone);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, &a) == CRM_EINVALID && errmsg_has("time_zone") && r == NULL);
  a.time_zone = NULL;
  a.time_zone_len = 0;
  a.measures = "total(amount)";
  a.measures_len = strlen(a.measures);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, &a) == CRM_EINVALID && errmsg_has("measures: at 1"));
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, NULL) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_deal_without_customer_or_amount(void) {
  crm_db* db = open_db("lead.crm");
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_search s = CRM_SEARCH_INIT;
  uint64_t n = 0;
  size_t len = 1;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Inbound")) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_CUSTOMER) == 0);
  CHECK(crm_opportunity_text(o, CRM_OPPORTUNITY_CURRENCY, &len) != NULL && len == 0);
  s.filter = "customer is empty and amount is empty";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_OPPORTUNITY, &s) == CRM_OK && n == 1);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 100) == CRM_OK);
  CHECK(crm_opportunity_update(txn, o) == CRM_EINVALID && errmsg_has("amount.currency: an amount needs its currency"));
  crm_txn_free(txn);
  crm_opportunity_free(o);
  crm_db_close(db);
}

/* Import mode keeps a deal's engage and close dates: its sales cycle survives the migration. */
static void test_import_keeps_history(void) {
  crm_db* db = open_db("import.crm");
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_iter* it = NULL;
  const int64_t day = 86400000000LL, engaged = 1476921600000000LL; /* 2016-10-20 */
  int imported = 0, changes = 0;
  uint32_t from = 9, to = 9;
  int64_t at = 0;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("1C1I7A6R")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("USD")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 105400) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_CREATED_AT, engaged) == CRM_OK);
  CHECK(crm_opportunity_add_history(o, 0, 2, engaged, NULL, 0, 0, -1) == CRM_OK);        /* Qualification */
  CHECK(crm_opportunity_add_history(o, 2, 5, engaged + 132 * day, S("moses"), 0, -1) == CRM_OK); /* Closed won */
  CHECK(crm_txn_begin_import(&txn, db, S("migration")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_STAGE) == 5);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_CREATED_AT) == engaged);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_CLOSED_AT) - crm_opportunity_int(o, CRM_OPPORTUNITY_CREATED_AT) == 132 * day);
  CHECK(crm_opportunity_history_count(o) == 2);
  CHECK(crm_opportunity_history(o, 1, &from, &to, &at, NULL, NULL, NULL, NULL) == CRM_OK && from == 2 && to == 5);
  CHECK(at == engaged + 132 * day);
  CHECK(crm_changes(&it, txn, 1) == CRM_OK);
  while (crm_iter_next(it) == CRM_OK) { /* the default pipeline's creation, then the import */
    ++changes;
    imported += crm_change_imported(crm_iter_change(it));
  }
  CHECK(changes == 2 && imported == 1);
  crm_iter_free(it);
  /* A history that does not hold together is refused, naming the entry. */
  CHECK(crm_opportunity_clear_history(o) == CRM_OK);
  CHECK(crm_opportunity_add_history(o, 0, 2, engaged, NULL, 0, 0, -1) == CRM_OK);
  CHECK(crm_opportunity_add_history(o, 3, 5, engaged + day, NULL, 0, 0, -1) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_EINVALID && errmsg_has("history[1].from"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_change_imported(NULL) == 0);
  crm_opportunity_free(o);
  crm_db_close(db);
}

/* Custom fields and upserts by external id on opportunities and interactions. */
static void test_upsert_and_custom_fields(void) {
  crm_db* db = open_db("upsert.crm");
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* found = NULL;
  crm_interaction* i = NULL;
  crm_interaction* got = NULL;
  crm_search s = CRM_SEARCH_INIT;
  const char* name = NULL;
  const char* text = NULL;
  size_t len = 0;
  int type = 0;
  int64_t number = 0;
  uint64_t n = 0, acme = customer_in(db, "Acme", "DE", NULL, CRM_STAGE_CUSTOMER);
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Boots")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_EXTERNAL_ID, S("SF-006")) == CRM_OK);
  CHECK(crm_opportunity_set_custom(o, S("product"), CRM_VALUE_TEXT, 0, S("GTX Pro")) == CRM_OK);
  CHECK(crm_opportunity_set_custom(o, S("list_price"), CRM_VALUE_MONEY, 482100, S("USD")) == CRM_OK);
  CHECK(crm_opportunity_set_custom(o, S("9x"), CRM_VALUE_INT, 1, NULL, 0) == CRM_OK); /* refused on write */
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_opportunity_upsert(txn, o) == CRM_EINVALID && errmsg_has("custom field name must start with a letter"));
  CHECK(crm_opportunity_remove_custom(o, S("9x")) == CRM_OK);
  CHECK(crm_opportunity_remove_custom(o, S("9x")) == CRM_ENOTFOUND);
  CHECK(crm_opportunity_upsert(txn, o) == CRM_OK);
  CHECK(crm_opportunity_set_custom(o, S("product"), CRM_VALUE_TEXT, 0, S("GTX Plus")) == CRM_OK);
  CHECK(crm_opportunity_upsert(txn, o) == CRM_OK && crm_opportunity_int(o, CRM_OPPORTUNITY_REVISION) == 2);
  CHECK(crm_opportunity_find_by_external_id(&found, txn, S("SF-006")) == CRM_OK);
  CHECK(crm_opportunity_custom_count(found) == 2);
  CHECK(crm_opportunity_custom_field(found, 0, &name, &len, &type) == CRM_OK && type == CRM_VALUE_MONEY);
  CHECK(len == 10 && memcmp(name, "list_price", 10) == 0);
  CHECK(crm_opportunity_custom_value(found, 0, &number, &text, &len) == CRM_OK && number == 482100 && len == 3);
  CHECK(crm_opportunity_custom_value(found, 1, NULL, &text, &len) == CRM_OK && len == 8 && memcmp(text, "GTX Plus", 8) == 0);
  CHECK(crm_opportunity_custom_value(found, 2, NULL, NULL, NULL) == CRM_ENOTFOUND);
  crm_opportunity_free(found);
  CHECK(crm_opportunity_find_by_external_id(&found, txn, S("SF-404")) == CRM_ENOTFOUND && found == NULL);
  s.filter = "custom.product prefix 'gtx' and custom.list_price >= 4821 USD";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_OPPORTUNITY, &s) == CRM_OK && n == 1);

  CHECK(crm_interaction_new(&i) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_CUSTOMER, (int64_t)acme) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_KIND, CRM_KIND_CALL) == CRM_OK);
  CHECK(crm_interaction_set_text(i, CRM_INTERACTION_EXTERNAL_ID, S("CALL-1")) == CRM_OK);
  CHECK(crm_interaction_set_custom(i, S("billable"), CRM_VALUE_BOOL, 1, NULL, 0) == CRM_OK);
  CHECK(crm_interaction_upsert(txn, i) == CRM_OK && crm_interaction_upsert(txn, i) == CRM_OK);
  CHECK(crm_interaction_find_by_external_id(&got, txn, S("CALL-1")) == CRM_OK);
  CHECK(crm_interaction_custom_count(got) == 1 && crm_interaction_int(got, CRM_INTERACTION_REVISION) == 2);
  CHECK(crm_interaction_custom_field(got, 0, &name, &len, &type) == CRM_OK && type == CRM_VALUE_BOOL);
  CHECK(crm_interaction_custom_value(got, 0, &number, NULL, NULL) == CRM_OK && number == 1);
  CHECK(crm_interaction_remove_custom(i, S("billable")) == CRM_OK && crm_interaction_custom_count(i) == 0);
  CHECK(crm_interaction_set_custom(NULL, S("x"), CRM_VALUE_BOOL, 1, NULL, 0) == CRM_EINVALID);
  CHECK(crm_interaction_set_custom(i, S("x"), 42, 1, NULL, 0) == CRM_EINVALID && errmsg_has("CRM_VALUE_"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_interaction_free(got);
  crm_interaction_free(i);
  crm_opportunity_free(found);
  crm_opportunity_free(o);
  crm_db_close(db);
}

/* A patch changes only the fields it names; +tags adds. */
static void test_patch(void) {
  crm_db* db = open_db("patch.crm");
  crm_txn* txn = NULL;
  crm_customer* c = person("Ann", "Lee", "ann@acme.example");
  crm_customer* in = NULL;
  size_t len = 0;
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_EXTERNAL_ID, S("HS-1")) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_OWNER, S("maria")) == CRM_OK);
  CHECK(crm_customer_add_tag(c, S("vip")) == CRM_OK);
  create(db, c);
  CHECK(crm_customer_new(&in) == CRM_OK);
  CHECK(crm_customer_set_text(in, CRM_CUSTOMER_EXTERNAL_ID, S("HS-1")) == CRM_OK);
  CHECK(crm_customer_add_tag(in, S("newsletter")) == CRM_OK);
  CHECK(crm_customer_set_text(in, CRM_CUSTOMER_CITY, S("Boston")) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_customer_patch(txn, in, S("+tags, address.city")) == CRM_OK);
  CHECK(crm_customer_tag_count(in) == 2 && crm_customer_email_count(in) == 1);
  CHECK(strcmp(crm_customer_text(in, CRM_CUSTOMER_OWNER, &len), "maria") == 0 && len == 5);
  CHECK(strcmp(crm_customer_text(in, CRM_CUSTOMER_CITY, NULL), "Boston") == 0);
  CHECK(crm_customer_patch(txn, in, S("ownr")) == CRM_EINVALID && errmsg_has("'ownr' is not a field a patch sets"));
  CHECK(crm_customer_patch(txn, in, S(" ")) == CRM_EINVALID && errmsg_has("fields"));
  CHECK(crm_customer_patch(txn, NULL, S("owner")) == CRM_EINVALID);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_customer_free(in);
  crm_customer_free(c);
  crm_db_close(db);
}

/* Organizations' B2B fields, domains and hierarchy. */
static void test_b2b_fields(void) {
  crm_db* db = open_db("b2b.crm");
  crm_txn* txn = NULL;
  crm_customer* org = NULL;
  crm_customer* sub = NULL;
  crm_iter* it = NULL;
  size_t len = 0;
  uint64_t group;
  CHECK(crm_customer_new(&org) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_KIND, CRM_ORGANIZATION) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_DISPLAY_NAME, S("Group")) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_WEBSITE, S("https://www.Group.example/")) == CRM_OK);
  CHECK(crm_customer_add_domain(org, S("group.test")) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_INDUSTRY, S("holding")) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_REVENUE_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_ANNUAL_REVENUE, 500000000) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_EMPLOYEES, 120) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_ACCOUNT_TYPE, CRM_ACCOUNT_PARTNER) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_ACCOUNT_TYPE, 9) == CRM_EINVALID && errmsg_has("CRM_ACCOUNT_"));
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_EMPLOYEES, -1) == CRM_EINVALID);
  group = create(db, org);
  CHECK(group != 0 && crm_customer_domain_count(org) == 2);
  CHECK(strcmp(crm_customer_domain(org, 0, &len), "group.example") == 0 && len == 13);
  CHECK(strcmp(crm_customer_domain(org, 9, &len), "") == 0 && len == 0);
  CHECK(crm_customer_clone(&sub, org) == CRM_OK);
  CHECK(crm_customer_clear(sub, CRM_LIST_DOMAINS) == CRM_OK && crm_customer_domain_count(sub) == 0);
  CHECK(crm_customer_set_text(sub, CRM_CUSTOMER_WEBSITE, NULL, 0) == CRM_OK);
  CHECK(crm_customer_set_text(sub, CRM_CUSTOMER_DISPLAY_NAME, S("Subsidiary")) == CRM_OK);
  CHECK(crm_customer_set_int(sub, CRM_CUSTOMER_PARENT, (int64_t)group) == CRM_OK);
  CHECK(create(db, sub) != 0);
  CHECK(crm_customer_int(sub, CRM_CUSTOMER_PARENT) == (int64_t)group);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_domain(&it, txn, S("ceo@GROUP.test")) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK && (uint64_t)crm_customer_int(crm_iter_customer(it), CRM_CUSTOMER_ID) == group);
  CHECK(crm_iter_next(it) == CRM_ITEROVER);
  crm_iter_free(it);
  CHECK(crm_customer_find_by_domain(&it, txn, S("nodot")) == CRM_EINVALID && it == NULL);
  crm_txn_free(txn);
  crm_customer_free(sub);
  crm_customer_free(org);
  crm_db_close(db);
}

static void test_declared_index(void) {
  crm_db* db = open_db("declared.crm");
  crm_txn* txn = NULL;
  crm_index_list* list = NULL;
  crm_search s = CRM_SEARCH_INIT;
  uint64_t n = 0, entries = 0;
  char* plan = NULL;
  const char* field = NULL;
  size_t len = 0;
  int full = -1, entity = 0;
  const char* cities[3] = {"Berlin", "berlin", "Paris"};
  for (int i = 0; i < 3; ++i) {
    crm_customer* c = person("P", cities[i], NULL);
    CHECK(crm_customer_set_text(c, CRM_CUSTOMER_CITY, cities[i], strlen(cities[i])) == CRM_OK);
    if (i == 2) CHECK(crm_customer_set_custom(c, S("region"), CRM_VALUE_TEXT, 0, S("emea")) == CRM_OK);
    create(db, c);
    crm_customer_free(c);
  }
  s.filter = "custom.region = 'EMEA' or address.city = 'BERLIN'";
  s.filter_len = strlen(s.filter);

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("city")) == CRM_OK);
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("custom.region")) == CRM_OK);
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("city")) == CRM_OK); /* once is enough */
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("tag")) == CRM_EINVALID && errmsg_has("an index of its own"));
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("citty")) == CRM_EINVALID && errmsg_has("field 'citty'"));
  CHECK(crm_index_declare(txn, CRM_ENTITY_PIPELINE, S("name")) == CRM_EINVALID && errmsg_has("entity"));
  CHECK(crm_index_drop(txn, CRM_ENTITY_OPPORTUNITY, S("title")) == CRM_ENOTFOUND);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_index_declare(txn, CRM_ENTITY_CUSTOMER, S("industry")) == CRM_EINVALID && errmsg_has("write transaction"));
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK && n == 3);
  CHECK(crm_search_explain(&plan, &len, &full, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK);
  CHECK(strstr(plan, "address.city = 'BERLIN' [declared]") != NULL && full == 0);
  crm_free(plan);
  CHECK(crm_index_list_get(&list, txn) == CRM_OK && crm_index_list_size(list) == 2);
  CHECK(crm_index_list_at(list, 0, &entity, &field, &len, &entries) == CRM_OK);
  CHECK(entity == CRM_ENTITY_CUSTOMER && len == 12 && memcmp(field, "address.city", 12) == 0 && entries == 3);
  CHECK(crm_index_list_at(list, 1, NULL, &field, NULL, &entries) == CRM_OK);
  CHECK(strcmp(field, "custom.region") == 0 && entries == 1);
  CHECK(crm_index_list_at(list, 2, NULL, NULL, NULL, NULL) == CRM_EINVALID);
  crm_index_list_free(list);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_index_drop(txn, CRM_ENTITY_CUSTOMER, S("address.city")) == CRM_OK);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_CUSTOMER, &s) == CRM_OK && n == 3);
  CHECK(crm_index_list_get(&list, txn) == CRM_OK && crm_index_list_size(list) == 1);
  crm_index_list_free(list);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_phones(void) {
  char path[512];
  crm_db* db = NULL;
  crm_options opts;
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_customer* c = person("Pat", "Phone", NULL);
  const char* e164 = NULL;
  size_t len = 0;
  int type = -1, valid = -1;
  /* A caller built against a crm.h of version 1 has the shorter struct: init leaves the rest. */
  memset(&opts, 0x5a, sizeof opts);
  CHECK(crm_options_init(&opts, 1) == CRM_OK && opts.version == 1 && opts.default_actor == NULL);
  CHECK(((const unsigned char*)&opts.phone_region)[0] == 0x5a);
  memset(&opts, 0x5a, sizeof opts);
  CHECK(crm_options_init(&opts, 2) == CRM_OK && opts.version == 2 && opts.phone_region == NULL);
  CHECK(((const unsigned char*)&opts.durability)[0] == 0x5a);
  CHECK(crm_options_init(&opts, CRM_OPTIONS_VERSION + 1) == CRM_EINVALID);
  CHECK(crm_options_init(&opts, CRM_OPTIONS_VERSION) == CRM_OK && opts.phone_region == NULL);
  CHECK(opts.durability == CRM_DURABILITY_FULL);
  opts.no_sync = 1;
  opts.phone_region = "XX";
  snprintf(path, sizeof path, "%s/%s", g_dir, "phones.crm");
  CHECK(crm_db_open(&db, path, &opts) == CRM_EINVALID && errmsg_has("phone_region") && db == NULL);
  opts.phone_region = "DE";
  CHECK(crm_db_open(&db, path, &opts) == CRM_OK);

  CHECK(crm_customer_add_phone(c, S("030 1234567"), S("office"), 1) == CRM_OK);
  CHECK(crm_customer_add_phone(c, S("12345"), NULL, 0, 0) == CRM_OK);
  CHECK(crm_customer_phone_parsed(c, 0, &e164, &len, &type, &valid) == CRM_OK && len == 0 && valid == 0);
  create(db, c);
  CHECK(crm_customer_phone_parsed(c, 0, &e164, &len, &type, &valid) == CRM_OK);
  CHECK(len == 12 && memcmp(e164, "+49301234567", 12) == 0 && type == CRM_PHONE_FIXED_LINE && valid == 1);
  CHECK(crm_customer_phone_parsed(c, 1, &e164, &len, &type, &valid) == CRM_OK);
  CHECK(len == 0 && type == CRM_PHONE_UNKNOWN && valid == 0);
  CHECK(crm_customer_phone_parsed(c, 2, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_find_by_phone(&it, txn, S("+49 30 123 45 67")) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK && crm_iter_next(it) == CRM_ITEROVER);
  crm_iter_free(it);
  crm_txn_free(txn);
  crm_customer_free(c);
  crm_db_close(db);
}

static void test_opportunity_patch(void) {
  crm_db* db = open_db("opatch.crm");
  crm_txn* txn = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* incoming = NULL;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Renewal")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, S("maria")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_EXTERNAL_ID, S("SF-7")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 500000) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  /* The import carries the amount only: the title and owner stay. */
  CHECK(crm_opportunity_new(&incoming) == CRM_OK);
  CHECK(crm_opportunity_set_text(incoming, CRM_OPPORTUNITY_EXTERNAL_ID, S("SF-7")) == CRM_OK);
  CHECK(crm_opportunity_set_text(incoming, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_opportunity_set_int(incoming, CRM_OPPORTUNITY_AMOUNT, 650000) == CRM_OK);
  CHECK(crm_opportunity_patch(txn, incoming, S("amount")) == CRM_OK);
  CHECK(crm_opportunity_int(incoming, CRM_OPPORTUNITY_ID) == crm_opportunity_int(o, CRM_OPPORTUNITY_ID));
  CHECK(crm_opportunity_int(incoming, CRM_OPPORTUNITY_AMOUNT) == 650000);
  CHECK(strcmp(crm_opportunity_text(incoming, CRM_OPPORTUNITY_TITLE, NULL), "Renewal") == 0);
  CHECK(strcmp(crm_opportunity_text(incoming, CRM_OPPORTUNITY_OWNER, NULL), "maria") == 0);
  CHECK(crm_opportunity_patch(txn, incoming, S("titel")) == CRM_EINVALID && errmsg_has("'titel'"));
  CHECK(crm_opportunity_patch(txn, incoming, NULL, 0) == CRM_EINVALID);
  CHECK(crm_opportunity_patch(txn, NULL, S("amount")) == CRM_EINVALID);
  crm_txn_free(txn); /* the failed patch changed nothing, but the transaction is not committed */
  crm_opportunity_free(incoming);
  crm_opportunity_free(o);
  crm_db_close(db);
}

static void test_interaction_patch(void) {
  crm_db* db = open_db("ipatch.crm");
  crm_txn* txn = NULL;
  crm_interaction* i = NULL;
  crm_interaction* incoming = NULL;
  crm_customer* c = person("Ann", "Lee", NULL);
  uint64_t ann = create(db, c);
  crm_customer_free(c);
  CHECK(crm_interaction_new(&i) == CRM_OK);
  CHECK(crm_interaction_set_int(i, CRM_INTERACTION_CUSTOMER, (int64_t)ann) == CRM_OK);
  CHECK(crm_interaction_set_text(i, CRM_INTERACTION_SUBJECT, S("Renewal call")) == CRM_OK);
  CHECK(crm_interaction_set_text(i, CRM_INTERACTION_OWNER, S("maria")) == CRM_OK);
  CHECK(crm_interaction_set_text(i, CRM_INTERACTION_EXTERNAL_ID, S("CALL-1")) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_interaction_log(txn, i) == CRM_OK);
  /* The import carries the outcome only: the subject and owner stay. */
  CHECK(crm_interaction_new(&incoming) == CRM_OK);
  CHECK(crm_interaction_set_text(incoming, CRM_INTERACTION_EXTERNAL_ID, S("CALL-1")) == CRM_OK);
  CHECK(crm_interaction_set_text(incoming, CRM_INTERACTION_OUTCOME, S("demo booked")) == CRM_OK);
  CHECK(crm_interaction_patch(txn, incoming, S("outcome")) == CRM_OK);
  CHECK(crm_interaction_int(incoming, CRM_INTERACTION_ID) == crm_interaction_int(i, CRM_INTERACTION_ID));
  CHECK(strcmp(crm_interaction_text(incoming, CRM_INTERACTION_SUBJECT, NULL), "Renewal call") == 0);
  CHECK(strcmp(crm_interaction_text(incoming, CRM_INTERACTION_OUTCOME, NULL), "demo booked") == 0);
  CHECK(crm_interaction_patch(txn, incoming, S("subjekt")) == CRM_EINVALID && errmsg_has("'subjekt'"));
  CHECK(crm_interaction_patch(txn, NULL, S("outcome")) == CRM_EINVALID);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_interaction_free(incoming);
  crm_interaction_free(i);
  crm_db_close(db);
}

static void test_interaction_search(void) {
  crm_db* db = open_db("isearch.crm");
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_search s = CRM_SEARCH_INIT;
  crm_aggregation a = CRM_AGGREGATION_INIT;
  crm_aggregate* r = NULL;
  crm_customer* c = person("Ann", "Lee", NULL);
  uint64_t ann = create(db, c), n = 0;
  int64_t value = 0;
  int k, seen = 0;
  crm_customer_free(c);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  for (k = 0; k < 6; ++k) {
    crm_interaction* i = NULL;
    CHECK(crm_interaction_new(&i) == CRM_OK);
    CHECK(crm_interaction_set_int(i, CRM_INTERACTION_CUSTOMER, (int64_t)ann) == CRM_OK);
    CHECK(crm_interaction_set_int(i, CRM_INTERACTION_KIND, k % 2 ? CRM_KIND_CALL : CRM_KIND_NOTE) == CRM_OK);
    CHECK(crm_interaction_set_custom(i, S("topic"), CRM_VALUE_TEXT, 0, k < 2 ? "renewal" : "support", 7) == CRM_OK);
    CHECK(crm_interaction_log(txn, i) == CRM_OK);
    crm_interaction_free(i);
  }
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  s.filter = "kind = 'call' and custom.topic = 'support'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_INTERACTION, &s) == CRM_OK && n == 2);
  s.page_size = 1;
  CHECK(crm_interaction_search(&it, txn, &s) == CRM_OK);
  while (crm_iter_next(it) == CRM_OK) {
    CHECK(crm_interaction_int(crm_iter_interaction(it), CRM_INTERACTION_KIND) == CRM_KIND_CALL);
    ++seen;
  }
  CHECK(seen == 2);
  crm_iter_free(it);
  a.group_by = "custom.topic";
  a.group_by_len = strlen(a.group_by);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_INTERACTION, &a) == CRM_OK && crm_aggregate_rows(r) == 2);
  CHECK(strcmp(crm_aggregate_key(r, 0, 0, NULL), "renewal") == 0);
  CHECK(crm_aggregate_value(&value, NULL, NULL, r, 0, 0) == CRM_OK && value == 2);
  crm_aggregate_free(r);
  s.filter = "stage = 'lead'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_INTERACTION, &s) == CRM_EINVALID && errmsg_has("interactions"));
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_search_count_explain();
  test_aggregate();
  test_deal_without_customer_or_amount();
  test_import_keeps_history();
  test_upsert_and_custom_fields();
  test_patch();
  test_b2b_fields();
  test_declared_index();
  test_phones();
  test_opportunity_patch();
  test_interaction_patch();
  test_interaction_search();
  return finish();
}
