// A tour of libcrm on a fresh database: import real customer data and a real sales pipeline,
// find customers by email, phone and accented name prefix, update with a revision conflict,
// page through a list, follow a customer's timeline and a deal through the pipeline to won,
// then read the change feed and one field's history.
//
// usage: crm_demo DATABASE [DATA_DIR]
//   DATA_DIR/datablist-customers/customers-1000.csv: the Datablist customers sample (Index,
//     Customer Id,First Name,Last Name,Company,City,Country,Phone 1,Phone 2,Email,
//     Subscription Date,Website)
//   DATA_DIR/maven/{accounts,sales_pipeline}.csv (or DATA_DIR/maven-crm-sales-opportunities/):
//     the MavenTech B2B pipeline (85 accounts, 8,800 opportunities)
// scripts/demo gives the repository's tests/data.
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "crm/store.hpp"

namespace {

// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

// "2021-07-26" -> microseconds since the epoch (UTC midnight).
crm::Timestamp ParseDate(const std::string& d) {
  int y = 0, m = 0, day = 0;
  if (std::sscanf(d.c_str(), "%d-%d-%d", &y, &m, &day) != 3) return 0;
  // Days from civil (Howard Hinnant's algorithm).
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long long days = static_cast<long long>(era) * 146097 + static_cast<long long>(doe) - 719468;
  return days * 86400LL * 1000000LL;
}

void Show(const crm::Customer& c) {
  std::cout << "    #" << c.id << " " << c.display_name << " (rev " << c.revision << ", "
            << crm::LifecycleStageName(c.stage) << ")";
  if (const crm::Email* e = c.primary_email()) std::cout << " <" << e->address << ">";
  if (const crm::Phone* p = c.primary_phone()) std::cout << " " << p->number;
  std::cout << "\n";
}

template <class T>
T Must(absl::StatusOr<T> r, const char* what) {
  if (!r.ok()) {
    std::cerr << what << ": " << r.status() << "\n";
    std::exit(1);
  }
  return *std::move(r);
}

void Must(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::cerr << what << ": " << s << "\n";
    std::exit(1);
  }
}

// Imports the Datablist CSV: each row a person, each company an organization they belong to.
void Import(crm::Store& store, const std::string& csv) {
  std::ifstream in(csv);
  if (!in) {
    std::cout << "(no data set at " << csv << "; skipping the import)\n";
    return;
  }
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line))
    if (!line.empty()) rows.push_back(SplitCsv(line));

  const auto start = std::chrono::steady_clock::now();
  std::size_t people = 0, orgs = 0, rejected = 0;
  Must(store.Write("importer", [&](crm::WriteTxn& txn) -> absl::Status {
         people = orgs = rejected = 0;
         std::map<std::string, crm::CustomerId> companies;
         for (const auto& f : rows) {
           if (f.size() != 12) {
             ++rejected;
             continue;
           }
           auto [it, fresh] = companies.try_emplace(f[4], 0);
           if (fresh) {
             crm::Customer org;
             org.kind = crm::CustomerKind::kOrganization;
             org.display_name = f[4];
             org.custom["website"] = f[11];
             auto created = txn.CreateCustomer(org);
             if (!created.ok()) return created.status();
             it->second = created->id;
             ++orgs;
           }
           crm::Customer c;
           c.given_name = f[2];
           c.family_name = f[3];
           c.address.city = f[5];
           c.address.country = f[6];
           c.phones = {crm::Phone{f[7], "phone 1", false}, crm::Phone{f[8], "phone 2", false}};
           c.emails = {crm::Email{f[9], "", false}};
           c.external_id = "datablist:" + f[1];
           c.custom["subscribed_on"] = crm::DateTime{ParseDate(f[10])};
           c.tags = {"subscribed-" + f[10].substr(0, 4)};
           c.stage = crm::LifecycleStage::kCustomer;
           c.memberships = {crm::Membership{it->second, "contact"}};
           auto created = txn.CreateCustomer(c);
           if (!created.ok()) {
             // Bad rows are reported and skipped; they write nothing.
             std::cout << "    row " << f[0] << " rejected: " << created.status().message() << "\n";
             ++rejected;
             continue;
           }
           ++people;
         }
         return absl::OkStatus();
       }),
       "import");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "Imported " << people << " people and " << orgs << " organizations from " << csv << " in "
            << static_cast<int>(ms) << " ms, one transaction (" << rejected << " rows rejected)\n";
}

