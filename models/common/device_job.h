#pragma once
// Steps every job-running device shares: read the descriptor with its own bus
// master, and signal completion with an MSI write carrying the job's tag.
#include "burst_initiator.h"
#include "job_descriptor.h"

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

}  // namespace cxlvp
