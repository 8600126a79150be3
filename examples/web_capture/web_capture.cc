// crm_web_capture: a lead-capture form on the web, with double opt-in, over libcrm's public API.
//
//   crm_web_capture --db FILE --campaign ID [--port 8080] [--host 127.0.0.1] [--secret-file FILE]
//                   [--log FILE] [--base-url http://host:port] [--purpose marketing]
//
// GET /           the form: given and family name, email, company, and a consent box.
// POST /lead      checks the input as the store would (in a write transaction it then abandons),
//                 refuses a suppressed address, rate-limits each address (3 submissions an hour),
//                 and sends (logs) a confirmation link that expires after 48 hours. Nothing is
//                 stored yet.
// GET /confirm    on a valid, unexpired link: creates the person (stage lead, the company in its
//                 custom field "company", which lead conversion reads) or updates the one with
//                 that email, records the consent to the purpose by email with source "form",
//                 the double opt-in time and the evidence, and makes the person a responding
//                 member of the campaign, so the campaign is its first touch; one transaction.
//
// The link carries the submission and its expiry, signed with HMAC (libsodium's crypto_auth) by a
// key that is random at each start unless --secret-file gives one (32 bytes): the service keeps
// no state between the two steps. Every refusal is a page that says what is wrong, and writes
// nothing.
#include <httplib.h>
#include <sodium.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "crm/store.hpp"

namespace {

constexpr std::int64_t kLinkMicros = 48LL * 3600 * 1'000'000;
constexpr std::int64_t kHourMicros = 3600LL * 1'000'000;
constexpr std::size_t kPerHour = 3;

struct Config {
  std::string db, host = "127.0.0.1", secret_file, log, base_url, purpose = "marketing";
  int port = 8080;
  crm::CampaignId campaign = 0;
};

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Page(const std::string& title, const std::string& body) {
  return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + Escape(title) + "</title></head><body><h1>" +
         Escape(title) + "</h1>" + body + "</body></html>";
}

struct Submission {
  std::string given, family, email, company;
};

std::string Form(const Submission& s, const std::string& message) {
  const auto field = [](const char* name, const char* label, const std::string& value, const char* type) {
    return std::string("<p><label>") + label + " <input type=\"" + type + "\" name=\"" + name + "\" id=\"" + name +
           "\" value=\"" + Escape(value) + "\"></label></p>";
  };
  return Page("Stay in touch",
              (message.empty() ? "" : "<p id=\"message\" role=\"alert\">" + Escape(message) + "</p>") +
                  "<form method=\"post\" action=\"/lead\">" + field("given_name", "Given name", s.given, "text") +
                  field("family_name", "Family name", s.family, "text") + field("email", "Email", s.email, "email") +
                  field("company", "Company (optional)", s.company, "text") +
                  "<p><label><input type=\"checkbox\" name=\"consent\" id=\"consent\" value=\"yes\"> I agree to receive "
                  "news and offers by email. I can withdraw at any time.</label></p>"
                  "<p><button type=\"submit\" id=\"submit\">Sign up</button></p></form>");
}

std::string B64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool Unb64(const std::string& text, std::string* out) {
  out->assign(text.size(), '\0');
  std::size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), text.data(), text.size(), nullptr,
                        &n, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return false;
  out->resize(n);
  return true;
}

class Service {
 public:
  Service(Config config, std::unique_ptr<crm::Store> store, std::string key)
      : config_(std::move(config)), store_(std::move(store)), key_(std::move(key)) {}

