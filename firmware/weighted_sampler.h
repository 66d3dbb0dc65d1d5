#pragma once
// WeightedSampler: draws an index with probability proportional to its weight,
// and changes one weight, each in O(log n). A sum tree (a complete binary tree
// of partial sums over the weights, leaves padded to a power of two). Plain
// C++, no SystemC.
//
// Every inner node is recomputed as the sum of its two children, never adjusted
// by a difference: setting a weight to 0 and back restores every node bit for
// bit (no drift over millions of draws), and an index of weight 0 is never drawn.
#include <cstddef>
#include <vector>

namespace cxlvp {

class WeightedSampler {
 public:
  explicit WeightedSampler(const std::vector<double>& weights);  // each >= 0

  size_t size() const { return size_; }
  double total() const { return tree_[1]; }
  double weight(size_t i) const { return tree_[leaves_ + i]; }
  void set(size_t i, double weight);

  // Sum of the weights of [lo, hi).
  double range_total(size_t lo, size_t hi) const;
  // An index drawn with probability weight / total(), for u uniform in [0, 1).
  // Requires total() > 0; the index returned has weight > 0.
  size_t draw(double u) const { return descend(1, u * total()); }
  // The same within [lo, hi); requires range_total(lo, hi) > 0.
  size_t draw_in(size_t lo, size_t hi, double u) const;

 private:
  // The nodes that exactly cover [lo, hi), left to right.
  std::vector<size_t> cover(size_t lo, size_t hi) const;
  // From `node` (total > 0) down to the leaf where `target` falls.
  size_t descend(size_t node, double target) const;

  size_t size_, leaves_;
  std::vector<double> tree_;  // tree_[1] is the root; node n has children 2n and 2n+1; leaves from leaves_
};

}  // namespace cxlvp
