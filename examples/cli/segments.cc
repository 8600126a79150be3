// crm segment add | list | get | set | delete | members | add-members | remove-members | has |
// snapshot | of: segments of customers (a segment is named by its name, or by its id in digits)
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "cli.h"
#include "crm/segment.hpp"

namespace crm::cli {
namespace {

nlohmann::ordered_json ToJson(const Segment& s) {
  nlohmann::ordered_json j = {{"id", s.id},
                              {"name", s.name},
                              {"kind", std::string(SegmentKindName(s.kind))},
                              {"filter", s.filter},
                              {"include_archived", s.include_archived},
                              {"members", s.members},
                              {"description", s.description},
                              {"created_at", FormatTime(s.created_at)},
                              {"updated_at", FormatTime(s.updated_at)}};
  if (s.kind == SegmentKind::kSnapshot) {
    j["frozen_at"] = FormatTime(s.frozen_at);
    j["frozen_from"] = s.frozen_from;
  }
  return j;
}

void PrintSegments(const Context& ctx, const std::vector<Segment>& all) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Segment& s : all) out.push_back(ToJson(s));
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const Segment& s : all)
    rows.push_back({std::to_string(s.id), s.name, std::string(SegmentKindName(s.kind)), std::to_string(s.members),
                    s.filter + (s.include_archived ? " (archived too)" : "")});
  PrintTable({"id", "name", "kind", "members", "filter"}, rows);
}

// A segment by id (digits) or name.
Segment Named(Store& store, const std::string& ref, const std::string& what) {
  std::uint64_t id = 0;
  if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos && absl::SimpleAtoi(ref, &id))
    return Must(store.Run(&ReadTxn::GetSegment, id), what);
  return Must(store.Run(&ReadTxn::FindSegmentByName, std::string_view(ref)), what);
}

}  // namespace

