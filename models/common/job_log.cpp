#include "job_log.h"

namespace cxlvp {

JobLog& JobLog::global() {
  static JobLog log;
  return log;
}

}  // namespace cxlvp
