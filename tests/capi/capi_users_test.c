/* The C ABI's users and teams (crm_users.h), and the query fields read through owners. */
#include "capi_support.h"

static uint64_t make_team(crm_txn* txn, const char* name, const char* region) {
  crm_team* t = NULL;
  int64_t id = 0;
  CHECK(crm_team_new(&t) == CRM_OK);
  CHECK(crm_team_set_text(t, CRM_TEAM_NAME, name, strlen(name)) == CRM_OK);
  CHECK(crm_team_set_text(t, CRM_TEAM_REGION, region, strlen(region)) == CRM_OK);
  CHECK(crm_team_create(txn, t) == CRM_OK);
  CHECK(crm_team_get_int(&id, t, CRM_TEAM_ID) == CRM_OK && id > 0);
  crm_team_free(t);
  return (uint64_t)id;
}

static uint64_t make_user(crm_txn* txn, const char* name, const char* login, uint64_t team, uint64_t manager) {
  crm_user* u = NULL;
  int64_t id = 0;
  CHECK(crm_user_new(&u) == CRM_OK);
  CHECK(crm_user_set_text(u, CRM_USER_NAME, name, strlen(name)) == CRM_OK);
  CHECK(crm_user_set_text(u, CRM_USER_LOGIN, login, strlen(login)) == CRM_OK);
  CHECK(crm_user_set_int(u, CRM_USER_TEAM, (int64_t)team) == CRM_OK);
  CHECK(crm_user_set_int(u, CRM_USER_MANAGER, (int64_t)manager) == CRM_OK);
  CHECK(crm_user_create(txn, u) == CRM_OK);
  CHECK(crm_user_get_int(&id, u, CRM_USER_ID) == CRM_OK && id > 0);
  crm_user_free(u);
  return (uint64_t)id;
}

static void won_deal(crm_txn* txn, const char* owner, int64_t cents) {
  crm_opportunity* o = NULL;
  crm_opportunity* closed = NULL;
  CHECK(crm_opportunity_new(&o) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, S("Deal")) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_OWNER, owner, strlen(owner)) == CRM_OK);
  CHECK(crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, S("EUR")) == CRM_OK);
  CHECK(crm_opportunity_set_int(o, CRM_OPPORTUNITY_AMOUNT, cents) == CRM_OK);
  CHECK(crm_opportunity_create(txn, o) == CRM_OK);
  CHECK(crm_opportunity_close_won(&closed, txn, (uint64_t)crm_opportunity_int(o, CRM_OPPORTUNITY_ID)) == CRM_OK);
  crm_opportunity_free(closed);
  crm_opportunity_free(o);
}

