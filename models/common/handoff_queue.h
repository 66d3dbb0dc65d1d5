#pragma once
// HandoffQueue: a bounded FIFO between two SC_THREADs of one model (e.g. the
// GPU's fetch engine handing jobs with resident weights to the compute
// engine). Like sc_fifo, but for any copyable type and without printing
// support. Callers synchronise their quantum keeper before put/get.
#include <deque>
#include <systemc>

namespace cxlvp {

template <typename T>
class HandoffQueue {
 public:
  explicit HandoffQueue(size_t capacity) : capacity_(capacity) {}

  void put(const T& item) {
    while (items_.size() >= capacity_) sc_core::wait(taken_);
    items_.push_back(item);
    added_.notify(sc_core::SC_ZERO_TIME);
  }
  T get() {
    while (items_.empty()) sc_core::wait(added_);
    T item = items_.front();
    items_.pop_front();
    taken_.notify(sc_core::SC_ZERO_TIME);
    return item;
  }

 private:
  size_t capacity_;
  std::deque<T> items_;
  sc_core::sc_event added_, taken_;
};

}  // namespace cxlvp
