/*
 * crm.h - the stable C ABI of libcrm, an embeddable CRM engine.
 *
 * Conventions
 * - Every fallible call returns int: CRM_OK (0) or a negative CRM_E* code. crm_errmsg() gives the
 *   calling thread's message for its last failed call; crm_strerror() a static text for a code.
 * - Output parameters come first. Handles are opaque; every *_new / *_open / *_begin has a
 *   matching *_free / *_close that accepts NULL.
 * - Strings in are a pointer and a length in bytes, UTF-8 (checked: invalid UTF-8 gives
 *   CRM_EINVALID). A NULL pointer with length 0 is "". Only file paths and a passphrase are
 *   NUL-terminated.
 * - Strings out are borrowed: valid until the object they come from is changed or freed (for an
 *   iterator: until the next crm_iter_next or crm_iter_free). They are NUL-terminated as well, and
 *   their length is stored in *len when len is not NULL.
 * - Time is UTC, int64 microseconds since the Unix epoch. Money is an int64 count of minor units
 *   (cents) and a 3-letter ISO 4217 code. Ids are uint64, 0 meaning "none".
 * - Option and query structs start with `unsigned int version`; initialise them with the
 *   matching *_INIT macro or *_init() function. Fields are only ever appended.
 *
 * Threads (a crm_db may be used from any number of threads at once)
 * - A read transaction (and the iterators and records read through it) is used by one thread at
 *   a time; it may move between threads.
 * - A write transaction must be begun, used, committed and freed on one thread. One write
 *   transaction runs at a time per database; crm_txn_begin_write waits for the current one,
 *   except on the thread that holds it, where it (and crm_db_write) fails with CRM_EBUSY instead
 *   of waiting for itself.
 * - Record objects (crm_customer ...) are plain values: one thread at a time each. */
#ifndef CRM_H
#define CRM_H

#include <stddef.h>
#include <stdint.h>

#define CRM_VERSION_MAJOR 0
#define CRM_VERSION_MINOR 23
#define CRM_VERSION_PATCH 0
#define CRM_VERSION_STRING "0.23.0"

#if defined(_WIN32)
#define CRM_API
#else
#define CRM_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ---- */

#define CRM_OK 0
#define CRM_ENOTFOUND (-1) /* no such record */
#define CRM_EEXISTS (-2)   /* a unique value (email, external id) is taken */
#define CRM_EINVALID (-3)  /* bad argument or field; the message names it */
#define CRM_ECONFLICT (-4) /* stale revision, or refused by the current state */
#define CRM_ECORRUPT (-5)  /* stored data failed its checks */
#define CRM_EFULL (-6)     /* disk or database size limit reached */
#define CRM_EIO (-7)       /* the file system failed or refused */
#define CRM_EBUSY (-8)     /* try again later */
#define CRM_ENOMEM (-9)    /* out of memory */
#define CRM_EINTERNAL (-10)
#define CRM_EREADONLY (-11)   /* a write to a database opened read-only (since 0.3) */
#define CRM_EVERSION (-12)    /* the file was written by a newer libcrm (since 0.3) */
#define CRM_EDEPENDENTS (-13) /* refused: other records still depend on it (since 0.3) */
#define CRM_ENOTDB (-14)      /* the file is not a libcrm database (since 0.3) */
#define CRM_ESUPPRESSED (-15) /* an email or phone is suppressed (crm_privacy.h; since 0.6) */
#define CRM_EWITHDRAWN (-16)  /* an import would grant consent again after a withdrawal (since 0.7) */
#define CRM_ETRIMMED (-17)    /* the changes asked for were removed by retention (since 0.7) */
#define CRM_EKEY (-18)        /* the database is encrypted; its key is missing or wrong (since 0.9) */
#define CRM_EDUPLICATE (-19)  /* the duplicate rule blocks the write (crm_duplicates.h; since 0.17) */
#define CRM_ITEROVER (-100) /* an iterator has no more items (not an error) */

/* The calling thread's message for its last failed call ("" when none). Valid until the next
 * failing call on this thread. */
CRM_API const char* crm_errmsg(void);
/* A static description of a result code. */
CRM_API const char* crm_strerror(int code);
/* Frees memory that a crm_* call documents as the caller's. Accepts NULL. */
CRM_API void crm_free(void* p);

