/*
 * crm_tickets.h - customer service in the libcrm C ABI (since 0.20): tickets, their
 * conversations, business calendars and SLA policies. Included by crm.h; the conventions of crm.h
 * apply (field numbers carry their type, as for customers).
 *
 * A ticket belongs to a customer and has a status (CRM_TICKET_*), a priority, a channel, an
 * assignee (a user) and a team. Business calendars give working hours in a time zone, with
 * holidays; SLA policies set first-response and resolution targets in business minutes for the
 * tickets they match, and each ticket keeps the milestones they give it, the earliest running
 * deadline first in its CRM_TICKET_DUE_AT.
 */
#ifndef CRM_TICKETS_H
#define CRM_TICKETS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_ticket crm_ticket;
typedef struct crm_ticket_list crm_ticket_list;
typedef struct crm_ticket_entries crm_ticket_entries;
typedef struct crm_ticket_due crm_ticket_due;
typedef struct crm_calendar crm_calendar;
typedef struct crm_calendar_list crm_calendar_list;
typedef struct crm_sla_policy crm_sla_policy;
typedef struct crm_sla_policy_list crm_sla_policy_list;

#define CRM_TICKET_NEW 1
#define CRM_TICKET_OPEN 2
#define CRM_TICKET_PENDING 3
#define CRM_TICKET_ON_HOLD 4
#define CRM_TICKET_SOLVED 5
#define CRM_TICKET_CLOSED 6

#define CRM_PRIORITY_LOW 1
#define CRM_PRIORITY_NORMAL 2
#define CRM_PRIORITY_HIGH 3
#define CRM_PRIORITY_URGENT 4

#define CRM_TICKET_CHANNEL_EMAIL 1
#define CRM_TICKET_CHANNEL_PHONE 2
#define CRM_TICKET_CHANNEL_WEB 3
#define CRM_TICKET_CHANNEL_CHAT 4
#define CRM_TICKET_CHANNEL_OTHER 5

#define CRM_SLA_FIRST_RESPONSE 1
#define CRM_SLA_RESOLUTION 2

#define CRM_AUTHOR_CUSTOMER 1 /* a message from the customer */
#define CRM_AUTHOR_AGENT 2    /* a public reply: the first completes the first-response milestones */
#define CRM_AUTHOR_NOTE 3     /* an internal note */

/* Text fields of a ticket. */
#define CRM_TICKET_SUBJECT 101              /* required */
#define CRM_TICKET_DESCRIPTION 102
#define CRM_TICKET_SATISFACTION_COMMENT 103 /* read-only (crm_ticket_rate) */
/* Integer fields of a ticket. */
#define CRM_TICKET_ID 201           /* read-only */
#define CRM_TICKET_REVISION 202     /* set it to the revision an update is based on */
#define CRM_TICKET_CREATED_AT 203   /* read-only */
#define CRM_TICKET_UPDATED_AT 204   /* read-only */
#define CRM_TICKET_CUSTOMER 205     /* required; fixed once opened */
#define CRM_TICKET_PRIORITY 206     /* CRM_PRIORITY_* (default normal) */
#define CRM_TICKET_CHANNEL 207      /* CRM_TICKET_CHANNEL_* (default email) */
#define CRM_TICKET_ASSIGNEE 208     /* a user id; 0: unassigned */
#define CRM_TICKET_TEAM 209         /* 0: none */
#define CRM_TICKET_OPENED_AT 210    /* 0 on open: now; may be in the past, not in the future */
#define CRM_TICKET_STATUS 211       /* new or open on open; crm_ticket_set_status afterwards */
#define CRM_TICKET_FIRST_RESPONSE_AT 212 /* the rest are read-only */
#define CRM_TICKET_SOLVED_AT 213
#define CRM_TICKET_CLOSED_AT 214
#define CRM_TICKET_SATISFACTION 215 /* 1 to 5 once rated; 0: not rated */
#define CRM_TICKET_DUE_AT 216       /* the earliest deadline of its open, running milestones; 0: none */
#define CRM_TICKET_INTERACTION 217  /* the customer's timeline entry its opening logged */

