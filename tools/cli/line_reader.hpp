// Reads a file or standard input line by line; gzip input (by its magic bytes, so a `.gz`
// file or a gzip stream on stdin) is decompressed transparently.

#ifndef DYNASIO_TOOLS_CLI_LINE_READER_HPP
#define DYNASIO_TOOLS_CLI_LINE_READER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dynasio::cli {

class line_reader {
 public:
  /// Opens `path`, or standard input for "-". Throws std::runtime_error naming the file.
  explicit line_reader(const std::string& path);
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;
  ~line_reader();

  /// The next line without its "\n" (or "\r\n"); false at the end. The view stays valid until
  /// the next call. Throws std::runtime_error on a read or decompression error.
  bool next(std::string_view& line);

  /// 1-based number of the line last returned.
  std::uint64_t line_number() const noexcept { return line_no_; }
  /// Bytes of the file consumed so far (compressed bytes for gzip input).
  std::uint64_t bytes_read() const noexcept;
  /// The file's size when it is a regular file.
  std::optional<std::uint64_t> total_bytes() const noexcept { return total_; }
  /// "FILE", or "<stdin>".
  const std::string& name() const noexcept { return name_; }

 private:
  bool fill();

  void* gz_ = nullptr;
  std::string name_;
  std::optional<std::uint64_t> total_;
  std::string buf_;
  std::size_t begin_ = 0;
  bool eof_ = false;
  std::uint64_t line_no_ = 0;
  std::string last_;
};

}  // namespace dynasio::cli

#endif
