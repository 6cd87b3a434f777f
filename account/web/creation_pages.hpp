// The wizard's pages: parse, call the rules (civil_status_form, identity_document, contact_form,
// account_creation), render. One handler per route.
#pragma once

#include "account/creation/identity_document.hpp"
#include "account/web/account_context.hpp"
#include "account/web/creation_routes.hpp"
#include "core/http.hpp"

namespace caf::account::creation {

inline constexpr std::string_view creation_path = "/creer-mon-compte";
inline constexpr std::string_view stage_path = "/creer-mon-compte/etape";
inline constexpr std::string_view quit_path = "/creer-mon-compte/quitter";
// The verification codes of the contact step.
inline constexpr std::string_view contact_code_purpose = "creation-contact";

struct CreationContext {
    AccountContext& account;
    CreationSettings settings;
    IdentityDocumentVerifier& verifier;
};

http::Response show_intro(const http::Request& request, CreationContext& ctx);
http::Response start_creation(const http::Request& request, CreationContext& ctx);
http::Response show_stage(const http::Request& request, CreationContext& ctx);
http::Response submit_stage(const http::Request& request, CreationContext& ctx);
http::Response quit_creation(const http::Request& request, CreationContext& ctx);

}  // namespace caf::account::creation
