// Sequences of C ABI calls, read from the input: transactions begun, committed and freed in any
// order, records made from arbitrary bytes (field numbers, lengths, UTF-8, times), lookups,
// lists with arbitrary queries and page tokens, iterators used after their transaction. Every
// call returns a code; nothing crashes, and the store stays consistent (Verify finds nothing).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "crm.h"

namespace {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool more() const { return p_ < end_; }
  std::uint8_t U8() { return more() ? *p_++ : 0; }
  std::uint64_t U64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | U8();
    return v;
  }
  // Up to 64 bytes of text, as found (often not UTF-8).
  std::string Text() {
    const std::size_t n = std::min<std::size_t>(U8() % 65, static_cast<std::size_t>(end_ - p_));
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

std::string Path() { return "/tmp/crm-fuzz-capi-" + std::to_string(::getpid()) + ".db"; }

crm_db* Db(bool reset) {
  static crm_db* db = nullptr;
  if (reset && db != nullptr) {
    crm_db_close(db);
    db = nullptr;
    std::remove(Path().c_str());
    std::remove((Path() + "-lock").c_str());
  }
  if (db == nullptr) {
    crm_options o = CRM_OPTIONS_INIT;
    o.no_sync = 1;
    o.max_map_size = std::size_t{16} << 20;
    if (crm_db_open(&db, Path().c_str(), &o) != CRM_OK) std::abort();
  }
  return db;
}

void Drain(crm_iter* it, int limit) {
  for (int i = 0; i < limit && crm_iter_next(it) == CRM_OK; ++i) {
  }
  crm_iter_free(it);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static int runs = 0;
  crm_db* db = Db(false);
  Input in(data, size);
  crm_txn* txn = nullptr;
  crm_iter* stale = nullptr;  // an iterator kept past its transaction's end
  bool full = false;
  for (int step = 0; step < 64 && in.more(); ++step) {
    const std::uint8_t op = in.U8() % 16;
    if (txn == nullptr && op > 2) {
      if (crm_txn_begin_write(&txn, db, nullptr, 0) != CRM_OK) txn = nullptr;
      continue;
    }
    int rc = CRM_OK;
    switch (op) {
      case 0: if (txn == nullptr) crm_txn_begin_read(&txn, db); break;
      case 1: if (txn != nullptr) rc = crm_txn_commit(txn); crm_txn_free(txn); txn = nullptr; break;
      case 2: crm_txn_free(txn); txn = nullptr; break;
      case 3: case 4: {
        crm_customer* c = nullptr;
        crm_customer_new(&c);
        const std::string a = in.Text(), b = in.Text();
        crm_customer_set_text(c, 100 + in.U8() % 14, a.data(), a.size());
        crm_customer_set_int(c, 200 + in.U8() % 16, static_cast<std::int64_t>(in.U64()));
        crm_customer_add_email(c, b.data(), b.size(), "w", 1, in.U8() & 1);
        const std::string t = in.Text();
        crm_customer_add_tag(c, t.data(), t.size());
        rc = op == 3 ? crm_customer_create(txn, c) : crm_customer_upsert(txn, c);
        crm_customer_free(c);
        break;
      }
      case 5: {
        crm_customer* c = nullptr;
        if (crm_customer_get(&c, txn, in.U8() % 32) == CRM_OK) {
          const std::string a = in.Text();
          crm_customer_set_text(c, 100 + in.U8() % 14, a.data(), a.size());
          if (in.U8() & 1) crm_customer_set_int(c, CRM_CUSTOMER_REVISION, in.U8());
          rc = crm_customer_update(txn, c);
        }
        crm_customer_free(c);
        break;
      }
      case 6: rc = crm_customer_delete(txn, in.U8() % 32, in.U8() & 1); break;
      case 7: {
        crm_customer_query q = CRM_CUSTOMER_QUERY_INIT;
        const std::string text = in.Text(), token = in.Text();
        q.by = in.U8() % 9;
        q.text = text.data();
        q.text_len = text.size();
        q.stage = in.U8() % 8;
        q.organization = in.U8() % 32;
        q.since = static_cast<std::int64_t>(in.U64());
        q.include_archived = in.U8() & 1;
        q.page_size = in.U8() % 4;
        if (!token.empty()) q.page_token = token.data(), q.page_token_len = token.size();
        crm_iter* it = nullptr;
        std::uint64_t n = 0;
        if ((rc = crm_customer_list(&it, txn, &q)) == CRM_OK) {
          if (stale == nullptr && (in.U8() & 1)) stale = it; else Drain(it, 20);
        }
        crm_customer_count(&n, txn, &q);
        break;
      }
      case 8: {
        crm_interaction* i = nullptr;
        crm_interaction_new(&i);
        const std::string s = in.Text();
        crm_interaction_set_int(i, CRM_INTERACTION_CUSTOMER, in.U8() % 32);
        crm_interaction_set_int(i, 200 + in.U8() % 16, static_cast<std::int64_t>(in.U64()));
        crm_interaction_set_text(i, 100 + in.U8() % 8, s.data(), s.size());
        rc = crm_interaction_log(txn, i);
        crm_interaction_free(i);
        break;
      }
      case 9: {
        crm_timeline_query q = CRM_TIMELINE_QUERY_INIT;
        q.customer = in.U8() % 32;
        q.from = static_cast<std::int64_t>(in.U64());
        q.to = static_cast<std::int64_t>(in.U64());
        crm_iter* it = nullptr;
        if ((rc = crm_timeline(&it, txn, &q)) == CRM_OK) Drain(it, 20);
        break;
      }
      case 10: {
        crm_opportunity* o = nullptr;
        crm_opportunity_new(&o);
        const std::string title = in.Text(), currency = in.Text();
        crm_opportunity_set_text(o, CRM_OPPORTUNITY_TITLE, title.data(), title.size());
        crm_opportunity_set_text(o, CRM_OPPORTUNITY_CURRENCY, currency.data(), currency.size());
        crm_opportunity_set_int(o, 200 + in.U8() % 16, static_cast<std::int64_t>(in.U64()));
        rc = crm_opportunity_create(txn, o);
        crm_opportunity_free(o);
        break;
      }
      case 11: {
        crm_opportunity* o = nullptr;
        rc = crm_opportunity_move(&o, txn, in.U8() % 16, in.U8() % 10);
        crm_opportunity_free(o);
        break;
      }
      case 12: {
        crm_iter* it = nullptr;
        if ((rc = crm_changes(&it, txn, in.U64() % 64)) == CRM_OK) Drain(it, 10);
        break;
      }
      case 13: {
        const std::string field = in.Text();
        crm_iter* it = nullptr;
        if ((rc = crm_field_history(&it, txn, in.U8() % 5, in.U8() % 32, field.data(), field.size())) == CRM_OK)
          Drain(it, 10);
        break;
      }
      case 14: {
        crm_customer* c = nullptr;
        const std::string key = in.Text();
        if (in.U8() & 1) rc = crm_customer_find_by_email(&c, txn, key.data(), key.size());
        else rc = crm_customer_find_by_external_id(&c, txn, key.data(), key.size());
        crm_customer_free(c);
        break;
      }
      default: {
        crm_verify_report r = CRM_VERIFY_REPORT_INIT;
        crm_stats s = CRM_STATS_INIT;
        crm_txn_stats(&s, txn);
        const std::uint8_t sub = in.U8() % 11;
        if (sub == 0 && crm_txn_verify(&r, nullptr, txn) == CRM_OK && r.problem_count != 0) std::abort();
        if (sub == 1) {  // a merge of customers that may not exist, with choices of any text
          const std::uint64_t losers[2] = {in.U8() % 32u, in.U8() % 32u};
          const std::string choices = in.Text();
          crm_merges* m = nullptr;
          rc = crm_customers_merge(in.U8() & 1 ? &m : nullptr, txn, in.U8() % 32, losers, 1 + in.U8() % 2,
                                   choices.data(), choices.size());
          crm_merges_free(m);
        } else if (sub == 2) {  // undone, or made final (one merge, or those before a time)
          const std::uint8_t how = in.U8() % 3;
          std::uint64_t n = 0;
          rc = how == 0   ? crm_customers_unmerge(nullptr, txn, in.U8() % 8)
               : how == 1 ? crm_merge_finalize(nullptr, txn, in.U8() % 8)
                          : crm_merges_finalize(txn, static_cast<std::int64_t>(in.U64()), in.U8() % 4, &n);
        } else if (sub == 3) {  // a segment of any kind, name and filter, made or changed
          crm_segment* seg = nullptr;
          const std::string name = in.Text(), filter = in.Text();
          if (!(in.U8() & 1) || crm_segment_get(&seg, txn, in.U8() % 8) != CRM_OK) crm_segment_new(&seg);
          crm_segment_set_text(seg, CRM_SEGMENT_NAME, name.data(), name.size());
          crm_segment_set_text(seg, CRM_SEGMENT_FILTER, filter.data(), filter.size());
          crm_segment_set_int(seg, 200 + in.U8() % 10, in.U8() % 4);
          rc = crm_segment_int(seg, CRM_SEGMENT_ID) != 0 ? crm_segment_update(txn, seg) : crm_segment_create(txn, seg);
          crm_segment_free(seg);
        } else if (sub == 4) {  // members added or removed, of customers that may not exist
          const std::uint64_t ids[3] = {in.U8() % 32u, in.U8() % 32u, in.U8() % 32u};
          std::uint64_t n = 0;
          rc = in.U8() & 1 ? crm_segment_add_members(&n, txn, in.U8() % 8, ids, in.U8() % 4)
                           : crm_segment_remove_members(&n, txn, in.U8() % 8, ids, in.U8() % 4);
        } else if (sub == 5) {  // snapshots, deletes and the reads, with tokens of any text
          const std::string text = in.Text();
          crm_id_page* page = nullptr;
          int member = 0;
          switch (in.U8() % 4) {
            case 0: rc = crm_segment_snapshot(nullptr, txn, in.U8() % 8, text.data(), text.size()); break;
            case 1: rc = crm_segment_delete(txn, in.U8() % 8); break;
            case 2: rc = crm_segment_members(&page, txn, in.U8() % 8, in.U8() % 4, text.data(), text.size()); break;
            default: rc = crm_segment_contains(&member, txn, in.U8() % 8, in.U8() % 32); break;
          }
          crm_id_page_free(page);
        } else if (sub == 6) {  // campaigns of any fields and statuses, made or changed
          crm_campaign* c = nullptr;
          const std::string name = in.Text(), status = in.Text(), text = in.Text();
          if (!(in.U8() & 1) || crm_campaign_get(&c, txn, in.U8() % 8) != CRM_OK) crm_campaign_new(&c);
          crm_campaign_set_text(c, 100 + in.U8() % 8, name.data(), name.size());
          crm_campaign_set_int(c, 200 + in.U8() % 12, static_cast<std::int64_t>(in.U64() % 16));
          if (in.U8() & 1) crm_campaign_add_status(c, status.data(), status.size(), in.U8() % 3);
          if (in.U8() & 1) crm_campaign_set_text(c, CRM_CAMPAIGN_DEFAULT_STATUS, text.data(), text.size());
          rc = crm_campaign_int(c, CRM_CAMPAIGN_ID) != 0 ? crm_campaign_update(txn, c) : crm_campaign_create(txn, c);
          crm_campaign_free(c);
        } else if (sub == 7) {  // members, statuses, the audience and attribution
          const std::uint64_t ids[2] = {in.U8() % 32u, in.U8() % 32u};
          const std::string status = in.Text();
          std::uint64_t n = 0;
          crm_report* r = nullptr;
          crm_audience* a = nullptr;
          crm_id_page* page = nullptr;
          switch (in.U8() % 7) {
            case 0: rc = crm_campaign_add_members(&n, txn, in.U8() % 8, ids, in.U8() % 3, status.data(), status.size()); break;
            case 1: rc = crm_campaign_add_segment(&n, txn, in.U8() % 8, in.U8() % 8, status.data(), status.size()); break;
            case 2: rc = crm_campaign_set_member_status(txn, in.U8() % 8, ids[0], status.data(), status.size()); break;
            case 3: rc = crm_campaign_remove_members(&n, txn, in.U8() % 8, ids, in.U8() % 3); break;
            case 4: rc = crm_campaign_audience(&a, txn, in.U8() % 8, in.U8() % 4, status.data(), status.size(), 0); break;
            case 5: rc = crm_campaign_attribution(&r, txn, in.U8() % 5, static_cast<std::int64_t>(in.U64() % 1000), 0); break;
            default: rc = in.U8() & 1 ? crm_deal_touches(&page, txn, in.U8() % 16) : crm_campaign_delete(txn, in.U8() % 8); break;
          }
          crm_report_free(r);
          crm_audience_free(a);
          crm_id_page_free(page);
        } else if (sub == 8) {  // calendars and SLA policies of any hours, days, zones and targets
          const std::string name = in.Text(), zone = in.Text(), day = in.Text();
          if (in.U8() & 1) {
            crm_calendar* c = nullptr;
            if (!(in.U8() & 1) || crm_calendar_get(&c, txn, in.U8() % 4) != CRM_OK) crm_calendar_new(&c);
            crm_calendar_set_text(c, CRM_CALENDAR_NAME, name.data(), name.size());
            if (in.U8() & 1) crm_calendar_set_text(c, CRM_CALENDAR_TIME_ZONE, zone.data(), zone.size());
            for (int i = in.U8() % 4; i > 0; --i) crm_calendar_add_hours(c, in.U8() % 9, static_cast<int>(in.U64() % 1500), static_cast<int>(in.U64() % 1500));
            if (in.U8() & 1) crm_calendar_add_holiday(c, day.data(), day.size(), name.data(), name.size());
            crm_calendar_set_int(c, CRM_CALENDAR_TEAM, in.U8() % 3);
            rc = crm_calendar_int(c, CRM_CALENDAR_ID) != 0 ? crm_calendar_update(txn, c) : crm_calendar_create(txn, c);
            crm_calendar_free(c);
            std::int64_t v = 0;
            const std::int64_t from = static_cast<std::int64_t>(in.U64() >> 8);
            if (in.U8() & 1) crm_business_seconds(&v, txn, in.U8() % 4, from, from + static_cast<std::int64_t>(in.U64() >> 12));
            else crm_business_add(&v, txn, in.U8() % 4, from, static_cast<std::int64_t>(in.U64() % 100000000));
          } else {
            crm_sla_policy* p = nullptr;
            crm_sla_policy_new(&p);
            crm_sla_policy_set_text(p, 100 + in.U8() % 3, name.data(), name.size());
            for (int i = in.U8() % 4; i > 0; --i)
              crm_sla_policy_set_int(p, 200 + in.U8() % 12, static_cast<std::int64_t>(in.U64() % 2000) - 10);
            if (in.U8() & 1) crm_sla_policy_add_team(p, in.U8() % 3);
            rc = in.U8() & 1 ? crm_sla_policy_create(txn, p) : crm_sla_policy_delete(txn, in.U8() % 4);
            crm_sla_policy_free(p);
          }
        } else if (sub == 9) {  // tickets opened, changed, answered, rated and deleted, at any times
          crm_ticket* t = nullptr;
          const std::string text = in.Text();
          const std::int64_t at = in.U8() & 1 ? 0 : static_cast<std::int64_t>(in.U64() >> 8);
          if (crm_ticket_get(&t, txn, in.U8() % 8) != CRM_OK) crm_ticket_new(&t);
          switch (in.U8() % 7) {
            case 0:
              crm_ticket_set_int(t, CRM_TICKET_CUSTOMER, in.U8() % 32);
              crm_ticket_set_text(t, CRM_TICKET_SUBJECT, text.data(), text.size());
              crm_ticket_set_int(t, CRM_TICKET_OPENED_AT, at);
              crm_ticket_set_int(t, 200 + in.U8() % 18, in.U8() % 8);
              rc = crm_ticket_open(txn, t);
              break;
            case 1:
              crm_ticket_set_int(t, 200 + in.U8() % 18, in.U8() % 8);
              rc = crm_ticket_update(txn, t);
              break;
            case 2: rc = crm_ticket_set_status(txn, t, in.U8() % 8, at); break;
            case 3:
              rc = crm_ticket_entry_add(nullptr, txn, in.U8() % 8, in.U8() % 4, in.U8() % 3, at, text.data(), text.size());
              break;
            case 4: rc = crm_ticket_rate(txn, t, in.U8() % 7, text.data(), text.size()); break;
            case 5: rc = in.U8() & 1 ? crm_ticket_recompute(txn, t) : crm_ticket_delete(txn, in.U8() % 8); break;
            default: {
              crm_ticket_due* d = nullptr;
              crm_report* r = nullptr;
              rc = in.U8() & 1 ? crm_tickets_breaching(&d, txn, at, in.U8() % 3, 0, in.U8() % 4, text.data(), text.size())
                               : crm_service_report(&r, txn, at, static_cast<std::int64_t>(in.U64() >> 8));
              crm_ticket_due_free(d);
              crm_report_free(r);
            }
          }
          crm_ticket_free(t);
        } else if (sub == 10 && (in.U8() & 1)) {  // campaign events of any kind, time and detail
          const std::string detail = in.Text();
          std::uint64_t id = 0;
          rc = crm_campaign_event_record(&id, txn, in.U8() % 8, in.U8() % 32, in.U8() % 10,
                                         in.U8() & 1 ? 0 : static_cast<std::int64_t>(in.U64() >> 8), detail.data(),
                                         detail.size());
        } else if (sub == 10) {  // lead conversions of any customers, companies and deals
          const std::string company = in.Text(), title = in.Text();
          crm_lead_conversion c = CRM_LEAD_CONVERSION_INIT;
          c.lead = in.U8() % 32;
          c.organization = in.U8() & 1 ? in.U8() % 32 : 0;
          c.company = company.data();
          c.company_len = company.size();
          c.stage = in.U8() % 10;
          c.deal_title = title.data();
          c.deal_title_len = in.U8() & 1 ? title.size() : 0;
          c.pipeline = in.U8() % 3;
          crm_customer* p = nullptr;
          crm_customer* o = nullptr;
          crm_opportunity* d = nullptr;
          rc = crm_lead_convert(&p, &o, &d, nullptr, txn, &c);
          crm_customer_free(p);
          crm_customer_free(o);
          crm_opportunity_free(d);
        }
      }
    }
    if (rc == CRM_EFULL) full = true;
    if (rc == CRM_EINTERNAL) {
      std::fprintf(stderr, "CRM_EINTERNAL from op %d: %s\n", op, crm_errmsg());
      std::abort();
    }
  }
  if (stale != nullptr) {
    crm_txn_free(txn);
    txn = nullptr;
    if (crm_iter_next(stale) != CRM_EINVALID) std::abort();  // its transaction has ended
    crm_iter_free(stale);
  }
  if (txn != nullptr) {
    crm_txn_commit(txn);
    crm_txn_free(txn);
  }
  if (++runs % 256 == 0) {
    crm_txn* check = nullptr;
    crm_verify_report r = CRM_VERIFY_REPORT_INIT;
    if (crm_txn_begin_read(&check, db) == CRM_OK && crm_txn_verify(&r, nullptr, check) == CRM_OK &&
        r.problem_count != 0) {
      char* problems = nullptr;
      crm_txn_verify(&r, &problems, check);
      std::fprintf(stderr, "verify: %s\n", problems);
      std::abort();
    }
    crm_txn_free(check);
  }
  if (full) Db(true);
  return 0;
}
