#include "engine/config/site_loader.hpp"

#include "engine/config/names.hpp"
#include "engine/config/path_checks.hpp"
#include "engine/config/site_keys.hpp"
#include "engine/config/unique_endpoints.hpp"
#include "engine/config/version.hpp"

#include <openssl/evp.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <sstream>

namespace trustctl::config {
namespace {

namespace fs = std::filesystem;

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[md[i] >> 4]);
    out.push_back(digits[md[i] & 0xf]);
  }
  return out;
}

std::string type_phrase(toml::node_type type) {
  switch (type) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

std::string type_phrase(KeyType type) {
  switch (type) {
    case KeyType::string: return "a string";
    case KeyType::integer: return "an integer";
    case KeyType::number: return "a number";
    case KeyType::number_map: return "a number or a table of numbers";
    case KeyType::boolean: return "a boolean";
    case KeyType::string_array: return "an array of strings";
    case KeyType::table: return "a table";
    case KeyType::table_map: return "a table";
    case KeyType::array_of_tables: return "an array of tables";
  }
  return "a value";
}

bool has_type(const toml::node& node, KeyType type) {
  switch (type) {
    case KeyType::string: return node.is_string();
    case KeyType::integer: return node.is_integer();
    case KeyType::number: return node.is_number();
    case KeyType::number_map: return node.is_number() || node.is_table();  // the table's values are checked where read
    case KeyType::boolean: return node.is_boolean();
    case KeyType::string_array: return node.is_array();  // elements are checked where they are read
    case KeyType::table:
    case KeyType::table_map: return node.is_table();
    case KeyType::array_of_tables: return node.is_array();  // idem
  }
  return false;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string join(const std::vector<std::string_view>& items, std::string_view separator) {
  return join(std::vector<std::string>(items.begin(), items.end()), separator);
}

// "publisher" or "subscriber"; "a", "b" or "c"
std::string quoted_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += (i + 1 == choices.size()) ? " or " : ", ";
    out += "\"" + std::string(choices[i]) + "\"";
  }
  return out;
}

std::string list_or_none(const std::vector<std::string>& names) {
  return names.empty() ? std::string("none are defined") : join(names, ", ");
}

// One table of the file as the loader walks it: where it is (for messages) and typed, silent accessors. Type
// mismatches are reported once, by Loader::check_table, against the key table; accessors just skip such values.
struct Section {
  const toml::table& table;
  std::string path;     // prefix of key names in messages: "connection", "cluster.nodes[1]"; "" at the top level
  std::string display;  // how the table is named in "unknown key ... in <display>": "[connection]", "cluster.nodes[1]"
  SourceRegion region;

  std::string key_name(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  const toml::node* node(std::string_view key) const { return table.get(key); }
  bool has(std::string_view key) const { return table.contains(key); }
  std::optional<std::string> string(std::string_view key) const {
    if (auto v = table.get_as<std::string>(key)) return v->get();
    return std::nullopt;
  }
  std::optional<int64_t> integer(std::string_view key) const {
    if (auto v = table.get_as<int64_t>(key)) return v->get();
    return std::nullopt;
  }
  std::optional<bool> boolean(std::string_view key) const {
    if (auto v = table.get_as<bool>(key)) return v->get();
    return std::nullopt;
  }
};

bool shares_certificate(const CertificateRef& a, const CertificateRef& b) {
  for (const auto& x : a.certificates) {
    if (std::find(b.certificates.begin(), b.certificates.end(), x) != b.certificates.end()) return true;
  }
  return false;
}

class Loader {
 public:
  Loader(const fs::path& path, const CertificateUnits& units)
      : m_units(units),
        m_file(std::make_shared<const std::string>(path.string())),
        m_directory(fs::absolute(path).lexically_normal().parent_path()) {
    m_site.file = fs::absolute(path).lexically_normal();
    m_site.directory = m_directory;
  }

  LoadResult run();
  LoadResult run_text(std::string bytes);

 private:
  // --- plumbing -------------------------------------------------------------------------------------------------
  SourceRegion region(const toml::source_region& source) const {
    return SourceRegion{m_file, static_cast<int>(source.begin.line), static_cast<int>(source.begin.column)};
  }
  SourceRegion region_of(const toml::node& node) const { return region(node.source()); }
  SourceRegion value_region(const Section& s, std::string_view key) const {
    const toml::node* n = s.node(key);
    return n ? region_of(*n) : s.region;
  }
  SourceRegion key_region(const Section& s, std::string_view key) const {
    auto it = s.table.find(key);
    return it != s.table.end() ? region(it->first.source()) : s.region;
  }
  void error(SourceRegion where, std::string message, ErrorCode code = ErrorCode::invalid_site) {
    m_errors.push_back(Error(code, std::move(message)).at(std::move(where)));
  }
  void warning(SourceRegion where, std::string message) {
    m_warnings.push_back(Error(ErrorCode::invalid_site, std::move(message)).at(std::move(where)));
  }
  // Every value of the table, by key, for checks made after loading (KeyRegions in engine/model/site.hpp).
  void record_keys(const Section& s, KeyRegions& keys) const {
    for (auto&& [key, value] : s.table) keys.set(std::string(key.str()), region_of(value));
  }
  fs::path resolve(const std::string& text) const { return (m_directory / fs::path(text)).lexically_normal(); }

