/*
 * crm_maintenance.h - keeping a database healthy: verify, statistics and backups (since 0.4).
 * Included by crm.h; the conventions of crm.h apply.
 */
#ifndef CRM_MAINTENANCE_H
#define CRM_MAINTENANCE_H

#ifdef __cplusplus
extern "C" {
#endif

/* What crm_txn_verify checked and found; what crm_txn_stats measured. */
typedef struct crm_verify_report {
  unsigned int version;
  uint64_t records, index_entries, changes, problem_count;
} crm_verify_report;
typedef struct crm_stats { /* see ReadTxn::Statistics in the C++ API */
  unsigned int version;
  uint64_t customers, archived_customers, interactions, pipelines, opportunities, changes;
  uint64_t file_bytes, map_bytes, page_bytes, pages_used, pages_free, size_limit_bytes, reserve_bytes;
  uint64_t readers, stale_readers, last_txn, oldest_reader_lag;
} crm_stats;
#define CRM_VERIFY_REPORT_VERSION 1
#define CRM_VERIFY_REPORT_INIT {CRM_VERIFY_REPORT_VERSION, 0, 0, 0, 0}
#define CRM_STATS_VERSION 1
#define CRM_STATS_INIT {CRM_STATS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
#define CRM_BACKUP_COMPACT 1u

/* Checks every record, index entry, total, the change feed and the references between records
 * as of txn's snapshot (*out initialised with CRM_VERIFY_REPORT_INIT); damage gives problems, not
 * an error. problems (if not NULL): the first 1000, one per line, to crm_free; NULL for none. */
CRM_API int crm_txn_verify(crm_verify_report* out, char** problems, crm_txn* txn);
/* Fills *out (initialised with CRM_STATS_INIT) as of txn's snapshot. */
CRM_API int crm_txn_stats(crm_stats* out, crm_txn* txn);
/* Copies the database, as of one snapshot, to a new owner-only file at `path` (CRM_EEXISTS when
 * there is one) while writers go on. flags: CRM_BACKUP_COMPACT writes every table afresh (no free
 * pages, and no byte of a deleted or erased record). CRM_EBUSY
 * on a thread holding this database's write transaction. */
CRM_API int crm_db_backup(crm_db* db, const char* path, unsigned int flags);

/* crm_options.durability (since 0.8): what a commit has reached when it returns; SQLite's
 * counterparts in WAL mode in brackets.
 * FULL: on disk; survives a crash of the process, of the system and a power loss (synchronous=FULL).
 * NORMAL: its pages on disk, the page that makes them current written and synced with the next
 *   commit: a crash of the process loses nothing, a power loss may lose the last commit and never
 *   damages the file (synchronous=NORMAL).
 * NONE: nothing synced: a crash of the process loses nothing, a power loss may lose recent commits
 *   and, on a file system that reorders writes, damage the file (synchronous=OFF).
 * no_sync = 1 means NONE whatever durability says. */
#define CRM_DURABILITY_FULL 0
#define CRM_DURABILITY_NORMAL 1
#define CRM_DURABILITY_NONE 2
/* Writes every commit made so far to disk (fsync), at any durability (since 0.8). */
CRM_API int crm_db_flush(crm_db* db);

#ifdef __cplusplus
}
#endif

#endif /* CRM_MAINTENANCE_H */
