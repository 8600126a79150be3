/* The C ABI's segments (crm_segments.h): manual members, a dynamic segment following customer
 * writes, a snapshot staying frozen, member pages, and refusals that change nothing; and
 * campaigns (crm_campaigns.h): statuses, members from a segment, the audience's exclusions. */
#include "capi_support.h"

static uint64_t make_segment(crm_txn* txn, const char* name, int kind, const char* filter) {
  crm_segment* s = NULL;
  uint64_t id;
  CHECK(crm_segment_new(&s) == CRM_OK);
  CHECK(crm_segment_set_text(s, CRM_SEGMENT_NAME, name, strlen(name)) == CRM_OK);
  CHECK(crm_segment_set_int(s, CRM_SEGMENT_KIND, kind) == CRM_OK);
  if (filter != NULL) CHECK(crm_segment_set_text(s, CRM_SEGMENT_FILTER, filter, strlen(filter)) == CRM_OK);
  CHECK(crm_segment_create(txn, s) == CRM_OK);
  id = (uint64_t)crm_segment_int(s, CRM_SEGMENT_ID);
  CHECK(id > 0);
  crm_segment_free(s);
  return id;
}

static uint64_t german(crm_db* db, const char* family, const char* country) {
  crm_customer* c = person("Ann", family, NULL);
  uint64_t id;
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_COUNTRY, country, strlen(country)) == CRM_OK);
  id = create(db, c);
  crm_customer_free(c);
  return id;
}

static int contains(crm_txn* txn, uint64_t segment, uint64_t customer) {
  int in = -1;
  CHECK(crm_segment_contains(&in, txn, segment, customer) == CRM_OK);
  return in;
}

