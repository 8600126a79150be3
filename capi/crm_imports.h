/*
 * crm_imports.h - importing customers (since 0.11), opportunities and interactions (since 0.12)
 * from CSV, JSON Lines and vCard files as stored, resumable, revertible jobs ( what they do is told in crm/import.hpp). Included by crm.h; the
 * conventions of crm.h apply.
 */
#ifndef CRM_IMPORTS_H
#define CRM_IMPORTS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct crm_import_job crm_import_job;
typedef struct crm_import_job_list crm_import_job_list;
typedef struct crm_import_error crm_import_error;
typedef struct crm_import_error_list crm_import_error_list;

#define CRM_IMPORT_FORMAT_AUTO 0 /* from the file name: .jsonl / .ndjson JSON Lines, .vcf vCard, else CSV */
#define CRM_IMPORT_FORMAT_CSV 1
#define CRM_IMPORT_FORMAT_JSONL 2
#define CRM_IMPORT_FORMAT_VCARD 3 /* vCard 2.1 to 4.0 in; 4.0 out (crm/import.hpp) */

/* What the rows of a file are (since 0.12; crm/import.hpp tells the fields of each). */
#define CRM_IMPORT_RECORDS_AUTO 0 /* the preset's: customers for "generic" */
#define CRM_IMPORT_RECORDS_CUSTOMERS 1
#define CRM_IMPORT_RECORDS_OPPORTUNITIES 2
#define CRM_IMPORT_RECORDS_INTERACTIONS 3
#define CRM_IMPORT_RECORDS_USERS 4 /* imports only */
#define CRM_IMPORT_RECORDS_PRODUCTS 5 /* since 0.15; exported whole (no filter) */
#define CRM_IMPORT_RUNNING 1 /* not finished: interrupted or running; crm_db_resume_import goes on */
#define CRM_IMPORT_FINISHED 2
#define CRM_IMPORT_FAILED 3   /* all or nothing, and a row failed: nothing was kept */
#define CRM_IMPORT_REVERTED 4

/* How far an import got: given to the progress callback after every batch. */
typedef struct crm_import_progress {
  uint64_t rows;        /* rows read so far */
  uint64_t bytes;       /* bytes of the file read so far */
  uint64_t bytes_total; /* the file's size */
  uint64_t created, updated, unchanged, skipped, failed;
} crm_import_progress;
/* Returns 0 to go on; anything else stops the import after the batch just committed (the job
 * stays CRM_IMPORT_RUNNING). */
typedef int (*crm_import_progress_fn)(const crm_import_progress* progress, void* arg);

#define CRM_IMPORT_OPTIONS_VERSION 2
typedef struct crm_import_options {
  unsigned int version;          /* CRM_IMPORT_OPTIONS_VERSION */
  int format;                    /* CRM_IMPORT_FORMAT_* */
  char delimiter;                /* CSV: 0 detects it from the header */
  const char* preset;            /* NUL-terminated; NULL: "generic" (crm_import_presets lists them) */
  /* NUL-terminated, one "Column=field" per line ("Customer Id=external_id\nNotes=custom.notes";
   * "Index=" ignores a column): adds to or overrides the preset. NULL: none. */
  const char* columns;
  /* NUL-terminated: the match rules in order, separated by commas ("email,external_id,phone");
   * NULL: "external_id,email,phone"; "": none (every row creates). */
  const char* match;
  const char* time_zone;        /* NUL-terminated IANA name for dates without an offset; NULL: UTC */
  const char* default_currency; /* for amounts without a code; NULL: "USD"; "": none */
  const char* date_order;       /* "mdy" (NULL) or "dmy", for slash dates */
  int all_or_nothing;           /* 1: a failed row keeps nothing of the file */
  size_t batch_rows;            /* rows per write transaction, 1 to 100000; 0: 1000 */
  const char* actor;            /* NUL-terminated; NULL: the database's default actor */
  crm_import_progress_fn progress; /* NULL: none */
  void* progress_arg;
  /* since 0.12 (version 2) */
  int records;          /* CRM_IMPORT_RECORDS_*; a preset made for other records is refused */
  const char* pipeline; /* NUL-terminated: opportunities' pipeline when a row names none; NULL: the default */
} crm_import_options;
#define CRM_IMPORT_OPTIONS_INIT \
  {CRM_IMPORT_OPTIONS_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, 0, NULL}