  void Routes(httplib::Server& server) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(Form({}, ""), "text/html; charset=utf-8");
    });
    server.Post("/lead", [this](const httplib::Request& req, httplib::Response& res) { Submit(req, res); });
    server.Get("/confirm", [this](const httplib::Request& req, httplib::Response& res) { Confirm(req, res); });
  }

 private:
  static std::int64_t Now() { return absl::ToUnixMicros(absl::Now()); }

  void Refuse(httplib::Response& res, int status, const Submission& s, const std::string& why) {
    res.status = status;
    res.set_content(Form(s, why), "text/html; charset=utf-8");
  }

  // The person the submission makes, checked by the store in a transaction that is then given up.
  absl::Status Check(const Submission& s) {
    crm::Customer c = Person(s);
    absl::Status s1 = store_->Write("web form", [&](crm::WriteTxn& t) -> absl::Status {
      auto made = t.CreateCustomer(c);
      if (!made.ok() && !absl::IsAlreadyExists(made.status())) return made.status();
      return absl::CancelledError("checked");  // nothing is kept
    });
    return absl::IsCancelled(s1) ? absl::OkStatus() : s1;
  }

  static crm::Customer Person(const Submission& s) {
    crm::Customer c;
    c.given_name = s.given;
    c.family_name = s.family;
    c.emails.push_back(crm::Email{s.email, "", true});
    c.stage = crm::LifecycleStage::kLead;
    if (!s.company.empty()) c.custom["company"] = s.company;
    return c;
  }

  void Submit(const httplib::Request& req, httplib::Response& res) {
    Submission s{req.get_param_value("given_name"), req.get_param_value("family_name"), req.get_param_value("email"),
                 req.get_param_value("company")};
    if (s.given.empty() || s.family.empty()) return Refuse(res, 400, s, "Please give your given and family name.");
    if (s.email.empty()) return Refuse(res, 400, s, "Please give your email address.");
    if (req.get_param_value("consent") != "yes")
      return Refuse(res, 400, s, "Please tick the box to agree to receive our emails: we send nothing without it.");
    auto suppressed = store_->Run(&crm::ReadTxn::IsSuppressed, std::string_view(s.email));
    if (suppressed.ok() && *suppressed)
      return Refuse(res, 403, s, "This address has asked not to be contacted: we cannot sign it up.");
    if (absl::Status ok = Check(s); !ok.ok())
      return Refuse(res, 400, s, std::string("This cannot be accepted: ") + std::string(ok.message()));
    const std::int64_t now = Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::string folded = s.email;
      for (char& ch : folded) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::vector<std::int64_t>& times = recent_[folded];
      std::erase_if(times, [&](std::int64_t t) { return t < now - kHourMicros; });
      if (times.size() >= kPerHour) {
        res.status = 429;
        res.set_content(Form(s, "Too many sign-ups for this address: please try again in an hour."), "text/html; charset=utf-8");
        return;
      }
      times.push_back(now);
    }
    const nlohmann::json payload = {{"given", s.given}, {"family", s.family}, {"email", s.email}, {"company", s.company},
                                    {"ip", req.remote_addr}, {"at", now}, {"expires", now + kLinkMicros}};
    const std::string p = B64(payload.dump());
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, reinterpret_cast<const unsigned char*>(p.data()), p.size(),
                reinterpret_cast<const unsigned char*>(key_.data()));
    const std::string link = Base(req) + "/confirm?p=" + p + "&m=" + B64(std::string(reinterpret_cast<char*>(mac), sizeof mac));
    Log("confirmation link for " + s.email + ": " + link);
    res.set_content(Page("Check your inbox", "<p id=\"message\">We sent a link to " + Escape(s.email) +
                                                 ". Open it within 48 hours to confirm your sign-up.</p>"),
                    "text/html; charset=utf-8");
  }

  void Confirm(const httplib::Request& req, httplib::Response& res) {
    const auto fail = [&](int status, const std::string& why) {
      res.status = status;
      res.set_content(Page("Sign-up not confirmed", "<p id=\"message\" role=\"alert\">" + Escape(why) + "</p>"),
                      "text/html; charset=utf-8");
    };
    const std::string p = req.get_param_value("p");
    std::string mac;
    if (!Unb64(req.get_param_value("m"), &mac) || mac.size() != crypto_auth_BYTES ||
        crypto_auth_verify(reinterpret_cast<const unsigned char*>(mac.data()), reinterpret_cast<const unsigned char*>(p.data()),
                           p.size(), reinterpret_cast<const unsigned char*>(key_.data())) != 0)
      return fail(400, "This confirmation link is not valid: please use the link we sent, or sign up again.");
    std::string text;
    nlohmann::json j;
    if (!Unb64(p, &text) || !(j = nlohmann::json::parse(text, nullptr, false)).is_object())
      return fail(400, "This confirmation link is not valid: please sign up again.");
    const std::int64_t now = Now();
    if (j.value("expires", std::int64_t{0}) <= now)
      return fail(410, "This confirmation link has expired (links last 48 hours): please sign up again.");
    const Submission s{j.value("given", ""), j.value("family", ""), j.value("email", ""), j.value("company", "")};
    auto suppressed = store_->Run(&crm::ReadTxn::IsSuppressed, std::string_view(s.email));
    if (!suppressed.ok() || *suppressed) return fail(403, "This address has asked not to be contacted.");
    crm::CustomerId id = 0;
    absl::Status st = store_->Write("web form", [&](crm::WriteTxn& t) -> absl::Status {
      auto found = t.FindCustomerByEmail(s.email);
      crm::Customer c;
      if (found.ok()) {
        c = *found;
        if (!s.company.empty()) c.custom["company"] = s.company;
        auto up = t.UpdateCustomer(c);
        if (!up.ok()) return up.status();
        c = *up;
      } else if (absl::IsNotFound(found.status())) {
        auto made = t.CreateCustomer(Person(s));
        if (!made.ok()) return made.status();
        c = *made;
      } else {
        return found.status();
      }
      id = c.id;
      crm::ConsentRecord r;
      r.customer = c.id;
      r.purpose = config_.purpose;
      r.channel = crm::ContactChannel::kEmail;
      r.legal_basis = crm::LegalBasis::kConsent;
      r.source = crm::ConsentSource::kForm;
      r.captured_at = j.value("at", now);
      r.confirmed_at = now;
      r.evidence = "web form " + Base(req) + "/ submitted from " + j.value("ip", std::string("?")) +
                   ", confirmed by the emailed link";
      if (auto rec = t.RecordConsent(r); !rec.ok()) return rec.status();
      auto campaign = t.GetCampaign(config_.campaign);
      if (!campaign.ok()) return campaign.status();
      std::string responded;
      for (const crm::CampaignStatus& cs : campaign->statuses)
        if (cs.responded) {
          responded = cs.name;
          break;
        }
      const crm::CustomerId ids[] = {c.id};
      if (auto added = t.AddCampaignMembers(config_.campaign, ids, responded); !added.ok()) return added.status();
      if (!responded.empty())
        if (auto set = t.SetCampaignMemberStatus(config_.campaign, c.id, responded); !set.ok()) return set.status();
      return absl::OkStatus();
    });
    if (!st.ok()) return fail(500, "Your sign-up could not be saved: " + std::string(st.message()));
    Log("confirmed " + s.email + " as customer " + std::to_string(id));
    res.set_content(Page("Thank you", "<p id=\"message\">Your sign-up is confirmed, " + Escape(s.given) + ".</p>"),
                    "text/html; charset=utf-8");
  }

  std::string Base(const httplib::Request& req) const {
    if (!config_.base_url.empty()) return config_.base_url;
    return "http://" + (req.has_header("Host") ? req.get_header_value("Host") : config_.host + ":" + std::to_string(config_.port));
  }

  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    std::cout << line << std::endl;
    if (!config_.log.empty()) std::ofstream(config_.log, std::ios::app) << line << "\n";
  }

  Config config_;
  std::unique_ptr<crm::Store> store_;
  std::string key_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::int64_t>> recent_;
};

