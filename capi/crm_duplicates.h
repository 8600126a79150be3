/*
 * crm_duplicates.h - data quality of the libcrm C ABI (since 0.17): likely duplicates of a
 * customer with a score and reasons, the duplicate rule applied on write, the duplicate pairs
 * kept for review and the store-wide scan. Included by crm.h; the conventions of crm.h apply.
 * What the reasons weigh and how names are compared is told in include/crm/duplicates.hpp.
 */
#ifndef CRM_DUPLICATES_H
#define CRM_DUPLICATES_H

#include "crm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reasons: a signal two customers share. */
#define CRM_MATCH_EMAIL 1
#define CRM_MATCH_PHONE 2
#define CRM_MATCH_DOMAIN 3
#define CRM_MATCH_EXTERNAL_ID 4
#define CRM_MATCH_NAME 5
#define CRM_MATCH_BIT(reason) (1u << (reason))
#define CRM_MATCH_EVERY 0x3Eu
/* "email", "phone", "domain", "external_id", "name"; NULL for another number. */
CRM_API const char* crm_match_reason_name(int reason);

typedef struct crm_match_options {
  unsigned int version;
  double threshold;       /* candidates scoring at least this, above 0 and at most 1 */
  size_t limit;           /* at most this many, the best first: 1 to 1000 */
  int include_archived;
  int include_dismissed;  /* pairs dismissed for review too */
  uint32_t reasons;       /* the signals that count: CRM_MATCH_BIT of each, or CRM_MATCH_EVERY */
  const char* id_fields;  /* custom fields holding other systems' ids, comma-separated
                             ("custom.sf_id, custom.erp_id"), each with a declared index */
  size_t id_fields_len;
} crm_match_options;
#define CRM_MATCH_OPTIONS_VERSION 1
#define CRM_MATCH_OPTIONS_INIT {CRM_MATCH_OPTIONS_VERSION, 0.8, 10, 0, 0, CRM_MATCH_EVERY, NULL, 0}
CRM_API int crm_match_options_init(crm_match_options* o, unsigned int version);

/* A list of candidates, each a likely duplicate of the customer it is about. `o` NULL: the
 * defaults. crm_duplicates_find: CRM_ENOTFOUND when the customer does not exist; CRM_EINVALID
 * names a bad option. crm_duplicates_find_draft: a customer not stored (validated as a create
 * would; about 0, or the draft's id, which is left out). crm_duplicates_alerts: the alerts of the
 * duplicate rule raised by the writes of `txn` (a write transaction) so far. */
typedef struct crm_duplicates crm_duplicates;
CRM_API int crm_duplicates_find(crm_duplicates** out, crm_txn* txn, uint64_t customer, const crm_match_options* o);
CRM_API int crm_duplicates_find_draft(crm_duplicates** out, crm_txn* txn, const crm_customer* draft,
                                      const crm_match_options* o);
CRM_API int crm_duplicates_alerts(crm_duplicates** out, crm_txn* txn);
CRM_API void crm_duplicates_free(crm_duplicates* d);
CRM_API size_t crm_duplicates_count(const crm_duplicates* d);
/* Candidate i: the customer it is about, its id, its score and how many reasons. Any output may
 * be NULL; CRM_ENOTFOUND past the last. */
CRM_API int crm_duplicates_candidate(const crm_duplicates* d, size_t i, uint64_t* about, uint64_t* id, double* score,
                                     size_t* reasons);
/* Reason j of candidate i, strongest first: CRM_MATCH_*, its weight and the detail (the value in
 * common, or how alike the names are and what corroborates them), borrowed until
 * crm_duplicates_free. */
CRM_API int crm_duplicates_reason(const crm_duplicates* d, size_t i, size_t j, int* reason, double* weight,
                                  const char** detail, size_t* len);

/* The duplicate rule, applied to creates (and with on_update to updates, with on_import to the
 * rows of import jobs): CRM_DUPLICATE_ALERT writes and keeps the pairs for review;
 * CRM_DUPLICATE_BLOCK fails the write with CRM_EDUPLICATE, the message naming the candidates. */
#define CRM_DUPLICATE_ALLOW 0
#define CRM_DUPLICATE_ALERT 1
#define CRM_DUPLICATE_BLOCK 2
CRM_API int crm_duplicate_rule_set(crm_txn* txn, int action, const crm_match_options* o, int on_update, int on_import);
/* Fills `o` (its id_fields left NULL) and the outputs (any may be NULL); the id fields, comma-
 * separated, into *id_fields to crm_free (when id_fields is not NULL). */
CRM_API int crm_duplicate_rule_get(crm_txn* txn, int* action, crm_match_options* o, int* on_update, int* on_import,
                                   char** id_fields, size_t* id_fields_len);

/* A pair kept for review (found by a scan or an alert). CRM_ENOTFOUND when not kept. Any output
 * may be NULL. Dismissing keeps the pair dismissed (it is not proposed again); forgetting drops it. */
CRM_API int crm_duplicate_pair_get(crm_txn* txn, uint64_t a, uint64_t b, double* score, uint32_t* reasons, int* dismissed,
                                   int64_t* found_at);
CRM_API int crm_duplicate_pair_dismiss(crm_txn* txn, uint64_t a, uint64_t b);
CRM_API int crm_duplicate_pair_forget(crm_txn* txn, uint64_t a, uint64_t b);

/* Duplicate sets: customers linked by kept pairs, by their smallest id, `limit` (1 to 1000) a
 * page; `page_token` is the previous page's (bytes; NULL or empty for the first). */