/* The library's version ("0.10.0") and its parts. */
CRM_API const char* crm_version(int* major, int* minor, int* patch);

/* ---- money ---- Amounts are int64 counts of a currency's minor units: 1250 EUR is 12.50 EUR,
 * 1250 JPY is 1250 yen. */

/* The number of minor-unit digits of an ISO 4217 currency (2 for "EUR", 0 for "JPY", 3 for
 * "KWD"), or CRM_EINVALID when the code is not a known currency (since 0.2). */
CRM_API int crm_currency_digits(const char* code, size_t len);

/* ---- handles ---- */

typedef struct crm_db crm_db;
typedef struct crm_txn crm_txn;
typedef struct crm_iter crm_iter;
typedef struct crm_customer crm_customer;
typedef struct crm_interaction crm_interaction;
typedef struct crm_pipeline crm_pipeline;
typedef struct crm_opportunity crm_opportunity;
typedef struct crm_change crm_change;

/* ---- the database ---- */

typedef struct crm_options {
  unsigned int version;
  int create_if_missing;    /* default 1 */
  int read_only;            /* default 0 */
  int no_sync;              /* 1: no fsync at commit (survives a process crash, not a power loss) */
  size_t initial_map_size;  /* bytes of address space reserved for the map; 0: 64 GiB */
  size_t max_map_size;      /* the size limit in bytes; 0: 1 TiB (deletes may use a reserve below it) */
  const char* default_actor; /* NUL-terminated; NULL: "system" */
  const char* phone_region;  /* since 0.5 (version 2): region of numbers without a country code ("DE"); NULL: none */
  int durability; /* since 0.8 (version 3): CRM_DURABILITY_FULL (default), _NORMAL or _NONE (crm_maintenance.h) */
  /* since 0.9 (version 4): encryption at rest, at most one of the two (crm_privacy.h) */
  const void* encryption_key; /* the store key: encryption_key_len (32) bytes; NULL: none */
  size_t encryption_key_len;
  const char* encryption_passphrase; /* NUL-terminated, stretched with Argon2id; NULL: none */
} crm_options;

#define CRM_OPTIONS_VERSION 4
#define CRM_OPTIONS_INIT {CRM_OPTIONS_VERSION, 1, 0, 0, 0, 0, NULL, NULL, 0, NULL, 0, NULL}
CRM_API int crm_options_init(crm_options* opts, unsigned int version);

/* Opens or creates the database file at `path` (and `path`-lock), owner-only. opts may be NULL. */
CRM_API int crm_db_open(crm_db** out, const char* path, const crm_options* opts);
/* Closes the database handle. Transactions begun from it that are still open keep the database
 * open, and keep working, until each is freed; the file is closed with the last of them (as
 * sqlite3_close_v2 does). The handle itself must not be used again. */
CRM_API void crm_db_close(crm_db* db);

/* ---- transactions ---- */

CRM_API int crm_txn_begin_read(crm_txn** out, crm_db* db);
/* `actor` names who makes the changes (the feed records it); NULL/0: the default actor. */
CRM_API int crm_txn_begin_write(crm_txn** out, crm_db* db, const char* actor, size_t actor_len);
/* A write transaction in import mode (since 0.5), for migrations: creates keep the historical
 * times their records carry (created_at, updated_at; an opportunity's closed_at, stage history
 * and lost reason) and every change is flagged imported in the feed (crm_change_imported). */
CRM_API int crm_txn_begin_import(crm_txn** out, crm_db* db, const char* actor, size_t actor_len);
/* Makes the changes of a write transaction durable and visible; the handle must still be freed.
 * On a read transaction it just ends the snapshot. */
CRM_API int crm_txn_commit(crm_txn* txn);
/* Frees the handle; a write transaction that was not committed is rolled back. Iterators made
 * from the transaction stay to be freed, but every call on them after it ended (committed or
 * freed) fails with CRM_EINVALID. */
CRM_API void crm_txn_free(crm_txn* txn);

