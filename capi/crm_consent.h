/*
 * crm_consent.h - consent per purpose and channel, and whether a customer may be contacted, of
 * the libcrm C ABI (since 0.7). Included by crm.h; the conventions of crm.h apply (field numbers
 * carry their type, as for customers). What each field holds, how a customer's email opt-in
 * follows the ("marketing", email) records and why an import cannot undo a withdrawal is told
 * in crm/consent.hpp.
 */
#ifndef CRM_CONSENT_H
#define CRM_CONSENT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_consent crm_consent;
typedef struct crm_consent_list crm_consent_list;

/* Channels. */
#define CRM_CHANNEL_EMAIL 1
#define CRM_CHANNEL_PHONE 2 /* calls */
#define CRM_CHANNEL_SMS 3
#define CRM_CHANNEL_POST 4
#define CRM_CHANNEL_ANY 5 /* a purpose not tied to a channel, or all of them */

/* Sources. */
#define CRM_SOURCE_FORM 1
#define CRM_SOURCE_IMPORT 2 /* not an explicit grant: cannot follow a withdrawal (CRM_EWITHDRAWN) */
#define CRM_SOURCE_CALL 3
#define CRM_SOURCE_API 4

/* Verdicts of crm_can_contact. */
#define CRM_VERDICT_ALLOWED 0
#define CRM_VERDICT_NO_CONSENT 1
#define CRM_VERDICT_WITHDRAWN 2
#define CRM_VERDICT_NOT_YET_VALID 3
#define CRM_VERDICT_EXPIRED 4
#define CRM_VERDICT_DO_NOT_CALL 5
#define CRM_VERDICT_SUPPRESSED 6
#define CRM_VERDICT_NO_ADDRESS 7

/* Text fields of a consent record. */
#define CRM_CONSENT_PURPOSE 101  /* required: 1-64 of a-z 0-9 _ - . (folded to lower case) */
#define CRM_CONSENT_EVIDENCE 102 /* a form's address, a call's reference (at most 1000 bytes) */
#define CRM_CONSENT_ACTOR 103    /* read-only: who recorded it */
/* Integer fields of a consent record. */
#define CRM_CONSENT_ID 201          /* read-only */
#define CRM_CONSENT_RECORDED_AT 202 /* read-only */
#define CRM_CONSENT_CUSTOMER 203    /* required */
#define CRM_CONSENT_CHANNEL 204     /* CRM_CHANNEL_* (a new record: email) */
#define CRM_CONSENT_GRANTED 205     /* 1: granted (a new record), 0: withdrawn */
#define CRM_CONSENT_LEGAL_BASIS 206 /* CRM_BASIS_*: required for a grant, none for a withdrawal */
#define CRM_CONSENT_SOURCE 207      /* CRM_SOURCE_* (a new record: api) */
#define CRM_CONSENT_CAPTURED_AT 208 /* 0: now; never in the future */
#define CRM_CONSENT_VALID_FROM 209  /* 0: from captured_at */
#define CRM_CONSENT_VALID_TO 210    /* 0: no end */
#define CRM_CONSENT_CONFIRMED_AT 211 /* double opt-in confirmation; 0: not confirmed */

CRM_API int crm_consent_new(crm_consent** out);
CRM_API int crm_consent_clone(crm_consent** out, const crm_consent* c);
CRM_API void crm_consent_free(crm_consent* c);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_consent_text(const crm_consent* c, int field, size_t* len);
CRM_API int crm_consent_set_text(crm_consent* c, int field, const char* s, size_t len);
CRM_API int crm_consent_get_int(int64_t* out, const crm_consent* c, int field);
CRM_API int64_t crm_consent_int(const crm_consent* c, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_consent_set_int(crm_consent* c, int field, int64_t value);

/* Adds the record in `txn` (a write transaction); `c` is updated in place to the record as
 * stored (id, purpose folded, times). CRM_ENOTFOUND without such a customer; CRM_EWITHDRAWN for
 * a grant from an import that would follow a withdrawal. */
CRM_API int crm_consent_record(crm_txn* txn, crm_consent* c);
/* Double opt-in: the customer confirmed the current grant of `purpose` on `channel` at `at` (0:
 * now); *out (may be NULL) receives the record added. CRM_ECONFLICT when there is no grant to
 * confirm or it is already confirmed. */
CRM_API int crm_consent_confirm(crm_consent** out, crm_txn* txn, uint64_t customer, int channel, const char* purpose,
                                size_t len, int64_t at);

/* Every record of a customer, oldest captured first; or the current record of each purpose and
 * channel as at `at` (0: now). The records are borrowed until crm_consent_list_free. */
CRM_API int crm_consent_history(crm_consent_list** out, crm_txn* txn, uint64_t customer);
CRM_API int crm_consent_current(crm_consent_list** out, crm_txn* txn, uint64_t customer, int64_t at);
CRM_API size_t crm_consent_list_size(const crm_consent_list* l);
CRM_API const crm_consent* crm_consent_list_at(const crm_consent_list* l, size_t i); /* NULL past the end */
CRM_API void crm_consent_list_free(crm_consent_list* l);

/* Whether customer `customer` may be contacted on `channel` for `purpose` at `at` (0: now):
 * *verdict is CRM_VERDICT_ALLOWED or the reason it may not; *reason (may be NULL) receives one
 * sentence saying why, for crm_free; *consent (may be NULL) the id of the record that decided
 * (0: none). CRM_ENOTFOUND without such a customer. */
CRM_API int crm_can_contact(int* verdict, char** reason, uint64_t* consent, crm_txn* txn, uint64_t customer,
                            int channel, const char* purpose, size_t len, int64_t at);

#ifdef __cplusplus
}
#endif

#endif /* CRM_CONSENT_H */
