#include "cli/commands/cli_docs.hpp"

#include "cli/commands/command_table.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace trustctl::cli {
namespace {

struct OptionDoc {
  std::string name;         // "--format", or a positional's name ("site")
  std::string description;
  std::string choices;      // "text|json" when CLI11 checks membership, else ""
  bool positional = false;
  bool takes_value = false;
  bool required = false;
};

struct CommandDoc {
  std::string name;  // "plan", "ca init"
  std::string summary, details, example;
  std::vector<OptionDoc> options;
};

// "VALUE in {text,json}" is how CLI11 names an IsMember check; the braces' content is what completion offers.
std::string choices_of(const CLI::Option* option) {
  std::string type = option->get_type_name();
  auto open = type.find('{'), close = type.find('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  std::string inside = type.substr(open + 1, close - open - 1);
  for (auto& c : inside) c = c == ',' ? '|' : c;
  return inside;
}

std::vector<OptionDoc> options_of(const CLI::App& command) {
  std::vector<OptionDoc> out;
  for (const CLI::Option* option : command.get_options()) {
    if (option->get_lnames().empty() && !option->get_positional()) continue;
    if (!option->get_lnames().empty() && option->get_lnames().front() == "help") continue;  // a global option
    OptionDoc doc;
    doc.positional = !option->nonpositional();
    doc.name = doc.positional ? option->get_name() : "--" + option->get_lnames().front();
    doc.description = option->get_description();
    doc.choices = choices_of(option);
    doc.takes_value = option->get_expected_min() > 0 || doc.positional;
    doc.required = option->get_required();
    out.push_back(std::move(doc));
  }
  return out;
}

std::vector<CommandDoc> commands_of(const CLI::App& app) {
  std::vector<CommandDoc> out;
  for (const auto& spec : command_table()) {
    const CLI::App* command = app.get_subcommand_ptr(std::string(spec.name)).get();
    if (!command) continue;
    auto nested = command->get_subcommands([](const CLI::App*) { return true; });
    if (!nested.empty()) {
      for (const CLI::App* sub : nested) {
        out.push_back({std::string(spec.name) + " " + sub->get_name(), sub->get_description(), "",
                       std::string(spec.example), options_of(*sub)});
      }
      continue;
    }
    out.push_back({std::string(spec.name), std::string(spec.summary), std::string(spec.details),
                   std::string(spec.example), options_of(*command)});
  }
  return out;
}

std::string upper(std::string text) {
  for (auto& c : text) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// troff: a backslash is \e, and a line must not start with . or '.
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out.push_back(c);
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

// What a value is called where the synopsis shows it: its choices, else the option's name ("--out" takes OUT).
std::string placeholder(const OptionDoc& option) {
  if (option.positional) return option.name == "files" ? "FILE..." : upper(option.name);
  if (!option.takes_value) return "";
  return " " + (option.choices.empty() ? upper(option.name.substr(2)) : option.choices);
}

std::string synopsis(const CommandDoc& command) {
  std::string out = "trustctl " + command.name;
  for (const auto& o : command.options) {
    std::string word = o.positional ? placeholder(o) : o.name + placeholder(o);
    out += " " + (o.required ? word : "[" + word + "]");
  }
  return out;
}

// The program's one-line description without its leading "trustctl: ".
std::string description(const CLI::App& app) {
  std::string text = app.get_description();
  return text.starts_with("trustctl: ") ? text.substr(10) : text;
}

std::string man_page(const CLI::App& app) {
  std::ostringstream out;
  out << ".TH TRUSTCTL 1 \"\" \"trustctl " << TRUSTCTL_VERSION << "\" \"User Commands\"\n"
      << ".SH NAME\ntrustctl \\- " << roff(description(app)) << "\n"
      << ".SH SYNOPSIS\n.B trustctl\n.I COMMAND\n[\\fIOPTIONS\\fR]\n"
      << ".SH DESCRIPTION\nA site file (TOML) describes the certificate trust each cluster of Cisco contact-center "
         "appliances must have; trustctl reads every node over SSH and HTTPS, plans what must change, applies it in a "
         "safe order with every step journaled, and verifies the result with TLS handshakes.\n"
      << ".SH COMMANDS\n";
  for (const auto& command : commands_of(app)) {
    out << ".SS \"" << roff(command.name) << "\"\n" << roff(command.summary) << ".\n";
    if (!command.details.empty()) out << ".PP\n" << roff(command.details) << "\n";
    out << ".PP\n.B " << roff(synopsis(command)) << "\n";
    for (const auto& o : command.options) {
      out << ".TP\n.B " << roff(o.positional ? placeholder(o) : o.name + placeholder(o)) << "\n" << roff(o.description);
      if (!o.choices.empty()) out << " (" << roff(o.choices) << ")";
      out << "\n";
    }
    out << ".PP\nExample:\n.RS\n.nf\n" << roff(command.example) << "\n.fi\n.RE\n";
  }
  out << ".SH GLOBAL OPTIONS\n.TP\n.B \\-\\-color auto|always|never\ncolour the output: auto (a terminal only), always "
         "(CI logs), never; NO_COLOR is honoured\n.TP\n.B \\-\\-version\nprint the version\n.TP\n.B \\-\\-help\n"
         "show a command's options and an example\n"
      << ".SH EXIT STATUS\n0 success (nothing to do); 1 an error, an incomplete apply or a failed verify; 2 changes "
         "pending (plan \\-\\-detailed\\-exitcode) or something due (expiry \\-\\-within).\n"
      << ".SH FILES\n.TP\n/usr/share/trustctl/schemas/\nJSON schemas of the site file, the saved plan and the "
         "inventory\n.TP\n/usr/share/trustctl/examples/\nexample site files\n"
      << ".SH SEE ALSO\n.BR vos-sim (1)\n";
  return out.str();
}

std::string bash_completion(const CLI::App& app) {
  std::ostringstream out;
  out << "# bash completion for trustctl, generated by `trustctl --generate bash`\n"
      << "_trustctl() {\n"
      << "  local cur prev command i\n"
      << "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n  command=\"\"\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case \"${COMP_WORDS[i]}\" in -*) ;; *) command=\"${COMP_WORDS[i]}\"; break ;; esac\n  done\n"
      << "  if [[ -z \"$command\" ]]; then\n    COMPREPLY=($(compgen -W \"";
  std::string names;
  for (const auto& spec : command_table()) names += std::string(spec.name) + " ";
  out << names << "--color --version --help\" -- \"$cur\"))\n    return\n  fi\n"
      << "  case \"$command\" in\n";
  for (const auto& spec : command_table()) {
    const CLI::App* command = app.get_subcommand_ptr(std::string(spec.name)).get();
    if (!command) continue;
    auto nested = command->get_subcommands([](const CLI::App*) { return true; });
    std::string words, subcommands;
    std::vector<OptionDoc> options = options_of(*command);
    for (const CLI::App* sub : nested) {
      subcommands += sub->get_name() + " ";
      for (auto& o : options_of(*sub)) options.push_back(o);
    }
    std::ostringstream values;
    for (const auto& o : options) {
      if (o.positional) continue;
      words += o.name + " ";
      if (!o.choices.empty()) {
        std::string list = o.choices;
        for (auto& c : list) c = c == '|' ? ' ' : c;
        values << "        " << o.name << ") COMPREPLY=($(compgen -W \"" << list << "\" -- \"$cur\")); return ;;\n";
      } else if (o.takes_value) {
        values << "        " << o.name << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
      }
    }
    out << "    " << spec.name << ")\n      case \"$prev\" in\n" << values.str() << "      esac\n"
        << "      if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"" << words << "--help\" -- \"$cur\"))\n"
        << "      else COMPREPLY=($(compgen "
        << (subcommands.empty() ? std::string("-f") : "-W \"" + subcommands + "\"") << " -- \"$cur\")); fi\n      ;;\n";
  }
  out << "  esac\n}\ncomplete -o filenames -F _trustctl trustctl\n";
  return out.str();
}

std::string zsh_quote(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '[' || c == ']' || c == ':') {
      out += ' ';
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string zsh_completion(const CLI::App& app) {
  std::ostringstream out;
  out << "#compdef trustctl\n# zsh completion for trustctl, generated by `trustctl --generate zsh`\n\n_trustctl() {\n"
      << "  local -a commands\n  commands=(\n";
  for (const auto& spec : command_table()) {
    out << "    '" << spec.name << ":" << zsh_quote(std::string(spec.summary)) << "'\n";
  }
  out << "  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n    return\n  fi\n"
      << "  case \"$words[2]\" in\n";
  for (const auto& command : commands_of(app)) {
    if (command.name.find(' ') != std::string::npos) continue;  // "ca init": listed under "ca" below
    out << "    " << command.name << ")\n      _arguments \\\n";
    for (const auto& o : command.options) {
      if (o.positional) continue;
      out << "        '" << o.name << "[" << zsh_quote(o.description) << "]";
      if (!o.choices.empty()) {
        std::string list = o.choices;
        for (auto& c : list) c = c == '|' ? ' ' : c;
        out << ":value:(" << list << ")";
      } else if (o.takes_value) {
        out << ":value:_files";
      }
      out << "' \\\n";
    }
    out << "        '*:file:_files'\n      ;;\n";
  }
  out << "    ca)\n      _arguments '2:subcommand:(init)' '*:option:(--name --out-dir --cn --key --days)'\n      ;;\n"
      << "  esac\n}\n\n_trustctl \"$@\"\n";
  return out.str();
}

std::string markdown_table(const CLI::App& app) {
  std::ostringstream out;
  out << "| command | what it does |\n|---|---|\n";
  for (const auto& command : commands_of(app)) {
    std::string line = synopsis(command);
    std::string escaped;
    for (char c : line) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    out << "| `" << escaped << "` | " << command.summary << " |\n";
  }
  return out.str();
}

}  // namespace

std::optional<std::string> generate_cli_doc(const CLI::App& app, std::string_view what) {
  if (what == "man") return man_page(app);
  if (what == "bash") return bash_completion(app);
  if (what == "zsh") return zsh_completion(app);
  if (what == "markdown") return markdown_table(app);
  return std::nullopt;
}

}  // namespace trustctl::cli
