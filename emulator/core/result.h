// Expected AWS outcomes are values, not exceptions: a Result<T> holds either a T or an AwsError.
// Exceptions are reserved for setup failures (bad config file, SQLite cannot open), caught in
// main() and turned into exit code 2.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "emulator/core/assert.h"

namespace emu {

// An error as AWS reports it. `code` is the short AWS error code ("ResourceNotFoundException",
// "ProvisionedThroughputExceededException"); each service's wire layer decides how to spell it
// on the wire (__type prefix, XML, query-error header).
struct AwsError {
  std::string code;
  std::string message;
  int http_status = 400;
  bool sender_fault = true;  // false for server-side (5xx) errors

  static AwsError client(std::string code, std::string message, int status = 400) {
    return AwsError{std::move(code), std::move(message), status, true};
  }
  static AwsError server(std::string code, std::string message, int status = 500) {
    return AwsError{std::move(code), std::move(message), status, false};
  }
};

struct Unit {};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(AwsError error) : v_(std::move(error)) {}     // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    EMU_ASSERT(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    EMU_ASSERT(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    EMU_ASSERT(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const AwsError& error() const {
    EMU_ASSERT(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, AwsError> v_;
};

using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace emu