CRM_API int crm_import_options_init(crm_import_options* opts, unsigned int version);

/* Imports the file at `path` (NUL-terminated) as a new job, into *out (free it). A row's problem
 * never fails the call: the job counts it. CRM_EINVALID for bad options or mapping,
 * CRM_ENOTFOUND for a file that cannot be opened. */
CRM_API int crm_db_import(crm_import_job** out, crm_db* db, const char* path, const crm_import_options* opts);
/* Goes on with a running job from its last committed batch. CRM_ECONFLICT when the job is not
 * running or its file changed. */
CRM_API int crm_db_resume_import(crm_import_job** out, crm_db* db, uint64_t id, crm_import_progress_fn progress,
                                 void* arg);
#define CRM_REVERT_FORCE 1 /* revert even what others changed since (their changes are lost) */
/* Deletes what the job created and restores what it updated, in one transaction. CRM_ECONFLICT
 * (nothing changed) when it was reverted or failed, or, without CRM_REVERT_FORCE, when others
 * changed those customers since. */
CRM_API int crm_db_revert_import(crm_import_job** out, crm_db* db, uint64_t id, int flags, const char* actor,
                                 size_t actor_len);
/* Writes the job's failed rows to a new file at `path` (NUL-terminated; owner-only; CRM_EEXISTS
 * if there is one): CSV with two leading columns import_row and import_error, or JSON Lines. */
CRM_API int crm_db_write_failed_rows(crm_db* db, uint64_t id, const char* path);
/* Forgets a job: its record, failed rows and what a revert would need. */
CRM_API int crm_db_delete_import_job(crm_db* db, uint64_t id);

/* Writes the customers the filter `where` matches (crm_query.h's syntax; NULL or empty: all;
 * include_archived: archived ones too), by id, as of one snapshot, to a new owner-only file at
 * `path` (NUL-terminated; CRM_EEXISTS if there is one) that crm_db_import reads back: format
 * CRM_IMPORT_FORMAT_CSV, _JSONL or _VCARD (_AUTO: from the name). *rows (may be NULL) receives how many
 * customers were written. What a round trip keeps is told in crm/import.hpp. */
CRM_API int crm_db_export_customers(crm_db* db, const char* path, int format, const char* where, size_t where_len,
                                    int include_archived, uint64_t* rows);

/* The same for the records `records` names (CRM_IMPORT_RECORDS_CUSTOMERS (or _AUTO),
 * _OPPORTUNITIES or _INTERACTIONS; since 0.12; _PRODUCTS, every one with no `where`, since 0.15; _USERS,
 * likewise, since 0.21), with the
 * columns their imports read (crm/import.hpp); CRM_IMPORT_FORMAT_VCARD holds customers only.
 * include_archived applies to customers. */
CRM_API int crm_db_export(crm_db* db, const char* path, int records, int format, const char* where, size_t where_len,
                          int include_archived, uint64_t* rows);
/* The names of the presets, one per line, as a NUL-terminated string to free with crm_free. */
CRM_API int crm_import_presets(char** out, size_t* len);

CRM_API int crm_import_job_get(crm_import_job** out, crm_txn* txn, uint64_t id);
CRM_API void crm_import_job_free(crm_import_job* job);

