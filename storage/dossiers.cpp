// Dossiers and their members over portable SQL.
#include "storage/dossiers.hpp"

namespace caf::storage {

namespace {

bool is_principal(MemberRole role) { return role == MemberRole::allocataire || role == MemberRole::conjoint; }

DossierMember to_member(const Row& r) {
    return {r.text("dossier_number"), r.integer("account_id"),
            member_role_from_string(r.text("role")).value_or(MemberRole::autre), r.integer("added_at")};
}

constexpr std::string_view select_member = "SELECT dossier_number, account_id, role, added_at FROM dossier_members ";

}  // namespace

void Dossiers::create(Connection& c, const std::string& number, std::int64_t now) {
    c.exec("INSERT INTO dossiers (number, delegation_granted, delegation_question_answered, created_at, updated_at) "
           "VALUES (?, 0, 0, ?, ?)",
           {number, now, now});
}

std::optional<Dossier> Dossiers::find(Connection& c, const std::string& number) {
    auto r = c.query_one("SELECT number, delegation_granted, delegation_changed_at, delegation_changed_by, "
                         "delegation_question_answered, created_at, updated_at FROM dossiers WHERE number = ?",
                         {number});
    if (!r) return std::nullopt;
    return Dossier{r->text("number"), r->boolean("delegation_granted"), r->optional_integer("delegation_changed_at"),
                   r->optional_integer("delegation_changed_by"), r->boolean("delegation_question_answered"),
                   r->integer("created_at"), r->integer("updated_at")};
}

void Dossiers::add_member(Connection& c, const std::string& number, std::int64_t account_id, MemberRole role,
                          std::int64_t now) {
    // Set only for the allocataire and the spouse, so the unique keys apply to them alone.
    std::optional<std::int64_t> principal_account;
    std::optional<std::string> principal_role;
    if (is_principal(role)) {
        principal_account = account_id;
        principal_role = std::string(to_string(role));
    }
    c.exec("INSERT INTO dossier_members (dossier_number, account_id, role, principal_account_id, principal_role, "
           "added_at) VALUES (?, ?, ?, ?, ?, ?)",
           {number, account_id, std::string(to_string(role)), nullable(principal_account), nullable(principal_role),
            now});
}

bool Dossiers::remove_member(Connection& c, const std::string& number, std::int64_t account_id) {
    return c.exec("DELETE FROM dossier_members WHERE dossier_number = ? AND account_id = ?", {number, account_id}) == 1;
}

std::vector<DossierMember> Dossiers::members(Connection& c, const std::string& number) {
    std::vector<DossierMember> out;
    for (const auto& r : c.query(std::string(select_member) + "WHERE dossier_number = ? ORDER BY added_at, account_id",
                                 {number})) {
        out.push_back(to_member(r));
    }
    return out;
}

std::vector<DossierMember> Dossiers::memberships_of_account(Connection& c, std::int64_t account_id) {
    std::vector<DossierMember> out;
    for (const auto& r : c.query(std::string(select_member) + "WHERE account_id = ? ORDER BY added_at, dossier_number",
                                 {account_id})) {
        out.push_back(to_member(r));
    }
    return out;
}

bool Dossiers::set_delegation(Connection& c, const std::string& number, bool granted, std::int64_t by_account,
                              std::int64_t now) {
    return c.exec("UPDATE dossiers SET delegation_granted = ?, delegation_changed_at = ?, delegation_changed_by = ?, "
                  "delegation_question_answered = 1, updated_at = ? WHERE number = ?",
                  {boolean(granted), now, by_account, now, number}) == 1;
}

bool Dossiers::reset_delegation(Connection& c, const std::string& number, std::int64_t now) {
    return c.exec("UPDATE dossiers SET delegation_granted = 0, delegation_changed_at = ?, delegation_changed_by = NULL, "
                  "delegation_question_answered = 0, updated_at = ? WHERE number = ?",
                  {now, now, number}) == 1;
}

bool Dossiers::mark_delegation_question_answered(Connection& c, const std::string& number, std::int64_t now) {
    return c.exec("UPDATE dossiers SET delegation_question_answered = 1, updated_at = ? WHERE number = ?",
                  {now, number}) == 1;
}

bool Dossiers::remove(Connection& c, const std::string& number) {
    return c.exec("DELETE FROM dossiers WHERE number = ?", {number}) == 1;
}

}  // namespace caf::storage
