// The C ABI: users and teams (crm_users.h).
#include "core.h"

using namespace capi;  // NOLINT: the shared helpers of every wrapper source

struct crm_user {
  crm::User v;
};
struct crm_team {
  crm::Team v;
};
struct crm_user_list {
  std::vector<crm_user> v;
};
struct crm_team_list {
  std::vector<crm_team> v;
};

namespace {

const FieldSet kUserFields{"a user", "crm_user", 3, 7, {CRM_USER_ID}};
const FieldSet kTeamFields{"a team", "crm_team", 2, 5, {CRM_TEAM_ID}};

std::string* UserText(crm::User& u, int field) {
  switch (field) {
    case CRM_USER_NAME: return &u.name;
    case CRM_USER_LOGIN: return &u.login;
    default: return &u.email;
  }
}

std::string* TeamText(crm::Team& t, int field) { return field == CRM_TEAM_NAME ? &t.name : &t.region; }

int64_t UserInt(const crm::User& u, int field) {
  switch (field) {
    case CRM_USER_ID: return static_cast<int64_t>(u.id);
    case CRM_USER_REVISION: return static_cast<int64_t>(u.revision);
    case CRM_USER_CREATED_AT: return u.created_at;
    case CRM_USER_UPDATED_AT: return u.updated_at;
    case CRM_USER_ACTIVE: return u.active ? 1 : 0;
    case CRM_USER_TEAM: return static_cast<int64_t>(u.team);
    default: return static_cast<int64_t>(u.manager);
  }
}

int64_t TeamInt(const crm::Team& t, int field) {
  switch (field) {
    case CRM_TEAM_ID: return static_cast<int64_t>(t.id);
    case CRM_TEAM_REVISION: return static_cast<int64_t>(t.revision);
    case CRM_TEAM_CREATED_AT: return t.created_at;
    case CRM_TEAM_UPDATED_AT: return t.updated_at;
    default: return static_cast<int64_t>(t.manager);
  }
}

// An id, revision or time field: ids and revisions are never negative.
int SetUnsigned(uint64_t* to, int64_t value, const char* name) {
  if (value < 0) return Fail(CRM_EINVALID, std::string(name) + ": must not be negative");
  *to = static_cast<uint64_t>(value);
  return CRM_OK;
}

template <class Handle, class Value>
int NewRecord(Handle** out) {
  return Guard([&] {
    if (out == nullptr) return Invalid("out: is NULL");
    return Give(out, Value{});
  });
}

// A read of one record by a text key.
template <class T, class Handle, class F>
int ReadByText(Handle** out, crm_txn* txn, const char* s, size_t len, const char* what, F call) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    std::string key;
    if (int rc = Text(s, len, what, &key); rc != CRM_OK) return rc;
    return ReadOut<T>(out, txn, [&](crm::ReadTxn& t) { return call(t, key); });
  });
}

}  // namespace

// ---- users ----

int crm_user_new(crm_user** out) { return NewRecord<crm_user, crm::User>(out); }
int crm_user_clone(crm_user** out, const crm_user* u) {
  return Guard([&] { return Clone(out, u); });
}
void crm_user_free(crm_user* u) { delete u; }

const char* crm_user_text(const crm_user* u, int field, size_t* len) {
  return TextOf(kUserFields, u, field, len,
                [&](const crm::User& v) -> const std::string& { return *UserText(const_cast<crm::User&>(v), field); });
}

