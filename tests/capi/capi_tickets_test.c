/* The C ABI's customer service (crm_tickets.h): a calendar with a holiday, a policy, a ticket
 * whose SLA clock crosses the holiday and a weekend and pauses while pending, its conversation,
 * what breaches soon, the service report, and refusals that name the field. */
#include "capi_support.h"

/* 2025-12-24T16:00Z (a Wednesday) and the other times below, in microseconds. */
#define WED_16 1766592000000000LL
#define WED_17 1766595600000000LL
#define MON_10 1767002400000000LL
#define FRI_0930 1766741400000000LL
#define FRI_11 1766746800000000LL
#define MON_14 1767016800000000LL
#define TUE_13 1767099600000000LL
#define HOUR 3600000000LL

static uint64_t make_calendar(crm_txn* txn) {
  crm_calendar* c = NULL;
  crm_calendar_list* l = NULL;
  const char* text;
  size_t len = 0;
  int day, weekday = 0, start = 0, end = 0;
  uint64_t id;
  CHECK(crm_calendar_new(&c) == CRM_OK);
  CHECK(crm_calendar_set_text(c, CRM_CALENDAR_NAME, S("Office")) == CRM_OK);
  CHECK(crm_calendar_set_text(c, CRM_CALENDAR_TIME_ZONE, S("Mars/Olympus")) == CRM_OK);
  for (day = 1; day <= 5; ++day) CHECK(crm_calendar_add_hours(c, day, 9 * 60, 17 * 60) == CRM_OK);
  CHECK(crm_calendar_add_hours(c, 8, 0, 60) == CRM_EINVALID && errmsg_has("weekday"));
  CHECK(crm_calendar_add_holiday(c, S("2025-12-25"), S("Christmas Day")) == CRM_OK);
  CHECK(crm_calendar_create(txn, c) == CRM_EINVALID && errmsg_has("time_zone"));
  CHECK(crm_calendar_set_text(c, CRM_CALENDAR_TIME_ZONE, S("UTC")) == CRM_OK);
  CHECK(crm_calendar_set_int(c, CRM_CALENDAR_ID, 5) == CRM_EINVALID);
  CHECK(crm_calendar_create(txn, c) == CRM_OK);
  id = (uint64_t)crm_calendar_int(c, CRM_CALENDAR_ID);
  CHECK(id == 1);
  CHECK(crm_calendar_hours_count(c) == 5 && crm_calendar_holiday_count(c) == 1);
  CHECK(crm_calendar_hours(c, 4, &weekday, &start, &end) == CRM_OK && weekday == 5 && start == 540 && end == 1020);
  CHECK(crm_calendar_holiday(c, 0, &text, &len, NULL, NULL) == CRM_OK && len == 10 && memcmp(text, "2025-12-25", 10) == 0);
  crm_calendar_free(c);
  CHECK(crm_calendar_list_get(&l, txn) == CRM_OK && crm_calendar_list_size(l) == 1);
  CHECK(strcmp(crm_calendar_text(crm_calendar_list_at(l, 0), CRM_CALENDAR_NAME, NULL), "Office") == 0);
  CHECK(crm_calendar_list_at(l, 1) == NULL);
  crm_calendar_list_free(l);
  return id;
}

