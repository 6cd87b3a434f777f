// The access matrix of a dossier (SPEC.md §7, webinar "La délégation de gestion"): what a member
// may see and do on the portal, from their role and the allocataire's delegation to the spouse.
// Pure: the portal enforces it, Caf Connect only states it (claim caf_dossier.permissions).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "storage/dossiers.hpp"

namespace caf::account::households {

// Stable names, sent to clients: never rename one, only add. README.md "Households" describes
// each. Nobody is ever granted the other members' contact data, so no name exists for it.
enum class Permission {
    dossier_read,            // dossier.read: every member's situation, professional situation, resources
    payments_read,           // payments.read: rights, payments, attestations
    mail_read,               // mail.read: the dossier's courriers and courriels
    changes_declare,         // changes.declare: declare any change of situation
    dossier_procedures,      // dossier.procedures: every online procedure, follow-up of procedures
    request_benefits,        // request.benefits: simulate or request any benefit
    request_aah,             // request.aah
    request_ajpa,            // request.ajpa
    request_bafa,            // request.bafa
    request_pala,            // request.pala
    separation_declare,      // separation.declare
    mail_send,               // mail.send: write to the Caf by e-mail
    contact_caf_phone_visit, // contact_caf.phone_visit: "Contacter ma Caf" by phone or at a reception point
    own_data_read,           // own_data.read: own contact data, professional situation, resources
    own_contact_update,      // own_contact.update: own contact data and password
    delegation_manage,       // delegation.manage: "Mes autorisations" (the allocataire of a couple)
};

std::string_view to_string(Permission permission) noexcept;
std::optional<Permission> parse_permission(std::string_view name) noexcept;
// Every permission, in the order the lists are given.
const std::vector<Permission>& all_permissions();

struct MemberAccess {
    storage::MemberRole role = storage::MemberRole::autre;
    bool delegation_granted = false;  // the dossier's flag: the allocataire authorises the spouse
    bool has_spouse = false;          // the dossier has a conjoint
};

// The permissions of a member, in all_permissions() order.
std::vector<Permission> permissions_of(const MemberAccess& access);
std::vector<std::string_view> permission_names(const std::vector<Permission>& permissions);

}  // namespace caf::account::households
