// The provisional identifier ("P" + 8 digits) given at creation to a person without a NIR.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/expected.hpp"
#include "core/random.hpp"

namespace caf::account {

enum class ProvisionalIdError { empty = 1, wrong_format };

// The French message shown on the provisional identifier field.
std::string_view message(ProvisionalIdError error) noexcept;

class ProvisionalId {
public:
    // Accepts "P33392250" and "p 3339 2250": the letter in either case, spaces anywhere.
    static expected<ProvisionalId, ProvisionalIdError> parse(std::string_view typed);
    // Uniformly random, not sequential, so an identifier says nothing about its neighbours;
    // the caller retries when the store already holds it.
    static ProvisionalId generate(Random& random);

    // "P33392250".
    const std::string& str() const noexcept { return value_; }

    friend bool operator==(const ProvisionalId&, const ProvisionalId&) = default;

private:
    explicit ProvisionalId(std::string value) : value_(std::move(value)) {}

    std::string value_;
};

}  // namespace caf::account
