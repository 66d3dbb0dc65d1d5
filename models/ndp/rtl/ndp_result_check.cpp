#include "ndp_result_check.h"

#include <vector>

#include "../../common/debug_access.h"
#include "pin_format.h"

namespace cxlvp {

namespace {

const char* error_name(JobError e) {
  switch (e) {
    case JobError::bad_descriptor:
      return "bad_descriptor";
    case JobError::bad_dimensions:
      return "bad_dimensions";
    default:
      return "an error";
  }
}

bool overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m) { return n && m && a < b + m && b < a + n; }

}  // namespace

std::string check_ndp_result(tlm::tlm_initiator_socket<>& memory, const JobDescriptor& d, const NdpLimits& limits) {
  if (const JobError e = ndp_descriptor_error(d, limits); e != JobError::none)
    return std::string("the engine completed a job the contract fails with ") + error_name(e);
  const ExpertShape shape{d.d_model, d.d_ff, d.requant_shift, FfnActivation(d.activation)};
  const uint64_t n = shape.activation_bytes(d.tokens);
  // Outputs written over the job's own inputs cannot be checked afterwards.
  if (n == 0 || overlap(d.act_out_addr, n, d.weight_addr, shape.blob_bytes()) || overlap(d.act_out_addr, n, d.act_in_addr, n))
    return "";
  std::vector<uint8_t> blob(shape.blob_bytes());
  std::vector<int8_t> x(n), y(n), expected(n);
  if (!debug_transfer(memory, tlm::TLM_READ_COMMAND, d.weight_addr, blob.data(), blob.size()) ||
      !debug_transfer(memory, tlm::TLM_READ_COMMAND, d.act_in_addr, reinterpret_cast<uint8_t*>(x.data()), n) ||
      !debug_transfer(memory, tlm::TLM_READ_COMMAND, d.act_out_addr, reinterpret_cast<uint8_t*>(y.data()), n))
    return "";  // memory without debug access: nothing to compare with
  expert_ffn(shape, blob.data(), x.data(), d.tokens, expected.data());
  for (uint64_t i = 0; i < n; ++i)
    if (y[i] != expected[i])
      return "wrong result: y[" + std::to_string(i / d.d_model) + "][" + std::to_string(i % d.d_model) + "] at " +
             hex(d.act_out_addr + i) + " is " + std::to_string(y[i]) + ", expert_ffn() gives " +
             std::to_string(expected[i]);
  return "";
}

}  // namespace cxlvp
