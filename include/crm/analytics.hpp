// Customer analytics (since 0.16): purchase facts kept per customer, customers ranked by the
// value they bought, and churn rates grouped by any field the query engine groups by.
//
// Purchases are the interactions of kind purchase and the won deals of a customer. An
// interaction counts at its occurred_at with its amount (a purchase without an amount counts as a
// purchase of no value); a won deal counts at its closed_at with its amount. A purchase that is
// logged as an interaction and also won as a deal counts twice: record a sale one way.
//
// The facts of every customer are kept in the write transaction of each change of a purchase or
// of the customer's stage, so reading them costs one lookup and "top customers by value" is a
// range read; Verify checks them against a count from the records.
//
// Thread safety: records, queries and reports are plain values (see types.hpp); the operations are
// members of the transactions (store.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer.hpp"
#include "crm/query.hpp"
#include "crm/sales.hpp"
#include "crm/txn_part.hpp"
#include "crm/types.hpp"

namespace crm {

struct PurchaseFacts {
  CustomerId customer = 0;
  std::uint64_t purchases = 0;    // interactions of kind purchase and won deals
  Timestamp first_purchase_at = 0;  // 0 when none
  Timestamp last_purchase_at = 0;   // 0 when none
  // What the purchases add up to, one sum per currency in order of currency code (amounts of
  // different currencies are never added together); purchases without an amount add nothing.
  std::vector<Money> totals = {};
  // When the customer's stage last became churned (0 while it is not churned). A customer
  // created churned counts from its creation; one that leaves the churned stage loses the time.
  Timestamp churned_at = 0;

  // The total in `currency`, or 0 of it when none.
  Money TotalIn(std::string_view currency) const;

