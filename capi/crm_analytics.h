/*
 * crm_analytics.h - customer analytics of the libcrm C ABI (since 0.16). Included by crm.h; the
 * conventions of crm.h apply.
 *
 * Purchases are a customer's interactions of kind purchase and its won deals. Their facts (first
 * and last purchase, count, totals per currency, the time the customer churned) are kept in the
 * write transaction of every change, so reading them is one lookup. The reports (churn, cohort
 * retention, RFM segments, the most valuable customers, the at-risk list) come as crm_report
 * tables (crm_sales.h), read with crm_report_title, _column_*, _rows, _text, _int, _real and
 * _format. What each figure means is told in include/crm/analytics.hpp.
 */
#ifndef CRM_ANALYTICS_H
#define CRM_ANALYTICS_H

#include "crm.h"
#include "crm_sales.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A customer's purchase facts: CRM_ENOTFOUND when the customer does not exist (a customer
 * without purchases has zeros). Times are 0 when there are none. */
typedef struct crm_purchase_facts crm_purchase_facts;
CRM_API int crm_purchase_facts_get(crm_purchase_facts** out, crm_txn* txn, uint64_t customer);
CRM_API void crm_purchase_facts_free(crm_purchase_facts* f);
/* Any output may be NULL. */
CRM_API int crm_purchase_facts_read(const crm_purchase_facts* f, uint64_t* purchases, int64_t* first_purchase_at,
                                    int64_t* last_purchase_at, int64_t* churned_at);
/* The totals, one per currency in order of currency code: minor units, and the currency
 * (borrowed until crm_purchase_facts_free). CRM_ENOTFOUND past the last. */
CRM_API size_t crm_purchase_facts_total_count(const crm_purchase_facts* f);
CRM_API int crm_purchase_facts_total(const crm_purchase_facts* f, size_t i, int64_t* minor_units,
                                     const char** currency, size_t* len);

/* The customer reports. */
#define CRM_CUSTOMER_REPORT_CHURN 1   /* group, customers, churned, rate; a last row for all */
#define CRM_CUSTOMER_REPORT_COHORTS 2 /* cohort, customers, m0 .. m<months>: the share buying */
#define CRM_CUSTOMER_REPORT_RFM 3     /* segment, customers, share, currency, monetary */
#define CRM_CUSTOMER_REPORT_TOP 4     /* customer, name, currency, value, purchases, last_purchase,
                                         last_contact: the most valuable first */
#define CRM_CUSTOMER_REPORT_AT_RISK 5 /* as TOP, for customers not contacted (by_purchase: not
                                         buying) since `from` */

/* How churn is counted over [from, to): the stage became churned in the period, or the customer
 * bought within inactive_days before `from` but not within inactive_days before `to`. */
#define CRM_CHURN_LIFECYCLE 1
#define CRM_CHURN_NO_PURCHASE 2

typedef struct crm_customer_report_query {
  unsigned int version;
  const char* filter;     /* which customers; NULL or empty: every one */
  size_t filter_len;
  const char* group_by;   /* churn: none, one or two groupings, e.g. "custom.contract",
                             "band(custom.tenure, 12)", "quarter(created_at)" */
  size_t group_by_len;
  const char* time_zone;  /* churn and cohorts: an IANA name; NULL: UTC */
  size_t time_zone_len;
  int64_t from;           /* churn, cohorts: the period [from, to); at risk: since */
  int64_t to;             /* rfm: the time recency counts to (0: now) */
  int definition;         /* churn: CRM_CHURN_* */
  int64_t inactive_days;  /* churn (no purchase): 1 to 36500 */
  size_t months;          /* cohorts: cells after the first month, 1 to 120 */
  const char* currency;   /* rfm, top, at risk: ISO 4217 */
  size_t currency_len;
  int by_purchase;        /* at risk: by the last purchase instead of the last contact */
  size_t limit;           /* top, at risk: 1 to 1000 */
  int include_archived;
  double min_risk;        /* at risk: only customers with a churn risk of at least this (0 to 1; 0: all) */
} crm_customer_report_query;

#define CRM_CUSTOMER_REPORT_QUERY_VERSION 1
#define CRM_CUSTOMER_REPORT_QUERY_INIT \
  {CRM_CUSTOMER_REPORT_QUERY_VERSION, NULL, 0, NULL, 0, NULL, 0, 0, 0, CRM_CHURN_LIFECYCLE, 90, 12, NULL, 0, 0, 50, 0, 0}
