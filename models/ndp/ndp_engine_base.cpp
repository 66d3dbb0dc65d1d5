#include "ndp_engine_base.h"

#include <vector>

namespace cxlvp {

namespace {

void collect_threads(const std::vector<sc_core::sc_object*>& objects, std::vector<sc_core::sc_process_handle>& out) {
  for (sc_core::sc_object* o : objects) {
    sc_core::sc_process_handle h(o);
    if (h.valid() && (h.proc_kind() == sc_core::SC_THREAD_PROC_ || h.proc_kind() == sc_core::SC_CTHREAD_PROC_) &&
        !h.terminated())
      out.push_back(h);
    collect_threads(o->get_child_objects(), out);
  }
}

}  // namespace

void stop_simulation_now() {
  sc_core::sc_stop();
  std::vector<sc_core::sc_process_handle> threads;
  collect_threads(sc_core::sc_get_top_level_objects(), threads);
  sc_core::sc_process_handle self = sc_core::sc_get_current_process_handle();
  for (sc_core::sc_process_handle& h : threads)
    if (h != self && !h.terminated()) h.kill();
  if (self.valid() && self.proc_kind() != sc_core::SC_METHOD_PROC_) self.kill();
}

void NdpEngineBase::stop_with_fault(NdpFault f) {
  if (fault_) return;
  SC_REPORT_INFO("cxlvp/ndp_fault", f.message.c_str());
  fault_ = std::move(f);
  stop_simulation_now();
}

}  // namespace cxlvp
