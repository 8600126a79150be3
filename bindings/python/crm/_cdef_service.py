"""The declarations of crm_tickets.h that cffi binds (customer service: tickets, business
calendars, SLA policies) and crm_leads.h, added to the others by _cdef.py."""

SERVICE = """
typedef struct crm_ticket crm_ticket;
typedef struct crm_ticket_list crm_ticket_list;
typedef struct crm_ticket_entries crm_ticket_entries;
typedef struct crm_ticket_due crm_ticket_due;
typedef struct crm_calendar crm_calendar;
typedef struct crm_calendar_list crm_calendar_list;
typedef struct crm_sla_policy crm_sla_policy;
typedef struct crm_sla_policy_list crm_sla_policy_list;
int crm_ticket_new(crm_ticket** out);
int crm_ticket_clone(crm_ticket** out, const crm_ticket* t);
void crm_ticket_free(crm_ticket* t);
const char* crm_ticket_text(const crm_ticket* t, int field, size_t* len);
int crm_ticket_set_text(crm_ticket* t, int field, const char* s, size_t len);
int crm_ticket_get_int(int64_t* out, const crm_ticket* t, int field);
int64_t crm_ticket_int(const crm_ticket* t, int field);
int crm_ticket_set_int(crm_ticket* t, int field, int64_t value);
size_t crm_ticket_milestone_count(const crm_ticket* t);
int crm_ticket_milestone(const crm_ticket* t, size_t i, int* metric, uint64_t* policy, int64_t* target_minutes,
                                 int64_t* due_at, int64_t* completed_at, int* violated, int64_t* elapsed_seconds);
size_t crm_ticket_history_count(const crm_ticket* t);
int crm_ticket_history(const crm_ticket* t, size_t i, int* status, int64_t* at);
int crm_ticket_open(crm_txn* txn, crm_ticket* t);
int crm_ticket_update(crm_txn* txn, crm_ticket* t);
int crm_ticket_set_status(crm_txn* txn, crm_ticket* t, int status, int64_t at);
int crm_ticket_rate(crm_txn* txn, crm_ticket* t, int satisfaction, const char* comment, size_t comment_len);
int crm_ticket_recompute(crm_txn* txn, crm_ticket* t);
int crm_ticket_delete(crm_txn* txn, uint64_t id);
int crm_ticket_get(crm_ticket** out, crm_txn* txn, uint64_t id);
int crm_tickets_of(crm_ticket_list** out, crm_txn* txn, uint64_t customer, size_t limit, const char* page_token,
                           size_t page_token_len);
size_t crm_ticket_list_size(const crm_ticket_list* l);
const crm_ticket* crm_ticket_list_at(const crm_ticket_list* l, size_t i);
const char* crm_ticket_list_next(const crm_ticket_list* l, size_t* len);
void crm_ticket_list_free(crm_ticket_list* l);
int crm_ticket_entry_add(uint64_t* id, crm_txn* txn, uint64_t ticket, int author_kind, uint64_t author,
                                 int64_t at, const char* body, size_t body_len);
int crm_ticket_entries_list(crm_ticket_entries** out, crm_txn* txn, uint64_t ticket);
size_t crm_ticket_entries_count(const crm_ticket_entries* e);
int crm_ticket_entries_item(const crm_ticket_entries* e, size_t i, uint64_t* id, int* author_kind,
                                    uint64_t* author, int64_t* at, const char** body, size_t* body_len);
void crm_ticket_entries_free(crm_ticket_entries* e);
int crm_tickets_breaching(crm_ticket_due** out, crm_txn* txn, int64_t before, uint64_t team, uint64_t assignee,
                                  size_t limit, const char* page_token, size_t page_token_len);
size_t crm_ticket_due_count(const crm_ticket_due* d);
int crm_ticket_due_item(const crm_ticket_due* d, size_t i, uint64_t* ticket, int64_t* due_at, int* metric,
                                int* status, int* priority, uint64_t* team, uint64_t* assignee);
const char* crm_ticket_due_next(const crm_ticket_due* d, size_t* len);
void crm_ticket_due_free(crm_ticket_due* d);
int crm_service_report(crm_report** out, crm_txn* txn, int64_t from, int64_t to);
int crm_calendar_new(crm_calendar** out);
int crm_calendar_clone(crm_calendar** out, const crm_calendar* c);
void crm_calendar_free(crm_calendar* c);
const char* crm_calendar_text(const crm_calendar* c, int field, size_t* len);
int crm_calendar_set_text(crm_calendar* c, int field, const char* s, size_t len);
int crm_calendar_get_int(int64_t* out, const crm_calendar* c, int field);
int64_t crm_calendar_int(const crm_calendar* c, int field);
int crm_calendar_set_int(crm_calendar* c, int field, int64_t value);
size_t crm_calendar_hours_count(const crm_calendar* c);
int crm_calendar_hours(const crm_calendar* c, size_t i, int* weekday, int* start_minute, int* end_minute);
int crm_calendar_add_hours(crm_calendar* c, int weekday, int start_minute, int end_minute);
int crm_calendar_clear_hours(crm_calendar* c);
size_t crm_calendar_holiday_count(const crm_calendar* c);
int crm_calendar_holiday(const crm_calendar* c, size_t i, const char** date, size_t* date_len, const char** name,
                                 size_t* name_len);
int crm_calendar_add_holiday(crm_calendar* c, const char* date, size_t date_len, const char* name,
                                     size_t name_len);
int crm_calendar_clear_holidays(crm_calendar* c);
int crm_calendar_create(crm_txn* txn, crm_calendar* c);
int crm_calendar_update(crm_txn* txn, crm_calendar* c);
int crm_calendar_delete(crm_txn* txn, uint64_t id);
int crm_calendar_get(crm_calendar** out, crm_txn* txn, uint64_t id);
int crm_calendar_list_get(crm_calendar_list** out, crm_txn* txn);
size_t crm_calendar_list_size(const crm_calendar_list* l);
const crm_calendar* crm_calendar_list_at(const crm_calendar_list* l, size_t i);
void crm_calendar_list_free(crm_calendar_list* l);
int crm_business_seconds(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t to);
int crm_business_add(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t seconds);
int crm_sla_policy_new(crm_sla_policy** out);
int crm_sla_policy_clone(crm_sla_policy** out, const crm_sla_policy* p);
void crm_sla_policy_free(crm_sla_policy* p);
const char* crm_sla_policy_text(const crm_sla_policy* p, int field, size_t* len);
int crm_sla_policy_set_text(crm_sla_policy* p, int field, const char* s, size_t len);
int crm_sla_policy_get_int(int64_t* out, const crm_sla_policy* p, int field);
int64_t crm_sla_policy_int(const crm_sla_policy* p, int field);
int crm_sla_policy_set_int(crm_sla_policy* p, int field, int64_t value);
size_t crm_sla_policy_team_count(const crm_sla_policy* p);
uint64_t crm_sla_policy_team(const crm_sla_policy* p, size_t i);
int crm_sla_policy_add_team(crm_sla_policy* p, uint64_t team);
int crm_sla_policy_clear_teams(crm_sla_policy* p);
int crm_sla_policy_create(crm_txn* txn, crm_sla_policy* p);
int crm_sla_policy_update(crm_txn* txn, crm_sla_policy* p);
int crm_sla_policy_delete(crm_txn* txn, uint64_t id);
int crm_sla_policy_get(crm_sla_policy** out, crm_txn* txn, uint64_t id);
int crm_sla_policy_list_get(crm_sla_policy_list** out, crm_txn* txn);
size_t crm_sla_policy_list_size(const crm_sla_policy_list* l);
const crm_sla_policy* crm_sla_policy_list_at(const crm_sla_policy_list* l, size_t i);
void crm_sla_policy_list_free(crm_sla_policy_list* l);
typedef struct crm_lead_conversion {
  unsigned int version;
  uint64_t lead;
  uint64_t organization;
  const char* company;
  size_t company_len;
  const char* role;
  size_t role_len;
  int stage;
  const char* deal_title;
  size_t deal_title_len;
  uint64_t pipeline;
  int64_t amount;
  const char* currency;
  size_t currency_len;
  int64_t expected_close;
  const char* owner;
  size_t owner_len;
} crm_lead_conversion;
int crm_lead_convert(crm_customer** person, crm_customer** organization, crm_opportunity** deal,
                     int* organization_created, crm_txn* txn, const crm_lead_conversion* conversion);
"""
