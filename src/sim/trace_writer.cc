// Trace output: events formatted by hand into one reusable block buffer (digits two at a time,
// the date part of timestamps cached per day) and written out in 1 MiB blocks, raw or through
// zlib. Formatting is about a third of the cost of a trace, so it avoids any allocation.
#include <fmt/format.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "sim/random.h"
#include "sim/simulator.h"

namespace slokit::sim {
namespace {

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

constexpr std::string_view kCsvHeader =
    "ts,request_id,model,deployment,region,language,tier,endpoint,status,error_type,"
    "prompt_tokens,completion_tokens,queue_ms,ttft_ms,itl_ms,e2e_ms,cache_hit,quality_score,"
    "hallucination,maintenance\n";

// Appends a string literal (without its terminating NUL).
template <size_t N>
inline char* Put(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}

inline char* Put(char* p, std::string_view s) {
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may hold a null pointer
  return p + s.size();
}

inline char* PutPair(char* p, unsigned v) {  // v < 100, two digits
  std::memcpy(p, kDigitPairs + 2 * v, 2);
  return p + 2;
}

char* PutUint(char* p, uint64_t v) {
  char tmp[20];
  char* const end = tmp + sizeof tmp;
  char* q = end;
  while (v >= 100) {
    q -= 2;
    std::memcpy(q, kDigitPairs + 2 * (v % 100), 2);
    v /= 100;
  }
  if (v >= 10) {
    q -= 2;
    std::memcpy(q, kDigitPairs + 2 * v, 2);
  } else {
    *--q = static_cast<char>('0' + v);
  }
  std::memcpy(p, q, static_cast<size_t>(end - q));
  return p + (end - q);
}

char* PutInt(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return PutUint(p, 0 - static_cast<uint64_t>(v));
  }
  return PutUint(p, static_cast<uint64_t>(v));
}

// A number with at most one decimal: "12", "12.5".
char* PutTenths(char* p, double x) {
  int64_t t = RoundToInt(x * 10);
  if (t < 0) {
    *p++ = '-';
    t = -t;
  }
  p = PutUint(p, static_cast<uint64_t>(t / 10));
  if (t % 10 != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + t % 10);
  }
  return p;
}

// A score in [0, 1] with at most three decimals: "0", "0.9", "0.875", "1".
char* PutScore(char* p, double x) {
  int64_t k = RoundToInt(x * 1000);
  if (k >= 1000) return Put(p, "1");
  if (k <= 0) return Put(p, "0");
  char digits[3] = {static_cast<char>('0' + k / 100), static_cast<char>('0' + k / 10 % 10),
                    static_cast<char>('0' + k % 10)};
  int n = 3;
  while (digits[n - 1] == '0') --n;
  p = Put(p, "0.");
  std::memcpy(p, digits, static_cast<size_t>(n));
  return p + n;
}

char* PutHex16(char* p, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    p[i] = kHex[v & 15];
    v >>= 4;
  }
  return p + 16;
}

char* PutBool(char* p, bool b) { return b ? Put(p, "true") : Put(p, "false"); }

}  // namespace

std::string_view EventFormatter::Header() const {
  return format_ == SimulateOptions::Format::kCsv ? kCsvHeader : std::string_view();
}

// "2026-10-01T00:00:00.123Z".
char* EventFormatter::AppendTimestamp(TimeNs ts, char* p) {
  const int64_t day = FloorDiv(ts, kDay);
  if (day != cached_day_) {
    int64_t year;
    unsigned month, mday;
    CivilFromDays(day, &year, &month, &mday);
    char* d = date_;
    d = PutPair(d, static_cast<unsigned>(year / 100 % 100));
    d = PutPair(d, static_cast<unsigned>(year % 100));
    *d++ = '-';
    d = PutPair(d, month);
    *d++ = '-';
    d = PutPair(d, mday);
    *d = 'T';
    cached_day_ = day;
  }
  std::memcpy(p, date_, sizeof date_);
  p += sizeof date_;
  const int64_t ms = (ts - day * kDay) / kMillisecond;
  const auto second = static_cast<unsigned>(ms / 1000);
  const auto milli = static_cast<unsigned>(ms % 1000);
  p = PutPair(p, second / 3600);
  *p++ = ':';
  p = PutPair(p, second / 60 % 60);
  *p++ = ':';
  p = PutPair(p, second % 60);
  *p++ = '.';
  *p++ = static_cast<char>('0' + milli / 100);
  p = PutPair(p, milli % 100);
  *p++ = 'Z';
  return p;
}

