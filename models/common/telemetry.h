#pragma once
// Telemetry: what one platform's models report to: the names of its trace
// nodes, its transactions per route (and the optional transaction log), and
// the jobs its devices ran. Each Platform owns one, so two platforms in one
// process report independently; nothing here is process-wide.
//
// Models find their platform's telemetry when they are built: the platform
// holds a Telemetry::Building scope while it constructs its models, and each
// model keeps what Telemetry::current() gives it (a node, the recorder, the
// job log). Models built outside any platform (unit tests, docs/example)
// report to Telemetry::standalone().
#include <string>

#include "job_log.h"
#include "node_registry.h"
#include "transaction_recorder.h"

namespace cxlvp {

class Telemetry {
 public:
  Telemetry() : transactions(nodes) {}
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;

  NodeRegistry nodes;
  TransactionRecorder transactions;
  JobLog jobs;

  // The telemetry models built now report to: the innermost Building scope's, else standalone().
  static Telemetry& current();
  // The telemetry of models built outside any platform.
  static Telemetry& standalone();

  // While it lives, models built report to `telemetry`, and node names lose
  // the `prefix` of the SystemC module the platform is built in (so a
  // platform inside a module "a" still reports routes as "gpu0.dma->cxl0.mem").
  class Building {
   public:
    explicit Building(Telemetry& telemetry, std::string prefix = "");
    ~Building();
    Building(const Building&) = delete;
    Building& operator=(const Building&) = delete;

   private:
    Telemetry* outer_;
    std::string outer_prefix_;
  };

  // A node name as reported: without the prefix of the platform being built.
  static std::string report_name(const std::string& sc_name);
};

}  // namespace cxlvp