/* Runs fn(txn, arg) in a write transaction and commits when it returns CRM_OK (else rolls back and
 * returns fn's result). A map grown meanwhile rolls back and calls fn again: fn has no effects outside
 * txn, never commits or frees it, and frees its iterators before it returns. Calls on several threads
 * at once share one commit (group commit): each fn runs on its caller's thread in a nested transaction
 * (a failing one leaves nothing, the others commit); each returns once that commit is durable. */
typedef int (*crm_write_fn)(crm_txn* txn, void* arg);
CRM_API int crm_db_write(crm_db* db, const char* actor, size_t actor_len, crm_write_fn fn, void* arg);

/* ---- iterators ----
 * Lazy: items are read in pages as crm_iter_next asks for them, inside the transaction the
 * iterator was made from. Once that transaction has ended (committed or freed), crm_iter_next
 * and the take calls fail with CRM_EINVALID; the iterator must still be freed. */

/* 0 when positioned on the next item, CRM_ITEROVER at the end, or an error. */
CRM_API int crm_iter_next(crm_iter* it);
/* The current item, borrowed until the next crm_iter_next / crm_iter_free; NULL when the
 * iterator holds another kind of record. */
CRM_API const crm_customer* crm_iter_customer(const crm_iter* it);
CRM_API const crm_interaction* crm_iter_interaction(const crm_iter* it);
CRM_API const crm_pipeline* crm_iter_pipeline(const crm_iter* it);
CRM_API const crm_opportunity* crm_iter_opportunity(const crm_iter* it);
CRM_API const crm_change* crm_iter_change(const crm_iter* it);
/* A token that continues the listing after the current item in a later transaction (a keyset
 * page token; "" when the listing has no tokens or is exhausted). Borrowed. */
CRM_API const char* crm_iter_page_token(const crm_iter* it, size_t* len);
/* Moves the current item out of the iterator into a new record that the caller owns and frees
 * with the record's *_free (since 0.2). The iterator's borrowed view of that item is gone after
 * it: crm_iter_<kind> gives NULL until the next crm_iter_next. CRM_EINVALID when there is no
 * current item or the iterator holds another kind of record. */
CRM_API int crm_iter_take_customer(crm_customer** out, crm_iter* it);
CRM_API int crm_iter_take_interaction(crm_interaction** out, crm_iter* it);
CRM_API int crm_iter_take_pipeline(crm_pipeline** out, crm_iter* it);
CRM_API int crm_iter_take_opportunity(crm_opportunity** out, crm_iter* it);
CRM_API int crm_iter_take_change(crm_change** out, crm_iter* it);
/* Moves the next items out of the iterator into out[0] .. out[*n - 1], records the caller owns
 * (since 0.2). It stops after `max` items, at the end of the listing, or at the end of a page
 * (so that crm_iter_page_token then continues after the last item moved); *n is 0 only at the
 * end of the listing. On an error, the *n items already moved are still the caller's. There is
 * no current item afterwards. CRM_EINVALID when the iterator holds another kind of record. */
CRM_API int crm_iter_take_customers(crm_customer** out, size_t max, size_t* n, crm_iter* it);
CRM_API int crm_iter_take_interactions(crm_interaction** out, size_t max, size_t* n, crm_iter* it);
CRM_API int crm_iter_take_pipelines(crm_pipeline** out, size_t max, size_t* n, crm_iter* it);
CRM_API int crm_iter_take_opportunities(crm_opportunity** out, size_t max, size_t* n, crm_iter* it);
CRM_API int crm_iter_take_changes(crm_change** out, size_t max, size_t* n, crm_iter* it);
CRM_API void crm_iter_free(crm_iter* it);

/* ---- customers ---- */

#define CRM_PERSON 1
#define CRM_ORGANIZATION 2

/* Lifecycle stages. */
#define CRM_STAGE_SUBSCRIBER 1
#define CRM_STAGE_LEAD 2
#define CRM_STAGE_PROSPECT 3
#define CRM_STAGE_OPPORTUNITY 4
#define CRM_STAGE_CUSTOMER 5
#define CRM_STAGE_EVANGELIST 6
#define CRM_STAGE_CHURNED 7
#define CRM_STAGE_OTHER 8