char* EventFormatter::Append(const Event& e, char* p) {
  if (format_ == SimulateOptions::Format::kCsv) {
    p = AppendTimestamp(e.ts, p);
    p = Put(p, ",req-");
    p = PutHex16(p, e.request_id);
    for (std::string_view s : {e.model, e.deployment, e.region, e.language, e.tier, e.endpoint}) {
      *p++ = ',';
      p = Put(p, s);
    }
    *p++ = ',';
    p = PutInt(p, e.status);
    *p++ = ',';
    p = Put(p, e.error_type);
    *p++ = ',';
    p = PutInt(p, e.prompt_tokens);
    *p++ = ',';
    p = PutInt(p, e.completion_tokens);
    for (double v : {e.queue_ms, e.ttft_ms, e.itl_ms, e.e2e_ms}) {
      *p++ = ',';
      p = PutTenths(p, v);
    }
    *p++ = ',';
    p = PutBool(p, e.cache_hit);
    *p++ = ',';
    if (e.has_quality) p = PutScore(p, e.quality_score);
    *p++ = ',';
    if (e.has_quality) p = PutBool(p, e.hallucination);
    *p++ = ',';
    if (e.maintenance) p = Put(p, "true");
    *p++ = '\n';
    return p;
  }
  p = Put(p, "{\"ts\":\"");
  p = AppendTimestamp(e.ts, p);
  p = Put(p, "\",\"request_id\":\"req-");
  p = PutHex16(p, e.request_id);
  p = Put(p, "\",\"model\":\"");
  p = Put(p, e.model);
  p = Put(p, "\",\"deployment\":\"");
  p = Put(p, e.deployment);
  p = Put(p, "\",\"region\":\"");
  p = Put(p, e.region);
  p = Put(p, "\",\"language\":\"");
  p = Put(p, e.language);
  p = Put(p, "\",\"tier\":\"");
  p = Put(p, e.tier);
  p = Put(p, "\",\"endpoint\":\"");
  p = Put(p, e.endpoint);
  p = Put(p, "\",\"status\":");
  p = PutInt(p, e.status);
  if (!e.error_type.empty()) {
    p = Put(p, ",\"error_type\":\"");
    p = Put(p, e.error_type);
    *p++ = '"';
  }
  p = Put(p, ",\"prompt_tokens\":");
  p = PutInt(p, e.prompt_tokens);
  p = Put(p, ",\"completion_tokens\":");
  p = PutInt(p, e.completion_tokens);
  p = Put(p, ",\"queue_ms\":");
  p = PutTenths(p, e.queue_ms);
  p = Put(p, ",\"ttft_ms\":");
  p = PutTenths(p, e.ttft_ms);
  p = Put(p, ",\"itl_ms\":");
  p = PutTenths(p, e.itl_ms);
  p = Put(p, ",\"e2e_ms\":");
  p = PutTenths(p, e.e2e_ms);
  p = Put(p, ",\"cache_hit\":");
  p = PutBool(p, e.cache_hit);
  if (e.has_quality) {
    p = Put(p, ",\"quality_score\":");
    p = PutScore(p, e.quality_score);
    p = Put(p, ",\"hallucination\":");
    p = PutBool(p, e.hallucination);
  }
  if (e.maintenance) p = Put(p, ",\"maintenance\":true");
  return Put(p, "}\n");
}

std::string EventFormatter::Format(const Event& e) {
  char buf[kMaxEventBytes];
  return std::string(buf, Append(e, buf));
}

