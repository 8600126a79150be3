/*
 * crm_changes.h - the change feed and field history of the libcrm C ABI. Included by crm.h; the
 * conventions of crm.h apply.
 */
#ifndef CRM_CHANGES_H
#define CRM_CHANGES_H

#ifdef __cplusplus
extern "C" {
#endif

#define CRM_ENTITY_CUSTOMER 1
#define CRM_ENTITY_INTERACTION 2
#define CRM_ENTITY_OPPORTUNITY 3
#define CRM_ENTITY_PIPELINE 4
#define CRM_ENTITY_USER 5 /* since 0.5 (crm_users.h) */
#define CRM_ENTITY_TEAM 6
#define CRM_ENTITY_PRODUCT 7 /* since 0.15 (crm_products.h) */
#define CRM_ENTITY_SEGMENT 8 /* since 0.19 (crm_segments.h) */
#define CRM_ENTITY_CAMPAIGN 9 /* since 0.19 (crm_campaigns.h) */
#define CRM_ENTITY_TICKET 10  /* since 0.20 (crm_tickets.h) */

#define CRM_OP_CREATE 1
#define CRM_OP_UPDATE 2
#define CRM_OP_ARCHIVE 3
#define CRM_OP_RESTORE 4
#define CRM_OP_DELETE 5
#define CRM_OP_STAGE_MOVE 6
#define CRM_OP_ERASE 7 /* a tombstone: the record was erased (since 0.6, crm_privacy.h) */
#define CRM_OP_MERGE 8   /* customers were merged into this one (since 0.18, crm_duplicates.h) */
#define CRM_OP_UNMERGE 9 /* a merge into this customer was undone (since 0.18) */

/* Changes come from iterators (borrowed); a clone or a taken change is the caller's (since 0.2). */
CRM_API int crm_change_clone(crm_change** out, const crm_change* c);
CRM_API void crm_change_free(crm_change* c);
CRM_API uint64_t crm_change_seq(const crm_change* c);
CRM_API int64_t crm_change_at(const crm_change* c);
CRM_API const char* crm_change_actor(const crm_change* c, size_t* len);
CRM_API int crm_change_entity(const crm_change* c);
CRM_API uint64_t crm_change_entity_id(const crm_change* c);
CRM_API int crm_change_op(const crm_change* c);
CRM_API int crm_change_imported(const crm_change* c); /* 1: written in import mode (since 0.5) */
/* 1: the record was erased later, and the change lost its field values (since 0.6) */
CRM_API int crm_change_redacted(const crm_change* c);
/* 1: the retention policy trimmed it: it lost its field values and actor (since 0.7) */
CRM_API int crm_change_trimmed(const crm_change* c);
CRM_API size_t crm_change_field_count(const crm_change* c);
CRM_API int crm_change_field(const crm_change* c, size_t i, const char** name, size_t* name_len, const char** before,
                             size_t* before_len, const char** after, size_t* after_len);

/* The feed from sequence number `from_seq` on (0: from the oldest change kept). When retention
 * removed changes from `from_seq` on, crm_iter_next fails with CRM_ETRIMMED. */
CRM_API int crm_changes(crm_iter** out, crm_txn* txn, uint64_t from_seq);
CRM_API int crm_last_change_seq(uint64_t* out, crm_txn* txn);
/* The oldest change the feed keeps: 1 until retention removed some (since 0.7). */
CRM_API int crm_first_change_seq(uint64_t* out, crm_txn* txn);
/* Every change of `field` ("owner", "address" for all address.*, "custom.<name>") of one record,
 * oldest first: each item is a change holding just that field. */
CRM_API int crm_field_history(crm_iter** out, crm_txn* txn, int entity, uint64_t id, const char* field,
                              size_t field_len);

/* Retention (since 0.7; what it does is told in crm/change.hpp). A change a rule selects is
 * trimmed (crm_change_trimmed); trimmed changes at the front of the feed are removed. */
#define CRM_RETENTION_RULE_VERSION 1
typedef struct crm_retention_rule {
  unsigned int version;  /* CRM_RETENTION_RULE_VERSION */
  int entity;            /* CRM_ENTITY_*; at most one rule per kind */
  uint32_t keep_days;    /* trim this kind's changes older than this many days (0: no limit) */
  uint32_t keep_entries; /* keep only the newest N changes of each record (0: no limit) */
} crm_retention_rule;
#define CRM_RETENTION_RULE_INIT {CRM_RETENTION_RULE_VERSION, 0, 0, 0}
/* Applies `n` rules in write transactions of at most `batch` changes each (1 to 100000), as the
 * database's default actor. *trimmed and *removed (each may be NULL) receive how many changes
 * were trimmed and removed. Interrupted, the store stays consistent; a later run finishes. */
CRM_API int crm_db_apply_retention(crm_db* db, const crm_retention_rule* rules, size_t n, size_t batch,
                                   uint64_t* trimmed, uint64_t* removed);

#ifdef __cplusplus
}
#endif

#endif /* CRM_CHANGES_H */
