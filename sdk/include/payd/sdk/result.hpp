#pragma once
// payd::sdk::Result<T>: a value or an error message, for expected failures in plugin code.
// The SDK's own small std::expected stand-in (independent of the daemon's common/result.hpp,
// which plugins must not include). Exceptions stay for the exceptional.
//
//   Result<std::int64_t> parse(std::string_view s) {
//     if (s.empty()) return fail("empty");
//     return 42;
//   }
//   auto r = parse(text);
//   if (!r) return log(r.error());
//   use(*r);

#include <cassert>
#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace payd::sdk {

// The error half of a Result, made by fail().
struct Failure {
  std::string message;
};

[[nodiscard]] inline Failure fail(std::string message) {
  return Failure{std::move(message)};
}

template <typename T>
class [[nodiscard]] Result;

namespace detail {
template <typename U>
inline constexpr bool is_result_v = false;
template <typename U>
inline constexpr bool is_result_v<Result<U>> = true;
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  // Implicit on purpose: `return value;` and `return fail("...");` both read naturally.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename U>
  requires(!std::same_as<std::remove_cvref_t<U>, T> &&
           !std::same_as<std::remove_cvref_t<U>, Failure> &&
           !detail::is_result_v<std::remove_cvref_t<U>> && std::convertible_to<U, T>)
      Result(U&& value)
      : v_(std::in_place_index<0>, T(std::forward<U>(value))) {}           // NOLINT
  Result(Failure f) : v_(std::in_place_index<1>, std::move(f.message)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

  // The value, or `fallback` on error.
  template <typename U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(v_) : static_cast<T>(std::forward<U>(fallback));
  }

  [[nodiscard]] const std::string& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  [[nodiscard]] std::string&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, std::string> v_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : err_(std::move(f.message)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] const std::string& error() const& {
    assert(failed_);
    return err_;
  }

 private:
  std::string err_;
  bool failed_ = false;
};

}  // namespace payd::sdk
