/*
 * crm_privacy.h - erasing a customer and the erasure log of the libcrm C ABI (since 0.6).
 * Included by crm.h; the conventions of crm.h apply. What an erasure removes, and what a
 * compacted backup guarantees, is told in crm/privacy.hpp.
 */
#ifndef CRM_PRIVACY_H
#define CRM_PRIVACY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Encryption at rest (since 0.9; crm_options version 4; crm/store.hpp and the README's "Privacy
 * and security" tell what is protected): crm_options.encryption_key (32 bytes) or
 * .encryption_passphrase given when the file is created encrypts every personal value in it, each
 * customer's with a data key of its own that crm_customer_erase destroys. Every later open needs
 * the same key: without it or with another it fails with CRM_EKEY and changes nothing. A key given
 * for an existing file that is not encrypted fails with CRM_ECONFLICT. */

/* Changes the key of the encrypted database `db` is open on (since 0.10): afterwards it opens with
 * `key` (key_len 32 bytes) or `passphrase` (NUL-terminated; a new salt is drawn), exactly one of
 * the two, the other NULL, and no longer with the old key. Synced to disk before it returns,
 * whatever the durability: interrupted at any point, the file opens with the old key or the new
 * one. Handles already open on the file go on unchanged. CRM_ECONFLICT for a database that is not
 * encrypted; CRM_EINVALID for no key, both, or a key not 32 bytes long; CRM_EREADONLY on a
 * read-only handle. */
CRM_API int crm_db_rekey(crm_db* db, const void* key, size_t key_len, const char* passphrase);

typedef struct crm_erasure crm_erasure;
typedef struct crm_erasure_list crm_erasure_list;

/* Flags of crm_customer_erase. */
#define CRM_ERASE_KEEP_DEALS 1 /* keep the customer's deals anonymised (amounts stay), not erased */
#define CRM_ERASE_SUPPRESS 2   /* suppress the customer's emails and phones (crm_suppress) */

/* Integer fields of an erasure. */
#define CRM_ERASURE_SEQ 201              /* the tombstone's sequence number in the change feed */
#define CRM_ERASURE_AT 202
#define CRM_ERASURE_CUSTOMER 203         /* the erased customer's id */
#define CRM_ERASURE_INTERACTIONS 204     /* interactions erased */
#define CRM_ERASURE_DEALS_ERASED 205
#define CRM_ERASURE_DEALS_KEPT 206
#define CRM_ERASURE_CHANGES_REDACTED 207 /* changes of the feed whose values were removed */

/* Erases customer `id` and what belongs to it in `txn` (a write transaction); CRM_ENOTFOUND when
 * there is none. *out (when out is not NULL) receives the erasure log's entry. */
CRM_API int crm_customer_erase(crm_txn* txn, uint64_t id, int flags, crm_erasure** out);
CRM_API void crm_erasure_free(crm_erasure* e);
CRM_API int64_t crm_erasure_int(const crm_erasure* e, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API const char* crm_erasure_actor(const crm_erasure* e, size_t* len);
/* The customer's identifiers, masked ("J*** S****", "j***@e******.com", "*********99"). */
CRM_API size_t crm_erasure_masked_count(const crm_erasure* e);
CRM_API const char* crm_erasure_masked(const crm_erasure* e, size_t i, size_t* len); /* NULL past the end */

/* Suppression: a customer cannot be created, or updated to hold, a suppressed email address or
 * phone number (CRM_ESUPPRESSED, the message naming the field; a customer that already holds it
 * keeps it). Only a keyed hash of the folded address or the number's digits is stored.
 * `email_or_phone`: text with '@' is an email address, anything else a phone number. */
CRM_API int crm_suppress(crm_txn* txn, const char* email_or_phone, size_t len);
/* *removed (may be NULL): 1 when there was a suppression to lift, 0 when not. */
CRM_API int crm_unsuppress(crm_txn* txn, const char* email_or_phone, size_t len, int* removed);
CRM_API int crm_is_suppressed(int* out, crm_txn* txn, const char* email_or_phone, size_t len);

/* Subject access: everything held about customer `id` as one JSON document (UTF-8; schema
 * "libcrm.subject-export" version 4, see crm/privacy.hpp), in *out for crm_free, its length in
 * *len (may be NULL). CRM_ENOTFOUND when there is no such customer. */
CRM_API int crm_customer_export(char** out, size_t* len, crm_txn* txn, uint64_t id);

/* The erasures whose tombstone is at `from_seq` or later, oldest first, at most `limit` (1 to
 * 1000). The records are borrowed until crm_erasure_list_free. */
CRM_API int crm_erasure_list_get(crm_erasure_list** out, crm_txn* txn, uint64_t from_seq, size_t limit);
CRM_API size_t crm_erasure_list_size(const crm_erasure_list* l);
CRM_API const crm_erasure* crm_erasure_list_at(const crm_erasure_list* l, size_t i); /* NULL past the end */
CRM_API void crm_erasure_list_free(crm_erasure_list* l);

#ifdef __cplusplus
}
#endif

#endif /* CRM_PRIVACY_H */
