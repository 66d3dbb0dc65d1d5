#include "job_queue_registers.h"
#include "time_resolution.h"

namespace cxlvp {

JobQueueRegisters::JobQueueRegisters(const std::string& name, uint32_t version, unsigned queue_depth,
                                     sc_core::sc_time access_latency, uint32_t max_d_model, uint32_t max_d_ff)
    : version_("VERSION", job_regs::version, 4, version, Access::read_only),
      status_("STATUS", job_regs::status, 4, 0, Access::read_only),
      desc_addr_("DESC_ADDR", job_regs::desc_addr, 8, 0),
      doorbell_("DOORBELL", job_regs::doorbell, 4, 0, Access::write_only),
      error_("ERROR", job_regs::error, 4, 0, Access::read_only),
      msi_addr_("MSI_ADDR", job_regs::msi_addr, 8, 0),
      completed_("COMPLETED", job_regs::completed, 4, 0, Access::read_only),
      queue_depth_("QUEUE_DEPTH", job_regs::queue_depth, 4, queue_depth, Access::read_only),
      max_d_model_("MAX_D_MODEL", job_regs::max_d_model, 4, max_d_model, Access::read_only),
      max_d_ff_("MAX_D_FF", job_regs::max_d_ff, 4, max_d_ff, Access::read_only),
      bank_(name, access_latency),
      depth_(queue_depth) {
  require_picosecond_resolution("JobQueueRegisters");
  for (Register* r : {&version_, &status_, &desc_addr_, &doorbell_, &error_, &msi_addr_, &completed_, &queue_depth_,
                    &max_d_model_, &max_d_ff_})
    bank_.add(*r);
  status_.on_read = [this] {
    return uint64_t((busy_ ? 1u : 0u) | (error_.value ? 2u : 0u) | (uint32_t(queue_.size()) << 16));
  };
  doorbell_.on_write = [this](uint64_t, const sc_core::sc_time& delay) {
    if (queue_.size() >= depth_) {
      report_error(JobError::queue_full);
      return;
    }
    queue_.push_back({(sc_core::sc_time_stamp() + delay).value(), desc_addr_.value});
    queued_.notify(delay);
  };
}

uint64_t JobQueueRegisters::next_job() {
  while (queue_.empty()) sc_core::wait(queued_);
  const uint64_t now = sc_core::sc_time_stamp().value();
  if (queue_.front().time_ps > now)
    sc_core::wait(sc_core::sc_time::from_value(queue_.front().time_ps - now));
  const uint64_t desc = queue_.front().desc;
  queue_.pop_front();
  return desc;
}

void JobQueueRegisters::report_error(JobError e) { error_.value = static_cast<uint32_t>(e); }

}  // namespace cxlvp
