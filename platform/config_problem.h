#pragma once
// ConfigProblem: one way a scenario cannot work, against the key to change.
#include <string>

namespace cxlvp {

struct ConfigProblem {
  std::string key;      // dotted scenario key the problem is about
  std::string message;  // what is wrong, with the numbers
};

}  // namespace cxlvp
