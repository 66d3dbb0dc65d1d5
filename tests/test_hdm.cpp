// HDM decoders and interleaving (CXL 2.0 8.2.5.12): the interleave arithmetic
// and its register encodings, a device's decoders (commit rules, DPA order,
// interleaved translation), a switch's decoders (target lists), all through
// the registers, programmed the way boot firmware does (hdm_programming.h).
#include <catch2/catch.hpp>

#include <optional>

#include "models/common/register_bank.h"
#include "models/cxl/hdm_decoder.h"
#include "models/cxl/hdm_programming.h"
#include "models/cxl/interleave.h"

using namespace cxlvp;

namespace {

constexpr uint64_t MiB = 1ull << 20, GiB = 1ull << 30, G = hdm_regs::kGranule;

// A decoder block behind its own register bank, with the firmware's register access.
struct Block {
  HdmDecoders decoders;
  RegisterBank bank{"hdm_test_regs", sc_core::SC_ZERO_TIME};
  RegisterIo io;

  Block(HdmDecoders::Kind kind, unsigned count, uint64_t capacity, unsigned targets = 0)
      : decoders(kind, count, capacity, targets) {
    decoders.add_to(bank);
    io = [this](uint64_t address, uint32_t* value, bool write) {
      tlm::tlm_generic_payload p;
      p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      p.set_address(address);
      p.set_data_ptr(reinterpret_cast<unsigned char*>(value));
      p.set_data_length(4);
      p.set_streaming_width(4);
      sc_core::sc_time delay;
      bank.transport(p, delay);
      return p.is_response_ok();
    };
  }
  std::string program(unsigned index, const HdmDecoderSetup& s) { return program_hdm_decoder(io, 0, index, s); }
  std::optional<uint64_t> dpa(uint64_t hpa, uint64_t length = 64) const {
    const auto hit = decoders.decode(hpa, length);
    return hit ? std::optional<uint64_t>(hit->offset) : std::nullopt;
  }
  std::optional<unsigned> target(uint64_t hpa, uint64_t length = 64) const {
    const auto hit = decoders.decode(hpa, length);
    return hit ? std::optional<unsigned>(hit->target) : std::nullopt;
  }
};

}  // namespace

// Granule g of the window goes to target g mod ways, as granule g / ways of
// it; window_offset undoes it, for every allowed way count (power of two:
// bit selection; 3, 6, 12: modulo arithmetic).
TEST_CASE("interleave: position and target offset for every allowed way count", "[cxl][hdm]") {
  for (unsigned ways : {1u, 2u, 3u, 4u, 6u, 8u, 12u, 16u}) {
    const Interleave il{ways, 1024};
    for (uint64_t offset : {0ull, 5ull, 1023ull, 1024ull, 7 * 1024ull + 17, 1000 * 1024ull + 999, 12345678ull}) {
      const uint64_t granule = offset / 1024;
      CHECK(il.position(offset) == granule % ways);
      CHECK(il.target_offset(offset) == granule / ways * 1024 + offset % 1024);
      CHECK(il.window_offset(il.target_offset(offset), il.position(offset)) == offset);
    }
  }
  // Power-of-two ways: the target is HPA bits [IG+8+IW-1 : IG+8] (IG 2 = 1 KiB, IW 2 = 4 ways).
  const Interleave four{4, 1024};
  CHECK(four.position(0xABCDE) == ((0xABCDE >> 10) & 3));
  CHECK(four.to_granule_end(1000) == 24);
  CHECK(Interleave{1, 256}.to_granule_end(1000) == UINT64_MAX);
}

TEST_CASE("interleave: IW and IG encodings of the decoder control register", "[cxl][hdm]") {
  const std::pair<unsigned, uint32_t> ways[] = {{1, 0}, {2, 1}, {4, 2}, {8, 3}, {16, 4}, {3, 8}, {6, 9}, {12, 10}};
  for (const auto& [w, e] : ways) {
    CHECK(Interleave::encode_ways(w) == e);
    CHECK(Interleave::decode_ways(e) == w);
    CHECK(Interleave::valid_ways(w));
  }
  for (unsigned bad : {0u, 5u, 7u, 9u, 10u, 24u, 32u}) {
    CHECK_FALSE(Interleave::encode_ways(bad).has_value());
    CHECK_FALSE(Interleave::valid_ways(bad));
  }
  for (uint32_t eig = 0; eig <= 6; ++eig) {
    CHECK(Interleave::decode_granularity(eig) == (256ull << eig));
    CHECK(Interleave::encode_granularity(256ull << eig) == eig);
  }
  for (uint64_t bad : {0ull, 128ull, 300ull, 32768ull}) CHECK_FALSE(Interleave::encode_granularity(bad).has_value());
}

