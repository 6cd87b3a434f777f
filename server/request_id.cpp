// Random ids rather than counters: several nodes serve the same users, and ids must not collide
// across them or reveal traffic volume.
#include "server/request_id.hpp"

#include "core/random.hpp"

namespace caf::server {

std::string new_request_id() { return random_token(system_random(), 16); }

bool is_well_formed_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace caf::server
