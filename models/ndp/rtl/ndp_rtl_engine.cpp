#include "ndp_rtl_engine.h"

#include <verilated.h>
#include <verilated_vcd_sc.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../../common/hop_trace.h"
#include "../../common/job_log.h"
#include "../../common/job_queue_registers.h"
#include "../../common/transaction_recorder.h"
#include "Vndp_engine.h"

namespace cxlvp {

using sc_core::sc_signal;
using sc_core::sc_time;

namespace {

constexpr unsigned kBeat = NdpRtlParameters::port_bytes;

// The register map's (offset, width) pairs: the RegisterBank access rule.
bool is_register(uint64_t offset, unsigned width) {
  using namespace job_regs;
  if (width == 8) return offset == desc_addr || offset == msi_addr;
  if (width != 4) return false;
  for (uint64_t o : {version, status, doorbell, error, completed, queue_depth, max_d_model, max_d_ff})
    if (offset == o) return true;
  return false;
}

sc_dt::sc_bv<128> to_beat(const uint8_t* bytes, unsigned n) {
  uint8_t b[kBeat] = {};
  std::memcpy(b, bytes, n);
  sc_dt::sc_bv<128> v;
  for (int w = 0; w < 4; ++w) {
    uint32_t word = 0;
    std::memcpy(&word, b + 4 * w, 4);
    v.set_word(w, word);
  }
  return v;
}

void from_beat(const sc_dt::sc_bv<128>& v, uint8_t* bytes, unsigned n) {
  uint8_t b[kBeat];
  for (int w = 0; w < 4; ++w) {
    const uint32_t word = v.get_word(w);
    std::memcpy(b + 4 * w, &word, 4);
  }
  std::memcpy(bytes, b, n);
}

}  // namespace

struct NdpRtlEngine::Impl {
  explicit Impl(const std::string& vcd_file) : vcd_file(vcd_file) {}

  // Pins of the verilated engine (declared before it: it binds to them).
  sc_signal<bool> clk{"clk"}, rst_n{"rst_n"};
  sc_signal<uint64_t> cfg_dram_bytes{"cfg_dram_bytes"};
  sc_signal<bool> reg_valid{"reg_valid"}, reg_ready{"reg_ready"}, reg_write{"reg_write"};
  sc_signal<uint32_t> reg_addr{"reg_addr"}, reg_wdata{"reg_wdata"}, reg_rsp_rdata{"reg_rsp_rdata"};
  sc_signal<bool> reg_rsp_valid{"reg_rsp_valid"}, reg_rsp_err{"reg_rsp_err"};
  sc_signal<bool> mem_req_valid{"mem_req_valid"}, mem_req_ready{"mem_req_ready"}, mem_req_write{"mem_req_write"};
  sc_signal<uint64_t> mem_req_addr{"mem_req_addr"};
  sc_signal<uint32_t> mem_req_bytes{"mem_req_bytes"};
  sc_signal<bool> mem_wvalid{"mem_wvalid"}, mem_wready{"mem_wready"};
  sc_signal<sc_dt::sc_bv<128>> mem_wdata{"mem_wdata"}, mem_rsp_data{"mem_rsp_data"};
  sc_signal<bool> mem_rsp_valid{"mem_rsp_valid"}, mem_rsp_ready{"mem_rsp_ready"}, mem_rsp_err{"mem_rsp_err"},
      mem_rsp_last{"mem_rsp_last"};
  sc_signal<bool> irq_valid{"irq_valid"}, irq_ready{"irq_ready"};
  sc_signal<uint32_t> irq_data{"irq_data"};
  sc_signal<uint64_t> irq_addr{"irq_addr"};
  sc_signal<bool> active{"active"};

  std::unique_ptr<Vndp_engine> rtl;
  std::string vcd_file;
  std::unique_ptr<VerilatedVcdSc> vcd;

  sc_time period, half;
  uint64_t cycles = 0;
  sc_core::sc_event wake;

  // Register bus, host side: one access (a 32-bit half) at a time.
  NodeId regs_node = 0;
  bool bus_owned = false;    // a register access is in progress
  bool bus_posted = false;   // its next half waits to be driven
  bool post_write = false;
  uint32_t post_addr = 0, post_data = 0;
  uint32_t rsp_data = 0;
  bool rsp_err = false;
  sc_core::sc_event bus_free, bus_done;

