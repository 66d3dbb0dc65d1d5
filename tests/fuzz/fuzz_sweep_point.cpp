// libFuzzer target: a sweep point's files, as `cxlvp sweep` finds them when
// it decides whether a point is done (read_point_results, sweep_table.h). The
// input is the point's summary.json; when it holds a line "--- mark ---",
// what follows is the folder's .cxlvp-result mark instead of a valid one.
// Whatever the bytes, the answer is "ok" with every figure sweep.csv needs, or
// "not ok" with a reason; an exception, a crash, a sanitizer report or a hang
// is a bug (a damaged point must run again, never stop the sweep).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_input_file.h"
#include "platform/json_reader.h"
#include "platform/result_folder.h"
#include "platform/sweep_table.h"

using namespace cxlvp;

namespace {

const char* const kHash = "fnv1a64:0123456789abcdef";
const std::string kSeparator = "\n--- mark ---\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find(kSeparator);
  const std::string summary = input.substr(0, split);
  const std::string mark = split == std::string::npos
                               ? std::string("inputs_hash ") + kHash + "\nfile summary.json\n"
                               : input.substr(split + kSeparator.size());
  const auto folder = cxlvp_fuzz::scratch() / "point";
  cxlvp_fuzz::fs::create_directories(folder);
  cxlvp_fuzz::write_file(folder / "summary.json", reinterpret_cast<const uint8_t*>(summary.data()), summary.size());
  cxlvp_fuzz::write_file(folder / kResultMark, reinterpret_cast<const uint8_t*>(mark.data()), mark.size());
  const PointResults r = read_point_results(folder.string(), kHash);
  if (r.ok && r.figures.size() != 12) std::abort();  // ok means every column's figure is there
  if (!r.ok && (r.why.empty() || !r.figures.empty())) std::abort();
  why_not_result_folder(folder);
  return 0;
}

// libsystemc.so refers to sc_main; libFuzzer's main() runs instead, so this never does.
extern "C" int sc_main(int, char**) { return 0; }
