/*
 * crm_campaigns.h - campaigns of the libcrm C ABI (since 0.19). Included by crm.h; the
 * conventions of crm.h apply (field numbers carry their type, as for customers).
 *
 * A campaign has a channel (CRM_CHANNEL_*) and a consent purpose, a period, a budget and its
 * actual cost, a parent campaign, an owner, and member statuses of its own, each flagged
 * responded or not, with a default. Members are customers, added one by one or from a segment.
 * The audience lists each member as sendable or excluded with the consent rules' verdict
 * (CRM_VERDICT_*) and reason: an excluded customer is never sendable.
 */
#ifndef CRM_CAMPAIGNS_H
#define CRM_CAMPAIGNS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_campaign crm_campaign;
typedef struct crm_campaign_list crm_campaign_list;
typedef struct crm_campaign_members crm_campaign_members;
typedef struct crm_audience crm_audience;

/* Text fields of a campaign. */
#define CRM_CAMPAIGN_NAME 101             /* required */
#define CRM_CAMPAIGN_DESCRIPTION 102
#define CRM_CAMPAIGN_PURPOSE 103          /* the consent purpose its messages need ("marketing") */
#define CRM_CAMPAIGN_OWNER 104
#define CRM_CAMPAIGN_DEFAULT_STATUS 105   /* the status of new members; empty: the first */
#define CRM_CAMPAIGN_BUDGET_CURRENCY 106  /* ISO 4217; empty: no budget */
#define CRM_CAMPAIGN_COST_CURRENCY 107    /* the actual cost's; empty: none */
/* Integer fields of a campaign. */
#define CRM_CAMPAIGN_ID 201          /* read-only */
#define CRM_CAMPAIGN_REVISION 202    /* set it to the revision an update is based on */
#define CRM_CAMPAIGN_CREATED_AT 203
#define CRM_CAMPAIGN_UPDATED_AT 204
#define CRM_CAMPAIGN_CHANNEL 205     /* CRM_CHANNEL_* (default CRM_CHANNEL_EMAIL) */
#define CRM_CAMPAIGN_STARTS_AT 206
#define CRM_CAMPAIGN_ENDS_AT 207
#define CRM_CAMPAIGN_BUDGET 208      /* minor units of CRM_CAMPAIGN_BUDGET_CURRENCY */
#define CRM_CAMPAIGN_ACTUAL_COST 209 /* minor units of CRM_CAMPAIGN_COST_CURRENCY */
#define CRM_CAMPAIGN_PARENT 210      /* 0: none */
#define CRM_CAMPAIGN_MEMBERS 211     /* read-only: the member count when read */

CRM_API int crm_campaign_new(crm_campaign** out);
CRM_API int crm_campaign_clone(crm_campaign** out, const crm_campaign* c);
CRM_API void crm_campaign_free(crm_campaign* c);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_campaign_text(const crm_campaign* c, int field, size_t* len);
CRM_API int crm_campaign_set_text(crm_campaign* c, int field, const char* s, size_t len);
CRM_API int crm_campaign_get_int(int64_t* out, const crm_campaign* c, int field);
CRM_API int64_t crm_campaign_int(const crm_campaign* c, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_campaign_set_int(crm_campaign* c, int field, int64_t value);
/* Member statuses, in order (none on a new record: the store gives "sent" and "responded").
 * The name is borrowed from the record; CRM_ENOTFOUND past the last. */
CRM_API size_t crm_campaign_status_count(const crm_campaign* c);
CRM_API int crm_campaign_status(const crm_campaign* c, size_t i, const char** name, size_t* len, int* responded);
CRM_API int crm_campaign_add_status(crm_campaign* c, const char* name, size_t len, int responded);
CRM_API int crm_campaign_clear_statuses(crm_campaign* c);

/* Writes: the record is updated in place. CRM_EINVALID naming the field (a parent making a
 * cycle too); CRM_ECONFLICT for a stale revision, or an update removing a status members have;
 * CRM_EDEPENDENTS deleting a campaign that has child campaigns. */
CRM_API int crm_campaign_create(crm_txn* txn, crm_campaign* c);
CRM_API int crm_campaign_update(crm_txn* txn, crm_campaign* c);
CRM_API int crm_campaign_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_campaign_get(crm_campaign** out, crm_txn* txn, uint64_t id);
/* Every campaign in id order; the records are borrowed until crm_campaign_list_free. */
CRM_API int crm_campaign_list_get(crm_campaign_list** out, crm_txn* txn);
CRM_API size_t crm_campaign_list_size(const crm_campaign_list* l);
CRM_API const crm_campaign* crm_campaign_list_at(const crm_campaign_list* l, size_t i); /* NULL past the end */
CRM_API void crm_campaign_list_free(crm_campaign_list* l);

/* Members. `status` (NULL or empty: the campaign's default) is one of its statuses. *changed
 * (may be NULL): how many were added (were not members) or removed. Adding: at most 10000 ids;
 * CRM_ENOTFOUND naming the first customer that does not exist, and nobody is added. */
CRM_API int crm_campaign_add_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids,
                                     size_t count, const char* status, size_t status_len);
CRM_API int crm_campaign_add_segment(uint64_t* changed, crm_txn* txn, uint64_t campaign, uint64_t segment,
                                     const char* status, size_t status_len);