static void test_tickets(void) {
  crm_db* db = open_db("tickets.crm");
  crm_txn* txn = NULL;
  crm_sla_policy* p = NULL;
  crm_ticket* t = NULL;
  crm_ticket_list* list = NULL;
  crm_ticket_entries* e = NULL;
  crm_ticket_due* due = NULL;
  crm_report* r = NULL;
  crm_customer* who = person("Ann", "Martin", NULL);
  uint64_t ann = create(db, who), calendar, policy, ticket, entry = 0, id = 0, team = 9;
  int64_t v = 0, due_at = 0, completed = 0, elapsed = 0, at = 0;
  int metric = 0, violated = -1, status = 0, kind = 0;
  const char* text;
  size_t len = 0;
  crm_customer_free(who);

  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  calendar = make_calendar(txn);
  CHECK(crm_business_seconds(&v, txn, calendar, WED_16, MON_10) == CRM_OK && v == 10 * 3600);
  CHECK(crm_business_add(&v, txn, calendar, WED_16, 3600) == CRM_OK && v == WED_17);
  CHECK(crm_business_seconds(&v, txn, 99, WED_16, MON_10) == CRM_ENOTFOUND);

  CHECK(crm_sla_policy_new(&p) == CRM_OK);
  CHECK(crm_sla_policy_int(p, CRM_SLA_PAUSE_STATUSES) == ((1 << CRM_TICKET_PENDING) | (1 << CRM_TICKET_ON_HOLD)));
  CHECK(crm_sla_policy_set_text(p, CRM_SLA_NAME, S("Standard")) == CRM_OK);
  CHECK(crm_sla_policy_create(txn, p) == CRM_EINVALID && errmsg_has("target"));
  CHECK(crm_sla_policy_set_int(p, CRM_SLA_FIRST_RESPONSE_MINUTES, 60) == CRM_OK);
  CHECK(crm_sla_policy_set_int(p, CRM_SLA_RESOLUTION_MINUTES, 600) == CRM_OK);
  CHECK(crm_sla_policy_set_int(p, CRM_SLA_PRIORITIES, 1 << 7) == CRM_EINVALID && errmsg_has("priorities"));
  CHECK(crm_sla_policy_add_team(p, team) == CRM_OK);
  CHECK(crm_sla_policy_create(txn, p) == CRM_EINVALID && errmsg_has("teams[0]"));
  CHECK(crm_sla_policy_clear_teams(p) == CRM_OK && crm_sla_policy_team_count(p) == 0);
  CHECK(crm_sla_policy_create(txn, p) == CRM_OK);
  policy = (uint64_t)crm_sla_policy_int(p, CRM_SLA_ID);
  crm_sla_policy_free(p);

  CHECK(crm_ticket_new(&t) == CRM_OK);
  CHECK(crm_ticket_set_text(t, CRM_TICKET_SUBJECT, S("The invoice is wrong")) == CRM_OK);
  CHECK(crm_ticket_open(txn, t) == CRM_EINVALID && errmsg_has("customer"));
  CHECK(crm_ticket_set_int(t, CRM_TICKET_CUSTOMER, (int64_t)ann) == CRM_OK);
  CHECK(crm_ticket_set_int(t, CRM_TICKET_OPENED_AT, WED_16) == CRM_OK);
  CHECK(crm_ticket_set_int(t, CRM_TICKET_PRIORITY, 9) == CRM_EINVALID);
  CHECK(crm_ticket_set_int(t, CRM_TICKET_DUE_AT, 1) == CRM_EINVALID && errmsg_has("read-only"));
  CHECK(crm_ticket_set_int(t, CRM_TICKET_PRIORITY, CRM_PRIORITY_HIGH) == CRM_OK);
  CHECK(crm_ticket_open(txn, t) == CRM_OK);
  ticket = (uint64_t)crm_ticket_int(t, CRM_TICKET_ID);
  CHECK(ticket == 1 && crm_ticket_int(t, CRM_TICKET_STATUS) == CRM_TICKET_NEW);
  CHECK(crm_ticket_int(t, CRM_TICKET_INTERACTION) > 0);
  CHECK(crm_ticket_milestone_count(t) == 2);
  CHECK(crm_ticket_milestone(t, 0, &metric, &id, NULL, &due_at, NULL, NULL, NULL) == CRM_OK);
  CHECK(metric == CRM_SLA_FIRST_RESPONSE && id == policy && due_at == WED_17);
  CHECK(crm_ticket_milestone(t, 1, &metric, NULL, NULL, &due_at, NULL, NULL, NULL) == CRM_OK);
  CHECK(metric == CRM_SLA_RESOLUTION && due_at == MON_10);
  CHECK(crm_ticket_int(t, CRM_TICKET_DUE_AT) == WED_17);
  CHECK(crm_ticket_milestone(t, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == CRM_ENOTFOUND);

  CHECK(crm_tickets_breaching(&due, txn, 0, 0, 0, 10, NULL, 0) == CRM_OK && crm_ticket_due_count(due) == 1);
  CHECK(crm_ticket_due_item(due, 0, &id, &due_at, &metric, &status, &kind, NULL, NULL) == CRM_OK);
  CHECK(id == ticket && due_at == WED_17 && metric == CRM_SLA_FIRST_RESPONSE && status == CRM_TICKET_NEW &&
        kind == CRM_PRIORITY_HIGH);
  CHECK(strcmp(crm_ticket_due_next(due, NULL), "") == 0);
  crm_ticket_due_free(due);

  CHECK(crm_ticket_entry_add(&entry, txn, ticket, CRM_AUTHOR_AGENT, 0, FRI_0930, S("Looking into it.")) == CRM_OK);
  CHECK(entry == 1);
  CHECK(crm_ticket_entry_add(NULL, txn, ticket, 7, 0, 0, S("x")) == CRM_EINVALID && errmsg_has("author_kind"));
  CHECK(crm_ticket_entry_add(NULL, txn, ticket, CRM_AUTHOR_NOTE, 0, 0, NULL, 0) == CRM_EINVALID && errmsg_has("body"));
  CHECK(crm_ticket_set_status(txn, t, CRM_TICKET_PENDING, FRI_11) == CRM_OK);
  CHECK(crm_ticket_int(t, CRM_TICKET_FIRST_RESPONSE_AT) == FRI_0930);
  CHECK(crm_ticket_milestone(t, 0, NULL, NULL, NULL, NULL, &completed, &violated, &elapsed) == CRM_OK);
  CHECK(completed == FRI_0930 && violated == 1 && elapsed == 90 * 60);
  CHECK(crm_ticket_int(t, CRM_TICKET_DUE_AT) == 0);
  CHECK(crm_ticket_set_status(txn, t, CRM_TICKET_OPEN, MON_14) == CRM_OK);
  CHECK(crm_ticket_milestone(t, 1, NULL, NULL, NULL, &due_at, NULL, NULL, NULL) == CRM_OK && due_at == TUE_13);
  CHECK(crm_ticket_set_status(txn, t, CRM_TICKET_SOLVED, TUE_13 - HOUR) == CRM_OK);
  CHECK(crm_ticket_milestone(t, 1, NULL, NULL, NULL, NULL, &completed, &violated, NULL) == CRM_OK);
  CHECK(completed == TUE_13 - HOUR && violated == 0);
  CHECK(crm_ticket_rate(txn, t, 6, NULL, 0) == CRM_EINVALID);
  CHECK(crm_ticket_rate(txn, t, 5, S("Thanks")) == CRM_OK && crm_ticket_int(t, CRM_TICKET_SATISFACTION) == 5);
  CHECK(strcmp(crm_ticket_text(t, CRM_TICKET_SATISFACTION_COMMENT, NULL), "Thanks") == 0);
  CHECK(crm_ticket_set_status(txn, t, CRM_TICKET_CLOSED, 0) == CRM_OK);
  CHECK(crm_ticket_set_status(txn, t, CRM_TICKET_OPEN, 0) == CRM_ECONFLICT && errmsg_has("closed"));
  CHECK(crm_ticket_history_count(t) == 5);
  CHECK(crm_ticket_history(t, 1, &status, &at) == CRM_OK && status == CRM_TICKET_PENDING && at == FRI_11);
  crm_ticket_free(t);

  CHECK(crm_ticket_entries_list(&e, txn, ticket) == CRM_OK && crm_ticket_entries_count(e) == 1);
  CHECK(crm_ticket_entries_item(e, 0, &id, &kind, NULL, &at, &text, &len) == CRM_OK);
  CHECK(id == entry && kind == CRM_AUTHOR_AGENT && at == FRI_0930 && len == 16 && memcmp(text, "Looking into it.", 16) == 0);
  crm_ticket_entries_free(e);
  CHECK(crm_tickets_of(&list, txn, ann, 10, NULL, 0) == CRM_OK && crm_ticket_list_size(list) == 1);
  CHECK(crm_ticket_int(crm_ticket_list_at(list, 0), CRM_TICKET_ID) == (int64_t)ticket);
  CHECK(strcmp(crm_ticket_list_next(list, NULL), "") == 0);
  crm_ticket_list_free(list);

  CHECK(crm_service_report(&r, txn, 0, 0) == CRM_OK);
  CHECK(crm_report_rows(r) == 2);
  CHECK(crm_report_int(&v, r, 0, column(r, "tickets")) == CRM_OK && v == 1);
  CHECK(crm_report_int(&v, r, 0, column(r, "first_response_violated")) == CRM_OK && v == 1);
  CHECK(crm_report_int(&v, r, 0, column(r, "resolution_met")) == CRM_OK && v == 1);
  crm_report_free(r);
  CHECK(crm_service_report(&r, txn, MON_10, WED_16) == CRM_EINVALID && errmsg_has("to"));

  CHECK(crm_ticket_get(&t, txn, 42) == CRM_ENOTFOUND && t == NULL);
  CHECK(crm_ticket_delete(txn, ticket) == CRM_OK);
  CHECK(crm_ticket_get(&t, txn, ticket) == CRM_ENOTFOUND);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

/* Lead conversion (crm_leads.h): a lead with a company in its custom fields becomes a member of
 * a new organization and the contact of its deal; a second conversion is refused. */
static void test_leads(void) {
  crm_db* db = open_db("leads.crm");
  crm_txn* txn = NULL;
  crm_customer* lead = person("Ann", "Lee", "ann@acme-rockets.test");
  crm_customer *p = NULL, *org = NULL;
  crm_opportunity* deal = NULL;
  crm_lead_conversion c = CRM_LEAD_CONVERSION_INIT;
  uint64_t id;
  int created = -1;
  size_t len = 0;
  CHECK(crm_customer_set_custom(lead, S("company"), CRM_VALUE_TEXT, 0, S("Acme Rockets")) == CRM_OK);
  id = create(db, lead);
  crm_customer_free(lead);
  CHECK(crm_txn_begin_write(&txn, db, S("c-test")) == CRM_OK);
  c.lead = id;
  c.role = "CTO";
  c.role_len = 3;
  c.deal_title = "Acme rollout";
  c.deal_title_len = 12;
  c.amount = 1200000;
  c.currency = "EUR";
  c.currency_len = 3;
  CHECK(crm_lead_convert(&p, &org, &deal, &created, txn, &c) == CRM_OK);
  CHECK(created == 1 && p != NULL && org != NULL && deal != NULL);
  CHECK(crm_customer_int(p, CRM_CUSTOMER_ID) == (int64_t)id && crm_customer_int(p, CRM_CUSTOMER_STAGE) == CRM_STAGE_OPPORTUNITY);
  CHECK(strcmp(crm_customer_text(org, CRM_CUSTOMER_DISPLAY_NAME, &len), "Acme Rockets") == 0);
  CHECK(crm_opportunity_int(deal, CRM_OPPORTUNITY_CUSTOMER) == crm_customer_int(org, CRM_CUSTOMER_ID));
  crm_customer_free(p);
  crm_customer_free(org);
  crm_opportunity_free(deal);
  CHECK(crm_lead_convert(&p, NULL, NULL, NULL, txn, &c) == CRM_ECONFLICT && p == NULL && errmsg_has("stage"));
  c.version = 7;
  CHECK(crm_lead_convert(NULL, NULL, NULL, NULL, txn, &c) == CRM_EINVALID && errmsg_has("version"));
  CHECK(crm_lead_convert(NULL, NULL, NULL, NULL, txn, NULL) == CRM_EINVALID);
  CHECK(crm_txn_commit(txn) == CRM_OK);
  crm_txn_free(txn);
  crm_db_close(db);
}

int main(void) {
  if (make_test_dir() != 0) return 1;
  test_tickets();
  test_leads();
  return finish();
}