namespace {

// Where the trace goes: stdout, a file, or a gzip stream.
class Output {
 public:
  ~Output() {
    if (gz_ != nullptr) gzclose(gz_);
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  }

  Status Open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      file_ = stdout;
    } else if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
      // Level 1: traces still compress ~6x, and higher levels would make zlib the bottleneck.
      gz_ = gzopen(path.c_str(), "wb1");
      if (gz_ == nullptr) return Error("cannot open");
      gzbuffer(gz_, 1 << 18);
    } else {
      file_ = std::fopen(path.c_str(), "wb");
      if (file_ == nullptr) return Error("cannot open");
    }
    return Status::Ok();
  }

  Status Write(const char* data, size_t n) {
    if (n == 0) return Status::Ok();
    if (gz_ != nullptr) {
      if (gzwrite(gz_, data, static_cast<unsigned>(n)) != static_cast<int>(n)) {
        return Error("cannot write");
      }
    } else if (std::fwrite(data, 1, n, file_) != n) {
      return Error("cannot write");
    }
    return Status::Ok();
  }

  // Flushes and closes; sets *file_bytes to what the output holds.
  Status Close(uint64_t bytes, uint64_t* file_bytes) {
    *file_bytes = bytes;
    if (gz_ != nullptr) {
      int rc = gzclose(gz_);
      gz_ = nullptr;
      if (rc != Z_OK) return Error("cannot write");
      struct stat st;
      if (stat(path_.c_str(), &st) == 0) *file_bytes = static_cast<uint64_t>(st.st_size);
    } else if (file_ == stdout) {
      if (std::fflush(stdout) != 0) return Error("cannot write");
    } else if (file_ != nullptr) {
      int rc = std::fclose(file_);
      file_ = nullptr;
      if (rc != 0) return Error("cannot write");
    }
    return Status::Ok();
  }

 private:
  Status Error(std::string_view what) const {
    const char* reason = errno != 0 ? std::strerror(errno) : "error";
    return Status::IoError(fmt::format("{} {}: {}", what, path_ == "-" ? "stdout" : path_, reason));
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
};

}  // namespace

Status WriteTrace(const SimulateOptions& options, const std::string& path, TraceStats* stats,
                  const ProgressFn& progress) {
  *stats = TraceStats();
  if (Status s = ValidateOptions(options); !s.ok()) return s;
  Output out;
  errno = 0;
  if (Status s = out.Open(path); !s.ok()) return s;

  constexpr size_t kBlock = size_t{1} << 20;
  std::unique_ptr<char[]> buffer(new char[kBlock + EventFormatter::kMaxEventBytes]);
  char* const begin = buffer.get();
  EventFormatter formatter(options.format);
  std::string_view header = formatter.Header();
  char* p = Put(begin, header);

  Simulator simulator(options);
  Event event;
  uint64_t events = 0, bytes = 0;
  while (simulator.Next(&event)) {
    p = formatter.Append(event, p);
    ++events;
    if (static_cast<size_t>(p - begin) >= kBlock) {
      if (Status s = out.Write(begin, static_cast<size_t>(p - begin)); !s.ok()) return s;
      bytes += static_cast<uint64_t>(p - begin);
      p = begin;
      if (progress) progress(simulator.Progress(), events);
    }
  }
  if (Status s = out.Write(begin, static_cast<size_t>(p - begin)); !s.ok()) return s;
  bytes += static_cast<uint64_t>(p - begin);
  stats->events = events;
  stats->bytes = bytes;
  if (Status s = out.Close(bytes, &stats->file_bytes); !s.ok()) return s;
  if (progress) progress(1, events);
  return Status::Ok();
}

Status WriteTrace(const SimulateOptions& options, const std::string& path,
                  uint64_t* events_written) {
  TraceStats stats;
  Status s = WriteTrace(options, path, &stats, nullptr);
  if (events_written != nullptr) *events_written = stats.events;
  return s;
}

}  // namespace slokit::sim