std::string Day(crm::Timestamp t) {
  const std::time_t secs = static_cast<std::time_t>(t / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string Amount(const crm::Money& m) {
  std::ostringstream out;
  out << m.currency << " " << m.minor_units / 100 << "." << std::setw(2) << std::setfill('0') << m.minor_units % 100;
  return out.str();
}

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  if (!in || !std::getline(in, line)) return rows;  // header
  while (std::getline(in, line))
    if (!line.empty() && line != "\r") rows.push_back(SplitCsv(line));
  return rows;
}

// Imports the MavenTech pipeline: its accounts as organizations, its own four-stage pipeline
// (pipelines are data), and every deal that names an account.
void ImportPipeline(crm::Store& store, const std::string& dir) {
  const auto accounts = ReadCsv(dir + "/accounts.csv");
  const auto deals = ReadCsv(dir + "/sales_pipeline.csv");
  const auto teams = ReadCsv(dir + "/sales_teams.csv");
  if (accounts.empty() || deals.empty()) {
    std::cout << "(no MavenTech data in " << dir << "; skipping the pipeline import)\n";
    return;
  }
  const auto start = std::chrono::steady_clock::now();
  std::size_t imported = 0, no_account = 0;
  crm::PipelineId pipeline_id = 0;
  Must(store.Write("importer", [&](crm::WriteTxn& txn) -> absl::Status {
         imported = no_account = 0;
         crm::Pipeline p;
         p.name = "MavenTech";
         p.stages = {{0, "Prospecting", 10, crm::StageOutcome::kOpen},
                     {0, "Engaging", 40, crm::StageOutcome::kOpen},
                     {0, "Won", 100, crm::StageOutcome::kWon},
                     {0, "Lost", 0, crm::StageOutcome::kLost}};
         auto pipeline = txn.CreatePipeline(p);
         if (!pipeline.ok()) return pipeline.status();
         pipeline_id = pipeline->id;
         // sales_teams.csv: agent, manager, regional office. Each manager leads a team of the
         // office; deals name their agent as owner, which finds the agent's user by name.
         std::map<std::string, crm::User> managers;
         for (const auto& t : teams) {
           if (t.size() < 3 || managers.count(t[1]) != 0) continue;
           auto boss = txn.CreateUser(crm::User{.name = t[1]});
           if (!boss.ok()) return boss.status();
           auto team = txn.CreateTeam(crm::Team{.name = t[1], .region = t[2], .manager = boss->id});
           if (!team.ok()) return team.status();
           boss->team = team->id;
           auto led = txn.UpdateUser(*boss);
           if (!led.ok()) return led.status();
           managers[t[1]] = *led;
         }
         for (const auto& t : teams) {
           if (t.size() < 3) continue;
           auto agent = txn.CreateUser(crm::User{.name = t[0], .team = managers[t[1]].team, .manager = managers[t[1]].id});
           if (!agent.ok()) return agent.status();
         }
         std::map<std::string, crm::CustomerId> by_name;
         for (const auto& a : accounts) {
           if (a.size() < 7) continue;
           crm::Customer org;
           org.kind = crm::CustomerKind::kOrganization;
           org.display_name = a[0];
           org.external_id = "maven:" + a[0];
           org.address.country = a[5];
           org.tags = {"sector:" + a[1]};
           org.custom["employees"] = static_cast<std::int64_t>(std::stoll(a[4]));
           auto created = txn.UpsertCustomer(org);
           if (!created.ok()) return created.status();
           by_name[a[0]] = created->id;
         }
         for (const auto& d : deals) {
           if (d.size() < 8) continue;
           auto account = by_name.find(d[3]);
           if (account == by_name.end()) {  // 1,425 open deals name no account
             ++no_account;
             continue;
           }
           crm::Opportunity o;
           o.title = d[2] + " for " + d[3] + " (" + d[0] + ")";
           o.customer = account->second;
           o.pipeline = pipeline_id;
           o.stage = pipeline->FindStage(d[4])->id;
           o.amount = crm::Money{d[7].empty() ? 0 : std::stoll(d[7]) * 100, "USD"};
           o.owner = d[1];
           if (!d[6].empty()) o.expected_close = ParseDate(d[6]);
           auto created = txn.CreateOpportunity(o);
           if (!created.ok()) return created.status();
           ++imported;
         }
         return absl::OkStatus();
       }),
       "pipeline import");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "Imported " << accounts.size() << " accounts and " << imported << " deals of the MavenTech pipeline in "
            << static_cast<int>(ms) << " ms, one transaction (" << no_account << " deals without an account left out"
            << " of this tour)\n";
  const crm::Pipeline p = Must(store.Run(&crm::ReadTxn::GetPipeline, pipeline_id), "pipeline");
  for (const crm::Stage& stage : p.stages) {
    crm::OpportunityQuery q = crm::OpportunityQuery::AtStage(pipeline_id, stage.id);
    std::cout << "    " << std::left << std::setw(12) << stage.name << std::right << std::setw(6)
              << Must(store.Run(&crm::ReadTxn::CountOpportunities, q), "count") << " deals\n";
  }
  crm::OpportunityQuery top_agent = crm::OpportunityQuery::OwnedBy("Darcel Schlecht");
  top_agent.open_only = true;
  std::cout << "    open deals of Darcel Schlecht: " << Must(store.Run(&crm::ReadTxn::CountOpportunities, top_agent), "count") << "\n";
  // Owners are users of teams (sales_teams.csv): won revenue per regional office.
  crm::Aggregation per_office;
  per_office.filter = Must(crm::Filter::Parse("status = 'won'"), "filter");
  per_office.group_by = Must(crm::Aggregation::ParseGroupBy("team.region"), "group_by");
  per_office.measures = Must(crm::Aggregation::ParseMeasures("sum(amount), count"), "measures");
  const auto offices = Must(store.Run(&crm::ReadTxn::Aggregate, crm::EntityType::kOpportunity, per_office), "aggregate");
  for (const crm::AggregateRow& r : offices.rows)
    std::cout << "    won in office " << std::left << std::setw(8) << (r.keys[0].empty ? "(none)" : r.keys[0].label)
              << std::right << std::setw(5) << r.values[1].value << " deals, USD " << r.values[0].value / 100 << "\n";
}

}  // namespace

