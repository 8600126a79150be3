// crm product add | list | get | set | delete: the product catalog deals' lines are sold from
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "cli.h"
#include "crm/product.hpp"

namespace crm::cli {
namespace {

// "4821 USD" or "4821.00 USD": a list price.
Money PriceNamed(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (parts.size() != 2) throw Failure("--price: '" + text + "' is not an amount and a currency, e.g. \"4821.00 USD\"");
  return ParseMoney(parts[0], parts[1]);
}

nlohmann::ordered_json ToJson(const Product& p) {
  nlohmann::ordered_json prices = nlohmann::ordered_json::array();
  for (const Money& m : p.prices) prices.push_back({{"minor_units", m.minor_units}, {"currency", m.currency}});
  return {{"id", p.id},         {"code", p.code},     {"name", p.name},     {"family", p.family},
          {"description", p.description}, {"active", p.active}, {"prices", prices}};
}

std::string PricesText(const Product& p) {
  std::string out;
  for (const Money& m : p.prices) out += (out.empty() ? "" : ", ") + MoneyText(m);
  return out;
}

void PrintProducts(const Context& ctx, const std::vector<Product>& all) {
  if (ctx.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const Product& p : all) out.push_back(ToJson(p));
    return PrintJson(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const Product& p : all)
    rows.push_back({std::to_string(p.id), p.code, p.name, p.family, p.active ? "yes" : "no", PricesText(p)});
  PrintTable({"id", "code", "name", "family", "active", "prices"}, rows);
}

}  // namespace

// "CODE[:QUANTITY[:UNIT_PRICE[:DISCOUNT%]]]" of --line: a product by code, a quantity ("1.5"),
// a unit price in the deal's currency (empty: the list price) and a discount in percent.
LineItem LineNamed(Store& store, const std::string& text, const std::string& currency) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() > 4 || parts[0].empty())
    throw Failure("--line: '" + text + "' is not CODE[:QUANTITY[:UNIT_PRICE[:DISCOUNT%]]]");
  LineItem l;
  l.product = Must(store.Run(&ReadTxn::FindProductByCode, std::string_view(parts[0])), "--line").id;
  // A decimal with up to `places` decimals, as an integer of 10^-places units.
  const auto scaled = [&](std::string s, int places, const char* what) -> std::int64_t {
    if (!s.empty() && s.back() == '%') s.pop_back();
    const std::size_t dot = s.find('.');
    const std::string whole = s.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    const auto digits = [](const std::string& d) { return d.find_first_not_of("0123456789") == std::string::npos; };
    std::int64_t w = 0, f = 0;
    if (whole.empty() || whole.size() > 12 || !digits(whole) || !digits(frac) || (dot != std::string::npos && frac.empty()) ||
        frac.size() > static_cast<std::size_t>(places) || !absl::SimpleAtoi(whole, &w))
      throw Failure(std::string("--line: '") + text + "': " + what + " is not a number with at most " +
                    std::to_string(places) + " decimals");
    frac.append(static_cast<std::size_t>(places) - frac.size(), '0');
    if (!frac.empty() && !absl::SimpleAtoi(frac, &f)) f = 0;
    std::int64_t scale = 1;
    for (int i = 0; i < places; ++i) scale *= 10;
    return w * scale + f;
  };
  if (parts.size() > 1 && !parts[1].empty()) l.quantity_milli = scaled(parts[1], 3, "the quantity");
  if (parts.size() > 2 && !parts[2].empty()) {
    if (currency.empty()) throw Failure("--line: a unit price needs the deal's --currency");
    l.unit_price = ParseMoney(parts[2], currency);
  }
  if (parts.size() > 3 && !parts[3].empty()) l.discount_bp = static_cast<std::int32_t>(scaled(parts[3], 2, "the discount"));
  return l;
}