  // --- generic checks -------------------------------------------------------------------------------------------
  void check_table(const Section& s, std::string_view section, const std::set<std::string_view>& already_reported = {});
  void check_identity_units(const Section& s);
  std::optional<std::string> required_string(const Section& s, std::string_view key, std::string_view hint = {});
  std::optional<std::string> choice(const Section& s, std::string_view key, std::span<const std::string_view> allowed);
  std::optional<int> bounded(const Section& s, std::string_view key, int64_t min, int64_t max);
  std::vector<std::pair<std::string, SourceRegion>> strings(const Section& s, std::string_view key);
  std::vector<Section> tables_of_array(const Section& parent, std::string_view key, std::string_view path,
                                       bool index_in_path);
  bool check_duplicate(std::map<std::string, SourceRegion>& seen, const std::string& kind, const std::string& name,
                       const SourceRegion& where);
  void check_credentials_ref(const Section& s, std::string_view key);
  bool check_display_name(const std::string& name, const std::string& key_name, const SourceRegion& where);
  void check_host_name(const Section& s, std::string_view key, const std::string& value);
  void check_writable_file(const Section& s, std::string_view key, const fs::path& path);

  // --- sections -------------------------------------------------------------------------------------------------
  bool read_version(const Section& root);
  void read_site(const Section& root);
  void read_credentials(const Section& root);
  void read_connection(const Section& root);
  void apply_connection_keys(const Section& s, Connection& connection);
  void read_cas(const Section& root);
  void read_signed_dir(CaEntry& ca, const std::string& as_written, const SourceRegion& where);
  void read_clusters(const Section& root);
  std::optional<Node> read_node(const Section& s, const Cluster& cluster, size_t node_count, bool& role_known);
  void read_identities(const Section& cluster_section, Cluster& cluster);
  void read_integrations(const Section& root);
  void read_trust(const Section& root);
  std::optional<CertificateRef> read_certificate_ref(const std::string& text, const std::string& key_name,
                                                     const SourceRegion& where);
  void read_policy(const Section& root);
  void read_timing(const Section& root);
  std::optional<double> seconds(const toml::node& value, const std::string& key_name);
  std::optional<std::vector<Certificate>> load_certificates(const std::string& as_written, const std::string& key_name,
                                                            const SourceRegion& where);

  std::vector<std::string> cluster_names() const {
    std::vector<std::string> out;
    for (const auto& c : m_site.clusters) out.push_back(c.name);
    return out;
  }
  std::vector<std::string> ca_names() const {
    std::vector<std::string> out;
    for (const auto& c : m_site.cas) out.push_back(c.name);
    return out;
  }
  std::vector<std::string> credential_names() const {
    std::vector<std::string> out;
    for (const auto& c : m_site.credentials) out.push_back(c.name);
    return out;
  }

