#pragma once
// Interpose: how a model that wires its own parts binds an initiator to a
// target. It binds to what `interpose(name, target)` returns: the target
// itself (`direct`), or a protocol checker placed in front of it by the
// platform (simulation.checks: protocol), so that every binding, inside a
// model or between models, can be checked.
#include <functional>
#include <string>
#include <tlm>

namespace cxlvp {

using TargetSocketBase = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;
// `name` says which binding it is ("cxl1.link->cxl1.ctrl").
using Interpose = std::function<TargetSocketBase&(const std::string& name, TargetSocketBase& target)>;

inline TargetSocketBase& direct(const std::string&, TargetSocketBase& target) { return target; }

}  // namespace cxlvp