CRM_API int crm_campaign_remove_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids,
                                        size_t count);
CRM_API int crm_campaign_set_member_status(crm_txn* txn, uint64_t campaign, uint64_t customer, const char* status,
                                           size_t status_len);

/* Member records: a page of a campaign's (`limit` 1 to 1000, after `page_token`: bytes, NULL or
 * empty for the first), a customer's memberships, or one (CRM_ENOTFOUND when not a member). */
CRM_API int crm_campaign_members_list(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, size_t limit,
                                      const char* page_token, size_t page_token_len);
CRM_API int crm_campaigns_of(crm_campaign_members** out, crm_txn* txn, uint64_t customer);
CRM_API int crm_campaign_member_get(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, uint64_t customer);
CRM_API size_t crm_campaign_members_count(const crm_campaign_members* m);
/* Item i (any output may be NULL; the status is borrowed until crm_campaign_members_free). */
CRM_API int crm_campaign_members_item(const crm_campaign_members* m, size_t i, uint64_t* campaign, uint64_t* customer,
                                      const char** status, size_t* status_len, int* responded, int64_t* added_at,
                                      int64_t* first_responded_at);
CRM_API const char* crm_campaign_members_next(const crm_campaign_members* m, size_t* len); /* "" on the last page */
CRM_API void crm_campaign_members_free(crm_campaign_members* m);

/* The audience, a page of members at a time, each sendable at `at` (0: now) or excluded. */
CRM_API int crm_campaign_audience(crm_audience** out, crm_txn* txn, uint64_t campaign, size_t limit,
                                  const char* page_token, size_t page_token_len, int64_t at);
CRM_API size_t crm_audience_count(const crm_audience* a);
/* Item i: *verdict a CRM_VERDICT_*; the reason borrowed until crm_audience_free. */
CRM_API int crm_audience_item(const crm_audience* a, size_t i, uint64_t* customer, int* sendable, int* verdict,
                              const char** reason, size_t* reason_len);
CRM_API const char* crm_audience_next(const crm_audience* a, size_t* len);
CRM_API void crm_audience_free(crm_audience* a);

/* Events of a member (what the sending system reports). CRM_ENOTFOUND when the customer is not a
 * member; `at` 0: now (not in the future). An opt-out also withdraws the member's consent to the
 * campaign's purpose on its channel. *id (may be NULL) receives the event's id. */
#define CRM_EVENT_SENT 1
#define CRM_EVENT_DELIVERED 2
#define CRM_EVENT_OPENED 3
#define CRM_EVENT_CLICKED 4
#define CRM_EVENT_REPLIED 5
#define CRM_EVENT_BOUNCED 6
#define CRM_EVENT_OPTED_OUT 7
#define CRM_EVENT_CONVERTED 8
typedef struct crm_campaign_events crm_campaign_events;
CRM_API int crm_campaign_event_record(uint64_t* id, crm_txn* txn, uint64_t campaign, uint64_t customer, int kind,
                                      int64_t at, const char* detail, size_t detail_len);
/* A member's events, oldest first; the details are borrowed until crm_campaign_events_free. */
CRM_API int crm_campaign_events_list(crm_campaign_events** out, crm_txn* txn, uint64_t campaign, uint64_t customer);
CRM_API size_t crm_campaign_events_count(const crm_campaign_events* e);
CRM_API int crm_campaign_events_item(const crm_campaign_events* e, size_t i, uint64_t* id, int* kind, int64_t* at,
                                     const char** detail, size_t* detail_len);
CRM_API void crm_campaign_events_free(crm_campaign_events* e);
/* counts[k]: how many events of kind k the campaign's members have, for k below n (counts[0] 0). */
CRM_API int crm_campaign_event_counts(uint64_t* counts, size_t n, crm_txn* txn, uint64_t campaign);

/* Attribution. A touch is a member's first response to a campaign; a customer's touches are its
 * responses, a deal's those of its customer and contacts up to the time it was won. The ids are
 * the campaigns touched, earliest first (the first touch first, the last touch last), in a
 * crm_id_page (crm_segments.h). CRM_ENOTFOUND for a customer or deal that does not exist. */
CRM_API int crm_customer_touches(crm_id_page** out, crm_txn* txn, uint64_t customer);
CRM_API int crm_deal_touches(crm_id_page** out, crm_txn* txn, uint64_t deal);

#define CRM_ATTRIBUTION_FIRST_TOUCH 1 /* all of a won deal's amount to its first touch */
#define CRM_ATTRIBUTION_LAST_TOUCH 2  /* to its last touch */
#define CRM_ATTRIBUTION_LINEAR 3      /* equal shares to each (leftover cents to the earliest) */
/* The won value each campaign brought under `model` from deals won in [won_from, won_to) (0: no
 * bound), as a report (crm_sales.h): columns campaign, name, currency, members, responded,
 * deals (real), won_value (money), cost and cost_per_lead (text with their currency), return
 * (real: (won - cost) / cost, empty when the cost is unset or in another currency). */
CRM_API int crm_campaign_attribution(crm_report** out, crm_txn* txn, int model, int64_t won_from, int64_t won_to);

#ifdef __cplusplus
}
#endif

#endif /* CRM_CAMPAIGNS_H */
