// A single-use state bound to one browser (the pending upstream authorization, the pending
// chained logout): a drafts row under the digest of a random id that only the browser holds in an
// `__Host-` cookie, sealed with a key derived from that id (account::BrowserDraftKind). Taking it
// checks the returned `state` in constant time and deletes the row in the same transaction, so a
// state is used at most once even by concurrent requests.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "account/browser_draft.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

namespace caf::providers {

class BrowserBoundStates {
public:
    BrowserBoundStates(storage::Database& db, Random& random, std::string cookie_name, std::string kind)
        : db_(db), random_(random), cookie_name_(std::move(cookie_name)), kind_(kind, "caf-connect " + kind) {}

    // Stores `payload` (which carries the "state" the provider will echo) until `lifetime` from
    // now; returns the Set-Cookie value.
    std::string put(const nlohmann::json& payload, std::chrono::seconds lifetime, TimePoint now);

    enum class Outcome {
        taken,     // the payload, now consumed
        none,      // no cookie, unknown, expired or already used
        mismatch,  // this browser holds a pending state, but not that one (left in place)
    };
    struct Taken {
        Outcome outcome = Outcome::none;
        nlohmann::json payload;
    };
    Taken take(const http::Request& request, const std::string& state, TimePoint now);

    std::string clearing_cookie() const;

private:
    storage::Database& db_;
    Random& random_;
    std::string cookie_name_;
    account::BrowserDraftKind kind_;
};

}  // namespace caf::providers