  // Memory port, device side.
  NodeId node = 0;
  uint64_t burst_bytes = 4096;
  unsigned window = 1;           // bursts buffered ahead of the engine
  enum class Mem { idle, read, write_data, write_ack } mem = Mem::idle;
  uint64_t addr = 0, bytes = 0, beats = 0, beat = 0;
  std::vector<uint8_t> data;
  std::vector<uint64_t> ready_ps;  // per burst: when it (and every burst before it) has completed
  std::vector<bool> burst_err;
  size_t issued = 0;
  uint64_t ack_ps = 0;
  bool ack_err = false;

  // The job in progress as the pins show it, for the job log (reports): it
  // opens with the engine's first memory request (the descriptor read) and
  // closes with its interrupt.
  bool job_open = false;
  bool descriptor_read = false;  // the read in progress is the job's descriptor
  JobRecord record;

  // Interrupt.
  bool msi_sent = false;
  uint64_t msi_ps = 0;

  tlm::tlm_generic_payload payload;
  HopTrace trace;
  uint32_t msi_word = 0;

  // One transaction issued at `issue_ps` (>= now); returns its completion time
  // and whether it succeeded.
  uint64_t issue(tlm::tlm_initiator_socket<>& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* bytes_ptr,
                 unsigned length, bool bulk, uint64_t issue_ps, bool& ok) {
    payload.set_command(cmd);
    payload.set_address(address);
    payload.set_data_ptr(bytes_ptr);
    payload.set_data_length(length);
    payload.set_streaming_width(length);
    payload.set_byte_enable_ptr(nullptr);
    payload.set_dmi_allowed(false);
    payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    const uint64_t now = sc_core::sc_time_stamp().value();
    trace.reset(node, true, bulk, sc_core::sc_time_stamp());
    sc_time delay = sc_time::from_value(issue_ps - now);
    trace.stamp(node, delay);
    socket->b_transport(payload, delay);
    ok = payload.get_response_status() == tlm::TLM_OK_RESPONSE;
    const uint64_t done = now + delay.value();
    if (ok) TransactionRecorder::global().record(payload, trace, issue_ps, done);
    return done;
  }
  uint64_t burst_count() const { return (bytes + burst_bytes - 1) / burst_bytes; }
};

NdpRtlEngine::NdpRtlEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes,
                           uint64_t dram_bytes, const std::string& vcd_file)
    : NdpEngineBase(name), impl_(std::make_unique<Impl>(vcd_file)) {
  Impl& m = *impl_;
  if (!(config.rtl_clock_MHz > 0)) throw std::invalid_argument(std::string(this->name()) + ": rtl_clock_MHz must be > 0");
  if (burst_bytes == 0 || burst_bytes % kBeat)
    throw std::invalid_argument(std::string(this->name()) + ": burst size must be a multiple of 16 bytes");
  // Whole picoseconds, so that edges fall on a grid of the kernel's resolution.
  m.period = sc_time::from_value(uint64_t(std::llround(1e6 / config.rtl_clock_MHz)));
  m.half = sc_time::from_value(m.period.value() / 2);
  m.node = register_node(this->name());
  m.regs_node = register_node(std::string(this->name()) + ".regs");
  m.burst_bytes = burst_bytes;
  m.window = bursts_in_flight(config.bytes_in_flight, burst_bytes);
  m.payload.set_extension(&m.trace);

  if (!vcd_file.empty()) Verilated::traceEverOn(true);
  m.rtl = std::make_unique<Vndp_engine>("rtl");
  Vndp_engine& v = *m.rtl;
  v.clk(m.clk);
  v.rst_n(m.rst_n);
  v.cfg_dram_bytes(m.cfg_dram_bytes);
  v.reg_valid(m.reg_valid);
  v.reg_ready(m.reg_ready);
  v.reg_write(m.reg_write);
  v.reg_addr(m.reg_addr);
  v.reg_wdata(m.reg_wdata);
  v.reg_rsp_valid(m.reg_rsp_valid);
  v.reg_rsp_rdata(m.reg_rsp_rdata);
  v.reg_rsp_err(m.reg_rsp_err);
  v.mem_req_valid(m.mem_req_valid);
  v.mem_req_ready(m.mem_req_ready);
  v.mem_req_write(m.mem_req_write);
  v.mem_req_addr(m.mem_req_addr);
  v.mem_req_bytes(m.mem_req_bytes);
  v.mem_wvalid(m.mem_wvalid);
  v.mem_wready(m.mem_wready);
  v.mem_wdata(m.mem_wdata);
  v.mem_rsp_valid(m.mem_rsp_valid);
  v.mem_rsp_ready(m.mem_rsp_ready);
  v.mem_rsp_data(m.mem_rsp_data);
  v.mem_rsp_err(m.mem_rsp_err);
  v.mem_rsp_last(m.mem_rsp_last);
  v.irq_valid(m.irq_valid);
  v.irq_ready(m.irq_ready);
  v.irq_data(m.irq_data);
  v.irq_addr(m.irq_addr);
  v.active(m.active);
  m.cfg_dram_bytes.write(dram_bytes);
  m.mem_req_ready.write(true);

  SC_HAS_PROCESS(NdpRtlEngine);
  SC_THREAD(clock);
  SC_METHOD(on_edge);
  sensitive << m.clk.posedge_event();
  dont_initialize();
}

