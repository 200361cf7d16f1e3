//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_PROCESS_IPP
#define DYNASIO_IMPL_CREDENTIALS_PROCESS_IPP

#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace dynasio::detail {

namespace process_detail {
constexpr std::size_t output_limit = 1u << 20;

inline boost::asio::awaitable<void> read_all(boost::asio::posix::stream_descriptor& in, std::string& out,
                                             bool& overflow) {
  boost::system::error_code ec;
  co_await boost::asio::async_read(in, boost::asio::dynamic_buffer(out, output_limit),
                                   boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  overflow = !ec && out.size() >= output_limit;
}

// Closes both ends of a pipe on scope exit unless released.
struct fd_pair {
  int fd[2] = {-1, -1};
  ~fd_pair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
};
// Cancelled mid-run: kill and reap the child so no zombie is left.
struct reaper {
  pid_t pid;
  bool reaped = false;
  ~reaper() {
    if (!reaped) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
};
}  // namespace process_detail

DYNASIO_DECL boost::asio::awaitable<std::string> run_credential_process(std::string command_line,
                                                                        std::chrono::milliseconds timeout) {
  namespace asio = boost::asio;
  using namespace process_detail;
  const std::vector<std::string> args = split_command_line(command_line);
  if (args.empty()) throw error(errc::invalid_configuration, "credential_process is empty");
  const std::string who = "credential_process '" + args[0] + "'";
  fd_pair out, err;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0)
    throw error(errc::no_credentials, who + ": pipe failed: " + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Its own process group, so a timeout kills what it started too (a script's children hold
  // the output pipe open).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  // posix_spawnp: no shell, so nothing in the line is expanded or interpreted.
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw error(errc::invalid_configuration, who + ": cannot start: " + std::strerror(rc));
  ::close(out.fd[1]);
  ::close(err.fd[1]);
  out.fd[1] = err.fd[1] = -1;

  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor sout(ex, out.fd[0]), serr(ex, err.fd[0]);
  out.fd[0] = err.fd[0] = -1;
  std::string stdout_text, stderr_text;
  bool out_overflow = false, err_overflow = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  asio::steady_timer timer(ex, deadline);
  // Kills the child when the deadline passes while its output is still open.
  bool timed_out = false;
  timer.async_wait([&, pid](const boost::system::error_code& ec) {
    if (ec) return;
    timed_out = true;
    ::kill(-pid, SIGKILL);
  });
  reaper guard{pid};
  co_await read_all(sout, stdout_text, out_overflow);
  co_await read_all(serr, stderr_text, err_overflow);
  int status = 0;
  // Output closed; the child is exiting. Poll briefly rather than block the thread in waitpid.
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline && !timed_out) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    asio::steady_timer pause(ex, std::chrono::milliseconds(2));
    co_await pause.async_wait(asio::use_awaitable);
  }
  guard.reaped = true;
  timer.cancel();
  if (timed_out) throw error(errc::timeout, who + ": killed after " + std::to_string(timeout.count()) + " ms");
  if (out_overflow) throw error(errc::protocol_error, who + ": output larger than 1 MiB");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!stderr_text.empty() && (stderr_text.back() == '\n' || stderr_text.back() == '\r')) stderr_text.pop_back();
    if (stderr_text.size() > 1000) stderr_text.resize(1000);
    throw error(errc::invalid_configuration,
                who +
                    (WIFEXITED(status) ? " exited with status " + std::to_string(WEXITSTATUS(status))
                                       : " was killed by signal " + std::to_string(WTERMSIG(status))) +
                    (stderr_text.empty() ? "" : ": " + stderr_text));
  }
  co_return stdout_text;
}

}  // namespace dynasio::detail

#endif
