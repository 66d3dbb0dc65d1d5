#pragma once
// Steps every job-running device shares: read the descriptor with its own bus
// master, and signal completion with an MSI write carrying the job's tag.
#include <algorithm>
#include <utility>

#include "burst_initiator.h"
#include "compute_model.h"
#include "job_descriptor.h"
#include "job_log.h"
#include "job_queue_registers.h"

namespace cxlvp {

// False if the read failed or the bytes are not a descriptor.
inline bool fetch_descriptor(BurstInitiator& bus, BurstInitiator::Socket& socket, uint64_t address,
                             JobDescriptor& out) {
  uint8_t raw[JobDescriptor::kBytes];
  if (!bus.access(socket, tlm::TLM_READ_COMMAND, address, raw, JobDescriptor::kBytes)) return false;
  out = JobDescriptor::decode(raw);
  return out.magic == JobDescriptor::kMagic;
}

inline bool send_msi(BurstInitiator& bus, BurstInitiator::Socket& socket, uint64_t msi_address, uint32_t tag) {
  return msi_address != 0 && bus.access(socket, tlm::TLM_WRITE_COMMAND, msi_address, &tag, sizeof(tag));
}

// The arithmetic of an expert job. In roofline mode the engine streams the
// expert's weights while it computes, paced by its compute rate (and by
// `min_pace_ps_per_byte`, e.g. a port limit), so the job takes
// max(compute, memory). In per_token mode the per-token cost is the whole
// cost, as in the paper's model, and no weights move.
inline bool compute_expert(BurstInitiator& bus, BurstInitiator::Socket& memory, ComputeMode mode,
                           uint64_t weight_addr, uint64_t weight_bytes, uint64_t compute_ps,
                           double min_pace_ps_per_byte = 0) {
  if (mode == ComputeMode::per_token || weight_bytes == 0) {
    bus.spend(compute_ps);
    return true;
  }
  const double pace = std::max(min_pace_ps_per_byte, double(compute_ps) / double(weight_bytes));
  return bus.stream(memory, tlm::TLM_READ_COMMAND, weight_addr, weight_bytes, nullptr, pace);
}

// One job of a device with a single engine (CPU cores, NDP engine): wait for a
// doorbell, read the descriptor through `memory`, let `work` run it (returns
// false on failure, having reported the error), then count it, raise the MSI
// through `upstream` and log it. A job whose descriptor cannot be read still
// gets an MSI, with tag 0, so firmware is never left waiting; a failed job's
// MSI carries job_regs::msi_failed_bit.
template <typename Work>
void serve_next_job(const char* device, JobQueueRegisters& regs, ThreadBus& engine, BurstInitiator::Socket& memory,
                    BurstInitiator::Socket& upstream, Work&& work) {
  const uint64_t desc_addr = regs.next_job();
  regs.set_busy(true);
  JobRecord rec;
  rec.device = device;
  rec.start_ps = sc_core::sc_time_stamp().value();
  if (!fetch_descriptor(engine.bus, memory, desc_addr, rec.job) || rec.job.op != JobOp::expert_ffn) {
    regs.report_error(JobError::bad_descriptor);
    rec.ok = false;
  } else {
    rec.ok = std::forward<Work>(work)(rec.job);
  }
  engine.sync();
  rec.end_ps = sc_core::sc_time_stamp().value();
  regs.job_done();
  regs.set_busy(false);
  const uint32_t tag = rec.job.magic == JobDescriptor::kMagic ? rec.job.tag : 0;
  send_msi(engine.bus, upstream, regs.msi_address(), rec.ok ? tag : tag | job_regs::msi_failed_bit);
  engine.sync();
  engine.bus.telemetry().jobs.add(std::move(rec));
}

}  // namespace cxlvp
