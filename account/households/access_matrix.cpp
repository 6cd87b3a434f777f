// The matrix as data: one list per row of the webinar's table.
#include "account/households/access_matrix.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace caf::account::households {
namespace {

using P = Permission;

constexpr std::array<std::pair<Permission, std::string_view>, 16> names{{
    {P::dossier_read, "dossier.read"},
    {P::payments_read, "payments.read"},
    {P::mail_read, "mail.read"},
    {P::changes_declare, "changes.declare"},
    {P::dossier_procedures, "dossier.procedures"},
    {P::request_benefits, "request.benefits"},
    {P::request_aah, "request.aah"},
    {P::request_ajpa, "request.ajpa"},
    {P::request_bafa, "request.bafa"},
    {P::request_pala, "request.pala"},
    {P::separation_declare, "separation.declare"},
    {P::mail_send, "mail.send"},
    {P::contact_caf_phone_visit, "contact_caf.phone_visit"},
    {P::own_data_read, "own_data.read"},
    {P::own_contact_update, "own_contact.update"},
    {P::delegation_manage, "delegation.manage"},
}};

// "A toutes les informations du dossier - A toutes les démarches", except others' contact data.
const std::vector<Permission> whole_dossier{
    P::dossier_read,       P::payments_read, P::mail_read,     P::changes_declare,    P::dossier_procedures,
    P::request_benefits,   P::request_aah,   P::request_ajpa,  P::request_bafa,       P::request_pala,
    P::separation_declare, P::mail_send,     P::contact_caf_phone_visit, P::own_data_read, P::own_contact_update,
};

// "Le conjoint sans délégation de gestion".
const std::vector<Permission> spouse_own{
    P::request_aah,  P::request_ajpa, P::request_bafa, P::request_pala, P::separation_declare,
    P::contact_caf_phone_visit, P::own_data_read, P::own_contact_update,
};

// "Les enfants ou autres personnes": their own data only.
const std::vector<Permission> dependent_own{P::own_data_read};

}  // namespace

std::string_view to_string(Permission permission) noexcept {
    for (const auto& [p, name] : names)
        if (p == permission) return name;
    return "";
}

std::optional<Permission> parse_permission(std::string_view name) noexcept {
    for (const auto& [p, n] : names)
        if (n == name) return p;
    return std::nullopt;
}

const std::vector<Permission>& all_permissions() {
    static const std::vector<Permission> all = [] {
        std::vector<Permission> out;
        for (const auto& [p, name] : names) out.push_back(p);
        return out;
    }();
    return all;
}

std::vector<Permission> permissions_of(const MemberAccess& access) {
    std::vector<Permission> out;
    switch (access.role) {
        case storage::MemberRole::allocataire:
            out = whole_dossier;
            if (access.has_spouse) out.push_back(P::delegation_manage);
            break;
        case storage::MemberRole::conjoint:
            out = access.delegation_granted ? whole_dossier : spouse_own;
            break;
        case storage::MemberRole::enfant:
        case storage::MemberRole::autre:
            out = dependent_own;
            break;
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string_view> permission_names(const std::vector<Permission>& permissions) {
    std::vector<std::string_view> out;
    out.reserve(permissions.size());
    for (auto p : permissions) out.push_back(to_string(p));
    return out;
}

}  // namespace caf::account::households
