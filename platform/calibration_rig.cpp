#include "calibration_rig.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <stdexcept>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "../firmware/memory_layout.h"
#include "../models/common/burst_initiator.h"
#include "../models/common/device_job.h"
#include "../models/common/telemetry.h"
#include "../models/cpu/cpu_complex.h"
#include "../models/cxl/cxl_device_controller.h"
#include "../models/cxl/cxl_expander.h"
#include "../models/gpu/gpu.h"
#include "../models/interconnect/address_router.h"
#include "../models/interconnect/msi_controller.h"
#include "../models/memory/dram.h"
#include "../models/pcie/root_complex.h"
#include "../models/cxl/hdm_programming.h"
#include "hardware.h"
#include "memory_map.h"

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr uint64_t kLine = 64;
constexpr unsigned kGpuLane = 0, kCpuLane = 1, kNdpLane = 2;  // MSI vectors, as the scheduler uses them
using Socket = tlm_utils::simple_initiator_socket<class Probe>;

// Why a transfer failed, for the one-line error.
std::string failure(const BurstInitiator& bus) {
  if (bus.status() == tlm::TLM_ADDRESS_ERROR_RESPONSE)
    return "address error (the probes use the first 4 GiB of host DDR and CXL memory)";
  return "error response " + std::to_string(int(bus.status()));
}

uint64_t local_ps(const ThreadBus& t) { return t.bus.local_time().value(); }

// Line addresses in [base, base + span) in a scrambled order (an LCG over the
// line index), so that a chase walks all channels as lmbench's does.
class LineWalk {
 public:
  LineWalk(uint64_t base, uint64_t span) : base_(base), lines_(span / kLine) {}
  uint64_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return base_ + ((state_ >> 20) % lines_) * kLine;
  }

 private:
  uint64_t base_, lines_, state_ = 1;
};

// The probe: host cores and firmware, as described in calibration_rig.h.
class Probe : public sc_core::sc_module {
 public:
  Socket fw_bus{"fw_bus"}, read_bus{"read_bus"}, write_bus{"write_bus"}, chase_bus{"chase_bus"};
  ProbeResult result;
  std::string error;  // the first failure, empty when every step succeeded

  SC_HAS_PROCESS(Probe);
  Probe(sc_core::sc_module_name name, const Scenario& s, const MemoryMap& m, MsiController& irq,
        const ProbeRequest& r)
      : sc_module(name),
        s_(s),
        m_(m),
        irq_(irq),
        r_(r),
        fw_("fw", s.simulation.burst_bytes, 1),
        reader_("cpu", read_burst(), bursts_in_flight(share(r.reads), read_burst())),
        writer_("cpu", s.simulation.burst_bytes, bursts_in_flight(share(r.writes), s.simulation.burst_bytes)),
        chaser_("cpu", kLine, 1) {
    SC_THREAD(main);
    SC_THREAD(reader);
    SC_THREAD(writer);
    SC_THREAD(chaser);
  }

 private:
  // Bytes the cores keep in flight, split between the read and write streams
  // in proportion to the mix (both whole for a loaded-latency load).
  uint64_t share(unsigned part) const {
    const uint64_t all = uint64_t(s_.platform.cpu.cores) * s_.platform.cpu.lines_in_flight_per_core * kLine;
    if (r_.kind != ProbeKind::stream) return all;
    return std::max<uint64_t>(kLine, all * part / std::max(1u, r_.reads + r_.writes));
  }
  // A loaded-latency load is cache-line reads, as MLC's load threads issue:
  // the chase then competes with lines, not with whole bursts.
  uint64_t read_burst() const { return r_.kind == ProbeKind::loaded ? kLine : s_.simulation.burst_bytes; }
  uint64_t memory_base() const { return r_.cxl ? m_.expander_windows.front().base : m_.ddr_base; }

