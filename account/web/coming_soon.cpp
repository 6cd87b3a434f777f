// The "bientôt disponible" pages.
#include "account/web/coming_soon.hpp"

#include <nlohmann/json.hpp>

#include "account/web/page_support.hpp"
#include "core/html_templates.hpp"

namespace caf::account {
namespace {

http::Response coming_soon(const http::Request& request, const HtmlTemplates& pages, const char* heading,
                           const char* message) {
    return pages.page(200, "account_message",
                      {{"title", heading},
                       {"heading", heading},
                       {"badge", "Bientôt disponible"},
                       {"message", message},
                       {"link_href", with_interaction("/connexion", interaction_param(request))},
                       {"link_text", "Revenir à la connexion"}});
}

}  // namespace

http::Response franceconnect_coming_soon(const http::Request& request, const HtmlTemplates& pages) {
    return coming_soon(request, pages, "S'identifier avec FranceConnect",
                       "La connexion avec FranceConnect sera bientôt disponible. En attendant, connectez-vous "
                       "avec votre numéro de Sécurité sociale et votre mot de passe.");
}

http::Response create_account_coming_soon(const http::Request& request, const HtmlTemplates& pages) {
    return coming_soon(request, pages, "Créer Mon Compte",
                       "La création de votre espace Mon Compte en ligne sera bientôt disponible ici.");
}

}  // namespace caf::account