// A device's decoder commits only an aligned window its memory can back, in
// order; decoding needs the global enable; decoder 1 takes DPA after decoder
// 0's share and its skip; an interleaved decoder keeps only its own granules.
TEST_CASE("hdm decoders: a device commits, orders DPA and translates interleaved windows", "[cxl][hdm]") {
  Block d(HdmDecoders::Kind::device, 2, 4 * GiB);
  CHECK_FALSE(d.dpa(0).has_value());
  const std::pair<HdmDecoderSetup, const char*> refused[] = {
      {{4 * GiB + 4096, G, {}, 0, {}}, "misaligned base"},
      {{4 * GiB, G + 4096, {}, 0, {}}, "misaligned size"},
      {{4 * GiB, 8 * GiB, {}, 0, {}}, "larger than the device"},
      {{4 * GiB, 0, {}, 0, {}}, "empty"},
      {{4 * GiB, G, {}, 4096, {}}, "misaligned DPA skip"},
  };
  for (const auto& [setup, why] : refused) {
    INFO(why);
    CHECK_FALSE(d.program(0, setup).empty());
    CHECK_FALSE(d.decoders.committed(0));
  }
  CHECK_FALSE(d.program(1, {8 * GiB, G, {}, 0, {}}).empty());  // decoder 1 before decoder 0

  REQUIRE(d.program(0, {4 * GiB, 1 * GiB, {}, 0, {}}) == "");
  CHECK(d.dpa(4 * GiB) == std::optional<uint64_t>(0));
  CHECK(d.dpa(4 * GiB + 0x100) == std::optional<uint64_t>(0x100));
  CHECK_FALSE(d.dpa(4 * GiB + GiB - 32, 64).has_value());  // straddles the end
  CHECK_FALSE(d.dpa(4 * GiB - 64).has_value());

  // Decoder 1: a 4-way window with 4 KiB granules at 16 GiB; this device is
  // position 2. Its share starts after decoder 0's 1 GiB and a 256 MiB skip.
  CHECK_FALSE(d.program(1, {2 * GiB, 4 * G, {4, 4096}, 0, {}}).empty());  // below decoder 0: out of order
  CHECK_FALSE(d.program(1, {16 * GiB, 2 * G, {4, 4096}, 0, {}}).empty()); // not a whole 256 MiB share per way
  REQUIRE(d.program(1, {16 * GiB, 8 * G, {4, 4096}, G, {}}) == "");
  const uint64_t base = 16 * GiB, dpa0 = 1 * GiB + G;
  CHECK(d.dpa(base + 2 * 4096 + 5) == std::optional<uint64_t>(dpa0 + 5));           // granule 2: this device's first
  CHECK(d.dpa(base + 6 * 4096 + 100) == std::optional<uint64_t>(dpa0 + 4096 + 100));  // granule 6: its second
  CHECK_FALSE(d.dpa(base + 2 * 4096 + 4000, 200).has_value());                       // spans two granules
  CHECK(d.decoders.committed_count() == 2);

  // Without the global enable nothing decodes.
  uint32_t off = 0;
  REQUIRE(d.io(hdm_regs::global_control, &off, true));
  CHECK_FALSE(d.dpa(4 * GiB).has_value());
}