void AddProductCommands(CLI::App& app, Context& ctx) {
  CLI::App* product = app.add_subcommand("product", "the product catalog deals' lines are sold from");
  product->require_subcommand(1);
  struct ProductOptions {
    std::string code, name, family, description, active;
    std::vector<std::string> prices;
    bool inactive = false, active_only = false;
  };
  auto po = std::make_shared<ProductOptions>();
  CLI::App* add = product->add_subcommand("add", "a product; prints it");
  add->add_option("code", po->code, "unique (case-insensitive), e.g. GTX-PRO")->required();
  add->add_option("name", po->name)->required();
  add->add_option("--family", po->family, "the product line, e.g. GTX");
  add->add_option("--description", po->description);
  add->add_option("--price", po->prices, "a list price, \"4821.00 USD\" (one per currency; repeatable)");
  add->add_flag("--inactive", po->inactive, "no new deal line may name it");
  add->callback([&ctx, po] {
    Product p;
    p.code = po->code;
    p.name = po->name;
    p.family = po->family;
    p.description = po->description;
    p.active = !po->inactive;
    for (const std::string& price : po->prices) p.prices.push_back(PriceNamed(price));
    PrintProducts(ctx, {Must(ctx.Open()->Run(&WriteTxn::CreateProduct, p), "product add")});
  });
  CLI::App* list = product->add_subcommand("list", "every product (the active ones with --active)");
  list->add_flag("--active", po->active_only);
  list->callback([&ctx, po] {
    PrintProducts(ctx, Must(ctx.Open(false, true)->Run(&ReadTxn::ListProducts, po->active_only), "product list"));
  });
  CLI::App* get = product->add_subcommand("get", "one product by code, with the deals that sell it");
  get->add_option("code", po->code)->required();
  get->callback([&ctx, po] {
    auto store = ctx.Open(false, true);
    const Product p = Must(store->Run(&ReadTxn::FindProductByCode, std::string_view(po->code)), "product get");
    const std::uint64_t deals = Must(store->Run(&ReadTxn::CountDealsWithProduct, p.id), "product get");
    if (ctx.json) {
      nlohmann::ordered_json j = ToJson(p);
      j["deals"] = deals;
      return PrintJson(j);
    }
    PrintProducts(ctx, {p});
    std::cout << "on " << deals << (deals == 1 ? " deal\n" : " deals\n");
  });
  CLI::App* set = product->add_subcommand("set", "change a product (by code): the options given");
  set->add_option("code", po->code)->required();
  set->add_option("--name", po->name);
  set->add_option("--family", po->family);
  set->add_option("--description", po->description);
  set->add_option("--price", po->prices, "replaces the list prices: \"4821.00 USD\" (repeatable)");
  set->add_option("--active", po->active, "yes or no")->check(CLI::IsMember({"yes", "no"}));
  set->callback([&ctx, po, set] {
    auto store = ctx.Open();
    Product p = Must(store->Run(&ReadTxn::FindProductByCode, std::string_view(po->code)), "product set");
    if (set->count("--name") > 0) p.name = po->name;
    if (set->count("--family") > 0) p.family = po->family;
    if (set->count("--description") > 0) p.description = po->description;
    if (set->count("--active") > 0) p.active = po->active == "yes";
    if (set->count("--price") > 0) {
      p.prices.clear();
      for (const std::string& price : po->prices) p.prices.push_back(PriceNamed(price));
    }
    PrintProducts(ctx, {Must(store->Run(&WriteTxn::UpdateProduct, p), "product set")});
  });
  CLI::App* del = product->add_subcommand("delete", "delete a product no deal sells (else deactivate it)");
  del->add_option("code", po->code)->required();
  del->callback([&ctx, po] {
    auto store = ctx.Open();
    const Product p = Must(store->Run(&ReadTxn::FindProductByCode, std::string_view(po->code)), "product delete");
    Check(store->Run(&WriteTxn::DeleteProduct, p.id), "product delete");
    if (ctx.json) return PrintJson({{"deleted", p.code}});
    std::cout << "deleted product " << p.code << "\n";
  });
}

}  // namespace crm::cli
