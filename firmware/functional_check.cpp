#include "functional_check.h"

#include <algorithm>
#include <cstdio>

#include "functional_data.h"
#include "moe_reference.h"

namespace cxlvp {

namespace {
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr size_t kHeadValues = 8;
}  // namespace

uint64_t fnv1a64(const void* data, size_t bytes, uint64_t hash) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < bytes; ++i) hash = (hash ^ p[i]) * kFnvPrime;
  return hash;
}

std::string checksum_text(uint64_t checksum) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(checksum));
  return text;
}

FunctionalCheck::FunctionalCheck(uint64_t seed, const ExpertShape& shape, unsigned layers)
    : seed_(seed), shape_(shape), layers_per_batch_(layers), output_checksum_(kFnvOffset), reference_checksum_(kFnvOffset) {}

void FunctionalCheck::layer_done(const LayerRouting& routing, const std::vector<int8_t>& output) {
  const unsigned d = shape_.d_model;
  if (routing.layer == 0) reference_input_ = generate_batch_input(seed_, routing.step, unsigned(routing.tokens()), d);
  std::vector<int8_t> expected = reference::layer(seed_, routing.layer, shape_, routing, reference_input_);
  ++compared_;
  if (mismatch_.empty()) {
    if (output.size() != expected.size()) {
      mismatch_ = "batch " + std::to_string(routing.step) + ", layer " + std::to_string(routing.layer) + ": " +
                  std::to_string(output.size()) + " output values, reference " + std::to_string(expected.size());
    } else {
      const auto [a, b] = std::mismatch(output.begin(), output.end(), expected.begin());
      if (a != output.end()) {
        const size_t i = size_t(a - output.begin());
        mismatch_ = "batch " + std::to_string(routing.step) + ", layer " + std::to_string(routing.layer) + ", token " +
                    std::to_string(i / d) + ", element " + std::to_string(i % d) + ": platform " +
                    std::to_string(int(*a)) + ", reference " + std::to_string(int(*b));
      }
    }
  }
  LayerOutput summary{routing.step, routing.layer, fnv1a64(output.data(), output.size()), {}};
  summary.head.assign(output.begin(), output.begin() + std::min(output.size(), std::min<size_t>(kHeadValues, d)));
  layers_.push_back(std::move(summary));
  if (routing.layer + 1 == layers_per_batch_) {
    output_checksum_ = fnv1a64(output.data(), output.size(), output_checksum_);
    reference_checksum_ = fnv1a64(expected.data(), expected.size(), reference_checksum_);
  }
  reference_input_ = std::move(expected);
}

}  // namespace cxlvp
