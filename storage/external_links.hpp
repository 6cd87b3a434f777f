// Links between an external identity (provider, subject) and a CAF account.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace caf::storage {

struct ExternalLink {
    std::string provider;  // configured provider name: "franceconnect", "ameli", ...
    std::string subject;   // the provider's sub
    std::int64_t account_id = 0;
    std::int64_t created_at = 0;
};

class ExternalLinks {
public:
    explicit ExternalLinks(Database& db) : db_(db) {}

    // StoreError(conflict) when (provider, subject) is already linked.
    void link(Connection& c, const ExternalLink& link);
    std::optional<ExternalLink> find(Connection& c, const std::string& provider, const std::string& subject);
    std::vector<ExternalLink> list_of_account(Connection& c, std::int64_t account_id);
    // Only the owner's link: false when (provider, subject) is not linked to that account.
    bool unlink(Connection& c, std::int64_t account_id, const std::string& provider, const std::string& subject);

    void link(const ExternalLink& l) {
        db_.transaction([&](Connection& c) { link(c, l); });
    }
    std::optional<ExternalLink> find(const std::string& provider, const std::string& subject) {
        return db_.read([&](Connection& c) { return find(c, provider, subject); });
    }
    std::vector<ExternalLink> list_of_account(std::int64_t account_id) {
        return db_.read([&](Connection& c) { return list_of_account(c, account_id); });
    }
    bool unlink(std::int64_t account_id, const std::string& provider, const std::string& subject) {
        return db_.transaction([&](Connection& c) { return unlink(c, account_id, provider, subject); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