  void boot_cxl();
  void wait_for_boot();
  void main();
  void reader();
  void writer();
  void chaser();
  void chase(unsigned reads);
  void boot(uint64_t regs, unsigned lane);
  const JobRecord& submit(uint64_t regs, uint64_t desc_host, uint64_t desc_device, JobDescriptor d,
                          const char* device);
  void copy(bool to_host);
  void gpu_chase();
  void amx();
  void ndp();
  // Stops the simulation with the first failure; run_probe reports it. (An
  // exception out of a thread would reach the user as a multi-line SystemC report.)
  // The thread never returns from here, so its frame is never unwound: the
  // message's bytes are moved into `error` (a member) rather than left in a
  // temporary, which LeakSanitizer would report.
  [[noreturn]] void fail(std::string what) {
    if (error.empty()) error = std::string(to_string(r_.kind)) + ": " + std::move(what);
    what.clear();
    what.shrink_to_fit();
    sc_core::sc_stop();
    for (;;) sc_core::wait(never_);
  }

  const Scenario& s_;
  const MemoryMap& m_;
  MsiController& irq_;
  ProbeRequest r_;
  ThreadBus fw_, reader_, writer_, chaser_;
  // stream: units of the mix done by each side, so neither runs ahead.
  unsigned reads_done_ = 0, writes_done_ = 0;
  sc_core::sc_event progress_;
  sc_core::sc_event never_;  // a failed thread waits on it for good
  bool booted_ = false;
  sc_core::sc_event boot_done_;
  uint64_t stream_end_ps_ = 0;
  void side_finished(uint64_t end_ps);
};

// CXL probes first program the expander's HDM decoder, as boot firmware
// does (the other probe threads wait for it); the rest start at once.
void Probe::boot_cxl() {
  if (r_.cxl || r_.kind == ProbeKind::ndp) {
    const RegisterIo io = [this](uint64_t address, uint32_t* value, bool write) {
      return fw_.bus.access(fw_bus, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, address, value, 4);
    };
    const AddressRange& w = m_.expander_windows.front();
    const std::string problem =
        program_hdm_decoder(io, m_.cxl_bar(0) + cxl_bar::component_regs, 0, {w.base, w.size, Interleave{}, 0, {}});
    if (!problem.empty()) fail("HDM decoder: " + problem);
    fw_.sync();
  }
  booted_ = true;
  boot_done_.notify();
}

void Probe::wait_for_boot() {
  if (!booted_) sc_core::wait(boot_done_);
}

void Probe::main() {
  boot_cxl();
  switch (r_.kind) {
    case ProbeKind::chase: chase(probe_shape::chase_reads); break;
    case ProbeKind::gpu_chase: gpu_chase(); break;
    case ProbeKind::h2d: copy(false); break;
    case ProbeKind::d2h: copy(true); break;
    case ProbeKind::amx: amx(); break;
    case ProbeKind::ndp: ndp(); break;
    case ProbeKind::stream:
    case ProbeKind::loaded: break;  // reader, writer and chaser threads
  }
}

// Dependent reads: each 64 B read issues when the previous one has returned.
void Probe::chase(unsigned reads) {
  LineWalk walk(memory_base() + layout::weights, layout::GiB);
  const uint64_t start = local_ps(chaser_);
  for (unsigned i = 0; i < reads; ++i)
    if (!chaser_.bus.stream(chase_bus, tlm::TLM_READ_COMMAND, walk.next(), kLine, nullptr))
      fail("chase read: " + failure(chaser_.bus));
  result["latency_ns"] = double(local_ps(chaser_) - start) / reads / 1e3;
}

