//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PAGER_IPP
#define DYNASIO_IMPL_PAGER_IPP

#include <dynasio/pager.hpp>
#include <dynasio/table.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>

namespace dynasio {
namespace detail {

// From a parallel scan's worker: a page, the worker's error, or (neither) the worker is done.
struct pager_message {
  std::exception_ptr error;
  std::optional<dynasio::page> page;
};

using pager_channel = boost::asio::experimental::channel<void(boost::system::error_code, pager_message)>;

struct pager_state {
  pager_state(dynasio::table tbl, bool query) : t(std::move(tbl)), is_query(query) {}

  dynasio::table t;
  bool is_query;
  query_options q;
  scan_options s;
  bool done = false;
  // A parallel scan: workers take segments in order and hand over one page at a time.
  std::unique_ptr<pager_channel> channel;
  std::int32_t next_segment = 0;
  std::int32_t workers = 0;
  std::int32_t finished = 0;

  bool parallel() const { return !is_query && !s.segment && s.total_segments.value_or(1) > 1; }
};

// Sends `m`; false when the pager is gone (the channel closed).
inline boost::asio::awaitable<bool> hand_over(pager_state& st, pager_message m) {
  try {
    co_await st.channel->async_send(boost::system::error_code(), std::move(m), boost::asio::use_awaitable);
    co_return true;
  } catch (const boost::system::system_error&) {
    co_return false;
  }
}

inline boost::asio::awaitable<void> scan_worker(std::shared_ptr<pager_state> st) {
  while (st->next_segment < *st->s.total_segments) {
    scan_options opts = st->s;
    opts.segment = st->next_segment++;
    for (;;) {
      pager_message m;
      try {
        page p = co_await st->t.scan(opts);
        opts.exclusive_start_key = p.last_evaluated_key;
        m.page = std::move(p);
      } catch (...) {
        m.error = std::current_exception();
      }
      const bool failed = m.error != nullptr;
      const bool more = m.page && m.page->last_evaluated_key;
      if (!(co_await hand_over(*st, std::move(m))) || failed) co_return;
      if (!more) break;
    }
  }
  co_await hand_over(*st, pager_message());
}

}  // namespace detail

DYNASIO_DECL pager::~pager() {
  if (s_ && s_->channel) s_->channel->close();
}

DYNASIO_DECL boost::asio::awaitable<std::optional<page>> pager::next() {
  auto& st = *s_;
  if (st.done) co_return std::nullopt;
  if (!st.parallel()) {
    page p;
    try {
      if (st.is_query) p = co_await st.t.query(st.q);
      else p = co_await st.t.scan(st.s);
    } catch (...) {
      st.done = true;
      throw;
    }
    st.done = !p.last_evaluated_key;
    if (st.is_query) st.q.exclusive_start_key = p.last_evaluated_key;
    else st.s.exclusive_start_key = p.last_evaluated_key;
    co_return p;
  }
  if (!st.channel) {
    st.channel = std::make_unique<detail::pager_channel>(st.t.client().get_executor());
    st.workers = std::min(st.s.max_in_flight, *st.s.total_segments);
    for (std::int32_t i = 0; i < st.workers; ++i)
      boost::asio::co_spawn(st.t.client().get_executor(), detail::scan_worker(s_), boost::asio::detached);
  }
  while (st.finished < st.workers) {
    detail::pager_message m = co_await st.channel->async_receive(boost::asio::use_awaitable);
    if (m.error) {
      st.done = true;
      st.channel->close();
      std::rethrow_exception(m.error);
    }
    if (m.page) co_return std::move(m.page);
    ++st.finished;
  }
  st.done = true;
  co_return std::nullopt;
}

}  // namespace dynasio

#endif
