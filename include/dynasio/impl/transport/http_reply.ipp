//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TRANSPORT_HTTP_REPLY_IPP
#define DYNASIO_IMPL_TRANSPORT_HTTP_REPLY_IPP

#include <dynasio/detail/transport/http_reply.hpp>
#include <dynasio/sigv4/detail/canonical.hpp>

#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dynasio::detail {

namespace http_syntax {

using boost::beast::http::error;
using sigv4::detail::iequals;

// tchar of RFC 9110 section 5.6.2: what a field name is made of.
inline constexpr std::array<bool, 256> token_char = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

inline bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

// Field values and reasons: visible characters, obs-text, spaces and tabs; no other control.
// With SSE2 (every x86-64), sixteen bytes at a time: a byte below 0x20 is found by a signed
// compare after flipping the high bit (so that obs-text, 0x80 and up, stays above), then tabs
// are let through and DEL caught.
inline bool is_text(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const __m128i space = _mm_set1_epi8(static_cast<char>(0x20 ^ 0x80));
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i del = _mm_set1_epi8(0x7F);
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i control = _mm_andnot_si128(_mm_cmpeq_epi8(x, tab), _mm_cmplt_epi8(_mm_xor_si128(x, flip), space));
    if (_mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(x, del))) != 0) return false;
  }
#endif
  for (; i < n; ++i)
    if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7F) return false;
  return true;
}

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// Calls f(token) for each element of a comma-separated list, trimmed, empty ones skipped.
template <class F>
void for_each_element(std::string_view list, F f) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim(list.substr(0, comma));
    if (!element.empty()) f(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

inline bool parse_decimal(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = v;
  return true;
}

// Longest chunk-size line taken (the size and any extensions): past this, the reply is refused.
inline constexpr std::size_t max_chunk_line = 4096;

}  // namespace http_syntax

DYNASIO_DECL std::optional<std::string_view> http_reply::field(std::string_view name) const noexcept {
  for (const field_span& f : fields_)
    if (http_syntax::iequals(std::string_view(text_.data() + f.at, f.name_size), name))
      return std::string_view(text_.data() + f.at + f.name_size, f.value_size);
  return std::nullopt;
}

DYNASIO_DECL http_reply_parser::http_reply_parser(http_reply& reply, std::size_t body_limit)
    : reply_(reply), body_limit_(body_limit) {
  reply_.clear();
  // A DynamoDB reply's fields take about 200 bytes in about 7 fields: one allocation each
  // rather than a doubling per field.
  reply_.text_.reserve(512);
  reply_.fields_.reserve(16);
}

