#include "ndp_job_tracker.h"

#include <algorithm>

#include "../../common/job_queue_registers.h"
#include "pin_format.h"

namespace cxlvp {

// The engine holds QUEUE_DEPTH waiting jobs besides the one it serves. With
// more than that rung and unfinished a doorbell is refused for certain; with
// exactly that many it depends on whether the engine has already taken the
// oldest from its queue, which the pins do not show: such a job is kept but
// marked, and forgotten when the engine goes idle without running it.
void NdpJobTracker::doorbell() {
  if (queued_.size() > depth_) return;
  Job job;
  job.desc_addr = desc_addr_;
  job.maybe_refused = queued_.size() == depth_;
  queued_.push_back(job);
}

void NdpJobTracker::memory_request(uint64_t now_ps, uint64_t cycle) {
  if (open_) return;
  open_ = true;
  start_ps_ = now_ps;
  start_cycle_ = cycle;
}

void NdpJobTracker::read_delivered(uint64_t address, const uint8_t* data, uint64_t bytes) {
  for (Job& job : queued_) {
    const uint64_t lo = std::max(address, job.desc_addr);
    const uint64_t hi = std::min(address + bytes, job.desc_addr + JobDescriptor::kBytes);
    for (uint64_t a = lo; a < hi; ++a) {
      job.bytes[a - job.desc_addr] = data[a - address];
      job.seen.set(a - job.desc_addr);
    }
  }
}

size_t NdpJobTracker::current_index() const {
  for (size_t i = 0; i < queued_.size(); ++i)
    if (queued_[i].seen.any()) return i;
  return 0;
}

const NdpJobTracker::Job* NdpJobTracker::current() const {
  return open_ && !queued_.empty() ? &queued_[current_index()] : nullptr;
}

NdpJobTracker::Finished NdpJobTracker::finish(uint32_t msi_word, uint64_t now_ps, std::string& problem) {
  Finished f;
  f.record.device = "ndp";
  f.record.start_ps = open_ ? start_ps_ : now_ps;
  f.record.end_ps = now_ps;
  f.record.ok = !(msi_word & job_regs::msi_failed_bit);
  open_ = false;
  if (queued_.empty()) {
    problem = "an interrupt (data " + hex(msi_word) + ") with no job rung";
    return f;
  }
  const size_t i = current_index();
  const Job& job = queued_[i];
  f.whole = job.whole();
  f.desc_addr = job.desc_addr;
  f.record.job = job.descriptor();
  // A job whose descriptor could not be read has no tag but the interrupt's (0).
  if (!f.whole) f.record.job.tag = msi_word & ~job_regs::msi_failed_bit;
  queued_.erase(queued_.begin(), queued_.begin() + long(i) + 1);
  return f;
}

const NdpJobTracker::Job* NdpJobTracker::idle() {
  for (const Job& job : queued_)
    if (!job.maybe_refused) return &job;
  queued_.clear();
  return nullptr;
}

std::string NdpJobTracker::describe(const Job& job) {
  if (!job.whole())
    return "at descriptor " + hex(job.desc_addr) + " (tag not read yet: " + std::to_string(job.seen.count()) +
           " of its 128 bytes read)";
  const JobDescriptor d = job.descriptor();
  return "tag " + std::to_string(d.tag) + " (descriptor at " + hex(job.desc_addr) + ", " + std::to_string(d.tokens) +
         " tokens, expert " + std::to_string(d.expert) + ")";
}

}  // namespace cxlvp
