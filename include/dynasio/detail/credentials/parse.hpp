//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CREDENTIALS_PARSE_HPP
#define DYNASIO_DETAIL_CREDENTIALS_PARSE_HPP

// Sans-io pieces of the credential providers: every text the providers read (environment, shared
// files, JSON and XML replies, process output) is parsed here, so tests need no server.
// Failures throw dynasio::error (protocol_error for replies, invalid_configuration for settings).

#include <dynasio/detail/config.hpp>
#include <dynasio/detail/credentials_value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio::detail {

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`; nullopt for anything else.
DYNASIO_DECL std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

/// One section of a shared file: key -> value (keys lower-cased, values trimmed).
using ini_section = std::map<std::string, std::string, std::less<>>;
/// Sections by their header text (`default`, `profile dev`, `sso-session corp`).
using ini_file = std::map<std::string, ini_section, std::less<>>;

/// Parses an AWS shared file. Comments (`#`, `;`) and indented sub-keys (`s3 =` blocks) are skipped.
DYNASIO_DECL ini_file parse_ini(std::string_view text);

/// The profile `name` from both files: the config file's `[profile name]` (or `[default]`), with
/// the credentials file's `[name]` winning key by key. nullopt when neither has it.
DYNASIO_DECL std::optional<ini_section> find_profile(const ini_file& config, const ini_file& creds,
                                                     std::string_view name);

/// Where a JSON credentials document came from: the fields and rules differ a little.
enum class json_creds_source { imds, container, process, sso };

/// Parses the credentials JSON of IMDS, a container endpoint, a `credential_process` or SSO
/// `GetRoleCredentials`; throws errc::protocol_error naming `who` and the missing field.
DYNASIO_DECL credentials parse_json_credentials(std::string_view body, json_creds_source source, std::string_view who);

/// An STS reply: keys on success, or the `<Error>` code and message.
struct sts_reply {
  bool ok = false;
  credentials creds;
  std::string code;
  std::string message;
  std::string request_id;
};

/// Parses an STS query-protocol reply (`<XResponse><XResult><Credentials>...` or
/// `<ErrorResponse>`). A success without all four credential fields throws errc::protocol_error.
DYNASIO_DECL sts_reply parse_sts_reply(std::string_view xml);

/// `application/x-www-form-urlencoded` body of `pairs` (values percent-encoded, space as %20).
DYNASIO_DECL std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs);

/// The account id (5th `:` part) of an ARN; empty when it has none.
DYNASIO_DECL std::string account_from_arn(std::string_view arn);

/// A URL split for an HTTP request: `scheme://authority` and the request target (`/` at least).
struct split_url_result {
  std::string origin;
  std::string host;
  std::string target;
  bool https = false;
};

/// Splits `http[s]://authority[/path[?query]]`; throws errc::invalid_configuration naming `what`.
DYNASIO_DECL split_url_result split_url(std::string_view url, std::string_view what);

/// Why `AWS_CONTAINER_CREDENTIALS_FULL_URI` may not be used (empty when it may): plain http only
/// to loopback, 169.254.170.2, 169.254.170.23, fd00:ec2::23 or localhost.
DYNASIO_DECL std::string container_uri_problem(std::string_view uri);

/// The IMDS base URL from `AWS_EC2_METADATA_SERVICE_ENDPOINT` and `..._ENDPOINT_MODE`; an
/// explicit endpoint wins; an unknown mode throws errc::invalid_configuration.
DYNASIO_DECL std::string imds_endpoint(const std::optional<std::string>& endpoint,
                                       const std::optional<std::string>& mode);

/// The STS endpoint: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` (both unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else `https://sts.<region>.amazonaws.com`
/// (`.amazonaws.com.cn` for `cn-` regions).
DYNASIO_DECL std::string sts_endpoint(std::string_view region, const std::optional<std::string>& sts_url,
                                      const std::optional<std::string>& any_url, bool ignore_configured);

/// Splits a command line into arguments the way a POSIX shell would for plain words: blanks
/// separate, single quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash
/// escapes the next character. No expansion of any kind. Unbalanced quotes throw.
DYNASIO_DECL std::vector<std::string> split_command_line(std::string_view line);

/// True for `true` in any case.
DYNASIO_DECL bool is_true(const std::optional<std::string>& value);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/credentials/parse.ipp>
#endif

#endif
