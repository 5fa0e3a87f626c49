// JSON lines with simdjson On-Demand. Each line is parsed in place inside the chunk buffer (the
// chunk's slack is simdjson's padding), and only the keys a spec reads are looked at: everything
// else is skipped structurally, never materialised. Strings without escapes are views into the
// chunk; escaped ones are unescaped by simdjson into the parser's string buffer, which holds every
// string of the current line until the next line is parsed.
#include "io/jsonl_reader.h"

#include <simdjson.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"
#include "io/read_context.h"

namespace slokit::io {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && s[i] == '-') ++i;
  if (i < n && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == n;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

const char* DescribeError(error_code e) {
  switch (e) {
    case simdjson::UTF8_ERROR:
      return "invalid UTF-8";
    case simdjson::UNCLOSED_STRING:
      return "unclosed string";
    case simdjson::STRING_ERROR:
      return "bad string escape";
    case simdjson::NUMBER_ERROR:
      return "bad number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "bad literal";
    case simdjson::DEPTH_ERROR:
      return "nested too deeply";
    case simdjson::CAPACITY:
      return "line too long";
    default:
      return "malformed object";
  }
}

// What a key path means to the reader. Paths are dotted from the top-level object.
struct Target {
  std::string path;
  int field = -1;           // FieldSet index of this exact path
  bool time = false;        // the time field
  bool prefix = false;      // some wanted path lies below it
  std::vector<int> below;   // FieldSet indices below it (cleared when it is seen again)
  bool time_below = false;  // the time field lies below it
};

// Open-addressing map from key path to Target. Every key of every line is looked up, so the
// hash is deliberately cheap (length and three bytes): std::hash made up a third of parse time.
class PathTable {
 public:
  void Build(const std::vector<const Target*>& targets) {
    size_t capacity = 64;  // sparse: most keys miss, and should find an empty slot at once
    while (capacity < targets.size() * 8) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Target* t : targets) {
      uint64_t h = Hash(t->path);
      size_t i = h & mask_;
      while (slots_[i].target != nullptr) i = (i + 1) & mask_;
      slots_[i] = Slot{h, t};
    }
  }

  const Target* Find(std::string_view key) const {
    uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.target == nullptr) return nullptr;
      if (slot.hash == h && Equal(slot.target->path, key)) return slot.target;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    const Target* target = nullptr;
  };

  // Keys are short: an inlined loop beats a call to memcmp.
  static bool Equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

  static uint64_t Hash(std::string_view s) {
    uint64_t h = s.size();
    if (!s.empty()) {
      h |= uint64_t{static_cast<uint8_t>(s[0])} << 8 |
           uint64_t{static_cast<uint8_t>(s[s.size() / 2])} << 16 |
           uint64_t{static_cast<uint8_t>(s.back())} << 24;
    }
    return (h * 0x9E3779B97F4A7C15ULL) >> 20;
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

class JsonLinesParser final : public ChunkConsumer {
 public:
  explicit JsonLinesParser(ReadContext* ctx) : ctx_(ctx) {
    const FieldSet& fields = ctx->fields();
    for (size_t i = 0; i < fields.size(); ++i)
      AddPath(fields.name(static_cast<int>(i)), static_cast<int>(i));
    AddPath(ctx->options().time_field, -1);
    std::vector<const Target*> all;
    for (const auto& [path, target] : targets_) all.push_back(&target);
    table_.Build(all);
    path_.reserve(256);
  }

  // For parallel reading: the number of physical lines before the next chunk.
  void set_lines_before(uint64_t lines) { line_ = lines; }
  uint64_t lines() const { return line_; }

  Status Consume(char* data, size_t len, bool eof, size_t* consumed) override {
    return ConsumeLines(data, len, eof, consumed, &line_,
                        [this](const char* line, size_t n, size_t readable) { return ParseLine(line, n, readable); });
  }

 private:
  enum class TimeState { kMissing, kOk, kBad };

  void AddPath(std::string_view name, int field) {
    Target& t = Get(name);
    if (field >= 0)
      t.field = field;
    else
      t.time = true;
    for (size_t dot = name.find('.'); dot != std::string_view::npos;
         dot = name.find('.', dot + 1)) {
      Target& p = Get(name.substr(0, dot));
      p.prefix = true;
      if (field >= 0)
        p.below.push_back(field);
      else
        p.time_below = true;
    }
  }

  static Target MakeTarget(std::string_view path) {
    Target t;
    t.path = std::string(path);
    return t;
  }

  Target& Get(std::string_view path) {
    auto it = targets_.find(path);
    if (it == targets_.end()) it = targets_.emplace(std::string(path), MakeTarget(path)).first;
    return it->second;
  }

  // `line` has at least `readable` readable bytes (line length plus simdjson's padding).
  Status ParseLine(const char* line, size_t len, size_t readable) {
    size_t i = 0;
    if (line_ == 1 && len >= 3 && std::memcmp(line, "\xEF\xBB\xBF", 3) == 0) i = 3;  // BOM
    while (i < len && IsJsonSpace(line[i])) ++i;
    if (i == len) return Status::Ok();  // blank lines are not data
    ReadStats* stats = ctx_->stats();
    ++stats->lines;
    if (line[i] != '{')
      return ctx_->BadLine(line_, [] { return std::string("not a JSON object"); });

    record_.Reset(ctx_->fields().size());
    time_state_ = TimeState::kMissing;
    error_path_ = nullptr;
    line_end_ = line + len;
    // Almost no line has a backslash; one memchr lets keys and strings skip the escape scan.
    line_has_backslash_ = std::memchr(line, '\\', len) != nullptr;
    path_.clear();
    od::document doc;
    od::object root;
    error_code err = parser_.iterate(line + i, len - i, readable - i).get(doc);
    if (!err) err = doc.get_object().get(root);
    if (!err) err = WalkObject(root, 0);
    if (!err && doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
      err = simdjson::TAPE_ERROR;
    if (err) {
      return ctx_->BadLine(line_, [&] {
        std::string reason = std::string("invalid JSON: ") + DescribeError(err);
        if (error_path_ != nullptr) reason += " in field \"" + error_path_->path + "\"";
        return reason;
      });
    }
    if (time_state_ == TimeState::kMissing)
      return ctx_->BadLine(line_, [&] { return ctx_->MissingTime(); });
    if (time_state_ == TimeState::kBad)
      return ctx_->BadLine(line_, [&] { return ctx_->BadTime(); });
    record_.time_ns = time_ns_;
    ctx_->Emit(record_);
    return Status::Ok();
  }

  // Walks one object whose dotted path (empty at the top) is in path_.
  error_code WalkObject(od::object& object, int depth) {
    const size_t base = path_.size();
    for (auto result : object) {
      od::field field;
      if (error_code err = std::move(result).get(field)) return err;
      std::string_view key;
      if (error_code err = ReadKey(field, &key)) return err;
      std::string_view path = key;
      if (depth > 0) {
        path_.resize(base);
        path_ += '.';
        path_ += key;
        path = path_;
      }
      const Target* target = table_.Find(path);
      if (target == nullptr) continue;  // not wanted: On-Demand skips the value unread
      if (error_code err = TakeValue(*target, field.value(), depth)) {
        if (error_path_ == nullptr) error_path_ = target;
        return err;
      }
    }
    path_.resize(base);
    return simdjson::SUCCESS;
  }

  error_code TakeValue(const Target& target, od::value value, int depth) {
    od::json_type type;
    if (error_code err = value.type().get(type)) return err;
    Value out;  // missing unless set below: arrays and objects are not values
    bool time_ok = false;
    if (target.prefix) {
      // The key is seen again: whatever an earlier occurrence set below it no longer counts.
      for (int f : target.below) record_.values[static_cast<size_t>(f)] = Value{};
      if (target.time_below) time_state_ = TimeState::kMissing;
    }
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        if (error_code err = ReadString(value, &s)) return err;
        out = Value::String(s);
        if (target.time) time_ok = SetTime(ParseTimestamp(s));
        break;
      }
      case od::json_type::number: {
        if (target.time) {
          // From the token text, so integer stamps (ns, us) keep every digit.
          std::string_view token = TrimRight(value.raw_json_token());
          time_ok = SetTime(IsJsonNumber(token) ? ParseTimestamp(token) : std::nullopt);
        }
        if (target.field >= 0) {
          double d;
          if (error_code err = value.get_double().get(d)) return err;
          out = Value::Number(d);
        }
        break;
      }
      case od::json_type::boolean: {
        bool b;
        if (error_code err = value.get_bool().get(b)) return err;
        out = Value::Bool(b);
        break;
      }
      case od::json_type::null: {
        bool is_null;
        if (error_code err = value.is_null().get(is_null)) return err;
        if (!is_null) return simdjson::N_ATOM_ERROR;
        out = Value::Null();
        break;
      }
      case od::json_type::object:
        if (target.prefix) {
          od::object object;
          if (error_code err = value.get_object().get(object)) return err;
          if (depth == 0) path_.assign(target.path);
          if (error_code err = WalkObject(object, depth + 1)) return err;
        }
        break;
      case od::json_type::array:
        break;
    }
    if (target.time && !time_ok) time_state_ = TimeState::kBad;
    if (target.field >= 0) record_.values[static_cast<size_t>(target.field)] = out;
    return simdjson::SUCCESS;
  }

  // A key: a view into the line when it has no escapes, else simdjson's unescaped copy.
  error_code ReadKey(od::field& field, std::string_view* out) {
    const char* begin = field.key().raw();  // just past the opening quote
    const char* p;
    if (!line_has_backslash_) {
      // The closing quote is the last '"' before the ':' that precedes the value: no scan.
      p = field.value().raw_json_token().data() - 1;
      while (p > begin && IsJsonSpace(*p)) --p;
      if (p > begin && *p == ':') --p;
      while (p > begin && IsJsonSpace(*p)) --p;
    } else {
      p = begin;
      while (p < line_end_ && *p != '"' && *p != '\\') ++p;
    }
    if (p >= begin && p < line_end_ && *p == '"') {
      *out = std::string_view(begin, static_cast<size_t>(p - begin));
      return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(*out);
  }

  // A string value: a view into the line when it has no escapes, else simdjson's unescaped copy.
  error_code ReadString(od::value& value, std::string_view* out) {
    std::string_view token = value.raw_json_token();  // starts with the opening quote
    const char* begin = token.data() + 1;
    const char* end = token.data() + token.size();
    const char* p;
    if (!line_has_backslash_) {
      p = end - 1;  // the token runs to the next structural: the quote, then maybe blanks
      while (p > begin && IsJsonSpace(*p)) --p;
    } else {
      p = begin;
      while (p < end && *p != '"' && *p != '\\') ++p;
    }
    if (p >= begin && p < end && *p == '"') {
      *out = std::string_view(begin, static_cast<size_t>(p - begin));
      return simdjson::SUCCESS;
    }
    return value.get_string().get(*out);
  }

  bool SetTime(std::optional<TimeNs> t) {
    if (!t) return false;
    time_state_ = TimeState::kOk;
    time_ns_ = *t;
    return true;
  }

  ReadContext* ctx_;
  std::map<std::string, Target, std::less<>> targets_;  // owns the Targets
  PathTable table_;
  od::parser parser_;
  Record record_;
  std::string path_;   // dotted path of the object being walked
  uint64_t line_ = 0;  // physical line number of the current line
  const char* line_end_ = nullptr;
  bool line_has_backslash_ = false;
  TimeState time_state_ = TimeState::kMissing;
  TimeNs time_ns_ = 0;
  const Target* error_path_ = nullptr;  // the field whose value was malformed
};

}  // namespace