int crm_user_set_text(crm_user* u, int field, const char* s, size_t len) {
  return Guard([&] {
    if (u == nullptr) return Invalid("u: is NULL");
    if (int rc = CheckField(kUserFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", UserText(u->v, field));
  });
}

int crm_user_get_int(int64_t* out, const crm_user* u, int field) { return IntOf(out, kUserFields, u, field, UserInt); }
int64_t crm_user_int(const crm_user* u, int field) { return IntOrZero(kUserFields, u, field, UserInt); }

int crm_user_set_int(crm_user* u, int field, int64_t value) {
  if (u == nullptr) return Invalid("u: is NULL");
  if (int rc = CheckField(kUserFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::User& v = u->v;
  switch (field) {
    case CRM_USER_REVISION: return SetUnsigned(&v.revision, value, "revision");
    case CRM_USER_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_USER_UPDATED_AT: v.updated_at = value; return CRM_OK;
    case CRM_USER_ACTIVE:
      if (value != 0 && value != 1) return Invalid("active: must be 0 or 1");
      v.active = value == 1;
      return CRM_OK;
    case CRM_USER_TEAM: return SetUnsigned(&v.team, value, "team");
    default: return SetUnsigned(&v.manager, value, "manager");
  }
}

int crm_user_create(crm_txn* txn, crm_user* u) {
  if (u == nullptr) return Invalid("u: is NULL");
  return WriteInto<crm::User>(txn, u, [&](crm::WriteTxn& t) { return t.CreateUser(u->v); });
}

int crm_user_update(crm_txn* txn, crm_user* u) {
  if (u == nullptr) return Invalid("u: is NULL");
  return WriteInto<crm::User>(txn, u, [&](crm::WriteTxn& t) { return t.UpdateUser(u->v); });
}

int crm_user_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteUser(id); });
}

int crm_user_get(crm_user** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::User>(out, txn, [&](crm::ReadTxn& t) { return t.GetUser(id); });
}

int crm_user_find_by_login(crm_user** out, crm_txn* txn, const char* login, size_t len) {
  return ReadByText<crm::User>(out, txn, login, len, "login",
                               [](crm::ReadTxn& t, const std::string& k) { return t.FindUserByLogin(k); });
}

int crm_user_find_by_email(crm_user** out, crm_txn* txn, const char* email, size_t len) {
  return ReadByText<crm::User>(out, txn, email, len, "email",
                               [](crm::ReadTxn& t, const std::string& k) { return t.FindUserByEmail(k); });
}

int crm_user_resolve_owner(crm_user** out, crm_txn* txn, const char* owner, size_t len) {
  return ReadByText<crm::User>(out, txn, owner, len, "owner",
                               [](crm::ReadTxn& t, const std::string& k) { return t.ResolveOwner(k); });
}

int crm_user_list_get(crm_user_list** out, crm_txn* txn, uint64_t team) {
  return ListOut<crm_user_list, crm::User>(out, txn, [&](crm::ReadTxn& t) { return t.ListUsers(team); });
}
size_t crm_user_list_size(const crm_user_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_user* crm_user_list_at(const crm_user_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last user (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_user_list_free(crm_user_list* l) { delete l; }

// ---- teams ----

int crm_team_new(crm_team** out) { return NewRecord<crm_team, crm::Team>(out); }
int crm_team_clone(crm_team** out, const crm_team* t) {
  return Guard([&] { return Clone(out, t); });
}
void crm_team_free(crm_team* t) { delete t; }

const char* crm_team_text(const crm_team* t, int field, size_t* len) {
  return TextOf(kTeamFields, t, field, len,
                [&](const crm::Team& v) -> const std::string& { return *TeamText(const_cast<crm::Team&>(v), field); });
}

int crm_team_set_text(crm_team* t, int field, const char* s, size_t len) {
  return Guard([&] {
    if (t == nullptr) return Invalid("t: is NULL");
    if (int rc = CheckField(kTeamFields, field, FieldUse::kWriteText); rc != CRM_OK) return rc;
    return Text(s, len, "value", TeamText(t->v, field));
  });
}

int crm_team_get_int(int64_t* out, const crm_team* t, int field) { return IntOf(out, kTeamFields, t, field, TeamInt); }
int64_t crm_team_int(const crm_team* t, int field) { return IntOrZero(kTeamFields, t, field, TeamInt); }

int crm_team_set_int(crm_team* t, int field, int64_t value) {
  if (t == nullptr) return Invalid("t: is NULL");
  if (int rc = CheckField(kTeamFields, field, FieldUse::kWriteInt); rc != CRM_OK) return rc;
  crm::Team& v = t->v;
  switch (field) {
    case CRM_TEAM_REVISION: return SetUnsigned(&v.revision, value, "revision");
    case CRM_TEAM_CREATED_AT: v.created_at = value; return CRM_OK;
    case CRM_TEAM_UPDATED_AT: v.updated_at = value; return CRM_OK;
    default: return SetUnsigned(&v.manager, value, "manager");
  }
}

int crm_team_create(crm_txn* txn, crm_team* t) {
  if (t == nullptr) return Invalid("t: is NULL");
  return WriteInto<crm::Team>(txn, t, [&](crm::WriteTxn& w) { return w.CreateTeam(t->v); });
}

int crm_team_update(crm_txn* txn, crm_team* t) {
  if (t == nullptr) return Invalid("t: is NULL");
  return WriteInto<crm::Team>(txn, t, [&](crm::WriteTxn& w) { return w.UpdateTeam(t->v); });
}

int crm_team_delete(crm_txn* txn, uint64_t id) {
  return WriteStatus(txn, [&](crm::WriteTxn& t) { return t.DeleteTeam(id); });
}

int crm_team_get(crm_team** out, crm_txn* txn, uint64_t id) {
  return ReadOut<crm::Team>(out, txn, [&](crm::ReadTxn& t) { return t.GetTeam(id); });
}

int crm_team_find_by_name(crm_team** out, crm_txn* txn, const char* name, size_t len) {
  return ReadByText<crm::Team>(out, txn, name, len, "name",
                               [](crm::ReadTxn& t, const std::string& k) { return t.FindTeamByName(k); });
}

int crm_team_list_get(crm_team_list** out, crm_txn* txn) {
  return ListOut<crm_team_list, crm::Team>(out, txn, [](crm::ReadTxn& t) { return t.ListTeams(); });
}
size_t crm_team_list_size(const crm_team_list* l) { return l == nullptr ? 0 : l->v.size(); }
const crm_team* crm_team_list_at(const crm_team_list* l, size_t i) {
  if (l == nullptr || i >= l->v.size()) {
    Fail(CRM_EINVALID, "i: past the last team (or l is NULL)");
    return nullptr;
  }
  return &l->v[i];
}
void crm_team_list_free(crm_team_list* l) { delete l; }
