"""The C declarations of the report headers (crm_sales.h, crm_analytics.h) and of
crm_duplicates.h, crm_segments.h and crm_campaigns.h that cffi binds, as
crm/_cdef.py keeps the rest: the headers without their comments and macros. _cdef.CDEF ends with
them."""

REPORTS = """
typedef struct crm_sales_query {
  unsigned int version;
  const char* filter;
  size_t filter_len;
  const char* group_by;
  size_t group_by_len;
  const char* period;
  size_t period_len;
  int64_t from;
  int64_t to;
  const char* time_zone;
  size_t time_zone_len;
  uint64_t pipeline;
  int bucket;
  const char* currency;
  size_t currency_len;
} crm_sales_query;
int crm_sales_query_init(crm_sales_query* q, unsigned int version);
typedef struct crm_report crm_report;
int crm_report_run(crm_report** out, crm_txn* txn, int report, const crm_sales_query* q);
int crm_report_named(int* out, const char* name, size_t name_len);
void crm_report_free(crm_report* r);
const char* crm_report_title(const crm_report* r, size_t* len);
size_t crm_report_column_count(const crm_report* r);
const char* crm_report_column_name(const crm_report* r, size_t c, size_t* len);
int crm_report_column_type(const crm_report* r, size_t c);
size_t crm_report_rows(const crm_report* r);
const char* crm_report_text(const crm_report* r, size_t row, size_t c, size_t* len);
int crm_report_int(int64_t* out, const crm_report* r, size_t row, size_t c);
int crm_report_real(double* out, const crm_report* r, size_t row, size_t c);
int crm_report_format(char** out, size_t* len, const crm_report* r);
int crm_report_html(char** out, size_t* len, const crm_report* r);
int crm_reports_html(char** out, size_t* len, const char* title, size_t title_len,
                     const crm_report* const* reports, size_t count);
int crm_quota_set(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len,
                  int64_t target, const char* currency, size_t currency_len);
int crm_quota_delete(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len);
typedef struct crm_quota_list crm_quota_list;
int crm_quota_list_get(crm_quota_list** out, crm_txn* txn, uint64_t user, uint64_t team);
void crm_quota_list_free(crm_quota_list* l);
size_t crm_quota_list_size(const crm_quota_list* l);
int crm_quota_list_at(const crm_quota_list* l, size_t i, uint64_t* user, uint64_t* team, const char** period,
                      size_t* period_len, int64_t* target, const char** currency, size_t* currency_len,
                      int64_t* updated_at);
typedef struct crm_deal_score crm_deal_score;
int crm_deal_score_get(crm_deal_score** out, crm_txn* txn, uint64_t opportunity);
void crm_deal_score_free(crm_deal_score* s);
int crm_deal_score_read(const crm_deal_score* s, double* probability, int* basis, uint64_t* won,
                        uint64_t* lost, double* prior);
const char* crm_deal_score_explanation(const crm_deal_score* s, size_t* len);
size_t crm_deal_score_factor_count(const crm_deal_score* s);
int crm_deal_score_factor(const crm_deal_score* s, size_t i, const char** field, size_t* field_len,
                          const char** value, size_t* value_len, uint64_t* won, uint64_t* lost, double* weight);
int crm_scoring_set(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_closed);
int crm_scoring_get(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_closed);
int crm_rate_set(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len,
                 int64_t effective, const char* rate, size_t rate_len);
int crm_rate_delete(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len,
                    int64_t effective);
typedef struct crm_rate_list crm_rate_list;
int crm_rate_list_get(crm_rate_list** out, crm_txn* txn, const char* from, size_t from_len, const char* to,
                      size_t to_len);
void crm_rate_list_free(crm_rate_list* l);
size_t crm_rate_list_size(const crm_rate_list* l);
int crm_rate_list_at(const crm_rate_list* l, size_t i, const char** from, size_t* from_len, const char** to,
                     size_t* to_len, int64_t* effective, int64_t* billionths, char** rate, int64_t* updated_at);
int crm_money_convert(int64_t* out, crm_txn* txn, int64_t minor, const char* from, size_t from_len,
                      const char* to, size_t to_len, int64_t at);
int crm_pipeline_stage_forecast(const crm_pipeline* p, size_t i, int* effective);
int crm_pipeline_set_stage_forecast(crm_pipeline* p, size_t i, int category);
typedef struct crm_purchase_facts crm_purchase_facts;
int crm_purchase_facts_get(crm_purchase_facts** out, crm_txn* txn, uint64_t customer);
void crm_purchase_facts_free(crm_purchase_facts* f);
int crm_purchase_facts_read(const crm_purchase_facts* f, uint64_t* purchases, int64_t* first_purchase_at,
                            int64_t* last_purchase_at, int64_t* churned_at);
size_t crm_purchase_facts_total_count(const crm_purchase_facts* f);
int crm_purchase_facts_total(const crm_purchase_facts* f, size_t i, int64_t* minor_units,
                             const char** currency, size_t* len);
typedef struct crm_customer_report_query {
  unsigned int version;
  const char* filter;
  size_t filter_len;
  const char* group_by;
  size_t group_by_len;
  const char* time_zone;
  size_t time_zone_len;
  int64_t from;
  int64_t to;
  int definition;
  int64_t inactive_days;
  size_t months;
  const char* currency;
  size_t currency_len;
  int by_purchase;
  size_t limit;
  int include_archived;
  double min_risk;
} crm_customer_report_query;
int crm_customer_report_query_init(crm_customer_report_query* q, unsigned int version);
int crm_customer_report_named(int* out, const char* name, size_t name_len);
int crm_customer_report_run(crm_report** out, crm_txn* txn, int report, const crm_customer_report_query* q);
int crm_rfm_of(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at,
               int* r, int* f, int* m, int* segment, int64_t* recency_days, uint64_t* frequency,
               int64_t* monetary);
const char* crm_rfm_segment_name(int segment);
int crm_lifetime_value(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at,
                       int64_t inactive_days, int* estimated, int64_t* historic, int64_t* average_order,
                       double* purchases_per_year, double* yearly_churn_rate, double* expected_years,
                       int64_t* predicted);
typedef struct crm_churn_risk crm_churn_risk;
int crm_churn_risk_get(crm_churn_risk** out, crm_txn* txn, uint64_t customer);
void crm_churn_risk_free(crm_churn_risk* r);
int crm_churn_risk_read(const crm_churn_risk* r, int* model, double* risk, uint64_t* churned, uint64_t* stayed,
                        double* prior);
const char* crm_churn_risk_explanation(const crm_churn_risk* r, size_t* len);
size_t crm_churn_risk_factor_count(const crm_churn_risk* r);
int crm_churn_risk_factor(const crm_churn_risk* r, size_t i, const char** field, size_t* field_len,
                          const char** value, size_t* value_len, uint64_t* churned, uint64_t* stayed,
                          double* weight);
int crm_churn_risk_set_options(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_customers);
int crm_churn_risk_get_options(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_customers);
"""

