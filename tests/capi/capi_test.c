/* The C ABI driven from C: the whole lifecycle and every error path through crm.h. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capi_support.h"

static void test_version_and_errors(void) {
  int major = -1, minor = -1, patch = -1;
  CHECK(strcmp(crm_version(&major, &minor, &patch), CRM_VERSION_STRING) == 0);
  CHECK(major == CRM_VERSION_MAJOR && minor == CRM_VERSION_MINOR && patch == CRM_VERSION_PATCH);
  CHECK(strcmp(crm_strerror(CRM_ENOTFOUND), "not found") == 0);
  CHECK(strcmp(crm_strerror(12345), "unknown result code") == 0);
  /* free functions accept NULL */
  crm_db_close(NULL);
  crm_txn_free(NULL);
  crm_iter_free(NULL);
  crm_customer_free(NULL);
  crm_interaction_free(NULL);
  crm_pipeline_free(NULL);
  crm_opportunity_free(NULL);
  crm_free(NULL);
}

static void test_currency_digits(void) {
  CHECK(crm_currency_digits(S("EUR")) == 2);
  CHECK(crm_currency_digits(S("JPY")) == 0);
  CHECK(crm_currency_digits(S("KWD")) == 3);
  CHECK(crm_currency_digits(S("XXQ")) == CRM_EINVALID);
  CHECK(errmsg_has("XXQ"));
  CHECK(crm_currency_digits(NULL, 3) == CRM_EINVALID);
}

static void test_open_errors(void) {
  crm_db* db = (crm_db*)1;
  crm_options opts;
  CHECK(crm_db_open(NULL, "x", NULL) == CRM_EINVALID);
  CHECK(crm_db_open(&db, NULL, NULL) == CRM_EINVALID && db == NULL);
  CHECK(errmsg_has("path"));
  CHECK(crm_db_open(&db, g_dir, NULL) == CRM_EINVALID); /* a directory */
  CHECK(crm_options_init(&opts, 99) == CRM_EINVALID);
  CHECK(crm_options_init(&opts, CRM_OPTIONS_VERSION) == CRM_OK);
  opts.create_if_missing = 0;
  {
    char path[512];
    snprintf(path, sizeof path, "%s/absent.crm", g_dir);
    CHECK(crm_db_open(&db, path, &opts) == CRM_ENOTFOUND);
  }
  opts.version = 77;
  CHECK(crm_db_open(&db, "y", &opts) == CRM_EINVALID);
}

static void test_null_handles_never_crash(void) {
  crm_txn* txn = NULL;
  crm_customer* c = NULL;
  crm_iter* it = NULL;
  uint64_t n = 0;
  size_t len = 99;
  CHECK(crm_txn_begin_read(&txn, NULL) == CRM_EINVALID);
  CHECK(crm_txn_commit(NULL) == CRM_EINVALID);
  CHECK(crm_customer_get(&c, NULL, 1) == CRM_EINVALID);
  CHECK(crm_customer_create(NULL, NULL) == CRM_EINVALID);
  CHECK(crm_customer_list(&it, NULL, NULL) == CRM_EINVALID);
  CHECK(crm_customer_count(&n, NULL, NULL) == CRM_EINVALID);
  CHECK(crm_iter_next(NULL) == CRM_EINVALID);
  CHECK(crm_iter_customer(NULL) == NULL);
  CHECK(strcmp(crm_customer_text(NULL, CRM_CUSTOMER_GIVEN_NAME, &len), "") == 0 && len == 0);
  CHECK(crm_customer_int(NULL, CRM_CUSTOMER_ID) == 0);
  CHECK(crm_customer_set_text(NULL, CRM_CUSTOMER_GIVEN_NAME, S("x")) == CRM_EINVALID);
  CHECK(crm_interaction_log(NULL, NULL) == CRM_EINVALID);
  CHECK(crm_opportunity_move(NULL, NULL, 1, 1) == CRM_EINVALID);
  CHECK(crm_changes(&it, NULL, 1) == CRM_EINVALID);
}

