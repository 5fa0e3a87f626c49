// Fuzzes the CSV reader (see reader_fuzz.h).
#include "io/csv_reader.h"
#include "reader_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return slokit::fuzz::FuzzReader(data, size, slokit::ReadCsv, slokit::io::ReadCsvFrom);
}
