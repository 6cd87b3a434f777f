// The relying parties registered in the configuration, with the checks every endpoint needs:
// exact redirect URI matching, allowed grants and scopes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "oidc/jose/algorithm.hpp"
#include "oidc/jose/jwk.hpp"

namespace caf::oidc {

struct Client {
    config::ClientConfig config;
    jose::Algorithm id_token_alg = jose::Algorithm::RS256;
    std::optional<jose::JwkSet> jwks;  // private_key_jwt: the client's public keys

    const std::string& id() const { return config.client_id; }
    bool is_public() const { return config.type == "public"; }
    // Exact, character-for-character comparison (RFC 9700 §4.1.3): no prefix, no added query.
    bool has_redirect_uri(std::string_view uri) const;
    bool has_post_logout_redirect_uri(std::string_view uri) const;
    bool allows_grant(std::string_view grant_type) const;
    bool allows_scope(std::string_view scope) const;
};

class ClientRegistry {
public:
    // Loads private_key_jwt JWKS files; throws config::ConfigError naming the client and file.
    static ClientRegistry from_config(const config::Config& config);

    const Client* find(std::string_view client_id) const;
    const std::vector<Client>& all() const { return clients_; }

private:
    std::vector<Client> clients_;
};

}  // namespace caf::oidc
