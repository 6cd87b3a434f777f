// Client registry built from the configuration.
#include "oidc/clients/client_registry.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace caf::oidc {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool Client::has_redirect_uri(std::string_view uri) const { return contains(config.redirect_uris, uri); }
bool Client::has_post_logout_redirect_uri(std::string_view uri) const {
    return contains(config.post_logout_redirect_uris, uri);
}
bool Client::allows_grant(std::string_view grant_type) const { return contains(config.grant_types, grant_type); }
// The NIR's scope follows the client's nir_claim permission (listing it in scopes is optional).
bool Client::allows_scope(std::string_view scope) const {
    if (scope == "caf_nir") return config.nir_claim;
    return contains(config.scopes, scope);
}

ClientRegistry ClientRegistry::from_config(const config::Config& config) {
    ClientRegistry registry;
    for (std::size_t i = 0; i < config.clients.size(); ++i) {
        const auto& c = config.clients[i];
        std::string key = "clients[" + std::to_string(i) + "]";
        Client client{c, *jose::parse_algorithm(c.id_token_alg), std::nullopt};
        if (c.jwks_file) {
            std::ifstream in(*c.jwks_file);
            std::stringstream text;
            text << in.rdbuf();
            if (!in) throw config::ConfigError(config.source.string(), key + ".jwks_file", "cannot read " + c.jwks_file->string());
            auto set = jose::JwkSet::parse(text.str());
            if (!set || set->keys().empty())
                throw config::ConfigError(config.source.string(), key + ".jwks_file",
                                          c.jwks_file->string() + " is not a JWKS with usable signature keys");
            client.jwks = std::move(*set);
        }
        registry.clients_.push_back(std::move(client));
    }
    return registry;
}

const Client* ClientRegistry::find(std::string_view client_id) const {
    for (const auto& client : clients_)
        if (client.id() == client_id) return &client;
    return nullptr;
}

}  // namespace caf::oidc
