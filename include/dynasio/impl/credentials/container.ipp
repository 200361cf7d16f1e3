//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_CONTAINER_IPP
#define DYNASIO_IMPL_CREDENTIALS_CONTAINER_IPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/credentials/http_fetch.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/error.hpp>

#include <boost/json/parse.hpp>

namespace dynasio {
namespace detail {

// `{"code","message"}` (or capitalised) of a container endpoint's error reply, if any.
inline std::string container_error_text(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  std::string out;
  for (std::string_view key : {"code", "Code", "message", "Message"}) {
    auto it = v.get_object().find(key);
    if (it != v.get_object().end() && it->value().is_string())
      out += (out.empty() ? "" : ": ") + std::string(it->value().get_string());
  }
  return out;
}

inline boost::asio::awaitable<credentials> container_fetch(provider_options opts) {
  std::string url;
  if (auto rel = provider_getenv(opts, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = "http://" + opts.container_host + (rel->starts_with('/') ? "" : "/") + *rel;
  } else if (auto full = provider_getenv(opts, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    if (std::string why = container_uri_problem(*full); !why.empty()) throw error(errc::invalid_configuration, why);
    url = *full;
  } else {
    throw error(errc::no_credentials,
                "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
  }
  // Read at every fetch: EKS Pod Identity rotates the token file.
  std::optional<std::string> token;
  if (auto file = provider_getenv(opts, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    token = read_whole_file(*file);
    if (!token) throw error(errc::invalid_configuration, "container credentials: cannot read the token file " + *file);
    while (!token->empty() && token->back() == '\n') token->pop_back();
  } else {
    token = provider_getenv(opts, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token && token->find_first_of("\r\n") != std::string::npos)
    throw error(errc::invalid_configuration, "container credentials: the authorization token contains CR or LF");
  const std::string who = "container endpoint " + url;
  for (unsigned attempt = 1;; ++attempt) {
    fetch_request req;
    req.url = url;
    req.timeout = opts.http_timeout;
    req.headers.emplace_back("Accept", "application/json");
    if (token && !token->empty()) req.headers.emplace_back("Authorization", *token);
    std::optional<error> failure;
    bool retry = false;
    try {
      fetch_response res = co_await http_fetch(req);
      if (res.status / 100 == 2) {
        co_return parse_json_credentials(res.body, json_creds_source::container, who);
      }
      std::string text = container_error_text(res.body);
      failure = error(errc::protocol_error,
                      who + " answered HTTP " + std::to_string(res.status) + (text.empty() ? "" : ": " + text));
      retry = res.status >= 500 || res.status == 429;
    } catch (const error& e) {
      failure = e;
      retry = is_network_failure(e.code()) || e.code() == errc::protocol_error;
    }
    if (!retry || attempt >= opts.http_attempts) throw *failure;
    co_await provider_backoff(attempt);
  }
}

}  // namespace detail

DYNASIO_DECL credentials_provider container_credentials(provider_options opts) {
  return credentials_provider("container", [opts = std::move(opts)] { return detail::container_fetch(opts); });
}

}  // namespace dynasio

#endif
