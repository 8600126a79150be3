// The customer benchmarks' libcrm side: the public API, one-shot calls, durable commits.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench_data.h"
#include "crm/store.hpp"
#include "footprint.h"
#include "sqlite_customers.h"

namespace crm::bench {

class CrmBackend : public Backend {
 public:
  // A new store at `path`, opened with `options` (an encrypted one, for instance).
  explicit CrmBackend(const std::string& path, StoreOptions options = {}) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-lock");
    auto s = Store::Open(path, std::move(options));
    if (!s.ok()) Die(s.status().ToString());
    store_ = *std::move(s);
  }
  void InsertBatch(const std::vector<Customer>& batch) override {
    absl::Status s = store_->Write("bench", [&](WriteTxn& txn) -> absl::Status {
      for (const Customer& c : batch)
        if (auto r = txn.CreateCustomer(c); !r.ok()) return r.status();
      return absl::OkStatus();
    });
    if (!s.ok()) Die(s.ToString());
  }
  bool GetById(std::uint64_t id, Customer* out) override {
    auto r = store_->Run(&ReadTxn::GetCustomer, id);
    if (!r.ok()) return false;
    *out = *std::move(r);
    return true;
  }
  bool GetByEmail(const std::string& email, Customer* out) override {
    auto r = store_->Run(&ReadTxn::FindCustomerByEmail, email);
    if (!r.ok()) return false;
    *out = *std::move(r);
    return true;
  }
  std::size_t GetByPhone(const std::string& phone, std::vector<Customer>* out) override {
    auto r = store_->Run(&ReadTxn::FindCustomersByPhone, phone);
    if (!r.ok()) Die(r.status().ToString());
    *out = *std::move(r);
    return out->size();
  }
  std::size_t NamePrefix(const std::string& prefix, std::size_t limit, std::vector<Customer>* out) override {
    CustomerQuery q = CustomerQuery::NamePrefix(prefix);
    q.limit = limit;
    auto r = store_->Run(&ReadTxn::ListCustomers, q);
    if (!r.ok()) Die(r.status().ToString());
    *out = std::move(r->customers);
    return out->size();
  }
  std::uint64_t BytesInUse() override { return CrmBytes(*store_); }
  std::size_t TagPage(const std::string& tag, std::size_t limit, std::vector<Customer>* out) override {
    CustomerQuery q = CustomerQuery::Tag(tag);
    q.limit = limit;
    auto r = store_->Run(&ReadTxn::ListCustomers, q);
    if (!r.ok()) Die(r.status().ToString());
    *out = std::move(r->customers);
    return out->size();
  }

 private:
  std::unique_ptr<Store> store_;
};

}  // namespace crm::bench
