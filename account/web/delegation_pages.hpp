// "Mes autorisations" (SPEC.md §7) in "Gérer Mon Compte": the allocataire of a couple grants or
// withdraws the delegation to the spouse; the spouse sees whether they hold it. Nobody else has
// the page. The same form is the one-time question after the first login (step_pages.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "account/households/household.hpp"
#include "core/http.hpp"
#include "core/router.hpp"

namespace caf::account {
struct AccountContext;
}

namespace caf::account::households {

inline constexpr std::string_view authorisations_path = "/mon-compte/autorisations";

// The confirmations of the documents, after a grant and after a withdrawal.
std::string_view delegation_confirmation(bool granted) noexcept;

// What the account_authorisations template needs about the household (names, state) for its
// member `household.account_id`; the caller adds the form's action, CSRF and buttons.
nlohmann::json authorisations_data(AccountContext& ctx, const Household& household);

// GET  /mon-compte/autorisations   blocking  the page (SSO session; 303 to /mon-compte without one of the couple)
// POST /mon-compte/autorisations   blocking  "Valider" (CSRF), 303 back with the confirmation
void register_household_routes(http::Router& router, AccountContext& ctx);

http::Response show_authorisations(const http::Request& request, AccountContext& ctx);
http::Response submit_authorisations(const http::Request& request, AccountContext& ctx);

}  // namespace caf::account::households
