#include "args.hpp"

#include <charconv>

namespace dynasio::cli {
namespace {

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

std::string parsed_args::get(std::string_view name, std::string_view fallback) const {
  const auto it = values.find(name);
  return it == values.end() ? std::string(fallback) : it->second;
}

std::string parsed_args::required(std::string_view name) const {
  const auto it = values.find(name);
  if (it == values.end()) throw usage_error(std::string(name) + " is required");
  return it->second;
}

std::uint64_t parsed_args::get_uint(std::string_view name, std::uint64_t fallback, std::uint64_t min,
                                    std::uint64_t max) const {
  const auto it = values.find(name);
  if (it == values.end()) return fallback;
  const std::string& s = it->second;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max)
    throw usage_error(std::string(name) + " takes a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not '" + s + "'");
  return v;
}

parsed_args parse_args(const std::vector<std::string>& args, const std::vector<option_spec>& spec,
                       std::size_t max_positionals) {
  parsed_args out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a == "-" || a.size() < 2 || a[0] != '-') {
      out.positionals.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    const std::size_t eq = a.find('=');
    const std::string name = a.substr(0, eq);
    const option_spec* found = nullptr;
    for (const option_spec& o : spec)
      if (o.name == name) found = &o;
    if (found == nullptr) throw usage_error("unknown option '" + name + "'");
    if (out.has(name)) throw usage_error(name + " is given twice");
    if (!found->takes_value) {
      if (eq != std::string::npos) throw usage_error(name + " takes no value");
      out.values.emplace(name, "");
    } else if (eq != std::string::npos) {
      out.values.emplace(name, a.substr(eq + 1));
    } else {
      if (i + 1 >= args.size()) throw usage_error(name + " needs a value");
      out.values.emplace(name, args[++i]);
    }
  }
  if (out.positionals.size() > max_positionals)
    throw usage_error(max_positionals == 0 ? "unexpected argument '" + out.positionals[0] + "'"
                                           : "unexpected argument '" + out.positionals[max_positionals] + "'");
  return out;
}

std::vector<std::string> parse_key_names(std::string_view text, std::string_view option) {
  std::vector<std::string> out;
  for (std::string_view part : split_commas(text)) {
    if (part.empty() || part.find(':') != std::string_view::npos)
      throw usage_error(std::string(option) + " takes PK or PK,SK (attribute names), not '" + std::string(text) + "'");
    out.emplace_back(part);
  }
  if (out.size() > 2) throw usage_error(std::string(option) + " takes at most two names (partition and sort key)");
  if (out.size() == 2 && out[0] == out[1]) throw usage_error(std::string(option) + " names the same attribute twice");
  return out;
}

std::vector<key_attribute> parse_key_attributes(std::string_view text, std::string_view option, bool type_required) {
  const std::string form = type_required ? "PK:S|N|B[,SK:S|N|B]" : "PK[:S|N|B][,SK[:S|N|B]]";
  std::vector<key_attribute> out;
  for (std::string_view part : split_commas(text)) {
    const std::size_t colon = part.find(':');
    key_attribute k;
    k.name = std::string(part.substr(0, colon));
    if (k.name.empty()) throw usage_error(std::string(option) + " takes " + form + ", not '" + std::string(text) + "'");
    if (colon == std::string_view::npos) {
      if (type_required) throw usage_error(std::string(option) + ": give the type of '" + k.name + "' (" + form + ")");
    } else {
      const std::string_view t = part.substr(colon + 1);
      if (t == "S") k.type = key_type::S;
      else if (t == "N") k.type = key_type::N;
      else if (t == "B") k.type = key_type::B;
      else
        throw usage_error(std::string(option) + ": the type of '" + k.name + "' is S, N or B, not '" + std::string(t) +
                          "'");
    }
    out.push_back(std::move(k));
  }
  if (out.size() > 2) throw usage_error(std::string(option) + " takes at most two keys (partition and sort key)");
  if (out.size() == 2 && out[0].name == out[1].name)
    throw usage_error(std::string(option) + " names the same attribute twice");
  return out;
}

}  // namespace dynasio::cli
