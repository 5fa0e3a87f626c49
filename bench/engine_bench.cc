// Hot paths of `slokit report`: reading JSON lines into Records, and pushing Records into the
// Evaluator for every SLO of the example spec. The peers for the reader are nlohmann::json, the
// usual choice for JSON in C++, extracting the same fields in the same binary, and simdjson's
// DOM parser over the whole trace (parse_many), which extracts nothing: the time a fast general
// parser needs just to read the bytes. The peer for PushBatch is Push, one record at a time.
//   build/bench/engine_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/time.h"
#include "engine/evaluator.h"
#include "io/event_reader.h"
#include "sim/simulator.h"
#include "spec/loader.h"

namespace slokit {
namespace {

const Spec& ExampleSpec() {
  static Spec* spec = [] {
    auto* s = new Spec;
    Status st = LoadSpecFile(std::string(SLOKIT_SOURCE_DIR) + "/examples/chat-service.yaml", s, nullptr);
    if (!st.ok()) std::abort();
    return s;
  }();
  return *spec;
}

// 200k simulated events as JSON lines, made once.
const std::string& Trace() {
  static std::string* trace = [] {
    sim::SimulateOptions o;
    o.scenario = sim::Scenario::kIncident;
    o.rate = 2;
    o.max_events = 200000;
    sim::Simulator simulator(o);
    sim::EventFormatter formatter(o.format);
    auto* out = new std::string;
    std::vector<char> buf(sim::EventFormatter::kMaxEventBytes);
    sim::Event e;
    while (simulator.Next(&e)) out->append(buf.data(), formatter.Append(e, buf.data()));
    return out;
  }();
  return *trace;
}

void BM_ReadJsonLines_Slokit(benchmark::State& state) {
  const std::string& trace = Trace();
  ReadOptions ro;
  uint64_t records = 0;
  for (auto _ : state) {
    ReadStats stats;
    Status s = ReadJsonLines(trace, "bench", ExampleSpec().fields, ro, [](const Record&) {}, &stats);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    records += stats.records;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * trace.size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_ReadJsonLines_Slokit)->Unit(benchmark::kMillisecond);

// The peer: nlohmann::json parses each line into a DOM, then the same fields are picked out.
void BM_ReadJsonLines_Nlohmann(benchmark::State& state) {
  const std::string& trace = Trace();
  const FieldSet& fields = ExampleSpec().fields;
  Record r;
  uint64_t records = 0;
  for (auto _ : state) {
    size_t pos = 0;
    while (pos < trace.size()) {
      size_t nl = trace.find('\n', pos);
      nlohmann::json j = nlohmann::json::parse(trace.begin() + static_cast<long>(pos),
                                               trace.begin() + static_cast<long>(nl));
      r.Reset(fields.size());
      r.time_ns = ParseRfc3339(j["ts"].get_ref<const std::string&>()).value_or(0);
      for (auto it = j.begin(); it != j.end(); ++it) {
        int f = fields.Find(it.key());
        if (f < 0) continue;
        const auto& v = it.value();
        if (v.is_number()) r.values[static_cast<size_t>(f)] = Value::Number(v.get<double>());
        else if (v.is_boolean()) r.values[static_cast<size_t>(f)] = Value::Bool(v.get<bool>());
        else if (v.is_string()) r.values[static_cast<size_t>(f)] = Value::String(v.get_ref<const std::string&>());
      }
      benchmark::DoNotOptimize(r);
      ++records;
      pos = nl + 1;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * trace.size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_ReadJsonLines_Nlohmann)->Unit(benchmark::kMillisecond);

// The floor of a general parser: simdjson builds each line's DOM (stage 1 over 1 MiB batches,
// then stage 2) and nothing is looked up.
void BM_ParseMany_SimdjsonDom(benchmark::State& state) {
  const simdjson::padded_string padded(Trace());
  simdjson::dom::parser parser;
  uint64_t records = 0;
  for (auto _ : state) {
    simdjson::dom::document_stream docs;
    if (parser.parse_many(padded, 1 << 20).get(docs)) state.SkipWithError("parse_many failed");
    for (auto doc : docs) {
      simdjson::dom::element e;
      if (doc.get(e)) state.SkipWithError("bad document");
      benchmark::DoNotOptimize(e);
      ++records;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Trace().size()));
  state.SetItemsProcessed(static_cast<int64_t>(records));
}
BENCHMARK(BM_ParseMany_SimdjsonDom)->Unit(benchmark::kMillisecond);

// Reading and evaluating: what `slokit report` does per event before the backtest.
void BM_ReadAndPush(benchmark::State& state) {
  const std::string& trace = Trace();
  ReadOptions ro;
  for (auto _ : state) {
    Evaluator ev(ExampleSpec());
    ReadStats stats;
    Status s = ReadJsonLines(trace, "bench", ExampleSpec().fields, ro, [&](const Record& r) { ev.Push(r); }, &stats);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    benchmark::DoNotOptimize(ev.data_end());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Trace().size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 200000));
}
BENCHMARK(BM_ReadAndPush)->Unit(benchmark::kMillisecond);

// The same through RecordBatch and PushBatch, as `slokit report` does it.
void BM_ReadAndPushBatch(benchmark::State& state) {
  const std::string& trace = Trace();
  ReadOptions ro;
  RecordBatch batch(ExampleSpec().fields.size());
  for (auto _ : state) {
    Evaluator ev(ExampleSpec());
    ReadStats stats;
    Status s = ReadJsonLines(trace, "bench", ExampleSpec().fields, ro,
                             [&](const Record& r) {
                               batch.Append(r);
                               if (batch.full()) {
                                 ev.PushBatch(batch);
                                 batch.Clear();
                               }
                             },
                             &stats);
    if (!s.ok()) state.SkipWithError(s.message().c_str());
    ev.PushBatch(batch);
    batch.Clear();
    benchmark::DoNotOptimize(ev.data_end());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * Trace().size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 200000));
}
BENCHMARK(BM_ReadAndPushBatch)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace slokit

BENCHMARK_MAIN();
