"""The C declarations of libcrm's ABI (capi/crm.h and the crm_*.h it includes) that cffi binds:
the headers without their comments and macros. tests/test_abi.py checks that they stay in step
with the headers, and that every function of theirs is declared here and used by the package.

This module has no side effects: the build of the compiled (API-mode) module imports it too.
"""

CDEF = """
const char* crm_errmsg(void);
const char* crm_strerror(int code);
void crm_free(void* p);
const char* crm_version(int* major, int* minor, int* patch);
int crm_currency_digits(const char* code, size_t len);
typedef struct crm_db crm_db;
typedef struct crm_txn crm_txn;
typedef struct crm_iter crm_iter;
typedef struct crm_customer crm_customer;
typedef struct crm_interaction crm_interaction;
typedef struct crm_pipeline crm_pipeline;
typedef struct crm_opportunity crm_opportunity;
typedef struct crm_change crm_change;
typedef struct crm_options {
  unsigned int version;
  int create_if_missing;
  int read_only;
  int no_sync;
  size_t initial_map_size;
  size_t max_map_size;
  const char* default_actor;
  const char* phone_region;
  int durability;
  const void* encryption_key;
  size_t encryption_key_len;
  const char* encryption_passphrase;
} crm_options;
int crm_options_init(crm_options* opts, unsigned int version);
int crm_db_open(crm_db** out, const char* path, const crm_options* opts);
void crm_db_close(crm_db* db);
int crm_txn_begin_read(crm_txn** out, crm_db* db);
int crm_txn_begin_write(crm_txn** out, crm_db* db, const char* actor, size_t actor_len);
int crm_txn_begin_import(crm_txn** out, crm_db* db, const char* actor, size_t actor_len);
int crm_txn_commit(crm_txn* txn);
void crm_txn_free(crm_txn* txn);
typedef int (*crm_write_fn)(crm_txn* txn, void* arg);
int crm_db_write(crm_db* db, const char* actor, size_t actor_len, crm_write_fn fn, void* arg);
int crm_iter_next(crm_iter* it);
const crm_customer* crm_iter_customer(const crm_iter* it);
const crm_interaction* crm_iter_interaction(const crm_iter* it);
const crm_pipeline* crm_iter_pipeline(const crm_iter* it);
const crm_opportunity* crm_iter_opportunity(const crm_iter* it);
const crm_change* crm_iter_change(const crm_iter* it);
const char* crm_iter_page_token(const crm_iter* it, size_t* len);
int crm_iter_take_customer(crm_customer** out, crm_iter* it);
int crm_iter_take_interaction(crm_interaction** out, crm_iter* it);
int crm_iter_take_pipeline(crm_pipeline** out, crm_iter* it);
int crm_iter_take_opportunity(crm_opportunity** out, crm_iter* it);
int crm_iter_take_change(crm_change** out, crm_iter* it);
int crm_iter_take_customers(crm_customer** out, size_t max, size_t* n, crm_iter* it);
int crm_iter_take_interactions(crm_interaction** out, size_t max, size_t* n, crm_iter* it);
int crm_iter_take_pipelines(crm_pipeline** out, size_t max, size_t* n, crm_iter* it);
int crm_iter_take_opportunities(crm_opportunity** out, size_t max, size_t* n, crm_iter* it);
int crm_iter_take_changes(crm_change** out, size_t max, size_t* n, crm_iter* it);
void crm_iter_free(crm_iter* it);
int crm_customer_new(crm_customer** out);
int crm_customer_clone(crm_customer** out, const crm_customer* c);
void crm_customer_free(crm_customer* c);
const char* crm_customer_text(const crm_customer* c, int field, size_t* len);
int crm_customer_set_text(crm_customer* c, int field, const char* s, size_t len);
int crm_customer_get_int(int64_t* out, const crm_customer* c, int field);
int64_t crm_customer_int(const crm_customer* c, int field);
int crm_customer_set_int(crm_customer* c, int field, int64_t value);
size_t crm_customer_email_count(const crm_customer* c);
int crm_customer_email(const crm_customer* c, size_t i, const char** address, size_t* address_len,
                               const char** label, size_t* label_len, int* primary);
int crm_customer_add_email(crm_customer* c, const char* address, size_t address_len, const char* label,
                                   size_t label_len, int primary);
size_t crm_customer_phone_count(const crm_customer* c);
int crm_customer_phone(const crm_customer* c, size_t i, const char** number, size_t* number_len,
                               const char** label, size_t* label_len, int* primary);
int crm_customer_phone_parsed(const crm_customer* c, size_t i, const char** e164, size_t* e164_len, int* type,
                              int* valid);
int crm_customer_add_phone(crm_customer* c, const char* number, size_t number_len, const char* label,
                                   size_t label_len, int primary);
size_t crm_customer_tag_count(const crm_customer* c);
const char* crm_customer_tag(const crm_customer* c, size_t i, size_t* len);
size_t crm_customer_domain_count(const crm_customer* c);
const char* crm_customer_domain(const crm_customer* c, size_t i, size_t* len);
int crm_customer_add_domain(crm_customer* c, const char* domain, size_t len);
int crm_customer_add_tag(crm_customer* c, const char* tag, size_t len);
size_t crm_customer_membership_count(const crm_customer* c);
int crm_customer_membership(const crm_customer* c, size_t i, uint64_t* organization, const char** role,
                                    size_t* role_len);
int crm_customer_add_membership(crm_customer* c, uint64_t organization, const char* role, size_t role_len);
int crm_customer_clear(crm_customer* c, int list);
size_t crm_customer_custom_count(const crm_customer* c);
int crm_customer_custom_field(const crm_customer* c, size_t i, const char** name, size_t* name_len,
                                      int* type);
int crm_customer_custom_value(const crm_customer* c, size_t i, int64_t* number, const char** text,
                                      size_t* text_len);
int crm_customer_set_custom(crm_customer* c, const char* name, size_t name_len, int type, int64_t number,
                                    const char* text, size_t text_len);
int crm_customer_remove_custom(crm_customer* c, const char* name, size_t name_len);
int crm_customer_create(crm_txn* txn, crm_customer* c);
int crm_customer_update(crm_txn* txn, crm_customer* c);
int crm_customer_upsert(crm_txn* txn, crm_customer* c);
int crm_customer_patch(crm_txn* txn, crm_customer* c, const char* fields, size_t len);
int crm_customer_archive(crm_customer** out, crm_txn* txn, uint64_t id);
int crm_customer_restore(crm_customer** out, crm_txn* txn, uint64_t id);
int crm_customer_delete(crm_txn* txn, uint64_t id, int cascade);
int crm_customer_get(crm_customer** out, crm_txn* txn, uint64_t id);
int crm_customer_find_by_email(crm_customer** out, crm_txn* txn, const char* email, size_t len);
int crm_customer_find_by_external_id(crm_customer** out, crm_txn* txn, const char* id, size_t len);
int crm_customer_find_by_phone(crm_iter** out, crm_txn* txn, const char* phone, size_t len);
int crm_customer_find_by_domain(crm_iter** out, crm_txn* txn, const char* domain, size_t len);
typedef struct crm_customer_query {
  unsigned int version;
  int by;
  const char* text;
  size_t text_len;
  int stage;
  uint64_t organization;
  int64_t since;
  int include_archived;
  size_t page_size;
  const char* page_token;
  size_t page_token_len;
} crm_customer_query;
int crm_customer_query_init(crm_customer_query* q, unsigned int version);
int crm_customer_list(crm_iter** out, crm_txn* txn, const crm_customer_query* q);
int crm_customer_count(uint64_t* out, crm_txn* txn, const crm_customer_query* q);
int crm_interaction_new(crm_interaction** out);
int crm_interaction_clone(crm_interaction** out, const crm_interaction* i);
void crm_interaction_free(crm_interaction* i);
const char* crm_interaction_text(const crm_interaction* i, int field, size_t* len);
int crm_interaction_set_text(crm_interaction* i, int field, const char* s, size_t len);
int crm_interaction_get_int(int64_t* out, const crm_interaction* i, int field);
int64_t crm_interaction_int(const crm_interaction* i, int field);
int crm_interaction_set_int(crm_interaction* i, int field, int64_t value);
int crm_interaction_log(crm_txn* txn, crm_interaction* i);
int crm_interaction_update(crm_txn* txn, crm_interaction* i);
int crm_interaction_delete(crm_txn* txn, uint64_t id);
int crm_interaction_get(crm_interaction** out, crm_txn* txn, uint64_t id);
typedef struct crm_timeline_query {
  unsigned int version;
  uint64_t customer;
  int oldest_first;
  int64_t from;
  int64_t to;
  unsigned int kinds;
  size_t page_size;
  const char* page_token;
  size_t page_token_len;
} crm_timeline_query;
int crm_timeline_query_init(crm_timeline_query* q, unsigned int version);
int crm_timeline(crm_iter** out, crm_txn* txn, const crm_timeline_query* q);
int crm_pipeline_new(crm_pipeline** out);
int crm_pipeline_clone(crm_pipeline** out, const crm_pipeline* p);
void crm_pipeline_free(crm_pipeline* p);
uint64_t crm_pipeline_id(const crm_pipeline* p);
uint64_t crm_pipeline_revision(const crm_pipeline* p);
const char* crm_pipeline_name(const crm_pipeline* p, size_t* len);
int crm_pipeline_set_name(crm_pipeline* p, const char* name, size_t len);
size_t crm_pipeline_stage_count(const crm_pipeline* p);
int crm_pipeline_stage(const crm_pipeline* p, size_t i, uint32_t* id, const char** name, size_t* name_len,
                               int* probability, int* outcome);
int crm_pipeline_add_stage(crm_pipeline* p, uint32_t id, const char* name, size_t name_len, int probability,
                                   int outcome);
int crm_pipeline_clear_stages(crm_pipeline* p);
uint32_t crm_pipeline_stage_id(const crm_pipeline* p, const char* name, size_t len);
int crm_pipeline_create(crm_txn* txn, crm_pipeline* p);
int crm_pipeline_update(crm_txn* txn, crm_pipeline* p);
int crm_pipeline_delete(crm_txn* txn, uint64_t id);
int crm_pipeline_get(crm_pipeline** out, crm_txn* txn, uint64_t id);
int crm_pipeline_list(crm_iter** out, crm_txn* txn);
int crm_opportunity_new(crm_opportunity** out);
int crm_opportunity_clone(crm_opportunity** out, const crm_opportunity* o);
void crm_opportunity_free(crm_opportunity* o);
const char* crm_opportunity_text(const crm_opportunity* o, int field, size_t* len);
int crm_opportunity_set_text(crm_opportunity* o, int field, const char* s, size_t len);
int crm_opportunity_get_int(int64_t* out, const crm_opportunity* o, int field);
int64_t crm_opportunity_int(const crm_opportunity* o, int field);
int crm_opportunity_set_int(crm_opportunity* o, int field, int64_t value);
size_t crm_opportunity_contact_count(const crm_opportunity* o);
int crm_opportunity_contact(const crm_opportunity* o, size_t i, uint64_t* person, const char** role,
                                    size_t* role_len);
int crm_opportunity_add_contact(crm_opportunity* o, uint64_t person, const char* role, size_t role_len);
int crm_opportunity_clear_contacts(crm_opportunity* o);
size_t crm_opportunity_history_count(const crm_opportunity* o);
int crm_opportunity_history(const crm_opportunity* o, size_t i, uint32_t* from, uint32_t* to, int64_t* at,
                                    const char** actor, size_t* actor_len, int64_t* amount, int* probability);
int crm_opportunity_add_history(crm_opportunity* o, uint32_t from, uint32_t to, int64_t at, const char* actor,
                                size_t actor_len, int64_t amount, int probability);
int crm_opportunity_clear_history(crm_opportunity* o);
size_t crm_opportunity_custom_count(const crm_opportunity* o);
int crm_opportunity_custom_field(const crm_opportunity* o, size_t i, const char** name, size_t* name_len, int* type);
int crm_opportunity_custom_value(const crm_opportunity* o, size_t i, int64_t* number, const char** text,
                                 size_t* text_len);
int crm_opportunity_set_custom(crm_opportunity* o, const char* name, size_t name_len, int type, int64_t number,
                               const char* text, size_t text_len);
int crm_opportunity_remove_custom(crm_opportunity* o, const char* name, size_t name_len);
int crm_opportunity_upsert(crm_txn* txn, crm_opportunity* o);
int crm_opportunity_patch(crm_txn* txn, crm_opportunity* o, const char* fields, size_t len);
int crm_opportunity_find_by_external_id(crm_opportunity** out, crm_txn* txn, const char* id, size_t len);
size_t crm_interaction_custom_count(const crm_interaction* i);
int crm_interaction_custom_field(const crm_interaction* i, size_t n, const char** name, size_t* name_len, int* type);
int crm_interaction_custom_value(const crm_interaction* i, size_t n, int64_t* number, const char** text,
                                 size_t* text_len);
int crm_interaction_set_custom(crm_interaction* i, const char* name, size_t name_len, int type, int64_t number,
                               const char* text, size_t text_len);
int crm_interaction_remove_custom(crm_interaction* i, const char* name, size_t name_len);
int crm_interaction_upsert(crm_txn* txn, crm_interaction* i);
int crm_interaction_find_by_external_id(crm_interaction** out, crm_txn* txn, const char* id, size_t len);
int crm_interaction_patch(crm_txn* txn, crm_interaction* i, const char* fields, size_t len);
int crm_opportunity_create(crm_txn* txn, crm_opportunity* o);
int crm_opportunity_update(crm_txn* txn, crm_opportunity* o);
int crm_opportunity_move(crm_opportunity** out, crm_txn* txn, uint64_t id, uint32_t stage);
int crm_opportunity_close_won(crm_opportunity** out, crm_txn* txn, uint64_t id);
int crm_opportunity_close_lost(crm_opportunity** out, crm_txn* txn, uint64_t id, const char* reason,
                                       size_t reason_len);
int crm_opportunity_delete(crm_txn* txn, uint64_t id);
int crm_opportunity_get(crm_opportunity** out, crm_txn* txn, uint64_t id);
typedef struct crm_opportunity_query {
  unsigned int version;
  int by;
  uint64_t customer;
  uint64_t pipeline;
  uint32_t stage;
  const char* owner;
  size_t owner_len;
  int64_t close_from;
  int64_t close_to;
  int open_only;
  size_t page_size;
  const char* page_token;
  size_t page_token_len;
} crm_opportunity_query;
int crm_opportunity_query_init(crm_opportunity_query* q, unsigned int version);
int crm_opportunity_list(crm_iter** out, crm_txn* txn, const crm_opportunity_query* q);
int crm_opportunity_count(uint64_t* out, crm_txn* txn, const crm_opportunity_query* q);
int crm_change_clone(crm_change** out, const crm_change* c);
void crm_change_free(crm_change* c);
uint64_t crm_change_seq(const crm_change* c);
int64_t crm_change_at(const crm_change* c);
const char* crm_change_actor(const crm_change* c, size_t* len);
int crm_change_entity(const crm_change* c);
uint64_t crm_change_entity_id(const crm_change* c);
int crm_change_op(const crm_change* c);
int crm_change_imported(const crm_change* c);
int crm_change_redacted(const crm_change* c);
int crm_change_trimmed(const crm_change* c);
size_t crm_change_field_count(const crm_change* c);
int crm_change_field(const crm_change* c, size_t i, const char** name, size_t* name_len, const char** before,
                             size_t* before_len, const char** after, size_t* after_len);
int crm_changes(crm_iter** out, crm_txn* txn, uint64_t from_seq);
int crm_last_change_seq(uint64_t* out, crm_txn* txn);
int crm_first_change_seq(uint64_t* out, crm_txn* txn);
typedef struct crm_retention_rule {
  unsigned int version;
  int entity;
  uint32_t keep_days;
  uint32_t keep_entries;
} crm_retention_rule;
int crm_db_apply_retention(crm_db* db, const crm_retention_rule* rules, size_t n, size_t batch,
                           uint64_t* trimmed, uint64_t* removed);
int crm_field_history(crm_iter** out, crm_txn* txn, int entity, uint64_t id, const char* field,
                      size_t field_len);
typedef struct crm_verify_report {
  unsigned int version;
  uint64_t records, index_entries, changes, problem_count;
} crm_verify_report;
typedef struct crm_stats {
  unsigned int version;
  uint64_t customers, archived_customers, interactions, pipelines, opportunities, changes;
  uint64_t file_bytes, map_bytes, page_bytes, pages_used, pages_free, size_limit_bytes, reserve_bytes;
  uint64_t readers, stale_readers, last_txn, oldest_reader_lag;
} crm_stats;
int crm_txn_verify(crm_verify_report* out, char** problems, crm_txn* txn);
int crm_txn_stats(crm_stats* out, crm_txn* txn);
int crm_db_backup(crm_db* db, const char* path, unsigned int flags);
int crm_db_flush(crm_db* db);
int crm_db_rekey(crm_db* db, const void* key, size_t key_len, const char* passphrase);
typedef struct crm_search {
  unsigned int version;
  const char* filter;
  size_t filter_len;
  const char* order_by;
  size_t order_by_len;
  int descending;
  int include_archived;
  size_t page_size;
  const char* page_token;
  size_t page_token_len;
} crm_search;
int crm_search_init(crm_search* s, unsigned int version);
int crm_customer_search(crm_iter** out, crm_txn* txn, const crm_search* s);
int crm_opportunity_search(crm_iter** out, crm_txn* txn, const crm_search* s);
int crm_interaction_search(crm_iter** out, crm_txn* txn, const crm_search* s);
int crm_search_count(uint64_t* out, crm_txn* txn, int entity, const crm_search* s);
int crm_search_explain(char** out, size_t* len, int* full_scan, crm_txn* txn, int entity, const crm_search* s);
typedef struct crm_aggregation {
  unsigned int version;
  const char* filter;
  size_t filter_len;
  const char* group_by;
  size_t group_by_len;
  const char* measures;
  size_t measures_len;
  const char* time_zone;
  size_t time_zone_len;
  int include_archived;
} crm_aggregation;
int crm_aggregation_init(crm_aggregation* a, unsigned int version);
typedef struct crm_aggregate crm_aggregate;
int crm_aggregate_run(crm_aggregate** out, crm_txn* txn, int entity, const crm_aggregation* a);
int crm_index_declare(crm_txn* txn, int entity, const char* field, size_t field_len);
int crm_index_drop(crm_txn* txn, int entity, const char* field, size_t field_len);
typedef struct crm_index_list crm_index_list;
int crm_index_list_get(crm_index_list** out, crm_txn* txn);
void crm_index_list_free(crm_index_list* l);
size_t crm_index_list_size(const crm_index_list* l);
int crm_index_list_at(const crm_index_list* l, size_t i, int* entity, const char** field, size_t* field_len,
                      uint64_t* entries);
void crm_aggregate_free(crm_aggregate* r);
size_t crm_aggregate_rows(const crm_aggregate* r);
size_t crm_aggregate_key_count(const crm_aggregate* r);
size_t crm_aggregate_measure_count(const crm_aggregate* r);
const char* crm_aggregate_key(const crm_aggregate* r, size_t row, size_t k, size_t* len);
int crm_aggregate_key_int(int64_t* out, const crm_aggregate* r, size_t row, size_t k);
const char* crm_aggregate_currency(const crm_aggregate* r, size_t row, size_t* len);
int crm_aggregate_value(int64_t* value, uint64_t* count, double* average, const crm_aggregate* r, size_t row,
                        size_t m);
typedef struct crm_user crm_user;
typedef struct crm_team crm_team;
typedef struct crm_user_list crm_user_list;
typedef struct crm_team_list crm_team_list;
int crm_user_new(crm_user** out);
int crm_user_clone(crm_user** out, const crm_user* u);
void crm_user_free(crm_user* u);
const char* crm_user_text(const crm_user* u, int field, size_t* len);
int crm_user_set_text(crm_user* u, int field, const char* s, size_t len);
int crm_user_get_int(int64_t* out, const crm_user* u, int field);
int64_t crm_user_int(const crm_user* u, int field);
int crm_user_set_int(crm_user* u, int field, int64_t value);
int crm_user_create(crm_txn* txn, crm_user* u);
int crm_user_update(crm_txn* txn, crm_user* u);
int crm_user_delete(crm_txn* txn, uint64_t id);
int crm_user_get(crm_user** out, crm_txn* txn, uint64_t id);
int crm_user_find_by_login(crm_user** out, crm_txn* txn, const char* login, size_t len);
int crm_user_find_by_email(crm_user** out, crm_txn* txn, const char* email, size_t len);
int crm_user_resolve_owner(crm_user** out, crm_txn* txn, const char* owner, size_t len);
int crm_user_list_get(crm_user_list** out, crm_txn* txn, uint64_t team);
size_t crm_user_list_size(const crm_user_list* l);
const crm_user* crm_user_list_at(const crm_user_list* l, size_t i);
void crm_user_list_free(crm_user_list* l);
int crm_team_new(crm_team** out);
int crm_team_clone(crm_team** out, const crm_team* t);
void crm_team_free(crm_team* t);
const char* crm_team_text(const crm_team* t, int field, size_t* len);
int crm_team_set_text(crm_team* t, int field, const char* s, size_t len);
int crm_team_get_int(int64_t* out, const crm_team* t, int field);
int64_t crm_team_int(const crm_team* t, int field);
int crm_team_set_int(crm_team* t, int field, int64_t value);
int crm_team_create(crm_txn* txn, crm_team* t);
int crm_team_update(crm_txn* txn, crm_team* t);
int crm_team_delete(crm_txn* txn, uint64_t id);
int crm_team_get(crm_team** out, crm_txn* txn, uint64_t id);
int crm_team_find_by_name(crm_team** out, crm_txn* txn, const char* name, size_t len);
int crm_team_list_get(crm_team_list** out, crm_txn* txn);
size_t crm_team_list_size(const crm_team_list* l);
const crm_team* crm_team_list_at(const crm_team_list* l, size_t i);
void crm_team_list_free(crm_team_list* l);
typedef struct crm_product crm_product;
typedef struct crm_product_list crm_product_list;
int crm_product_new(crm_product** out);
int crm_product_clone(crm_product** out, const crm_product* p);
void crm_product_free(crm_product* p);
const char* crm_product_text(const crm_product* p, int field, size_t* len);
int crm_product_set_text(crm_product* p, int field, const char* s, size_t len);
int crm_product_get_int(int64_t* out, const crm_product* p, int field);
int64_t crm_product_int(const crm_product* p, int field);
int crm_product_set_int(crm_product* p, int field, int64_t value);
size_t crm_product_price_count(const crm_product* p);
int crm_product_price(const crm_product* p, size_t i, int64_t* minor_units, const char** currency);
int crm_product_set_price(crm_product* p, const char* currency, int64_t minor_units);
int crm_product_remove_price(crm_product* p, const char* currency);
int crm_product_create(crm_txn* txn, crm_product* p);
int crm_product_update(crm_txn* txn, crm_product* p);
int crm_product_delete(crm_txn* txn, uint64_t id);
int crm_product_get(crm_product** out, crm_txn* txn, uint64_t id);
int crm_product_find_by_code(crm_product** out, crm_txn* txn, const char* code, size_t len);
int crm_product_deal_count(uint64_t* out, crm_txn* txn, uint64_t id);
int crm_product_list_get(crm_product_list** out, crm_txn* txn, int active_only);
size_t crm_product_list_size(const crm_product_list* l);
const crm_product* crm_product_list_at(const crm_product_list* l, size_t i);
void crm_product_list_free(crm_product_list* l);
typedef struct crm_line_item {
  unsigned int version;
  uint64_t product;
  int64_t quantity_milli;
  int64_t unit_price;
  const char* unit_currency;
  int32_t discount_bp;
  const char* description;
  size_t description_len;
  int64_t total;
} crm_line_item;
size_t crm_opportunity_line_count(const crm_opportunity* o);
int crm_opportunity_line(const crm_opportunity* o, size_t i, crm_line_item* out);
int crm_opportunity_add_line(crm_opportunity* o, const crm_line_item* line);
int crm_opportunity_clear_lines(crm_opportunity* o);
typedef struct crm_erasure crm_erasure;
typedef struct crm_erasure_list crm_erasure_list;
int crm_customer_erase(crm_txn* txn, uint64_t id, int flags, crm_erasure** out);
void crm_erasure_free(crm_erasure* e);
int64_t crm_erasure_int(const crm_erasure* e, int field);
const char* crm_erasure_actor(const crm_erasure* e, size_t* len);
size_t crm_erasure_masked_count(const crm_erasure* e);
const char* crm_erasure_masked(const crm_erasure* e, size_t i, size_t* len);
int crm_erasure_list_get(crm_erasure_list** out, crm_txn* txn, uint64_t from_seq, size_t limit);
size_t crm_erasure_list_size(const crm_erasure_list* l);
const crm_erasure* crm_erasure_list_at(const crm_erasure_list* l, size_t i);
void crm_erasure_list_free(crm_erasure_list* l);
int crm_suppress(crm_txn* txn, const char* email_or_phone, size_t len);
int crm_unsuppress(crm_txn* txn, const char* email_or_phone, size_t len, int* removed);
int crm_is_suppressed(int* out, crm_txn* txn, const char* email_or_phone, size_t len);
int crm_customer_export(char** out, size_t* len, crm_txn* txn, uint64_t id);
typedef struct crm_consent crm_consent;
typedef struct crm_consent_list crm_consent_list;
int crm_consent_new(crm_consent** out);
int crm_consent_clone(crm_consent** out, const crm_consent* c);
void crm_consent_free(crm_consent* c);
const char* crm_consent_text(const crm_consent* c, int field, size_t* len);
int crm_consent_set_text(crm_consent* c, int field, const char* s, size_t len);
int crm_consent_get_int(int64_t* out, const crm_consent* c, int field);
int64_t crm_consent_int(const crm_consent* c, int field);
int crm_consent_set_int(crm_consent* c, int field, int64_t value);
int crm_consent_record(crm_txn* txn, crm_consent* c);
int crm_consent_confirm(crm_consent** out, crm_txn* txn, uint64_t customer, int channel, const char* purpose,
                        size_t len, int64_t at);
int crm_consent_history(crm_consent_list** out, crm_txn* txn, uint64_t customer);
int crm_consent_current(crm_consent_list** out, crm_txn* txn, uint64_t customer, int64_t at);
size_t crm_consent_list_size(const crm_consent_list* l);
const crm_consent* crm_consent_list_at(const crm_consent_list* l, size_t i);
void crm_consent_list_free(crm_consent_list* l);
int crm_can_contact(int* verdict, char** reason, uint64_t* consent, crm_txn* txn, uint64_t customer,
                    int channel, const char* purpose, size_t len, int64_t at);
typedef struct crm_import_job crm_import_job;
typedef struct crm_import_job_list crm_import_job_list;
typedef struct crm_import_error crm_import_error;
typedef struct crm_import_error_list crm_import_error_list;
typedef struct crm_import_progress {
  uint64_t rows;
  uint64_t bytes;
  uint64_t bytes_total;
  uint64_t created, updated, unchanged, skipped, failed;
} crm_import_progress;
typedef int (*crm_import_progress_fn)(const crm_import_progress* progress, void* arg);
typedef struct crm_import_options {
  unsigned int version;
  int format;
  char delimiter;
  const char* preset;
  const char* columns;
  const char* match;
  const char* time_zone;
  const char* default_currency;
  const char* date_order;
  int all_or_nothing;
  size_t batch_rows;
  const char* actor;
  crm_import_progress_fn progress;
  void* progress_arg;
  int records;
  const char* pipeline;
} crm_import_options;
int crm_import_options_init(crm_import_options* opts, unsigned int version);
int crm_db_import(crm_import_job** out, crm_db* db, const char* path, const crm_import_options* opts);
int crm_db_resume_import(crm_import_job** out, crm_db* db, uint64_t id, crm_import_progress_fn progress,
                         void* arg);
int crm_db_revert_import(crm_import_job** out, crm_db* db, uint64_t id, int flags, const char* actor,
                         size_t actor_len);
int crm_db_write_failed_rows(crm_db* db, uint64_t id, const char* path);
int crm_db_delete_import_job(crm_db* db, uint64_t id);
int crm_db_export_customers(crm_db* db, const char* path, int format, const char* where, size_t where_len,
                            int include_archived, uint64_t* rows);
int crm_db_export(crm_db* db, const char* path, int records, int format, const char* where, size_t where_len,
                  int include_archived, uint64_t* rows);
int crm_import_presets(char** out, size_t* len);
int crm_import_job_get(crm_import_job** out, crm_txn* txn, uint64_t id);
void crm_import_job_free(crm_import_job* job);
int64_t crm_import_job_int(const crm_import_job* job, int field);
const char* crm_import_job_text(const crm_import_job* job, int field, size_t* len);
int crm_import_job_list_get(crm_import_job_list** out, crm_txn* txn, size_t limit);
size_t crm_import_job_list_size(const crm_import_job_list* l);
const crm_import_job* crm_import_job_list_at(const crm_import_job_list* l, size_t i);
void crm_import_job_list_free(crm_import_job_list* l);
int crm_import_error_list_get(crm_import_error_list** out, crm_txn* txn, uint64_t id, uint64_t after_row,
                              size_t limit);
size_t crm_import_error_list_size(const crm_import_error_list* l);
const crm_import_error* crm_import_error_list_at(const crm_import_error_list* l, size_t i);
void crm_import_error_list_free(crm_import_error_list* l);
uint64_t crm_import_error_row(const crm_import_error* e);
uint64_t crm_import_error_line(const crm_import_error* e);
const char* crm_import_error_field(const crm_import_error* e, size_t* len);
const char* crm_import_error_reason(const crm_import_error* e, size_t* len);
const char* crm_import_error_original(const crm_import_error* e, size_t* len);
"""

try:  # in the package, and as a file beside build_ffi.py's path
    from ._cdef_reports import REPORTS
except ImportError:
    from _cdef_reports import REPORTS  # type: ignore[no-redef]

CDEF += REPORTS

try:
    from ._cdef_service import SERVICE
except ImportError:
    from _cdef_service import SERVICE  # type: ignore[no-redef]

CDEF += SERVICE