DUPLICATES = """
const char* crm_match_reason_name(int reason);
typedef struct crm_match_options {
  unsigned int version;
  double threshold;
  size_t limit;
  int include_archived;
  int include_dismissed;
  uint32_t reasons;
  const char* id_fields;
  size_t id_fields_len;
} crm_match_options;
int crm_match_options_init(crm_match_options* o, unsigned int version);
typedef struct crm_duplicates crm_duplicates;
int crm_duplicates_find(crm_duplicates** out, crm_txn* txn, uint64_t customer, const crm_match_options* o);
int crm_duplicates_find_draft(crm_duplicates** out, crm_txn* txn, const crm_customer* draft, const crm_match_options* o);
int crm_duplicates_alerts(crm_duplicates** out, crm_txn* txn);
void crm_duplicates_free(crm_duplicates* d);
size_t crm_duplicates_count(const crm_duplicates* d);
int crm_duplicates_candidate(const crm_duplicates* d, size_t i, uint64_t* about, uint64_t* id, double* score,
                             size_t* reasons);
int crm_duplicates_reason(const crm_duplicates* d, size_t i, size_t j, int* reason, double* weight,
                          const char** detail, size_t* len);
int crm_duplicate_rule_set(crm_txn* txn, int action, const crm_match_options* o, int on_update, int on_import);
int crm_duplicate_rule_get(crm_txn* txn, int* action, crm_match_options* o, int* on_update, int* on_import,
                           char** id_fields, size_t* id_fields_len);
int crm_duplicate_pair_get(crm_txn* txn, uint64_t a, uint64_t b, double* score, uint32_t* reasons, int* dismissed,
                           int64_t* found_at);
int crm_duplicate_pair_dismiss(crm_txn* txn, uint64_t a, uint64_t b);
int crm_duplicate_pair_forget(crm_txn* txn, uint64_t a, uint64_t b);
typedef struct crm_duplicate_sets crm_duplicate_sets;
int crm_duplicate_sets_list(crm_duplicate_sets** out, crm_txn* txn, size_t limit, const char* page_token,
                            size_t page_token_len, int include_dismissed);
void crm_duplicate_sets_free(crm_duplicate_sets* s);
size_t crm_duplicate_sets_count(const crm_duplicate_sets* s);
int crm_duplicate_sets_customers(const crm_duplicate_sets* s, size_t i, const uint64_t** ids, size_t* count);
size_t crm_duplicate_sets_pair_count(const crm_duplicate_sets* s, size_t i);
int crm_duplicate_sets_pair(const crm_duplicate_sets* s, size_t i, size_t j, uint64_t* a, uint64_t* b,
                            double* score, uint32_t* reasons, int* dismissed, int64_t* found_at);
const char* crm_duplicate_sets_next_page(const crm_duplicate_sets* s, size_t* len);
typedef int (*crm_duplicate_scan_fn)(uint64_t examined, uint64_t total, uint64_t pairs, void* arg);
int crm_db_scan_duplicates(crm_db* db, const crm_match_options* o, size_t batch, int restart,
                           crm_duplicate_scan_fn progress, void* arg, uint64_t* examined, uint64_t* total,
                           uint64_t* pairs, int* finished);
int crm_duplicate_scan_get(crm_txn* txn, uint64_t* examined, uint64_t* total, uint64_t* pairs, int* finished);
"""