/* Legal bases of an email opt-in (GDPR Art. 6). */
#define CRM_BASIS_NONE 0
#define CRM_BASIS_CONSENT 1
#define CRM_BASIS_CONTRACT 2
#define CRM_BASIS_LEGAL_OBLIGATION 3
#define CRM_BASIS_VITAL_INTERESTS 4
#define CRM_BASIS_PUBLIC_TASK 5
#define CRM_BASIS_LEGITIMATE_INTERESTS 6

/* Field numbers carry their type: text fields are 101, 102 ..., integer fields 201, 202 ...
 * (since 0.3). A number of the wrong type or of no field gives CRM_EINVALID, and so does a write
 * to a read-only field. */

/* Text fields of a customer. */
#define CRM_CUSTOMER_DISPLAY_NAME 101
#define CRM_CUSTOMER_GIVEN_NAME 102
#define CRM_CUSTOMER_FAMILY_NAME 103
#define CRM_CUSTOMER_OWNER 104
#define CRM_CUSTOMER_EXTERNAL_ID 105
#define CRM_CUSTOMER_STREET 106
#define CRM_CUSTOMER_CITY 107
#define CRM_CUSTOMER_REGION 108
#define CRM_CUSTOMER_POSTAL_CODE 109
#define CRM_CUSTOMER_COUNTRY 110
#define CRM_CUSTOMER_JOB_TITLE 111        /* people (since 0.5) */
#define CRM_CUSTOMER_DEPARTMENT 112       /* people */
#define CRM_CUSTOMER_INDUSTRY 113         /* organizations, as the next ones */
#define CRM_CUSTOMER_WEBSITE 114          /* its domain joins the domains */
#define CRM_CUSTOMER_REVENUE_CURRENCY 115 /* of CRM_CUSTOMER_ANNUAL_REVENUE; "" when unknown */

/* Integer fields of a customer (the store-managed ones are read-only). */
#define CRM_CUSTOMER_ID 201                  /* read-only */
#define CRM_CUSTOMER_REVISION 202            /* set it to the revision an update is based on */
#define CRM_CUSTOMER_CREATED_AT 203          /* kept on create in import mode only */
#define CRM_CUSTOMER_UPDATED_AT 204          /* kept on create in import mode only */
#define CRM_CUSTOMER_ARCHIVED 205            /* read-only: archive / restore change it */
#define CRM_CUSTOMER_ARCHIVED_AT 206         /* read-only */
#define CRM_CUSTOMER_KIND 207                /* CRM_PERSON or CRM_ORGANIZATION */
#define CRM_CUSTOMER_STAGE 208               /* CRM_STAGE_* */
#define CRM_CUSTOMER_EMAIL_OPT_IN 209        /* 0 or 1 */
#define CRM_CUSTOMER_EMAIL_LEGAL_BASIS 210  /* CRM_BASIS_* */
#define CRM_CUSTOMER_EMAIL_OPT_IN_AT 211    /* set by the store when 0 */
#define CRM_CUSTOMER_DO_NOT_CALL 212        /* 0 or 1 */
#define CRM_CUSTOMER_LAST_INTERACTION_AT 213 /* read-only */
#define CRM_CUSTOMER_EMPLOYEES 214           /* organizations (since 0.5), as the next ones; 0: unknown */
#define CRM_CUSTOMER_ACCOUNT_TYPE 215        /* CRM_ACCOUNT_* */
#define CRM_CUSTOMER_PARENT 216              /* the parent organization's id; 0: none */
#define CRM_CUSTOMER_ANNUAL_REVENUE 217      /* minor units of CRM_CUSTOMER_REVENUE_CURRENCY */
#define CRM_ACCOUNT_NONE 0
#define CRM_ACCOUNT_PROSPECT 1
#define CRM_ACCOUNT_CUSTOMER 2
#define CRM_ACCOUNT_PARTNER 3
#define CRM_ACCOUNT_COMPETITOR 4
#define CRM_ACCOUNT_OTHER 5

CRM_API int crm_customer_new(crm_customer** out);
CRM_API int crm_customer_clone(crm_customer** out, const crm_customer* c);
CRM_API void crm_customer_free(crm_customer* c);
/* A text field, borrowed; "" for a NULL record; NULL (and *len 0) for a field number that is not
 * a text field of it (crm_errmsg says why). */
