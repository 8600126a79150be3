// crm duplicates merge SURVIVOR LOSER... | unmerge MERGE | finalize [MERGE] [--before TIME] |
// merges ID: merging customers, undoing a merge and making merges final (crm/duplicates.hpp).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "crm/duplicates.hpp"

namespace crm::cli {
namespace {

struct MergeArgs {
  std::uint64_t survivor = 0, merge = 0;
  std::vector<std::uint64_t> losers;
  std::vector<std::string> take;  // FIELD=ID
  std::string before;             // finalize --before
  std::size_t limit = 1000;       // finalize: merges a transaction
};

nlohmann::ordered_json Json(const MergeRecord& m) {
  return {{"merge", m.id},           {"survivor", m.survivor},         {"losers", m.losers},
          {"merged_at", FormatTime(m.merged_at)}, {"actor", m.actor},               {"interactions", m.interactions},
          {"opportunities", m.opportunities}, {"contact_roles", m.contact_roles}, {"members", m.members},
          {"subsidiaries", m.subsidiaries},   {"consents", m.consents}, {"pairs", m.pairs},
          {"final_at", m.final_at != 0 ? nlohmann::ordered_json(FormatTime(m.final_at)) : nlohmann::ordered_json()}};
}

std::string Ids(const std::vector<CustomerId>& ids) {
  std::string out;
  for (CustomerId id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

std::string Moved(const MergeRecord& m) {
  return std::to_string(m.interactions) + " interactions, " + std::to_string(m.opportunities) + " deals, " +
         std::to_string(m.contact_roles) + " contact roles, " + std::to_string(m.members) + " members, " +
         std::to_string(m.subsidiaries) + " subsidiaries, " + std::to_string(m.consents) + " consent records";
}

MergeOptions Choices(const MergeArgs& a) {
  MergeOptions o;
  for (const std::string& t : a.take) {
    const std::size_t eq = t.find('=');
    std::uint64_t id = 0;
    std::size_t used = 0;
    if (eq != std::string::npos) {
      try {
        id = std::stoull(t.substr(eq + 1), &used);
      } catch (const std::exception&) {
        used = 0;
      }
    }
    if (eq == std::string::npos || eq == 0 || used == 0 || eq + 1 + used != t.size() || t[eq + 1] == '-')
      throw Failure("--take: expected FIELD=CUSTOMER_ID (\"address=12\"), got \"" + t + "\"");
    o.choices.emplace_back(t.substr(0, eq), id);
  }
  return o;
}

}  // namespace

void AddMergeCommands(CLI::App* dup, Context& ctx) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* merge = dup->add_subcommand("merge", "fold customers into a survivor (undone by unmerge)");
  merge->add_option("survivor", a->survivor, "the customer that stays")->required();
  merge->add_option("losers", a->losers, "the customers merged into it")->required();
  merge->add_option("--take", a->take,
                    "FIELD=ID: take that field from that customer (address=12, custom.tier=12, emails=7; repeat)");
  merge->callback([&ctx, a] {
    auto store = ctx.Open();
    const MergeOptions options = Choices(*a);
    MergeResult r;
    Check(store->Write(ctx.actor, [&](WriteTxn& t) -> absl::Status {
      auto m = t.MergeCustomers(a->survivor, std::vector<CustomerId>(a->losers.begin(), a->losers.end()), options);
      if (!m.ok()) return m.status();
      r = *std::move(m);
      return absl::OkStatus();
    }), "merge");
    if (ctx.json) return PrintJson(Json(r.merge));
    std::cout << "merged " << Ids(r.merge.losers) << " into " << r.merge.survivor << " (" << r.survivor.display_name
              << "): merge " << r.merge.id << "; moved " << Moved(r.merge) << " (crm duplicates unmerge " << r.merge.id
              << " undoes it)\n";
  });
  CLI::App* unmerge = dup->add_subcommand("unmerge", "undo a merge: every record as it was, while none changed since");
  unmerge->add_option("merge", a->merge, "the merge's number")->required();
  unmerge->callback([&ctx, a] {
    auto store = ctx.Open();
    MergeRecord r;
    Check(store->Write(ctx.actor, [&](WriteTxn& t) -> absl::Status {
      auto m = t.UnmergeCustomers(a->merge);
      if (!m.ok()) return m.status();
      r = *std::move(m);
      return absl::OkStatus();
    }), "unmerge");
    if (ctx.json) return PrintJson(Json(r));
    std::cout << "unmerged merge " << r.id << ": customers " << Ids(r.losers) << " restored beside " << r.survivor
              << "\n";
  });
  CLI::App* finalize = dup->add_subcommand(
      "finalize", "make merges final: their journals drop the records' copies; they cannot be undone any more");
  finalize->add_option("merge", a->merge, "the merge's number (or --before)");
  finalize->add_option("--before", a->before, "every merge made before this time (2026-11-01, or RFC 3339)");
  finalize->add_option("--limit", a->limit, "merges a transaction (1 to 100000; default 1000)");
  finalize->callback([&ctx, a] {
    if ((a->merge == 0) == a->before.empty()) throw Failure("finalize: give a merge's number or --before, not both");
    auto store = ctx.Open();
    if (a->merge != 0) {
      MergeRecord r;
      Check(store->Write(ctx.actor, [&](WriteTxn& t) -> absl::Status {
        auto m = t.FinalizeMerge(a->merge);
        if (!m.ok()) return m.status();
        r = *std::move(m);
        return absl::OkStatus();
      }), "finalize");
      if (ctx.json) return PrintJson(Json(r));
      std::cout << "merge " << r.id << " is final (since " << FormatTime(r.final_at)
                << "): its journal no longer keeps the records of customers " << Ids(r.losers) << "\n";
      return;
    }
    const Timestamp before = ParseTime(a->before, "--before");
    std::uint64_t total = 0;
    for (;;) {  // a transaction per `limit` merges, until none is left
      std::uint64_t made = 0;
      Check(store->Write(ctx.actor, [&](WriteTxn& t) -> absl::Status {
        auto n = t.FinalizeMerges(before, a->limit);
        if (!n.ok()) return n.status();
        made = *n;
        return absl::OkStatus();
      }), "finalize");
      total += made;
      if (made < a->limit) break;
    }
    if (ctx.json) return PrintJson({{"finalized", total}});
    std::cout << total << " merge" << (total == 1 ? "" : "s") << " made before " << FormatTime(before)
              << (total == 1 ? " is" : " are") << " final\n";
  });
  CLI::App* merges = dup->add_subcommand("merges", "the merges into a customer with their journals, newest first");
  merges->add_option("id", a->survivor, "the customer's id")->required();
  merges->callback([&ctx, a] {
    auto store = ctx.Open(false, true);
    const auto all = Must(store->Run(&ReadTxn::ListMerges, CustomerId{a->survivor}), "merges");
    if (ctx.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const MergeRecord& m : all) out.push_back(Json(m));
      return PrintJson(out);
    }
    if (all.empty()) {
      std::cout << "no merge into customer " << a->survivor << " is kept\n";
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const MergeRecord& m : all)
      rows.push_back({std::to_string(m.id), Ids(m.losers), m.actor, Moved(m),
                      m.final_at != 0 ? "final since " + FormatTime(m.final_at) : "can be undone"});
    PrintTable({"merge", "merged", "by", "moved", "state"}, rows);
  });
}

}  // namespace crm::cli
