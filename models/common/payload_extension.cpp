// The one explicit instantiation that names tlm_generic_payload's private
// extension array (see payload_extension.h for why and why it is allowed).
#include "payload_extension.h"

namespace cxlvp::payload_extension_detail {
namespace {

ArrayMember member_address();

template <ArrayMember Member>
struct ExtensionArrayOf {
  friend ArrayMember member_address() { return Member; }
};

template struct ExtensionArrayOf<&tlm::tlm_generic_payload::m_extensions>;

}  // namespace

const ArrayMember extension_array = member_address();

}  // namespace cxlvp::payload_extension_detail
