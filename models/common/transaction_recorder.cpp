#include "transaction_recorder.h"

#include <algorithm>
#include <iomanip>
#include <stdexcept>

#include "stream_check.h"

namespace cxlvp {

void TransactionRecorder::log(const tlm::tlm_generic_payload& p, const HopTrace& trace, uint64_t start_ps,
                              uint64_t end_ps) {
  std::ostream& o = *log_;
  o << std::fixed << std::setprecision(3) << start_ps / 1000.0 << ',' << nodes_.name(trace.initiator) << "->" << nodes_.name(trace.target) << ','
    << (p.is_read() ? 'R' : 'W') << ",0x" << std::hex << p.get_address() << std::dec << ','
    << p.get_data_length() << ',' << (end_ps - start_ps) / 1000.0 << ',';
  for (unsigned i = 0; i < trace.hop_count; ++i)
    o << (i ? ";" : "") << nodes_.name(trace.hops[i].node) << '@' << trace.hops[i].time_ps / 1000.0;
  o << '\n';
}

TransactionRecorder::Route& TransactionRecorder::new_recent_route(RecentRoute& slot, uint32_t key) {
  slot = RecentRoute{key, &routes_[key]};
  return *slot.route;
}

void TransactionRecorder::open_log(const std::string& path) {
  log_ = std::make_unique<std::ofstream>(path);
  if (!*log_) throw std::runtime_error("cannot write transaction log " + path);
  *log_ << "start_ns,route,cmd,address,bytes,latency_ns,hops\n";
  nodes_.stamp_hops(true);
}

std::string TransactionRecorder::close_log() {
  nodes_.stamp_hops(false);
  if (!log_) return "";
  const std::string error = close_checked(*log_);
  log_.reset();
  return error;
}

std::vector<RouteSummary> TransactionRecorder::routes() const {
  std::vector<RouteSummary> out;
  for (const auto& [key, r] : routes_) {
    RouteSummary s;
    s.name = nodes_.name(static_cast<NodeId>(key >> 16)) + "->" + nodes_.name(static_cast<NodeId>(key & 0xffff));
    const auto& h = r.latency_ps;
    s.count = h.count();
    s.bytes = r.bytes;
    s.min_ns = h.min() / 1000.0;
    s.mean_ns = h.mean() / 1000.0;
    s.p50_ns = h.quantile(0.50) / 1000.0;
    s.p95_ns = h.quantile(0.95) / 1000.0;
    s.p99_ns = h.quantile(0.99) / 1000.0;
    s.max_ns = h.max() / 1000.0;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

void TransactionRecorder::clear() {
  routes_.clear();
  for (auto& r : recent_) r = RecentRoute{};
  close_log();
}

}  // namespace cxlvp