TEST_CASE("hdm decoders: a 3-way (modulo) device decoder and its capacity limit", "[cxl][hdm]") {
  Block d(HdmDecoders::Kind::device, 1, 1 * GiB);
  CHECK_FALSE(d.program(0, {0, 3 * 2 * GiB, {3, 256}, 0, {}}).empty());  // 2 GiB share > 1 GiB device
  REQUIRE(d.program(0, {0, 3 * GiB, {3, 256}, 0, {}}) == "");
  // Granules 0, 3, 6 ... are position 0; the device here holds all positions' bytes in the arithmetic.
  CHECK(d.dpa(3 * 256 + 7) == std::optional<uint64_t>(256 + 7));
  CHECK(d.dpa(7 * 256) == std::optional<uint64_t>(2 * 256));
}

// A switch's decoder routes each granule to the port its target list names;
// a target beyond the switch's ports is refused.
TEST_CASE("hdm decoders: a switch routes granules by its target list", "[cxl][hdm]") {
  Block sw(HdmDecoders::Kind::target_list, 4, 0, 4);
  CHECK_FALSE(sw.program(0, {8 * GiB, 4 * GiB, {2, 1024}, 0, {1, 5}}).empty());  // port 5 of 4
  REQUIRE(sw.program(0, {8 * GiB, 4 * GiB, {2, 1024}, 0, {3, 1}}) == "");
  CHECK(sw.target(8 * GiB) == std::optional<unsigned>(3));
  CHECK(sw.target(8 * GiB + 1024) == std::optional<unsigned>(1));
  CHECK(sw.target(8 * GiB + 2048 + 10) == std::optional<unsigned>(3));
  REQUIRE(sw.program(1, {12 * GiB, G, {}, 0, {2}}) == "");  // a device's own window: one way, port 2
  CHECK(sw.target(12 * GiB + 12345) == std::optional<unsigned>(2));
  CHECK_FALSE(sw.target(13 * GiB).has_value());
  uint32_t capability = 0;
  REQUIRE(sw.io(hdm_regs::capability, &capability, false));
  CHECK((capability & 0xF) == 2);         // 4 decoders
  CHECK(((capability >> 4) & 0xF) == 4);  // 4 targets
}

// decode tries the last window it hit first: that must still refuse what
// falls outside it or crosses a granule, find the other windows, and forget
// the window when it is uncommitted or decoding is disabled.
TEST_CASE("hdm decoders: decoding from the last window hit", "[cxl][hdm]") {
  Block d(HdmDecoders::Kind::device, 2, 4 * GiB);
  REQUIRE(d.program(0, {4 * GiB, 1 * GiB, {}, 0, {}}) == "");
  REQUIRE(d.program(1, {16 * GiB, 8 * G, {4, 4096}, G, {}}) == "");
  const uint64_t base = 16 * GiB, dpa0 = 1 * GiB + G;
  CHECK(d.dpa(base + 2 * 4096 + 5) == std::optional<uint64_t>(dpa0 + 5));  // decoder 1 is the last hit
  CHECK_FALSE(d.dpa(base + 2 * 4096 + 4000, 200).has_value());             // in it, but across a granule
  CHECK_FALSE(d.dpa(base + 8 * G - 32, 64).has_value());                   // across its end
  CHECK_FALSE(d.dpa(base - 64).has_value());                               // below it, in no window
  CHECK(d.dpa(4 * GiB + 0x100) == std::optional<uint64_t>(0x100));         // decoder 0 now
  CHECK_FALSE(d.dpa(4 * GiB + GiB - 32, 64).has_value());                  // across decoder 0's end
  CHECK(d.dpa(base + 6 * 4096 + 100) == std::optional<uint64_t>(dpa0 + 4096 + 100));

  // Uncommitting decoder 1 (COMMIT cleared) takes its window out of decode.
  uint32_t control = 0;
  REQUIRE(d.io(hdm_regs::control + hdm_regs::decoder_stride, &control, false));
  control &= ~hdm_regs::commit;
  REQUIRE(d.io(hdm_regs::control + hdm_regs::decoder_stride, &control, true));
  CHECK_FALSE(d.dpa(base + 6 * 4096 + 100).has_value());
  CHECK(d.dpa(4 * GiB) == std::optional<uint64_t>(0));

  // So does clearing the global enable, for the window hit last.
  uint32_t off = 0;
  REQUIRE(d.io(hdm_regs::global_control, &off, true));
  CHECK_FALSE(d.dpa(4 * GiB).has_value());
}
