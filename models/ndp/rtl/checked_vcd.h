#pragma once
// CheckedVcdSc: Verilator's VCD trace registered with the SystemC kernel, as
// its VerilatedVcdSc, but writing through CheckedVcdFile: a failed write (a
// full disk) is recorded (waveform_errors.h) and the rest of the waveform
// discarded, instead of Verilator's fatal error, which stops the process (and
// in Verilator 5.006 deadlocks first). Only for sources that see Verilator's
// headers (the engines' adapters).
#include <fcntl.h>
#include <unistd.h>
#include <verilated_vcd_c.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <systemc>

#include "waveform_errors.h"

namespace cxlvp {

class CheckedVcdFile : public VerilatedVcdFile {
 public:
  bool open(const std::string& name) override {
    path_ = name;
    fd_ = ::open(name.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0666);
    return fd_ >= 0;
  }
  void close() override {
    if (fd_ >= 0 && ::close(fd_) != 0) fail();
    fd_ = -1;
  }
  // Writes all of it or records why not; reports success either way, so
  // Verilator goes on (and the run ends with the error reported).
  ssize_t write(const char* bytes, ssize_t length) override {
    for (ssize_t done = 0; done < length && !failed_;) {
      const ssize_t wrote = ::write(fd_, bytes + done, size_t(length - done));
      if (wrote > 0) done += wrote;
      else if (wrote < 0 && errno == EINTR) continue;
      else fail();
    }
    return length;
  }

 private:
  void fail() {
    if (!failed_) note_waveform_write_error(path_, errno ? std::strerror(errno) : "write failed");
    failed_ = true;
  }
  std::string path_;
  int fd_ = -1;
  bool failed_ = false;
};

// Registered with the kernel like any sc_trace_file, which calls cycle() at
// each time step; the SystemC trace() overloads are never used (Verilator's
// model registers its own signals) and do nothing.
class CheckedVcdSc final : private sc_core::sc_trace_file, public VerilatedVcdC {
 public:
  CheckedVcdSc() : VerilatedVcdC(&file_) {
    sc_core::sc_get_curr_simcontext()->add_trace_file(this);
    const sc_core::sc_time second{1, sc_core::SC_SEC};  // the kernel's time unit, as VerilatedVcdSc sets it
    if (second.to_default_time_units() != 0)
      spTrace()->set_time_unit(sc_core::sc_time{1.0 / second.to_default_time_units(), sc_core::SC_SEC}.to_string());
    spTrace()->set_time_resolution(sc_core::sc_get_time_resolution().to_string());
  }
  ~CheckedVcdSc() override { close(); }

  void cycle(bool delta_cycle) override {
    if (!delta_cycle) dump(sc_core::sc_time_stamp().to_double());
  }

 private:
  CheckedVcdFile file_;  // outlives the trace: members are destroyed after the destructor's close()

  void set_time_unit(double, sc_core::sc_time_unit) override {}
  void write_comment(const std::string&) override {}
  void trace(const unsigned int&, const std::string&, const char**) override {}
#define CXLVP_NO_TRACE(type) \
  void trace(const type&, const std::string&) override {}
#define CXLVP_NO_TRACE_WIDTH(type) \
  void trace(const type&, const std::string&, int) override {}
  CXLVP_NO_TRACE(sc_core::sc_event)
  CXLVP_NO_TRACE(sc_core::sc_time)
  CXLVP_NO_TRACE(bool)
  CXLVP_NO_TRACE(sc_dt::sc_bit)
  CXLVP_NO_TRACE(sc_dt::sc_logic)
  CXLVP_NO_TRACE_WIDTH(unsigned char)
  CXLVP_NO_TRACE_WIDTH(unsigned short)
  CXLVP_NO_TRACE_WIDTH(unsigned int)
  CXLVP_NO_TRACE_WIDTH(unsigned long)
  CXLVP_NO_TRACE_WIDTH(char)
  CXLVP_NO_TRACE_WIDTH(short)
  CXLVP_NO_TRACE_WIDTH(int)
  CXLVP_NO_TRACE_WIDTH(long)
  CXLVP_NO_TRACE_WIDTH(sc_dt::int64)
  CXLVP_NO_TRACE_WIDTH(sc_dt::uint64)
  CXLVP_NO_TRACE(float)
  CXLVP_NO_TRACE(double)
  CXLVP_NO_TRACE(sc_dt::sc_int_base)
  CXLVP_NO_TRACE(sc_dt::sc_uint_base)
  CXLVP_NO_TRACE(sc_dt::sc_signed)
  CXLVP_NO_TRACE(sc_dt::sc_unsigned)
  CXLVP_NO_TRACE(sc_dt::sc_fxval)
  CXLVP_NO_TRACE(sc_dt::sc_fxval_fast)
  CXLVP_NO_TRACE(sc_dt::sc_fxnum)
  CXLVP_NO_TRACE(sc_dt::sc_fxnum_fast)
  CXLVP_NO_TRACE(sc_dt::sc_bv_base)
  CXLVP_NO_TRACE(sc_dt::sc_lv_base)
#undef CXLVP_NO_TRACE
#undef CXLVP_NO_TRACE_WIDTH
};

}  // namespace cxlvp
