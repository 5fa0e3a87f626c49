#include "io/json_fields_reader.h"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "io/byte_source.h"

namespace slokit::io {
namespace {

namespace od = simdjson::ondemand;

class FieldsParser final : public ChunkConsumer {
 public:
  FieldsParser(std::string_view name, const JsonFieldsOptions& options, const JsonFieldsSink& sink, uint64_t* skipped)
      : name_(name), options_(options), sink_(sink), skipped_(skipped) {
    out_.scalars.resize(options.scalars.size());
  }

  Status Consume(char* data, size_t len, bool eof, size_t* consumed) override {
    return ConsumeLines(data, len, eof, consumed, &line_,
                        [this](const char* line, size_t n, size_t readable) { return ParseLine(line, n, readable); });
  }

 private:
  Status ParseLine(const char* line, size_t len, size_t readable) {
    size_t i = 0;
    if (line_ == 1 && len >= 3 && std::memcmp(line, "\xEF\xBB\xBF", 3) == 0) i = 3;  // BOM
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i == len) return Status::Ok();
    for (Value& v : out_.scalars) v = Value{};
    out_.line = line_;
    out_.has_vector = false;
    out_.vector.clear();
    vector_error_.clear();
    od::document doc;
    od::object root;
    simdjson::error_code err = parser_.iterate(line + i, len - i, readable - i).get(doc);
    if (!err) err = doc.get_object().get(root);
    if (!err) err = Walk(root);
    if (!vector_error_.empty())
      return Status::InvalidArgument(
          fmt::format("{}:{}: field \"{}\": {}", name_, line_, options_.vector_field, vector_error_));
    if (!err && doc.current_location().error() != simdjson::OUT_OF_BOUNDS) err = simdjson::TAPE_ERROR;
    if (err && options_.strict)
      return Status::InvalidArgument(fmt::format("{}:{}: not a valid JSON object ({})", name_, line_,
                                                 simdjson::error_message(err)));
    if (err) {
      if (skipped_) ++*skipped_;
      return Status::Ok();
    }
    return sink_(out_);
  }

  simdjson::error_code Walk(od::object& root) {
    for (auto result : root) {
      od::field field;
      if (auto err = std::move(result).get(field)) return err;
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return err;
      if (!options_.vector_field.empty() && key == options_.vector_field) {
        if (auto err = TakeVector(field.value())) return err;
        continue;
      }
      for (size_t k = 0; k < options_.scalars.size(); ++k) {
        if (key != options_.scalars[k]) continue;
        if (auto err = TakeScalar(field.value(), &out_.scalars[k])) return err;
        break;
      }
    }
    return simdjson::SUCCESS;
  }

  static simdjson::error_code TakeScalar(od::value value, Value* out) {
    od::json_type type;
    if (auto err = value.type().get(type)) return err;
    switch (type) {
      case od::json_type::string: {
        std::string_view s;
        if (auto err = value.get_string().get(s)) return err;
        *out = Value::String(s);
        return simdjson::SUCCESS;
      }
      case od::json_type::number: {
        double d;
        if (auto err = value.get_double().get(d)) return err;
        *out = Value::Number(d);
        return simdjson::SUCCESS;
      }
      case od::json_type::boolean: {
        bool b;
        if (auto err = value.get_bool().get(b)) return err;
        *out = Value::Bool(b);
        return simdjson::SUCCESS;
      }
      case od::json_type::null:
        *out = Value::Null();
        return simdjson::SUCCESS;
      default:
        *out = Value{};  // arrays and objects are not scalar values; On-Demand skips them
        return simdjson::SUCCESS;
    }
  }

  // Sets vector_error_ (a line the caller must hear about) for a well-formed value of the
  // wrong shape; returns a simdjson error for malformed JSON.
  simdjson::error_code TakeVector(od::value value) {
    od::json_type type;
    if (auto err = value.type().get(type)) return err;
    if (type == od::json_type::null) return simdjson::SUCCESS;
    if (type != od::json_type::array) {
      vector_error_ = "expected an array of numbers";
      return simdjson::INCORRECT_TYPE;
    }
    od::array array;
    if (auto err = value.get_array().get(array)) return err;
    out_.has_vector = true;
    for (auto element : array) {
      double d;
      if (auto err = element.get_double().get(d)) {
        if (err == simdjson::INCORRECT_TYPE) vector_error_ = fmt::format("element {} is not a number", out_.vector.size());
        return err;
      }
      if (!std::isfinite(d)) {
        vector_error_ = fmt::format("element {} is not finite", out_.vector.size());
        return simdjson::INCORRECT_TYPE;
      }
      out_.vector.push_back(d);
    }
    return simdjson::SUCCESS;
  }

  std::string name_;
  const JsonFieldsOptions& options_;
  const JsonFieldsSink& sink_;
  uint64_t* skipped_;
  od::parser parser_;
  JsonFieldsLine out_;
  std::string vector_error_;
  uint64_t line_ = 0;
};

}  // namespace

Status ReadJsonFields(const std::string& path, const JsonFieldsOptions& options, const JsonFieldsSink& sink,
                      uint64_t* skipped) {
  std::unique_ptr<ByteSource> source;
  Status s = OpenByteSource(path, &source);
  if (!s.ok()) return s;
  FieldsParser parser(path, options, sink, skipped);
  uint64_t bytes = 0;
  return ReadChunks(source.get(), &parser, kDefaultChunkSize, &bytes);
}

Status ReadJsonFieldsBuffer(std::string_view data, std::string_view name, const JsonFieldsOptions& options,
                            const JsonFieldsSink& sink, uint64_t* skipped) {
  std::unique_ptr<ByteSource> source = NewMemorySource(data);
  FieldsParser parser(name, options, sink, skipped);
  uint64_t bytes = 0;
  return ReadChunks(source.get(), &parser, kDefaultChunkSize, &bytes);
}

}  // namespace slokit::io
