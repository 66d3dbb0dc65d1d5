#pragma once
// NdpResultCheck: the RTL adapters' check of a job an engine reports as done
// (a scoreboard, in verification terms): the contract must allow the job to
// run (ndp_contract.h), and the bytes the engine wrote at act_out must be what
// expert_ffn() computes from the blob and activations in device memory. It
// reads memory with debug transport, so it costs no simulated time and moves
// no modeled bytes. Runs when the interrupt is seen, after the engine's
// writes were acknowledged and before firmware can reuse the buffers.
#include <string>
#include <tlm>

#include "../ndp_contract.h"

namespace cxlvp {

// "" when the job may complete and its outputs are right, else what is wrong.
std::string check_ndp_result(tlm::tlm_initiator_socket<>& memory, const JobDescriptor& d, const NdpLimits& limits);

}  // namespace cxlvp