struct JsonLinesBlockParser::Impl {
  Impl(std::string_view name, const FieldSet& fields, const ReadOptions& options, const RecordSink& sink,
       ReadStats* stats)
      : ctx(name, fields, options, sink, stats), parser(&ctx) {}
  ReadContext ctx;
  JsonLinesParser parser;
};

JsonLinesBlockParser::JsonLinesBlockParser(std::string_view name, const FieldSet& fields, const ReadOptions& options,
                                           const RecordSink& sink, ReadStats* stats)
    : impl_(std::make_unique<Impl>(name, fields, options, sink, stats)) {}
JsonLinesBlockParser::~JsonLinesBlockParser() = default;

Status JsonLinesBlockParser::Parse(char* data, size_t len, uint64_t lines_before, uint64_t* lines_after) {
  impl_->parser.set_lines_before(lines_before);
  size_t consumed;
  Status s = impl_->parser.Consume(data, len, /*eof=*/true, &consumed);
  if (lines_after) *lines_after = impl_->parser.lines();
  return s;
}

void JsonLinesBlockParser::set_stats(ReadStats* stats) { impl_->ctx.set_stats(stats); }

Status ReadJsonLinesFrom(ByteSource* source, std::string_view name, const FieldSet& fields,
                         const ReadOptions& options, const RecordSink& sink, ReadStats* stats,
                         size_t chunk_size) {
  return ReadWithParser<JsonLinesParser>(source, name, fields, options, sink, stats, chunk_size);
}

}  // namespace slokit::io
