#pragma once
// WeightHomes: where each expert's weights live when several memories can
// hold them (docs/topologies.md). Homes are numbered 0..homes-1 (the
// platform says which memory each is: an expander's window, an interleave
// set's window, or host DDR); inside a home, the weights it holds are packed
// layer by layer from its weight area's start. An expert has the same home in
// every layer.
//  - partitioned: expert e in home e mod homes (round robin by id);
//  - popularity: experts in order of expected tokens dealt round robin, so
//    that every home gets its share of the hot experts (whose fetches cross its
//    link) and of the cold ones (which its NDP engine runs). Balancing expected
//    tokens instead (LPT) put the hottest expert alone on one home, which the
//    GPU then runs: that home's NDP engine sat idle;
//  - one home (interleaved, DDR, a single expander): every expert there.
#include <cstdint>
#include <vector>

#include "moe_model.h"

namespace cxlvp {

class WeightHomes {
 public:
  // `popularity`: expected share of tokens per expert (used by popularity only).
  WeightHomes(const MoeModelConfig& model, unsigned homes, WeightsPlacement placement,
              const std::vector<double>& popularity = {});

  unsigned homes() const { return homes_; }
  unsigned home_of(uint32_t expert) const { return home_[expert]; }
  // Offset of expert (layer, expert)'s weights from the start of its home's weight area.
  uint64_t offset(uint32_t layer, uint32_t expert) const {
    return (uint64_t(layer) * count_[home_[expert]] + rank_[expert]) * expert_bytes_;
  }
  // Weight bytes home `h` holds (all layers).
  uint64_t bytes_in(unsigned h) const { return uint64_t(count_[h]) * layers_ * expert_bytes_; }
  unsigned experts_in(unsigned h) const { return count_[h]; }

 private:
  unsigned homes_;
  uint64_t expert_bytes_;
  unsigned layers_;
  std::vector<unsigned> home_, rank_, count_;
};

}  // namespace cxlvp
