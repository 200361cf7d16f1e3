//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_LOG_LEVEL_HPP
#define DYNASIO_LOG_LEVEL_HPP

#include <functional>
#include <string_view>

namespace dynasio {

/// Severity of a log line.
enum class log_level { debug, info, warning, error };

/// Where log lines go: a plain callable, as client_config::logger.
using log_function = std::function<void(log_level, std::string_view)>;

}  // namespace dynasio

#endif