void Probe::reader() {
  wait_for_boot();
  if (r_.kind == ProbeKind::loaded && r_.load_GBps > 0) {
    // A paced read load over 1 GiB; offered above the peak, the cores' window queues.
    const double window_ps = probe_shape::loaded_window_us * 1e6;
    const uint64_t bytes = uint64_t(r_.load_GBps * window_ps / 1e3) / kLine * kLine;
    const uint64_t base = memory_base() + layout::weights;
    const uint64_t span = layout::GiB;
    uint64_t done = 0;
    while (done < bytes) {
      const uint64_t n = std::min(bytes - done, span);
      if (!reader_.bus.stream(read_bus, tlm::TLM_READ_COMMAND, base, n, nullptr, 1e3 / r_.load_GBps))
        fail("load read: " + failure(reader_.bus));
      done += n;
    }
    result["achieved_GBps"] = double(bytes) / double(local_ps(reader_)) * 1e3;
    return;
  }
  if (r_.kind != ProbeKind::stream || r_.reads == 0) return;
  // A mix goes in units so that neither side runs ahead; a single-sided stream
  // is one stream, with no window drain between units.
  const unsigned units = r_.writes ? probe_shape::stream_chunks : 1;
  const uint64_t chunk = probe_shape::chunk_bytes * r_.reads * (probe_shape::stream_chunks / units);
  const uint64_t base = memory_base() + layout::weights;
  for (unsigned i = 0; i < units; ++i) {
    while (r_.writes && i > writes_done_ + 1) {
      reader_.sync();
      sc_core::wait(progress_);
    }
    if (!reader_.bus.stream(read_bus, tlm::TLM_READ_COMMAND, base + (i * chunk) % layout::GiB, chunk, nullptr))
      fail("stream read: " + failure(reader_.bus));
    ++reads_done_;
    reader_.sync();
    progress_.notify(sc_core::SC_ZERO_TIME);
  }
  side_finished(local_ps(reader_));
}

void Probe::writer() {
  wait_for_boot();
  if (r_.kind != ProbeKind::stream || r_.writes == 0) return;
  const unsigned units = r_.reads ? probe_shape::stream_chunks : 1;
  const uint64_t chunk = probe_shape::chunk_bytes * r_.writes * (probe_shape::stream_chunks / units);
  const uint64_t base = memory_base() + 3 * layout::GiB;
  for (unsigned i = 0; i < units; ++i) {
    while (r_.reads && i > reads_done_ + 1) {
      writer_.sync();
      sc_core::wait(progress_);
    }
    if (!writer_.bus.stream(write_bus, tlm::TLM_WRITE_COMMAND, base + (i * chunk) % layout::GiB, chunk, nullptr))
      fail("stream write: " + failure(writer_.bus));
    ++writes_done_;
    writer_.sync();
    progress_.notify(sc_core::SC_ZERO_TIME);
  }
  side_finished(local_ps(writer_));
}

// Both sides start at time 0; the mix's throughput is all its bytes over the
// later of the two ends.
void Probe::side_finished(uint64_t end_ps) {
  stream_end_ps_ = std::max(stream_end_ps_, end_ps);
  const unsigned units = r_.reads && r_.writes ? probe_shape::stream_chunks : 1;
  const bool both = (r_.reads == 0 || reads_done_ == units) && (r_.writes == 0 || writes_done_ == units);
  if (!both) return;
  const double bytes = double(probe_shape::chunk_bytes) * probe_shape::stream_chunks * (r_.reads + r_.writes);
  result["GBps"] = bytes / double(stream_end_ps_) * 1e3;
}

// The latency thread of a loaded-latency point: dependent reads while the load
// runs (after a warm-up of a fifth of the window, until 90 % of it).
void Probe::chaser() {
  wait_for_boot();
  if (r_.kind != ProbeKind::loaded) return;
  const uint64_t window_ps = uint64_t(probe_shape::loaded_window_us * 1e6);
  chaser_.bus.spend(window_ps / 5);
  LineWalk walk(memory_base() + 2 * layout::GiB, layout::GiB);
  const uint64_t start = local_ps(chaser_);
  unsigned reads = 0;
  while (local_ps(chaser_) < window_ps * 9 / 10) {
    if (!chaser_.bus.stream(chase_bus, tlm::TLM_READ_COMMAND, walk.next(), kLine, nullptr))
      fail("chase read: " + failure(chaser_.bus));
    ++reads;
  }
  result["latency_ns"] = double(local_ps(chaser_) - start) / std::max(1u, reads) / 1e3;
  result["chase_reads"] = reads;
}

void Probe::boot(uint64_t regs, unsigned lane) {
  uint64_t msi = m_.msi() + 4 * lane;
  if (!fw_.bus.access(fw_bus, tlm::TLM_WRITE_COMMAND, regs + job_regs::msi_addr, &msi, 8))
    fail("MSI_ADDR write: " + failure(fw_.bus));
}