CRM_API const char* crm_customer_text(const crm_customer* c, int field, size_t* len);
CRM_API int crm_customer_set_text(crm_customer* c, int field, const char* s, size_t len);
/* The integer field `field` into *out (since 0.3); CRM_EINVALID for a text field, a number of no
 * field, or NULL arguments. */
CRM_API int crm_customer_get_int(int64_t* out, const crm_customer* c, int field);
/* As crm_customer_get_int, returning the value: 0 for a wrong field (crm_errmsg says why). */
CRM_API int64_t crm_customer_int(const crm_customer* c, int field);
CRM_API int crm_customer_set_int(crm_customer* c, int field, int64_t value);

/* Emails and phones: lists of (value, label, primary). Index from 0. */
CRM_API size_t crm_customer_email_count(const crm_customer* c);
CRM_API int crm_customer_email(const crm_customer* c, size_t i, const char** address, size_t* address_len,
                               const char** label, size_t* label_len, int* primary);
CRM_API int crm_customer_add_email(crm_customer* c, const char* address, size_t address_len, const char* label,
                                   size_t label_len, int primary);
CRM_API size_t crm_customer_phone_count(const crm_customer* c);
CRM_API int crm_customer_phone(const crm_customer* c, size_t i, const char** number, size_t* number_len,
                               const char** label, size_t* label_len, int* primary);
CRM_API int crm_customer_add_phone(crm_customer* c, const char* number, size_t number_len, const char* label,
                                   size_t label_len, int primary);
CRM_API size_t crm_customer_tag_count(const crm_customer* c);
CRM_API const char* crm_customer_tag(const crm_customer* c, size_t i, size_t* len);
/* An organization's domains (normalised by the store; since 0.5), as tags are. */
CRM_API size_t crm_customer_domain_count(const crm_customer* c);
CRM_API const char* crm_customer_domain(const crm_customer* c, size_t i, size_t* len);
CRM_API int crm_customer_add_domain(crm_customer* c, const char* domain, size_t len);
CRM_API int crm_customer_add_tag(crm_customer* c, const char* tag, size_t len);
CRM_API size_t crm_customer_membership_count(const crm_customer* c);
CRM_API int crm_customer_membership(const crm_customer* c, size_t i, uint64_t* organization, const char** role,
                                    size_t* role_len);
CRM_API int crm_customer_add_membership(crm_customer* c, uint64_t organization, const char* role, size_t role_len);
/* Empties one list: CRM_LIST_EMAILS, _PHONES, _TAGS, _MEMBERSHIPS, _CUSTOM or _DOMAINS. */
#define CRM_LIST_EMAILS 1
#define CRM_LIST_PHONES 2
#define CRM_LIST_TAGS 3
#define CRM_LIST_MEMBERSHIPS 4
#define CRM_LIST_CUSTOM 5
#define CRM_LIST_DOMAINS 6
CRM_API int crm_customer_clear(crm_customer* c, int list);

/* Typed custom fields, kept sorted by name. */
#define CRM_VALUE_TEXT 1
#define CRM_VALUE_INT 2
#define CRM_VALUE_MONEY 3
#define CRM_VALUE_TIME 4
#define CRM_VALUE_BOOL 5
CRM_API size_t crm_customer_custom_count(const crm_customer* c);
/* The i-th custom field: its name and type; then read it with crm_customer_custom_value. */
CRM_API int crm_customer_custom_field(const crm_customer* c, size_t i, const char** name, size_t* name_len,
                                      int* type);
/* The value of the i-th field: text in *text (TEXT), the number in *number (INT: the integer,
 * MONEY: minor units, TIME: microseconds, BOOL: 0/1) and the currency in *text (MONEY). */
CRM_API int crm_customer_custom_value(const crm_customer* c, size_t i, int64_t* number, const char** text,
                                      size_t* text_len);
/* Sets (adding or replacing) a custom field. `text` is the value (TEXT) or the currency (MONEY). */
CRM_API int crm_customer_set_custom(crm_customer* c, const char* name, size_t name_len, int type, int64_t number,
                                    const char* text, size_t text_len);
CRM_API int crm_customer_remove_custom(crm_customer* c, const char* name, size_t name_len);