int Usage(const std::string& why) {
  std::cerr << "crm_web_capture: " << why
            << "\nusage: crm_web_capture --db FILE --campaign ID [--port N] [--host H] [--secret-file F] [--log F] "
               "[--base-url URL] [--purpose P]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage(a + ": needs a value");
    const std::string v = argv[++i];
    if (a == "--db") config.db = v;
    else if (a == "--host") config.host = v;
    else if (a == "--port") config.port = std::atoi(v.c_str());
    else if (a == "--campaign") config.campaign = std::strtoull(v.c_str(), nullptr, 10);
    else if (a == "--secret-file") config.secret_file = v;
    else if (a == "--log") config.log = v;
    else if (a == "--base-url") config.base_url = v;
    else if (a == "--purpose") config.purpose = v;
    else return Usage("unknown option " + a);
  }
  if (config.db.empty() || config.campaign == 0) return Usage("--db and --campaign are required");
  if (sodium_init() < 0) return Usage("libsodium did not start");
  std::string key(crypto_auth_KEYBYTES, '\0');
  if (config.secret_file.empty()) {
    crypto_auth_keygen(reinterpret_cast<unsigned char*>(key.data()));
  } else {
    std::ifstream in(config.secret_file, std::ios::binary);
    if (!in.read(key.data(), static_cast<std::streamsize>(key.size()))) return Usage(config.secret_file + ": needs 32 bytes");
  }
  auto store = crm::Store::Open(config.db);
  if (!store.ok()) return Usage(std::string(store.status().message()));
  if (auto c = (*store)->Run(&crm::ReadTxn::GetCampaign, config.campaign); !c.ok())
    return Usage("--campaign: " + std::string(c.status().message()));
  Service service(config, *std::move(store), key);
  httplib::Server server;
  service.Routes(server);
  if (!server.bind_to_port(config.host, config.port)) return Usage("cannot listen on " + config.host + ":" + std::to_string(config.port));
  std::cout << "listening on http://" << config.host << ":" << config.port << std::endl;
  server.listen_after_bind();
  return 0;
}
