// RegisterBank / Register and the JobQueueRegisters block built on it.
// Accesses must hit a register exactly (offset and width); everything else is
// an error response, never undefined behaviour.
#include <catch2/catch.hpp>

#include <cstring>
#include <stdexcept>
#include <systemc>
#include <tlm>

#include "models/common/job_queue_registers.h"
#include "models/common/register_bank.h"
#include "testbench.h"

using namespace cxlvp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

struct Result {
  tlm::tlm_response_status status;
  uint64_t value;
  sc_time delay;
};

// One access through RegisterBank::transport, with an optional incoming delay.
Result access(RegisterBank& bank, tlm::tlm_command cmd, uint64_t offset, unsigned length, uint64_t value = 0,
              sc_time delay = sc_core::SC_ZERO_TIME, unsigned char* byte_enable = nullptr,
              unsigned streaming_width = 0) {
  uint8_t data[16] = {};
  std::memcpy(data, &value, sizeof(value));
  tlm::tlm_generic_payload p;
  p.set_command(cmd);
  p.set_address(offset);
  p.set_data_ptr(data);
  p.set_data_length(length);
  p.set_streaming_width(streaming_width ? streaming_width : length);
  p.set_byte_enable_ptr(byte_enable);
  p.set_byte_enable_length(byte_enable ? length : 0);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  bank.transport(p, delay);
  uint64_t out = 0;
  std::memcpy(&out, data, std::min(length, 8u));
  return {p.get_response_status(), out, delay};
}

Result bank_read(RegisterBank& bank, uint64_t offset, unsigned length) {
  return access(bank, tlm::TLM_READ_COMMAND, offset, length);
}
Result bank_write(RegisterBank& bank, uint64_t offset, unsigned length, uint64_t value,
             sc_time delay = sc_core::SC_ZERO_TIME) {
  return access(bank, tlm::TLM_WRITE_COMMAND, offset, length, value, delay);
}

}  // namespace

// Reads return reset values; writes stick; reset() restores the reset values.
// Every access adds the bank's access latency (10 ns) to the delay.
TEST_CASE("register bank: reset values, read/write, reset()", "[register_bank]") {
  RegisterBank bank("rb_reset", sc_time(10, SC_NS));
  Register a("A", 0x00, 4, 0x11223344);
  Register b("B", 0x08, 8, 0x0102030405060708ull);
  bank.add(a);
  bank.add(b);

  CHECK(bank_read(bank, 0x00, 4).value == 0x11223344);
  CHECK(bank_read(bank, 0x08, 8).value == 0x0102030405060708ull);
  const Result r = bank_read(bank, 0x00, 4);
  CHECK(r.status == tlm::TLM_OK_RESPONSE);
  CHECK(r.delay == sc_time(10, SC_NS));

  CHECK(bank_write(bank, 0x00, 4, 0xCAFEF00D).status == tlm::TLM_OK_RESPONSE);
  CHECK(bank_write(bank, 0x08, 8, 0xFFEEDDCCBBAA9988ull).status == tlm::TLM_OK_RESPONSE);
  CHECK(a.value == 0xCAFEF00D);
  CHECK(bank_read(bank, 0x08, 8).value == 0xFFEEDDCCBBAA9988ull);

  bank.reset();
  CHECK(bank_read(bank, 0x00, 4).value == 0x11223344);
  CHECK(b.value == 0x0102030405060708ull);
}

// A write to a read-only register answers OK and changes nothing; a read of a
// write-only register returns 0 although the register holds the written value.
TEST_CASE("register bank: read-only writes ignored, write-only reads as zero", "[register_bank]") {
  RegisterBank bank("rb_access", sc_core::SC_ZERO_TIME);
  Register ro("RO", 0x0, 4, 0xABCD, cxlvp::Access::read_only);
  Register wo("WO", 0x4, 4, 0, cxlvp::Access::write_only);
  bank.add(ro);
  bank.add(wo);

  CHECK(bank_write(bank, 0x0, 4, 0x1234).status == tlm::TLM_OK_RESPONSE);
  CHECK(ro.value == 0xABCD);
  CHECK(bank_read(bank, 0x0, 4).value == 0xABCD);

  CHECK(bank_write(bank, 0x4, 4, 0x5678).status == tlm::TLM_OK_RESPONSE);
  CHECK(wo.value == 0x5678);
  const Result r = bank_read(bank, 0x4, 4);
  CHECK(r.status == tlm::TLM_OK_RESPONSE);
  CHECK(r.value == 0);
}