  const CertificateUnits& m_units;  // the products' unit names: [cluster.identity.<unit>] keys, the default store
  std::shared_ptr<const std::string> m_file;  // the path as the user gave it: messages echo what they typed
  fs::path m_directory;
  Site m_site;
  std::vector<Error> m_errors;
  std::vector<Error> m_warnings;
  std::map<std::string, SourceRegion> m_cluster_names;
  std::map<std::string, SourceRegion> m_node_names;
  std::map<std::string, SourceRegion> m_ca_names;
};

void Loader::check_table(const Section& s, std::string_view section,
                         const std::set<std::string_view>& already_reported) {
  for (auto&& [key, value] : s.table) {
    if (already_reported.contains(key.str())) continue;
    const KeySpec* spec = find_key(section, key.str());
    if (!spec) {
      auto allowed = keys_in(section);
      std::string message = "unknown key '" + std::string(key.str()) + "' " +
                            (s.path.empty() ? std::string("at the top level") : "in " + s.display);
      if (auto suggestion = closest_match(key.str(), allowed)) {
        message += " (did you mean '" + *suggestion + "'?)";
      } else {
        message += " (allowed: " + join(allowed, ", ") + ")";
      }
      error(region(key.source()), std::move(message));
      continue;
    }
    if (!has_type(value, spec->type)) {
      error(region_of(value), s.key_name(key.str()) + ": expected " + type_phrase(spec->type) + ", got " +
                                  type_phrase(value.type()));
    }
  }
}

// [cluster.identity] holds one table per identity unit; the units are the products' (m_units), not the key table's.
void Loader::check_identity_units(const Section& s) {
  const std::vector<std::string_view> units = m_units.identities();
  for (auto&& [key, value] : s.table) {
    if (std::find(units.begin(), units.end(), key.str()) == units.end()) {
      std::string message = "unknown key '" + std::string(key.str()) + "' in " + s.display;
      if (auto suggestion = closest_match(key.str(), units)) {
        message += " (did you mean '" + *suggestion + "'?)";
      } else {
        message += " (allowed: " + join(units, ", ") + ")";
      }
      error(region(key.source()), std::move(message));
    } else if (!value.is_table()) {
      error(region_of(value), s.key_name(key.str()) + ": expected " + type_phrase(KeyType::table) + ", got " +
                                  type_phrase(value.type()));
    }
  }
}

std::optional<std::string> Loader::required_string(const Section& s, std::string_view key, std::string_view hint) {
  const toml::node* n = s.node(key);
  if (!n) {
    std::string message = "missing required key '" + std::string(key) + "' " +
                          (s.path.empty() ? std::string("at the top level") : "in " + s.display);
    if (!hint.empty()) message += " (" + std::string(hint) + ")";
    error(s.region, std::move(message));
    return std::nullopt;
  }
  auto value = s.string(key);
  if (!value) return std::nullopt;  // wrong type: check_table said so
  if (value->empty()) {
    error(region_of(*n), s.key_name(key) + ": must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> Loader::choice(const Section& s, std::string_view key,
                                          std::span<const std::string_view> allowed) {
  auto value = s.string(key);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return value;
  std::string message = s.key_name(key) + ": expected ";
  message += allowed.size() == 2 ? quoted_choices(allowed) : "one of " + quoted_choices(allowed);
  message += ", got \"" + *value + "\"";
  std::vector<std::string_view> candidates;
  for (auto a : allowed) {
    if (!a.empty()) candidates.push_back(a);
  }
  if (auto suggestion = closest_match(*value, candidates)) message += " (did you mean \"" + *suggestion + "\"?)";
  error(value_region(s, key), std::move(message));
  return std::nullopt;
}

std::optional<int> Loader::bounded(const Section& s, std::string_view key, int64_t min, int64_t max) {
  auto value = s.integer(key);
  if (!value) return std::nullopt;
  if (*value < min || *value > max) {
    std::string message = s.key_name(key) + ": " + std::to_string(*value) + " is out of range; ";
    message += max == std::numeric_limits<int>::max() ? "it must be at least " + std::to_string(min)
                                                      : "use " + std::to_string(min) + ".." + std::to_string(max);
    error(value_region(s, key), std::move(message));
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

std::vector<std::pair<std::string, SourceRegion>> Loader::strings(const Section& s, std::string_view key) {
  std::vector<std::pair<std::string, SourceRegion>> out;
  const toml::array* array = s.table.get_as<toml::array>(key);
  if (!array) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    if (const auto* text = element.as_string()) {
      out.emplace_back(text->get(), region_of(element));
    } else {
      error(region_of(element), s.key_name(key) + "[" + std::to_string(i) + "]: expected a string, got " +
                                    type_phrase(element.type()));
    }
  }
  return out;
}

std::vector<Section> Loader::tables_of_array(const Section& parent, std::string_view key, std::string_view path,
                                             bool index_in_path) {
  std::vector<Section> out;
  const toml::array* array = parent.table.get_as<toml::array>(key);
  if (!array) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    std::string element_path = std::string(path) + (index_in_path ? "[" + std::to_string(i) + "]" : "");
    if (const toml::table* table = element.as_table()) {
      std::string display = index_in_path ? element_path : "[[" + element_path + "]]";
      out.push_back(Section{*table, element_path, display, region_of(element)});
    } else {
      error(region_of(element), std::string(path) + "[" + std::to_string(i) + "]: expected a table, got " +
                                    type_phrase(element.type()));
    }
  }
  return out;
}

bool Loader::check_duplicate(std::map<std::string, SourceRegion>& seen, const std::string& kind,
                             const std::string& name, const SourceRegion& where) {
  auto [it, inserted] = seen.emplace(name, where);
  if (inserted) return true;
  error(where, "duplicate " + kind + " name '" + name + "' (first defined at " + it->second.describe() + ")");
  return false;
}

bool Loader::check_display_name(const std::string& name, const std::string& key_name, const SourceRegion& where) {
  auto problem = display_name_problem(name);
  if (problem) error(where, key_name + ": " + *problem);
  return !problem;
}

void Loader::check_host_name(const Section& s, std::string_view key, const std::string& value) {
  if (auto problem = host_name_problem(value)) error(value_region(s, key), s.key_name(key) + ": " + *problem);
}

void Loader::check_writable_file(const Section& s, std::string_view key, const fs::path& path) {
  if (auto problem = writable_file_problem(path)) error(value_region(s, key), s.key_name(key) + ": " + *problem);
}

void Loader::check_credentials_ref(const Section& s, std::string_view key) {
  auto name = s.string(key);
  if (!name || m_site.find_credentials(*name)) return;
  error(value_region(s, key), s.key_name(key) + ": no credentials named '" + *name + "' (credentials: " +
                                  list_or_none(credential_names()) + "; define them in [credentials." + *name + "])");
}

// --- sections ---------------------------------------------------------------------------------------------------

bool Loader::read_version(const Section& root) {
  const toml::node* n = root.node("version");
  if (!n) {
    error(root.region, "missing required key 'version' at the top level (add version = 1 as the first line)");
    return false;
  }
  auto version = root.integer("version");
  if (!version) {
    error(region_of(*n), "version: expected an integer, got " + type_phrase(n->type()));
    return false;
  }
  if (*version != 1) {
    error(region_of(*n), "unsupported site format version " + std::to_string(*version) +
                             "; this trustctl reads version 1");
    return false;
  }
  m_site.version = 1;
  return true;
}

void Loader::read_site(const Section& root) {
  std::string state_dir = ".trustctl";
  if (!root.has("site")) {
    error(root.region, "missing required table [site] (add [site] with name = \"...\")");
  } else if (const toml::table* table = root.table.get_as<toml::table>("site")) {
    Section s{*table, "site", "[site]", region_of(*table)};
    check_table(s, "site");
    if (auto name = required_string(s, "name")) {
      check_display_name(*name, "site.name", value_region(s, "name"));
      m_site.name = *name;
    }
    if (auto domain = s.string("domain")) {
      // Node FQDNs are built from it: one bad domain would otherwise be reported once per node.
      if (domain->empty()) {
        error(value_region(s, "domain"), "site.domain: must not be empty (remove it when every node gives its fqdn)");
      } else if (auto problem = host_name_problem(*domain)) {
        error(value_region(s, "domain"), "site.domain: " + *problem);
      } else {
        m_site.domain = *domain;
      }
    }
    if (auto dir = s.string("state_dir")) {
      if (dir->empty()) {
        error(value_region(s, "state_dir"), "site.state_dir: must not be empty (remove it for the default .trustctl)");
      } else {
        state_dir = *dir;
      }
    }
    m_site.state_dir = resolve(state_dir);
    if (auto problem = directory_problem(m_site.state_dir)) {
      error(s.has("state_dir") ? value_region(s, "state_dir") : s.region, "site.state_dir: " + *problem);
    }
    return;
  }
  m_site.state_dir = resolve(state_dir);
}

void Loader::read_credentials(const Section& root) {
  const toml::table* all = root.table.get_as<toml::table>("credentials");
  if (!all) return;
  for (auto&& [key, value] : *all) {
    std::string name(key.str());
    std::string path = "credentials." + name;
    const toml::table* table = value.as_table();
    if (!table) {
      error(region_of(value), path + ": expected a table, got " + type_phrase(value.type()));
      continue;
    }
    Section s{*table, path, "[" + path + "]", region_of(*table)};
    check_display_name(name, "credentials", region(key.source()));
    std::set<std::string_view> reported;
    if (s.has("password")) {
      // The one unknown key that deserves its own message: the whole point is that passwords stay out of the file.
      error(key_region(s, "password"),
            path + ".password: a literal password is not allowed in the site file; use password_env, password_file "
                   "or password_command");
      reported.insert("password");
    }
    check_table(s, "credentials.*", reported);

    Credentials credentials;
    credentials.name = name;
    credentials.region = s.region;
    if (auto username = required_string(s, "username")) credentials.username = *username;

    std::vector<std::string_view> sources;
    for (std::string_view source : {"password_env", "password_file", "password_command"}) {
      if (s.has(source)) sources.push_back(source);
    }
    if (sources.empty() && !s.has("password")) {
      error(s.region, "[" + path + "] has no password source; set one of password_env, password_file or "
                      "password_command");
    } else if (sources.size() > 1) {
      error(key_region(s, sources[1]), path + ": " + std::string(sources[0]) + " and " + std::string(sources[1]) +
                                           " are both set; keep exactly one password source");
    }
    if (auto env = s.string("password_env")) {
      if (env->empty()) {
        error(value_region(s, "password_env"), path + ".password_env: must name an environment variable");
      }
      credentials.password_env = *env;
    }
    if (auto file = s.string("password_file")) {
      if (file->empty()) error(value_region(s, "password_file"), path + ".password_file: must not be empty");
      credentials.password_file = resolve(*file);
    }
    if (s.has("password_command")) {
      for (auto& [word, where] : strings(s, "password_command")) credentials.password_command.push_back(word);
      const toml::array* array = table->get_as<toml::array>("password_command");
      if (array && array->empty()) {
        error(value_region(s, "password_command"),
              path + ".password_command: must not be empty; give the program and its arguments, e.g. "
                     "[\"pass\", \"show\", \"lab/os-admin\"]");
      } else if (!credentials.password_command.empty() && credentials.password_command.front().empty()) {
        error(value_region(s, "password_command"), path + ".password_command: the program name must not be empty");
      }
    }
    m_site.credentials.push_back(std::move(credentials));
  }
}

void Loader::apply_connection_keys(const Section& s, Connection& connection) {
  if (auto v = s.string("credentials")) connection.credentials = *v;
  if (auto v = bounded(s, "ssh_port", 1, 65535)) connection.ssh_port = *v;
  if (auto v = bounded(s, "https_port", 1, 65535)) connection.https_port = *v;
  if (auto v = s.string("known_hosts")) {
    connection.known_hosts = resolve(*v);
    check_writable_file(s, "known_hosts", connection.known_hosts);
  }
  if (auto v = s.string("tls_pins")) {
    connection.tls_pins = resolve(*v);
    check_writable_file(s, "tls_pins", connection.tls_pins);
  }
  if (auto v = bounded(s, "timeout_s", 1, std::numeric_limits<int>::max())) connection.timeout_s = *v;
  if (auto v = bounded(s, "parallelism", 1, std::numeric_limits<int>::max())) connection.parallelism = *v;
  if (auto v = bounded(s, "answer_delay_ms", 0, 60000)) connection.answer_delay_ms = *v;
}

void Loader::read_connection(const Section& root) {
  Connection& connection = m_site.connection;
  connection.known_hosts = m_site.state_dir / "known_hosts";
  connection.tls_pins = m_site.state_dir / "tls_pins";
  const toml::table* table = root.table.get_as<toml::table>("connection");
  static const toml::table kNone;
  Section s{table ? *table : kNone, "connection", "[connection]", table ? region_of(*table) : root.region};
  if (table) {
    check_table(s, "connection");
    apply_connection_keys(s, connection);
    check_credentials_ref(s, "credentials");
  }
  // The defaults under state_dir: a state_dir that is itself wrong was reported already.
  if (directory_problem(m_site.state_dir)) return;
  if (!s.has("known_hosts")) check_writable_file(s, "known_hosts", connection.known_hosts);
  if (!s.has("tls_pins")) check_writable_file(s, "tls_pins", connection.tls_pins);
}

std::optional<std::vector<Certificate>> Loader::load_certificates(const std::string& as_written,
                                                                  const std::string& key_name,
                                                                  const SourceRegion& where) {
  fs::path path = resolve(as_written);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    error(where, key_name + ": cannot read " + as_written + " (no such file; paths are relative to the site file)",
          ErrorCode::io);
    return std::nullopt;
  }
  auto loaded = load_certificate_file(path.string());
  if (loaded) return std::move(*loaded);
  if (loaded.error().code == ErrorCode::io) {
    error(where, key_name + ": cannot read " + as_written, ErrorCode::io);
    return std::nullopt;
  }
  // load_certificate_file prefixes the absolute path; the user wrote a relative one, so show theirs.
  std::string detail = loaded.error().message;
  std::string prefix = path.string() + ": ";
  if (detail.starts_with(prefix)) detail = detail.substr(prefix.size());
  error(where, key_name + ": " + as_written + " holds no usable certificate: " + detail);
  return std::nullopt;
}

void Loader::read_cas(const Section& root) {
  for (const Section& s : tables_of_array(root, "ca", "ca", false)) {
    check_table(s, "ca");
    CaEntry ca;
    ca.region = s.region;
    record_keys(s, ca.keys);
    auto name = required_string(s, "name");
    auto certificate = required_string(s, "certificate", "a PEM file, relative to the site file");
    if (name) check_display_name(*name, "ca.name", value_region(s, "name"));
    if (name) {
      ca.name = *name;
      if (*name == "self") {
        error(value_region(s, "name"), "ca.name: 'self' is reserved (identity issuer = \"self\" means self-signed); "
                                       "choose another name");
      }
      check_duplicate(m_ca_names, "CA", *name, value_region(s, "name"));
    }
    if (certificate) {
      ca.certificate_path = resolve(*certificate);
      if (auto certs = load_certificates(*certificate, "ca.certificate", value_region(s, "certificate"))) {
        ca.certificates = std::move(*certs);
      }
    }
    if (auto key = s.string("local_key")) {
      if (key->empty()) {
        error(value_region(s, "local_key"), "ca.local_key: must not be empty (remove it if trustctl holds no key)");
      } else {
        ca.local_key = resolve(*key);
        auto check = key_file_check(*ca.local_key, *key);
        if (check.error) error(value_region(s, "local_key"), "ca.local_key: " + *check.error, ErrorCode::io);
        if (check.warning) warning(value_region(s, "local_key"), "ca.local_key: " + *check.warning);
      }
    }
    if (auto dir = s.string("signed_dir")) {
      if (dir->empty()) {
        error(value_region(s, "signed_dir"), "ca.signed_dir: must not be empty (remove it if this CA is not used "
                                             "to sign identities outside trustctl)");
      } else {
        ca.signed_dir = resolve(*dir);
        read_signed_dir(ca, *dir, value_region(s, "signed_dir"));
      }
    }
    // A CA without a name cannot be referenced; keep it out so lookups never match an empty name.
    if (name) m_site.cas.push_back(std::move(ca));
  }
}

// Every certificate file an outside CA returned. A directory that does not exist yet holds nothing (the first
// `trustctl csr` run comes before anything is signed); a file that is not a certificate is an error naming it.
void Loader::read_signed_dir(CaEntry& ca, const std::string& as_written, const SourceRegion& where) {
  std::error_code ec;
  if (!fs::exists(*ca.signed_dir, ec)) return;
  if (!fs::is_directory(*ca.signed_dir, ec)) {
    error(where, "ca.signed_dir: " + as_written + " is not a directory", ErrorCode::io);
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(*ca.signed_dir, ec)) {
    static constexpr std::string_view kExtensions[] = {".pem", ".crt", ".cer", ".der"};
    std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file(ec)) continue;
    if (std::find(std::begin(kExtensions), std::end(kExtensions), extension) == std::end(kExtensions)) continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // deterministic plans whatever order the directory lists
  for (const auto& file : files) {
    std::string name = (fs::path(as_written) / file.filename()).string();
    if (auto certs = load_certificates(name, "ca.signed_dir", where)) {
      if (!certs->empty()) ca.signed_files.push_back(SignedFile{file, std::move(*certs)});
    }
  }
}

std::optional<Node> Loader::read_node(const Section& s, const Cluster& cluster, size_t node_count,
                                     bool& role_known) {
  check_table(s, "cluster.nodes");
  Node node;
  node.cluster = cluster.name;
  node.region = s.region;
  record_keys(s, node.keys);
  auto name = required_string(s, "name");
  if (name) {
    node.name = *name;
    check_display_name(*name, s.key_name("name"), value_region(s, "name"));
    check_duplicate(m_node_names, "node", *name, value_region(s, "name"));
  }
  if (auto fqdn = s.string("fqdn"); fqdn && !fqdn->empty()) {
    node.fqdn = *fqdn;
    check_host_name(s, "fqdn", *fqdn);
  } else if (fqdn) {
    error(value_region(s, "fqdn"), s.key_name("fqdn") + ": must not be empty (remove it for name.domain)");
  } else if (name) {
    node.fqdn = m_site.domain.empty() ? *name : *name + "." + m_site.domain;
    // A bad site.domain was reported once already; the name alone can still make a bad FQDN.
    if (auto problem = host_name_problem(node.fqdn); problem && display_name_problem(*name) == std::nullopt) {
      error(value_region(s, "name"), s.key_name("name") + ": without an fqdn the node's FQDN is name.domain, and " +
                                         *problem + "; set fqdn = \"...\" for this node");
    }
  }
  if (auto address = s.string("address"); address && !address->empty()) {
    node.address = *address;
    if (auto problem = address_problem(*address)) error(value_region(s, "address"), s.key_name("address") + ": " + *problem);
  } else if (address) {
    error(value_region(s, "address"), s.key_name("address") + ": must not be empty (remove it to use the fqdn)");
  } else {
    node.address = node.fqdn;
  }
  role_known = true;
  if (s.has("role")) {
    auto role = choice(s, "role", kRoles);
    if (role) node.role = *role == "publisher" ? Role::publisher : Role::subscriber;
    role_known = role.has_value();
  } else if (node_count > 1) {
    role_known = false;
    error(s.region, "missing required key 'role' in " + s.display +
                        " (cluster '" + cluster.name + "' has several nodes: say which is the \"publisher\" and "
                        "which are \"subscriber\")");
  }
  node.connection = m_site.connection;
  apply_connection_keys(s, node.connection);
  check_credentials_ref(s, "credentials");
  if (is_vos(cluster.product) && node.connection.credentials.empty() && name) {
    error(s.region, "node '" + *name + "' has no credentials; set credentials in [connection] or on the node");
  }
  if (!name) return std::nullopt;
  return node;
}

void Loader::read_identities(const Section& cluster_section, Cluster& cluster) {
  const toml::table* identity = cluster_section.table.get_as<toml::table>("identity");
  if (!identity) return;
  Section s{*identity, "cluster.identity", "[cluster.identity]", region_of(*identity)};
  check_identity_units(s);
  if (cluster.product == Product::external) {
    error(s.region, "cluster '" + cluster.name + "' is external: trustctl does not manage its identity; remove "
                    "cluster.identity");
    return;
  }
  for (std::string_view unit : m_units.identities()) {
    const toml::table* table = identity->get_as<toml::table>(unit);
    if (!table) continue;
    std::string path = "cluster.identity." + std::string(unit);
    Section u{*table, path, "[" + path + "]", region_of(*table)};
    check_table(u, "cluster.identity.*");
    IdentityPolicy policy;
    policy.unit = std::string(unit);
    policy.region = u.region;
    record_keys(u, policy.keys);
    if (auto issuer = u.string("issuer")) {
      if (issuer->empty()) {
        error(value_region(u, "issuer"), path + ".issuer: must not be empty; use \"self\" or a [[ca]] name");
      } else if (*issuer != "self" && !m_site.find_ca(*issuer)) {
        error(value_region(u, "issuer"), path + ".issuer: no CA named '" + *issuer + "' (use \"self\" or one of: " +
                                             list_or_none(ca_names()) + ")");
      } else {
        policy.issuer = *issuer;
      }
    }
    if (auto v = choice(u, "distribution", kDistributions)) policy.distribution = *v;
    if (auto v = choice(u, "key", kKeySpecs)) {
      policy.key = *v;
    } else if (m_units.is_ec(unit)) {
      policy.key = "ec-256";
    }
    // The units hold one key type each (docs/appliances.md section 4): RSA for tomcat, EC for tomcat-ECDSA.
    const bool ec_key = policy.key.starts_with("ec-");
    if (ec_key != m_units.is_ec(unit)) {
      error(u.table.contains("key") ? value_region(u, "key") : u.region,
            path + ".key: " + policy.key + " does not fit " + std::string(unit) + ", which holds " +
                (m_units.is_ec(unit) ? "an EC key (ec-256, ec-384, ec-521)" : "an RSA key (rsa-1024 .. rsa-4096)"));
    }
    if (auto days = u.integer("renew_before_days"); days && *days > kMaxRenewBeforeDays) {
      error(value_region(u, "renew_before_days"),
            path + ".renew_before_days: " + std::to_string(*days) + " days is longer than identities live: every "
                "identity would be due from the day it is made and renewed on every apply; use at most " +
                std::to_string(kMaxRenewBeforeDays) + " (or remove it for the last third of each lifetime)");
    } else if (auto v = bounded(u, "renew_before_days", 1, kMaxRenewBeforeDays)) {
      policy.renew_before_days = *v;
    }
    cluster.identities.push_back(std::move(policy));
  }
}

void Loader::read_clusters(const Section& root) {
  for (const Section& s : tables_of_array(root, "cluster", "cluster", false)) {
    check_table(s, "cluster");
    Cluster cluster;
    cluster.region = s.region;
    record_keys(s, cluster.keys);
    auto name = required_string(s, "name");
    if (name) {
      cluster.name = *name;
      check_display_name(*name, "cluster.name", value_region(s, "name"));
      check_duplicate(m_cluster_names, "cluster", *name, value_region(s, "name"));
    }
    if (s.has("product")) {
      if (auto product = choice(s, "product", kProducts)) cluster.product = *product_from_string(*product);
    } else {
      error(s.region, "missing required key 'product' in [[cluster]] (one of " + quoted_choices(kProducts) + ")");
    }
    // The restart keys mean nothing on a host trustctl does not administer.
    auto restart_key = [&](const char* key, std::span<const std::string_view> choices) -> std::optional<std::string> {
      auto value = choice(s, key, choices);
      if (!value || cluster.product != Product::external) return value;
      error(value_region(s, key), "cluster '" + cluster.name + "' is external: trustctl restarts nothing there; "
                                  "remove cluster." + key);
      return std::nullopt;
    };
    if (auto restart = restart_key("restart", kRestartPolicies)) cluster.restart = restart_policy_from_string(*restart);
    if (auto mode = restart_key("restart_services", kServiceRestarts)) {
      cluster.restart_services = service_restarts_from_string(*mode);
    }
    if (auto version = s.string("version")) {
      if (parse_version(*version)) {
        cluster.version = *version;
      } else {
        error(value_region(s, "version"), "cluster.version: '" + *version + "' is not a product version; write it as "
                                          "the product shows it, e.g. \"12.5\", \"12.5(1)SU3\", \"11.6.2\" or "
                                          "\"14SU2\" (remove the key for a current version)");
      }
    }

    if (!s.has("nodes")) {
      error(s.region, "missing required key 'nodes' in [[cluster]] (e.g. nodes = [{ name = \"node1\" }])");
    } else if (const toml::array* nodes = s.table.get_as<toml::array>("nodes")) {
      if (nodes->empty()) {
        error(value_region(s, "nodes"), "cluster.nodes: cluster '" + cluster.name + "' has no nodes; list at least one");
      }
      // Nodes whose role is missing or invalid were reported already; counting them as publishers (the default)
      // would add a misleading "two publishers" or hide a real "no publisher".
      bool all_roles_known = true;
      std::set<std::string> role_unknown;
      for (const Section& n : tables_of_array(s, "nodes", "cluster.nodes", true)) {
        bool role_known = true;
        auto node = read_node(n, cluster, nodes->size(), role_known);
        all_roles_known = all_roles_known && role_known;
        if (!node) continue;
        if (!role_known) role_unknown.insert(node->name);
        cluster.nodes.push_back(std::move(*node));
      }
      // Publisher checks: regions of the role values, so the message points at the second "publisher".
      const Node* first_publisher = nullptr;
      for (const auto& node : cluster.nodes) {
        if (node.role != Role::publisher || role_unknown.contains(node.name)) continue;
        if (!first_publisher) {
          first_publisher = &node;
          continue;
        }
        SourceRegion where = node.region;
        for (size_t i = 0; i < nodes->size(); ++i) {
          const toml::table* t = nodes->get(i)->as_table();
          if (t && t->get_as<std::string>("name") && t->get_as<std::string>("name")->get() == node.name &&
              t->get("role")) {
            where = region_of(*t->get("role"));
          }
        }
        error(where, "cluster '" + cluster.name + "' has two publishers: " + first_publisher->name + " and " +
                         node.name);
      }
      if (!first_publisher && !cluster.nodes.empty() && all_roles_known) {
        error(value_region(s, "nodes"), "cluster '" + cluster.name + "' has no publisher; set role = \"publisher\" "
                                        "on one of its nodes");
      }
      std::stable_partition(cluster.nodes.begin(), cluster.nodes.end(),
                            [](const Node& n) { return n.role == Role::publisher; });
    }
    read_identities(s, cluster);
    if (name) m_site.clusters.push_back(std::move(cluster));
  }
}

void Loader::read_integrations(const Section& root) {
  for (const Section& s : tables_of_array(root, "integration", "integration", false)) {
    check_table(s, "integration");
    Integration integration;
    integration.region = s.region;
    bool ok = true;
    for (std::string_view end : {"from", "to"}) {
      auto cluster = required_string(s, end);
      if (!cluster) {
        ok = false;
        continue;
      }
      if (!m_site.find_cluster(*cluster)) {
        error(value_region(s, end), s.key_name(end) + ": no cluster named '" + *cluster + "' (clusters: " +
                                        list_or_none(cluster_names()) + ")");
        ok = false;
      }
      (end == "from" ? integration.from : integration.to) = *cluster;
    }
    if (ok && integration.from == integration.to) {
      error(value_region(s, "to"), "integration.to: a cluster cannot integrate with itself ('" + integration.from +
                                       "'); use [[trust]] for trust within a cluster");
    }
    if (s.has("kind")) {
      if (auto kind = choice(s, "kind", kIntegrationKinds)) integration.kind = *kind;
    }
    m_site.integrations.push_back(std::move(integration));
  }
}

std::optional<CertificateRef> Loader::read_certificate_ref(const std::string& text, const std::string& key_name,
                                                           const SourceRegion& where) {
  CertificateRef ref;
  ref.text = text;
  ref.region = where;
  if (text.starts_with("file:")) {
    std::string relative = text.substr(5);
    if (relative.empty()) {
      error(where, key_name + ": \"file:\" needs a path, e.g. \"file:pki/extra-root.pem\"");
      return std::nullopt;
    }
    ref.file = resolve(relative);
    auto certs = load_certificates(relative, key_name, where);
    if (!certs) return std::nullopt;
    ref.certificates = std::move(*certs);
    return ref;
  }
  const CaEntry* ca = m_site.find_ca(text);
  if (!ca) {
    error(where, key_name + ": no CA named '" + text + "' (CAs: " + list_or_none(ca_names()) +
                     "; write \"file:path.pem\" for a certificate file)");
    return std::nullopt;
  }
  ref.ca = ca->name;
  ref.certificates = ca->certificates;
  return ref;
}

void Loader::read_trust(const Section& root) {
  for (const Section& s : tables_of_array(root, "trust", "trust", false)) {
    check_table(s, "trust");
    TrustRule rule;
    rule.store = m_units.trust_store;  // unless trust.store names another
    rule.region = s.region;
    record_keys(s, rule.keys);
    auto cluster = s.string("cluster");
    auto node = s.string("node");
    if (s.has("cluster") && s.has("node")) {
      error(key_region(s, "node"), "trust: set cluster or node, not both");
    } else if (!s.has("cluster") && !s.has("node")) {
      error(s.region, "[[trust]] needs a target: set cluster = \"...\" or node = \"...\"");
    }
    if (cluster) {
      if (m_site.find_cluster(*cluster)) {
        rule.cluster = *cluster;
      } else {
        error(value_region(s, "cluster"), "trust.cluster: no cluster named '" + *cluster + "' (clusters: " +
                                              list_or_none(cluster_names()) + ")");
      }
    }
    if (node) {
      if (m_site.find_node(*node)) {
        rule.node = *node;
      } else {
        std::vector<std::string> nodes;
        for (const Node* n : m_site.all_nodes()) nodes.push_back(n->name);
        error(value_region(s, "node"),
              "trust.node: no node named '" + *node + "' (nodes: " + list_or_none(nodes) + ")");
      }
    }
    if (auto store = s.string("store")) {
      if (store->empty()) {
        error(value_region(s, "store"),
              "trust.store: must not be empty (remove it for \"" + m_units.trust_store + "\")");
      } else {
        rule.store = *store;
      }
    }
    for (std::string_view list : {"certificates", "absent"}) {
      auto& target = list == "certificates" ? rule.certificates : rule.absent;
      auto items = strings(s, list);
      for (size_t i = 0; i < items.size(); ++i) {
        std::string key_name = "trust." + std::string(list) + "[" + std::to_string(i) + "]";
        if (auto ref = read_certificate_ref(items[i].first, key_name, items[i].second)) target.push_back(std::move(*ref));
      }
    }
    if (!s.has("certificates") && !s.has("absent")) {
      error(s.region, "[[trust]] lists no certificates; add certificates = [...] or absent = [...]");
    }
    // The same certificate both wanted and unwanted would make apply add and remove it forever.
    for (const auto& unwanted : rule.absent) {
      for (const auto& wanted : rule.certificates) {
        if (shares_certificate(wanted, unwanted)) {
          error(unwanted.region, "trust.absent: '" + unwanted.text + "' is also listed in certificates as '" +
                                     wanted.text + "'; a certificate cannot be both wanted and absent");
          break;
        }
      }
    }
    m_site.trust.push_back(std::move(rule));
  }
}

void Loader::read_policy(const Section& root) {
  const toml::table* table = root.table.get_as<toml::table>("policy");
  if (!table) return;
  Section s{*table, "policy", "[policy]", region_of(*table)};
  check_table(s, "policy");
  m_site.policy.region = s.region;
  if (auto prune = s.boolean("prune")) m_site.policy.prune = *prune;
  if (auto restart = choice(s, "restart", kRestartPolicies)) m_site.policy.restart = *restart_policy_from_string(*restart);
  if (auto mode = choice(s, "restart_services", kServiceRestarts)) {
    m_site.policy.restart_services = *service_restarts_from_string(*mode);
  }
  if (auto lint = choice(s, "lint", kLintLevels)) m_site.policy.lint = *lint;
}

// The longest duration [timing] takes, in seconds: a day. Anything longer is a typo (milliseconds for seconds), and
// the estimate's arithmetic stays far from overflow.
constexpr double kMaxTimingSeconds = 86400;

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// A [timing] value: a finite number of seconds, 0 to a day; an error says what was wrong and what to write.
std::optional<double> Loader::seconds(const toml::node& value, const std::string& key_name) {
  const std::string what = "; write the seconds it takes on your appliances, e.g. " + key_name.substr(key_name.rfind('.') + 1) + " = 90";
  if (!value.is_number()) {
    error(region_of(value), key_name + ": expected a number of seconds, got " + type_phrase(value.type()) + what);
    return std::nullopt;
  }
  double number = value.is_integer() ? static_cast<double>(value.as_integer()->get()) : value.as_floating_point()->get();
  if (!std::isfinite(number) || number < 0 || number > kMaxTimingSeconds) {
    std::string problem = std::isnan(number) ? "nan is not a duration"
                          : number < 0       ? number_text(number) + " is negative"
                                             : number_text(number) + " is more than a day (" +
                                                   number_text(kMaxTimingSeconds) + " s)";
    error(region_of(value), key_name + ": " + problem + what);
    return std::nullopt;
  }
  return number;
}

// [timing] feeds the plan's estimate of the change window (docs/site-format.md); every value is seconds.
void Loader::read_timing(const Section& root) {
  const toml::table* table = root.table.get_as<toml::table>("timing");
  if (!table) return;
  Section s{*table, "timing", "[timing]", region_of(*table)};
  // The values are checked below, each with what to write instead.
  std::set<std::string_view> own;
  for (auto key : keys_in("timing")) own.insert(key);
  check_table(s, "timing", own);
  Timing& timing = m_site.timing;
  timing.region = s.region;
  auto number = [&](std::string_view key, double& into) {
    if (const toml::node* value = s.node(key)) {
      if (auto v = seconds(*value, s.key_name(key))) into = *v;
    }
  };
  number("command_s", timing.command_s);
  number("system_restart_s", timing.system_restart_s);
  number("replication_s", timing.replication_s);
  const toml::node* restart = s.node("restart_s");
  if (!restart) return;
  const toml::table* per_service = restart->as_table();
  if (!per_service) {
    if (auto v = seconds(*restart, s.key_name("restart_s"))) timing.restart_s = *v;
    return;
  }
  // A table: service name (as `utils service list` shows it) -> seconds; "*" for every service it does not name.
  for (auto&& [name, value] : *per_service) {
    const std::string service(name.str());
    const std::string key_name = s.key_name("restart_s") + ".\"" + service + "\"";
    if (service.empty()) {
      error(region(name.source()), s.key_name("restart_s") + ": a service name is empty; write the name as `utils "
                                   "service list` shows it, e.g. \"Cisco Tomcat\" = 240, or \"*\" for the others");
      continue;
    }
    auto v = seconds(value, key_name);
    if (!v) continue;
    if (service == "*") {
      timing.restart_s = *v;
    } else {
      timing.restart_by_service[service] = *v;
    }
  }
}

LoadResult Loader::run() {
  LoadResult result;
  std::ifstream in(m_site.file, std::ios::binary);
  if (!in) {
    result.errors.push_back(Error(ErrorCode::io, "cannot read site file " + *m_file).at(SourceRegion{m_file}));
    return result;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return run_text(buffer.str());
}

LoadResult Loader::run_text(std::string bytes) {
  LoadResult result;
  m_site.file_digest = sha256_hex(bytes);

  toml::table root_table;
  try {
    root_table = toml::parse(std::string_view(bytes), std::string(*m_file));
  } catch (const toml::parse_error& e) {
    result.errors.push_back(Error(ErrorCode::invalid_site, "TOML syntax: " + std::string(e.description()))
                                .at(region(e.source())));
    return result;
  }

  Section root{root_table, "", "the top level", SourceRegion{m_file, 1, 1}};
  // A file of another format version may use other keys entirely: its other "problems" would only be noise.
  if (read_version(root)) {
    check_table(root, "");
    read_site(root);
    read_credentials(root);
    read_connection(root);
    read_cas(root);
    read_clusters(root);
    read_integrations(root);
    read_trust(root);
    read_policy(root);
    read_timing(root);
    for (auto& duplicate : duplicate_endpoints(m_site)) m_errors.push_back(std::move(duplicate));
  }

  // Reported in file order, whatever order the sections were checked in.
  std::stable_sort(m_errors.begin(), m_errors.end(), [](const Error& a, const Error& b) {
    int la = a.region ? a.region->line : 0, lb = b.region ? b.region->line : 0;
    int ca = a.region ? a.region->column : 0, cb = b.region ? b.region->column : 0;
    return std::tie(la, ca) < std::tie(lb, cb);
  });
  result.errors = std::move(m_errors);
  result.warnings = std::move(m_warnings);
  if (result.errors.empty()) result.site = std::move(m_site);
  return result;
}

}  // namespace

LoadResult load_site(const std::filesystem::path& path, const CertificateUnits& units) {
  return Loader(path, units).run();
}

LoadResult load_site_text(std::string_view text, const std::filesystem::path& path, const CertificateUnits& units) {
  return Loader(path, units).run_text(std::string(text));
}

Result<Site> load_site_or_error(const std::filesystem::path& path, const CertificateUnits& units) {
  LoadResult result = load_site(path, units);
  if (!result.errors.empty()) return fail(std::move(result.errors.front()));
  return std::move(*result.site);
}

}  // namespace trustctl::config
