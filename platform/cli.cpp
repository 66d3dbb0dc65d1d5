#include "cli.h"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <boost/program_options/positional_options.hpp>

#include <charconv>
#include <systemc>

namespace po = boost::program_options;

namespace cxlvp {

namespace {

// How an option takes values: none (a switch), one, one per occurrence
// (--set, repeatable), or several after one occurrence (--scenarios A B C).
enum class Takes { nothing, one, repeated, several };

struct OptionSpec {
  const char* names;  // "jobs,j": the long name, then the short one
  Takes takes;
};

struct CommandSpec {
  const char* name;
  bool scenario;  // takes one SCENARIO.yaml
  std::vector<OptionSpec> options;
};

// Every command's options; their meaning is in the commands' usage texts
// (main.cpp, bench.cpp, calibrate.cpp), which --help prints.
const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"run", true,
       {{"out", Takes::one}, {"set", Takes::repeated}, {"transactions", Takes::one}, {"save-routing", Takes::one},
        {"timeline", Takes::one}, {"vcd", Takes::one}, {"timing", Takes::one}, {"quiet", Takes::nothing}}},
      {"sweep", true,
       {{"out", Takes::one}, {"set", Takes::repeated}, {"jobs,j", Takes::one}, {"jobs-file", Takes::one},
        {"format", Takes::one}}},
      {"validate", true, {{"set", Takes::repeated}}},
      {"keys", false, {}},
      {"bench", false,
       {{"scenarios", Takes::several}, {"bursts", Takes::one}, {"quick", Takes::nothing}, {"scaling", Takes::nothing},
        {"checks", Takes::one}, {"calls", Takes::one}, {"repeat", Takes::one}, {"out", Takes::one}}},
      {"calibrate", false,
       {{"preset", Takes::several}, {"set", Takes::repeated}, {"out", Takes::one}, {"jobs,j", Takes::one},
        {"probe", Takes::one}, {"memory", Takes::one}, {"mix", Takes::one}, {"load", Takes::one},
        {"tokens", Takes::one}, {"result", Takes::one}}},
  };
  return table;
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& c : command_table())
    if (name == c.name) return &c;
  return nullptr;
}

po::options_description options_of(const CommandSpec& command) {
  po::options_description options;
  auto add = options.add_options();
  add("help,h", po::bool_switch());
  for (const OptionSpec& o : command.options) {
    switch (o.takes) {
      case Takes::nothing: add(o.names, po::bool_switch()); break;
      case Takes::one: add(o.names, po::value<std::string>()); break;
      case Takes::repeated: add(o.names, po::value<std::vector<std::string>>()->composing()); break;
      case Takes::several: add(o.names, po::value<std::vector<std::string>>()->multitoken()); break;
    }
  }
  // Operands: the scenario, and whatever follows it (refused below, by name).
  add("scenario", po::value<std::string>());
  add("unexpected", po::value<std::vector<std::string>>());
  return options;
}

// "--timeline" -> "timeline", "-j" -> "jobs" (the long name of a short one, in any command).
std::string long_name(const std::string& spelled) {
  const std::string bare = spelled.substr(spelled.find_first_not_of('-'));
  for (const auto& c : command_table())
    for (const OptionSpec& o : c.options) {
      const std::string names = o.names;
      const auto comma = names.find(',');
      if (names.substr(0, comma) == bare || (comma != std::string::npos && names.substr(comma + 1) == bare))
        return names.substr(0, comma);
    }
  return "";
}

// An option this command does not have: the commands that have it, or "unknown".
std::string not_here(const std::string& spelled) {
  const std::string name = long_name(spelled);
  std::vector<std::string> owners;
  for (const auto& c : command_table())
    for (const OptionSpec& o : c.options) {
      const std::string names = o.names;
      if (!name.empty() && names.substr(0, names.find(',')) == name) owners.push_back(c.name);
    }
  if (owners.empty()) return "unknown option " + spelled;
  std::string list;
  for (size_t i = 0; i < owners.size(); ++i) list += (i ? (i + 1 == owners.size() ? " and " : ", ") : "") + owners[i];
  return spelled + " applies to " + list + " only";
}

