// Raw LMDB access to a closed store's tables, to damage them as a failing disk or a hostile
// program would.
#pragma once

#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace crm::testing {

// Raw access to one table of a closed store, as damage would leave it.
class RawTable {
 public:
  RawTable(const std::string& path, const char* table) {
    EXPECT_EQ(mdb_env_create(&env_), 0);
    mdb_env_set_maxdbs(env_, 64);
    mdb_env_set_mapsize(env_, std::size_t{1} << 30);
    EXPECT_EQ(mdb_env_open(env_, path.c_str(), MDB_NOSUBDIR, 0600), 0);
    EXPECT_EQ(mdb_txn_begin(env_, nullptr, 0, &txn_), 0);
    EXPECT_EQ(mdb_dbi_open(txn_, table, 0, &dbi_), 0);
  }
  ~RawTable() {
    EXPECT_EQ(mdb_txn_commit(txn_), 0);
    mdb_env_close(env_);
  }
  // Every (key, value) of the table.
  std::vector<std::pair<std::string, std::string>> Entries() {
    std::vector<std::pair<std::string, std::string>> out;
    MDB_cursor* c;
    mdb_cursor_open(txn_, dbi_, &c);
    MDB_val k, v;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
      out.emplace_back(std::string(static_cast<char*>(k.mv_data), k.mv_size),
                       std::string(static_cast<char*>(v.mv_data), v.mv_size));
    mdb_cursor_close(c);
    return out;
  }
  void Put(const std::string& key, const std::string& value) {
    MDB_val k{key.size(), const_cast<char*>(key.data())}, v{value.size(), const_cast<char*>(value.data())};
    EXPECT_EQ(mdb_put(txn_, dbi_, &k, &v, 0), 0);
  }
  void Del(const std::string& key) {
    MDB_val k{key.size(), const_cast<char*>(key.data())};
    EXPECT_EQ(mdb_del(txn_, dbi_, &k, nullptr), 0);
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  MDB_dbi dbi_ = 0;
};

inline std::string BigEndian(std::uint64_t id) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[7 - i] = static_cast<char>((id >> (8 * i)) & 0xFF);
  return s;
}

// Moves every entry of `table` whose key ends with id `from` to end with id `to` instead: the
// index then says `to`'s record has `from`'s value.
inline void Reassign(const std::string& path, const char* table, std::uint64_t from, std::uint64_t to) {
  RawTable raw(path, table);
  int moved = 0;
  for (const auto& [key, value] : raw.Entries()) {
    if (key.size() < 8 || key.substr(key.size() - 8) != BigEndian(from)) continue;
    raw.Del(key);
    raw.Put(key.substr(0, key.size() - 8) + BigEndian(to), value);
    ++moved;
  }
  EXPECT_GT(moved, 0) << table;
}

}  // namespace crm::testing