// Writes the descriptor, rings the doorbell and waits for the job's MSI, as the
// scheduler firmware does; returns the device's record of the job.
const JobRecord& Probe::submit(uint64_t regs, uint64_t desc_host, uint64_t desc_device, JobDescriptor d,
                               const char* device) {
  d.tag = 1;
  uint8_t raw[JobDescriptor::kBytes];
  d.encode(raw);
  uint64_t address = desc_device;
  uint32_t ring = 1;
  if (!fw_.bus.access(fw_bus, tlm::TLM_WRITE_COMMAND, desc_host, raw, JobDescriptor::kBytes) ||
      !fw_.bus.access(fw_bus, tlm::TLM_WRITE_COMMAND, regs + job_regs::desc_addr, &address, 8) ||
      !fw_.bus.access(fw_bus, tlm::TLM_WRITE_COMMAND, regs + job_regs::doorbell, &ring, 4))
    fail("job submission: " + failure(fw_.bus));
  fw_.sync();
  const MsiMessage msg = irq_.next();
  if (msg.data != d.tag) fail(std::string(device) + " job failed");
  // A device logs the job just after its MSI leaves; give it that moment.
  sc_core::wait(sc_time(1, sc_core::SC_US));
  const auto& records = fw_.bus.telemetry().jobs.records();
  for (auto it = records.rbegin(); it != records.rend(); ++it)
    if (it->device == device) return *it;
  fail(std::string("no ") + device + " job in the log");
}

double seconds(const JobRecord& j) { return double(j.end_ps - j.start_ps) * 1e-12; }

// A GPU copy-engine job between host DDR and HBM, over PCIe.
void Probe::copy(bool to_host) {
  boot(m_.gpu_bar(), kGpuLane);
  JobDescriptor d;
  d.op = JobOp::copy;
  d.flags = to_host ? job_flags::to_host : 0;
  const uint64_t host = m_.ddr_base + layout::weights, hbm = layout::hbm_activations;
  d.act_in_addr = to_host ? hbm : host;
  d.act_out_addr = to_host ? host : hbm;
  d.act_in_bytes = d.act_out_bytes = probe_shape::copy_bytes;
  const uint64_t desc = m_.ddr_base + layout::descriptors;
  const JobRecord& j = submit(m_.gpu_bar(), desc, desc, d, "gpu.copy");
  result["GBps"] = double(probe_shape::copy_bytes) / seconds(j) / 1e9;
}

// The copy engine with one 64 B burst in flight reads host DDR line after
// line: the latency of each DMA read is the route gpu.dma->ddr.
void Probe::gpu_chase() {
  boot(m_.gpu_bar(), kGpuLane);
  JobDescriptor d;
  d.op = JobOp::copy;
  d.act_in_addr = m_.ddr_base + layout::weights;
  d.act_out_addr = layout::hbm_activations;
  d.act_in_bytes = d.act_out_bytes = uint64_t(probe_shape::gpu_chase_reads) * kLine;
  const uint64_t desc = m_.ddr_base + layout::descriptors;
  submit(m_.gpu_bar(), desc, desc, d, "gpu.copy");
  for (const auto& route : fw_.bus.telemetry().transactions.routes())
    if (route.name == "gpu.dma->ddr") result["latency_ns"] = route.p50_ns;
}

// A GEMM of M = tokens rows against K x N 16-bit weights, as one expert job.
JobDescriptor gemm_job(unsigned tokens, uint64_t weight_addr, uint64_t act_addr) {
  using namespace probe_shape;
  JobDescriptor d;
  d.op = JobOp::expert_ffn;
  d.tokens = tokens;
  d.weight_addr = weight_addr;
  d.weight_bytes = gemm_k * gemm_n * 2;
  d.act_in_addr = act_addr;
  d.act_in_bytes = uint64_t(tokens) * gemm_k * 2;
  d.act_out_addr = act_addr + d.act_in_bytes;
  d.act_out_bytes = uint64_t(tokens) * gemm_n * 2;
  d.flops = 2 * gemm_k * gemm_n * tokens;
  return d;
}