// An encrypted store: the key at open, nothing personal in the file, a wrong key refused, a
// new key.
void Encrypted(const std::string& path) {
  std::cout << "\n== An encrypted store (" << path << ")\n";
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  crm::StoreOptions keyed;
  keyed.encryption_passphrase = "correct horse battery staple";
  {
    auto store = Must(crm::Store::Open(path, keyed), "open encrypted");
    crm::Customer c;
    c.given_name = "Aurelia";
    c.family_name = "Quennell";
    c.emails.push_back(crm::Email{"aurelia.quennell@example.org", "work", true});
    c.phones.push_back(crm::Phone{"+44 20 7946 0321", "work", true});
    Must(store->Run(&crm::WriteTxn::CreateCustomer, c), "create");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* trace : {"Aurelia", "Quennell", "aurelia.quennell", "79460321"})
    std::cout << "  '" << trace << "' in the file's " << bytes.size() << " bytes: "
              << (bytes.find(trace) == std::string::npos ? "no" : "YES") << "\n";
  std::cout << "  opened without the key: " << crm::Store::Open(path).status() << "\n";
  crm::StoreOptions wrong;
  wrong.encryption_passphrase = "correct horse battery stapler";
  std::cout << "  opened with another passphrase: " << crm::Store::Open(path, wrong).status() << "\n";
  auto store = Must(crm::Store::Open(path, keyed), "reopen encrypted");
  const crm::Customer found =
      Must(store->Run(&crm::ReadTxn::FindCustomerByEmail, std::string_view("Aurelia.Quennell@example.org")), "find");
  std::cout << "  with it, found by email: " << found.given_name << " " << found.family_name << " ("
            << found.phones.front().number << ")\n";
  // A new key: one small synced write; afterwards only the new passphrase opens the file.
  Must(store->Rekey("", "a longer passphrase, changed every quarter"), "rekey");
  store.reset();
  std::cout << "  after a rekey, the old passphrase: " << crm::Store::Open(path, keyed).status() << "\n";
  keyed.encryption_passphrase = "a longer passphrase, changed every quarter";
  store = Must(crm::Store::Open(path, keyed), "open with the new key");
  std::cout << "  the new one opens it: " << Must(store->Run(&crm::ReadTxn::Statistics), "stats").customers
            << " customer\n";
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: crm_demo DATABASE [DATA_DIR]\n";
    return 2;
  }
  const std::string path = argv[1];
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  auto store = Must(crm::Store::Open(path), "open");
  std::cout << "== libcrm demo: database " << path << "\n\n";

  if (argc > 2) {
    const std::string data = argv[2];
    Import(*store, data + "/datablist-customers/customers-1000.csv");
    const std::string maven = data + "/maven";
    ImportPipeline(*store, std::ifstream(maven + "/accounts.csv").good() ? maven : data + "/maven-crm-sales-opportunities");
  }

  std::cout << "\n== Creating customers\n";
  crm::Customer org;
  org.kind = crm::CustomerKind::kOrganization;
  org.display_name = "Álvarez & Hijos S.L.";
  org.address = {"Calle de Alcalá 42", "Madrid", "Madrid", "28014", "ES"};
  org = Must(store->RunAs("maria", &crm::WriteTxn::CreateCustomer, org), "create organization");
  Show(org);

  crm::Customer jose;
  jose.given_name = "José";
  jose.family_name = "Álvarez";
  jose.emails = {crm::Email{"Jose.Alvarez@Example.ES", "work", false}};
  jose.phones = {crm::Phone{"+1 (555) 123-4567", "mobile", false}};
  jose.stage = crm::LifecycleStage::kProspect;
  jose.owner = "maria";
  jose.tags = {"vip", "spain"};
  jose.custom["budget"] = crm::Money{4'500'000, "EUR"};
  jose.consent = {true, crm::LegalBasis::kConsent, 0, false};
  jose.memberships = {crm::Membership{org.id, "CEO"}};
  jose = Must(store->RunAs("maria", &crm::WriteTxn::CreateCustomer, jose), "create José");
  Show(jose);

  crm::Customer zoe;
  zoe.given_name = "Zoë";
  zoe.family_name = "Saldaña-Jones";
  zoe.emails = {crm::Email{"zoe@example.org", "", false}};
  zoe.phones = {crm::Phone{"020 7946 0018", "office", false}};
  zoe.tags = {"vip"};
  zoe = Must(store->RunAs("maria", &crm::WriteTxn::CreateCustomer, zoe), "create Zoë");
  Show(zoe);

  std::cout << "\n== A bad input is refused with the field named, and nothing is written\n";
  crm::Customer bad = zoe;
  bad.emails = {crm::Email{"zoe@@example", "", false}};
  std::cout << "    " << store->Run(&crm::WriteTxn::CreateCustomer, bad).status() << "\n";
  bad.emails = {crm::Email{"ZOE@example.org", "", false}};
  std::cout << "    " << store->Run(&crm::WriteTxn::CreateCustomer, bad).status() << "\n";

  std::cout << "\n== Finding customers\n";
  std::cout << "  by email 'jose.alvarez@example.es' (any case):\n";
  Show(Must(store->Run(&crm::ReadTxn::FindCustomerByEmail, "jose.alvarez@example.es"), "find by email"));
  std::cout << "  by phone '15551234567' (stored as '+1 (555) 123-4567'):\n";
  for (const auto& c : Must(store->Run(&crm::ReadTxn::FindCustomersByPhone, "15551234567"), "find by phone")) Show(c);
  for (const char* prefix : {"jose", "ALV", "zoe sal", "jon"}) {
    crm::CustomerQuery q = crm::CustomerQuery::NamePrefix(prefix);
    q.limit = 5;
    auto page = Must(store->Run(&crm::ReadTxn::ListCustomers, q), "name prefix");
    std::cout << "  by name prefix '" << prefix << "': " << Must(store->Run(&crm::ReadTxn::CountCustomers, q), "count")
              << " in all, first " << page.customers.size() << ":\n";
    for (const auto& c : page.customers) Show(c);
  }
  std::cout << "  members of " << org.display_name << ":\n";
  for (const auto& c : Must(store->Run(&crm::ReadTxn::ListCustomers, crm::CustomerQuery::Organization(org.id)), "members").customers)
    Show(c);

  std::cout << "\n== Two people edit José at once\n";
  crm::Customer by_maria = Must(store->Run(&crm::ReadTxn::GetCustomer, jose.id), "get");
  crm::Customer by_tom = by_maria;
  by_maria.stage = crm::LifecycleStage::kCustomer;
  auto saved = Must(store->RunAs("maria", &crm::WriteTxn::UpdateCustomer, by_maria), "update");
  std::cout << "  maria moves him to 'customer': now revision " << saved.revision << "\n";
  by_tom.owner = "tom";
  auto conflict = store->RunAs("tom", &crm::WriteTxn::UpdateCustomer, by_tom);
  std::cout << "  tom saves his copy of revision " << by_tom.revision << ": " << conflict.status() << "\n";
  crm::Customer fresh = Must(store->Run(&crm::ReadTxn::GetCustomer, jose.id), "reload");
  fresh.owner = "tom";
  Show(Must(store->RunAs("tom", &crm::WriteTxn::UpdateCustomer, fresh), "retry"));
  std::cout << "  tom reloaded and retried: stage and owner both kept\n";

  std::cout << "\n== Paging through the 'vip' tag, 1 per page (keyset tokens)\n";
  crm::CustomerQuery vip = crm::CustomerQuery::Tag("VIP");
  vip.limit = 1;
  for (int page_no = 1;; ++page_no) {
    auto page = Must(store->Run(&crm::ReadTxn::ListCustomers, vip), "page");
    std::cout << "  page " << page_no << ":\n";
    for (const auto& c : page.customers) Show(c);
    if (page.next_page_token.empty()) break;
    vip.page_token = page.next_page_token;
  }
  crm::CustomerQuery subscribed = crm::CustomerQuery::Tag("subscribed-2021");
  subscribed.limit = 3;
  auto page = Must(store->Run(&crm::ReadTxn::ListCustomers, subscribed), "page");
  std::cout << "  'subscribed-2021': " << Must(store->Run(&crm::ReadTxn::CountCustomers, subscribed), "count")
            << " customers; first page of 3:\n";
  for (const auto& c : page.customers) Show(c);
  if (!page.next_page_token.empty()) {
    subscribed.page_token = page.next_page_token;
    std::cout << "  second page:\n";
    for (const auto& c : Must(store->Run(&crm::ReadTxn::ListCustomers, subscribed), "page 2").customers) Show(c);
  }

  std::cout << "\n== Archive (soft delete) and restore\n";
  Must(store->RunAs("maria", &crm::WriteTxn::ArchiveCustomer, zoe.id).status(), "archive");
  std::cout << "  after archiving Zoë, 'vip' lists " << Must(store->Run(&crm::ReadTxn::CountCustomers, crm::CustomerQuery::Tag("vip")), "count")
            << "; she is still found by id: archived=" << Must(store->Run(&crm::ReadTxn::GetCustomer, zoe.id), "get").archived << "\n";
  Must(store->RunAs("maria", &crm::WriteTxn::RestoreCustomer, zoe.id).status(), "restore");
  std::cout << "  restored: 'vip' lists " << Must(store->Run(&crm::ReadTxn::CountCustomers, crm::CustomerQuery::Tag("vip")), "count") << "\n";

  std::cout << "\n== José's timeline\n";
  const crm::Timestamp day = 86'400'000'000;
  const crm::Timestamp now = Must(store->Run(&crm::ReadTxn::GetCustomer, jose.id), "get").updated_at;
  struct Touch {
    crm::InteractionKind kind;
    crm::Direction direction;
    int days_ago;
    const char* subject;
    const char* outcome;
  };
  const Touch touches[] = {
      {crm::InteractionKind::kEmail, crm::Direction::kInbound, 40, "Asks for a quote for 50 seats", ""},
      {crm::InteractionKind::kCall, crm::Direction::kOutbound, 38, "Discovery call", "needs SSO and audit log"},
      {crm::InteractionKind::kMeeting, crm::Direction::kOutbound, 21, "Demo with the IT team", "demo went well"},
      {crm::InteractionKind::kNote, crm::Direction::kNone, 20, "Budget approved by the board", ""},
      {crm::InteractionKind::kSupportTicket, crm::Direction::kInbound, 3, "SSO setup question", "solved"},
  };
  for (const Touch& t : touches) {
    crm::Interaction i;
    i.customer = jose.id;
    i.kind = t.kind;
    i.direction = t.direction;
    i.occurred_at = now - t.days_ago * day;
    i.subject = t.subject;
    i.outcome = t.outcome;
    i.owner = "maria";
    if (t.kind == crm::InteractionKind::kSupportTicket) i.satisfaction = 5;
    Must(store->RunAs("maria", &crm::WriteTxn::LogInteraction, i).status(), "log");
  }
  crm::TimelineQuery timeline;
  timeline.customer = jose.id;
  for (const auto& i : Must(store->Run(&crm::ReadTxn::ListTimeline, timeline), "timeline").interactions)
    std::cout << "    " << Day(i.occurred_at) << "  " << std::left << std::setw(15) << crm::InteractionKindName(i.kind)
              << std::right << i.subject << (i.outcome.empty() ? "" : " -> " + i.outcome) << "\n";
  std::cout << "  last contact: " << Day(Must(store->Run(&crm::ReadTxn::GetCustomer, jose.id), "get").last_interaction_at)
            << " (the note does not count as contact)\n";
  std::cout << "  customers not contacted in the last 30 days: "
            << Must(store->Run(&crm::ReadTxn::CountCustomers, crm::CustomerQuery::NotContactedSince(now - 30 * day)), "count") << " of "
            << Must(store->Run(&crm::ReadTxn::CountCustomers, crm::CustomerQuery::All()), "count") << "\n";

  std::cout << "\n== A deal through the default pipeline\n";
  const crm::Pipeline sales = Must(store->Run(&crm::ReadTxn::GetDefaultPipeline), "pipeline");
  std::cout << "  pipeline '" << sales.name << "':";
  for (const crm::Stage& st : sales.stages) std::cout << " " << st.name << " (" << st.probability << "%)";
  std::cout << "\n";
  crm::Opportunity deal;
  deal.title = "50 seats with SSO";
  deal.customer = org.id;
  deal.amount = crm::Money{4'500'000, "EUR"};
  deal.owner = "maria";
  deal.expected_close = now + 30 * day;
  deal.contacts = {crm::ContactRole{jose.id, "decision maker"}};
  deal = Must(store->RunAs("maria", &crm::WriteTxn::CreateOpportunity, deal), "create deal");
  deal = Must(store->RunAs("maria", &crm::WriteTxn::MoveOpportunity, deal.id, sales.FindStage("Qualification")->id), "move");
  deal = Must(store->RunAs("maria", &crm::WriteTxn::MoveOpportunity, deal.id, sales.FindStage("Proposal")->id), "move");
  deal.amount = crm::Money{4'200'000, "EUR"};  // a discount in the proposal
  deal = Must(store->RunAs("tom", &crm::WriteTxn::UpdateOpportunity, deal), "update");
  deal = Must(store->RunAs("tom", &crm::WriteTxn::MoveOpportunity, deal.id, sales.FindStage("Negotiation")->id), "move");
  deal = Must(store->RunAs("tom", &crm::WriteTxn::CloseWon, deal.id), "won");
  std::cout << "  '" << deal.title << "' for " << org.display_name << ": " << Amount(deal.amount) << ", "
            << sales.FindStage(deal.stage)->name << " at " << deal.probability << "%\n";
  for (const crm::StageChange& h : deal.history) {
    const crm::Stage* from = sales.FindStage(h.from);
    std::cout << "    " << Day(h.at) << "  " << std::left << std::setw(5) << h.actor << std::right << " "
              << (from ? from->name : "(new)") << " -> " << sales.FindStage(h.to)->name << "  " << Amount(h.amount)
              << " at " << h.probability << "%\n";
  }

  std::cout << "\n== The change feed (the last 8 of " << Must(store->Run(&crm::ReadTxn::LastChangeSeq), "seq") << " changes)\n";
  const std::uint64_t last = Must(store->Run(&crm::ReadTxn::LastChangeSeq), "seq");
  for (const crm::Change& ch : Must(store->Run(&crm::ReadTxn::ListChanges, last > 7 ? last - 7 : 1, 8), "feed")) {
    std::cout << "  #" << ch.seq << " " << ch.actor << " " << crm::ChangeOpName(ch.op) << " "
              << crm::EntityTypeName(ch.entity) << " " << ch.entity_id << ":";
    for (const crm::FieldChange& f : ch.fields)
      std::cout << " " << f.field << " '" << f.before << "' -> '" << f.after << "';";
    std::cout << "\n";
  }
  std::cout << "\n== History of José's lifecycle stage\n";
  for (const auto& h : Must(store->Run(&crm::ReadTxn::FieldHistory, crm::EntityType::kCustomer, jose.id, "stage"), "history"))
    std::cout << "  #" << h.seq << " " << h.actor << ": '" << h.before << "' -> '" << h.after << "'\n";

  std::cout << "\n== Deleting a customer that has a timeline and deals\n";
  std::cout << "  " << store->Run(&crm::WriteTxn::DeleteCustomer, jose.id, crm::DeleteOptions{}) << "\n";

  std::cout << "\n== José's consent to the newsletter, per channel\n";
  crm::ConsentRecord grant;
  grant.customer = jose.id;
  grant.purpose = "newsletter";
  grant.channel = crm::ContactChannel::kEmail;
  grant.legal_basis = crm::LegalBasis::kConsent;
  grant.source = crm::ConsentSource::kForm;
  grant.evidence = "signup form on the web shop";
  Must(store->Run(&crm::WriteTxn::RecordConsent, grant), "consent");
  Must(store->Run(&crm::WriteTxn::ConfirmConsent, jose.id, crm::ContactChannel::kEmail, std::string_view("newsletter"),
                  crm::Timestamp{0}),
       "double opt-in");
  const auto ask = [&](crm::ContactChannel channel) {
    const crm::ContactDecision d = Must(store->Run(&crm::ReadTxn::CanContact, jose.id, channel,
                                                   std::string_view("newsletter"), crm::Timestamp{0}),
                                        "can contact");
    std::cout << "  by " << crm::ContactChannelName(channel) << ": " << crm::ContactVerdictName(d.verdict) << " - "
              << d.reason << "\n";
  };
  ask(crm::ContactChannel::kEmail);
  ask(crm::ContactChannel::kSms);
  crm::ConsentRecord withdrawal = grant;
  withdrawal.granted = false;
  withdrawal.legal_basis = crm::LegalBasis::kNone;
  withdrawal.source = crm::ConsentSource::kApi;
  withdrawal.evidence = "unsubscribe link";
  Must(store->Run(&crm::WriteTxn::RecordConsent, withdrawal), "withdrawal");
  ask(crm::ContactChannel::kEmail);
  crm::ConsentRecord imported = grant;
  imported.source = crm::ConsentSource::kImport;
  std::cout << "  an import granting it again: " << store->Run(&crm::WriteTxn::RecordConsent, imported).status() << "\n";

  std::cout << "\n== José asks for his data, then to be forgotten\n";
  const std::string held = Must(store->Run(&crm::ReadTxn::ExportCustomer, jose.id), "export");
  std::cout << "  subject access document: " << held.size() << " bytes of JSON (libcrm.subject-export v2)\n";
  crm::EraseOptions forget;
  forget.keep_deals = true;  // his deals stay for revenue reports, anonymised
  forget.suppress = true;    // and his addresses cannot be captured again
  const crm::Erasure erased = Must(store->RunAs("dpo", &crm::WriteTxn::EraseCustomer, jose.id, forget), "erase");
  std::cout << "  erased customer " << erased.customer << ": " << erased.interactions << " interactions, "
            << erased.deals_kept << " deals kept anonymised, " << erased.changes_redacted
            << " changes stripped of their values; the log keeps:";
  for (const std::string& m : erased.masked) std::cout << " " << m;
  std::cout << "\n";
  crm::Customer again;
  again.given_name = "José";
  again.emails.push_back(jose.emails.front());
  std::cout << "  capturing him again: " << store->Run(&crm::WriteTxn::CreateCustomer, again).status() << "\n";

  std::cout << "\nCustomers in the store: " << Must(store->Run(&crm::ReadTxn::CountCustomers, crm::CustomerQuery::All()), "count")
            << " (file " << path << ", owner-only)\n";
  Encrypted(path + ".encrypted");
  return 0;
}
