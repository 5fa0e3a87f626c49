// CSV (RFC 4180): the header names the columns; quoted cells may hold commas, newlines and ""
// escapes. A row is first split without touching the buffer (it may be cut off at the end of
// the chunk and rescanned after the next read); once it is complete, escaped cells are unescaped
// in place, so every cell is a view into the chunk.
#include "io/csv_reader.h"

#include <charconv>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "core/time.h"
#include "io/read_context.h"

namespace slokit::io {
namespace {

// A strict decimal number: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
bool IsDecimalNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < n && s[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

struct Cell {
  size_t begin = 0, end = 0;  // content, without the quotes
  bool escaped = false;       // holds "" pairs still to be collapsed
};

// One row as split by ScanRow.
struct Row {
  std::vector<Cell> cells;
  size_t next = 0;                // where the following row starts
  uint64_t breaks = 0;            // line breaks inside quoted cells
  const char* problem = nullptr;  // malformed quoting, when set
};

// Splits the row at data[pos] (pos < len). Returns false when the row may continue past `len`
// and more data is coming.
bool ScanRow(const char* data, size_t len, bool eof, size_t pos, Row* row) {
  row->cells.clear();
  row->breaks = 0;
  row->problem = nullptr;
  auto count_breaks = [&](size_t from, size_t to) {
    const char* p = data + from;
    const char* stop = data + to;
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(stop - p)))) !=
           nullptr) {
      ++row->breaks;
      ++p;
    }
  };
  size_t i = pos;
  for (;;) {
    Cell cell;
    if (i < len && data[i] == '"') {
      cell.begin = ++i;
      for (;;) {
        const void* q = std::memchr(data + i, '"', len - i);
        if (q == nullptr) {
          if (!eof) return false;
          count_breaks(i, len);
          cell.end = i = len;
          row->problem = "unterminated quoted cell";
          break;
        }
        size_t qi = static_cast<size_t>(static_cast<const char*>(q) - data);
        count_breaks(i, qi);
        if (qi + 1 == len && !eof) return false;  // a "" pair may straddle the chunk end
        if (qi + 1 < len && data[qi + 1] == '"') {
          cell.escaped = true;
          i = qi + 2;
          continue;
        }
        cell.end = qi;
        i = qi + 1;
        break;
      }
      // After the closing quote: a delimiter, CRLF, or the end of the data.
      if (i < len && data[i] == '\r') {
        if (i + 1 == len && !eof) return false;
        if (i + 1 == len || data[i + 1] == '\n') ++i;
      }
      if (i < len && data[i] != ',' && data[i] != '\n') {
        row->problem = "text after a closing quote";
        while (i < len && data[i] != ',' && data[i] != '\n') ++i;
      }
    } else {
      cell.begin = i;
      while (i < len && data[i] != ',' && data[i] != '\n') ++i;
      cell.end = i;
    }
    if (i == len && !eof) return false;
    bool last = i == len || data[i] == '\n';
    // CRLF: the CR belongs to the line ending, not to the last cell.
    if (last && cell.end > cell.begin && data[cell.end - 1] == '\r' && i == cell.end) --cell.end;
    row->cells.push_back(cell);
    if (last) {
      row->next = i == len ? len : i + 1;
      return true;
    }
    ++i;  // past the comma
  }
}

// Collapses "" pairs in place and returns the cell's text.
std::string_view CellText(char* data, const Cell& cell) {
  if (!cell.escaped) return std::string_view(data + cell.begin, cell.end - cell.begin);
  size_t out = cell.begin;
  for (size_t i = cell.begin; i < cell.end; ++i) {
    data[out++] = data[i];
    if (data[i] == '"' && i + 1 < cell.end && data[i + 1] == '"') ++i;
  }
  return std::string_view(data + cell.begin, out - cell.begin);
}

class CsvParser final : public ChunkConsumer {
 public:
  explicit CsvParser(ReadContext* ctx) : ctx_(ctx) {}

