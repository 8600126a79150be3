/*
 * crm_users.h - users and teams of the libcrm C ABI (since 0.5). Included by crm.h; the
 * conventions of crm.h apply (field numbers carry their type, as for customers).
 *
 * Records keep their owner as text (CRM_CUSTOMER_OWNER, CRM_OPPORTUNITY_OWNER ...). An owner
 * text names a user when it equals the user's login, or else the name of exactly one user (both
 * compared case-insensitively): crm_user_resolve_owner says which, and filters, sorts and
 * groupings read "team", "team.region", "owner.manager", "owner.active" and "owner.user"
 * through it. An owner that names no user stays text, with no team.
 */
#ifndef CRM_USERS_H
#define CRM_USERS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_user crm_user;
typedef struct crm_team crm_team;
typedef struct crm_user_list crm_user_list;
typedef struct crm_team_list crm_team_list;

/* Text fields of a user. */
#define CRM_USER_NAME 101  /* required */
#define CRM_USER_LOGIN 102 /* unique when not empty, case-insensitively */
#define CRM_USER_EMAIL 103 /* unique when not empty */
/* Integer fields of a user. */
#define CRM_USER_ID 201         /* read-only */
#define CRM_USER_REVISION 202   /* set it to the revision an update is based on */
#define CRM_USER_CREATED_AT 203 /* kept on create in import mode only */
#define CRM_USER_UPDATED_AT 204
#define CRM_USER_ACTIVE 205     /* 0 or 1 (a new user: 1) */
#define CRM_USER_TEAM 206       /* a team's id; 0: none */
#define CRM_USER_MANAGER 207    /* a user's id; 0: none; never a cycle */

/* Text fields of a team. */
#define CRM_TEAM_NAME 101   /* required, unique case-insensitively */
#define CRM_TEAM_REGION 102 /* a sales region or office */
/* Integer fields of a team. */
#define CRM_TEAM_ID 201 /* read-only */
#define CRM_TEAM_REVISION 202
#define CRM_TEAM_CREATED_AT 203
#define CRM_TEAM_UPDATED_AT 204
#define CRM_TEAM_MANAGER 205 /* a user's id; 0: none */

CRM_API int crm_user_new(crm_user** out);
CRM_API int crm_user_clone(crm_user** out, const crm_user* u);
CRM_API void crm_user_free(crm_user* u);
/* As crm_customer_text / _set_text / _get_int / _set_int. */
CRM_API const char* crm_user_text(const crm_user* u, int field, size_t* len);
CRM_API int crm_user_set_text(crm_user* u, int field, const char* s, size_t len);
CRM_API int crm_user_get_int(int64_t* out, const crm_user* u, int field);
CRM_API int64_t crm_user_int(const crm_user* u, int field); /* 0 for a wrong field (crm_errmsg says why) */
CRM_API int crm_user_set_int(crm_user* u, int field, int64_t value);

/* Writes: the record is updated in place (id, revision, times). The team and manager must exist;
 * CRM_EEXISTS for a login or email another user holds; CRM_ECONFLICT for a stale revision. */
CRM_API int crm_user_create(crm_txn* txn, crm_user* u);
CRM_API int crm_user_update(crm_txn* txn, crm_user* u);
/* CRM_EDEPENDENTS while the user manages a team or another user (deactivate it instead). */
CRM_API int crm_user_delete(crm_txn* txn, uint64_t id);
/* Reads into a new record; CRM_ENOTFOUND when there is none. */
CRM_API int crm_user_get(crm_user** out, crm_txn* txn, uint64_t id);
CRM_API int crm_user_find_by_login(crm_user** out, crm_txn* txn, const char* login, size_t len);
CRM_API int crm_user_find_by_email(crm_user** out, crm_txn* txn, const char* email, size_t len);
/* The user an owner text names; CRM_ENOTFOUND when it names none (crm_errmsg says why). */
CRM_API int crm_user_resolve_owner(crm_user** out, crm_txn* txn, const char* owner, size_t len);
/* Every user in id order, or with `team` not 0 the members of that team. The records are
 * borrowed until crm_user_list_free. */
CRM_API int crm_user_list_get(crm_user_list** out, crm_txn* txn, uint64_t team);
CRM_API size_t crm_user_list_size(const crm_user_list* l);
CRM_API const crm_user* crm_user_list_at(const crm_user_list* l, size_t i); /* NULL past the end */
CRM_API void crm_user_list_free(crm_user_list* l);

CRM_API int crm_team_new(crm_team** out);
CRM_API int crm_team_clone(crm_team** out, const crm_team* t);
CRM_API void crm_team_free(crm_team* t);
CRM_API const char* crm_team_text(const crm_team* t, int field, size_t* len);
CRM_API int crm_team_set_text(crm_team* t, int field, const char* s, size_t len);
CRM_API int crm_team_get_int(int64_t* out, const crm_team* t, int field);
CRM_API int64_t crm_team_int(const crm_team* t, int field);
CRM_API int crm_team_set_int(crm_team* t, int field, int64_t value);
CRM_API int crm_team_create(crm_txn* txn, crm_team* t);
CRM_API int crm_team_update(crm_txn* txn, crm_team* t);
/* CRM_EDEPENDENTS while users are in the team. */
CRM_API int crm_team_delete(crm_txn* txn, uint64_t id);
CRM_API int crm_team_get(crm_team** out, crm_txn* txn, uint64_t id);
CRM_API int crm_team_find_by_name(crm_team** out, crm_txn* txn, const char* name, size_t len);
CRM_API int crm_team_list_get(crm_team_list** out, crm_txn* txn);
CRM_API size_t crm_team_list_size(const crm_team_list* l);
CRM_API const crm_team* crm_team_list_at(const crm_team_list* l, size_t i);
CRM_API void crm_team_list_free(crm_team_list* l);

#ifdef __cplusplus
}
#endif

#endif /* CRM_USERS_H */