CRM_API int crm_customer_report_query_init(crm_customer_report_query* q, unsigned int version);
/* The report named "churn", "cohorts", "rfm", "top" or "at_risk" (CRM_EINVALID otherwise). */
CRM_API int crm_customer_report_named(int* out, const char* name, size_t name_len);
/* Runs a customer report in `txn`'s snapshot; CRM_EINVALID names a bad filter, grouping, period,
 * time zone or currency. */
CRM_API int crm_customer_report_run(crm_report** out, crm_txn* txn, int report, const crm_customer_report_query* q);

/* The RFM scores (1 to 5) and segment (CRM_RFM_*) of one customer among all customers with a
 * purchase, monetary value in `currency`, recency counted to `at` (0: now). CRM_ENOTFOUND: no such
 * customer; CRM_ECONFLICT: it has no purchase. Any output may be NULL. */
#define CRM_RFM_CHAMPIONS 1
#define CRM_RFM_LOYAL 2
#define CRM_RFM_POTENTIAL_LOYALISTS 3
#define CRM_RFM_NEW 4
#define CRM_RFM_PROMISING 5
#define CRM_RFM_NEED_ATTENTION 6
#define CRM_RFM_ABOUT_TO_SLEEP 7
#define CRM_RFM_AT_RISK 8
#define CRM_RFM_CANNOT_LOSE 9
#define CRM_RFM_HIBERNATING 10
#define CRM_RFM_LOST 11
CRM_API int crm_rfm_of(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at,
                       int* r, int* f, int* m, int* segment, int64_t* recency_days, uint64_t* frequency,
                       int64_t* monetary);
/* "champions", "potential_loyalists" ... (NULL for another number). */
CRM_API const char* crm_rfm_segment_name(int segment);

/* A customer's lifetime value in `currency` (minor units): whether the prediction is an estimate
 * (0 with fewer than 2 purchases, or no customers a year back to measure churn on), historic,
 * average order, purchases per year, the store's yearly churn rate (no purchase within
 * inactive_days), expected years and the predicted value (crm/analytics.hpp gives the formula).
 * `at` 0: now. Any output may be NULL. */
CRM_API int crm_lifetime_value(crm_txn* txn, uint64_t customer, const char* currency, size_t currency_len, int64_t at,
                               int64_t inactive_days, int* estimated, int64_t* historic, int64_t* average_order,
                               double* purchases_per_year, double* yearly_churn_rate, double* expected_years,
                               int64_t* predicted);

/* Churn risk (a naive-Bayes model learned from churned and stayed customers; crm/analytics.hpp
 * gives the formula). crm_churn_risk_get: CRM_ENOTFOUND when the customer does not exist. */
typedef struct crm_churn_risk crm_churn_risk;
CRM_API int crm_churn_risk_get(crm_churn_risk** out, crm_txn* txn, uint64_t customer);
CRM_API void crm_churn_risk_free(crm_churn_risk* r);
/* *model 0: too few customers counted (risk 0). Any output may be NULL. */
CRM_API int crm_churn_risk_read(const crm_churn_risk* r, int* model, double* risk, uint64_t* churned, uint64_t* stayed,
                                double* prior);
/* One sentence: what the risk rests on; borrowed until crm_churn_risk_free. */
CRM_API const char* crm_churn_risk_explanation(const crm_churn_risk* r, size_t* len);
/* The factors, strongest first: the field, the customer's value, the customers counted with it
 * (churned, stayed) and the weight (above 0 raises the risk). Texts borrowed until
 * crm_churn_risk_free; any output may be NULL; CRM_ENOTFOUND past the last. */
CRM_API size_t crm_churn_risk_factor_count(const crm_churn_risk* r);
CRM_API int crm_churn_risk_factor(const crm_churn_risk* r, size_t i, const char** field, size_t* field_len,
                                  const char** value, size_t* value_len, uint64_t* churned, uint64_t* stayed,
                                  double* weight);
/* What the model reads: fields as group_by takes them, separated by commas outside parentheses
 * ("custom.contract, band(custom.tenure, 12)"; empty: none), and the customers it needs
 * (1 to 1000000). Setting counts every customer again, in `txn` (a write transaction);
 * CRM_EINVALID names a field the model cannot read. The fields read back are to crm_free. */
CRM_API int crm_churn_risk_set_options(crm_txn* txn, const char* fields, size_t fields_len, uint32_t minimum_customers);
CRM_API int crm_churn_risk_get_options(crm_txn* txn, char** fields, size_t* fields_len, uint32_t* minimum_customers);

#ifdef __cplusplus
}
#endif
#endif /* CRM_ANALYTICS_H */