static void test_users_and_teams(void) {
  crm_db* db = open_db("users.crm");
  crm_txn* txn = NULL;
  crm_user* u = NULL;
  crm_user* copy = NULL;
  crm_team* t = NULL;
  crm_user_list* users = NULL;
  crm_team_list* teams = NULL;
  crm_iter* it = NULL;
  const char* text;
  size_t len = 0;
  int64_t v = 0;
  uint64_t east, west, boss, ann;

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  east = make_team(txn, "East", "Atlantic");
  west = make_team(txn, "West", "Pacific");
  boss = make_user(txn, "Dana Boss", "dana", east, 0);
  ann = make_user(txn, "Ann Lee", "ann", east, boss);
  make_user(txn, "Bob Stone", "bob", west, 0);
  won_deal(txn, "ann", 10000);
  won_deal(txn, "Ann Lee", 2550);
  won_deal(txn, "bob", 725);
  won_deal(txn, "nobody", 1);

  /* Refusals name what is wrong and leave the transaction usable. */
  CHECK(crm_user_new(&u) == CRM_OK);
  CHECK(crm_user_create(txn, u) == CRM_EINVALID && errmsg_has("name"));
  CHECK(crm_user_set_text(u, CRM_USER_NAME, S("Twin")) == CRM_OK);
  CHECK(crm_user_set_text(u, CRM_USER_LOGIN, S("ANN")) == CRM_OK);
  CHECK(crm_user_create(txn, u) == CRM_EEXISTS && errmsg_has("login"));
  CHECK(crm_user_set_text(u, CRM_USER_LOGIN, S("")) == CRM_OK);
  CHECK(crm_user_set_int(u, CRM_USER_MANAGER, 999) == CRM_OK);
  CHECK(crm_user_create(txn, u) == CRM_EINVALID && errmsg_has("user 999 does not exist"));
  CHECK(crm_user_set_int(u, CRM_USER_ID, 5) == CRM_EINVALID && errmsg_has("read-only"));
  CHECK(crm_user_set_int(u, CRM_USER_ACTIVE, 2) == CRM_EINVALID);
  CHECK(crm_user_set_int(u, CRM_USER_TEAM, -1) == CRM_EINVALID);
  CHECK(crm_user_set_text(u, CRM_USER_ACTIVE, S("x")) == CRM_EINVALID && errmsg_has("integer field"));
  CHECK(crm_user_text(u, 104, &len) == NULL && len == 0);
  crm_user_free(u);
  u = NULL;
  CHECK(crm_team_delete(txn, east) == CRM_EDEPENDENTS);
  CHECK(crm_user_delete(txn, boss) == CRM_EDEPENDENTS && errmsg_has("manages user"));
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  CHECK(crm_user_find_by_login(&u, txn, S("ANN")) == CRM_OK);
  text = crm_user_text(u, CRM_USER_NAME, &len);
  CHECK(text != NULL && len == 7 && strcmp(text, "Ann Lee") == 0);
  CHECK(crm_user_get_int(&v, u, CRM_USER_MANAGER) == CRM_OK && (uint64_t)v == boss);
  CHECK(crm_user_get_int(&v, u, CRM_USER_ACTIVE) == CRM_OK && v == 1);
  CHECK((uint64_t)crm_user_int(u, CRM_USER_TEAM) == east && crm_user_int(u, CRM_USER_NAME) == 0);
  CHECK(crm_user_clone(&copy, u) == CRM_OK);
  CHECK(crm_user_get_int(&v, copy, CRM_USER_ID) == CRM_OK && (uint64_t)v == ann);
  crm_user_free(copy);
  crm_user_free(u);
  u = NULL;
  CHECK(crm_user_resolve_owner(&u, txn, S("ann lee")) == CRM_OK);
  CHECK(crm_user_get_int(&v, u, CRM_USER_ID) == CRM_OK && (uint64_t)v == ann);
  crm_user_free(u);
  u = NULL;
  CHECK(crm_user_resolve_owner(&u, txn, S("nobody")) == CRM_ENOTFOUND && u == NULL && errmsg_has("names no user"));
  CHECK(crm_user_find_by_email(&u, txn, S("x@y.example")) == CRM_ENOTFOUND);
  CHECK(crm_user_get(&u, txn, boss) == CRM_OK);
  crm_user_free(u);
  u = NULL;
  CHECK(crm_user_find_by_login(&u, txn, NULL, 3) == CRM_EINVALID);
  CHECK(crm_team_find_by_name(&t, txn, S("west")) == CRM_OK);
  CHECK(strcmp(crm_team_text(t, CRM_TEAM_REGION, NULL), "Pacific") == 0);
  CHECK(crm_team_get_int(&v, t, CRM_TEAM_ID) == CRM_OK && (uint64_t)v == west);
  CHECK((uint64_t)crm_team_int(t, CRM_TEAM_ID) == west && crm_team_int(t, 299) == 0 && errmsg_has("field 299"));
  crm_team_free(t);

  CHECK(crm_user_list_get(&users, txn, east) == CRM_OK && crm_user_list_size(users) == 2);
  CHECK(crm_user_list_at(users, 2) == NULL);
  CHECK(strcmp(crm_user_text(crm_user_list_at(users, 1), CRM_USER_LOGIN, NULL), "ann") == 0);
  crm_user_list_free(users);
  CHECK(crm_user_list_get(&users, txn, 0) == CRM_OK && crm_user_list_size(users) == 3);
  crm_user_list_free(users);
  CHECK(crm_team_list_get(&teams, txn) == CRM_OK && crm_team_list_size(teams) == 2);
  CHECK(strcmp(crm_team_text(crm_team_list_at(teams, 0), CRM_TEAM_NAME, NULL), "East") == 0);
  crm_team_list_free(teams);

  /* The change feed has the users and teams. */
  CHECK(crm_field_history(&it, txn, CRM_ENTITY_USER, ann, S("manager")) == CRM_OK);
  CHECK(crm_iter_next(it) == CRM_OK);
  crm_iter_free(it);
  crm_txn_free(txn);
  crm_db_close(db);
}

static void test_queries_through_owners(void) {
  crm_db* db = open_db("owners.crm");
  crm_txn* txn = NULL;
  crm_search s = CRM_SEARCH_INIT;
  crm_aggregation a = CRM_AGGREGATION_INIT;
  crm_aggregate* r = NULL;
  uint64_t n = 0, east;
  int64_t value = 0;
  size_t i;
  int seen = 0;
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  east = make_team(txn, "East", "Atlantic");
  make_user(txn, "Ann Lee", "ann", east, 0);
  won_deal(txn, "ann", 10000);
  won_deal(txn, "Ann Lee", 2550);
  won_deal(txn, "nobody", 1);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);

  CHECK(crm_txn_begin_read(&txn, db) == CRM_OK);
  s.filter = "team = 'east' and team.region = 'Atlantic'";
  s.filter_len = strlen(s.filter);
  CHECK(crm_search_count(&n, txn, CRM_ENTITY_OPPORTUNITY, &s) == CRM_OK && n == 2);
  a.group_by = "team";
  a.group_by_len = strlen(a.group_by);
  a.measures = "sum(amount)";
  a.measures_len = strlen(a.measures);
  CHECK(crm_aggregate_run(&r, txn, CRM_ENTITY_OPPORTUNITY, &a) == CRM_OK && crm_aggregate_rows(r) == 2);
  for (i = 0; i < 2; ++i) {
    const char* key = crm_aggregate_key(r, i, 0, NULL);
    CHECK(crm_aggregate_value(&value, NULL, NULL, r, i, 0) == CRM_OK);
    if (key != NULL && strcmp(key, "East") == 0) {
      CHECK(value == 12550);
      seen |= 1;
    } else {
      CHECK(key == NULL && value == 1);
      seen |= 2;
    }
  }
  CHECK(seen == 3);
  crm_aggregate_free(r);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_users_and_teams();
  test_queries_through_owners();
  return finish();
}
