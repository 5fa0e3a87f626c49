// Store: the daemon's durable state in SQLite (WAL mode) under --data-dir: slot aggregates per
// SLO and cohort, the keys of acknowledged ingest batches, alert history and ingest counters.
//
// Durability rule: every CommitBatch is one transaction, and with synchronous=FULL SQLite fsyncs
// the write-ahead log before the commit returns. A batch is acknowledged only after that, so
// after kill -9 (or a power cut, on a disk that honours fsync) a restart sees every acknowledged
// batch and nothing of a batch that was not committed.
//
// Thread safety: not thread-safe; the daemon serialises access under its state lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/time.h"

struct sqlite3;

namespace slokit::server {

// Counts to add to one slot of one series ("all" is the SLO as a whole).
struct SlotDelta {
  std::string slo;
  std::string cohort;
  TimeNs slot_start = 0;
  uint64_t valid = 0;
  uint64_t good = 0;
  double sum = 0;
};

// One bucket of a regression or capacity check's series (KpiTracker::series_name), as stored.
struct KpiBucketRow {
  std::string series;
  TimeNs start = 0;  // the bucket's start: index * width
  uint64_t count = 0;
  double sum = 0, max = 0;
  std::string sketch;  // DDSketch::Serialize; empty when the series keeps no sketches
};

// The regression and capacity part of a batch: the buckets it touched, as they are with it
// added (they replace the stored ones), and the span of all KPI data with it.
struct KpiCommit {
  std::vector<KpiBucketRow> buckets;
  TimeNs data_start = 0, data_end = 0;  // [start, end); both 0 when there is none
};

// A scrape target's counters as read by its last committed scrape (ScrapeSli::SaveBaseline),
// committed with that scrape's counts so that a restart counts the increase across the gap.
struct ScrapeBaselineRow {
  std::string target;  // Scraper's key for the target: name and URL
  std::string state;
};

struct StoredIncident {
  std::string slo, cohort, severity;
  TimeNs start = 0, end = 0;
  bool open = false;
  double peak_burn = 0;
};

class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens (creating when missing) <dir>/slokit.db.
  static Status Open(const std::string& dir, std::unique_ptr<Store>* out);

  // True when a batch with this idempotency key was committed before.
  bool HasBatch(const std::string& key);
  // Adds `deltas` and the batch's key (empty: none) and event count in one durable transaction,
  // with the batch's KPI buckets and, for a scrape, the target's new baseline (may be null).
  Status CommitBatch(const std::string& key, uint64_t events, const std::vector<SlotDelta>& deltas,
                     const std::vector<std::pair<std::string, uint64_t>>& overflow, const KpiCommit& kpi = {},
                     const ScrapeBaselineRow* baseline = nullptr);
  // The target's last committed baseline; empty when there is none.
  std::string ScrapeBaseline(const std::string& target);

  // Every stored slot, in no particular order.
  Status ForEachSlot(const std::function<void(const SlotDelta&)>& fn);
  uint64_t overflow(const std::string& slo);
  uint64_t events_total();
  uint64_t batches_total();

  // The fingerprint each SLO's slots were counted under; a changed one makes them meaningless.
  std::string Fingerprint(const std::string& slo);
  Status SetFingerprint(const std::string& slo, const std::string& fingerprint);
  // Forgets an SLO's slots (its definition changed or it was removed).
  Status DropSlo(const std::string& slo);

  // Every stored KPI bucket, in no particular order, and the span of the KPI data.
  Status ForEachKpiBucket(const std::function<void(const KpiBucketRow&)>& fn);
  void KpiDataRange(TimeNs* start, TimeNs* end);
  // As for SLOs: a KPI series' buckets are meaningful under the fingerprint they were kept under.
  std::string KpiFingerprint(const std::string& series);
  Status SetKpiFingerprint(const std::string& series, const std::string& fingerprint);
  Status DropKpiSeries(const std::string& series);

  Status SaveIncident(const StoredIncident& incident);
  std::vector<StoredIncident> Incidents(const std::string& slo);

  // Retention: drops slots that start before `before`, KPI buckets that start before
  // `kpi_before` and batch keys received before `keys_before`. Returns the number of slot rows
  // dropped.
  Status Compact(TimeNs before, TimeNs kpi_before, TimeNs keys_before, uint64_t* dropped = nullptr);

 private:
  explicit Store(sqlite3* db) : db_(db) {}
  Status Exec(const char* sql);
  sqlite3* db_;
};

}  // namespace slokit::server
