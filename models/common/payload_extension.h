#pragma once
// find_extension<T>(p): p.get_extension<T>() without the library call.
//
// tlm_generic_payload::get_extension(unsigned) is compiled into the SystemC
// library, so every lookup is a call through the PLT; the links and memories
// look their TransferHints up on every transaction (four calls per copied
// burst pair, about 5 % of a paper run's time). The lookup itself is an index
// into the payload's extension array, which is a private member. Its address
// is taken by an explicit instantiation, where the standard does not apply
// access checking ([temp.explicit]: "the usual access checking rules do not
// apply to names used to specify explicit instantiations").
//
// The template sits in an unnamed namespace, so each translation unit has a
// template of its own and instantiates it once, as [temp.spec] requires of
// each template in a program. That lets the member pointer be a constant the
// compiler sees in every unit: the lookup then indexes at a fixed offset
// from the payload, where a member pointer read from a variable of another
// unit cost a load at the head of every lookup's chain of loads (gpu_only:
// -1.7 % instructions, -2.3 % time).
#include <tlm>

namespace cxlvp {

namespace payload_extension_detail {
using ExtensionArray = tlm::tlm_array<tlm::tlm_extension_base*>;
using ArrayMember = ExtensionArray tlm::tlm_generic_payload::*;

namespace {
// &tlm_generic_payload::m_extensions, defined by the instantiation below.
constexpr ArrayMember extension_array();

template <ArrayMember Member>
struct ExtensionArrayOf {
  friend constexpr ArrayMember extension_array() { return Member; }
};

template struct ExtensionArrayOf<&tlm::tlm_generic_payload::m_extensions>;

// A constant object, not the function: an inline function (find_extension)
// may name an object of internal linkage with the same constant value in
// every unit, but not a function of each unit's own ([basic.def.odr]).
constexpr ArrayMember kExtensionArray = extension_array();
}  // namespace
}  // namespace payload_extension_detail

// The extension of type T that `p` carries, or null (as p.get_extension<T>()).
template <class T>
T* find_extension(const tlm::tlm_generic_payload& p) {
  const auto& extensions = p.*payload_extension_detail::kExtensionArray;
  return T::ID < extensions.size() ? static_cast<T*>(extensions[T::ID]) : nullptr;
}

}  // namespace cxlvp
