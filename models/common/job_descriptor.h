#pragma once
// JobDescriptor: the 128-byte record firmware writes into memory and a device
// reads with its own bus master before running a job. The layout is the
// device contract (docs/job-descriptor.md); fields are little-endian, which is
// why encode/decode may copy the struct as it is.
#include <cstdint>
#include <cstring>

namespace cxlvp {

// layer: GPU work on weights kept in its HBM (attention, a dense FFN, shared
// experts, embeddings, the LM head), with an optional KV-cache read and write.
enum class JobOp : uint16_t { expert_ffn = 1, copy = 2, layer = 3 };

namespace job_flags {
constexpr uint16_t functional = 1u << 0;  // move and keep real bytes
constexpr uint16_t to_host = 1u << 1;     // copy: device-local source, host destination
constexpr uint16_t preloaded = 1u << 2;   // GPU expert job: weights count as resident (an ideal, no fetch)
constexpr uint16_t kv_in_hbm = 1u << 3;   // layer job: kv_addr is an HBM offset (else host physical, over PCIe)
}  // namespace job_flags

struct JobDescriptor {
  static constexpr uint32_t kMagic = 0x424a5843;  // "CXJB"
  static constexpr unsigned kBytes = 128;

  uint32_t magic = kMagic;
  JobOp op = JobOp::expert_ffn;
  uint16_t flags = 0;
  uint32_t tag = 0;           // returned as the MSI data word on completion
  uint32_t expert = 0;        // global expert id (layer * experts + expert)
  uint32_t tokens = 0;
  uint32_t reserved = 0;
  uint64_t weight_addr = 0;   // address of the weights in the device's view
  uint64_t weight_bytes = 0;
  uint64_t act_in_addr = 0;   // copy: source
  uint64_t act_in_bytes = 0;  // copy: length
  uint64_t act_out_addr = 0;  // copy: destination
  uint64_t act_out_bytes = 0;
  uint64_t flops = 0;         // multiply-adds x 2 for the whole job
  uint64_t dequant_bytes = 0; // bytes of 16-bit weights to expand from a compressed format (0: none)
  // Functional expert_ffn jobs only (flag `functional`): the expert's shape
  // and requantization (models/common/expert_ffn.h, docs/ndp-plugin.md).
  uint16_t d_model = 0;
  uint16_t d_ff = 0;
  uint8_t requant_shift = 0;
  uint8_t activation = 0;     // FfnActivation: 0 none, 1 relu
  uint16_t reserved2 = 0;
  // layer jobs: the KV cache this job reads (the context's keys and values)
  // and then writes (its own tokens'), from kv_addr on.
  uint64_t kv_addr = 0;
  uint64_t kv_read_bytes = 0;
  uint64_t kv_write_bytes = 0;

  void encode(uint8_t (&out)[kBytes]) const {
    std::memset(out, 0, kBytes);
    std::memcpy(out, this, sizeof(*this));
  }
  static JobDescriptor decode(const uint8_t (&in)[kBytes]) {
    JobDescriptor d;
    std::memcpy(&d, in, sizeof(d));
    return d;
  }
};
static_assert(sizeof(JobDescriptor) <= JobDescriptor::kBytes, "descriptor must fit its slot");
static_assert(sizeof(JobDescriptor) == 0x78, "field offsets are the contract (docs/job-descriptor.md)");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "descriptors are encoded in host byte order");

}  // namespace cxlvp