  Status Consume(char* data, size_t len, bool eof, size_t* consumed) override {
    size_t pos = 0;
    if (!started_) {
      if (len < 3 && !eof) {
        *consumed = 0;
        return Status::Ok();
      }
      started_ = true;
      if (len >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;  // UTF-8 BOM
    }
    Status s;
    while (pos < len && s.ok()) {
      // Blank lines are not rows.
      size_t blank = data[pos] == '\n' ? 1 : 0;
      if (data[pos] == '\r') {
        if (pos + 1 == len && !eof) break;
        if (pos + 1 == len || data[pos + 1] == '\n') blank = pos + 1 == len ? 1 : 2;
      }
      if (blank > 0) {
        ++line_;
        pos += blank;
        continue;
      }
      if (!ScanRow(data, len, eof, pos, &row_)) break;
      uint64_t row_line = line_ + 1;
      line_ += 1 + row_.breaks;
      pos = row_.next;
      s = header_done_ ? ParseRow(data, row_line) : ParseHeader(data, row_line);
    }
    *consumed = pos;
    return s;
  }

 private:
  Status ParseHeader(char* data, uint64_t line) {
    const ReadOptions& options = ctx_->options();
    std::string where = std::string(ctx_->name()) + ":" + std::to_string(line);
    if (row_.problem != nullptr) return Status::ParseError(where + ": CSV header: " + row_.problem);
    columns_.assign(row_.cells.size(), -1);
    time_column_ = -1;
    for (size_t j = 0; j < row_.cells.size(); ++j) {
      std::string_view name = CellText(data, row_.cells[j]);
      columns_[j] = ctx_->fields().Find(name);
      if (name == options.time_field) time_column_ = static_cast<int>(j);
    }
    if (time_column_ < 0) {
      return Status::ParseError(where + ": CSV header has no \"" + options.time_field +
                                "\" column");
    }
    header_done_ = true;
    return Status::Ok();
  }

  Status ParseRow(char* data, uint64_t line) {
    ++ctx_->stats()->lines;
    if (row_.problem != nullptr) {
      return ctx_->BadLine(line, [&] { return std::string("malformed CSV: ") + row_.problem; });
    }
    if (row_.cells.size() != columns_.size()) {
      return ctx_->BadLine(line, [&] {
        return "expected " + std::to_string(columns_.size()) + " cells, found " +
               std::to_string(row_.cells.size());
      });
    }
    record_.Reset(ctx_->fields().size());
    // Unescaping works in place, so each cell is turned into text exactly once.
    std::string_view time_text = CellText(data, row_.cells[static_cast<size_t>(time_column_)]);
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (columns_[j] < 0) continue;
      std::string_view text =
          static_cast<int>(j) == time_column_ ? time_text : CellText(data, row_.cells[j]);
      record_.values[static_cast<size_t>(columns_[j])] = CsvCellValue(text);
    }
    if (time_text.empty()) return ctx_->BadLine(line, [&] { return ctx_->MissingTime(); });
    std::optional<TimeNs> t = ParseTimestamp(time_text);
    if (!t) return ctx_->BadLine(line, [&] { return ctx_->BadTime(); });
    record_.time_ns = *t;
    ctx_->Emit(record_);
    return Status::Ok();
  }

  ReadContext* ctx_;
  Row row_;
  Record record_;
  std::vector<int> columns_;  // FieldSet index per column, -1 when unread
  int time_column_ = -1;
  bool started_ = false;
  bool header_done_ = false;
  uint64_t line_ = 0;  // physical lines consumed so far
};

}  // namespace

Value CsvCellValue(std::string_view cell) {
  if (cell.empty()) return Value{};
  if (cell == "true") return Value::Bool(true);
  if (cell == "false") return Value::Bool(false);
  if (cell == "null") return Value::Null();
  if (IsDecimalNumber(cell)) {
    const char* begin = cell.data() + (cell[0] == '+' ? 1 : 0);
    const char* end = cell.data() + cell.size();
    double d;
    auto [ptr, ec] = std::from_chars(begin, end, d);
    if (ec == std::errc() && ptr == end) return Value::Number(d);
  }
  return Value::String(cell);
}

Status ReadCsvFrom(ByteSource* source, std::string_view name, const FieldSet& fields,
                   const ReadOptions& options, const RecordSink& sink, ReadStats* stats,
                   size_t chunk_size) {
  return ReadWithParser<CsvParser>(source, name, fields, options, sink, stats, chunk_size);
}

}  // namespace slokit::io
