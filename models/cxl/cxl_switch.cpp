#include "cxl_switch.h"

#include <algorithm>
#include <stdexcept>

#include "../common/hop_trace.h"
#include "granule_split.h"

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

CxlSwitchPort::CxlSwitchPort(sc_core::sc_module_name name, CxlSwitch& owner)
    : sc_module(name), down("down"), up("up", this), owner_(owner), node_(register_node(this->name())) {}

void CxlSwitchPort::send_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlSwitchPort::pass_down>(*this, node_, p, delay);
}

void CxlSwitchPort::from_device(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlSwitchPort::pass_up>(*this, node_, p, delay);
}

inline void CxlSwitchPort::pass_down(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += owner_.crossing();
  down.b_transport(p, delay);
}

inline void CxlSwitchPort::pass_up(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  delay += owner_.crossing();
  owner_.send_up(p, delay);
}

CxlSwitch::CxlSwitch(sc_core::sc_module_name name, const CxlSwitchConfig& config, const AddressRange& bar,
                     std::vector<AddressRange> claims, const std::vector<unsigned>& attached)
    : sc_module(name),
      rp("rp", std::move(claims), sc_time(config.root_port_latency_ns, SC_NS)),
      link("link", std::make_unique<CxlFlitFormat>(config.link), sc_time(config.link.latency_ns, SC_NS)),
      usp_in("usp_in", this, &CxlSwitch::from_upstream_dbg),
      usp_out("usp_out"),
      bar_(bar),
      crossing_(2 * sc_time(config.port_latency_ns, SC_NS)),
      node_(register_node(this->name())),
      hdm_(HdmDecoders::Kind::target_list, cxl_switch_regs::kDecoders, 0, config.ports),
      id_("SWITCH_ID", cxl_switch_regs::id, 4, cxl_switch_regs::kSwitchId, Access::read_only),
      port_count_("PORT_COUNT", cxl_switch_regs::port_count, 4, config.ports, Access::read_only),
      regs_(std::string(this->name()) + ".regs", sc_core::SC_ZERO_TIME) {
  if (config.ports == 0 || config.ports > 8)
    throw std::invalid_argument(std::string(this->name()) + ": a switch has 1 to 8 downstream ports");
  rp.link_out.bind(link.down_in);
  link.down_out.bind(usp_in);
  usp_out.bind(link.up_in);
  link.up_out.bind(rp.link_in);
  hdm_.add_to(regs_);
  regs_.add(id_);
  regs_.add(port_count_);
  ports.resize(config.ports);
  for (unsigned k : attached)
    if (k < config.ports && !ports[k]) ports[k] = std::make_unique<CxlSwitchPort>(("port" + std::to_string(k)).c_str(), *this);
  for (unsigned k = 0; k < config.ports; ++k) {
    port_slots_.push_back(std::make_unique<Register>("PORT" + std::to_string(k) + "_SLOT",
                                                     cxl_switch_regs::port_slot + 4 * k, 4, cxl_switch_regs::kNoDevice,
                                                     Access::read_only));
    regs_.add(*port_slots_.back());
  }
}

void CxlSwitch::attach(unsigned port, const AddressRange& device_bar, unsigned slot) {
  if (port >= ports.size() || !ports[port])
    throw std::invalid_argument(std::string(name()) + ": port " + std::to_string(port) + " was not built for a device");
  bridges_.push_back({device_bar, port});
  bridges_low_ = std::min(bridges_low_, device_bar.base);
  bridges_high_ = std::max(bridges_high_, device_bar.size > ~uint64_t(0) - device_bar.base ? ~uint64_t(0)
                                                                                        : device_bar.end());
  port_slots_.at(port)->value = slot;
}

int CxlSwitch::bridge_port(uint64_t address, uint64_t length) const {
  if (address < bridges_low_ || address >= bridges_high_) return -1;
  for (const Bridge& b : bridges_)
    if (b.window.holds(address, length)) return int(b.port);
  return -1;
}

void CxlSwitch::from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  stamped<&CxlSwitch::pass_from_upstream>(*this, node_, p, delay);
}

inline void CxlSwitch::pass_from_upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  const uint64_t address = p.get_address();
  const unsigned length = p.get_data_length();
  if (bar_.holds(address, length)) {
    p.set_address(address - bar_.base);
    regs_.transport(p, delay);
    p.set_address(address);
    return;
  }
  if (const int port = bridge_port(address, length); port >= 0) return ports[size_t(port)]->send_down(p, delay);
  if (const auto hit = hdm_.decode(address, length)) {
    if (ports[hit->target]) return ports[hit->target]->send_down(p, delay);
    return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);  // a decoder naming an empty port
  }
  uint64_t window_base = 0;
  const Interleave* il = hdm_.interleave_at(address, &window_base);
  if (!il) return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  send_by_granule(p, delay, window_base, *il, [this](unsigned, tlm::tlm_generic_payload& piece, sc_time& d) {
    const auto hit = hdm_.decode(piece.get_address(), piece.get_data_length());
    if (!hit || !ports[hit->target]) return piece.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    ports[hit->target]->send_down(piece, d);
  });
}

unsigned CxlSwitch::from_upstream_dbg(tlm::tlm_generic_payload& p) {
  const uint64_t address = p.get_address();
  const unsigned length = p.get_data_length();
  if (const int port = bridge_port(address, length); port >= 0) return ports[size_t(port)]->send_down_dbg(p);
  if (const auto hit = hdm_.decode(address, length)) return ports[hit->target] ? ports[hit->target]->send_down_dbg(p) : 0;
  uint64_t window_base = 0;
  const Interleave* il = hdm_.interleave_at(address, &window_base);
  if (!il) return 0;
  unsigned done = 0;
  sc_time ignored;
  send_by_granule(p, ignored, window_base, *il, [this, &done](unsigned, tlm::tlm_generic_payload& piece, sc_time&) {
    const auto hit = hdm_.decode(piece.get_address(), piece.get_data_length());
    const unsigned n = hit && ports[hit->target] ? ports[hit->target]->send_down_dbg(piece) : 0;
    done += n;
    piece.set_response_status(n == piece.get_data_length() ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  });
  return done;
}

}  // namespace cxlvp
