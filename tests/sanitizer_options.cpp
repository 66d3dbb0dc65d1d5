// Default options of the sanitizer runtimes in the sanitizer build
// (CXLVP_SANITIZE, cmake/sanitizers.cmake), compiled into the program and every
// test, so that `ctest --test-dir build-asan` and a plain `cxlvp run` check the
// same things without any environment. ASAN_OPTIONS, UBSAN_OPTIONS and
// LSAN_OPTIONS still override them.

// Leaks are errors at exit (LeakSanitizer runs inside AddressSanitizer).
extern "C" const char* __asan_default_options() { return "detect_leaks=1:check_initialization_order=1"; }

// Stop at the first report (as -fno-sanitize-recover does) and say where it came from.
extern "C" const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }
