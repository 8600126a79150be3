// Importing a customer CSV file:
//   CsvImport/crm     libcrm: Store::Import of the file (a stored job; upsert by external id,
//                     then email, then phone; values normalised: emails checked, phones read
//                     by libphonenumber, dates parsed; batches of 10,000 rows, each one durable
//                     write transaction with the job's progress)
//   CsvImport/sqlite  SQLite, a careful loader: the same file read by a CSV reader, the same
//                     lookups (external id, email, phone) per row, prepared statements, one
//                     transaction per 10,000 rows (WAL, synchronous=FULL), the same indexes and
//                     an audit row per customer (libcrm writes its change feed entry)
// The file: CRM_BENCH_IMPORT_ROWS rows (default 100,000) of generated customers (external id,
// names, email, phone, city, country, a subscription date, two tags, an owner), made once with
// a fixed seed.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench_data.h"
#include "crm/store.hpp"
#include "sqlite_customers.h"

namespace crm::bench {
namespace {

std::size_t Rows() {
  const char* env = std::getenv("CRM_BENCH_IMPORT_ROWS");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : 100000;
}

std::string Quoted(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// libcrm's rows per write transaction (CRM_BENCH_IMPORT_BATCH, default 10,000: SQLite's).
std::size_t BatchRows() {
  const char* env = std::getenv("CRM_BENCH_IMPORT_BATCH");
  return env != nullptr && *env != '\0' ? std::strtoull(env, nullptr, 10) : 10000;
}

// The benchmark's file, written once.
const std::string& CsvFile() {
  static const std::string path = [] {
    const std::string p = TempPath("customers.csv");
    std::ofstream out(p, std::ios::binary);
    out << "Customer Id,First Name,Last Name,Email,Phone,City,Country,Subscription Date,Tags,Owner\r\n";
    for (std::size_t i = 0; i < Rows(); ++i) {
      const Customer c = MakeCustomer(i);
      const int day = static_cast<int>(i % 28) + 1, month = static_cast<int>(i % 12) + 1;
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2020 + static_cast<int>(i % 3), month, day);
      out << c.external_id << ',' << Quoted(c.given_name) << ',' << Quoted(c.family_name) << ','
          << c.emails[0].address << ',' << Quoted(c.phones[0].number) << ',' << c.address.city << ','
          << c.address.country << ',' << date << ',' << c.tags[0] << ';' << c.tags[1] << ',' << c.owner << "\r\n";
    }
    return p;
  }();
  return path;
}

// The SQLite side's CSV reader: RFC 4180 quoting, one record per call.
bool NextRecord(std::istream& in, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false, any = false;
  for (int ch; (ch = in.get()) != EOF;) {
    any = true;
    const char c = static_cast<char>(ch);
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') fields.back() += static_cast<char>(in.get());
        else quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      return true;
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return any;
}

Timestamp IsoDate(const std::string& d) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(d, &day)) Die("date " + d);
  return absl::ToUnixMicros(absl::FromCivil(day, absl::UTCTimeZone()));
}

void CsvImport(benchmark::State& state, const std::string& side) {
  const std::string& csv = CsvFile();
  const std::string path = TempPath("import." + side);
  std::size_t rows = 0;
  for (auto _ : state) {
    if (side == "crm") {
      std::filesystem::remove(path);
      std::filesystem::remove(path + "-lock");
      auto store = Store::Open(path, StoreOptions{});
      if (!store.ok()) Die(store.status().ToString());
      ImportOptions o;
      o.path = csv;
      o.batch_rows = BatchRows();
      o.columns = {{"Tags", "tags"}};
      auto job = (*store)->Import(o);
      if (!job.ok()) Die(job.status().ToString());
      if (job->counts.created != Rows()) Die("crm created " + std::to_string(job->counts.created));
      rows = job->rows_done;
    } else {
      SqliteBackend db(path);
      std::ifstream in(csv, std::ios::binary);
      std::vector<std::string> f;
      NextRecord(in, f);  // the header
      std::vector<Customer> batch;
      Customer found;
      std::vector<Customer> by_phone;
      rows = 0;
      const auto flush = [&] {
        db.InsertBatch(batch);
        batch.clear();
      };
      while (NextRecord(in, f)) {
        if (f.size() != 10) Die("sqlite: a row of " + std::to_string(f.size()) + " fields");
        ++rows;
        Customer c;
        c.external_id = f[0];
        c.given_name = f[1];
        c.family_name = f[2];
        if (!text::EmailProblem(f[3]).empty()) continue;
        c.emails.push_back(Email{f[3], "", true});
        c.phones.push_back(Phone{f[4], "", true});
        c.address.city = f[5];
        c.address.country = f[6];
        c.created_at = c.updated_at = IsoDate(f[7]);
        const auto semi = f[8].find(';');
        c.tags = {f[8].substr(0, semi), f[8].substr(semi + 1)};
        c.owner = f[9];
        // Upsert: the same lookups, in the same order.
        if (db.GetByExternalId(c.external_id, &found) || db.GetByEmail(f[3], &found) ||
            db.GetByPhone(f[4], &by_phone) > 0)
          continue;
        batch.push_back(std::move(c));
        if (batch.size() == 10000) flush();
      }
      if (!batch.empty()) flush();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows) * state.iterations());
  state.counters["rows_per_s"] = benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  using namespace crm::bench;
  for (const char* side : {"crm", "sqlite"}) {
    const std::string s = side;
    benchmark::RegisterBenchmark(("CsvImport/" + s).c_str(), [s](benchmark::State& st) { CsvImport(st, s); })
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  return RunBenchmarks(argc, argv);  // removes the run's files: the stores and the CSV file
}
