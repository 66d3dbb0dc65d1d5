#pragma once
// The command line of every cxlvp command, parsed by one parser
// (Boost.Program_options) from one table of each command's options
// (cli.cpp): the same spellings everywhere (--out DIR or --out=DIR, -j 4 or
// -j4), and the same answer to the same mistake in every command: exit status
// 2 and one line, "cxlvp: error: WHAT (see cxlvp [COMMAND] --help)". An option
// given to a command it does not belong to names the commands it belongs to.
// Values are kept as written; each command converts and checks its own
// (positive_count() for counts), so that its messages name the option.
#include <boost/program_options/variables_map.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace cxlvp {

// A mistake on the command line: exit status 2.
struct UsageError : std::runtime_error {
  UsageError(std::string command, const std::string& what);
  std::string command;  // whose --help to point to; empty for the program's
};

class CommandLine {
 public:
  // Parses `args` (what follows the program name). Throws UsageError.
  static CommandLine parse(const std::vector<std::string>& args);

  // run, sweep, validate, keys, bench, calibrate; help (--help, -h, help, or
  // --help after a command that has no help of its own); version (--version).
  const std::string& command() const { return command_; }
  bool help() const { return flag("help"); }

  bool flag(const std::string& name) const;
  std::string text(const std::string& name) const;               // "" when not given
  std::vector<std::string> list(const std::string& name) const;  // every value given, in order

  // A count that must be positive: "-j needs a positive number (got 'x')".
  unsigned positive_count(const std::string& option_name, const std::string& spelled) const;

 private:
  std::string command_;
  boost::program_options::variables_map values_;
};

// The program's version: "cxlvp 0.1.0 (SystemC 2.3.4-Accellera)".
std::string version_text();

}  // namespace cxlvp
