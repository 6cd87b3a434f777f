// Pushed authorization requests (RFC 9126): the parameters a client posted to /par, waiting for
// the browser to bring their request_uri to /authorize. Shared by every node; only a digest of
// the request_uri is kept. Single use, bound to the client that pushed them, short-lived.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"

namespace caf::storage {

struct PushedRequest {
    std::string digest;  // of the request_uri
    std::string client_id;
    nlohmann::json params;  // the authorization request parameters, {name: value}
    std::int64_t expires_at = 0;
};

class PushedRequests {
public:
    explicit PushedRequests(Database& db) : db_(db) {}

    void create(Connection& c, const PushedRequest& request);
    // Takes the live request `digest` pushed by `client_id`, once: of two consumers exactly one
    // gets it. Nullopt for unknown, expired, already used, or pushed by another client (which
    // leaves it to its own client). Must run in a write transaction.
    std::optional<PushedRequest> consume(Connection& c, const std::string& digest, const std::string& client_id,
                                         std::int64_t now);
    std::int64_t delete_expired(Connection& c, std::int64_t now);

    void create(const PushedRequest& request) {
        db_.transaction([&](Connection& c) { create(c, request); });
    }
    std::optional<PushedRequest> consume(const std::string& digest, const std::string& client_id, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return consume(c, digest, client_id, now); });
    }
    std::int64_t delete_expired(std::int64_t now) {
        return db_.transaction([&](Connection& c) { return delete_expired(c, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
