#include "line_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace dynasio::cli {
namespace {

constexpr std::size_t chunk = 256 * 1024;

gzFile as_gz(void* p) noexcept { return static_cast<gzFile>(p); }

}  // namespace

line_reader::line_reader(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
  const int fd = path == "-" ? ::dup(0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + name_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) total_ = static_cast<std::uint64_t>(st.st_size);
  gz_ = ::gzdopen(fd, "rb");
  if (gz_ == nullptr) {
    ::close(fd);
    throw std::runtime_error("cannot read " + name_ + ": out of memory");
  }
  ::gzbuffer(as_gz(gz_), chunk);
}

line_reader::~line_reader() {
  if (gz_ != nullptr) ::gzclose(as_gz(gz_));
}

std::uint64_t line_reader::bytes_read() const noexcept {
  const auto off = ::gzoffset(as_gz(gz_));
  return off < 0 ? 0 : static_cast<std::uint64_t>(off);
}

bool line_reader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    buf_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old = buf_.size();
  buf_.resize(old + chunk);
  const int n = ::gzread(as_gz(gz_), buf_.data() + old, static_cast<unsigned>(chunk));
  if (n < 0) {
    int code = 0;
    const char* msg = ::gzerror(as_gz(gz_), &code);
    throw std::runtime_error("cannot read " + name_ + ": " + (code == Z_ERRNO ? std::strerror(errno) : msg));
  }
  buf_.resize(old + static_cast<std::size_t>(n));
  if (n == 0) {
    eof_ = true;
    // A truncated gzip stream reads as a short file: say so rather than load half of it.
    int code = 0;
    const char* msg = ::gzerror(as_gz(gz_), &code);
    if (code != Z_OK && code != Z_STREAM_END) throw std::runtime_error("cannot read " + name_ + ": " + msg);
    return false;
  }
  return true;
}

bool line_reader::next(std::string_view& line) {
  for (;;) {
    const std::size_t nl = buf_.find('\n', begin_);
    if (nl != std::string::npos) {
      std::size_t end = nl;
      if (end > begin_ && buf_[end - 1] == '\r') --end;
      line = std::string_view(buf_).substr(begin_, end - begin_);
      begin_ = nl + 1;
      ++line_no_;
      return true;
    }
    if (!fill()) break;
  }
  if (begin_ >= buf_.size()) return false;
  // The last line has no newline.
  std::size_t end = buf_.size();
  if (buf_[end - 1] == '\r') --end;
  last_.assign(buf_, begin_, end - begin_);
  begin_ = buf_.size();
  line = last_;
  ++line_no_;
  return true;
}

}  // namespace dynasio::cli
