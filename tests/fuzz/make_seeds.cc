// Writes the seed corpora of the fuzz targets into <dir>/{decode,file,capi}:
//   make_fuzz_seeds tests/fuzz/corpus
// decode: every record kind encoded, keys and page tokens; file: a small database holding
// every kind of record; capi: call sequences that make records, list and verify.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "codec/envelope.h"
#include "codec/key.h"
#include "crm/store.hpp"
#include "model/paging.h"
#include "model/serialize.h"

namespace {

void Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

template <class T>
void Seed(const std::filesystem::path& dir, const std::string& name, char selector, crm::codec::RecordType type,
          const T& record) {
  std::string bytes;
  crm::codec::Encode(type, record, bytes);
  Write(dir / name, std::string(1, selector) + bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds <corpus dir>\n");
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  for (const char* d : {"decode", "file", "capi"}) std::filesystem::create_directories(root / d);
  using crm::codec::RecordType;

  crm::Customer c;
  c.id = 7;
  c.given_name = "Ada";
  c.family_name = "Lovelace";
  c.display_name = "Ada Lovelace";
  c.emails.push_back(crm::Email{"ada@example.com", "work", true});
  c.phones.push_back(crm::Phone{"+44 20 7946 0000", "work"});
  c.tags = {"vip", "emea"};
  c.custom["plan"] = std::string("gold");
  c.memberships.push_back(crm::Membership{3, "cto"});
  Seed(root / "decode", "customer", 0, RecordType::kCustomer, c);
  crm::Interaction i;
  i.id = 9;
  i.customer = 7;
  i.subject = "call";
  i.amount = crm::Money{1250, "EUR"};
  Seed(root / "decode", "interaction", 1, RecordType::kInteraction, i);
  crm::Pipeline p;
  p.id = 1;
  p.name = "Sales";
  p.stages = {{1, "Open", 10, crm::StageOutcome::kOpen}, {2, "Won", 100, crm::StageOutcome::kWon}};
  Seed(root / "decode", "pipeline", 2, RecordType::kPipeline, p);
  crm::Opportunity o;
  o.id = 4;
  o.customer = 7;
  o.title = "Renewal";
  o.amount = crm::Money{990000, "USD"};
  o.contacts.push_back(crm::ContactRole{7, "buyer"});
  Seed(root / "decode", "opportunity", 3, RecordType::kOpportunity, o);
  crm::Change ch;
  ch.seq = 12;
  ch.actor = "ann";
  ch.fields.push_back(crm::FieldChange{"owner", "bob", "ann"});
  Seed(root / "decode", "change", 4, RecordType::kChange, ch);
  crm::ConsentRecord consent;
  consent.id = 3;
  consent.customer = 7;
  consent.purpose = "newsletter";
  consent.legal_basis = crm::LegalBasis::kConsent;
  consent.source = crm::ConsentSource::kForm;
  consent.captured_at = 1'700'000'000'000'000;
  consent.evidence = "https://example.com/form";
  Seed(root / "decode", "consent", static_cast<char>(245), RecordType::kConsent, consent);
  Write(root / "decode" / "key", std::string(1, 5) + crm::codec::KeyBuilder().Str("vip").U64(7).I64(-5).U32(3).Take());
  Write(root / "decode" / "token", std::string(1, 6) + crm::model::MakePageToken(42, "c"));

  const std::filesystem::path db = root / "file" / "store.crm";
  std::filesystem::remove(db);
  {
    crm::StoreOptions opts;
    opts.sync = false;
    auto store = crm::Store::Open(db.string(), opts);
    if (!store.ok()) return 1;
    absl::Status s = (*store)->Write("seed", [&](crm::WriteTxn& txn) -> absl::Status {
      crm::Customer org;
      org.kind = crm::CustomerKind::kOrganization;
      org.display_name = "Acme";
      auto made_org = txn.CreateCustomer(org);
      if (!made_org.ok()) return made_org.status();
      crm::Customer ada = c;
      ada.id = 0;
      ada.memberships = {crm::Membership{made_org->id, "cto"}};
      ada.address.country = "DE";
      ada.external_id = "ext-1";
      auto made = txn.CreateCustomer(ada);
      if (!made.ok()) return made.status();
      crm::ConsentRecord grant = consent;
      grant.customer = made->id;
      grant.captured_at = 0;
      if (auto r = txn.RecordConsent(grant); !r.ok()) return r.status();
      crm::Interaction call = i;
      call.customer = made->id;
      if (auto r = txn.LogInteraction(call); !r.ok()) return r.status();
      crm::Opportunity deal = o;
      deal.customer = made_org->id;
      deal.contacts = {crm::ContactRole{made->id, "buyer"}};
      auto d = txn.CreateOpportunity(deal);
      if (!d.ok()) return d.status();
      return txn.CloseWon(d->id).status();
    });
    if (!s.ok()) return 1;
  }
  std::filesystem::remove(db.string() + "-lock");

  std::mt19937 rng(7);
  for (int n = 0; n < 8; ++n) {
    std::string bytes;
    for (int k = 0; k < 200; ++k) bytes.push_back(static_cast<char>(rng()));
    // Begin a write, create a customer, list, commit: a useful start for mutations.
    bytes[0] = 3;
    Write(root / "capi" / ("sequence" + std::to_string(n)), bytes);
  }
  std::printf("seeds written to %s\n", root.c_str());
  return 0;
}
