#include "expander_setup.h"

#include <stdexcept>

namespace cxlvp {

void commit_decoder_now(CxlExpander& x, uint64_t bar_base, const HdmDecoderSetup& setup, unsigned index) {
  const RegisterIo io = [&x](uint64_t address, uint32_t* value, bool write) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(reinterpret_cast<unsigned char*>(value));
    p.set_data_length(4);
    p.set_streaming_width(4);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time ignored = sc_core::SC_ZERO_TIME;
    x.ctrl.link_in.get_base_interface().b_transport(p, ignored);
    return p.is_response_ok();
  };
  const std::string problem = program_hdm_decoder(io, bar_base + cxl_bar::component_regs, index, setup);
  if (!problem.empty()) throw std::runtime_error(std::string(x.name()) + ": HDM decoder " + std::to_string(index) + ": " + problem);
}

}  // namespace cxlvp