/* Creates `c` (its store-managed fields are ignored) and updates it with the stored result. */
CRM_API int crm_customer_create(crm_txn* txn, crm_customer* c);
/* Replaces customer `id` of `c` if its revision is current (CRM_ECONFLICT otherwise); `c` is
 * updated with the stored result. */
CRM_API int crm_customer_update(crm_txn* txn, crm_customer* c);
/* Creates or replaces the customer with c's external id. */
CRM_API int crm_customer_upsert(crm_txn* txn, crm_customer* c);
/* Changes only the named fields ("owner, +tags, address.city": see Patch in crm/customer.hpp) of
 * customer c's id (revision checked unless 0), or with id 0 upserts by external id (since 0.5). */
CRM_API int crm_customer_patch(crm_txn* txn, crm_customer* c, const char* fields, size_t len);
/* out may be NULL. */
CRM_API int crm_customer_archive(crm_customer** out, crm_txn* txn, uint64_t id);
CRM_API int crm_customer_restore(crm_customer** out, crm_txn* txn, uint64_t id);
/* cascade: also delete its interactions, opportunities, contact roles and memberships. Without
 * it, a customer that has any gives CRM_ECONFLICT. */
CRM_API int crm_customer_delete(crm_txn* txn, uint64_t id, int cascade);
CRM_API int crm_customer_get(crm_customer** out, crm_txn* txn, uint64_t id);
CRM_API int crm_customer_find_by_email(crm_customer** out, crm_txn* txn, const char* email, size_t len);
CRM_API int crm_customer_find_by_external_id(crm_customer** out, crm_txn* txn, const char* id, size_t len);
/* An iterator over the customers with this phone number (formatting ignored). */
CRM_API int crm_customer_find_by_phone(crm_iter** out, crm_txn* txn, const char* phone, size_t len);
/* Organizations with a domain, given as a domain, web or email address (since 0.5). */
CRM_API int crm_customer_find_by_domain(crm_iter** out, crm_txn* txn, const char* domain, size_t len);

#define CRM_BY_ALL 0
#define CRM_BY_TAG 1
#define CRM_BY_OWNER 2
#define CRM_BY_STAGE 3
#define CRM_BY_ORGANIZATION 4
#define CRM_BY_NAME_PREFIX 5
#define CRM_BY_NOT_CONTACTED_SINCE 6
#define CRM_BY_COUNTRY 7 /* text: the address's country, case-insensitive (since 0.3) */

typedef struct crm_customer_query {
  unsigned int version;
  int by;                  /* CRM_BY_* */
  const char* text;        /* tag, owner or name prefix */
  size_t text_len;
  int stage;               /* CRM_BY_STAGE */
  uint64_t organization;   /* CRM_BY_ORGANIZATION */
  int64_t since;           /* CRM_BY_NOT_CONTACTED_SINCE */
  int include_archived;
  size_t page_size;        /* items read per page; 0: 100 */
  const char* page_token;  /* continue a listing (crm_iter_page_token); NULL: from the start */
  size_t page_token_len;
} crm_customer_query;

#define CRM_CUSTOMER_QUERY_VERSION 1
#define CRM_CUSTOMER_QUERY_INIT {CRM_CUSTOMER_QUERY_VERSION, CRM_BY_ALL, NULL, 0, 0, 0, 0, 0, 0, NULL, 0}
CRM_API int crm_customer_query_init(crm_customer_query* q, unsigned int version);
CRM_API int crm_customer_list(crm_iter** out, crm_txn* txn, const crm_customer_query* q);
CRM_API int crm_customer_count(uint64_t* out, crm_txn* txn, const crm_customer_query* q);

/* ---- interactions ---- */

#define CRM_KIND_CALL 1
#define CRM_KIND_EMAIL 2
#define CRM_KIND_MEETING 3
#define CRM_KIND_NOTE 4
#define CRM_KIND_TASK 5
#define CRM_KIND_SUPPORT_TICKET 6
#define CRM_KIND_PURCHASE 7
#define CRM_KIND_OTHER 8

#define CRM_DIRECTION_NONE 0
#define CRM_DIRECTION_INBOUND 1
#define CRM_DIRECTION_OUTBOUND 2

