// What the signing key store records about each key (the keys.json entry), and the exception
// its startup-time operations throw.
#pragma once

#include "core/clock.hpp"
#include "oidc/jose/algorithm.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace caf::oidc::keys {

struct KeyInfo {
    std::string kid;  // RFC 7638 thumbprint of the public key; also names the PEM file
    jose::Algorithm alg = jose::Algorithm::RS256;
    TimePoint created_at{};
    TimePoint activates_at{};              // published at once, signs from this time on
    std::optional<TimePoint> retires_at;   // unpublished (and prunable) from this time on

    bool published_at(TimePoint now) const { return !retires_at || now < *retires_at; }
    bool signs_at(TimePoint now) const { return activates_at <= now && published_at(now); }
};

// Raised by load_or_create, rotate, prune and reload; the message names the file and the reason.
class key_store_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace caf::oidc::keys