MERGES = """
typedef struct crm_merges crm_merges;
int crm_customers_merge(crm_merges** out, crm_txn* txn, uint64_t survivor, const uint64_t* losers,
                        size_t count, const char* choices, size_t choices_len);
int crm_customers_unmerge(crm_merges** out, crm_txn* txn, uint64_t merge);
int crm_customer_merged_into(crm_txn* txn, uint64_t id, uint64_t* survivor);
int crm_merge_get(crm_merges** out, crm_txn* txn, uint64_t merge);
int crm_merges_list(crm_merges** out, crm_txn* txn, uint64_t survivor);
void crm_merges_free(crm_merges* m);
size_t crm_merges_count(const crm_merges* m);
int crm_merges_item(const crm_merges* m, size_t i, uint64_t* id, uint64_t* survivor, int64_t* merged_at,
                    const uint64_t** losers, size_t* loser_count);
int crm_merges_moved(const crm_merges* m, size_t i, uint64_t* counts, size_t n);
const char* crm_merges_actor(const crm_merges* m, size_t i, size_t* len);
int crm_merge_finalize(crm_merges** out, crm_txn* txn, uint64_t merge);
int crm_merges_finalize(crm_txn* txn, int64_t merged_before, size_t limit, uint64_t* count);
int crm_merges_final_at(const crm_merges* m, size_t i, int64_t* final_at);
"""

SEGMENTS = """
typedef struct crm_segment crm_segment;
typedef struct crm_segment_list crm_segment_list;
typedef struct crm_id_page crm_id_page;
int crm_segment_new(crm_segment** out);
int crm_segment_clone(crm_segment** out, const crm_segment* s);
void crm_segment_free(crm_segment* s);
const char* crm_segment_text(const crm_segment* s, int field, size_t* len);
int crm_segment_set_text(crm_segment* s, int field, const char* text, size_t len);
int crm_segment_get_int(int64_t* out, const crm_segment* s, int field);
int64_t crm_segment_int(const crm_segment* s, int field);
int crm_segment_set_int(crm_segment* s, int field, int64_t value);
int crm_segment_create(crm_txn* txn, crm_segment* s);
int crm_segment_update(crm_txn* txn, crm_segment* s);
int crm_segment_delete(crm_txn* txn, uint64_t id);
int crm_segment_snapshot(crm_segment** out, crm_txn* txn, uint64_t dynamic, const char* name, size_t len);
int crm_segment_add_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids, size_t count);
int crm_segment_remove_members(uint64_t* changed, crm_txn* txn, uint64_t segment, const uint64_t* ids, size_t count);
int crm_segment_get(crm_segment** out, crm_txn* txn, uint64_t id);
int crm_segment_find_by_name(crm_segment** out, crm_txn* txn, const char* name, size_t len);
int crm_segment_contains(int* out, crm_txn* txn, uint64_t segment, uint64_t customer);
int crm_segment_member_count(uint64_t* out, crm_txn* txn, uint64_t segment);
int crm_segment_list_get(crm_segment_list** out, crm_txn* txn);
size_t crm_segment_list_size(const crm_segment_list* l);
const crm_segment* crm_segment_list_at(const crm_segment_list* l, size_t i);
void crm_segment_list_free(crm_segment_list* l);
int crm_segment_members(crm_id_page** out, crm_txn* txn, uint64_t segment, size_t limit, const char* page_token,
                        size_t page_token_len);
int crm_segments_of(crm_id_page** out, crm_txn* txn, uint64_t customer);
int crm_id_page_ids(const crm_id_page* p, const uint64_t** ids, size_t* count);
const char* crm_id_page_next(const crm_id_page* p, size_t* len);
void crm_id_page_free(crm_id_page* p);
"""