void AddSegmentCommands(CLI::App& app, Context& ctx) {
  CLI::App* segment = app.add_subcommand("segment", "segments: manual, dynamic (a filter) and snapshot sets of customers");
  segment->require_subcommand(1);
  struct SegmentOptions {
    std::string ref, name, description, filter, include_archived, page;
    bool snapshot = false, archived = false, all = false;
    std::size_t limit = 100;
    std::uint64_t customer = 0;
    std::vector<std::uint64_t> ids;
  };
  auto so = std::make_shared<SegmentOptions>();
  CLI::App* add = segment->add_subcommand("add", "a segment: manual, or dynamic with --filter; prints it");
  add->add_option("name", so->name, "unique (case-insensitive)")->required();
  add->add_option("--filter", so->filter, "a dynamic segment's filter, e.g. \"country = 'DE' and tag = 'vip'\"");
  add->add_flag("--snapshot", so->snapshot, "take the filter's matches now and keep them (needs --filter)");
  add->add_flag("--include-archived", so->archived, "archived customers may be members");
  add->add_option("--description", so->description);
  add->callback([&ctx, so] {
    Segment s;
    s.name = so->name;
    s.description = so->description;
    s.filter = so->filter;
    s.include_archived = so->archived;
    s.kind = so->snapshot ? SegmentKind::kSnapshot : so->filter.empty() ? SegmentKind::kManual : SegmentKind::kDynamic;
    PrintSegments(ctx, {Must(ctx.Open()->Run(&WriteTxn::CreateSegment, s), "segment add")});
  });
  CLI::App* list = segment->add_subcommand("list", "every segment with its member count");
  list->callback([&ctx] { PrintSegments(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ListSegments), "segment list")); });
  CLI::App* get = segment->add_subcommand("get", "one segment");
  get->add_option("segment", so->ref, "its name or id")->required();
  get->callback([&ctx, so] { PrintSegments(ctx, {Named(*ctx.Open(false, true), so->ref, "segment get")}); });
  CLI::App* set = segment->add_subcommand("set", "change a segment: the options given (a new filter re-evaluates)");
  set->add_option("segment", so->ref, "its name or id")->required();
  set->add_option("--name", so->name);
  set->add_option("--description", so->description);
  set->add_option("--filter", so->filter);
  set->add_option("--include-archived", so->include_archived, "yes or no")->check(CLI::IsMember({"yes", "no"}));
  set->callback([&ctx, so, set] {
    auto store = ctx.Open();
    Segment s = Named(*store, so->ref, "segment set");
    if (set->count("--name") > 0) s.name = so->name;
    if (set->count("--description") > 0) s.description = so->description;
    if (set->count("--filter") > 0) s.filter = so->filter;
    if (set->count("--include-archived") > 0) s.include_archived = so->include_archived == "yes";
    PrintSegments(ctx, {Must(store->Run(&WriteTxn::UpdateSegment, s), "segment set")});
  });
  CLI::App* del = segment->add_subcommand("delete", "delete a segment and its memberships");
  del->add_option("segment", so->ref, "its name or id")->required();
  del->callback([&ctx, so] {
    auto store = ctx.Open();
    const Segment s = Named(*store, so->ref, "segment delete");
    Check(store->Run(&WriteTxn::DeleteSegment, s.id), "segment delete");
    if (ctx.json) return PrintJson({{"deleted", s.id}});
    std::cout << "deleted segment " << s.id << " (" << s.name << ")\n";
  });
  CLI::App* members = segment->add_subcommand("members", "member ids, one per line (a page, or --all)");
  members->add_option("segment", so->ref, "its name or id")->required();
  members->add_option("--limit", so->limit, "a page's size, 1 to 1000");
  members->add_option("--page", so->page, "the token a previous page printed");
  members->add_flag("--all", so->all, "every member, read a page at a time");
  members->callback([&ctx, so] {
    auto store = ctx.Open(false, true);
    const Segment s = Named(*store, so->ref, "segment members");
    std::vector<CustomerId> ids;
    std::string token = so->page;
    do {
      const SegmentMemberPage page =
          Must(store->Run(&ReadTxn::ListSegmentMembers, s.id, std::string_view(token), so->limit), "segment members");
      ids.insert(ids.end(), page.members.begin(), page.members.end());
      token = page.next_page_token;
    } while (so->all && !token.empty());
    if (ctx.json) return PrintJson({{"segment", s.id}, {"members", ids}, {"next_page", token}});
    for (CustomerId id : ids) std::cout << id << "\n";
    if (!token.empty()) std::cerr << "more: --page " << token << "\n";
  });
  const auto change = [&ctx, so](bool adding) {
    auto store = ctx.Open();
    const std::string what = adding ? "segment add-members" : "segment remove-members";
    const Segment s = Named(*store, so->ref, what);
    const std::span<const CustomerId> ids(so->ids);
    const std::uint64_t n = Must(adding ? store->Run(&WriteTxn::AddSegmentMembers, s.id, ids)
                                        : store->Run(&WriteTxn::RemoveSegmentMembers, s.id, ids),
                                 what);
    if (ctx.json) return PrintJson({{"segment", s.id}, {adding ? "added" : "removed", n}});
    std::cout << (adding ? "added " : "removed ") << n << (adding ? " to" : " from") << " segment " << s.id << " ("
              << s.name << ")\n";
  };
  CLI::App* add_members = segment->add_subcommand("add-members", "add customers to a manual segment");
  add_members->add_option("segment", so->ref, "its name or id")->required();
  add_members->add_option("customers", so->ids, "customer ids")->required();
  add_members->callback([change] { change(true); });
  CLI::App* remove_members = segment->add_subcommand("remove-members", "remove customers from a manual segment");
  remove_members->add_option("segment", so->ref, "its name or id")->required();
  remove_members->add_option("customers", so->ids, "customer ids")->required();
  remove_members->callback([change] { change(false); });
  CLI::App* has = segment->add_subcommand("has", "whether a customer is a member: prints yes or no");
  has->add_option("segment", so->ref, "its name or id")->required();
  has->add_option("customer", so->customer)->required();
  has->callback([&ctx, so] {
    auto store = ctx.Open(false, true);
    const Segment s = Named(*store, so->ref, "segment has");
    const bool in = Must(store->Run(&ReadTxn::IsInSegment, s.id, so->customer), "segment has");
    if (ctx.json) return PrintJson({{"segment", s.id}, {"customer", so->customer}, {"member", in}});
    std::cout << (in ? "yes" : "no") << "\n";
  });
  CLI::App* snapshot = segment->add_subcommand("snapshot", "freeze a dynamic segment's members now as a new segment");
  snapshot->add_option("segment", so->ref, "the dynamic segment's name or id")->required();
  snapshot->add_option("name", so->name, "the snapshot's name")->required();
  snapshot->callback([&ctx, so] {
    auto store = ctx.Open();
    const Segment s = Named(*store, so->ref, "segment snapshot");
    PrintSegments(ctx, {Must(store->Run(&WriteTxn::SnapshotSegment, s.id, std::string_view(so->name)), "segment snapshot")});
  });
  CLI::App* of = segment->add_subcommand("of", "the segments a customer is a member of");
  of->add_option("customer", so->customer)->required();
  of->callback([&ctx, so] {
    auto store = ctx.Open(false, true);
    std::vector<Segment> found;
    for (SegmentId id : Must(store->Run(&ReadTxn::SegmentsOf, so->customer), "segment of"))
      found.push_back(Must(store->Run(&ReadTxn::GetSegment, id), "segment of"));
    PrintSegments(ctx, found);
  });
}

}  // namespace crm::cli
