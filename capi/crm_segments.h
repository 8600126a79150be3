/*
 * crm_segments.h - segments of the libcrm C ABI (since 0.19). Included by crm.h; the conventions
 * of crm.h apply (field numbers carry their type, as for customers).
 *
 * A segment is a named set of customers: manual (the customers added to it), dynamic (those its
 * filter matches, kept current by every customer write in the write's transaction) or snapshot
 * (a dynamic segment's members, or a filter's matches, frozen when taken). Member counts are
 * maintained: crm_segment_contains and crm_segment_member_count are one read each. A dynamic
 * filter may name any customer field except those read through the owner's user (team,
 * team.region, owner.*).
 */
#ifndef CRM_SEGMENTS_H
#define CRM_SEGMENTS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_segment crm_segment;
typedef struct crm_segment_list crm_segment_list;
typedef struct crm_id_page crm_id_page;

/* Kinds (CRM_SEGMENT_KIND). */
#define CRM_SEGMENT_MANUAL 1
#define CRM_SEGMENT_DYNAMIC 2
#define CRM_SEGMENT_SNAPSHOT 3

/* Text fields of a segment. */
#define CRM_SEGMENT_NAME 101        /* required; unique, case-insensitively */
#define CRM_SEGMENT_DESCRIPTION 102
#define CRM_SEGMENT_FILTER 103      /* dynamic: required (crm_query.h grammar); snapshot: what it was taken with */
/* Integer fields of a segment. */
#define CRM_SEGMENT_ID 201               /* read-only */
#define CRM_SEGMENT_REVISION 202         /* set it to the revision an update is based on */
#define CRM_SEGMENT_CREATED_AT 203
#define CRM_SEGMENT_UPDATED_AT 204
#define CRM_SEGMENT_KIND 205             /* CRM_SEGMENT_MANUAL (the default), _DYNAMIC, _SNAPSHOT */
#define CRM_SEGMENT_INCLUDE_ARCHIVED 206 /* 0 or 1: archived customers may be members */
#define CRM_SEGMENT_FROZEN_AT 207        /* read-only: when a snapshot's members were taken */
#define CRM_SEGMENT_FROZEN_FROM 208      /* read-only: the dynamic segment a snapshot was taken of */
#define CRM_SEGMENT_MEMBERS 209          /* read-only: the member count when read */

CRM_API int crm_segment_new(crm_segment** out);
CRM_API int crm_segment_clone(crm_segment** out, const crm_segment* s);
CRM_API void crm_segment_free(crm_segment* s);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_segment_text(const crm_segment* s, int field, size_t* len);
CRM_API int crm_segment_set_text(crm_segment* s, int field, const char* text, size_t len);
CRM_API int crm_segment_get_int(int64_t* out, const crm_segment* s, int field);
CRM_API int64_t crm_segment_int(const crm_segment* s, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_segment_set_int(crm_segment* s, int field, int64_t value);

/* Writes: the record is updated in place (id, revision, times, members). CRM_EINVALID for a bad
 * or refused filter (its position or field named); CRM_EEXISTS for a name another segment has;
 * CRM_ECONFLICT for a stale revision; CRM_EFULL past 256 dynamic segments. An update changing a
 * dynamic segment's filter re-evaluates its members; the kind never changes. */
CRM_API int crm_segment_create(crm_txn* txn, crm_segment* s);
CRM_API int crm_segment_update(crm_txn* txn, crm_segment* s);
CRM_API int crm_segment_delete(crm_txn* txn, uint64_t id);
/* A new snapshot segment named `name` holding a dynamic segment's members now (out may be NULL);
 * CRM_ECONFLICT when the segment is not dynamic. */
CRM_API int crm_segment_snapshot(crm_segment** out, crm_txn* txn, uint64_t dynamic, const char* name, size_t len);
/* Manual segments only (CRM_ECONFLICT otherwise, with the reason). `count` ids, at most 10000;
 * *changed (may be NULL): how many were added (were not members) or removed (were).
 * CRM_ENOTFOUND naming the first customer that does not exist, and nothing is added. */
CRM_API int crm_segment_add_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids,
                                    size_t count);
CRM_API int crm_segment_remove_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids,
                                       size_t count);

/* Reads into a new record; CRM_ENOTFOUND when there is none. */
CRM_API int crm_segment_get(crm_segment** out, crm_txn* txn, uint64_t id);
CRM_API int crm_segment_find_by_name(crm_segment** out, crm_txn* txn, const char* name, size_t len);
/* *out: 1 when the customer is a member, else 0 (a customer that does not exist is not);
 * CRM_ENOTFOUND for a segment that does not exist. */
CRM_API int crm_segment_contains(int* out, crm_txn* txn, uint64_t segment, uint64_t customer);
CRM_API int crm_segment_member_count(uint64_t* out, crm_txn* txn, uint64_t segment);
/* Every segment in id order; the records are borrowed until crm_segment_list_free. */
CRM_API int crm_segment_list_get(crm_segment_list** out, crm_txn* txn);
CRM_API size_t crm_segment_list_size(const crm_segment_list* l);
CRM_API const crm_segment* crm_segment_list_at(const crm_segment_list* l, size_t i); /* NULL past the end */
CRM_API void crm_segment_list_free(crm_segment_list* l);

/* A page of ids. Members: `limit` (1 to 1000) customers of the segment in id order after the
 * page `page_token` (bytes; NULL or empty for the first) ended. Segments of a customer: all of
 * them, in id order, on one page. */
CRM_API int crm_segment_members(crm_id_page** out, crm_txn* txn, uint64_t segment, size_t limit, const char* page_token,
                                size_t page_token_len);
CRM_API int crm_segments_of(crm_id_page** out, crm_txn* txn, uint64_t customer);
/* The ids, borrowed until crm_id_page_free. */
CRM_API int crm_id_page_ids(const crm_id_page* p, const uint64_t** ids, size_t* count);
/* The token of the next page (empty on the last), borrowed until crm_id_page_free. */
CRM_API const char* crm_id_page_next(const crm_id_page* p, size_t* len);
CRM_API void crm_id_page_free(crm_id_page* p);

#ifdef __cplusplus
}
#endif

#endif /* CRM_SEGMENTS_H */
