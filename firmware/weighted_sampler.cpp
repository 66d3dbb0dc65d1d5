#include "weighted_sampler.h"

namespace cxlvp {

WeightedSampler::WeightedSampler(const std::vector<double>& weights) : size_(weights.size()), leaves_(1) {
  while (leaves_ < size_) leaves_ *= 2;
  tree_.assign(2 * leaves_, 0.0);
  for (size_t i = 0; i < size_; ++i) tree_[leaves_ + i] = weights[i];
  for (size_t n = leaves_ - 1; n >= 1; --n) tree_[n] = tree_[2 * n] + tree_[2 * n + 1];
}

void WeightedSampler::set(size_t i, double weight) {
  size_t n = leaves_ + i;
  tree_[n] = weight;
  for (n /= 2; n >= 1; n /= 2) tree_[n] = tree_[2 * n] + tree_[2 * n + 1];
}

std::vector<size_t> WeightedSampler::cover(size_t lo, size_t hi) const {
  std::vector<size_t> left, right;  // bottom-up: left ones in order, right ones reversed
  for (size_t l = lo + leaves_, r = hi + leaves_; l < r; l /= 2, r /= 2) {
    if (l & 1) left.push_back(l++);
    if (r & 1) right.push_back(--r);
  }
  left.insert(left.end(), right.rbegin(), right.rend());
  return left;
}

double WeightedSampler::range_total(size_t lo, size_t hi) const {
  double sum = 0;
  for (size_t n : cover(lo, hi)) sum += tree_[n];
  return sum;
}

size_t WeightedSampler::draw_in(size_t lo, size_t hi, double u) const {
  const std::vector<size_t> nodes = cover(lo, hi);
  double total = 0;
  for (size_t n : nodes) total += tree_[n];
  double target = u * total;
  size_t chosen = 0;  // the last node with weight, should rounding carry the target past the end
  for (size_t n : nodes) {
    if (tree_[n] <= 0) continue;
    chosen = n;
    if (target < tree_[n]) break;
    target -= tree_[n];
  }
  return descend(chosen, target);
}

size_t WeightedSampler::descend(size_t node, double target) const {
  // Only nodes with weight are entered: a sum of non-negative weights is 0
  // only when both children are, so one of them has weight.
  while (node < leaves_) {
    const double left = tree_[2 * node], right = tree_[2 * node + 1];
    if (left > 0 && (target < left || right <= 0)) {
      node = 2 * node;
    } else {
      target -= left;
      node = 2 * node + 1;
    }
  }
  return node - leaves_;
}

}  // namespace cxlvp
