/*
 * crm_sales.h - sales reports (since 0.13): pipeline summary, win rate, sales cycle, funnel and
 * lost reasons, each read as a table of named, typed columns (what each figure means is told in
 * crm/sales.hpp). Included by crm.h; the conventions of crm.h apply.
 */
#ifndef CRM_SALES_H
#define CRM_SALES_H

#ifdef __cplusplus
extern "C" {
#endif

/* What a report looks at. */
typedef struct crm_sales_query {
  unsigned int version;
  const char* filter;     /* a filter of opportunities (crm_query.h); NULL or empty: every deal */
  size_t filter_len;
  const char* group_by;   /* a field of opportunities: "owner", "team", "custom.product" ...; NULL or
                             empty: one group for all */
  size_t group_by_len;
  const char* period;     /* "2017", "2017-Q3", "2017-03", "2017-W09", "2017-03-05", or two of them
                             joined by ".."; NULL or empty: [from, to) */
  size_t period_len;
  int64_t from;           /* microseconds; CRM_SALES_QUERY_INIT: no bound */
  int64_t to;
  const char* time_zone;  /* an IANA name where the period's days begin; NULL or empty: UTC */
  size_t time_zone_len;
  uint64_t pipeline;      /* the funnel's pipeline; 0: the default one */
  int bucket;             /* the forecast's: CRM_BUCKET_MONTH (INIT) or CRM_BUCKET_QUARTER */
  /* Version 2 (since 0.14): */
  const char* currency;   /* the reporting currency: every amount converted into it at the rate in
                             effect on the deal's close date (crm/sales.hpp); NULL or empty: per
                             currency. CRM_ECONFLICT names a missing rate. */
  size_t currency_len;
} crm_sales_query;

#define CRM_BUCKET_MONTH 3
#define CRM_BUCKET_QUARTER 4

#define CRM_SALES_QUERY_VERSION 2
#define CRM_SALES_QUERY_INIT \
  {CRM_SALES_QUERY_VERSION, NULL, 0, NULL, 0, NULL, 0, INT64_MIN, INT64_MAX, NULL, 0, 0, CRM_BUCKET_MONTH, NULL, 0}
/* Version 1 or 2: a caller built against an earlier crm_sales.h has the shorter struct of its
 * version, and only that part is written. */
CRM_API int crm_sales_query_init(crm_sales_query* q, unsigned int version);

#define CRM_REPORT_PIPELINE_SUMMARY 1 /* group, pipeline, stage, outcome, currency, count, amount, weighted */
#define CRM_REPORT_WIN_RATE 2         /* group, won, lost, win_rate, currency, currency_won, currency_lost,
                                         won_amount, lost_amount, value_win_rate */
#define CRM_REPORT_SALES_CYCLE 3      /* group, won, average_days, median_days, min_days, max_days */
#define CRM_REPORT_FUNNEL 4           /* group, stage, outcome, reached, advanced, conversion, stays, average_days */
#define CRM_REPORT_LOST_REASONS 5     /* group, reason, count, share */
#define CRM_REPORT_FORECAST 6         /* group, period, currency, deals, pipeline, best_case, commit, closed,
                                         omitted, quota, attainment (no value without a quota) */
#define CRM_REPORT_LEADERBOARD 7      /* group, currency, rank, won, won_amount, lost, win_rate, open,
                                         open_amount, open_weighted */
#define CRM_REPORT_SLIPPED 8          /* group, opportunity, title, currency, amount, slips, from, to, days:
                                         deals whose expected close moved later (since 0.14) */
#define CRM_REPORT_PRODUCTS 9         /* group, code, name, family, currency, won, won_quantity, won_amount,
                                         lost, lost_amount, open, open_amount: from the deals' line items
                                         (since 0.15) */

/* Column types: text, integer, real, money (an integer of minor units of the row's "currency"). */
#define CRM_COLUMN_TEXT 0
#define CRM_COLUMN_INT 1
#define CRM_COLUMN_REAL 2
#define CRM_COLUMN_MONEY 3

typedef struct crm_report crm_report;
/* Runs report `report` (CRM_REPORT_*) in `txn`'s snapshot. CRM_EINVALID names a bad filter,
 * group field, period or time zone; CRM_ENOTFOUND a funnel pipeline that does not exist. */
CRM_API int crm_report_run(crm_report** out, crm_txn* txn, int report, const crm_sales_query* q);
/* The report named "pipeline", "winrate", "cycle", "funnel", "lost", "forecast", "leaderboard" or "slipped"
 * (CRM_EINVALID otherwise). */
CRM_API int crm_report_named(int* out, const char* name, size_t name_len);
CRM_API void crm_report_free(crm_report* r);
CRM_API const char* crm_report_title(const crm_report* r, size_t* len);
CRM_API size_t crm_report_column_count(const crm_report* r);
/* NULL (and -1) when c is out of range. */
CRM_API const char* crm_report_column_name(const crm_report* r, size_t c, size_t* len);
CRM_API int crm_report_column_type(const crm_report* r, size_t c);
CRM_API size_t crm_report_rows(const crm_report* r);
/* Cell (row, c) of a text column, borrowed until crm_report_free; NULL when it has no value (the
 * group of a report not grouped, or of deals without one), is not text, or is out of range. */
CRM_API const char* crm_report_text(const crm_report* r, size_t row, size_t c, size_t* len);
/* Cell (row, c) of an integer or money column, or of a real one: CRM_ENOTFOUND when it has no
 * value, CRM_EINVALID when it is of another type or out of range. */
CRM_API int crm_report_int(int64_t* out, const crm_report* r, size_t row, size_t c);
CRM_API int crm_report_real(double* out, const crm_report* r, size_t row, size_t c);
/* The report as aligned text (money with its decimals), as the tool prints it; to crm_free. */
CRM_API int crm_report_format(char** out, size_t* len, const crm_report* r);
/* The report as a self-contained HTML page (since 0.21): its chart as inline SVG, then its table;
 * no script, and nothing the page fetches (crm/sales.hpp, ReportsToHtml). To crm_free. */
CRM_API int crm_report_html(char** out, size_t* len, const crm_report* r);
/* `count` reports on one HTML page titled `title` (UTF-8), each with its chart and table, in order.
 * CRM_EINVALID names a NULL report or a title that is not UTF-8. To crm_free. */
CRM_API int crm_reports_html(char** out, size_t* len, const char* title, size_t title_len,
                             const crm_report* const* reports, size_t count);

/* Quotas: a target of a user or a team (exactly one of them not 0) for a month ("2017-03") or a
 * quarter ("2017-Q2"), in minor units of `currency`. Setting replaces the one it had;
 * CRM_ENOTFOUND for a user or team that does not exist, or (delete) a quota that does not. */
CRM_API int crm_quota_set(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len,
                          int64_t target, const char* currency, size_t currency_len);
CRM_API int crm_quota_delete(crm_txn* txn, uint64_t user, uint64_t team, const char* period, size_t period_len);
typedef struct crm_quota_list crm_quota_list;
/* The quotas of a user, of a team, or (both 0) every one. */
CRM_API int crm_quota_list_get(crm_quota_list** out, crm_txn* txn, uint64_t user, uint64_t team);
CRM_API void crm_quota_list_free(crm_quota_list* l);
CRM_API size_t crm_quota_list_size(const crm_quota_list* l);
/* Item i; the texts are borrowed until crm_quota_list_free; any output may be NULL. */
CRM_API int crm_quota_list_at(const crm_quota_list* l, size_t i, uint64_t* user, uint64_t* team, const char** period,
                              size_t* period_len, int64_t* target, const char** currency, size_t* currency_len,
                              int64_t* updated_at);

/* Deal scores (since 0.14; what is counted and how a deal is scored is told in crm/scoring.hpp):
 * the win probability of a deal, from a naive-Bayes model of its pipeline's closed deals, with
 * the factors that made it. */
#define CRM_SCORE_MODEL 1             /* from the counts of the pipeline's closed deals */
#define CRM_SCORE_STAGE_PROBABILITY 2 /* too few closed deals: the stage's probability */
#define CRM_SCORE_CLOSED 3            /* a closed deal: 100 won, 0 lost */
typedef struct crm_deal_score crm_deal_score;
/* CRM_ENOTFOUND when there is no such deal. */
CRM_API int crm_deal_score_get(crm_deal_score** out, crm_txn* txn, uint64_t opportunity);
CRM_API void crm_deal_score_free(crm_deal_score* s);
/* Percent: 1 to 99 from the model. Any output may be NULL. */
CRM_API int crm_deal_score_read(const crm_deal_score* s, double* probability, int* basis, uint64_t* won,
                                uint64_t* lost, double* prior);
/* One sentence: what the score rests on; borrowed until crm_deal_score_free. */
CRM_API const char* crm_deal_score_explanation(const crm_deal_score* s, size_t* len);
/* The factors, strongest first: field ("stage", "owner", "team", "amount", "custom.<name>"), the
 * deal's value, the closed deals counted with that value, and the weight (its term of the
 * log-odds: above 0 for won). Texts borrowed until crm_deal_score_free; any output may be NULL. */
CRM_API size_t crm_deal_score_factor_count(const crm_deal_score* s);
CRM_API int crm_deal_score_factor(const crm_deal_score* s, size_t i, const char** field, size_t* field_len,
                                  const char** value, size_t* value_len, uint64_t* won, uint64_t* lost, double* weight);
/* What the model reads: `fields` separated by commas ("owner,team,amount,product.family"; empty:
 * the stage alone) and the closed deals a pipeline needs. Setting counts every deal again;
 * CRM_EINVALID names a field the model cannot read. Getting writes the fields as set, joined by
 * commas (to crm_free). */
CRM_API int crm_scoring_set(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_closed);
CRM_API int crm_scoring_get(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_closed);

/* Exchange rates (since 0.14): from `effective` on (microseconds), one unit of `from` is worth
 * `rate` units of `to`, a decimal text with at most 9 places ("1.0834"). Setting replaces the
 * rate of that pair and time; CRM_EINVALID names a bad currency or rate. */
CRM_API int crm_rate_set(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len,
                         int64_t effective, const char* rate, size_t rate_len);
CRM_API int crm_rate_delete(crm_txn* txn, const char* from, size_t from_len, const char* to, size_t to_len,
                            int64_t effective);
typedef struct crm_rate_list crm_rate_list;
/* Every rate, or those from and / or to a currency (NULL or empty: any). */
CRM_API int crm_rate_list_get(crm_rate_list** out, crm_txn* txn, const char* from, size_t from_len, const char* to,
                              size_t to_len);
CRM_API void crm_rate_list_free(crm_rate_list* l);
CRM_API size_t crm_rate_list_size(const crm_rate_list* l);
/* Item i: texts borrowed until crm_rate_list_free, the rate in billionths (1.0834: 1083400000)
 * and as text (to crm_free, when `rate` is not NULL); any output may be NULL. */
CRM_API int crm_rate_list_at(const crm_rate_list* l, size_t i, const char** from, size_t* from_len, const char** to,
                             size_t* to_len, int64_t* effective, int64_t* billionths, char** rate, int64_t* updated_at);
/* `minor` units of `from` in minor units of `to` at the rate in effect at `at`, rounded half away
 * from zero, as the reports convert. CRM_ECONFLICT when no rate is in effect then. */
CRM_API int crm_money_convert(int64_t* out, crm_txn* txn, int64_t minor, const char* from, size_t from_len,
                              const char* to, size_t to_len, int64_t at);

#ifdef __cplusplus
}
#endif

#endif /* CRM_SALES_H */
