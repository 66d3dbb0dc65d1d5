// The DPI function the broken engines (ndp_broken.v, ndp_broken_axi.v) call
// once at the start of a simulation to learn which fault to have: the one
// named in the environment variable CXLVP_BROKEN_ENGINE, 0 (none) if unset.
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" int broken_engine_fault() {
  static const char* const faults[] = {"none",          "wrong_result",     "stays_active",   "idle_unfinished",
                                       "extra_write_beat", "payload_change", "burst_across_4k"};
  const char* name = std::getenv("CXLVP_BROKEN_ENGINE");
  if (!name || !*name) return 0;
  for (int i = 0; i < int(sizeof(faults) / sizeof(*faults)); ++i)
    if (std::strcmp(name, faults[i]) == 0) return i;
  std::fprintf(stderr, "cxlvp_broken: unknown CXLVP_BROKEN_ENGINE '%s'\n", name);
  std::exit(2);
}