static void test_customer_lifecycle(void) {
  crm_db* db = open_db("lifecycle.crm");
  crm_customer* c = person("José", "Álvarez", "Jose@Example.com");
  crm_customer* got = NULL;
  crm_customer* mine = NULL;
  crm_customer* theirs = NULL;
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  const char* s;
  size_t len = 0;
  int64_t number = 0;
  int type = 0, primary = 0;
  uint64_t id, org_id, n = 0;
  crm_customer* org = NULL;

  /* Setters check their input. */
  CHECK(crm_customer_set_text(c, 999, S("x")) == CRM_EINVALID);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_OWNER, "bad\xff", 4) == CRM_EINVALID);
  CHECK(errmsg_has("UTF-8"));
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_OWNER, NULL, 3) == CRM_EINVALID);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_STAGE, 42) == CRM_EINVALID);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_ARCHIVED_AT, 5) == CRM_EINVALID);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_CREATED_AT, 5) == CRM_OK); /* kept in import mode only */

  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_OWNER, S("maria")) == CRM_OK);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_CITY, S("Madrid")) == CRM_OK);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_STAGE, CRM_STAGE_PROSPECT) == CRM_OK);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_EMAIL_OPT_IN, 1) == CRM_OK);
  CHECK(crm_customer_set_int(c, CRM_CUSTOMER_EMAIL_LEGAL_BASIS, CRM_BASIS_CONSENT) == CRM_OK);
  CHECK(crm_customer_add_phone(c, S("+1 (555) 123-4567"), S("mobile"), 1) == CRM_OK);
  CHECK(crm_customer_add_tag(c, S("vip")) == CRM_OK);
  CHECK(crm_customer_set_custom(c, S("seats"), CRM_VALUE_INT, 42, NULL, 0) == CRM_OK);
  CHECK(crm_customer_set_custom(c, S("budget"), CRM_VALUE_MONEY, 4500000, S("EUR")) == CRM_OK);
  CHECK(crm_customer_set_custom(c, S("note"), CRM_VALUE_TEXT, 0, S("call mornings")) == CRM_OK);
  CHECK(crm_customer_set_custom(c, S("x"), 77, 0, NULL, 0) == CRM_EINVALID);
  CHECK(crm_customer_set_text(c, CRM_CUSTOMER_EXTERNAL_ID, S("erp-1")) == CRM_OK);

  org = NULL;
  CHECK(crm_customer_new(&org) == CRM_OK);
  CHECK(crm_customer_set_int(org, CRM_CUSTOMER_KIND, CRM_ORGANIZATION) == CRM_OK);
  CHECK(crm_customer_set_text(org, CRM_CUSTOMER_DISPLAY_NAME, S("Álvarez & Hijos")) == CRM_OK);
  org_id = create(db, org);
  CHECK(crm_customer_add_membership(c, org_id, S("CEO")) == CRM_OK);

  id = create(db, c);
  CHECK(id > org_id);
  CHECK(crm_customer_int(c, CRM_CUSTOMER_REVISION) == 1);
  CHECK(crm_customer_int(c, CRM_CUSTOMER_EMAIL_OPT_IN_AT) > 0);
  s = crm_customer_text(c, CRM_CUSTOMER_DISPLAY_NAME, &len);
  CHECK(strcmp(s, "José Álvarez") == 0 && len == strlen("José Álvarez"));

  /* Read it back in a read transaction: by id, email (any case), external id, phone. */
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_get(&got, txn, id) == CRM_OK);
  CHECK(strcmp(crm_customer_text(got, CRM_CUSTOMER_OWNER, NULL), "maria") == 0);
  CHECK(crm_customer_email_count(got) == 1);
  CHECK(crm_customer_email(got, 0, &s, &len, NULL, NULL, &primary) == CRM_OK);
  CHECK(strcmp(s, "Jose@Example.com") == 0 && primary == 1);
  CHECK(crm_customer_email(got, 5, &s, &len, NULL, NULL, NULL) == CRM_ENOTFOUND);
  CHECK(crm_customer_custom_count(got) == 3);
  CHECK(crm_customer_custom_field(got, 0, &s, &len, &type) == CRM_OK);
  CHECK(strcmp(s, "budget") == 0 && type == CRM_VALUE_MONEY);
  CHECK(crm_customer_custom_value(got, 0, &number, &s, &len) == CRM_OK);
  CHECK(number == 4500000 && strcmp(s, "EUR") == 0);
  CHECK(crm_customer_membership_count(got) == 1);
  crm_customer_free(got);
  got = NULL;
  CHECK(crm_customer_find_by_email(&got, txn, S("JOSE@example.COM")) == CRM_OK);
  CHECK(crm_customer_int(got, CRM_CUSTOMER_ID) == (int64_t)id);
  crm_customer_free(got);
  got = NULL;
  CHECK(crm_customer_find_by_external_id(&got, txn, S("erp-1")) == CRM_OK);
  crm_customer_free(got);
  got = (crm_customer*)1;
  CHECK(crm_customer_find_by_email(&got, txn, S("nobody@example.com")) == CRM_ENOTFOUND && got == NULL);
  CHECK(crm_customer_find_by_phone(&it, txn, S("15551234567")) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_customer_int(crm_iter_customer(it), CRM_CUSTOMER_ID) == (int64_t)id);
  CHECK(crm_iter_interaction(it) == NULL); /* wrong kind */
  CHECK(crm_iter_next(it) == CRM_ITEROVER);
  crm_iter_free(it);
  /* A read transaction refuses writes. */
  CHECK(crm_customer_create(txn, c) == CRM_EINVALID);
  crm_txn_free(txn);

  /* Two editors: the second, based on a stale revision, conflicts and changes nothing. */
  CHECK(crm_customer_clone(&mine, c) == CRM_OK);
  CHECK(crm_customer_clone(&theirs, c) == CRM_OK);
  CHECK(crm_txn_begin_write(&txn, db, S("tom")) == CRM_OK);
  CHECK(crm_customer_set_int(theirs, CRM_CUSTOMER_STAGE, CRM_STAGE_CUSTOMER) == CRM_OK);
  CHECK(crm_customer_update(txn, theirs) == CRM_OK);
  CHECK(crm_customer_int(theirs, CRM_CUSTOMER_REVISION) == 2);
  CHECK(crm_customer_set_text(mine, CRM_CUSTOMER_OWNER, S("ann")) == CRM_OK);
  CHECK(crm_customer_update(txn, mine) == CRM_ECONFLICT);
  CHECK(errmsg_has("revision 2"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_EINVALID); /* already committed */
  CHECK(crm_customer_create(txn, c) == CRM_EINVALID);
  crm_txn_free(txn);

  /* Unique email and validation errors map to codes with the field named. */
  CHECK(crm_txn_begin_write(&txn, db, NULL, 0) == CRM_OK);
  {
    crm_customer* dup = person("Other", "Jose", "jose@example.com");
    crm_customer* bad = person("Bad", "Email", "not-an-email");
    CHECK(crm_customer_create(txn, dup) == CRM_EEXISTS);
    CHECK(errmsg_has("emails[0].address"));
    CHECK(crm_customer_create(txn, bad) == CRM_EINVALID);
    CHECK(errmsg_has("emails[0].address"));
    crm_customer_free(dup);
    crm_customer_free(bad);
  }
  CHECK(crm_customer_delete(txn, org_id, 0) == CRM_EDEPENDENTS); /* it has a member */
  CHECK(errmsg_has("members"));
  CHECK(crm_customer_delete(txn, 99999, 0) == CRM_ENOTFOUND);
  crm_txn_free(txn); /* rolled back */

  /* Archive hides from lists, restore brings back. */
  CHECK(crm_txn_begin_write(&txn, db, S("maria")) == CRM_OK);
  CHECK(crm_customer_archive(&got, txn, id) == CRM_OK);
  CHECK(crm_customer_int(got, CRM_CUSTOMER_ARCHIVED) == 1);
  crm_customer_free(got);
  {
    crm_customer_query q = CRM_CUSTOMER_QUERY_INIT;
    q.by = CRM_BY_TAG;
    q.text = "vip";
    q.text_len = 3;
    CHECK(crm_customer_count(&n, txn, &q) == CRM_OK && n == 0);
    CHECK(crm_customer_restore(NULL, txn, id) == CRM_OK);
    CHECK(crm_customer_count(&n, txn, &q) == CRM_OK && n == 1);
    q.by = CRM_BY_COUNTRY;
    q.text = "nl";
    q.text_len = 2;
    CHECK(crm_customer_count(&n, txn, &q) == CRM_OK && n == 0);
    {
      crm_customer* dutch = person("Anne", "de Vries", NULL);
      CHECK(crm_customer_set_text(dutch, CRM_CUSTOMER_COUNTRY, S("NL")) == CRM_OK);
      CHECK(crm_customer_create(txn, dutch) == CRM_OK);
      CHECK(crm_customer_count(&n, txn, &q) == CRM_OK && n == 1);
      crm_customer_free(dutch);
    }
    q.by = 99;
    CHECK(crm_customer_count(&n, txn, &q) == CRM_EINVALID);
  }
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  crm_customer_free(c);
  crm_customer_free(org);
  crm_customer_free(mine);
  crm_customer_free(theirs);
  crm_db_close(db);
}

