#pragma once
// LaneCostModel: what the firmware believes an expert job costs on each lane,
// from the platform's datasheet rates (not from the simulation). Policies use
// it to choose lanes; the scheduler uses it for the lower bound it reports.
// Times are seconds of unloaded hardware: real jobs only take longer.
#include <array>
#include <cstdint>
#include <vector>

#include "../models/common/compute_model.h"
#include "moe_model.h"
#include "placement_policy.h"

namespace cxlvp {

// One memory that holds expert weights (a weight home, docs/topologies.md) as
// the host reads it: which links its bytes cross and how fast it delivers.
struct HomeRates {
  double home_Bps = 1;          // payload rate to the host: min(its CXL links together, its DRAM), or DDR's
  double fetch_Bps = 1;         // into GPU HBM: min(the GPU's PCIe link, home_Bps)
  double cxl_Bps = 1;           // its CXL links' payload rate together (unused when not in CXL)
  std::vector<unsigned> links{0};  // the expander links its bytes cross (an interleave set: all members, evenly)
  double upstream_Bps = 0;      // > 0: its bytes also cross the switch's upstream link, at this rate
  int ndp = 0;                  // the NDP engine in the expander that holds it whole (index), -1: none
};

struct LaneRates {
  ComputeMode mode = ComputeMode::per_token;
  std::array<double, 3> per_token_s{};      // per lane kind (gpu, cpu, ndp)
  std::array<double, 3> flops_per_s{};
  std::array<double, 3> dequant_Bps{};      // 0: free
  double hbm_Bps = 1;         // GPU weight stream from HBM
  double ndp_stream_Bps = 1;  // an NDP engine's weight stream from its DRAM
  double activation_Bps = 1;  // activation copies between HBM and CPU/NDP staging (a GPU's PCIe link)
  bool weights_in_cxl = true;
  // The platform's instances: experts are sharded over the GPUs (expert e on
  // GPU e mod gpus); activation copies for CPU and NDP jobs use GPU 0.
  unsigned gpus = 1, ndps = 1, cxl_links = 1;
  // GPUs below the PCIe switch share its upstream link: per GPU whether it is
  // below it (empty: none is), and the link's payload rate. Their fetches, and
  // GPU 0's activation copies when GPU 0 is below it, cross that link too.
  std::vector<bool> gpu_below_switch;
  double pcie_upstream_Bps = 0;
  std::vector<HomeRates> homes{HomeRates{}};
  std::vector<unsigned> home_of;  // per expert: its weight home (empty: home 0)
};

// Time one job holds each resource it uses.
struct JobCost {
  double pcie = 0;     // weight fetch and activation copies
  double cxl = 0;      // weights streamed or fetched over each CXL link of the weights' home
  double upstream = 0; // the same bytes over the CXL switch's upstream link, when they cross it
  double pcie_upstream = 0;  // the PCIe bytes over the PCIe switch's upstream link, when its GPU is below it
  double engine = 0;   // the lane's compute engine (GPU SMs, CPU cores, NDP engine)
  double serial() const { return pcie + engine; }  // fetch/copies, then compute
};

// Which instances a job of `expert` on a lane kind occupies.
struct JobPlace {
  unsigned engine;          // 0..gpus-1: GPUs, gpus: the CPU, gpus+1+k: NDP engine k
  unsigned pcie;            // the GPU link it crosses
  const HomeRates* home;    // where its weights live
};

class LaneCostModel {
 public:
  LaneCostModel(const LaneRates& rates, const MoeModelConfig& model, const QuantizationConfig& quantization);

  // Bytes of one expert's weights as `lane` reads them.
  uint64_t weight_bytes(Lane lane) const { return weight_bytes_[size_t(lane)]; }
  // Bytes of 16-bit weights the lane expands from a compressed format (0: stored uncompressed).
  uint64_t dequant_bytes(Lane lane) const { return dequant_bytes_[size_t(lane)]; }
  uint64_t activation_bytes(uint32_t tokens) const;  // one direction, after compression
  // Resource times of `tokens` of `expert` on `lane`; `resident`: GPU weights already in HBM.
  JobCost cost(Lane lane, uint32_t tokens, bool resident, uint32_t expert = 0) const;
  JobPlace place(Lane lane, uint32_t expert) const;
  // Whether `expert`'s weights sit whole in an expander with an NDP engine.
  bool ndp_can_run(uint32_t expert) const { return home(expert).ndp >= 0; }
  unsigned engines() const { return rates_.gpus + 1 + rates_.ndps; }
  const LaneRates& rates() const { return rates_; }

 private:
  bool below_switch(unsigned gpu) const {
    return gpu < rates_.gpu_below_switch.size() && rates_.gpu_below_switch[gpu] && rates_.pcie_upstream_Bps > 0;
  }
  const HomeRates& home(uint32_t expert) const {
    return rates_.homes[expert < rates_.home_of.size() ? rates_.home_of[expert] : 0];
  }

  LaneRates rates_;
  // The model's sizes, per lane where compression makes them differ: fixed at
  // construction, and cost() (which the policies call in their searches)
  // would otherwise derive them from the model's tensor formats on every call.
  std::array<uint64_t, 3> weight_bytes_, dequant_bytes_;
  uint64_t flops_per_token_, activation_bytes_per_token_;
  double activation_compression_;
};

}  // namespace cxlvp
