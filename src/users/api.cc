// The transaction operations of this concept, as declared in its public header: each runs the
// concept's code on the transaction's context (core/txn.h).
#include "crm/user.hpp"

#include "core/txn.h"
#include "users/users.h"

namespace crm {

absl::StatusOr<User> UserReads::GetUser(UserId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::Get(c, id); });
}
absl::StatusOr<User> UserReads::FindUserByLogin(std::string_view login) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::FindByLogin(c, login); });
}
absl::StatusOr<User> UserReads::FindUserByEmail(std::string_view email) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::FindByEmail(c, email); });
}
absl::StatusOr<std::vector<User>> UserReads::ListUsers(TeamId team) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::List(c, team); });
}
absl::StatusOr<User> UserReads::ResolveOwner(std::string_view owner) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::ResolveOwner(c, owner); });
}
absl::StatusOr<Team> UserReads::GetTeam(TeamId id) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::GetTeam(c, id); });
}
absl::StatusOr<Team> UserReads::FindTeamByName(std::string_view name) const {
  return core::Query(this, [&](const model::Ctx& c) { return users::FindTeamByName(c, name); });
}
absl::StatusOr<std::vector<Team>> UserReads::ListTeams() const {
  return core::Query(this, [&](const model::Ctx& c) { return users::ListTeams(c); });
}

absl::StatusOr<User> UserWrites::CreateUser(const User& user) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::Create(c, user); });
}
absl::StatusOr<User> UserWrites::UpdateUser(const User& user) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::Update(c, user); });
}
absl::Status UserWrites::DeleteUser(UserId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::Delete(c, id); }, core::Growth::kRemoves);
}
absl::StatusOr<Team> UserWrites::CreateTeam(const Team& team) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::CreateTeam(c, team); });
}
absl::StatusOr<Team> UserWrites::UpdateTeam(const Team& team) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::UpdateTeam(c, team); });
}
absl::Status UserWrites::DeleteTeam(TeamId id) {
  return core::Mutate(this, [&](model::Ctx& c) { return users::DeleteTeam(c, id); }, core::Growth::kRemoves);
}

}  // namespace crm
