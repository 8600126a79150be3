/*
 * crm_opportunities.h - opportunities (deals) and their stage history, in the libcrm C ABI.
 * Included by crm.h; the conventions of crm.h apply.
 */
#ifndef CRM_OPPORTUNITIES_H
#define CRM_OPPORTUNITIES_H

#ifdef __cplusplus
extern "C" {
#endif

#define CRM_OPPORTUNITY_TITLE 101
#define CRM_OPPORTUNITY_OWNER 102
#define CRM_OPPORTUNITY_CURRENCY 103
#define CRM_OPPORTUNITY_LOST_REASON 104 /* crm_opportunity_close_lost sets it; kept on create in import mode */
#define CRM_OPPORTUNITY_EXTERNAL_ID 105 /* unique when set (since 0.5) */

#define CRM_OPPORTUNITY_ID 201          /* read-only */
#define CRM_OPPORTUNITY_REVISION 202
#define CRM_OPPORTUNITY_CREATED_AT 203  /* these three: kept on create in import mode only */
#define CRM_OPPORTUNITY_UPDATED_AT 204
#define CRM_OPPORTUNITY_CLOSED_AT 205
#define CRM_OPPORTUNITY_CUSTOMER 206
#define CRM_OPPORTUNITY_PIPELINE 207    /* 0: the default pipeline */
#define CRM_OPPORTUNITY_STAGE 208       /* 0: the pipeline's first stage */
#define CRM_OPPORTUNITY_AMOUNT 209      /* minor units, with CRM_OPPORTUNITY_CURRENCY */
#define CRM_OPPORTUNITY_PROBABILITY 210 /* percent; -1: the stage's default */
#define CRM_OPPORTUNITY_PROBABILITY_OVERRIDDEN 211 /* read-only */
#define CRM_OPPORTUNITY_EXPECTED_CLOSE 212
/* CRM_FORECAST_* (crm.h): 0, its stage's; pipeline, best case, commit or omitted while open
 * (since 0.13) */
#define CRM_OPPORTUNITY_FORECAST_CATEGORY 213

CRM_API int crm_opportunity_new(crm_opportunity** out);
CRM_API int crm_opportunity_clone(crm_opportunity** out, const crm_opportunity* o); /* since 0.2 */
CRM_API void crm_opportunity_free(crm_opportunity* o);
/* A text field, borrowed; "" for a NULL record; NULL (and *len 0) for a field number that is not
 * a text field of it (crm_errmsg says why). */
CRM_API const char* crm_opportunity_text(const crm_opportunity* o, int field, size_t* len);
CRM_API int crm_opportunity_set_text(crm_opportunity* o, int field, const char* s, size_t len);
/* The integer field `field` into *out (since 0.3); CRM_EINVALID for a text field, a number of no
 * field, or NULL arguments. */
CRM_API int crm_opportunity_get_int(int64_t* out, const crm_opportunity* o, int field);
/* As crm_opportunity_get_int, returning the value: 0 for a wrong field (crm_errmsg says why). */
CRM_API int64_t crm_opportunity_int(const crm_opportunity* o, int field);
CRM_API int crm_opportunity_set_int(crm_opportunity* o, int field, int64_t value);
CRM_API size_t crm_opportunity_contact_count(const crm_opportunity* o);
CRM_API int crm_opportunity_contact(const crm_opportunity* o, size_t i, uint64_t* person, const char** role,
                                    size_t* role_len);
CRM_API int crm_opportunity_add_contact(crm_opportunity* o, uint64_t person, const char* role, size_t role_len);
CRM_API int crm_opportunity_clear_contacts(crm_opportunity* o);
/* The stage history, oldest first. from is 0 for the stage it was created in. The store keeps
 * it; entries added here are taken on create in import mode only (since 0.5): amount in the
 * deal's currency (0: the deal's amount), probability -1: the stage's, actor empty: the txn's. */
CRM_API size_t crm_opportunity_history_count(const crm_opportunity* o);
CRM_API int crm_opportunity_history(const crm_opportunity* o, size_t i, uint32_t* from, uint32_t* to, int64_t* at,
                                    const char** actor, size_t* actor_len, int64_t* amount, int* probability);
CRM_API int crm_opportunity_add_history(crm_opportunity* o, uint32_t from, uint32_t to, int64_t at, const char* actor,
                                        size_t actor_len, int64_t amount, int probability);
CRM_API int crm_opportunity_clear_history(crm_opportunity* o);
/* Custom fields and upserts by external id of opportunities and interactions (since 0.5): as
 * crm_customer_custom_* and crm_customer_upsert / _find_by_external_id. */
CRM_API size_t crm_opportunity_custom_count(const crm_opportunity* o);
CRM_API int crm_opportunity_custom_field(const crm_opportunity* o, size_t i, const char** name, size_t* name_len, int* type);
CRM_API int crm_opportunity_custom_value(const crm_opportunity* o, size_t i, int64_t* number, const char** text,
                                         size_t* text_len);
CRM_API int crm_opportunity_set_custom(crm_opportunity* o, const char* name, size_t name_len, int type, int64_t number,
                                       const char* text, size_t text_len);
CRM_API int crm_opportunity_remove_custom(crm_opportunity* o, const char* name, size_t name_len);
CRM_API int crm_opportunity_upsert(crm_txn* txn, crm_opportunity* o);
/* As crm_customer_patch, with an opportunity's fields (PatchOpportunity in crm/opportunity.hpp). */
CRM_API int crm_opportunity_patch(crm_txn* txn, crm_opportunity* o, const char* fields, size_t len);
CRM_API int crm_opportunity_find_by_external_id(crm_opportunity** out, crm_txn* txn, const char* id, size_t len);
CRM_API size_t crm_interaction_custom_count(const crm_interaction* i);
CRM_API int crm_interaction_custom_field(const crm_interaction* i, size_t n, const char** name, size_t* name_len, int* type);
CRM_API int crm_interaction_custom_value(const crm_interaction* i, size_t n, int64_t* number, const char** text,
                                         size_t* text_len);
CRM_API int crm_interaction_set_custom(crm_interaction* i, const char* name, size_t name_len, int type, int64_t number,
                                       const char* text, size_t text_len);
CRM_API int crm_interaction_remove_custom(crm_interaction* i, const char* name, size_t name_len);
CRM_API int crm_interaction_upsert(crm_txn* txn, crm_interaction* i);
CRM_API int crm_interaction_find_by_external_id(crm_interaction** out, crm_txn* txn, const char* id, size_t len);
CRM_API int crm_interaction_patch(crm_txn* txn, crm_interaction* i, const char* fields, size_t len); /* as crm_customer_patch */
CRM_API int crm_opportunity_create(crm_txn* txn, crm_opportunity* o);
CRM_API int crm_opportunity_update(crm_txn* txn, crm_opportunity* o);
/* out may be NULL. */
CRM_API int crm_opportunity_move(crm_opportunity** out, crm_txn* txn, uint64_t id, uint32_t stage);
CRM_API int crm_opportunity_close_won(crm_opportunity** out, crm_txn* txn, uint64_t id);
CRM_API int crm_opportunity_close_lost(crm_opportunity** out, crm_txn* txn, uint64_t id, const char* reason,
                                       size_t reason_len);
CRM_API int crm_opportunity_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_opportunity_get(crm_opportunity** out, crm_txn* txn, uint64_t id);

#define CRM_OPP_BY_ALL 0
#define CRM_OPP_BY_CUSTOMER 1
#define CRM_OPP_BY_STAGE 2
#define CRM_OPP_BY_PIPELINE 3
#define CRM_OPP_BY_OWNER 4
#define CRM_OPP_BY_EXPECTED_CLOSE 5

typedef struct crm_opportunity_query {
  unsigned int version;
  int by;                /* CRM_OPP_BY_* */
  uint64_t customer;
  uint64_t pipeline;     /* 0: the default */
  uint32_t stage;
  const char* owner;
  size_t owner_len;
  int64_t close_from;    /* inclusive */
  int64_t close_to;      /* exclusive */
  int open_only;
  size_t page_size;      /* 0: 100 */
  const char* page_token;
  size_t page_token_len;
} crm_opportunity_query;

#define CRM_OPPORTUNITY_QUERY_VERSION 1
#define CRM_OPPORTUNITY_QUERY_INIT \
  {CRM_OPPORTUNITY_QUERY_VERSION, CRM_OPP_BY_ALL, 0, 0, 0, NULL, 0, INT64_MIN, INT64_MAX, 0, 0, NULL, 0}
CRM_API int crm_opportunity_query_init(crm_opportunity_query* q, unsigned int version);
CRM_API int crm_opportunity_list(crm_iter** out, crm_txn* txn, const crm_opportunity_query* q);
CRM_API int crm_opportunity_count(uint64_t* out, crm_txn* txn, const crm_opportunity_query* q);

#ifdef __cplusplus
}
#endif

#endif /* CRM_OPPORTUNITIES_H */