DYNASIO_DECL std::size_t http_reply_parser::feed(std::string_view data, boost::system::error_code& ec) {
  using http_syntax::error;
  std::size_t used = 0;
  if (!data.empty()) started_ = true;
  while (phase_ != phase::done && used < data.size()) {
    const std::string_view in = data.substr(used);
    switch (phase_) {
      case phase::header:
      case phase::trailer: {
        // A trailer section may be empty: the chunked body then ends with a bare CRLF.
        if (phase_ == phase::trailer) {
          if (in.size() < 2) return used;
          if (in[0] == '\r' && in[1] == '\n') {
            used += 2;
            phase_ = phase::done;
            break;
          }
        }
        // Search on from where the last call stopped, less the three bytes a split "\r\n\r\n"
        // may have left at the end.
        const std::size_t end = in.find("\r\n\r\n", scanned_ >= 3 ? scanned_ - 3 : 0);
        if (end == std::string_view::npos || end + 4 > header_limit) {
          if (in.size() > header_limit || end != std::string_view::npos) {
            ec = error::header_limit;
            phase_ = phase::done;
          }
          scanned_ = in.size();
          return used;
        }
        scanned_ = 0;
        if (phase_ == phase::header) parse_header(in.substr(0, end + 2), ec);
        else parse_fields(in.substr(0, end + 2), true, ec);
        used += end + 4;
        if (ec) phase_ = phase::done;
        else if (phase_ == phase::trailer) phase_ = phase::done;
        break;
      }
      case phase::length_body:
      case phase::chunk_data: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
        reply_.body_.append(in.data(), n);
        used += n;
        remaining_ -= n;
        if (remaining_ == 0) phase_ = phase_ == phase::length_body ? phase::done : phase::chunk_end;
        break;
      }
      case phase::close_body:
        take_body(in, ec);
        used += in.size();
        if (ec) phase_ = phase::done;
        break;
      case phase::chunk_end:
        if (in.size() < 2) return used;
        if (in[0] != '\r' || in[1] != '\n') {
          ec = error::bad_chunk;
          phase_ = phase::done;
          return used;
        }
        used += 2;
        phase_ = phase::chunk_size;
        break;
      case phase::chunk_size: {
        const std::size_t eol = in.find("\r\n");
        if (eol == std::string_view::npos || eol > http_syntax::max_chunk_line) {
          // (A longest line may wait for the LF of its CRLF.)
          if (eol != std::string_view::npos || in.size() > http_syntax::max_chunk_line + 1) {
            ec = error::bad_chunk;
            phase_ = phase::done;
          }
          return used;
        }
        const std::string_view line = in.substr(0, eol);
        std::uint64_t size = 0;
        std::size_t i = 0;
        for (; i < line.size(); ++i) {
          const char c = line[i];
          unsigned digit;
          if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
          else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
          else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
          else break;
          if (size > (UINT64_MAX >> 4)) {
            ec = error::bad_chunk;
            phase_ = phase::done;
            return used;
          }
          size = (size << 4) | digit;
        }
        // Extensions (`;name=value`, after optional whitespace) carry nothing we use.
        std::size_t j = i;
        while (j < line.size() && http_syntax::is_ows(line[j])) ++j;
        const bool rest_ok = j == line.size() || (line[j] == ';' && http_syntax::is_text(line.substr(j)));
        if (i == 0 || !rest_ok) {
          ec = i == 0 ? error::bad_chunk : error::bad_chunk_extension;
          phase_ = phase::done;
          return used;
        }
        if (size > body_limit_ - std::min(body_limit_, reply_.body_.size())) {
          ec = error::body_limit;
          phase_ = phase::done;
          return used;
        }
        used += eol + 2;
        remaining_ = size;
        phase_ = size == 0 ? phase::trailer : phase::chunk_data;
        break;
      }
      case phase::done: break;
    }
  }
  return used;
}

DYNASIO_DECL void http_reply_parser::end_of_input(boost::system::error_code& ec) noexcept {
  using http_syntax::error;
  if (phase_ == phase::done) return;
  if (phase_ == phase::close_body) {
    phase_ = phase::done;
    return;
  }
  ec = started_ ? error::partial_message : error::end_of_stream;
  phase_ = phase::done;
}

DYNASIO_DECL void http_reply_parser::take_body(std::string_view bytes, boost::system::error_code& ec) {
  if (bytes.size() > body_limit_ - std::min(body_limit_, reply_.body_.size())) {
    ec = http_syntax::error::body_limit;
    return;
  }
  reply_.body_.append(bytes.data(), bytes.size());
}

DYNASIO_DECL void http_reply_parser::parse_header(std::string_view block, boost::system::error_code& ec) {
  using http_syntax::error;
  // The status line: HTTP/1.x SP 3DIGIT SP reason (the reason may be empty, its space too).
  const std::size_t eol = block.find("\r\n");
  const std::string_view line = block.substr(0, eol);
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[7] < '0' || line[7] > '9' || line[8] != ' ') {
    ec = error::bad_version;
    return;
  }
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(line[9]) || !digit(line[10]) || !digit(line[11]) || line[9] == '0' ||
      (line.size() > 12 && line[12] != ' ')) {
    ec = error::bad_status;
    return;
  }
  const std::string_view reason = line.size() > 12 ? line.substr(13) : std::string_view();
  if (!http_syntax::is_text(reason)) {
    ec = error::bad_reason;
    return;
  }
  const unsigned status = static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
  reply_.status_ = status;
  reply_.reason_.assign(reason.data(), reason.size());
  http10_ = line[7] == '0';
  close_ = keep_alive_token_ = chunked_ = transfer_encoding_ = false;
  content_length_.reset();
  parse_fields(block.substr(eol + 2), false, ec);
  if (ec) return;

  if (status / 100 == 1 && status != 101) {
    // An interim reply (100 Continue, 103 Early Hints): the final one follows.
    reply_.clear();
    phase_ = phase::header;
    return;
  }
  keep_alive_ = http10_ ? keep_alive_token_ && !close_ : !close_;
  // HTTP/1.0 has no Transfer-Encoding: such framing is faulty, so the connection closes after it
  // (RFC 9112 section 6.1). After a 101 the connection would no longer speak HTTP/1.1 (nothing
  // here asks for an upgrade).
  if ((http10_ && transfer_encoding_) || status == 101) keep_alive_ = false;
  if (header_only_ || status / 100 == 1 || status == 204 || status == 304) {
    phase_ = phase::done;
  } else if (transfer_encoding_) {
    // Transfer-Encoding overrides Content-Length; a reply with both is not trusted further.
    if (content_length_) keep_alive_ = false;
    if (chunked_) {
      phase_ = phase::chunk_size;
    } else {
      phase_ = phase::close_body;
      keep_alive_ = false;
    }
  } else if (content_length_) {
    if (*content_length_ > body_limit_) {
      ec = error::body_limit;
      return;
    }
    remaining_ = *content_length_;
    reply_.body_.reserve(static_cast<std::size_t>(remaining_));
    phase_ = remaining_ == 0 ? phase::done : phase::length_body;
  } else {
    phase_ = phase::close_body;
    keep_alive_ = false;
  }
}

