#pragma once
// NdpJobTracker: follows an RTL engine's jobs from the pins its adapter
// serves, for the job log (reports) and for diagnostics. The adapter is the
// register bus master, so it knows every DOORBELL and the DESC_ADDR it
// queued; each queued job keeps the bytes of its 128-byte descriptor the
// engine read, however it reads them (one request or many, in any order).
// A job is taken to start with the engine's first memory request after the
// previous job's interrupt and to end with its own interrupt; its descriptor
// is the oldest queued one the engine read bytes of (or the oldest queued one
// if it read none: a job that failed before reading). The contract
// (docs/ndp-plugin.md, "Job identity") asks a job that completes to have read
// its whole descriptor; finish() says when it did not, and the adapter stops.
#include <bitset>
#include <cstdint>
#include <deque>
#include <string>

#include "../../common/job_descriptor.h"
#include "../../common/job_log.h"

namespace cxlvp {

class NdpJobTracker {
 public:
  struct Job {
    uint64_t desc_addr = 0;
    uint8_t bytes[JobDescriptor::kBytes] = {};
    std::bitset<JobDescriptor::kBytes> seen;
    bool maybe_refused = false;  // rung while the queue may have been full
    bool whole() const { return seen.all(); }
    JobDescriptor descriptor() const { return JobDescriptor::decode(bytes); }
  };
  struct Finished {
    JobRecord record;
    bool whole = false;   // every descriptor byte was read
    uint64_t desc_addr = 0;
  };

  // `queue_depth`: jobs the engine's queue holds waiting (its QUEUE_DEPTH).
  explicit NdpJobTracker(unsigned queue_depth) : depth_(queue_depth) {}

  void desc_addr_written(uint64_t value) { desc_addr_ = value; }
  // A DOORBELL write the engine answered.
  void doorbell();
  void memory_request(uint64_t now_ps, uint64_t cycle);
  void read_delivered(uint64_t address, const uint8_t* data, uint64_t bytes);
  // The interrupt of the job in service (its MSI data word): closes the job.
  // `problem` is set when no job was queued.
  Finished finish(uint32_t msi_word, uint64_t now_ps, std::string& problem);
  // The engine stopped being active: jobs rung without any doubt that they
  // were accepted must have finished. Returns the oldest that did not (null
  // if none) and forgets the doorbells that must have been refused.
  const Job* idle();

  // The job in service, as far as the pins tell (null between jobs).
  const Job* current() const;
  bool open() const { return open_; }
  uint64_t start_ps() const { return start_ps_; }
  uint64_t start_cycle() const { return start_cycle_; }
  // "tag 17 (descriptor at 0x1000, 12 tokens, expert 35)", or "at descriptor
  // 0x1000 (tag not read yet: ...)".
  static std::string describe(const Job& job);

 private:
  size_t current_index() const;

  unsigned depth_;
  uint64_t desc_addr_ = 0;
  std::deque<Job> queued_;  // rung and not yet finished, oldest first
  bool open_ = false;
  uint64_t start_ps_ = 0, start_cycle_ = 0;
};

}  // namespace cxlvp
