// What an authorization request asks of the authentication (OIDC Core §3.1.2.1 `acr_values`,
// §5.5.1.1 an essential `acr` claim) and how Caf Connect can answer it: a native password gives
// `urn:caf:acr:pwd`; an upstream provider (FranceConnect) gives the eIDAS levels it is
// configured to ask for. Discovery's acr_values_supported is `issued_acr_values`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace caf::oidc {

// urn:caf:acr:pwd, then each provider's acr_values (deduplicated, in configuration order).
std::vector<std::string> issued_acr_values(const config::Config& config);

// Of `requested`, those some login here can answer, in the request's order.
std::vector<std::string> answerable_acr_values(const config::Config& config, const std::vector<std::string>& requested);

// True when `acr` answers one of `targets` (empty targets: anything does).
bool acr_meets(std::string_view acr, const std::vector<std::string>& targets);

// The provider whose login answers `targets` when a native password cannot; nullopt when the
// password can (or nothing can).
std::optional<std::string> provider_for_acr(const config::Config& config, const std::vector<std::string>& targets);

}  // namespace caf::oidc