typedef struct crm_duplicate_sets crm_duplicate_sets;
CRM_API int crm_duplicate_sets_list(crm_duplicate_sets** out, crm_txn* txn, size_t limit, const char* page_token,
                                    size_t page_token_len, int include_dismissed);
CRM_API void crm_duplicate_sets_free(crm_duplicate_sets* s);
CRM_API size_t crm_duplicate_sets_count(const crm_duplicate_sets* s);
/* Set i's customers, ascending, borrowed until crm_duplicate_sets_free. */
CRM_API int crm_duplicate_sets_customers(const crm_duplicate_sets* s, size_t i, const uint64_t** ids, size_t* count);
CRM_API size_t crm_duplicate_sets_pair_count(const crm_duplicate_sets* s, size_t i);
CRM_API int crm_duplicate_sets_pair(const crm_duplicate_sets* s, size_t i, size_t j, uint64_t* a, uint64_t* b,
                                    double* score, uint32_t* reasons, int* dismissed, int64_t* found_at);
/* The token of the next page (empty on the last), borrowed until crm_duplicate_sets_free. */
CRM_API const char* crm_duplicate_sets_next_page(const crm_duplicate_sets* s, size_t* len);

/* The store-wide scan: batches of `batch` customers (1 to 100000; 0: 2000), each in a write
 * transaction of its own, until every customer is compared or `progress` returns 0; a later call
 * resumes (unless `restart`). `o`: the match options (limit: the candidates kept per customer).
 * The outputs (any may be NULL) tell where it stands. */
typedef int (*crm_duplicate_scan_fn)(uint64_t examined, uint64_t total, uint64_t pairs, void* arg);
CRM_API int crm_db_scan_duplicates(crm_db* db, const crm_match_options* o, size_t batch, int restart,
                                   crm_duplicate_scan_fn progress, void* arg, uint64_t* examined, uint64_t* total,
                                   uint64_t* pairs, int* finished);
CRM_API int crm_duplicate_scan_get(crm_txn* txn, uint64_t* examined, uint64_t* total, uint64_t* pairs, int* finished);

/* Merging (since 0.18): the losers (1 to 32 customers of the survivor's kind) folded into the
 * survivor in the transaction, and undone exactly by crm_customers_unmerge while nothing the
 * merge wrote has changed since (else CRM_ECONFLICT naming what changed). The rules for the
 * merged record are told in include/crm/duplicates.hpp; `choices` overrides them field by field:
 * "field=customer" items, comma-separated ("address=12, custom.tier=12, emails=7"), the fields
 * named as crm_customer_patch names them. crm_customer_get of a loser's id returns the survivor;
 * crm_customer_merged_into tells where an id went (CRM_ENOTFOUND when it was not merged). */
typedef struct crm_merges crm_merges;
CRM_API int crm_customers_merge(crm_merges** out, crm_txn* txn, uint64_t survivor, const uint64_t* losers,
                                size_t count, const char* choices, size_t choices_len);
CRM_API int crm_customers_unmerge(crm_merges** out, crm_txn* txn, uint64_t merge);
CRM_API int crm_customer_merged_into(crm_txn* txn, uint64_t id, uint64_t* survivor);
/* One merge (CRM_ENOTFOUND when there is none, or it was unmerged), or the merges into a
 * customer whose journals are kept (final ones too), newest first. */
CRM_API int crm_merge_get(crm_merges** out, crm_txn* txn, uint64_t merge);
CRM_API int crm_merges_list(crm_merges** out, crm_txn* txn, uint64_t survivor);
CRM_API void crm_merges_free(crm_merges* m);
CRM_API size_t crm_merges_count(const crm_merges* m);
/* Merge i: its id, survivor, time and losers (borrowed until crm_merges_free). Any output may be
 * NULL; CRM_ENOTFOUND past the last. */
CRM_API int crm_merges_item(const crm_merges* m, size_t i, uint64_t* id, uint64_t* survivor, int64_t* merged_at,
                            const uint64_t** losers, size_t* loser_count);
/* What merge i moved to the survivor, the first `n` of: interactions, opportunities, contact
 * roles, members, subsidiaries, consent records, and the kept pairs it dropped. */
#define CRM_MERGE_MOVED_COUNT 7
CRM_API int crm_merges_moved(const crm_merges* m, size_t i, uint64_t* counts, size_t n);
/* Who merged (the transaction's actor), borrowed until crm_merges_free. */
CRM_API const char* crm_merges_actor(const crm_merges* m, size_t i, size_t* len);

/* Final merges (since 0.22): a merge made final keeps its record and the redirects of its
 * losers' ids, and its journal drops its copies of the records the merge changed; it cannot be
 * unmerged any more (CRM_ECONFLICT). crm_merge_finalize makes one merge final (`out`, which may be
 * NULL, gets its record; CRM_ENOTFOUND for no such merge); crm_merges_finalize the merges made
 * before `merged_before` (microseconds since the epoch) that are not final yet, oldest first, at
 * most `limit` (1 to 100000) in the transaction, setting `count` (fewer than `limit`: none is left).
 * crm_merges_final_at: when merge i was made final, 0 when it was not. */
CRM_API int crm_merge_finalize(crm_merges** out, crm_txn* txn, uint64_t merge);
CRM_API int crm_merges_finalize(crm_txn* txn, int64_t merged_before, size_t limit, uint64_t* count);
CRM_API int crm_merges_final_at(const crm_merges* m, size_t i, int64_t* final_at);

#ifdef __cplusplus
}
#endif
#endif /* CRM_DUPLICATES_H */