NdpRtlEngine::~NdpRtlEngine() {
  if (impl_->vcd) impl_->vcd->close();
  impl_->payload.clear_extension(&impl_->trace);
}

uint64_t NdpRtlEngine::cycles() const { return impl_->cycles; }

void NdpRtlEngine::start_of_simulation() {
  Impl& m = *impl_;
  if (m.vcd_file.empty()) return;
  m.vcd = std::make_unique<VerilatedVcdSc>();
  m.rtl->trace(m.vcd.get(), 99);
  m.vcd->open(m.vcd_file.c_str());
  if (!m.vcd->isOpen())
    throw std::runtime_error(std::string(name()) + ": cannot write the waveform file " + m.vcd_file);
}

void NdpRtlEngine::end_of_simulation() {
  if (impl_->vcd) impl_->vcd->flush();
}

// Reset for two cycles, then a clock that runs while there is work: the RTL's
// `active`, or a register access. Edges stay on the grid of the period.
void NdpRtlEngine::clock() {
  Impl& m = *impl_;
  const sc_time low = m.period - m.half;
  m.rst_n.write(false);
  for (int i = 0; i < 2; ++i) {
    m.clk.write(true);
    sc_core::wait(m.half);
    m.clk.write(false);
    sc_core::wait(low);
  }
  m.rst_n.write(true);
  for (;;) {
    if (!m.active.read() && !m.bus_owned) {
      sc_core::wait(m.wake);
      const uint64_t into = sc_core::sc_time_stamp().value() % m.period.value();
      if (into) sc_core::wait(sc_time::from_value(m.period.value() - into));
    }
    m.clk.write(true);
    sc_core::wait(m.half);
    m.clk.write(false);
    sc_core::wait(low);
  }
}

