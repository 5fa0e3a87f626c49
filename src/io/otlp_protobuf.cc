#include "io/otlp_protobuf.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <functional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace slokit::io {
namespace {

using nlohmann::json;

enum WireType { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };
constexpr int kMaxValueDepth = 32;

struct Field {
  uint32_t number = 0;
  int type = 0;
  uint64_t value = 0;      // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kLength
  size_t offset = 0;       // of the field's tag in the request
};

// The fields of one message, in wire order. `base` is the message's offset in the request.
class FieldReader {
 public:
  FieldReader(std::string_view message, size_t base, const std::string& path)
      : p_(message.data()), end_(message.data() + message.size()), start_(message.data()), base_(base), path_(path) {}

  // False at the end of the message, or on malformed data (then *error is set).
  bool Next(Field* f, Status* error) {
    if (p_ == end_) return false;
    f->offset = base_ + static_cast<size_t>(p_ - start_);
    uint64_t tag;
    if (!Varint(&tag)) return Fail(error, f->offset, "truncated field tag");
    f->number = static_cast<uint32_t>(tag >> 3);
    f->type = static_cast<int>(tag & 7);
    if (f->number == 0 || (tag >> 3) > 0x1FFFFFFF) return Fail(error, f->offset, "invalid field number");
    switch (f->type) {
      case kVarint:
        if (!Varint(&f->value)) return Fail(error, f->offset, "truncated varint");
        return true;
      case kFixed64:
      case kFixed32: {
        const size_t n = f->type == kFixed64 ? 8 : 4;
        if (static_cast<size_t>(end_ - p_) < n) return Fail(error, f->offset, "truncated fixed-width field");
        f->value = 0;
        std::memcpy(&f->value, p_, n);  // little-endian on the wire and here
        p_ += n;
        return true;
      }
      case kLength: {
        uint64_t len;
        if (!Varint(&len)) return Fail(error, f->offset, "truncated length");
        if (len > static_cast<uint64_t>(end_ - p_)) return Fail(error, f->offset, "length past the end of its message");
        f->bytes = std::string_view(p_, static_cast<size_t>(len));
        p_ += len;
        return true;
      }
      default:  // groups (3, 4) are not part of OTLP; 6 and 7 do not exist
        return Fail(error, f->offset, fmt::format("unsupported wire type {}", f->type));
    }
  }

  // The offset of a length-delimited field's payload in the request.
  size_t PayloadOffset(const Field& f) const {
    return base_ + static_cast<size_t>(f.bytes.data() - start_);
  }

 private:
  bool Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const auto byte = static_cast<uint8_t>(*p_++);
      v |= uint64_t{byte & 0x7Fu} << shift;
      if ((byte & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool Fail(Status* error, size_t offset, const std::string& what) {
    *error = Status::ParseError(fmt::format("{}: {} (byte {})", path_.empty() ? "request" : path_, what, offset));
    return false;
  }

  const char* p_;
  const char* end_;
  const char* start_;
  size_t base_;
  const std::string& path_;
};

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out += kDigits[static_cast<uint8_t>(c) >> 4];
    out += kDigits[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8 |
                 static_cast<uint8_t>(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(n >> k) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Walks the messages of a request, building the JSON. Each method converts one message type.
class Converter {
 public:
  Status Request(std::string_view bytes, json* out) {
    *out = json::object();
    return Message(bytes, 0, "", [&](const FieldReader& r, const Field& f, const std::string& path) -> Status {
      if (f.number != 1) return Status::Ok();
      return Nested(r, f, path, "resourceSpans", out, &Converter::ResourceSpans);
    });
  }

 private:
  using Handler = std::function<Status(const FieldReader&, const Field&, const std::string&)>;
  using Convert = Status (Converter::*)(std::string_view, size_t, const std::string&, json*);

  // Runs `handle` on every field of a message.
  Status Message(std::string_view bytes, size_t base, const std::string& path, const Handler& handle) {
    FieldReader r(bytes, base, path);
    Field f;
    Status error;
    while (r.Next(&f, &error)) {
      Status s = handle(r, f, path);
      if (!s.ok()) return s;
    }
    return error;
  }

  static Status WrongType(const std::string& path, const Field& f) {
    return Status::ParseError(fmt::format("{}: field {} has wire type {} (byte {})", path.empty() ? "request" : path,
                                          f.number, f.type, f.offset));
  }

  // A message-typed field: converted into (*out)[key], appended when `key` names a list.
  Status Nested(const FieldReader& r, const Field& f, const std::string& path, const char* key, json* out,
                Convert convert, bool repeated = true) {
    if (f.type != kLength) return WrongType(path, f);
    json& slot = (*out)[key];
    // Built a piece at a time: GCC 12 warns falsely (-Wrestrict) on chained operator+.
    std::string child = path;
    if (!child.empty()) child += '.';
    child += key;
    json value = json::object();
    if (repeated) {
      if (!slot.is_array()) slot = json::array();
      child += '[';
      child += std::to_string(slot.size());
      child += ']';
    }
    Status s = (this->*convert)(f.bytes, r.PayloadOffset(f), child, &value);
    if (!s.ok()) return s;
    if (repeated) {
      slot.push_back(std::move(value));
    } else {
      slot = std::move(value);
    }
    return Status::Ok();
  }

  static Status String(const Field& f, const std::string& path, const char* key, json* out) {
    if (f.type != kLength) return WrongType(path, f);
    if (!simdjson::validate_utf8(f.bytes.data(), f.bytes.size()))
      return Status::ParseError(fmt::format("{}.{}: invalid UTF-8 (byte {})", path, key, f.offset));
    (*out)[key] = std::string(f.bytes);
    return Status::Ok();
  }

  static Status Fixed64(const Field& f, const std::string& path, const char* key, json* out) {
    if (f.type != kFixed64) return WrongType(path, f);
    (*out)[key] = std::to_string(f.value);  // 64-bit integers are strings in OTLP/JSON
    return Status::Ok();
  }

  static Status Id(const Field& f, const std::string& path, const char* key, json* out) {
    if (f.type != kLength) return WrongType(path, f);
    if (!f.bytes.empty()) (*out)[key] = Hex(f.bytes);  // proto3 leaves an empty id out
    return Status::Ok();
  }

  static Status Enum(const Field& f, const std::string& path, const char* key, json* out) {
    if (f.type != kVarint) return WrongType(path, f);
    (*out)[key] = static_cast<int64_t>(static_cast<int32_t>(f.value));
    return Status::Ok();
  }

  Status ResourceSpans(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return Nested(r, f, p, "resource", out, &Converter::Resource, false);
        case 2: return Nested(r, f, p, "scopeSpans", out, &Converter::ScopeSpans);
        default: return Status::Ok();
      }
    });
  }

  Status Resource(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      return f.number == 1 ? Nested(r, f, p, "attributes", out, &Converter::KeyValue) : Status::Ok();
    });
  }

