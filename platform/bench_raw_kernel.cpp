#include "bench_raw_kernel.h"

#include <algorithm>
#include <chrono>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>
#include <vector>

#include "models/common/initiator_socket.h"
#include "models/common/target_socket.h"

namespace cxlvp {

using Clock = std::chrono::steady_clock;

// The reference is the loop a SystemC user would write: tlm_utils' simple
// sockets. The same loop through the platform's own sockets (InitiatorSocket,
// TargetSocket: one virtual call per b_transport) is measured as well, for
// information: they make a trivial loop faster too.

// Adds 10 ns to every call, behind both kinds of socket.
struct BenchTarget : sc_core::sc_module {
  const sc_core::sc_time latency{10, sc_core::SC_NS};  // built once: sc_time(double, unit) is not free
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    delay += latency;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  tlm_utils::simple_target_socket<BenchTarget> socket{"socket"};
  TargetSocket<BenchTarget, &BenchTarget::b_transport> platform_socket{"platform_socket", this};
  explicit BenchTarget(sc_core::sc_module_name name) : sc_module(name) {
    socket.register_b_transport(this, &BenchTarget::b_transport);
  }
};

// Runs `rounds` rounds of `calls` calls through the simple socket, then as
// many through the platform's socket, each time it is released, and keeps
// each round's wall time: the best round is the rate (the least disturbed by
// the rest of the machine).
struct BenchInitiator : sc_core::sc_module {
  SC_HAS_PROCESS(BenchInitiator);
  tlm_utils::simple_initiator_socket<BenchInitiator> socket{"socket"};
  InitiatorSocket platform_socket{"platform_socket"};
  sc_core::sc_event again;  // notified between sc_start calls: one more set of rounds
  uint64_t calls;
  unsigned rounds;
  std::vector<double> round_wall_s, platform_round_wall_s;
  BenchInitiator(sc_core::sc_module_name name, uint64_t n, unsigned r) : sc_module(name), calls(n), rounds(r) {
    SC_THREAD(run);
  }
  void run() {
    for (;;) {
      loop([this](tlm::tlm_generic_payload& p, sc_core::sc_time& d) { socket->b_transport(p, d); }, round_wall_s);
      loop([this](tlm::tlm_generic_payload& p, sc_core::sc_time& d) { platform_socket.b_transport(p, d); },
           platform_round_wall_s);
      wait(again);
    }
  }
  template <class Call>
  void loop(Call call, std::vector<double>& wall_s) {
    tlm_utils::tlm_quantumkeeper qk;
    qk.reset();
    unsigned char data[64] = {};
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_data_ptr(data);
    p.set_data_length(sizeof data);
    p.set_streaming_width(sizeof data);
    for (unsigned round = 0; round < rounds; ++round) {
      const auto start = Clock::now();
      for (uint64_t i = 0; i < calls; ++i) {
        p.set_address(i * sizeof data);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_core::sc_time delay = qk.get_local_time();
        call(p, delay);
        qk.set(delay);
        if (qk.need_sync()) qk.sync();
      }
      qk.sync();
      wall_s.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
  }
};

RawKernel::RawKernel(uint64_t calls, unsigned rounds) {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
  target_ = std::make_unique<BenchTarget>("bench_target");
  initiator_ = std::make_unique<BenchInitiator>("bench_initiator", calls, rounds);
  initiator_->socket.bind(target_->socket);
  initiator_->platform_socket.bind(target_->platform_socket);
}

RawKernel::~RawKernel() = default;

KernelResult RawKernel::measure() {
  if (started_) initiator_->again.notify(sc_core::SC_ZERO_TIME);
  started_ = true;
  sc_core::sc_start();
  const auto best = [](const std::vector<double>& v) { return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end()); };
  KernelResult r;
  r.calls = initiator_->calls;
  r.rounds = unsigned(initiator_->round_wall_s.size());
  r.wall_s = best(initiator_->round_wall_s);
  r.slowest_wall_s = initiator_->round_wall_s.empty()
                         ? 0.0
                         : *std::max_element(initiator_->round_wall_s.begin(), initiator_->round_wall_s.end());
  r.platform_wall_s = best(initiator_->platform_round_wall_s);
  return r;
}

}  // namespace cxlvp