#define CRM_INTERACTION_KIND_LABEL 101
#define CRM_INTERACTION_SUBJECT 102
#define CRM_INTERACTION_BODY 103
#define CRM_INTERACTION_OUTCOME 104
#define CRM_INTERACTION_OWNER 105
#define CRM_INTERACTION_CURRENCY 106 /* of the amount; "" when there is none */
#define CRM_INTERACTION_EXTERNAL_ID 107 /* unique when set (since 0.5) */

#define CRM_INTERACTION_ID 201         /* read-only */
#define CRM_INTERACTION_REVISION 202
#define CRM_INTERACTION_CREATED_AT 203 /* kept on create in import mode only */
#define CRM_INTERACTION_UPDATED_AT 204 /* kept on create in import mode only */
#define CRM_INTERACTION_CUSTOMER 205
#define CRM_INTERACTION_KIND 206       /* CRM_KIND_* */
#define CRM_INTERACTION_DIRECTION 207  /* CRM_DIRECTION_* */
#define CRM_INTERACTION_OCCURRED_AT 208
#define CRM_INTERACTION_DURATION_SECONDS 209
#define CRM_INTERACTION_SATISFACTION 210 /* 1 to 5, 0 for none */
#define CRM_INTERACTION_AMOUNT 211       /* minor units; with CRM_INTERACTION_CURRENCY */
#define CRM_INTERACTION_OPPORTUNITY 212
#define CRM_INTERACTION_DUE_AT 213
#define CRM_INTERACTION_DONE 214

CRM_API int crm_interaction_new(crm_interaction** out);
CRM_API int crm_interaction_clone(crm_interaction** out, const crm_interaction* i); /* since 0.2 */
CRM_API void crm_interaction_free(crm_interaction* i);
/* A text field, borrowed; "" for a NULL record; NULL (and *len 0) for a field number that is not
 * a text field of it (crm_errmsg says why). */
CRM_API const char* crm_interaction_text(const crm_interaction* i, int field, size_t* len);
CRM_API int crm_interaction_set_text(crm_interaction* i, int field, const char* s, size_t len);
/* The integer field `field` into *out (since 0.3); CRM_EINVALID for a text field, a number of no
 * field, or NULL arguments. */
CRM_API int crm_interaction_get_int(int64_t* out, const crm_interaction* i, int field);
/* As crm_interaction_get_int, returning the value: 0 for a wrong field (crm_errmsg says why). */
CRM_API int64_t crm_interaction_int(const crm_interaction* i, int field);
CRM_API int crm_interaction_set_int(crm_interaction* i, int field, int64_t value);

CRM_API int crm_interaction_log(crm_txn* txn, crm_interaction* i);
CRM_API int crm_interaction_update(crm_txn* txn, crm_interaction* i);
CRM_API int crm_interaction_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_interaction_get(crm_interaction** out, crm_txn* txn, uint64_t id);

typedef struct crm_timeline_query {
  unsigned int version;
  uint64_t customer;
  int oldest_first;      /* default 0: newest first */
  int64_t from;          /* inclusive; INT64_MIN: no bound */
  int64_t to;            /* exclusive; INT64_MAX: no bound */
  unsigned int kinds;    /* bit (1 << CRM_KIND_x) per kind wanted; 0: every kind */
  size_t page_size;      /* 0: 100 */
  const char* page_token;
  size_t page_token_len;
} crm_timeline_query;

#define CRM_TIMELINE_QUERY_VERSION 1
#define CRM_TIMELINE_QUERY_INIT {CRM_TIMELINE_QUERY_VERSION, 0, 0, INT64_MIN, INT64_MAX, 0, 0, NULL, 0}
CRM_API int crm_timeline_query_init(crm_timeline_query* q, unsigned int version);
CRM_API int crm_timeline(crm_iter** out, crm_txn* txn, const crm_timeline_query* q);

/* ---- pipelines ---- */

#define CRM_OUTCOME_OPEN 0
#define CRM_OUTCOME_WON 1
#define CRM_OUTCOME_LOST 2

/* Forecast categories (since 0.13; crm/pipeline.hpp): a stage's (AUTO: open ones count as
 * pipeline, won ones as closed, lost ones as omitted) and a deal's override while open. */
