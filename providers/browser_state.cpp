#include "providers/browser_state.hpp"

#include "core/crypto.hpp"
#include "storage/drafts.hpp"

namespace caf::providers {

std::string BrowserBoundStates::put(const nlohmann::json& payload, std::chrono::seconds lifetime, TimePoint now) {
    const std::string id = random_token(random_, 32);
    const auto now_s = to_unix_seconds(now);
    storage::Drafts(db_).save(kind_.storage_key(id), kind_.seal(id, payload), now_s, now_s + lifetime.count());
    http::CookieOptions options;
    options.max_age_seconds = lifetime.count();
    return http::set_cookie_value(cookie_name_, id, options);
}

BrowserBoundStates::Taken BrowserBoundStates::take(const http::Request& request, const std::string& state,
                                                   TimePoint now) {
    Taken out;
    auto id = request.cookie(cookie_name_);
    if (!id || id->size() < 20 || id->size() > 128 || state.empty()) return out;
    const auto key = kind_.storage_key(*id);
    storage::Drafts drafts(db_);
    return db_.transaction([&](storage::Connection& c) {
        Taken taken;
        auto row = drafts.find(c, key, to_unix_seconds(now));
        if (!row) return taken;
        auto payload = kind_.open(*id, row->payload_sealed);
        if (!payload) return taken;
        auto expected_state = payload->find("state");
        if (expected_state == payload->end() || !expected_state->is_string()) return taken;
        if (!crypto::constant_time_equal(expected_state->get<std::string>(), state)) {
            taken.outcome = Outcome::mismatch;
            return taken;
        }
        // Only the request whose delete took the row goes on.
        if (!drafts.remove(c, key)) return taken;
        taken.outcome = Outcome::taken;
        taken.payload = std::move(*payload);
        return taken;
    });
}

std::string BrowserBoundStates::clearing_cookie() const {
    http::CookieOptions options;
    options.max_age_seconds = 0;
    return http::set_cookie_value(cookie_name_, "", options);
}

}  // namespace caf::providers
