#include "weight_homes.h"

#include <algorithm>
#include <numeric>

namespace cxlvp {

WeightHomes::WeightHomes(const MoeModelConfig& model, unsigned homes, WeightsPlacement placement,
                         const std::vector<double>& popularity)
    : homes_(std::max(1u, homes)),
      expert_bytes_(model.bytes_per_expert()),
      layers_(model.layers),
      home_(model.experts),
      rank_(model.experts),
      count_(homes_) {
  if (placement == WeightsPlacement::popularity && homes_ > 1 && popularity.size() == model.experts) {
    std::vector<uint32_t> order(model.experts);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return popularity[a] > popularity[b]; });
    for (uint32_t r = 0; r < order.size(); ++r) home_[order[r]] = r % homes_;
  } else {
    for (uint32_t e = 0; e < model.experts; ++e) home_[e] = e % homes_;
  }
  for (uint32_t e = 0; e < model.experts; ++e) rank_[e] = count_[home_[e]]++;
}

}  // namespace cxlvp
