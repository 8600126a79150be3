// How import jobs, their failed rows and their undo entries are written (see model/serialize.h).
#pragma once

#include <boost/serialization/nvp.hpp>
#include <boost/serialization/version.hpp>

#include "crm/import.hpp"
#include "model/serialize.h"

namespace crm::imports {

enum class UndoRecord : std::uint8_t {
  kCustomer = 0, kOpportunity = 1, kInteraction = 2, kUser = 3, kTeam = 4,
  kProduct = 5,  // since schema 13
};

// What an import did to one record, kept until the job is reverted or forgotten.
struct UndoEntry {
  CustomerId customer = 0;     // the customer; of a deal or an interaction, its customer (0: none)
  bool created = false;        // the import made it (else: updated it)
  std::uint64_t revision = 0;  // the revision the import left it at
  Customer before;             // updated customers: the record as it was before the import touched it
  // Since version 1: deals and interactions.
  UndoRecord record = UndoRecord::kCustomer;
  std::uint64_t id = 0;  // the deal's or the interaction's id
  Opportunity deal_before;
  Interaction activity_before;
  User user_before;
  Product product_before;
};

}  // namespace crm::imports

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, crm::ImportColumn& c, unsigned) {
  ar& make_nvp("column", c.column);
  ar& make_nvp("field", c.field);
}

template <class Archive>
void serialize(Archive& ar, crm::ImportCounts& c, unsigned) {
  ar& make_nvp("created", c.created);
  ar& make_nvp("updated", c.updated);
  ar& make_nvp("unchanged", c.unchanged);
  ar& make_nvp("skipped", c.skipped);
  ar& make_nvp("failed", c.failed);
}

template <class Archive>
void serialize(Archive& ar, crm::ImportJob& j, unsigned version) {
  ar& make_nvp("id", j.id);
  ar& make_nvp("path", j.path);
  ar& make_nvp("format", j.format);
  ar& make_nvp("delimiter", j.delimiter);
  ar& make_nvp("header", j.header);
  ar& make_nvp("preset", j.preset);
  ar& make_nvp("columns", j.columns);
  ar& make_nvp("match", j.match);
  ar& make_nvp("time_zone", j.time_zone);
  ar& make_nvp("default_currency", j.default_currency);
  ar& make_nvp("date_order", j.date_order);
  ar& make_nvp("all_or_nothing", j.all_or_nothing);
  ar& make_nvp("batch_rows", j.batch_rows);
  ar& make_nvp("actor", j.actor);
  ar& make_nvp("state", j.state);
  ar& make_nvp("counts", j.counts);
  ar& make_nvp("rows_done", j.rows_done);
  ar& make_nvp("offset_done", j.offset_done);
  ar& make_nvp("file_size", j.file_size);
  ar& make_nvp("file_digest", j.file_digest);
  ar& make_nvp("started_at", j.started_at);
  ar& make_nvp("finished_at", j.finished_at);
  ar& make_nvp("reverted_at", j.reverted_at);
  ar& make_nvp("reverted_deleted", j.reverted_deleted);
  ar& make_nvp("reverted_restored", j.reverted_restored);
  if (version < 1) return;
  ar& make_nvp("records", j.records);
  ar& make_nvp("pipeline", j.pipeline);
}

template <class Archive>
void serialize(Archive& ar, crm::ImportRowError& e, unsigned) {
  ar& make_nvp("row", e.row);
  ar& make_nvp("line", e.line);
  ar& make_nvp("field", e.field);
  ar& make_nvp("reason", e.reason);
  ar& make_nvp("original", e.original);
}

template <class Archive>
void serialize(Archive& ar, crm::imports::UndoEntry& u, unsigned version) {
  ar& make_nvp("customer", u.customer);
  ar& make_nvp("created", u.created);
  ar& make_nvp("revision", u.revision);
  ar& make_nvp("before", u.before);
  if (version < 1) return;
  ar& make_nvp("record", u.record);
  ar& make_nvp("id", u.id);
  if (u.record == crm::imports::UndoRecord::kOpportunity) ar& make_nvp("deal_before", u.deal_before);
  if (u.record == crm::imports::UndoRecord::kInteraction) ar& make_nvp("activity_before", u.activity_before);
  if (u.record == crm::imports::UndoRecord::kUser) ar& make_nvp("user_before", u.user_before);
  if (u.record == crm::imports::UndoRecord::kProduct) ar& make_nvp("product_before", u.product_before);
}

}  // namespace boost::serialization

BOOST_CLASS_VERSION(crm::ImportColumn, 0)
BOOST_CLASS_VERSION(crm::ImportCounts, 0)
BOOST_CLASS_VERSION(crm::ImportJob, 1)
BOOST_CLASS_VERSION(crm::ImportRowError, 0)
BOOST_CLASS_VERSION(crm::imports::UndoEntry, 1)
