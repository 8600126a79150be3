// What patches of every kind of record share (crm::Patch: updates that change only the fields
// they name).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "crm/types.hpp"
#include "common/strings.h"
#include "model/records.h"
#include "model/schema.h"
#include "model/validation.h"

namespace crm::model {

// Adds to `to` the items of `from` that `to` does not hold yet (by `key`): a "+field" patch.
template <class List, class Key>
void AddMissing(List& to, const List& from, Key key) {
  for (const auto& item : from) {
    const bool held = std::any_of(to.begin(), to.end(), [&](const auto& t) { return key(t) == key(item); });
    if (!held) to.push_back(item);
  }
}

// Applies "custom.<key>" of a patch: `given`'s value of the field, or none when it has none.
template <class Map>
void PatchCustom(Map& out, const Map& given, const std::string& key) {
  auto it = given.find(key);
  if (it == given.end()) {
    out.erase(key);
  } else {
    out[key] = it->second;
  }
}

// A patch of a record of `kind` ("customer"): `given` names its record by id (the revision
// checked unless 0) or by external id, creating it when there is none. `apply(name, given, out)`
// copies one named field; the record is then written with `update` (or made with `create`).
template <class R, class Get, class Find, class Apply, class Create, class Update>
absl::StatusOr<R> RunPatch(Ctx& ctx, std::string_view kind, const R& given, const Patch& patch, Get get, Find find,
                           Apply apply, Create create, Update update) {
  if (patch.fields.empty()) return absl::InvalidArgumentError("fields: name at least one field to change");
  absl::StatusOr<R> stored = absl::NotFoundError("");
  if (given.id != 0) {
    stored = get(ctx, given.id);
    if (stored.ok() && given.revision != 0 && given.revision != stored->revision)
      return CheckRevision(kind, given.id, stored->revision, given.revision);
  } else {
    std::string external = given.external_id;
    Trim(external);
    if (external.empty())
      return absl::InvalidArgumentError(
          absl::StrCat("id: a patch names its ", Av(kind), " by id, or by external_id to upsert"));
    stored = find(ctx, external);
    if (absl::IsNotFound(stored.status())) {
      R scratch;  // the field names are checked before creating: a typo fails either way
      for (const std::string& f : patch.fields)
        if (auto s = apply(f, given, scratch); !s.ok()) return s;
      return create(ctx, given);
    }
  }
  if (!stored.ok()) return stored.status();
  R out = *stored;
  for (const std::string& f : patch.fields)
    if (auto s = apply(f, given, out); !s.ok()) return s;
  return update(ctx, std::move(out));
}

}  // namespace crm::model