// Spelling rules: --name VALUE, --name=VALUE, -j VALUE, -j4; no abbreviated
// long names (--tim would be --timeline or --timing).
constexpr int kStyle = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

// "--transactions --quiet" takes --quiet as the file's name (Boost accepts a
// value that looks like an option), and a run then writes a file named
// "--quiet" where the user meant a quiet run: refuse a value that spells an
// option cxlvp has. --transactions=./--quiet still names such a file.
void refuse_options_as_values(const CommandSpec& command, const CommandLine& line) {
  for (const OptionSpec& o : command.options) {
    if (o.takes == Takes::nothing) continue;
    const std::string name = std::string(o.names).substr(0, std::string(o.names).find(','));
    const std::vector<std::string> values =
        o.takes == Takes::one ? std::vector<std::string>{line.text(name)} : line.list(name);
    for (const std::string& v : values)
      if (!v.empty() && v[0] == '-' && v.find_first_not_of('-') != std::string::npos && !long_name(v).empty())
        throw UsageError(command.name, "--" + name + " needs a value, not the option '" + v + "'");
  }
}

}  // namespace

UsageError::UsageError(std::string command, const std::string& what)
    : std::runtime_error(what), command(std::move(command)) {}

CommandLine CommandLine::parse(const std::vector<std::string>& args) {
  CommandLine line;
  if (args.empty()) throw UsageError("", "no command given");
  const std::string& first = args.front();
  if (first == "--help" || first == "-h" || first == "help") {
    line.command_ = "help";
    return line;
  }
  if (first == "--version") {
    if (args.size() > 1) throw UsageError("", "--version takes nothing else (got '" + args[1] + "')");
    line.command_ = "version";
    return line;
  }
  if (!first.empty() && first[0] == '-')
    throw UsageError("", "the command comes first: cxlvp COMMAND [options] (got '" + first + "')");
  const CommandSpec* command = find_command(first);
  if (!command) throw UsageError("", "unknown command '" + first + "'");
  line.command_ = first;

  po::positional_options_description operands;
  if (command->scenario) operands.add("scenario", 1);
  operands.add("unexpected", -1);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    po::store(po::command_line_parser(rest).options(options_of(*command)).positional(operands).style(kStyle).run(),
              line.values_);
    po::notify(line.values_);
  } catch (const po::unknown_option& e) {
    throw UsageError(first, not_here(e.get_option_name()));
  } catch (const po::multiple_occurrences& e) {
    throw UsageError(first, e.get_option_name() + " given more than once");
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_syntax::missing_parameter)
      throw UsageError(first, e.get_option_name() + " needs a value");
    throw UsageError(first, e.what());
  } catch (const po::error& e) {
    throw UsageError(first, e.what());
  }
  if (line.help()) return line;
  refuse_options_as_values(*command, line);
  if (const auto extra = line.list("unexpected"); !extra.empty())
    throw UsageError(first, "unexpected argument '" + extra.front() + "'");
  if (command->scenario && line.text("scenario").empty()) throw UsageError(first, first + " needs a scenario file");
  return line;
}

bool CommandLine::flag(const std::string& name) const {
  const auto it = values_.find(name);
  return it != values_.end() && it->second.as<bool>();
}

std::string CommandLine::text(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second.as<std::string>();
}

std::vector<std::string> CommandLine::list(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>() : it->second.as<std::vector<std::string>>();
}

unsigned CommandLine::positive_count(const std::string& option_name, const std::string& spelled) const {
  const std::string text = this->text(option_name);
  unsigned n = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, n);
  if (error != std::errc() || stop != end || n == 0)
    throw UsageError(command_, spelled + " needs a positive number (got '" + text + "')");
  return n;
}

std::string version_text() {
  return "cxlvp " CXLVP_VERSION " (SystemC " + std::string(sc_core::sc_release()) + ")";
}

}  // namespace cxlvp