static void test_pagination(void) {
  crm_db* db = open_db("pages.crm");
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_customer_query q;
  char token[512];
  size_t token_len = 0;
  int i, seen = 0, pages = 0;
  uint64_t last = 0;
  int ordered = 1;

  CHECK(crm_txn_begin_write(&txn, db, S("loader")) == CRM_OK);
  for (i = 0; i < 7; ++i) {
    char given[16];
    crm_customer* c;
    snprintf(given, sizeof given, "Page%d", i);
    c = person(given, "Walker", NULL);
    CHECK(crm_customer_add_tag(c, S("paged")) == CRM_OK);
    CHECK(crm_customer_create(txn, c) == CRM_OK);
    crm_customer_free(c);
  }
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_customer_query_init(&q, CRM_CUSTOMER_QUERY_VERSION) == CRM_OK);
  q.by = CRM_BY_TAG;
  q.text = "paged";
  q.text_len = 5;
  q.page_size = 3;
  /* Read one page per transaction, continuing with the page token. */
  token[0] = '\0';
  do {
    int in_page = 0;
    CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
    q.page_token = token_len ? token : NULL;
    q.page_token_len = token_len;
    CHECK(crm_customer_list(&it, txn, &q) == CRM_OK);
    token_len = 0;
    while (in_page < 3 && crm_iter_next(it) == CRM_OK) {
      uint64_t id = (uint64_t)crm_customer_int(crm_iter_customer(it), CRM_CUSTOMER_ID);
      if (id <= last) ordered = 0;
      last = id;
      ++seen;
      ++in_page;
    }
    {
      size_t len = 0;
      const char* t = crm_iter_page_token(it, &len);
      CHECK(len < sizeof token);
      memcpy(token, t, len + 1);
      token_len = len;
    }
    ++pages;
    crm_iter_free(it);
    crm_txn_free(txn);
  } while (token_len > 0 && pages < 10);
  CHECK(seen == 7);
  CHECK(pages == 3);
  CHECK(ordered);

  /* One iterator walks every page by itself. */
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  q.page_token = NULL;
  q.page_token_len = 0;
  CHECK(crm_customer_list(&it, txn, &q) == CRM_OK);
  seen = 0;
  while (crm_iter_next(it) == CRM_OK) ++seen;
  CHECK(seen == 7);
  CHECK(crm_iter_next(it) == CRM_ITEROVER);
  crm_iter_free(it);
  q.page_token = "garbage!";
  q.page_token_len = 8;
  CHECK(crm_customer_list(&it, txn, &q) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_EINVALID);
  CHECK(errmsg_has("page_token"));
  crm_iter_free(it);
  /* Name prefix, accent-insensitive. */
  q.by = CRM_BY_NAME_PREFIX;
  q.text = "walk";
  q.text_len = 4;
  q.page_token = NULL;
  q.page_token_len = 0;
  {
    uint64_t n = 0;
    CHECK(crm_customer_count(&n, txn, &q) == CRM_OK && n == 7);
  }
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_timeline_pipeline_and_feed(void) {
  crm_db* db = open_db("deals.crm");
  crm_customer* c = person("Tim", "Line", "tim@example.com");
  uint64_t id = create(db, c);
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_interaction* in = NULL;
  crm_pipeline* p = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* moved = NULL;
  uint32_t proposal, from = 0, to = 0;
  uint64_t seq_before = 0, seq_after = 0, n = 0;
  int k, count = 0, probability = 0;
  const char* s;
  size_t len;

  /* Interactions on the timeline. */
  CHECK(crm_txn_begin_write(&txn, db, S("maria")) == CRM_OK);
  CHECK(crm_last_change_seq(&seq_before, txn) == CRM_OK);
  for (k = 0; k < 5; ++k) {
    CHECK(crm_interaction_new(&in) == CRM_OK);
    CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CUSTOMER, (int64_t)id) == CRM_OK);
    CHECK(crm_interaction_set_int(in, CRM_INTERACTION_KIND, k % 2 ? CRM_KIND_CALL : CRM_KIND_NOTE) == CRM_OK);
    CHECK(crm_interaction_set_int(in, CRM_INTERACTION_OCCURRED_AT, 1000000 * (k + 1)) == CRM_OK);
    CHECK(crm_interaction_set_text(in, CRM_INTERACTION_SUBJECT, S("touch")) == CRM_OK);
    CHECK(crm_interaction_log(txn, in) == CRM_OK);
    CHECK(crm_interaction_int(in, CRM_INTERACTION_ID) > 0);
    crm_interaction_free(in);
  }
  CHECK(crm_interaction_new(&in) == CRM_OK);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_KIND, 99) == CRM_EINVALID);
  CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CUSTOMER, 424242) == CRM_OK);
  CHECK(crm_interaction_log(txn, in) == CRM_EINVALID);
  CHECK(errmsg_has("customer"));
  crm_interaction_free(in);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  {
    crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
    int64_t previous = INT64_MAX;
    int newest_first = 1;
    q.customer = id;
    q.kinds = 1u << CRM_KIND_CALL;
    CHECK(crm_timeline(&it, txn, &q) == CRM_OK);
    while (crm_iter_next(it) == CRM_OK) {
      const crm_interaction* i = crm_iter_interaction(it);
      int64_t at = crm_interaction_int(i, CRM_INTERACTION_OCCURRED_AT);
      if (at >= previous) newest_first = 0;
      previous = at;
      CHECK(crm_interaction_int(i, CRM_INTERACTION_KIND) == CRM_KIND_CALL);
      ++count;
    }
    crm_iter_free(it);
    CHECK(count == 2);
    CHECK(newest_first);
  }
  {
    crm_customer* again = NULL;
    CHECK(crm_customer_get(&again, txn, id) == CRM_OK);
    CHECK(crm_customer_int(again, CRM_CUSTOMER_LAST_INTERACTION_AT) == 4000000);
    crm_customer_free(again);
  }
  crm_txn_free(txn);

  /* A deal through the default pipeline. */
  CHECK(crm_txn_begin_write(&txn, db, S("maria")) == CRM_OK);
  CHECK(crm_pipeline_get(&p, txn, 0) == CRM_OK);
  CHECK(crm_pipeline_stage_count(p) == 6);
  CHECK(strcmp(crm_pipeline_name(p, &len), "Sales") == 0);
  proposal = crm_pipeline_stage_id(p, S("proposal"));
  CHECK(proposal != 0);
  CHECK(crm_pipeline_stage_id(p, S("nope")) == 0);
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("50 seats")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_CUSTOMER, (int64_t)id) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, 4500000) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_PROBABILITY, 101) == CRM_EINVALID);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_LOST_REASON, S("x")) == CRM_OK); /* import mode only */
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_int(o, CRM_OPPORTUNITY_PROBABILITY) == 10);
  CHECK(crm_opportunity_move(&moved, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID), proposal) == CRM_OK);
  CHECK(crm_opportunity_int(moved, CRM_OPPORTUNITY_PROBABILITY) == 50);
  CHECK(crm_opportunity_history_count(moved) == 2);
  CHECK(crm_opportunity_history(moved, 1, &from, &to, NULL, &s, &len, NULL, &probability) == CRM_OK);
  CHECK(to == proposal && strcmp(s, "maria") == 0 && probability == 50);
  crm_opportunity_free(moved);
  CHECK(crm_opportunity_move(NULL, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID), 999) == CRM_EINVALID);
  CHECK(crm_opportunity_close_lost(&moved, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID), NULL, 0) ==
        CRM_EINVALID);
  CHECK(crm_opportunity_close_won(&moved, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
  CHECK(crm_opportunity_int(moved, CRM_OPPORTUNITY_CLOSED_AT) > 0);
  crm_opportunity_free(moved);
  {
    crm_opportunity_query q = CRM_OPPORTUNITY_QUERY_INIT;
    q.by = CRM_OPP_BY_CUSTOMER;
    q.customer = id;
    CHECK(crm_opportunity_count(&n, txn, &q) == CRM_OK && n == 1);
    q.open_only = 1;
    CHECK(crm_opportunity_count(&n, txn, &q) == CRM_OK && n == 0);
  }
  /* Deleting the customer needs a cascade now. */
  CHECK(crm_customer_delete(txn, id, 0) == CRM_EDEPENDENTS);
  CHECK(errmsg_has("opportunities"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  /* The feed: everything above, gap-free, with actors; one field's history. */
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_last_change_seq(&seq_after, txn) == CRM_OK);
  CHECK(seq_after == seq_before + 5 + 3); /* 5 interactions; the deal's create, move and win */
  CHECK(crm_changes(&it, txn, seq_before + 1) == CRM_OK);
  count = 0;
  while (crm_iter_next(it) == CRM_OK) {
    const crm_change* ch = crm_iter_change(it);
    CHECK(crm_change_seq(ch) == seq_before + 1 + (uint64_t)count);
    CHECK(strcmp(crm_change_actor(ch, NULL), "maria") == 0);
    ++count;
  }
  crm_iter_free(it);
  CHECK((uint64_t)count == seq_after - seq_before);
  CHECK(crm_field_history(&it, txn, CRM_ENTITY_OPPORTUNITY, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID),
                          S("stage")) == CRM_OK);
  count = 0;
  while (crm_iter_next(it) == CRM_OK) {
    const char *name, *before, *after;
    CHECK(crm_change_field(crm_iter_change(it), 0, &name, NULL, &before, NULL, &after, NULL) == CRM_OK);
    CHECK(strcmp(name, "stage") == 0);
    ++count;
  }
  crm_iter_free(it);
  CHECK(count == 3); /* created in, moved to proposal, won */
  CHECK(crm_field_history(&it, txn, 42, 1, S("stage")) == CRM_EINVALID);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_write(&txn, db, S("admin")) == CRM_OK);
  CHECK(crm_customer_delete(txn, id, 1) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  crm_opportunity_free(o);
  crm_pipeline_free(p);
  crm_customer_free(c);
  crm_db_close(db);
}

/* crm_db_write callbacks */
struct batch {
  int count;
  int fail_after; /* return CRM_EINVALID after creating this many (-1: never) */
  size_t pad;     /* bytes of custom text per customer */
};

static int create_batch(crm_txn* txn, void* arg) {
  struct batch* b = (struct batch*)arg;
  static char pad[4096];
  int i, rc;
  memset(pad, 'p', sizeof pad);
  for (i = 0; i < b->count; ++i) {
    char given[32];
    crm_customer* c = NULL;
    if (i == b->fail_after) return CRM_EINVALID;
    snprintf(given, sizeof given, "Batch%d", i);
    rc = crm_customer_new(&c);
    if (rc == CRM_OK) rc = crm_customer_set_text(c, CRM_CUSTOMER_GIVEN_NAME, given, strlen(given));
    if (rc == CRM_OK && b->pad > 0) rc = crm_customer_set_custom(c, S("notes"), CRM_VALUE_TEXT, 0, pad, b->pad);
    if (rc == CRM_OK) rc = crm_customer_create(txn, c);
    crm_customer_free(c);
    if (rc != CRM_OK) return rc;
  }
  /* The lent transaction is not the callback's to finish. */
  if (crm_txn_commit(txn) != CRM_EINVALID) return CRM_EINTERNAL;
  crm_txn_free(txn);
  return CRM_OK;
}

static void test_db_write_commits_rolls_back_and_grows(void) {
  char path[512];
  crm_db* db = NULL;
  crm_txn* txn = NULL;
  crm_options opts = CRM_OPTIONS_INIT;
  crm_customer_query all = CRM_CUSTOMER_QUERY_INIT;
  uint64_t n = 0;
  struct batch ok = {10, -1, 0};
  struct batch failing = {10, 5, 0};
  struct batch big = {2500, -1, 1500};
  opts.no_sync = 1;
  opts.initial_map_size = 1 << 20; /* 1 MiB: the big batch needs several growths */
  snprintf(path, sizeof path, "%s/write.crm", g_dir);
  CHECK(crm_db_open(&db, path, &opts) == CRM_OK);
  CHECK(crm_db_write(db, S("batch"), create_batch, &ok) == CRM_OK);
  CHECK(crm_db_write(db, S("batch"), create_batch, &failing) == CRM_EINVALID); /* fn's own result */
  CHECK(crm_db_write(db, S("batch"), create_batch, &big) == CRM_OK);
  CHECK(crm_db_write(db, S("batch"), NULL, NULL) == CRM_EINVALID);
  CHECK(crm_db_write(NULL, S("batch"), create_batch, &ok) == CRM_EINVALID);
  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_customer_count(&n, txn, &all) == CRM_OK);
  CHECK(n == 10 + 2500); /* the failed batch left nothing */
  crm_txn_free(txn);
  crm_db_close(db);
}

