// Dossiers (households): members with their role and the allocataire's delegation to the
// spouse. A person is allocataire or spouse in at most one dossier; a dossier has at most one
// of each (both enforced by unique keys, so a violation is StoreError(conflict)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/member_role.hpp"

namespace caf::storage {

struct Dossier {
    std::string number;  // allocataire number
    bool delegation_granted = false;
    std::optional<std::int64_t> delegation_changed_at;
    std::optional<std::int64_t> delegation_changed_by;  // account id
    bool delegation_question_answered = false;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct DossierMember {
    std::string dossier_number;
    std::int64_t account_id = 0;
    MemberRole role = MemberRole::autre;
    std::int64_t added_at = 0;
};

class Dossiers {
public:
    explicit Dossiers(Database& db) : db_(db) {}

    void create(Connection& c, const std::string& number, std::int64_t now);
    std::optional<Dossier> find(Connection& c, const std::string& number);
    void add_member(Connection& c, const std::string& number, std::int64_t account_id, MemberRole role,
                    std::int64_t now);
    bool remove_member(Connection& c, const std::string& number, std::int64_t account_id);
    std::vector<DossierMember> members(Connection& c, const std::string& number);
    std::vector<DossierMember> memberships_of_account(Connection& c, std::int64_t account_id);
    // Grants or withdraws; also marks the question answered.
    bool set_delegation(Connection& c, const std::string& number, bool granted, std::int64_t by_account,
                        std::int64_t now);
    // Back to "never asked": no delegation, the question asked again (the spouse or the
    // allocataire changed, so the earlier answer no longer stands).
    bool reset_delegation(Connection& c, const std::string& number, std::int64_t now);
    // "Passer": asked once, not asked again.
    bool mark_delegation_question_answered(Connection& c, const std::string& number, std::int64_t now);
    bool remove(Connection& c, const std::string& number);

    void create(const std::string& number, std::int64_t now) {
        db_.transaction([&](Connection& c) { create(c, number, now); });
    }
    std::optional<Dossier> find(const std::string& number) {
        return db_.read([&](Connection& c) { return find(c, number); });
    }
    void add_member(const std::string& number, std::int64_t account_id, MemberRole role, std::int64_t now) {
        db_.transaction([&](Connection& c) { add_member(c, number, account_id, role, now); });
    }
    std::vector<DossierMember> members(const std::string& number) {
        return db_.read([&](Connection& c) { return members(c, number); });
    }
    bool set_delegation(const std::string& number, bool granted, std::int64_t by_account, std::int64_t now) {
        return db_.transaction([&](Connection& c) { return set_delegation(c, number, granted, by_account, now); });
    }

private:
    Database& db_;
};

}  // namespace caf::storage
