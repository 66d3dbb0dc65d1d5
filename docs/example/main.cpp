// Streams 64 MiB of reads from a DRAM behind a PCIe Gen4 x16 link and prints
// the achieved bandwidth and the per-route latency the models recorded.
//
//   reader.bus --> link (SerialLink + PcieFormat) --> ddr (Dram)
#include <cstdio>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/burst_initiator.h"
#include "models/common/serial_link.h"
#include "models/common/telemetry.h"
#include "models/memory/dram.h"
#include "models/pcie/pcie_format.h"

using namespace cxlvp;
using namespace sc_core;

// One SC_THREAD that reads `bytes` through its socket in 4 KiB bursts, 8 in flight.
struct Reader : sc_module {
  tlm_utils::simple_initiator_socket<Reader> bus{"bus"};
  ThreadBus master{"reader", 4096, 8};
  uint64_t bytes = 64ull << 20;
  double seconds = 0;

  SC_HAS_PROCESS(Reader);
  explicit Reader(sc_module_name name) : sc_module(name) { SC_THREAD(run); }

  void run() {
    const sc_time start = sc_time_stamp();
    if (!master.bus.stream(bus, tlm::TLM_READ_COMMAND, 0, bytes, nullptr))  // nullptr: timing only
      SC_REPORT_ERROR("example", "read failed");
    master.sync();  // bring simulated time up to the thread's local time
    seconds = (sc_time_stamp() - start).to_seconds();
  }
};

// SerialLink has a device-to-host direction too; this example does not use it.
struct TieOff : sc_module {
  tlm_utils::simple_initiator_socket<TieOff> out{"out"};
  tlm_utils::simple_target_socket<TieOff> in{"in"};
  explicit TieOff(sc_module_name name) : sc_module(name) {
    in.register_b_transport(this, &TieOff::refuse);
  }
  void refuse(tlm::tlm_generic_payload& p, sc_time&) { p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); }
};

int sc_main(int, char*[]) {
  tlm::tlm_global_quantum::instance().set(sc_time(1, SC_US));

  PcieLinkConfig pcie;  // defaults: Gen4 x16, MPS 256, MRRS 512, 100 ns per traversal
  DramConfig dram;
  dram.capacity_bytes = 1ull << 30;
  dram.channels = 4;
  dram.peak_GBps = 100;
  dram.idle_latency_ns = 90;

  Reader reader("reader");
  SerialLink link("link", std::make_unique<PcieFormat>(pcie), sc_time(pcie.latency_ns, SC_NS));
  Dram ddr("ddr", dram);
  TieOff tie("tie");
  reader.bus.bind(link.down_in);
  link.down_out.bind(ddr.in);
  tie.out.bind(link.up_in);
  link.up_out.bind(tie.in);

  sc_start();

  std::printf("read %llu MiB in %.3f us: %.2f GB/s (link payload efficiency %.4f)\n",
              (unsigned long long)(reader.bytes >> 20), reader.seconds * 1e6,
              reader.bytes / reader.seconds / 1e9, PcieFormat(pcie).payload_efficiency());
  for (const RouteSummary& r : Telemetry::standalone().transactions.routes())
    std::printf("%s: %llu transactions, %llu bytes, latency ns min %.0f mean %.0f p50 %.0f p99 %.0f max %.0f\n",
                r.name.c_str(), (unsigned long long)r.count, (unsigned long long)r.bytes, r.min_ns, r.mean_ns,
                r.p50_ns, r.p99_ns, r.max_ns);
  return 0;
}