DYNASIO_DECL void http_reply_parser::parse_fields(std::string_view lines, bool trailer, boost::system::error_code& ec) {
  using http_syntax::error;
  const std::size_t first = reply_.fields_.size();
  const char* p = lines.data();
  const char* const end = p + lines.size();
  while (p != end) {
    // Every line of the block ends in CRLF: the first LF ends this line, and a CR must come
    // before it.
    const char* lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (lf == p || lf[-1] != '\r') {
      ec = error::bad_value;  // a bare LF inside a field
      return;
    }
    const char* const eol = lf - 1;
    if (http_syntax::is_ows(*p)) {
      // obs-fold: the line continues the field before it, joined with one space.
      const std::string_view more = http_syntax::trim(std::string_view(p, static_cast<std::size_t>(eol - p)));
      if (reply_.fields_.size() == first || !http_syntax::is_text(more)) {
        ec = error::bad_value;
        return;
      }
      if (!more.empty()) {
        reply_.text_.append(1, ' ').append(more.data(), more.size());
        reply_.fields_.back().value_size += 1 + more.size();
      }
      p = lf + 1;
      continue;
    }
    // The name: token characters up to the colon.
    const char* q = p;
    while (q != eol && http_syntax::token_char[static_cast<unsigned char>(*q)]) ++q;
    if (q == p || q == eol || *q != ':') {
      ec = error::bad_field;
      return;
    }
    const std::string_view name(p, static_cast<std::size_t>(q - p));
    const std::string_view value = http_syntax::trim(std::string_view(q + 1, static_cast<std::size_t>(eol - q - 1)));
    if (!http_syntax::is_text(value)) {
      ec = error::bad_value;
      return;
    }
    reply_.fields_.push_back({reply_.text_.size(), name.size(), value.size()});
    reply_.text_.append(name.data(), name.size()).append(value.data(), value.size());
    p = lf + 1;
  }
  if (trailer) return;  // a trailer may not frame the message (RFC 9110 section 6.5.1)
  for (std::size_t i = first; i < reply_.fields_.size(); ++i) {
    const http_reply::field_view f = reply_.field_at(i);
    if (http_syntax::iequals(f.name, "content-length")) {
      bool ok = true;
      http_syntax::for_each_element(f.value, [&](std::string_view v) {
        std::uint64_t n = 0;
        if (!http_syntax::parse_decimal(v, n) || (content_length_ && *content_length_ != n)) ok = false;
        else content_length_ = n;
      });
      if (!ok || !content_length_) {
        ec = error::bad_content_length;
        return;
      }
    } else if (http_syntax::iequals(f.name, "transfer-encoding")) {
      transfer_encoding_ = true;
      // The last coding of the last Transfer-Encoding field says whether the body is chunked.
      chunked_ = false;
      http_syntax::for_each_element(f.value, [&](std::string_view coding) {
        chunked_ = http_syntax::iequals(http_syntax::trim(coding.substr(0, coding.find(';'))), "chunked");
      });
    } else if (http_syntax::iequals(f.name, "connection")) {
      http_syntax::for_each_element(f.value, [&](std::string_view option) {
        if (http_syntax::iequals(option, "close")) close_ = true;
        else if (http_syntax::iequals(option, "keep-alive")) keep_alive_token_ = true;
      });
    }
  }
}

}  // namespace dynasio::detail

#endif