// Host side of every channel, on the rising edge. Reads see the values before
// the edge (signals update after this evaluation), so both sides agree that a
// transfer happened on an edge where valid and ready were both high.
void NdpRtlEngine::on_edge() {
  Impl& m = *impl_;
  ++m.cycles;
  if (!m.rst_n.read()) return;
  const uint64_t now = sc_core::sc_time_stamp().value();

  // Register bus.
  if (m.reg_valid.read() && m.reg_ready.read()) m.reg_valid.write(false);
  if (m.reg_rsp_valid.read()) {
    m.rsp_data = m.reg_rsp_rdata.read();
    m.rsp_err = m.reg_rsp_err.read();
    m.bus_done.notify(sc_core::SC_ZERO_TIME);
  }
  if (m.bus_posted && !m.reg_valid.read()) {
    m.reg_write.write(m.post_write);
    m.reg_addr.write(m.post_addr);
    m.reg_wdata.write(m.post_data);
    m.reg_valid.write(true);
    m.bus_posted = false;
  }

  // Memory port: a new request.
  if (m.mem_req_ready.read() && m.mem_req_valid.read()) {
    m.mem_req_ready.write(false);
    m.addr = m.mem_req_addr.read();
    m.bytes = m.mem_req_bytes.read();
    m.beats = std::max<uint64_t>(1, (m.bytes + kBeat - 1) / kBeat);
    m.beat = 0;
    m.data.assign(m.beats * kBeat, 0);
    if (!m.job_open) {
      m.job_open = true;
      m.record = JobRecord{"ndp", JobDescriptor{}, now, 0, true};
      m.descriptor_read = !m.mem_req_write.read() && m.bytes == JobDescriptor::kBytes;
    }
    if (m.mem_req_write.read()) {
      m.mem = Impl::Mem::write_data;
      m.mem_wready.write(true);
    } else {
      m.mem = Impl::Mem::read;
      m.ready_ps.assign(m.burst_count(), 0);
      m.burst_err.assign(m.burst_count(), false);
      m.issued = 0;
      if (m.bytes == 0) {  // outside the protocol (bytes >= 1): one failed beat, so that nothing hangs
        m.ready_ps.assign(1, now);
        m.burst_err.assign(1, true);
        m.issued = 1;
      }
    }
  } else {
    serve_memory_port(now);
  }

  // Completion interrupt: the MSI write, then irq_ready for one cycle.
  if (m.irq_ready.read()) {
    m.irq_ready.write(false);
  } else if (m.irq_valid.read() && !m.msi_sent) {
    m.msi_sent = true;
    m.msi_ps = now;
    m.msi_word = m.irq_data.read();
    if (!m.job_open) m.record = JobRecord{"ndp", JobDescriptor{}, now, 0, true};  // failed before any read
    m.record.end_ps = now;
    m.record.ok = !(m.msi_word & job_regs::msi_failed_bit);
    JobLog::global().add(std::move(m.record));
    m.job_open = false;
    if (const uint64_t to = m.irq_addr.read()) {
      bool ok = false;
      m.msi_ps = m.issue(msi, tlm::TLM_WRITE_COMMAND, to, reinterpret_cast<uint8_t*>(&m.msi_word), 4, false, now, ok);
    }
  }
  if (m.msi_sent && m.msi_ps <= now && !m.irq_ready.read()) {
    m.irq_ready.write(true);
    m.msi_sent = false;
  }
}