  friend bool operator==(const PurchaseFacts&, const PurchaseFacts&) = default;
};

// The customers who bought most in one currency, most valuable first (ties by id).
struct ValueQuery {
  std::string currency = {};  // required: ISO 4217 ("EUR")
  bool include_archived = false;
  std::size_t limit = 50;   // page size, 1 to 1000
  std::string page_token = {};  // keyset pages, as CustomerQuery's
};

struct CustomerValue {
  Customer customer;
  Money value;          // the customer's total in the query's currency
  PurchaseFacts facts;  // all of its facts
};

struct CustomerValuePage {
  std::vector<CustomerValue> customers;
  std::string next_page_token;  // empty on the last page
};

// How a customer counts as churned over a period [from, to).
enum class ChurnDefinition : std::uint8_t {
  // The customer's stage became churned within the period. The customers counted are those that
  // existed before `to` and had not churned before `from` (customers won during the period
  // included).
  kLifecycle = 1,
  // The customer lapsed: it bought within `inactive_days` before `from` (so it was active when
  // the period began) and did not buy within `inactive_days` before `to` (so it is not active
  // when the period ends). Only customers active at `from` are counted. A customer who lapsed and
  // bought again within the period counts as kept.
  kNoPurchase = 2,
};
std::string_view ChurnDefinitionName(ChurnDefinition definition);  // "lifecycle", "no_purchase"

struct ChurnQuery {
  ChurnDefinition definition = ChurnDefinition::kLifecycle;
  Timestamp from = 0;  // required: the period [from, to)
  Timestamp to = 0;
  std::int64_t inactive_days = 90;  // kNoPurchase: 1 to 36500
  Filter filter;                    // which customers (every one by default)
  bool include_archived = false;
  // None (one row), one or two groupings as Aggregation takes them: any customer field
  // ("custom.contract", "owner", "tag", "address.country"), a time field in buckets
  // ("quarter(created_at)"), or a whole-number field in bands ("band(custom.tenure, 12)").
  std::vector<GroupBy> group_by;
  std::string time_zone = "UTC";  // where time buckets begin
};

struct ChurnRow {
  std::vector<GroupKey> keys;  // one per group_by
  std::uint64_t customers = 0;  // counted: at risk of churning in the period
  std::uint64_t churned = 0;    // of those, churned within it
  double rate = 0;              // churned / customers (0 when no customers)
};

struct ChurnReport {
  ChurnRow total;              // every customer counted, without groups
  std::vector<ChurnRow> rows;  // one per group, in order of the group keys (empty groups first)
};

// Cohort retention: customers grouped by the month of their first purchase (in `time_zone`);
// cell k of a cohort is the share of its customers who bought in the k-th month after it (cell 0,
// the first month, is 1).
struct CohortQuery {
  Timestamp from = 0;  // the cohorts whose first month begins in [from, to)
  Timestamp to = 0;
  std::size_t months = 12;  // cells per cohort after the first: 1 to 120
  Filter filter;            // which customers (every one by default)
  bool include_archived = false;
  std::string time_zone = "UTC";
};

struct CohortRow {
  std::string cohort;  // "2024-03"
  Timestamp start = 0;  // the first instant of the month
  std::uint64_t customers = 0;
  // Customers who bought in month k after the cohort's (active[0] == customers), and their share;
  // only the months that have begun when the snapshot was taken (recent cohorts have fewer).
  std::vector<std::uint64_t> active;
  std::vector<double> share;
};

struct CohortTable {
  std::vector<CohortRow> rows;  // by cohort
};

// RFM: each customer with a purchase scored 1 to 5 (quintiles among the n customers scored, by
// mid-rank: ceil(5 x (worse + (equal + 1) / 2) / n), where `worse` customers have a worse value and
// `equal` ones the same, itself included; so equal values share a score, a tie at the top scores
// high and one at the bottom low, and a lone customer scores 5) for recency (days since the last purchase at `at`: the more recent, the
// higher), frequency (purchases) and monetary value (the total in `currency`), and put in a
// segment by its recency and frequency scores (R, F):
//   champions R5 F4-5 · loyal R3-4 F4-5 · potential loyalists R4-5 F2-3 · new R5 F1 ·
//   promising R4 F1 · need attention R3 F3 · about to sleep R3 F1-2 · at risk R1-2 F3-4 ·
//   cannot lose R1-2 F5 · hibernating R1-2 F1-2 but not R1 F1 · lost R1 F1.
struct RfmQuery {
  Timestamp at = 0;            // the time recency counts to; 0: the snapshot's time
  std::string currency = {};   // required: the monetary value's currency
  Filter filter;               // which customers are scored (every one with a purchase by default)
  bool include_archived = false;
};

enum class RfmSegment : std::uint8_t {
  kChampions = 1,
  kLoyal,
  kPotentialLoyalists,
  kNew,
  kPromising,
  kNeedAttention,
  kAboutToSleep,
  kAtRisk,
  kCannotLose,
  kHibernating,
  kLost,
};
std::string_view RfmSegmentName(RfmSegment segment);  // "champions", "potential_loyalists" ...
RfmSegment RfmSegmentOf(int recency_score, int frequency_score);

struct RfmScore {
  CustomerId customer = 0;
  std::int64_t recency_days = 0;
  std::uint64_t frequency = 0;
  Money monetary;
  int r = 0, f = 0, m = 0;  // 1 to 5
  RfmSegment segment = RfmSegment::kLost;
};

struct RfmSegmentCount {
  RfmSegment segment = RfmSegment::kLost;
  std::uint64_t customers = 0;
  Money monetary;  // their total value in the query's currency
};

struct RfmReport {
  std::uint64_t customers = 0;  // scored
  std::vector<RfmSegmentCount> segments;  // every segment, in the order of RfmSegment
};

// Lifetime value of a customer in one currency: what it bought (historic), and an estimate of
// what it will have bought over its whole life:
//   predicted = average order value x purchases per year x expected lifetime in years,
// where the average order value is the customer's total over its purchases, purchases per year
// its purchases over the time from its first purchase to `at` (at least 30 days), and the
// expected lifetime 1 / the store's yearly churn rate (the no-purchase definition, with
// `inactive_days`, over the year before `at`), at most 10 years; predicted is never below
// historic. The estimate assumes a customer goes on as it has and churns as the average customer
// does; it says nothing of customers with fewer than 2 purchases, needs customers active a year
// before `at`, and is no forecast of a segment.
struct LifetimeValueQuery {
  CustomerId customer = 0;
  std::string currency = {};  // required
  Timestamp at = 0;           // 0: the snapshot's time
  std::int64_t inactive_days = 90;
};

struct LifetimeValue {
  // Whether `predicted` is an estimate: false when the customer has fewer than 2 purchases in the
  // currency, or no customer was active a year before `at` to measure churn on (then predicted
  // equals historic, and expected_years is 0).
  bool estimated = false;
  Money historic;
  Money average_order;          // historic / purchases in the currency
  double purchases_per_year = 0;
  double yearly_churn_rate = 0;  // of the store
  double expected_years = 0;
  Money predicted;
};

// Churn risk of a customer: a frequency (naive-Bayes) model learned from the customers who
// churned (stage churned) and those who stayed (stage customer or evangelist; customers at other
// stages are not counted), kept up to date in the write transaction of every change of a
// customer: per field the model reads and value, how many churned and how many stayed. A full
// recount (SetChurnRiskOptions, Verify) finds the same numbers.
//
// With C churned and S stayed customers, and for each field with a value the customer has and
// some counted customer had (c churned, s stayed of them):
//   log-odds = ln((C + 1) / (S + 1)) + Σ ln(((c + 1) / (C + 2)) / ((s + 1) / (S + 2)))
//   probability = 1 / (1 + e^-log-odds), clamped to [0.01, 0.99]
// A counted customer is scored leaving itself out (its own stage does not vouch for it). Each
// term is a factor (above 0 it raises the risk). With fewer than `minimum_customers` counted, or
// none churned or none stayed, there is no model: the risk is 0 and says why.
//
// Fields: a field of the customer record as group_by takes it: "custom.contract",
// "band(custom.tenure, 12)", "band(custom.monthly_charges, 20)" (an amount in bands of 20 major
// units), "address.country", "tag", "owner", "month(created_at)" ...; its first value counts.
// Not "stage" (the label itself), "last_interaction_at", or fields read through other records
// (team, organization ...).
struct ChurnRiskOptions {
  std::vector<std::string> fields = {};
  std::uint32_t minimum_customers = 20;  // 1 to 1,000,000
  friend bool operator==(const ChurnRiskOptions&, const ChurnRiskOptions&) = default;
};

struct ChurnRiskFactor {
  std::string field;  // as the options name it
  std::string value;  // the customer's value ("Month-to-month", "0-11")
  std::uint64_t churned = 0;  // counted customers with that value
  std::uint64_t stayed = 0;
  double weight = 0;  // the factor's term of the log-odds: above 0 raises the risk
};

struct ChurnRisk {
  CustomerId customer = 0;
  bool model = false;    // false: too few customers counted (risk 0)
  double risk = 0;       // 0.01 to 0.99 from the model
  std::string explanation;  // one sentence: what the risk rests on
  std::uint64_t churned = 0;  // the customers counted (less the customer itself)
  std::uint64_t stayed = 0;
  double prior = 0;  // (C + 1) / (C + S + 2): the risk before the factors
  std::vector<ChurnRiskFactor> factors;  // strongest first (by |weight|)
};

// Customers slipping away: no contact (or, with by_purchase, no purchase) since `since`, the
// most valuable in `currency` first, each with its churn risk. Customers already churned, and
// those without a purchase in the currency, are not listed.
struct AtRiskQuery {
  Timestamp since = 0;
  bool by_purchase = false;
  std::string currency = {};  // required
  bool include_archived = false;
  std::size_t limit = 50;       // 1 to 1000
  std::string page_token = {};  // keyset pages
  // Only customers whose churn risk is at least this (0 to 1; 0: every one). Above 0 it needs the
  // model (FailedPrecondition while there is none).
  double min_risk = 0;
};

struct AtRiskCustomer {
  Customer customer;
  Money value;
  Timestamp last_contact_at = 0;   // 0: never
  Timestamp last_purchase_at = 0;
  std::uint64_t purchases = 0;
  ChurnRisk risk;  // its churn risk (risk.model false when there is no model)
};

struct AtRiskPage {
  std::vector<AtRiskCustomer> customers;
  std::string next_page_token;
};

// The reports above as tables (the form the C ABI, Python and the command-line tool read).
enum class CustomerReport : std::uint8_t {
  kChurn = 1,      // "churn": a row per group (and one for all): customers, churned, rate
  kCohorts = 2,    // "cohorts": a row per cohort and month after it
  kRfm = 3,        // "rfm": a row per segment
  kTopValue = 4,   // "top": the most valuable customers (limit of them)
  kAtRisk = 5,     // "at_risk": customers not contacted since `from` (or not buying: by_purchase),
                   // with their churn risk and its strongest factors
};
std::string_view CustomerReportName(CustomerReport report);
std::optional<CustomerReport> ParseCustomerReport(std::string_view name);

// What a customer report covers; each report reads the fields its query above has.
struct CustomerReportQuery {
  Filter filter;
  bool include_archived = false;
  std::vector<GroupBy> group_by;  // churn
  std::string time_zone = "UTC";  // churn, cohorts
  Timestamp from = 0;             // churn, cohorts; at risk: since
  Timestamp to = 0;               // churn, cohorts; rfm: at
  ChurnDefinition definition = ChurnDefinition::kLifecycle;
  std::int64_t inactive_days = 90;
  std::size_t months = 12;        // cohorts
  std::string currency = {};      // rfm, top, at risk
  bool by_purchase = false;       // at risk
  std::size_t limit = 50;         // top, at risk
  double min_risk = 0;            // at risk
};

// Reads of customer analytics: members of every transaction.
class AnalyticsReads {
 public:
  // NotFound when no customer has that id; a customer without purchases has zero facts.
  absl::StatusOr<PurchaseFacts> GetPurchaseFacts(CustomerId customer) const;
  absl::StatusOr<CustomerValuePage> TopCustomersByValue(const ValueQuery& query) const;
  absl::StatusOr<ChurnReport> Churn(const ChurnQuery& query) const;
  absl::StatusOr<CohortTable> Cohorts(const CohortQuery& query) const;
  absl::StatusOr<RfmReport> RfmSegments(const RfmQuery& query) const;
  // The score and segment of one customer among those the query scores (NotFound: the customer
  // does not exist; FailedPrecondition: it has no purchase, or the filter leaves it out).
  absl::StatusOr<RfmScore> RfmOf(CustomerId customer, const RfmQuery& query) const;
  absl::StatusOr<LifetimeValue> GetLifetimeValue(const LifetimeValueQuery& query) const;
  absl::StatusOr<AtRiskPage> AtRisk(const AtRiskQuery& query) const;
  absl::StatusOr<ReportTable> GetCustomerReport(CustomerReport report, const CustomerReportQuery& query) const;
  absl::StatusOr<ChurnRiskOptions> GetChurnRiskOptions() const;
  // NotFound when no customer has that id.
  absl::StatusOr<ChurnRisk> ScoreChurnRisk(CustomerId customer) const;

 protected:
  AnalyticsReads() = default;
};

// Writes of customer analytics: members of WriteTxn.
class AnalyticsWrites {
 public:
  // Validates the options (InvalidArgument naming a field the model cannot read), stores them and
  // counts every customer again with them, in this transaction.
  absl::Status SetChurnRiskOptions(const ChurnRiskOptions& options);

 protected:
  AnalyticsWrites() = default;
};

}  // namespace crm
