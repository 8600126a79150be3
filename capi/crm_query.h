/*
 * crm_query.h - searches, counts, plans and grouped aggregates of the libcrm C ABI (since 0.5).
 * Included by crm.h; the conventions of crm.h apply.
 *
 * A filter is text in the grammar of the C++ header crm/query.hpp, e.g.
 *   stage = 'customer' and country = 'DE' and tag in ('vip', 'partner')
 *   status = 'won' and closed_at >= '2024-01-01' and amount >= 1000 EUR
 * Errors name the position ("filter: at 14: expected a value after '='") or the field
 * ("filter: field 'contry': not a field of customers (known: ...)"). The fields of customers and
 * opportunities are listed in the README ("Queries").
 */
#ifndef CRM_QUERY_H
#define CRM_QUERY_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_search {
  unsigned int version;
  const char* filter;      /* NULL or empty: every record */
  size_t filter_len;
  const char* order_by;    /* a field; NULL or empty: "id". Ties go by id. */
  size_t order_by_len;
  int descending;
  int include_archived;    /* customers: archived ones too */
  size_t page_size;        /* records read per page, 1 to 1000; 0: 100 */
  const char* page_token;  /* continue a search (crm_iter_page_token); NULL: from the start */
  size_t page_token_len;
} crm_search;

#define CRM_SEARCH_VERSION 1
#define CRM_SEARCH_INIT {CRM_SEARCH_VERSION, NULL, 0, NULL, 0, 0, 0, 0, NULL, 0}
CRM_API int crm_search_init(crm_search* s, unsigned int version);

/* The records the filter matches, sorted, read lazily a page at a time (crm_iter_customer /
 * crm_iter_opportunity / crm_iter_interaction). Keyset pages: stable while others write. */
CRM_API int crm_customer_search(crm_iter** out, crm_txn* txn, const crm_search* s);
CRM_API int crm_opportunity_search(crm_iter** out, crm_txn* txn, const crm_search* s);
CRM_API int crm_interaction_search(crm_iter** out, crm_txn* txn, const crm_search* s);
/* How many records of `entity` (CRM_ENTITY_CUSTOMER, _OPPORTUNITY or _INTERACTION) match. */
CRM_API int crm_search_count(uint64_t* out, crm_txn* txn, int entity, const crm_search* s);
/* The plan of a search in words, to crm_free (*len its length when len is not NULL);
 * *full_scan (when not NULL) is 1 when every record is read, 0 when indexes narrow the search. */
CRM_API int crm_search_explain(char** out, size_t* len, int* full_scan, crm_txn* txn, int entity,
                               const crm_search* s);

typedef struct crm_aggregation {
  unsigned int version;
  const char* filter;     /* NULL or empty: every record */
  size_t filter_len;
  const char* group_by;   /* none, one or two: "owner, month(closed_at)"; buckets: day, week
                             (ISO, from Monday), month, quarter, year */
  size_t group_by_len;
  const char* measures;   /* "count, sum(amount), avg(amount), min(x), max(x), count_distinct(x)";
                             NULL or empty: count */
  size_t measures_len;
  const char* time_zone;  /* an IANA name ("Europe/Berlin") where buckets begin; NULL: UTC */
  size_t time_zone_len;
  int include_archived;
} crm_aggregation;

#define CRM_AGGREGATION_VERSION 1
#define CRM_AGGREGATION_INIT {CRM_AGGREGATION_VERSION, NULL, 0, NULL, 0, NULL, 0, NULL, 0, 0}
CRM_API int crm_aggregation_init(crm_aggregation* a, unsigned int version);

/* The result of an aggregate: rows of group keys, a currency and figures. Money figures are in
 * minor units of the row's currency; a row never adds two currencies. */
typedef struct crm_aggregate crm_aggregate;
CRM_API int crm_aggregate_run(crm_aggregate** out, crm_txn* txn, int entity, const crm_aggregation* a);
CRM_API void crm_aggregate_free(crm_aggregate* r);
CRM_API size_t crm_aggregate_rows(const crm_aggregate* r);
CRM_API size_t crm_aggregate_key_count(const crm_aggregate* r);     /* the group_by fields */
CRM_API size_t crm_aggregate_measure_count(const crm_aggregate* r);
/* Key k of a row as text (a stage's name, "2024-03", "2024-Q1", "2024-W09", an owner ...),
 * borrowed until crm_aggregate_free; NULL for the group of records without a value, or when
 * row or k is out of range. */
CRM_API const char* crm_aggregate_key(const crm_aggregate* r, size_t row, size_t k, size_t* len);
/* Key k as a number: an id, integer, stage id, time (a bucket's start) or boolean (0/1); money in
 * minor units. CRM_ENOTFOUND for the group without a value; CRM_EINVALID for a text key. */
CRM_API int crm_aggregate_key_int(int64_t* out, const crm_aggregate* r, size_t row, size_t k);
/* The row's currency ("" when no measure is of money). */
CRM_API const char* crm_aggregate_currency(const crm_aggregate* r, size_t row, size_t* len);
/* Measure m of a row: *value the count, sum, min, max or distinct count (avg: the sum), *count
 * the values it covers, *average the mean; any output may be NULL. */
CRM_API int crm_aggregate_value(int64_t* value, uint64_t* count, double* average, const crm_aggregate* r, size_t row,
                                size_t m);

/* Declared indexes (since 0.5): a secondary index on a chosen field of customers or
 * opportunities, a custom field ("custom.score") or a built-in one without an index of its own
 * ("address.city", "industry", "employees", "annual_revenue", "title", "amount" ...). Searches,
 * counts and aggregates then find values, sets of values, ranges and text prefixes of the field
 * through it (crm_search_explain marks it "[declared]").
 * crm_index_declare builds it in `txn` (a write transaction); every later write keeps it. 0 when
 * the field has one already; CRM_EINVALID for an unknown field or one with an index of its own;
 * CRM_EFULL past 32 per kind. crm_index_drop removes it: CRM_ENOTFOUND when there is none. */
CRM_API int crm_index_declare(crm_txn* txn, int entity, const char* field, size_t field_len);
CRM_API int crm_index_drop(crm_txn* txn, int entity, const char* field, size_t field_len);

/* The declared indexes: customers' first, each kind's by field name. */
typedef struct crm_index_list crm_index_list;
CRM_API int crm_index_list_get(crm_index_list** out, crm_txn* txn);
CRM_API void crm_index_list_free(crm_index_list* l);
CRM_API size_t crm_index_list_size(const crm_index_list* l);
/* Index i: its kind (CRM_ENTITY_*), canonical field name (borrowed until crm_index_list_free) and
 * entry count (one per value of a record); any output may be NULL. CRM_EINVALID when i is out
 * of range. */
CRM_API int crm_index_list_at(const crm_index_list* l, size_t i, int* entity, const char** field, size_t* field_len,
                              uint64_t* entries);

#ifdef __cplusplus
}
#endif

#endif /* CRM_QUERY_H */
