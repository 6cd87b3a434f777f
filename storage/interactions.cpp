// Interactions over portable SQL; request and result are JSON text.
#include "storage/interactions.hpp"

namespace caf::storage {

namespace {

constexpr std::string_view select_interaction =
    "SELECT digest, request, created_at, expires_at, result, completed_at, consumed_at FROM interactions ";

Interaction to_interaction(const Row& r) {
    Interaction i;
    i.digest = r.blob("digest");
    i.request = nlohmann::json::parse(r.text("request"), nullptr, false);
    i.created_at = r.integer("created_at");
    i.expires_at = r.integer("expires_at");
    if (auto result = r.optional_text("result")) i.result = nlohmann::json::parse(*result, nullptr, false);
    i.completed_at = r.optional_integer("completed_at");
    i.consumed_at = r.optional_integer("consumed_at");
    return i;
}

}  // namespace

void Interactions::create(Connection& c, const std::string& digest, const nlohmann::json& request,
                          std::int64_t now, std::int64_t expires_at) {
    c.exec("INSERT INTO interactions (digest, request, created_at, expires_at) VALUES (?, ?, ?, ?)",
           {Blob{digest}, request.dump(), now, expires_at});
}

std::optional<Interaction> Interactions::find(Connection& c, const std::string& digest, std::int64_t now) {
    auto row = c.query_one(std::string(select_interaction) +
                               "WHERE digest = ? AND expires_at > ? AND consumed_at IS NULL",
                           {Blob{digest}, now});
    if (!row) return std::nullopt;
    return to_interaction(*row);
}

bool Interactions::complete(Connection& c, const std::string& digest, const nlohmann::json& result,
                            std::int64_t now) {
    return c.exec("UPDATE interactions SET result = ?, completed_at = ? "
                  "WHERE digest = ? AND expires_at > ? AND consumed_at IS NULL",
                  {result.dump(), now, Blob{digest}, now}) == 1;
}

std::optional<Interaction> Interactions::consume(Connection& c, const std::string& digest, std::int64_t now) {
    // The conditional UPDATE is the single-use guarantee: of two concurrent consumers exactly one
    // matches the row (the other waits for the row lock, then sees consumed_at set).
    if (c.exec("UPDATE interactions SET consumed_at = ? WHERE digest = ? AND expires_at > ? "
               "AND consumed_at IS NULL AND completed_at IS NOT NULL",
               {now, Blob{digest}, now}) != 1) {
        return std::nullopt;
    }
    auto row = c.query_one(std::string(select_interaction) + "WHERE digest = ?", {Blob{digest}});
    if (!row) return std::nullopt;
    return to_interaction(*row);
}

std::int64_t Interactions::delete_expired(Connection& c, std::int64_t now) {
    return c.exec("DELETE FROM interactions WHERE expires_at <= ?", {now});
}

}  // namespace caf::storage
