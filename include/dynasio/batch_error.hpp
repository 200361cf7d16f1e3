//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_BATCH_ERROR_HPP
#define DYNASIO_BATCH_ERROR_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/error.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dynasio {

/// One request of a BatchWriteItem: put a whole item, or delete by key.
struct write_request {
  /// Put or delete.
  enum class kind { put, del };
  /// What the request does.
  kind op = kind::put;
  /// The whole item for a put; the key attributes for a delete.
  dynasio::item item;

  friend bool operator==(const write_request&, const write_request&) = default;
};

/// A request that could not be written, and why.
struct failed_request {
  /// The request as it was given. A put's item is read back from the JSON it was sent as: the
  /// same attributes, types, values, number texts and set orders (for a described struct,
  /// what to_item() makes of it).
  write_request request;
  /// Why it was not written (the service's error for a poison request, or the last error).
  std::error_code code;
  /// The service's or the client's message for it.
  std::string message;
};

/**
 * @brief A batch writer or sink could not write some requests.
 * @details `code()` is errc::batch_incomplete; unwritten() lists every request that was not
 * acknowledged by DynamoDB, with its reason. Nothing else was dropped.
 */
class batch_error : public error {
 public:
  batch_error(std::string message, std::vector<failed_request> unwritten)
      : error(errc::batch_incomplete, std::move(message)), unwritten_(std::move(unwritten)) {}

  /// The requests that were not written, in the order they were given.
  const std::vector<failed_request>& unwritten() const noexcept { return unwritten_; }

 private:
  std::vector<failed_request> unwritten_;
};

}  // namespace dynasio

#endif