#define CRM_FORECAST_AUTO 0
#define CRM_FORECAST_PIPELINE 1
#define CRM_FORECAST_BEST_CASE 2
#define CRM_FORECAST_COMMIT 3
#define CRM_FORECAST_CLOSED 4 /* won stages only */
#define CRM_FORECAST_OMITTED 5

CRM_API int crm_pipeline_new(crm_pipeline** out);
CRM_API int crm_pipeline_clone(crm_pipeline** out, const crm_pipeline* p); /* since 0.2 */
CRM_API void crm_pipeline_free(crm_pipeline* p);
CRM_API uint64_t crm_pipeline_id(const crm_pipeline* p);
CRM_API uint64_t crm_pipeline_revision(const crm_pipeline* p);
CRM_API const char* crm_pipeline_name(const crm_pipeline* p, size_t* len);
CRM_API int crm_pipeline_set_name(crm_pipeline* p, const char* name, size_t len);
CRM_API size_t crm_pipeline_stage_count(const crm_pipeline* p);
CRM_API int crm_pipeline_stage(const crm_pipeline* p, size_t i, uint32_t* id, const char** name, size_t* name_len,
                               int* probability, int* outcome);
/* Appends a stage (id 0: a new stage; or the id of a stage of this pipeline to keep it). */
CRM_API int crm_pipeline_add_stage(crm_pipeline* p, uint32_t id, const char* name, size_t name_len, int probability,
                                   int outcome);
CRM_API int crm_pipeline_clear_stages(crm_pipeline* p);
/* Stage i's forecast category (CRM_FORECAST_*, as set; -1 when i is out of range) and the
 * category its deals count in (AUTO resolved by the outcome) (since 0.13). */
CRM_API int crm_pipeline_stage_forecast(const crm_pipeline* p, size_t i, int* effective);
/* Sets stage i's category; crm_pipeline_create / _update check that it fits the outcome. */
CRM_API int crm_pipeline_set_stage_forecast(crm_pipeline* p, size_t i, int category);
/* The id of the stage with this name (case-insensitive), or 0. */
CRM_API uint32_t crm_pipeline_stage_id(const crm_pipeline* p, const char* name, size_t len);

CRM_API int crm_pipeline_create(crm_txn* txn, crm_pipeline* p);
/* Revision checked (set by crm_pipeline_get); a stage still holding deals cannot be removed. */
CRM_API int crm_pipeline_update(crm_txn* txn, crm_pipeline* p);
CRM_API int crm_pipeline_delete(crm_txn* txn, uint64_t id);
/* id 0: the default pipeline. */
CRM_API int crm_pipeline_get(crm_pipeline** out, crm_txn* txn, uint64_t id);
CRM_API int crm_pipeline_list(crm_iter** out, crm_txn* txn);

#ifdef __cplusplus
}
#endif
#include "crm_opportunities.h" /* opportunities and their stage history */
#include "crm_changes.h"     /* the change feed and field history */
#include "crm_maintenance.h" /* verify, statistics, backups (since 0.4) */
#include "crm_query.h"       /* searches, counts, plans, aggregates (since 0.5) */
#include "crm_phones.h"      /* phone numbers' E.164 form, type and validity (since 0.5) */
#include "crm_users.h"       /* users and teams (since 0.5) */
#include "crm_products.h"    /* products and deals' line items (since 0.15) */
#include "crm_privacy.h"     /* erasure, suppression, subject export (since 0.6) */
#include "crm_consent.h"     /* consent per purpose and channel, can-contact (since 0.7) */
#include "crm_imports.h"     /* CSV and JSON Lines imports as jobs (since 0.11) */
#include "crm_sales.h"       /* sales reports as tables (since 0.13) */
#include "crm_analytics.h"   /* customer analytics: purchase facts, churn, cohorts, RFM (since 0.16) */
#include "crm_duplicates.h"  /* data quality: duplicate matching, the duplicate rule, pairs (since 0.17), merging (0.18) */
#include "crm_segments.h"    /* segments: manual, dynamic and snapshot sets of customers (since 0.19) */
#include "crm_campaigns.h"   /* campaigns: members, statuses, the audience with its exclusions (since 0.19) */
#include "crm_tickets.h"     /* customer service: tickets, business calendars, SLA policies (since 0.20) */
#include "crm_leads.h"       /* lead conversion (since 0.20) */
#endif /* CRM_H */
