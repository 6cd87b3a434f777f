// One store for every server-side state bound to one browser: the creation wizard, the pending
// login steps, the password recovery, the pending external identity, the upstream authorization
// and the chained logout. A drafts row under the digest of a random id that only the browser
// holds in an `__Host-` cookie, sealed with a key derived from that id (core/browser_seal.hpp),
// so the database alone can neither find nor read it. It expires; an abandoned flow leaves
// nothing else.
//
// T is a plain struct with an `std::int64_t expires_at` (unix seconds) and the nlohmann JSON
// mapping (`to_json(json&, const T&)`, `from_json(const json&, T&)`, found by argument-dependent
// lookup); `from_json` throws on a payload it does not recognise, which then reads as none.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/browser_seal.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "storage/database.hpp"

namespace caf::storage {

// What tells one kind of state from another.
struct BrowserBoundKind {
    std::string_view name;    // the row key's prefix: "creation"
    std::string_view label;   // keys the sealing: "caf-connect creation draft"
    std::string_view cookie;  // "__Host-caf_creation"
    // How long a state lives; zero when the configuration says (then given to the constructor).
    std::chrono::seconds lifetime{0};
    // A session cookie, or one with Max-Age up to the state's expiry.
    bool cookie_until_expiry = false;
};

// A state found for a browser, with the cookie's id it is sealed under.
template <class T>
struct BrowserBound {
    std::string id;
    T value;
};

// The untyped half, shared by every T.
namespace browser_rows {
// The cookie's id when it has the shape of one (20 to 128 characters).
std::optional<std::string> cookie_id(const http::Request& request, std::string_view cookie);
std::optional<std::string> find(Database& db, std::string_view name, std::string_view id, TimePoint now);
std::optional<std::string> find(Connection& c, Database& db, std::string_view name, std::string_view id,
                                TimePoint now);
void save(Connection& c, Database& db, std::string_view name, std::string_view id, const std::string& sealed,
          TimePoint now, std::int64_t expires_at);
bool remove(Connection& c, Database& db, std::string_view name, std::string_view id);
// A session cookie without `max_age`.
std::string set_cookie(const BrowserBoundKind& kind, std::string_view id, std::optional<std::int64_t> max_age);
}  // namespace browser_rows

enum class TakeOutcome {
    taken,     // the value, now removed
    none,      // no cookie, unknown, expired or already used
    mismatch,  // this browser holds a state, but not the one expected (left in place)
};
template <class T>
struct Taken {
    TakeOutcome outcome = TakeOutcome::none;
    std::optional<T> value;
};

template <class T, const BrowserBoundKind& Kind>
class BrowserBoundStore {
public:
    BrowserBoundStore(Database& db, Random& random, std::chrono::seconds lifetime)
        : db_(db), random_(random), lifetime_(lifetime) {}
    BrowserBoundStore(Database& db, Random& random)
        requires(Kind.lifetime.count() > 0)
        : BrowserBoundStore(db, random, Kind.lifetime) {}

    // A new id for `value`, which expires `lifetime` from now; nothing is stored until save(), so
    // that it can be saved in the transaction that needs it.
    BrowserBound<T> fresh(T value, TimePoint now) {
        value.expires_at = to_unix_seconds(now) + lifetime_.count();
        return BrowserBound<T>{random_token(random_, 32), std::move(value)};
    }
    // fresh() and save(), in a transaction of its own; returns the Set-Cookie value.
    std::string start(T value, TimePoint now) {
        auto bound = fresh(std::move(value), now);
        save(bound, now);
        return cookie(bound, now);
    }
    // The browser's state; nullopt without a cookie, or when unknown, expired or unreadable.
    std::optional<BrowserBound<T>> load(const http::Request& request, TimePoint now) {
        auto id = browser_rows::cookie_id(request, Kind.cookie);
        if (!id) return std::nullopt;
        return opened(*id, browser_rows::find(db_, Kind.name, *id, now), now);
    }
    // Saves the progress under value.expires_at.
    void save(Connection& c, const BrowserBound<T>& bound, TimePoint now) {
        browser_rows::save(c, db_, Kind.name, bound.id, seal(bound.id, bound.value), now, bound.value.expires_at);
    }
    void save(const BrowserBound<T>& bound, TimePoint now) {
        db_.transaction([&](Connection& c) { save(c, bound, now); });
    }
    // Single use: removed in the transaction that consumes it.
    bool remove(Connection& c, const std::string& id) { return browser_rows::remove(c, db_, Kind.name, id); }

    // Reads and removes the state in one transaction, only when `expected(value)` says it is the
    // one the request is about (a returned `state`, compared in constant time): a state is used
    // at most once even by concurrent requests, and a forged request leaves it in place.
    template <class Expected>
    Taken<T> take(const http::Request& request, TimePoint now, Expected expected) {
        auto id = browser_rows::cookie_id(request, Kind.cookie);
        if (!id) return {};
        return db_.transaction([&](Connection& c) {
            Taken<T> taken;
            auto bound = opened(*id, browser_rows::find(c, db_, Kind.name, *id, now), now);
            if (!bound) return taken;
            if (!expected(bound->value)) {
                taken.outcome = TakeOutcome::mismatch;
                return taken;
            }
            // Only the request whose delete took the row goes on.
            if (!remove(c, *id)) return taken;
            taken.outcome = TakeOutcome::taken;
            taken.value = std::move(bound->value);
            return taken;
        });
    }

    // The Set-Cookie value carrying the id.
    static std::string cookie(const BrowserBound<T>& bound, TimePoint now) {
        if (!Kind.cookie_until_expiry) return browser_rows::set_cookie(Kind, bound.id, std::nullopt);
        const std::int64_t left = bound.value.expires_at - to_unix_seconds(now);
        return browser_rows::set_cookie(Kind, bound.id, std::max<std::int64_t>(left, 1));
    }
    static std::string clearing_cookie() { return browser_rows::set_cookie(Kind, "", 0); }

    // The sealed form and back (exposed for tests).
    static std::string seal(std::string_view id, const T& value) {
        return browser_seal::seal(Kind.label, id, nlohmann::json(value));
    }
    static std::optional<T> open(std::string_view id, std::string_view sealed) {
        auto json = browser_seal::open(Kind.label, id, sealed);
        if (!json) return std::nullopt;
        try {
            return json->template get<T>();
        } catch (const nlohmann::json::exception&) {
            return std::nullopt;
        } catch (const std::invalid_argument&) {
            return std::nullopt;
        }
    }

private:
    std::optional<BrowserBound<T>> opened(const std::string& id, const std::optional<std::string>& sealed,
                                          TimePoint now) {
        if (!sealed) return std::nullopt;
        auto value = open(id, *sealed);
        if (!value || value->expires_at <= to_unix_seconds(now)) return std::nullopt;
        return BrowserBound<T>{id, std::move(*value)};
    }

    Database& db_;
    Random& random_;
    std::chrono::seconds lifetime_;
};

}  // namespace caf::storage
