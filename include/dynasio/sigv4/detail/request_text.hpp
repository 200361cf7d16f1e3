//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_DETAIL_REQUEST_TEXT_HPP
#define DYNASIO_SIGV4_DETAIL_REQUEST_TEXT_HPP

// Raw HTTP/1.1 request text as the AWS SigV4 test suites write it, for the dynasio-sigv4 tool
// and the table-driven tests. Not used by the client, which builds requests with Beast.

#include <dynasio/error.hpp>
#include <dynasio/sigv4/http_request.hpp>

#include <string>
#include <string_view>

namespace dynasio::sigv4::detail {

/// How a signed request is written back as text; the two suites differ in small ways.
enum class request_text_style {
  /// aws-sig-v4-test-suite `.sreq`: `Authorization: ` with a space, body only when non-empty.
  classic,
  /// aws-c-auth `header-signed-request.txt`: every line ends in a newline, then a blank line.
  crt,
};

/**
 * Parses `METHOD SP target SP version`, header lines (a line starting with a space or tab
 * continues the previous value and is kept in it, newline included), an empty line and the
 * body. Lines end in LF. The target may itself contain spaces: the request line is split at
 * its first and last space.
 */
inline http_request parse_request_text(std::string_view text) {
  const auto bad = [](const char* what) { return dynasio::error(errc::invalid_argument, what); };
  http_request req;
  std::size_t head_end = text.find("\n\n");
  std::string_view head = text.substr(0, head_end);
  if (head_end != std::string_view::npos) req.body.assign(text.substr(head_end + 2));
  std::size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    std::size_t eol = head.find('\n', pos);
    if (eol == std::string_view::npos) eol = head.size();
    std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      const std::size_t sp1 = line.find(' ');
      const std::size_t sp2 = line.rfind(' ');
      if (sp1 == std::string_view::npos || sp2 == sp1) throw bad("request line is not METHOD TARGET VERSION");
      req.method.assign(line.substr(0, sp1));
      req.target.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
      first = false;
    } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      if (req.headers.empty()) throw bad("a continuation line precedes every header");
      req.headers.back().value.append("\n").append(line);
    } else if (!line.empty()) {
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) throw bad("a header line has no name or colon");
      std::string_view value = line.substr(colon + 1);
      // The classic layout writes "Authorization: " (format_request_text): read its one space back.
      if (line.substr(0, colon) == "Authorization" && value.starts_with(' ')) value.remove_prefix(1);
      req.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
  }
  if (first) throw bad("empty request");
  return req;
}

/// Writes a (signed) request back as text in the layout of one of the suites.
inline std::string format_request_text(const http_request& req, request_text_style style) {
  std::string out;
  out.append(req.method).append(" ").append(req.target).append(" HTTP/1.1");
  for (const auto& h : req.headers) {
    out.append("\n").append(h.name);
    out.append(style == request_text_style::classic && h.name == "Authorization" ? ": " : ":");
    out.append(h.value);
  }
  if (style == request_text_style::crt) out.append("\n\n").append(req.body);
  else if (!req.body.empty()) out.append("\n\n").append(req.body);
  return out;
}

}  // namespace dynasio::sigv4::detail

#endif
