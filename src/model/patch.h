// What patches of every kind of record share (crm::Patch: updates that change only the fields
// they name).
#pragma once

#include <algorithm>
#include <string>

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

}  // namespace crm::model
