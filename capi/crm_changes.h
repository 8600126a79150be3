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

#define CRM_OP_CREATE 1
#define CRM_OP_UPDATE 2
#define CRM_OP_ARCHIVE 3
#define CRM_OP_RESTORE 4
#define CRM_OP_DELETE 5
#define CRM_OP_STAGE_MOVE 6
#define CRM_OP_ERASE 7 /* a tombstone: the record was erased (since 0.6, crm_privacy.h) */

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
CRM_API size_t crm_change_field_count(const crm_change* c);
CRM_API int crm_change_field(const crm_change* c, size_t i, const char** name, size_t* name_len, const char** before,
                             size_t* before_len, const char** after, size_t* after_len);

/* The feed from sequence number `from_seq` on. */
CRM_API int crm_changes(crm_iter** out, crm_txn* txn, uint64_t from_seq);
CRM_API int crm_last_change_seq(uint64_t* out, crm_txn* txn);
/* Every change of `field` ("owner", "address" for all address.*, "custom.<name>") of one record,
 * oldest first: each item is a change holding just that field. */
CRM_API int crm_field_history(crm_iter** out, crm_txn* txn, int entity, uint64_t id, const char* field,
                              size_t field_len);

#ifdef __cplusplus
}
#endif

#endif /* CRM_CHANGES_H */
