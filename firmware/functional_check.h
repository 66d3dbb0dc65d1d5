#pragma once
// FunctionalCheck: compares what the platform computed in functional mode with
// the reference (moe_reference.h), layer by layer as the firmware finishes
// them. It draws each batch's input from the seed and carries its own
// outputs from layer to layer, so the reference never sees a platform value.
// It keeps checksums (FNV-1a 64) of the last layer's outputs of every batch,
// the platform's and the reference's, and where they first differed.
#include <cstdint>
#include <string>
#include <vector>

#include "../models/common/expert_ffn.h"
#include "routing_source.h"

namespace cxlvp {

// FNV-1a, 64 bit (Fowler, Noll, Vo): `hash` continues an earlier one.
uint64_t fnv1a64(const void* data, size_t bytes, uint64_t hash = 0xcbf29ce484222325ull);
std::string checksum_text(uint64_t checksum);  // "0x" and 16 hex digits

// One layer of one batch as the platform computed it.
struct LayerOutput {
  uint32_t batch, layer;
  uint64_t checksum;          // FNV-1a 64 of tokens x d_model outputs
  std::vector<int8_t> head;   // token 0's first values (up to 8)
};

class FunctionalCheck {
 public:
  FunctionalCheck(uint64_t seed, const ExpertShape& shape, unsigned layers);

  // The platform's `output` of one layer (tokens x d_model), its routing
  // naming the batch (step) and layer. Layers of a batch arrive in order.
  void layer_done(const LayerRouting& routing, const std::vector<int8_t>& output);

  uint64_t output_checksum() const { return output_checksum_; }
  uint64_t reference_checksum() const { return reference_checksum_; }
  bool matches() const { return mismatch_.empty() && compared_ > 0; }
  // "batch B, layer L, token T, element E: platform X, reference Y", or empty.
  const std::string& first_mismatch() const { return mismatch_; }
  const std::vector<LayerOutput>& layers() const { return layers_; }

 private:
  uint64_t seed_;
  ExpertShape shape_;
  unsigned layers_per_batch_;
  std::vector<int8_t> reference_input_;  // the reference's input to the layer that comes next
  uint64_t output_checksum_, reference_checksum_;
  uint64_t compared_ = 0;
  std::string mismatch_;
  std::vector<LayerOutput> layers_;
};

}  // namespace cxlvp