// Only exact hits decode: an offset inside a register, a wrong width, a gap
// between registers or past the end all give TLM_ADDRESS_ERROR_RESPONSE and
// leave the registers alone. Byte enables on a register give a byte-enable error.
TEST_CASE("register bank: unaligned or misfit accesses are address errors", "[register_bank]") {
  RegisterBank bank("rb_errors", sc_core::SC_ZERO_TIME);
  Register a("A", 0x00, 4, 7);
  Register b("B", 0x08, 8, 9);
  bank.add(a);
  bank.add(b);

  CHECK(bank_write(bank, 0x01, 4, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // inside A
  CHECK(bank_write(bank, 0x00, 8, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // A is 4 bytes
  CHECK(bank_write(bank, 0x00, 2, 1).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // partial
  CHECK(bank_read(bank, 0x08, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);      // half of B
  CHECK(bank_read(bank, 0x0C, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);      // upper half of B
  CHECK(bank_read(bank, 0x04, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);      // gap
  CHECK(bank_read(bank, 0x100, 4).status == tlm::TLM_ADDRESS_ERROR_RESPONSE);     // past the end
  CHECK(a.value == 7);
  CHECK(b.value == 9);

  unsigned char be[4] = {0xff, 0xff, 0, 0};
  CHECK(access(bank, tlm::TLM_WRITE_COMMAND, 0x00, 4, 1, sc_core::SC_ZERO_TIME, be).status ==
        tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK(a.value == 7);
}

// on_write runs after the value is stored and sees the value and the writer's
// time offset including the bank's access latency (incoming 30 ns + 5 ns);
// on_read supplies what a read returns.
TEST_CASE("register bank: on_write gets value and delay, on_read supplies the value", "[register_bank]") {
  RegisterBank bank("rb_hooks", sc_time(5, SC_NS));
  Register ctl("CTL", 0x10, 8, 0);
  Register st("ST", 0x18, 4, 0, cxlvp::Access::read_only);
  uint64_t seen_value = 0, stored_at_hook = 0;
  sc_time seen_delay;
  int calls = 0;
  ctl.on_write = [&](uint64_t v, const sc_time& d) {
    seen_value = v;
    stored_at_hook = ctl.value;
    seen_delay = d;
    ++calls;
  };
  int reads = 0;
  st.on_read = [&] { return uint64_t(0x40 + reads++); };
  bank.add(ctl);
  bank.add(st);

  const Result w = bank_write(bank, 0x10, 8, 0x123456789ull, sc_time(30, SC_NS));
  CHECK(w.status == tlm::TLM_OK_RESPONSE);
  CHECK(calls == 1);
  CHECK(seen_value == 0x123456789ull);
  CHECK(stored_at_hook == 0x123456789ull);
  CHECK(seen_delay == sc_time(35, SC_NS));
  CHECK(w.delay == sc_time(35, SC_NS));

  CHECK(bank_read(bank, 0x18, 4).value == 0x40);
  CHECK(bank_read(bank, 0x18, 4).value == 0x41);
  // A write to a read-only register does not run hooks or change anything.
  CHECK(bank_write(bank, 0x18, 4, 1).status == tlm::TLM_OK_RESPONSE);
  CHECK(st.value == 0);
}

// Overlapping registers are a construction error; touching ones are fine.
// Register widths other than 4 and 8 are rejected.
TEST_CASE("register bank: overlapping registers are rejected", "[register_bank]") {
  RegisterBank bank("rb_overlap", sc_core::SC_ZERO_TIME);
  Register a("A", 0x00, 8, 0);
  Register b("B", 0x04, 4, 0);   // inside A
  Register c("C", 0x08, 4, 0);   // touches A's end: fine
  Register d("D", 0x0C, 8, 0);   // touches C: fine
  Register e("E", 0x10, 4, 0);   // inside D
  bank.add(a);
  CHECK_THROWS_AS(bank.add(b), std::logic_error);
  CHECK_NOTHROW(bank.add(c));
  CHECK_NOTHROW(bank.add(d));
  CHECK_THROWS_AS(bank.add(e), std::logic_error);
  CHECK(bank.registers().size() == 3);
  CHECK_THROWS_AS(Register("W", 0, 2, 0), std::invalid_argument);
}

// Debug access reads and writes the stored value without latency or hooks.
TEST_CASE("register bank: debug transport has no side effects", "[register_bank]") {
  RegisterBank bank("rb_debug", sc_time(5, SC_NS));
  Register a("A", 0x0, 4, 0x77);
  int calls = 0;
  a.on_write = [&](uint64_t, const sc_time&) { ++calls; };
  bank.add(a);
  uint32_t v = 0;
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(0);
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  p.set_data_length(4);
  CHECK(bank.transport_dbg(p) == 4);
  CHECK(v == 0x77);
  v = 0x99;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  CHECK(bank.transport_dbg(p) == 4);
  CHECK(a.value == 0x99);
  CHECK(calls == 0);
  p.set_address(2);
  CHECK(bank.transport_dbg(p) == 0);
}

// ---------------------------------------------------------------------------
// JobQueueRegisters: the doorbell queues DESC_ADDR at the simulated time of
// the write (timestamp + annotated delay + register latency); next_job()
// returns it no earlier than that. A full queue sets ERROR = queue_full and
// STATUS bit1; STATUS bits 16.. count queued jobs.
namespace {

struct JobQueueBench : sc_core::sc_module {
  JobQueueRegisters regs{"jq.regs", 0x00010000, 2, sc_time(20, SC_NS)};
  std::vector<std::pair<uint64_t, uint64_t>> taken;  // (time, descriptor)
  uint32_t version = 0, queue_depth = 0, status_queued = 0, status_full = 0, error = 0, completed = 0;
  tlm::tlm_response_status doorbell_read_status = tlm::TLM_INCOMPLETE_RESPONSE;

  explicit JobQueueBench(sc_core::sc_module_name n) : sc_module(n) {
    SC_HAS_PROCESS(JobQueueBench);
    SC_THREAD(firmware);
    SC_THREAD(device);
  }

  tlm::tlm_response_status io(tlm::tlm_command cmd, uint64_t offset, void* data, unsigned len, sc_time delay) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(offset);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    regs.transport(p, delay);
    return p.get_response_status();
  }
  template <typename T>
  void wr(uint64_t offset, T v, sc_time delay = sc_core::SC_ZERO_TIME) {
    io(tlm::TLM_WRITE_COMMAND, offset, &v, sizeof(T), delay);
  }
  uint32_t rd32(uint64_t offset) {
    uint32_t v = 0;
    io(tlm::TLM_READ_COMMAND, offset, &v, 4, sc_core::SC_ZERO_TIME);
    return v;
  }

  void firmware() {
    version = rd32(job_regs::version);
    queue_depth = rd32(job_regs::queue_depth);
    // Doorbell written 1 us ahead of the timestamp (decoupled initiator).
    wr<uint64_t>(job_regs::desc_addr, 0x1000);
    wr<uint32_t>(job_regs::doorbell, 1, sc_time(1000, SC_NS));
    wr<uint64_t>(job_regs::desc_addr, 0x2000);
    wr<uint32_t>(job_regs::doorbell, 1, sc_time(1500, SC_NS));
    status_queued = rd32(job_regs::status);
    wr<uint64_t>(job_regs::desc_addr, 0x3000);
    wr<uint32_t>(job_regs::doorbell, 1, sc_time(1600, SC_NS));  // queue depth 2: rejected
    status_full = rd32(job_regs::status);
    error = rd32(job_regs::error);
    uint32_t dummy = 0;
    doorbell_read_status = io(tlm::TLM_READ_COMMAND, job_regs::doorbell, &dummy, 4, sc_core::SC_ZERO_TIME);
    sc_core::wait(sc_time(10, sc_core::SC_US));
    completed = rd32(job_regs::completed);
  }
  void device() {
    for (;;) {
      const uint64_t d = regs.next_job();
      taken.push_back({cxlvp::test::now_ps(), d});
      regs.job_done();
    }
  }
};

}  // namespace

TEST_CASE("job queue registers: doorbell timing, queue full, status and error", "[register_bank][job_queue]") {
  JobQueueBench bench("jq");
  sc_core::sc_start();
  CHECK(bench.version == 0x00010000);
  CHECK(bench.queue_depth == 2);
  REQUIRE(bench.taken.size() == 2);
  // Doorbell time = write delay + 20 ns register latency.
  CHECK(bench.taken[0] == std::make_pair(cxlvp::test::ps_from_ns(1020), uint64_t(0x1000)));
  CHECK(bench.taken[1] == std::make_pair(cxlvp::test::ps_from_ns(1520), uint64_t(0x2000)));
  CHECK((bench.status_queued >> 16) == 2);
  CHECK((bench.status_queued & 2u) == 0);
  CHECK((bench.status_full >> 16) == 2);
  CHECK((bench.status_full & 2u) != 0);  // error bit
  CHECK(bench.error == uint32_t(JobError::queue_full));
  CHECK(bench.doorbell_read_status == tlm::TLM_OK_RESPONSE);
  CHECK(bench.completed == 2);
}
