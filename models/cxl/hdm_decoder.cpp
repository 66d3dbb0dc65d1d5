#include "hdm_decoder.h"

#include <stdexcept>

namespace cxlvp {

namespace {

// Capability register bits 3:0: how many decoders (CXL 2.0 8.2.5.12.1).
uint32_t encode_count(unsigned count) {
  switch (count) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 6: return 3;
    case 8: return 4;
    case 10: return 5;
  }
  throw std::invalid_argument("an HDM decoder block has 1, 2, 4, 6, 8 or 10 decoders");
}

std::string reg_name(unsigned i, const char* what) { return "HDM_DECODER" + std::to_string(i) + "_" + what; }

}  // namespace

std::optional<uint32_t> Interleave::encode_ways(unsigned ways) {
  switch (ways) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    case 3: return 8;
    case 6: return 9;
    case 12: return 10;
  }
  return std::nullopt;
}

std::optional<unsigned> Interleave::decode_ways(uint32_t eiw) {
  for (unsigned ways : {1u, 2u, 4u, 8u, 16u, 3u, 6u, 12u})
    if (encode_ways(ways) == eiw) return ways;
  return std::nullopt;
}

std::optional<uint32_t> Interleave::encode_granularity(uint64_t bytes) {
  if (!valid_granularity(bytes)) return std::nullopt;
  uint32_t eig = 0;
  while ((256ull << eig) != bytes) ++eig;
  return eig;
}

std::optional<uint64_t> Interleave::decode_granularity(uint32_t eig) {
  if (eig > 6) return std::nullopt;
  return 256ull << eig;
}

HdmDecoders::Decoder::Decoder(unsigned i)
    : base_low(reg_name(i, "BASE_LOW"), hdm_regs::base_low + i * hdm_regs::decoder_stride, 4, 0),
      base_high(reg_name(i, "BASE_HIGH"), hdm_regs::base_high + i * hdm_regs::decoder_stride, 4, 0),
      size_low(reg_name(i, "SIZE_LOW"), hdm_regs::size_low + i * hdm_regs::decoder_stride, 4, 0),
      size_high(reg_name(i, "SIZE_HIGH"), hdm_regs::size_high + i * hdm_regs::decoder_stride, 4, 0),
      control(reg_name(i, "CONTROL"), hdm_regs::control + i * hdm_regs::decoder_stride, 4, 0),
      list_low(reg_name(i, "TARGET_LIST_LOW"), hdm_regs::target_list_low + i * hdm_regs::decoder_stride, 4, 0),
      list_high(reg_name(i, "TARGET_LIST_HIGH"), hdm_regs::target_list_high + i * hdm_regs::decoder_stride, 4, 0) {}

HdmDecoders::HdmDecoders(Kind kind, unsigned count, uint64_t device_capacity, unsigned targets)
    : kind_(kind),
      capacity_(device_capacity),
      targets_(targets),
      capability_("HDM_DECODER_CAPABILITY", hdm_regs::capability, 4,
                  encode_count(count) | (std::min(targets, 15u) << 4) | 1u << 8 | 1u << 9 | 1u << 11, Access::read_only),
      global_control_("HDM_DECODER_GLOBAL_CONTROL", hdm_regs::global_control, 4, 0) {
  for (unsigned i = 0; i < count; ++i) {
    decoders_.push_back(std::make_unique<Decoder>(i));
    Decoder& d = *decoders_.back();
    d.control.on_write = [this, i](uint64_t v, const sc_core::sc_time&) { on_control(i, v); };
  }
  global_control_.on_write = [this](uint64_t v, const sc_core::sc_time&) {
    enabled_ = v & hdm_regs::decoder_enable;
    last_hit_ = nullptr;
  };
}

void HdmDecoders::add_to(RegisterBank& bank) {
  bank.add(capability_);
  bank.add(global_control_);
  for (auto& d : decoders_)
    for (Register* r : {&d->base_low, &d->base_high, &d->size_low, &d->size_high, &d->control, &d->list_low,
                        &d->list_high})
      bank.add(*r);
}

bool HdmDecoders::committed(unsigned i) const {
  return i < decoders_.size() && (decoders_[i]->control.value & hdm_regs::committed);
}

// The checks of CXL 2.0 8.2.5.12.20 this model makes: 256 MiB aligned base,
// size (and, in a device, DPA skip and per-device share); valid IW and IG;
// decoders committed in order with ascending, non-overlapping windows; a
// device's DPA within its capacity; a switch's targets among its ports.
bool HdmDecoders::can_commit(unsigned i, const Interleave& il) const {
  const Decoder& d = *decoders_[i];
  const uint64_t G = hdm_regs::kGranule;
  if (d.base() % G || d.size() % G || d.size() == 0) return false;
  if (i > 0 && (!committed(i - 1) || d.base() < active_.back().base + active_.back().size)) return false;
  if (kind_ == Kind::device) {
    const uint64_t skip = d.list();
    if (skip % G || d.size() % (G * il.ways)) return false;
    const uint64_t start = active_.empty() ? 0 : active_.back().dpa_base + active_.back().size / active_.back().interleave.ways;
    return start + skip <= capacity_ && d.size() / il.ways <= capacity_ - start - skip;
  }
  for (unsigned w = 0; w < il.ways; ++w)
    if (((d.list() >> (8 * w)) & 0xFF) >= targets_) return false;
  return il.ways <= 8;
}

void HdmDecoders::on_control(unsigned i, uint64_t value) {
  Decoder& d = *decoders_[i];
  const uint32_t fields = uint32_t(value) & 0xFF;  // IG, IW as written; status bits are the decoder's
  d.control.value = fields | (value & hdm_regs::commit);
  last_hit_ = nullptr;
  if (!(value & hdm_regs::commit)) {  // uncommit: this decoder and every one after it
    while (active_.size() > i) active_.pop_back();
    return;
  }
  const auto ways = Interleave::decode_ways((fields >> 4) & 0xF);
  const auto granularity = Interleave::decode_granularity(fields & 0xF);
  const bool ok = ways && granularity && active_.size() == i && can_commit(i, Interleave{*ways, *granularity});
  if (!ok) {
    d.control.value |= hdm_regs::error_not_committed;
    return;
  }
  const Interleave il{*ways, *granularity};
  Active a{d.base(), d.size(), 0, il, {}};
  if (kind_ == Kind::device) {
    const uint64_t start = active_.empty() ? 0 : active_.back().dpa_base + active_.back().size / active_.back().interleave.ways;
    a.dpa_base = start + d.list();
  } else {
    for (unsigned w = 0; w < 8; ++w) a.targets[w] = uint8_t(d.list() >> (8 * w));
  }
  active_.push_back(a);
  d.control.value |= hdm_regs::committed;
}

const HdmDecoders::Active* HdmDecoders::window_of(uint64_t hpa) const {
  for (const Active& a : active_)
    if (hpa >= a.base && hpa - a.base < a.size) return &a;
  return nullptr;
}

const HdmDecoders::Active* HdmDecoders::find(uint64_t hpa) const {
  if (!enabled_) return nullptr;
  const Active* a = window_of(hpa);
  if (a) last_hit_ = a;
  return a;
}

const Interleave* HdmDecoders::interleave_at(uint64_t hpa, uint64_t* window_base) const {
  const Active* a = window_of(hpa);
  if (!a) return nullptr;
  if (window_base) *window_base = a->base;
  return &a->interleave;
}

}  // namespace cxlvp
