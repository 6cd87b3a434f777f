// A small expected<T, E> (C++23's std::expected is not in C++20): errors from untrusted input
// travel as values, never as exceptions.
#pragma once

#include <utility>
#include <variant>

namespace caf {

template <class E>
struct unexpected {
    E error;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class expected {
public:
    expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}
    expected(unexpected<E> failure) : storage_(std::in_place_index<1>, std::move(failure.error)) {}

    bool has_value() const noexcept { return storage_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(storage_); }
    const T& value() const& { return std::get<0>(storage_); }
    T&& value() && { return std::get<0>(std::move(storage_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& { return std::get<1>(storage_); }
    E& error() & { return std::get<1>(storage_); }

private:
    std::variant<T, E> storage_;
};

}  // namespace caf