CRM_API int crm_ticket_new(crm_ticket** out);
CRM_API int crm_ticket_clone(crm_ticket** out, const crm_ticket* t);
CRM_API void crm_ticket_free(crm_ticket* t);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_ticket_text(const crm_ticket* t, int field, size_t* len);
CRM_API int crm_ticket_set_text(crm_ticket* t, int field, const char* s, size_t len);
CRM_API int crm_ticket_get_int(int64_t* out, const crm_ticket* t, int field);
CRM_API int64_t crm_ticket_int(const crm_ticket* t, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_ticket_set_int(crm_ticket* t, int field, int64_t value);
/* Its milestones (any output may be NULL): *metric a CRM_SLA_*; *due_at 0 while the clock is
 * paused; *violated 1 when completed late, or open past its deadline when read. */
CRM_API size_t crm_ticket_milestone_count(const crm_ticket* t);
CRM_API int crm_ticket_milestone(const crm_ticket* t, size_t i, int* metric, uint64_t* policy, int64_t* target_minutes,
                                 int64_t* due_at, int64_t* completed_at, int* violated, int64_t* elapsed_seconds);
/* Every status it had, from its opening. */
CRM_API size_t crm_ticket_history_count(const crm_ticket* t);
CRM_API int crm_ticket_history(const crm_ticket* t, size_t i, int* status, int64_t* at);

/* Writes: the record is updated in place with what the store keeps. CRM_EINVALID naming the
 * field; CRM_ENOTFOUND for a customer that does not exist; CRM_ECONFLICT for a stale revision,
 * a closed ticket's status change, or a rating before the ticket is solved. */
CRM_API int crm_ticket_open(crm_txn* txn, crm_ticket* t);
CRM_API int crm_ticket_update(crm_txn* txn, crm_ticket* t);
/* The ticket CRM_TICKET_ID of `t` moves to `status` at `at` (0: now). */
CRM_API int crm_ticket_set_status(crm_txn* txn, crm_ticket* t, int status, int64_t at);
CRM_API int crm_ticket_rate(crm_txn* txn, crm_ticket* t, int satisfaction, const char* comment, size_t comment_len);
CRM_API int crm_ticket_recompute(crm_txn* txn, crm_ticket* t);
CRM_API int crm_ticket_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_ticket_get(crm_ticket** out, crm_txn* txn, uint64_t id);
/* A customer's tickets, newest first, a page at a time (limit 1 to 1000); the records are
 * borrowed until crm_ticket_list_free. */
CRM_API int crm_tickets_of(crm_ticket_list** out, crm_txn* txn, uint64_t customer, size_t limit, const char* page_token,
                           size_t page_token_len);
CRM_API size_t crm_ticket_list_size(const crm_ticket_list* l);
CRM_API const crm_ticket* crm_ticket_list_at(const crm_ticket_list* l, size_t i); /* NULL past the end */
CRM_API const char* crm_ticket_list_next(const crm_ticket_list* l, size_t* len);  /* "" on the last page */
CRM_API void crm_ticket_list_free(crm_ticket_list* l);

/* The conversation. `author_kind` a CRM_AUTHOR_*; `author` a user id or 0; `at` 0: now (not
 * before the ticket opened, not in the future: a reply recorded late keeps its time). */
CRM_API int crm_ticket_entry_add(uint64_t* id, crm_txn* txn, uint64_t ticket, int author_kind, uint64_t author,
                                 int64_t at, const char* body, size_t body_len);
CRM_API int crm_ticket_entries_list(crm_ticket_entries** out, crm_txn* txn, uint64_t ticket);
CRM_API size_t crm_ticket_entries_count(const crm_ticket_entries* e);
/* Entry i, oldest first; the body is borrowed until crm_ticket_entries_free. */
CRM_API int crm_ticket_entries_item(const crm_ticket_entries* e, size_t i, uint64_t* id, int* author_kind,
                                    uint64_t* author, int64_t* at, const char** body, size_t* body_len);
CRM_API void crm_ticket_entries_free(crm_ticket_entries* e);

/* Tickets with a running deadline before `before` (0: any; overdue ones included), earliest
 * first, of a team and an assignee (0: any), a page at a time. */
CRM_API int crm_tickets_breaching(crm_ticket_due** out, crm_txn* txn, int64_t before, uint64_t team, uint64_t assignee,
                                  size_t limit, const char* page_token, size_t page_token_len);
CRM_API size_t crm_ticket_due_count(const crm_ticket_due* d);
CRM_API int crm_ticket_due_item(const crm_ticket_due* d, size_t i, uint64_t* ticket, int64_t* due_at, int* metric,
                                int* status, int* priority, uint64_t* team, uint64_t* assignee);
CRM_API const char* crm_ticket_due_next(const crm_ticket_due* d, size_t* len);
CRM_API void crm_ticket_due_free(crm_ticket_due* d);

/* The service report of tickets opened in [from, to) (0: no bound), a row per team and a row
 * "all" (crm_sales.h reads it): team, team_name, tickets, solved, first_response_met,
 * first_response_violated, first_response_attainment, resolution_met, resolution_violated,
 * resolution_attainment, median_first_response_s, median_resolution_s, csat_count,
 * csat_average, csat_satisfied. */
CRM_API int crm_service_report(crm_report** out, crm_txn* txn, int64_t from, int64_t to);

/* Business calendars. Text fields, then integer fields. */
#define CRM_CALENDAR_NAME 101      /* required, unique */
#define CRM_CALENDAR_TIME_ZONE 102 /* an IANA name ("Europe/Paris"); default "UTC" */
#define CRM_CALENDAR_ID 201        /* read-only */
#define CRM_CALENDAR_REVISION 202
#define CRM_CALENDAR_CREATED_AT 203 /* read-only */
#define CRM_CALENDAR_UPDATED_AT 204 /* read-only */
#define CRM_CALENDAR_TEAM 205      /* the team it times; 0: the default calendar */
CRM_API int crm_calendar_new(crm_calendar** out);
CRM_API int crm_calendar_clone(crm_calendar** out, const crm_calendar* c);
CRM_API void crm_calendar_free(crm_calendar* c);
CRM_API const char* crm_calendar_text(const crm_calendar* c, int field, size_t* len);
CRM_API int crm_calendar_set_text(crm_calendar* c, int field, const char* s, size_t len);
CRM_API int crm_calendar_get_int(int64_t* out, const crm_calendar* c, int field);
CRM_API int64_t crm_calendar_int(const crm_calendar* c, int field);
CRM_API int crm_calendar_set_int(crm_calendar* c, int field, int64_t value);
/* Working hours: `weekday` 1 (Monday) to 7, [start_minute, end_minute) after local midnight. */
CRM_API size_t crm_calendar_hours_count(const crm_calendar* c);
CRM_API int crm_calendar_hours(const crm_calendar* c, size_t i, int* weekday, int* start_minute, int* end_minute);
CRM_API int crm_calendar_add_hours(crm_calendar* c, int weekday, int start_minute, int end_minute);
CRM_API int crm_calendar_clear_hours(crm_calendar* c);
/* Holidays: a local day "YYYY-MM-DD" and an optional name (borrowed from the record). */
CRM_API size_t crm_calendar_holiday_count(const crm_calendar* c);
CRM_API int crm_calendar_holiday(const crm_calendar* c, size_t i, const char** date, size_t* date_len, const char** name,
                                 size_t* name_len);
CRM_API int crm_calendar_add_holiday(crm_calendar* c, const char* date, size_t date_len, const char* name,
                                     size_t name_len);
CRM_API int crm_calendar_clear_holidays(crm_calendar* c);
CRM_API int crm_calendar_create(crm_txn* txn, crm_calendar* c);
CRM_API int crm_calendar_update(crm_txn* txn, crm_calendar* c);
CRM_API int crm_calendar_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_calendar_get(crm_calendar** out, crm_txn* txn, uint64_t id);
CRM_API int crm_calendar_list_get(crm_calendar_list** out, crm_txn* txn);
CRM_API size_t crm_calendar_list_size(const crm_calendar_list* l);
CRM_API const crm_calendar* crm_calendar_list_at(const crm_calendar_list* l, size_t i);
CRM_API void crm_calendar_list_free(crm_calendar_list* l);
/* Business seconds in [from, to) on a calendar, and the time `seconds` of business time after
 * `from`. */
CRM_API int crm_business_seconds(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t to);
CRM_API int crm_business_add(int64_t* out, crm_txn* txn, uint64_t calendar, int64_t from, int64_t seconds);

/* SLA policies. The sets of priorities, channels and pause statuses are bit masks: bit n for
 * value n (1 << CRM_PRIORITY_URGENT ...); 0 for priorities or channels: any. */
#define CRM_SLA_NAME 101         /* required */
#define CRM_SLA_CUSTOMER_TAG 102 /* the customer has this tag; empty: any */
#define CRM_SLA_ID 201           /* read-only */
#define CRM_SLA_REVISION 202
#define CRM_SLA_CREATED_AT 203   /* read-only */
#define CRM_SLA_UPDATED_AT 204   /* read-only */
#define CRM_SLA_ACTIVE 205       /* 1 (default) or 0 */
#define CRM_SLA_FIRST_RESPONSE_MINUTES 206 /* business minutes; 0: no target */
#define CRM_SLA_RESOLUTION_MINUTES 207
#define CRM_SLA_PRIORITIES 208
#define CRM_SLA_CHANNELS 209
#define CRM_SLA_PAUSE_STATUSES 210 /* default: pending and on hold */
CRM_API int crm_sla_policy_new(crm_sla_policy** out);
CRM_API int crm_sla_policy_clone(crm_sla_policy** out, const crm_sla_policy* p);
CRM_API void crm_sla_policy_free(crm_sla_policy* p);
CRM_API const char* crm_sla_policy_text(const crm_sla_policy* p, int field, size_t* len);
CRM_API int crm_sla_policy_set_text(crm_sla_policy* p, int field, const char* s, size_t len);
CRM_API int crm_sla_policy_get_int(int64_t* out, const crm_sla_policy* p, int field);
CRM_API int64_t crm_sla_policy_int(const crm_sla_policy* p, int field);
CRM_API int crm_sla_policy_set_int(crm_sla_policy* p, int field, int64_t value);
/* The teams it applies to (none: any team). */
CRM_API size_t crm_sla_policy_team_count(const crm_sla_policy* p);
CRM_API uint64_t crm_sla_policy_team(const crm_sla_policy* p, size_t i); /* 0 past the end */
CRM_API int crm_sla_policy_add_team(crm_sla_policy* p, uint64_t team);
CRM_API int crm_sla_policy_clear_teams(crm_sla_policy* p);
CRM_API int crm_sla_policy_create(crm_txn* txn, crm_sla_policy* p);
CRM_API int crm_sla_policy_update(crm_txn* txn, crm_sla_policy* p);
CRM_API int crm_sla_policy_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_sla_policy_get(crm_sla_policy** out, crm_txn* txn, uint64_t id);
CRM_API int crm_sla_policy_list_get(crm_sla_policy_list** out, crm_txn* txn);
CRM_API size_t crm_sla_policy_list_size(const crm_sla_policy_list* l);
CRM_API const crm_sla_policy* crm_sla_policy_list_at(const crm_sla_policy_list* l, size_t i);
CRM_API void crm_sla_policy_list_free(crm_sla_policy_list* l);

#ifdef __cplusplus
}
#endif

#endif /* CRM_TICKETS_H */
