// Interactions: the validated authorization request waiting for a login, shared by oidc/ (which
// creates and resumes it) and account/ or providers/ (which complete it). Single use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"

namespace caf::storage {

struct Interaction {
    std::string digest;  // sha256 of the interaction id
    nlohmann::json request;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
    // Set on completion: {account, amr, acr, auth_time} as oidc/ defines it.
    std::optional<nlohmann::json> result;
    std::optional<std::int64_t> completed_at;
    std::optional<std::int64_t> consumed_at;
};

class Interactions {
public:
    explicit Interactions(Database& db) : db_(db) {}

    void create(Connection& c, const std::string& digest, const nlohmann::json& request,
                std::int64_t now, std::int64_t expires_at);
    // A live interaction: not expired, not consumed (completed or not).
    std::optional<Interaction> find(Connection& c, const std::string& digest, std::int64_t now);
    // Records the login result; a later completion (login again) replaces it while unconsumed.
    bool complete(Connection& c, const std::string& digest, const nlohmann::json& result, std::int64_t now);
    // Atomically takes a completed, live interaction once; nullopt for unknown, expired, not
    // completed or already consumed.
    std::optional<Interaction> consume(Connection& c, const std::string& digest, std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void create(const std::string& digest, const nlohmann::json& request, std::int64_t now,
                std::int64_t expires_at) {
        db_.transaction([&](Connection& c) { create(c, digest, request, now, expires_at); });
    }
    std::optional<Interaction> find(const std::string& digest, std::int64_t now) {
        return db_.read([&](Connection& c) { return find(c, digest, now); });
    }
    bool complete(const std::string& digest, const nlohmann::json& result, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return complete(c, digest, result, now); });
    }
    std::optional<Interaction> consume(const std::string& digest, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return consume(c, digest, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