static void test_segments(void) {
  crm_db* db = open_db("segments.crm");
  crm_txn* txn = NULL;
  crm_segment* s = NULL;
  crm_segment_list* list = NULL;
  crm_customer* c = NULL;
  crm_id_page* page = NULL;
  const uint64_t* ids = NULL;
  const char* token;
  size_t count = 0, len = 0;
  uint64_t n = 0, manual, dynamic, frozen;
  uint64_t a = german(db, "A", "DE"), b = german(db, "B", "FR"), d = german(db, "D", "DE");
  uint64_t both[2];
  uint64_t missing[2];

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  manual = make_segment(txn, "newsletter", CRM_SEGMENT_MANUAL, NULL);
  dynamic = make_segment(txn, "Germany", CRM_SEGMENT_DYNAMIC, "country = 'DE'");
  both[0] = b;
  both[1] = a;
  CHECK(crm_segment_add_members(&n, txn, manual, both, 2) == CRM_OK && n == 2);
  CHECK(crm_segment_add_members(&n, txn, manual, both, 1) == CRM_OK && n == 0);
  missing[0] = d;
  missing[1] = 999;
  CHECK(crm_segment_add_members(&n, txn, manual, missing, 2) == CRM_ENOTFOUND && n == 0);
  CHECK(errmsg_has("customers[1]: customer 999"));
  CHECK(contains(txn, manual, d) == 0);
  CHECK(crm_segment_add_members(&n, txn, dynamic, both, 1) == CRM_ECONFLICT);
  CHECK(crm_segment_add_members(&n, txn, manual, NULL, 1) == CRM_EINVALID);
  CHECK(crm_segment_member_count(&n, txn, manual) == CRM_OK && n == 2);
  CHECK(crm_segment_member_count(&n, txn, dynamic) == CRM_OK && n == 2);
  CHECK(contains(txn, dynamic, a) == 1 && contains(txn, dynamic, b) == 0);
  CHECK(crm_segment_contains(NULL, txn, dynamic, a) == CRM_EINVALID);
  {
    int in = 0;
    CHECK(crm_segment_contains(&in, txn, 4242, a) == CRM_ENOTFOUND);
  }
  frozen = 0;
  CHECK(crm_segment_snapshot(&s, txn, dynamic, S("Germany then")) == CRM_OK);
  frozen = (uint64_t)crm_segment_int(s, CRM_SEGMENT_ID);
  CHECK(crm_segment_int(s, CRM_SEGMENT_KIND) == CRM_SEGMENT_SNAPSHOT);
  CHECK(crm_segment_int(s, CRM_SEGMENT_FROZEN_FROM) == (int64_t)dynamic);
  CHECK(crm_segment_int(s, CRM_SEGMENT_MEMBERS) == 2);
  CHECK(crm_segment_set_int(s, CRM_SEGMENT_MEMBERS, 5) == CRM_EINVALID); /* read-only */
  crm_segment_free(s);
  s = NULL;
  CHECK(crm_segment_snapshot(&s, txn, manual, S("again")) == CRM_ECONFLICT && s == NULL);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  /* b moves to Germany: the dynamic segment follows, the snapshot does not. */
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  CHECK(crm_customer_get(&c, txn, b) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_COUNTRY, S("de")) == CRM_OK);
  CHECK(crm_customer_update(txn, c) == CRM_OK);
  crm_customer_free(c);
  CHECK(contains(txn, dynamic, b) == 1 && contains(txn, frozen, b) == 0);
  CHECK(crm_segment_members(&page, txn, dynamic, 2, NULL, 0) == CRM_OK);
  CHECK(crm_id_page_ids(page, &ids, &count) == CRM_OK && count == 2 && ids[0] == a && ids[1] == b);
  token = crm_id_page_next(page, &len);
  CHECK(len > 0);
  {
    crm_id_page* next = NULL;
    CHECK(crm_segment_members(&next, txn, dynamic, 2, token, len) == CRM_OK);
    CHECK(crm_id_page_ids(next, &ids, &count) == CRM_OK && count == 1 && ids[0] == d);
    crm_id_page_next(next, &len);
    CHECK(len == 0);
    crm_id_page_free(next);
    CHECK(crm_segment_members(&next, txn, dynamic, 2, S("bogus")) == CRM_EINVALID && next == NULL);
  }
  crm_id_page_free(page);
  CHECK(crm_segments_of(&page, txn, b) == CRM_OK);
  CHECK(crm_id_page_ids(page, &ids, &count) == CRM_OK && count == 2 && ids[0] == manual && ids[1] == dynamic);
  crm_id_page_free(page);

  /* A bad filter is refused with its place named; a filter change re-evaluates. */
  CHECK(crm_segment_new(&s) == CRM_OK);
  CHECK(crm_segment_set_text(s, CRM_SEGMENT_NAME, S("bad")) == CRM_OK);
  CHECK(crm_segment_set_int(s, CRM_SEGMENT_KIND, CRM_SEGMENT_DYNAMIC) == CRM_OK);
  CHECK(crm_segment_set_text(s, CRM_SEGMENT_FILTER, S("country =")) == CRM_OK);
  CHECK(crm_segment_create(txn, s) == CRM_EINVALID && errmsg_has("filter"));
  CHECK(crm_segment_set_int(s, CRM_SEGMENT_KIND, 7) == CRM_EINVALID);
  crm_segment_free(s);
  CHECK(crm_segment_find_by_name(&s, txn, S("GERMANY")) == CRM_OK);
  CHECK(crm_segment_set_text(s, CRM_SEGMENT_FILTER, S("country = 'FR'")) == CRM_OK);
  CHECK(crm_segment_update(txn, s) == CRM_OK);
  CHECK(crm_segment_int(s, CRM_SEGMENT_MEMBERS) == 0);
  CHECK(crm_segment_int(s, CRM_SEGMENT_REVISION) == 2);
  crm_segment_free(s);
  CHECK(crm_segment_list_get(&list, txn) == CRM_OK && crm_segment_list_size(list) == 3);
  CHECK(crm_segment_int(crm_segment_list_at(list, 0), CRM_SEGMENT_MEMBERS) == 2);
  CHECK(crm_segment_list_at(list, 3) == NULL);
  crm_segment_list_free(list);
  CHECK(crm_segment_remove_members(&n, txn, manual, both, 2) == CRM_OK && n == 2);
  CHECK(crm_segment_delete(txn, frozen) == CRM_OK);
  CHECK(crm_segment_get(&s, txn, frozen) == CRM_ENOTFOUND && s == NULL);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_campaigns(void) {
  crm_db* db = open_db("campaigns.crm");
  crm_txn* txn = NULL;
  crm_campaign* c = NULL;
  crm_campaign_members* m = NULL;
  crm_audience* a = NULL;
  crm_customer* p = person("Ann", "Lee", "ann@example.com");
  uint64_t ann = create(db, p), bob, n = 0, campaign, segment, customer = 0, ids[2];
  const char* text;
  size_t len = 0;
  int responded = -1, sendable = -1, verdict = -1;
  int64_t first = 0;
  crm_customer_free(p);
  p = person("Bob", "Ray", "bob@example.com");
  bob = create(db, p);
  crm_customer_free(p);

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  {
    crm_consent* r = NULL;
    CHECK(crm_consent_new(&r) == CRM_OK);
    CHECK(crm_consent_set_int(r, CRM_CONSENT_CUSTOMER, (int64_t)ann) == CRM_OK);
    CHECK(crm_consent_set_text(r, CRM_CONSENT_PURPOSE, S("marketing")) == CRM_OK);
    CHECK(crm_consent_set_int(r, CRM_CONSENT_LEGAL_BASIS, CRM_BASIS_CONSENT) == CRM_OK);
    CHECK(crm_consent_record(txn, r) == CRM_OK);
    crm_consent_free(r);
  }
  CHECK(crm_campaign_new(&c) == CRM_OK);
  CHECK(crm_campaign_set_text(c, CRM_CAMPAIGN_NAME, S("User day")) == CRM_OK);
  CHECK(crm_campaign_add_status(c, S("invited"), 0) == CRM_OK);
  CHECK(crm_campaign_add_status(c, S("attended"), 1) == CRM_OK);
  CHECK(crm_campaign_add_status(c, S("x"), 2) == CRM_EINVALID);
  CHECK(crm_campaign_set_text(c, CRM_CAMPAIGN_BUDGET_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_campaign_set_int(c, CRM_CAMPAIGN_BUDGET, 500000) == CRM_OK);
  CHECK(crm_campaign_set_int(c, CRM_CAMPAIGN_CHANNEL, 9) == CRM_EINVALID);
  CHECK(crm_campaign_create(txn, c) == CRM_OK);
  campaign = (uint64_t)crm_campaign_int(c, CRM_CAMPAIGN_ID);
  text = crm_campaign_text(c, CRM_CAMPAIGN_DEFAULT_STATUS, &len);
  CHECK(len == 7 && memcmp(text, "invited", 7) == 0);
  CHECK(crm_campaign_status_count(c) == 2);
  CHECK(crm_campaign_status(c, 1, &text, &len, &responded) == CRM_OK && responded == 1 && len == 8);
  CHECK(crm_campaign_status(c, 2, &text, &len, &responded) == CRM_ENOTFOUND);
  crm_campaign_free(c);

  segment = make_segment(txn, "everyone", CRM_SEGMENT_DYNAMIC, "email prefix ''");
  CHECK(crm_campaign_add_segment(&n, txn, campaign, segment, NULL, 0) == CRM_OK && n == 2);
  ids[0] = ann;
  ids[1] = 999;
  CHECK(crm_campaign_add_members(&n, txn, campaign, ids, 2, NULL, 0) == CRM_ENOTFOUND && n == 0);
  CHECK(crm_campaign_add_members(&n, txn, campaign, ids, 1, S("lost")) == CRM_EINVALID);
  CHECK(crm_campaign_set_member_status(txn, campaign, bob, S("ATTENDED")) == CRM_OK);
  CHECK(crm_campaign_set_member_status(txn, campaign, 999, S("attended")) == CRM_ENOTFOUND);
  CHECK(crm_campaign_member_get(&m, txn, campaign, bob) == CRM_OK);
  CHECK(crm_campaign_members_item(m, 0, NULL, &customer, &text, &len, &responded, NULL, &first) == CRM_OK);
  CHECK(customer == bob && len == 8 && memcmp(text, "attended", 8) == 0 && responded == 1 && first != 0);
  crm_campaign_members_free(m);
  CHECK(crm_campaign_members_list(&m, txn, campaign, 1, NULL, 0) == CRM_OK && crm_campaign_members_count(m) == 1);
  text = crm_campaign_members_next(m, &len);
  CHECK(len > 0);
  {
    crm_campaign_members* next = NULL;
    CHECK(crm_campaign_members_list(&next, txn, campaign, 1, text, len) == CRM_OK);
    CHECK(crm_campaign_members_item(next, 0, NULL, &customer, NULL, NULL, NULL, NULL, NULL) == CRM_OK && customer == bob);
    crm_campaign_members_free(next);
  }
  crm_campaign_members_free(m);
  CHECK(crm_campaigns_of(&m, txn, ann) == CRM_OK && crm_campaign_members_count(m) == 1);
  crm_campaign_members_free(m);

  /* Ann granted marketing by email; Bob did not: he is excluded, with the reason. */
  CHECK(crm_campaign_audience(&a, txn, campaign, 10, NULL, 0, 0) == CRM_OK && crm_audience_count(a) == 2);
  CHECK(crm_audience_item(a, 0, &customer, &sendable, &verdict, NULL, NULL) == CRM_OK);
  CHECK(customer == ann && sendable == 1 && verdict == CRM_VERDICT_ALLOWED);
  CHECK(crm_audience_item(a, 1, &customer, &sendable, &verdict, &text, &len) == CRM_OK);
  CHECK(customer == bob && sendable == 0 && verdict == CRM_VERDICT_NO_CONSENT && len > 0);
  crm_audience_next(a, &len);
  CHECK(len == 0);
  crm_audience_free(a);

  /* Bob attended, then bought: the deal's touch is the campaign, which gets its value. */
  {
    crm_opportunity* o = NULL;
    crm_id_page* touches = NULL;
    crm_report* r = NULL;
    const uint64_t* touched = NULL;
    size_t k = 0, row;
    int64_t v = 0;
    CHECK(crm_opportunity_new(&o) == CRM_OK);
    CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("renewal")) == CRM_OK);
    CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_CUSTOMER, (int64_t)bob) == CRM_OK);
    CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 123456) == CRM_OK);
    CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
    CHECK(crm_opportunity_create(txn, o) == CRM_OK);
    CHECK(crm_opportunity_close_won(NULL, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
    CHECK(crm_deal_touches(&touches, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
    CHECK(crm_id_page_ids(touches, &touched, &k) == CRM_OK && k == 1 && touched[0] == campaign);
    crm_id_page_free(touches);
    CHECK(crm_customer_touches(&touches, txn, 999) == CRM_ENOTFOUND && touches == NULL);
    CHECK(crm_campaign_attribution(&r, txn, CRM_ATTRIBUTION_LINEAR, 0, 0) == CRM_OK);
    CHECK(crm_report_rows(r) == 1);
    row = 0;
    CHECK(crm_report_int(&v, r, row, column(r, "won_value")) == CRM_OK && v == 123456);
    CHECK(crm_report_int(&v, r, row, column(r, "responded")) == CRM_OK && v == 1);
    text = crm_report_text(r, row, column(r, "cost"), &len);
    CHECK(len == 11 && memcmp(text, "5000.00 EUR", 11) == 0);
    crm_report_free(r);
    CHECK(crm_campaign_attribution(&r, txn, 4, 0, 0) == CRM_EINVALID && r == NULL);
    crm_opportunity_free(o);
  }
  /* Events: Bob's log, and Ann opting out, which withdraws her consent. */
  {
    crm_campaign_events* e = NULL;
    uint64_t counts[9];
    uint64_t event = 0;
    int kind = 0;
    CHECK(crm_campaign_event_record(&event, txn, campaign, bob, CRM_EVENT_SENT, 0, NULL, 0) == CRM_OK && event == 1);
    CHECK(crm_campaign_event_record(NULL, txn, campaign, bob, CRM_EVENT_CLICKED, 0, S("https://example.com")) == CRM_OK);
    CHECK(crm_campaign_event_record(NULL, txn, campaign, bob, 99, 0, NULL, 0) == CRM_EINVALID);
    CHECK(crm_campaign_event_record(NULL, txn, campaign, 999, CRM_EVENT_SENT, 0, NULL, 0) == CRM_ENOTFOUND);
    CHECK(crm_campaign_events_list(&e, txn, campaign, bob) == CRM_OK && crm_campaign_events_count(e) == 2);
    CHECK(crm_campaign_events_item(e, 1, NULL, &kind, NULL, &text, &len) == CRM_OK);
    CHECK(kind == CRM_EVENT_CLICKED && len == 19 && memcmp(text, "https://example.com", 19) == 0);
    crm_campaign_events_free(e);
    CHECK(crm_campaign_event_record(NULL, txn, campaign, ann, CRM_EVENT_OPTED_OUT, 0, NULL, 0) == CRM_OK);
    CHECK(crm_campaign_event_counts(counts, 9, txn, campaign) == CRM_OK);
    CHECK(counts[CRM_EVENT_SENT] == 1 && counts[CRM_EVENT_CLICKED] == 1 && counts[CRM_EVENT_OPTED_OUT] == 1);
    CHECK(crm_campaign_audience(&a, txn, campaign, 10, NULL, 0, 0) == CRM_OK);
    CHECK(crm_audience_item(a, 0, &customer, &sendable, &verdict, NULL, NULL) == CRM_OK);
    CHECK(customer == ann && sendable == 0 && verdict == CRM_VERDICT_WITHDRAWN);
    crm_audience_free(a);
  }
  CHECK(crm_campaign_remove_members(&n, txn, campaign, ids, 1) == CRM_OK && n == 1);
  CHECK(crm_campaign_get(&c, txn, campaign) == CRM_OK && crm_campaign_int(c, CRM_CAMPAIGN_MEMBERS) == 1);
  crm_campaign_free(c);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_segments();
  test_campaigns();
  return finish();
}