#define CRM_IMPORT_ID 1
#define CRM_IMPORT_FORMAT 2 /* CRM_IMPORT_FORMAT_CSV, _JSONL or _VCARD */
#define CRM_IMPORT_STATE 3  /* CRM_IMPORT_RUNNING ... */
#define CRM_IMPORT_CREATED 4
#define CRM_IMPORT_UPDATED 5
#define CRM_IMPORT_UNCHANGED 6
#define CRM_IMPORT_SKIPPED 7
#define CRM_IMPORT_FAILED_ROWS 8
#define CRM_IMPORT_ROWS_DONE 9
#define CRM_IMPORT_OFFSET_DONE 10
#define CRM_IMPORT_FILE_SIZE 11
#define CRM_IMPORT_STARTED_AT 12
#define CRM_IMPORT_FINISHED_AT 13
#define CRM_IMPORT_REVERTED_AT 14
#define CRM_IMPORT_REVERTED_DELETED 15
#define CRM_IMPORT_REVERTED_RESTORED 16
#define CRM_IMPORT_ALL_OR_NOTHING 17
#define CRM_IMPORT_BATCH_ROWS 18
#define CRM_IMPORT_DELIMITER 19 /* CSV: the delimiter's byte */
#define CRM_IMPORT_RECORDS 20   /* CRM_IMPORT_RECORDS_CUSTOMERS, _OPPORTUNITIES, _INTERACTIONS, _USERS (since 0.12) or _PRODUCTS (0.15) */
CRM_API int64_t crm_import_job_int(const crm_import_job* job, int field);
#define CRM_IMPORT_PATH 101
#define CRM_IMPORT_PRESET 102
#define CRM_IMPORT_TIME_ZONE 103
#define CRM_IMPORT_DEFAULT_CURRENCY 104
#define CRM_IMPORT_DATE_ORDER 105
#define CRM_IMPORT_ACTOR 106
#define CRM_IMPORT_COLUMNS 107 /* the mapping used: "Column=field" lines */
#define CRM_IMPORT_MATCH 108   /* "external_id,email,phone" */
#define CRM_IMPORT_HEADER 109  /* CSV: the header's columns, one per line */
#define CRM_IMPORT_PIPELINE 110 /* opportunities: the pipeline given for rows that name none (since 0.12) */
/* Borrowed until the job is freed. */
CRM_API const char* crm_import_job_text(const crm_import_job* job, int field, size_t* len);

/* The jobs, newest first (at most `limit`, 1 to 1000), borrowed until the list is freed. */
CRM_API int crm_import_job_list_get(crm_import_job_list** out, crm_txn* txn, size_t limit);
CRM_API size_t crm_import_job_list_size(const crm_import_job_list* l);
CRM_API const crm_import_job* crm_import_job_list_at(const crm_import_job_list* l, size_t i);
CRM_API void crm_import_job_list_free(crm_import_job_list* l);

/* The failed rows of a job after row `after_row`, in row order (at most `limit`, 1 to 100000). */
CRM_API int crm_import_error_list_get(crm_import_error_list** out, crm_txn* txn, uint64_t id, uint64_t after_row,
                                      size_t limit);
CRM_API size_t crm_import_error_list_size(const crm_import_error_list* l);
CRM_API const crm_import_error* crm_import_error_list_at(const crm_import_error_list* l, size_t i);
CRM_API void crm_import_error_list_free(crm_import_error_list* l);
/* The row (data rows from 1) and the line of the file where it starts. */
CRM_API uint64_t crm_import_error_row(const crm_import_error* e);
CRM_API uint64_t crm_import_error_line(const crm_import_error* e);
/* Borrowed until the list is freed: the field at fault ("" for the row as a whole), the reason,
 * and the row as the file had it. */
CRM_API const char* crm_import_error_field(const crm_import_error* e, size_t* len);
CRM_API const char* crm_import_error_reason(const crm_import_error* e, size_t* len);
CRM_API const char* crm_import_error_original(const crm_import_error* e, size_t* len);

#ifdef __cplusplus
}
#endif

#endif /* CRM_IMPORTS_H */