/* crm_errmsg() is per thread: each thread sees the message of its own last failure. */
static void* fail_with(void* arg) {
  const char* which = (const char*)arg;
  crm_customer* c = NULL;
  int i, ok = 1;
  crm_customer_new(&c);
  for (i = 0; i < 2000 && ok; ++i) {
    if (which[0] == 't') {
      crm_customer_set_text(c, 999, S("x"));
      ok = strstr(crm_errmsg(), "field 999") != NULL;
    } else {
      crm_customer_set_int(c, CRM_CUSTOMER_STAGE, 99);
      ok = strstr(crm_errmsg(), "stage") != NULL;
    }
  }
  crm_customer_free(c);
  return ok ? (void*)1 : NULL;
}

static void test_errmsg_is_per_thread(void) {
  pthread_t a, b;
  void* ra = NULL;
  void* rb = NULL;
  CHECK(pthread_create(&a, NULL, fail_with, (void*)"text") == 0);
  CHECK(pthread_create(&b, NULL, fail_with, (void*)"int") == 0);
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  CHECK(ra != NULL);
  CHECK(rb != NULL);
}

/* Items taken out of an iterator, and clones, outlive it and are the caller's. */
static void test_take_and_clone(void) {
  crm_db* db = open_db("take.crm");
  crm_customer* c = person("Tara", "Keep", "tara@example.com");
  uint64_t id = create(db, c);
  crm_txn* txn = NULL;
  crm_iter* it = NULL;
  crm_interaction* in = NULL;
  crm_interaction* kept[3] = {NULL, NULL, NULL};
  crm_interaction* copy = NULL;
  crm_customer* taken = NULL;
  crm_pipeline* pipeline = NULL;
  crm_pipeline* pipeline_copy = NULL;
  crm_opportunity* o = NULL;
  crm_opportunity* o_copy = NULL;
  crm_change* change = NULL;
  crm_change* change_copy = NULL;
  crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
  int k;
  size_t len = 0;

  CHECK(crm_txn_begin_write(&txn, db, S("tara")) == CRM_OK);
  for (k = 0; k < 3; ++k) {
    CHECK(crm_interaction_new(&in) == CRM_OK);
    CHECK(crm_interaction_set_int(in, CRM_INTERACTION_CUSTOMER, (int64_t)id) == CRM_OK);
    CHECK(crm_interaction_set_int(in, CRM_INTERACTION_OCCURRED_AT, 1000000 * (k + 1)) == CRM_OK);
    CHECK(crm_interaction_log(txn, in) == CRM_OK);
    crm_interaction_free(in);
  }
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Keep deal")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_CUSTOMER, (int64_t)id) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  q.customer = id;
  q.page_size = 2; /* the items span two pages */
  CHECK(crm_timeline(&it, txn, &q) == CRM_OK);
  CHECK(crm_iter_take_interaction(&kept[0], it) == CRM_EINVALID); /* before the first next */
  CHECK(errmsg_has("no current item"));
  for (k = 0; k < 3; ++k) {
    CHECK(crm_iter_next(it) == CRM_OK);
    CHECK(crm_iter_take_customer(&taken, it) == CRM_EINVALID);
    CHECK(taken == NULL);
    CHECK(crm_iter_take_interaction(&kept[k], it) == CRM_OK);
    CHECK(crm_iter_interaction(it) == NULL);                        /* moved out */
    CHECK(crm_iter_take_interaction(&copy, it) == CRM_EINVALID);    /* only once */
  }
  CHECK(crm_iter_next(it) == CRM_ITEROVER);
  crm_iter_free(it);
  for (k = 0; k < 3; ++k) {
    CHECK(crm_interaction_int(kept[k], CRM_INTERACTION_OCCURRED_AT) == 1000000 * (3 - k));
  }
  /* Many at a time: a batch stops at a page end, where the page token continues. */
  {
    crm_interaction* batch[8];
    size_t n = 99, total = 0;
    const char* token;
    size_t token_len = 0;
    CHECK(crm_timeline(&it, txn, &q) == CRM_OK); /* 3 items, pages of 2 */
    CHECK(crm_iter_take_customers((crm_customer**)batch, 8, &n, it) == CRM_EINVALID);
    CHECK(n == 0);
    CHECK(crm_iter_take_interactions(batch, 8, &n, it) == CRM_OK);
    CHECK(n == 2);
    token = crm_iter_page_token(it, &token_len);
    CHECK(token_len > 0 && token[token_len] == '\0');
    CHECK(crm_interaction_int(batch[0], CRM_INTERACTION_OCCURRED_AT) == 3000000);
    CHECK(crm_interaction_int(batch[1], CRM_INTERACTION_OCCURRED_AT) == 2000000);
    for (k = 0; k < (int)n; ++k) crm_interaction_free(batch[k]);
    total += n;
    CHECK(crm_iter_take_interactions(batch, 8, &n, it) == CRM_OK);
    CHECK(n == 1);
    CHECK(crm_interaction_int(batch[0], CRM_INTERACTION_OCCURRED_AT) == 1000000);
    crm_interaction_free(batch[0]);
    total += n;
    CHECK(crm_iter_take_interactions(batch, 8, &n, it) == CRM_OK);
    CHECK(n == 0);
    CHECK(total == 3);
    CHECK(crm_iter_take_interactions(batch, 8, NULL, it) == CRM_EINVALID);
    crm_iter_free(it);
    /* max stops a batch before a page end */
    q.page_size = 0;
    CHECK(crm_timeline(&it, txn, &q) == CRM_OK);
    CHECK(crm_iter_take_interactions(batch, 1, &n, it) == CRM_OK);
    CHECK(n == 1);
    crm_interaction_free(batch[0]);
    CHECK(crm_iter_take_interactions(batch, 8, &n, it) == CRM_OK);
    CHECK(n == 2);
    for (k = 0; k < (int)n; ++k) crm_interaction_free(batch[k]);
    crm_iter_free(it);
  }
  CHECK(crm_interaction_clone(&copy, kept[0]) == CRM_OK);
  CHECK(crm_interaction_set_int(kept[0], CRM_INTERACTION_OCCURRED_AT, 5) == CRM_OK);
  CHECK(crm_interaction_int(copy, CRM_INTERACTION_OCCURRED_AT) == 3000000);
  crm_interaction_free(copy);
  for (k = 0; k < 3; ++k) crm_interaction_free(kept[k]);

  {
    crm_customer_query cq = CRM_CUSTOMER_QUERY_INIT;
    CHECK(crm_customer_list(&it, txn, &cq) == CRM_OK);
  }
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_iter_take_customer(&taken, it) == CRM_OK);
  crm_iter_free(it);
  CHECK(crm_customer_int(taken, CRM_CUSTOMER_ID) == (int64_t)id);
  crm_customer_free(taken);

  CHECK(crm_pipeline_list(&it, txn) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_iter_take_pipeline(&pipeline, it) == CRM_OK);
  crm_iter_free(it);
  CHECK(crm_pipeline_clone(&pipeline_copy, pipeline) == CRM_OK);
  CHECK(crm_pipeline_stage_count(pipeline_copy) == crm_pipeline_stage_count(pipeline));
  CHECK(crm_pipeline_stage_count(pipeline) > 0);
  crm_pipeline_free(pipeline);
  crm_pipeline_free(pipeline_copy);

  crm_opportunity_free(o);
  o = NULL;
  {
    crm_opportunity_query oq = CRM_OPPORTUNITY_QUERY_INIT;
    CHECK(crm_opportunity_list(&it, txn, &oq) == CRM_OK);
  }
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_iter_take_opportunity(&o, it) == CRM_OK);
  crm_iter_free(it);
  CHECK(crm_opportunity_clone(&o_copy, o) == CRM_OK);
  CHECK(strcmp(crm_opportunity_text(o_copy, CRM_OPPORTUNITY_TITLE, &len), "Keep deal") == 0);
  crm_opportunity_free(o);
  crm_opportunity_free(o_copy);

  CHECK(crm_changes(&it, txn, 0) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK);
  CHECK(crm_iter_take_change(&change, it) == CRM_OK);
  CHECK(crm_iter_change(it) == NULL);
  crm_iter_free(it);
  CHECK(crm_change_clone(&change_copy, change) == CRM_OK);
  CHECK(crm_change_seq(change_copy) == crm_change_seq(change));
  CHECK(crm_change_entity(change) > 0 && crm_change_entity(change_copy) == crm_change_entity(change));
  crm_change_free(change_copy);
  CHECK(crm_change_clone(&change_copy, NULL) == CRM_EINVALID);
  CHECK(change_copy == NULL);
  crm_change_free(change);
  crm_change_free(NULL);
  CHECK(crm_iter_take_change(&change, NULL) == CRM_EINVALID);
  crm_txn_free(txn);
  crm_customer_free(c);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 2;
  test_version_and_errors();
  test_open_errors();
  test_currency_digits();
  test_null_handles_never_crash();
  test_customer_lifecycle();
  test_pagination();
  test_timeline_pipeline_and_feed();
  test_take_and_clone();
  test_db_write_commits_rolls_back_and_grows();
  test_errmsg_is_per_thread();
  return finish();
}