// The memory port's data and response channels for the request in progress.
void NdpRtlEngine::serve_memory_port(uint64_t now) {
  Impl& m = *impl_;
  switch (m.mem) {
    case Impl::Mem::idle:
      break;
    case Impl::Mem::read: {
      if (m.mem_rsp_valid.read() && m.mem_rsp_ready.read() && ++m.beat == m.beats) {
        if (m.descriptor_read) {
          uint8_t raw[JobDescriptor::kBytes];
          std::memcpy(raw, m.data.data(), sizeof(raw));
          m.record.job = JobDescriptor::decode(raw);
          m.descriptor_read = false;
        }
        m.mem_rsp_valid.write(false);
        m.mem_req_ready.write(true);
        m.mem = Impl::Mem::idle;
        break;
      }
      // Keep `window` bursts in the read buffer ahead of the engine.
      const size_t consumed = m.beat * kBeat / m.burst_bytes;
      while (m.issued < m.ready_ps.size() && m.issued < consumed + m.window) {
        const uint64_t off = m.issued * m.burst_bytes;
        const auto len = unsigned(std::min(m.burst_bytes, m.bytes - off));
        bool ok = false;
        const uint64_t done =
            m.issue(mem, tlm::TLM_READ_COMMAND, m.addr + off, m.data.data() + off, len, true, now, ok);
        m.ready_ps[m.issued] = std::max(done, m.issued ? m.ready_ps[m.issued - 1] : 0);
        m.burst_err[m.issued] = !ok;
        ++m.issued;
      }
      const uint64_t first = m.beat * kBeat;
      const uint64_t last = std::min(first + kBeat, std::max<uint64_t>(m.bytes, 1)) - 1;
      const size_t b0 = first / m.burst_bytes, b1 = last / m.burst_bytes;
      if (b1 < m.issued && m.ready_ps[b1] <= now) {
        m.mem_rsp_data.write(to_beat(m.data.data() + first, kBeat));
        m.mem_rsp_err.write(m.burst_err[b0] || m.burst_err[b1]);
        m.mem_rsp_last.write(m.beat + 1 == m.beats);
        m.mem_rsp_valid.write(true);
      } else {
        m.mem_rsp_valid.write(false);
      }
      break;
    }
    case Impl::Mem::write_data:
      if (m.mem_wready.read() && m.mem_wvalid.read()) {
        from_beat(m.mem_wdata.read(), m.data.data() + m.beat * kBeat, kBeat);
        if (++m.beat == m.beats) {
          m.mem_wready.write(false);
          // The bytes go out in bursts, `window` of them in flight.
          std::vector<uint64_t> in_flight(m.window, now);
          m.ack_ps = now;
          m.ack_err = m.bytes == 0;
          uint64_t at = now;
          for (uint64_t i = 0; i < m.burst_count(); ++i) {
            const uint64_t off = i * m.burst_bytes;
            const auto len = unsigned(std::min(m.burst_bytes, m.bytes - off));
            bool ok = false;
            at = std::max(at, in_flight[i % m.window]);
            const uint64_t done =
                m.issue(mem, tlm::TLM_WRITE_COMMAND, m.addr + off, m.data.data() + off, len, true, at, ok);
            in_flight[i % m.window] = done;
            m.ack_ps = std::max(m.ack_ps, done);
            m.ack_err = m.ack_err || !ok;
          }
          m.mem = Impl::Mem::write_ack;
        }
      }
      break;
    case Impl::Mem::write_ack:
      if (m.mem_rsp_valid.read() && m.mem_rsp_ready.read()) {
        m.mem_rsp_valid.write(false);
        m.mem_req_ready.write(true);
        m.mem = Impl::Mem::idle;
      } else if (m.ack_ps <= now) {
        m.mem_rsp_err.write(m.ack_err);
        m.mem_rsp_last.write(true);
        m.mem_rsp_valid.write(true);
      }
      break;
  }
}

void NdpRtlEngine::register_access(tlm::tlm_generic_payload& p, sc_time& delay) {
  Impl& m = *impl_;
  arrive_at_target(p, m.regs_node, delay);
  const unsigned width = p.get_data_length();
  if (!is_register(p.get_address(), width)) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr() || p.get_streaming_width() < width) {
    p.set_response_status(p.get_byte_enable_ptr() ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                                  : tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  // The access happens at the caller's local time, on the engine's clock. The
  // delay returned is measured from the call's timestamp (completion = time at
  // the call + returned delay, the convention of this code base's initiators),
  // so it never decreases.
  const sc_time start = sc_core::sc_time_stamp();
  while (m.bus_owned) sc_core::wait(m.bus_free);
  m.bus_owned = true;
  const sc_time until = start + delay;
  if (until > sc_core::sc_time_stamp()) sc_core::wait(until - sc_core::sc_time_stamp());
  bool err = false;
  for (unsigned half = 0; half < width / 4; ++half) {
    m.post_write = p.is_write();
    m.post_addr = uint32_t(p.get_address() + 4 * half);
    if (p.is_write()) std::memcpy(&m.post_data, p.get_data_ptr() + 4 * half, 4);
    m.bus_posted = true;
    m.wake.notify();
    sc_core::wait(m.bus_done);
    if (p.is_read()) std::memcpy(p.get_data_ptr() + 4 * half, &m.rsp_data, 4);
    err = err || m.rsp_err;
  }
  m.bus_owned = false;
  m.bus_free.notify();
  delay = sc_core::sc_time_stamp() - start;
  p.set_response_status(err ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE);
}

NdpFactory ndp_rtl_factory(const std::string& vcd_file) {
  return [vcd_file](const char* name, const NdpConfig& config, ComputeMode, uint64_t burst_bytes, uint64_t dram_bytes) {
    return std::unique_ptr<NdpEngineBase>(new NdpRtlEngine(name, config, burst_bytes, dram_bytes, vcd_file));
  };
}

}  // namespace cxlvp
