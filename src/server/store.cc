#include "server/store.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

namespace slokit::server {
namespace {

// A prepared statement, finalized when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  Stmt& Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& BindBlob(int i, const std::string& s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : "";
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS slots(
  slo TEXT NOT NULL, cohort TEXT NOT NULL, slot_start INTEGER NOT NULL,
  valid INTEGER NOT NULL, good INTEGER NOT NULL, sum REAL NOT NULL,
  PRIMARY KEY(slo, cohort, slot_start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slo_meta(slo TEXT PRIMARY KEY, fingerprint TEXT NOT NULL DEFAULT '',
  overflow INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS batches(key TEXT PRIMARY KEY, events INTEGER NOT NULL, received INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS incidents(slo TEXT NOT NULL, cohort TEXT NOT NULL, severity TEXT NOT NULL,
  start INTEGER NOT NULL, end_time INTEGER NOT NULL, open INTEGER NOT NULL, peak_burn REAL NOT NULL,
  PRIMARY KEY(slo, cohort, severity, start));
CREATE TABLE IF NOT EXISTS kpi_buckets(series TEXT NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL,
  sum REAL NOT NULL, max REAL NOT NULL, sketch BLOB NOT NULL, PRIMARY KEY(series, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_meta(series TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scrape_baselines(target TEXT PRIMARY KEY, state BLOB NOT NULL);
)sql";

int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Store::~Store() { sqlite3_close(db_); }

Status Store::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Status::IoError("store: " + message);
  }
  return Status::Ok();
}

Status Store::Open(const std::string& dir, std::unique_ptr<Store>* out) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("--data-dir {}: {}", dir, ec.message()));
  std::string path = (std::filesystem::path(dir) / "slokit.db").string();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IoError(fmt::format("{}: {}", path, message));
  }
  std::unique_ptr<Store> store(new Store(db));
  sqlite3_busy_timeout(db, 5000);
  // synchronous=FULL: the WAL is fsynced at every commit, which is what "acknowledged means
  // durable" needs (NORMAL would only fsync at checkpoints).
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    Status s = store->Exec(sql);
    if (!s.ok()) return Status::IoError(fmt::format("{}: {}", path, s.message()));
  }
  *out = std::move(store);
  return Status::Ok();
}

bool Store::HasBatch(const std::string& key) {
  Stmt q(db_, "SELECT 1 FROM batches WHERE key = ?");
  return q.Bind(1, key).Step() == SQLITE_ROW;
}

Status Store::CommitBatch(const std::string& key, uint64_t events, const std::vector<SlotDelta>& deltas,
                          const std::vector<std::pair<std::string, uint64_t>>& overflow, const KpiCommit& kpi,
                          const ScrapeBaselineRow* baseline) {
  Status s = Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  auto fail = [&](const char* what) {
    Status e = Status::IoError(fmt::format("store: {}: {}", what, sqlite3_errmsg(db_)));
    Exec("ROLLBACK");
    return e;
  };
  Stmt up(db_,
          "INSERT INTO slots(slo, cohort, slot_start, valid, good, sum) VALUES(?,?,?,?,?,?) "
          "ON CONFLICT(slo, cohort, slot_start) DO UPDATE SET valid = valid + excluded.valid, "
          "good = good + excluded.good, sum = sum + excluded.sum");
  if (!up.ok()) return fail("prepare");
  for (const SlotDelta& d : deltas) {
    up.Bind(1, d.slo).Bind(2, d.cohort).Bind(3, d.slot_start).Bind(4, static_cast<int64_t>(d.valid));
    up.Bind(5, static_cast<int64_t>(d.good)).Bind(6, d.sum);
    if (up.Step() != SQLITE_DONE) return fail("slots");
    up.Reset();
  }
  Stmt of(db_,
          "INSERT INTO slo_meta(slo, overflow) VALUES(?, ?) ON CONFLICT(slo) DO UPDATE SET overflow = overflow + "
          "excluded.overflow");
  for (const auto& [slo, n] : overflow) {
    if (n == 0) continue;
    if (of.Bind(1, slo).Bind(2, static_cast<int64_t>(n)).Step() != SQLITE_DONE) return fail("overflow");
    of.Reset();
  }
  if (!kpi.buckets.empty()) {
    Stmt kb(db_, "INSERT OR REPLACE INTO kpi_buckets(series, start, count, sum, max, sketch) VALUES(?,?,?,?,?,?)");
    if (!kb.ok()) return fail("prepare");
    for (const KpiBucketRow& r : kpi.buckets) {
      kb.Bind(1, r.series).Bind(2, r.start).Bind(3, static_cast<int64_t>(r.count)).Bind(4, r.sum).Bind(5, r.max);
      if (kb.BindBlob(6, r.sketch).Step() != SQLITE_DONE) return fail("kpi buckets");
      kb.Reset();
    }
    Stmt range(db_, "INSERT OR REPLACE INTO counters(name, value) VALUES('kpi_data_start', ?), ('kpi_data_end', ?)");
    if (range.Bind(1, kpi.data_start).Bind(2, kpi.data_end).Step() != SQLITE_DONE) return fail("kpi range");
  }
  if (baseline != nullptr) {
    Stmt sb(db_, "INSERT OR REPLACE INTO scrape_baselines(target, state) VALUES(?, ?)");
    if (sb.Bind(1, baseline->target).BindBlob(2, baseline->state).Step() != SQLITE_DONE)
      return fail("scrape baseline");
  }
  if (!key.empty()) {
    Stmt b(db_, "INSERT INTO batches(key, events, received) VALUES(?, ?, ?)");
    if (b.Bind(1, key).Bind(2, static_cast<int64_t>(events)).Bind(3, WallNs()).Step() != SQLITE_DONE)
      return fail("batches");
  }
  Stmt c(db_,
         "INSERT INTO counters(name, value) VALUES('events', ?), ('batches', 1) ON CONFLICT(name) DO UPDATE SET "
         "value = value + excluded.value");
  if (c.Bind(1, static_cast<int64_t>(events)).Step() != SQLITE_DONE) return fail("counters");
  return Exec("COMMIT");
}

Status Store::ForEachSlot(const std::function<void(const SlotDelta&)>& fn) {
  Stmt q(db_, "SELECT slo, cohort, slot_start, valid, good, sum FROM slots");
  SlotDelta d;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    d.slo = q.Text(0);
    d.cohort = q.Text(1);
    d.slot_start = q.Int(2);
    d.valid = static_cast<uint64_t>(q.Int(3));
    d.good = static_cast<uint64_t>(q.Int(4));
    d.sum = q.Double(5);
    fn(d);
  }
  if (rc != SQLITE_DONE) return Status::IoError(fmt::format("store: reading slots: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

uint64_t Store::overflow(const std::string& slo) {
  Stmt q(db_, "SELECT overflow FROM slo_meta WHERE slo = ?");
  return q.Bind(1, slo).Step() == SQLITE_ROW ? static_cast<uint64_t>(q.Int(0)) : 0;
}

uint64_t Store::events_total() {
  Stmt q(db_, "SELECT value FROM counters WHERE name = 'events'");
  return q.Step() == SQLITE_ROW ? static_cast<uint64_t>(q.Int(0)) : 0;
}

uint64_t Store::batches_total() {
  Stmt q(db_, "SELECT value FROM counters WHERE name = 'batches'");
  return q.Step() == SQLITE_ROW ? static_cast<uint64_t>(q.Int(0)) : 0;
}

std::string Store::Fingerprint(const std::string& slo) {
  Stmt q(db_, "SELECT fingerprint FROM slo_meta WHERE slo = ?");
  return q.Bind(1, slo).Step() == SQLITE_ROW ? q.Text(0) : "";
}

Status Store::SetFingerprint(const std::string& slo, const std::string& fingerprint) {
  Stmt q(db_,
         "INSERT INTO slo_meta(slo, fingerprint) VALUES(?, ?) ON CONFLICT(slo) DO UPDATE SET fingerprint = "
         "excluded.fingerprint");
  if (q.Bind(1, slo).Bind(2, fingerprint).Step() != SQLITE_DONE)
    return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

Status Store::DropSlo(const std::string& slo) {
  for (const char* sql : {"DELETE FROM slots WHERE slo = ?", "DELETE FROM incidents WHERE slo = ?",
                          "UPDATE slo_meta SET overflow = 0 WHERE slo = ?"}) {
    Stmt q(db_, sql);
    if (q.Bind(1, slo).Step() != SQLITE_DONE) return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  }
  return Status::Ok();
}

Status Store::ForEachKpiBucket(const std::function<void(const KpiBucketRow&)>& fn) {
  Stmt q(db_, "SELECT series, start, count, sum, max, sketch FROM kpi_buckets");
  KpiBucketRow r;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    r.series = q.Text(0);
    r.start = q.Int(1);
    r.count = static_cast<uint64_t>(q.Int(2));
    r.sum = q.Double(3);
    r.max = q.Double(4);
    r.sketch = q.Blob(5);
    fn(r);
  }
  if (rc != SQLITE_DONE) return Status::IoError(fmt::format("store: reading KPI buckets: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

void Store::KpiDataRange(TimeNs* start, TimeNs* end) {
  Stmt q(db_, "SELECT name, value FROM counters WHERE name IN ('kpi_data_start', 'kpi_data_end')");
  *start = *end = 0;
  while (q.Step() == SQLITE_ROW) (q.Text(0) == "kpi_data_start" ? *start : *end) = q.Int(1);
}

std::string Store::ScrapeBaseline(const std::string& target) {
  Stmt q(db_, "SELECT state FROM scrape_baselines WHERE target = ?");
  return q.Bind(1, target).Step() == SQLITE_ROW ? q.Blob(0) : "";
}

std::string Store::KpiFingerprint(const std::string& series) {
  Stmt q(db_, "SELECT fingerprint FROM kpi_meta WHERE series = ?");
  return q.Bind(1, series).Step() == SQLITE_ROW ? q.Text(0) : "";
}

Status Store::SetKpiFingerprint(const std::string& series, const std::string& fingerprint) {
  Stmt q(db_, "INSERT OR REPLACE INTO kpi_meta(series, fingerprint) VALUES(?, ?)");
  if (q.Bind(1, series).Bind(2, fingerprint).Step() != SQLITE_DONE)
    return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

Status Store::DropKpiSeries(const std::string& series) {
  Stmt q(db_, "DELETE FROM kpi_buckets WHERE series = ?");
  if (q.Bind(1, series).Step() != SQLITE_DONE) return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

Status Store::SaveIncident(const StoredIncident& i) {
  Stmt q(db_,
         "INSERT INTO incidents(slo, cohort, severity, start, end_time, open, peak_burn) VALUES(?,?,?,?,?,?,?) "
         "ON CONFLICT(slo, cohort, severity, start) DO UPDATE SET end_time = excluded.end_time, open = "
         "excluded.open, peak_burn = excluded.peak_burn");
  q.Bind(1, i.slo).Bind(2, i.cohort).Bind(3, i.severity).Bind(4, i.start).Bind(5, i.end);
  q.Bind(6, static_cast<int64_t>(i.open)).Bind(7, i.peak_burn);
  if (q.Step() != SQLITE_DONE) return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

std::vector<StoredIncident> Store::Incidents(const std::string& slo) {
  Stmt q(db_,
         "SELECT cohort, severity, start, end_time, open, peak_burn FROM incidents WHERE slo = ? ORDER BY start");
  q.Bind(1, slo);
  std::vector<StoredIncident> out;
  while (q.Step() == SQLITE_ROW)
    out.push_back({slo, q.Text(0), q.Text(1), q.Int(2), q.Int(3), q.Int(4) != 0, q.Double(5)});
  return out;
}

Status Store::Compact(TimeNs before, TimeNs kpi_before, TimeNs keys_before, uint64_t* dropped) {
  Stmt q(db_, "DELETE FROM slots WHERE slot_start < ?");
  if (q.Bind(1, before).Step() != SQLITE_DONE) return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  if (dropped) *dropped = static_cast<uint64_t>(sqlite3_changes(db_));
  Stmt kq(db_, "DELETE FROM kpi_buckets WHERE start < ?");
  if (kq.Bind(1, kpi_before).Step() != SQLITE_DONE)
    return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  Stmt k(db_, "DELETE FROM batches WHERE received < ?");
  if (k.Bind(1, keys_before).Step() != SQLITE_DONE)
    return Status::IoError(fmt::format("store: {}", sqlite3_errmsg(db_)));
  return Status::Ok();
}

}  // namespace slokit::server