CAMPAIGNS = """
typedef struct crm_campaign crm_campaign;
typedef struct crm_campaign_list crm_campaign_list;
typedef struct crm_campaign_members crm_campaign_members;
typedef struct crm_audience crm_audience;
int crm_campaign_new(crm_campaign** out);
int crm_campaign_clone(crm_campaign** out, const crm_campaign* c);
void crm_campaign_free(crm_campaign* c);
const char* crm_campaign_text(const crm_campaign* c, int field, size_t* len);
int crm_campaign_set_text(crm_campaign* c, int field, const char* s, size_t len);
int crm_campaign_get_int(int64_t* out, const crm_campaign* c, int field);
int64_t crm_campaign_int(const crm_campaign* c, int field);
int crm_campaign_set_int(crm_campaign* c, int field, int64_t value);
size_t crm_campaign_status_count(const crm_campaign* c);
int crm_campaign_status(const crm_campaign* c, size_t i, const char** name, size_t* len, int* responded);
int crm_campaign_add_status(crm_campaign* c, const char* name, size_t len, int responded);
int crm_campaign_clear_statuses(crm_campaign* c);
int crm_campaign_create(crm_txn* txn, crm_campaign* c);
int crm_campaign_update(crm_txn* txn, crm_campaign* c);
int crm_campaign_delete(crm_txn* txn, uint64_t id);
int crm_campaign_get(crm_campaign** out, crm_txn* txn, uint64_t id);
int crm_campaign_list_get(crm_campaign_list** out, crm_txn* txn);
size_t crm_campaign_list_size(const crm_campaign_list* l);
const crm_campaign* crm_campaign_list_at(const crm_campaign_list* l, size_t i);
void crm_campaign_list_free(crm_campaign_list* l);
int crm_campaign_add_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids,
                             size_t count, const char* status, size_t status_len);
int crm_campaign_add_segment(uint64_t* changed, crm_txn* txn, uint64_t campaign, uint64_t segment,
                             const char* status, size_t status_len);
int crm_campaign_remove_members(uint64_t* changed, crm_txn* txn, uint64_t campaign, const uint64_t* ids,
                                size_t count);
int crm_campaign_set_member_status(crm_txn* txn, uint64_t campaign, uint64_t customer, const char* status,
                                   size_t status_len);
int crm_campaign_members_list(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, size_t limit,
                              const char* page_token, size_t page_token_len);
int crm_campaigns_of(crm_campaign_members** out, crm_txn* txn, uint64_t customer);
int crm_campaign_member_get(crm_campaign_members** out, crm_txn* txn, uint64_t campaign, uint64_t customer);
size_t crm_campaign_members_count(const crm_campaign_members* m);
int crm_campaign_members_item(const crm_campaign_members* m, size_t i, uint64_t* campaign, uint64_t* customer,
                              const char** status, size_t* status_len, int* responded, int64_t* added_at,
                              int64_t* first_responded_at);
const char* crm_campaign_members_next(const crm_campaign_members* m, size_t* len);
void crm_campaign_members_free(crm_campaign_members* m);
int crm_campaign_audience(crm_audience** out, crm_txn* txn, uint64_t campaign, size_t limit,
                          const char* page_token, size_t page_token_len, int64_t at);
size_t crm_audience_count(const crm_audience* a);
int crm_audience_item(const crm_audience* a, size_t i, uint64_t* customer, int* sendable, int* verdict,
                      const char** reason, size_t* reason_len);
const char* crm_audience_next(const crm_audience* a, size_t* len);
void crm_audience_free(crm_audience* a);
typedef struct crm_campaign_events crm_campaign_events;
int crm_campaign_event_record(uint64_t* id, crm_txn* txn, uint64_t campaign, uint64_t customer, int kind,
                              int64_t at, const char* detail, size_t detail_len);
int crm_campaign_events_list(crm_campaign_events** out, crm_txn* txn, uint64_t campaign, uint64_t customer);
size_t crm_campaign_events_count(const crm_campaign_events* e);
int crm_campaign_events_item(const crm_campaign_events* e, size_t i, uint64_t* id, int* kind, int64_t* at,
                             const char** detail, size_t* detail_len);
void crm_campaign_events_free(crm_campaign_events* e);
int crm_campaign_event_counts(uint64_t* counts, size_t n, crm_txn* txn, uint64_t campaign);
int crm_customer_touches(crm_id_page** out, crm_txn* txn, uint64_t customer);
int crm_deal_touches(crm_id_page** out, crm_txn* txn, uint64_t deal);
int crm_campaign_attribution(crm_report** out, crm_txn* txn, int model, int64_t won_from, int64_t won_to);
"""

REPORTS += DUPLICATES
REPORTS += MERGES
REPORTS += SEGMENTS
REPORTS += CAMPAIGNS