  Status ScopeSpans(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return Nested(r, f, p, "scope", out, &Converter::Scope, false);
        case 2: return Nested(r, f, p, "spans", out, &Converter::Span);
        default: return Status::Ok();
      }
    });
  }

  Status Scope(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return String(f, p, "name", out);
        case 2: return String(f, p, "version", out);
        case 3: return Nested(r, f, p, "attributes", out, &Converter::KeyValue);
        default: return Status::Ok();
      }
    });
  }

  Status Span(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return Id(f, p, "traceId", out);
        case 2: return Id(f, p, "spanId", out);
        case 4: return Id(f, p, "parentSpanId", out);
        case 5: return String(f, p, "name", out);
        case 6: return Enum(f, p, "kind", out);
        case 7: return Fixed64(f, p, "startTimeUnixNano", out);
        case 8: return Fixed64(f, p, "endTimeUnixNano", out);
        case 9: return Nested(r, f, p, "attributes", out, &Converter::KeyValue);
        case 11: return Nested(r, f, p, "events", out, &Converter::Event);
        case 15: return Nested(r, f, p, "status", out, &Converter::SpanStatus, false);
        default: return Status::Ok();
      }
    });
  }

  Status Event(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return Fixed64(f, p, "timeUnixNano", out);
        case 2: return String(f, p, "name", out);
        case 3: return Nested(r, f, p, "attributes", out, &Converter::KeyValue);
        default: return Status::Ok();
      }
    });
  }

  Status SpanStatus(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader&, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 2: return String(f, p, "message", out);
        case 3: return Enum(f, p, "code", out);
        default: return Status::Ok();
      }
    });
  }

  Status KeyValue(std::string_view bytes, size_t base, const std::string& path, json* out) {
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return String(f, p, "key", out);
        case 2: return Nested(r, f, p, "value", out, &Converter::AnyValue, false);
        default: return Status::Ok();
      }
    });
  }

  Status AnyValue(std::string_view bytes, size_t base, const std::string& path, json* out) {
    if (++depth_ > kMaxValueDepth) return Status::ParseError(fmt::format("{}: values nested too deeply", path));
    Status s = Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      switch (f.number) {
        case 1: return String(f, p, "stringValue", out);
        case 2:
          if (f.type != kVarint) return WrongType(p, f);
          (*out)["boolValue"] = f.value != 0;
          return Status::Ok();
        case 3:
          if (f.type != kVarint) return WrongType(p, f);
          (*out)["intValue"] = std::to_string(static_cast<int64_t>(f.value));
          return Status::Ok();
        case 4: {
          if (f.type != kFixed64) return WrongType(p, f);
          double d;
          std::memcpy(&d, &f.value, sizeof d);
          if (std::isnan(d)) (*out)["doubleValue"] = "NaN";
          else if (std::isinf(d)) (*out)["doubleValue"] = d > 0 ? "Infinity" : "-Infinity";
          else (*out)["doubleValue"] = d;
          return Status::Ok();
        }
        case 5: return Nested(r, f, p, "arrayValue", out, &Converter::ArrayValue, false);
        case 6: return Nested(r, f, p, "kvlistValue", out, &Converter::KeyValueList, false);
        case 7:
          if (f.type != kLength) return WrongType(p, f);
          (*out)["bytesValue"] = Base64(f.bytes);
          return Status::Ok();
        default: return Status::Ok();
      }
    });
    --depth_;
    return s;
  }

  Status ArrayValue(std::string_view bytes, size_t base, const std::string& path, json* out) {
    *out = json{{"values", json::array()}};
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      return f.number == 1 ? Nested(r, f, p, "values", out, &Converter::AnyValue) : Status::Ok();
    });
  }

  Status KeyValueList(std::string_view bytes, size_t base, const std::string& path, json* out) {
    *out = json{{"values", json::array()}};
    return Message(bytes, base, path, [&](const FieldReader& r, const Field& f, const std::string& p) -> Status {
      return f.number == 1 ? Nested(r, f, p, "values", out, &Converter::KeyValue) : Status::Ok();
    });
  }

  int depth_ = 0;
};

}  // namespace

Status OtlpProtobufToJson(std::string_view bytes, std::string* out) {
  json request;
  Converter converter;
  Status s = converter.Request(bytes, &request);
  if (!s.ok()) return s;
  *out = request.dump();
  return Status::Ok();
}

}  // namespace slokit::io
