//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_HTTP_REPLY_HPP
#define DYNASIO_DETAIL_TRANSPORT_HTTP_REPLY_HPP

#include <dynasio/detail/config.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/**
 * A reply as http_conn reads it: the status line, the header fields as they came (a chunked
 * body's trailer fields after them), and the body. The fields' text and their offsets are two
 * buffers an exchange clears without freeing, so a call's retries reuse them.
 */
class http_reply {
 public:
  struct field_view {
    std::string_view name;
    std::string_view value;
  };

  unsigned status() const noexcept { return status_; }
  std::string_view reason() const noexcept { return reason_; }
  /// The value of the first field named `name` (ASCII case-insensitive); nullopt when absent.
  DYNASIO_DECL std::optional<std::string_view> field(std::string_view name) const noexcept;
  std::size_t field_count() const noexcept { return fields_.size(); }
  /// Field `i`, in the order received.
  field_view field_at(std::size_t i) const noexcept {
    const field_span& f = fields_[i];
    return {std::string_view(text_).substr(f.at, f.name_size),
            std::string_view(text_).substr(f.at + f.name_size, f.value_size)};
  }
  const std::string& body() const noexcept { return body_; }
  std::string& body() noexcept { return body_; }

 private:
  friend class http_reply_parser;
  struct field_span {
    std::size_t at;
    std::size_t name_size;
    std::size_t value_size;
  };
  void clear() noexcept {
    status_ = 0;
    reason_.clear();
    text_.clear();
    fields_.clear();
    body_.clear();
  }

  unsigned status_ = 0;
  std::string reason_;
  // Every field's name then value, back to back; fields_ says where each starts.
  std::string text_;
  std::vector<field_span> fields_;
  std::string body_;
};

/**
 * HTTP/1.1 reply framing as a sans-io parser (RFC 9112): the caller hands it the bytes it has
 * read, it takes what it can into an http_reply and says how many it took; the caller passes the
 * rest again, followed by what it reads next. It knows no socket, so a test feeds it any split of
 * any input.
 *
 * - The header (status line and fields) is parsed once it is all there, at most header_limit
 *   bytes, so the fields are scanned once however the reply is split. Lines end in CRLF; an
 *   obsolete folded line is joined to its field with a space (RFC 9112 section 5.2).
 * - The body: none after 1xx (an interim reply is dropped and the next one read), 204 and 304;
 *   else chunked when the last transfer coding is `chunked`; else Content-Length (repeats must
 *   agree); else it runs to the end of the connection (end_of_input()). At most body_limit bytes.
 * - keep_alive(): HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `keep-alive`; never
 *   after a body that ran to the close or a header with both Transfer-Encoding and
 *   Content-Length.
 * - Errors are boost::beast::http::error codes (bad_status, bad_field, header_limit, ...), which
 *   is_retryable() and call_fsm already classify: end_of_stream when the connection closed
 *   before any byte of the reply, partial_message when it closed within one.
 */
class http_reply_parser {
 public:
  static constexpr std::size_t header_limit = 16 * 1024;

  /// Clears `reply` (keeping its memory) and reads the next reply into it.
  DYNASIO_DECL http_reply_parser(http_reply& reply, std::size_t body_limit);

  /// Stop after the header: a CONNECT reply has no body, its tunnel starts right after.
  void header_only() noexcept { header_only_ = true; }

  /// Takes what it can of `data` and returns how many bytes it took; `ec` is set for a
  /// malformed reply (the parser is then done with it). Bytes not taken are part of the reply
  /// (or of whatever follows it, once done()): pass them again with the next ones.
  DYNASIO_DECL std::size_t feed(std::string_view data, boost::system::error_code& ec);

  /// The connection ended: completes a body that runs to the close; otherwise sets `ec`.
  DYNASIO_DECL void end_of_input(boost::system::error_code& ec) noexcept;

  bool done() const noexcept { return phase_ == phase::done; }
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  enum class phase : std::uint8_t { header, length_body, close_body, chunk_size, chunk_data, chunk_end, trailer, done };

  // Parses one complete header block (the status line, the fields, and the empty line).
  DYNASIO_DECL void parse_header(std::string_view block, boost::system::error_code& ec);
  // Parses field lines (each ending in CRLF) into the reply; `trailer` skips their meaning.
  DYNASIO_DECL void parse_fields(std::string_view lines, bool trailer, boost::system::error_code& ec);
  DYNASIO_DECL void take_body(std::string_view bytes, boost::system::error_code& ec);

  http_reply& reply_;
  std::size_t body_limit_;
  std::uint64_t remaining_ = 0;  // of a Content-Length body or of the current chunk
  std::size_t scanned_ = 0;      // bytes of an incomplete header already searched for its end
  phase phase_ = phase::header;
  bool header_only_ = false;
  bool keep_alive_ = false;
  // Bytes of a reply seen (taken or waiting for more): partial_message, not end_of_stream.
  bool started_ = false;
  // The semantics of the header's fields, gathered as they are parsed.
  bool http10_ = false;
  bool close_ = false;
  bool keep_alive_token_ = false;
  bool chunked_ = false;
  bool transfer_encoding_ = false;
  std::optional<std::uint64_t> content_length_;
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/transport/http_reply.ipp>
#endif

#endif