void Probe::amx() {
  boot(m_.cpu_work_queue(), kCpuLane);
  const JobDescriptor d = gemm_job(r_.tokens, memory_base() + layout::weights, m_.ddr_base + layout::staging);
  const uint64_t desc = m_.ddr_base + layout::descriptors;
  const JobRecord& j = submit(m_.cpu_work_queue(), desc, desc, d, "cpu");
  result["TFLOPS"] = double(d.flops) / seconds(j) / 1e12;
  result["weight_GBps"] = double(d.weight_bytes) / seconds(j) / 1e9;
}

// An NDP job on weights in device DRAM, addressed by DPA.
void Probe::ndp() {
  if (!s_.platform.cxl.ndp.enabled) fail("needs platform.cxl.ndp.enabled: true");
  const uint64_t regs = m_.cxl_bar() + cxl_bar::ndp_regs;
  boot(regs, kNdpLane);
  const JobDescriptor d = gemm_job(r_.tokens, layout::weights, layout::staging);
  const JobRecord& j = submit(regs, m_.expander_windows.front().base + layout::descriptors, layout::descriptors, d, "ndp");
  result["GMACps"] = double(d.flops) / 2 / seconds(j) / 1e9;
  result["weight_GBps"] = double(d.weight_bytes) / seconds(j) / 1e9;
}

// The platform's models (Hardware, wired as in Platform) without the
// scheduler and the protocol checkers, plus the probe on the host bus.
// The models and the probe, reporting to the rig's own telemetry.
struct Rig {
  Rig(const Scenario& s, const ProbeRequest& r)
      : building(std::in_place, telemetry),
        scenario(s),
        topology(resolve_topology(s)),
        map(build_memory_map(s, topology)),
        hw(s, topology, map, nullptr, direct),
        probe("probe", scenario, map, hw.irq, r) {
    tlm::tlm_global_quantum::instance().set(sc_time(s.simulation.quantum_ns, SC_NS));
    for (auto* socket : {&probe.fw_bus, &probe.read_bus, &probe.write_bus, &probe.chase_bus}) socket->bind(hw.bus.in);
    building.reset();
  }

  Telemetry telemetry;
  std::optional<Telemetry::Building> building;  // while the constructor builds the models
  Scenario scenario;
  Topology topology;
  MemoryMap map;
  Hardware hw;
  Probe probe;
};

}  // namespace

const char* to_string(ProbeKind kind) {
  switch (kind) {
    case ProbeKind::chase: return "chase";
    case ProbeKind::stream: return "stream";
    case ProbeKind::loaded: return "loaded";
    case ProbeKind::gpu_chase: return "gpu_chase";
    case ProbeKind::h2d: return "h2d";
    case ProbeKind::d2h: return "d2h";
    case ProbeKind::amx: return "amx";
    case ProbeKind::ndp: return "ndp";
  }
  return "?";
}

bool parse_probe_kind(const std::string& text, ProbeKind& kind) {
  for (ProbeKind k : {ProbeKind::chase, ProbeKind::stream, ProbeKind::loaded, ProbeKind::gpu_chase, ProbeKind::h2d,
                      ProbeKind::d2h, ProbeKind::amx, ProbeKind::ndp})
    if (text == to_string(k)) return kind = k, true;
  return false;
}

ProbeResult run_probe(const Scenario& scenario, const ProbeRequest& request, std::string& error) {
  Scenario s = scenario;
  s.simulation.compute = ComputeMode::roofline;  // AMX and NDP probes time FLOPs against bytes
  if (request.kind == ProbeKind::gpu_chase) {     // one 64 B read in flight: a dependent walk
    s.simulation.burst_bytes = kLine;
    s.platform.gpu.dma_bytes_in_flight = kLine;
  }
  if (request.kind == ProbeKind::loaded)  // see probe_shape::loaded_quantum_ns
    s.simulation.quantum_ns = std::min(s.simulation.quantum_ns, probe_shape::loaded_quantum_ns);
  Rig rig(s, request);
  sc_core::sc_start();
  error = rig.probe.error;
  return rig.probe.result;
}

}  // namespace cxlvp
