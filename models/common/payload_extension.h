#pragma once
// find_extension<T>(p): p.get_extension<T>() without the library call.
//
// tlm_generic_payload::get_extension(unsigned) is compiled into the SystemC
// library, so every lookup is a call through the PLT; the links and memories
// look their TransferHints up on every transaction (four calls per copied
// burst pair, about 5 % of a paper run's time). The lookup itself is an index
// into the payload's extension array, which is a private member. Its address
// is taken once, in payload_extension.cpp, by an explicit instantiation, where
// the standard does not apply access checking ([temp.explicit]: "the usual
// access checking rules do not apply to names used to specify explicit
// instantiations"). The instantiation lives in one .cpp because an explicit
// instantiation definition may appear only once in a program ([temp.spec]).
#include <tlm>

namespace cxlvp {

namespace payload_extension_detail {
using ExtensionArray = tlm::tlm_array<tlm::tlm_extension_base*>;
using ArrayMember = ExtensionArray tlm::tlm_generic_payload::*;

// &tlm_generic_payload::m_extensions, set in payload_extension.cpp.
extern const ArrayMember extension_array;
}  // namespace payload_extension_detail

// The extension of type T that `p` carries, or null (as p.get_extension<T>()).
template <class T>
T* find_extension(const tlm::tlm_generic_payload& p) {
  const auto& extensions = p.*payload_extension_detail::extension_array;
  return T::ID < extensions.size() ? static_cast<T*>(extensions[T::ID]) : nullptr;
}

}  // namespace cxlvp
