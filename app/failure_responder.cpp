#include "app/failure_responder.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "storage/error.hpp"

namespace caf::app {

namespace {

// Browsers ask for HTML; OAuth clients, the admin API's callers and fetch() calls do not.
bool wants_html(const http::Request& request) {
    auto accept = request.headers.get("Accept");
    return accept && accept->find("text/html") != std::string_view::npos;
}

// A page in the layout for a browser, an OAuth error body for anyone else; never cached.
http::Response answer(const HtmlTemplates& pages, const http::Request& request, int status, const std::string& heading,
                      const std::string& message, const std::string& link_href, const std::string& link_text,
                      const nlohmann::json& body) {
    http::Response response = wants_html(request) ? pages.page(status, "account_message",
                                                               {{"title", heading},
                                                                {"heading", heading},
                                                                {"message", message},
                                                                {"link_href", link_href},
                                                                {"link_text", link_text}})
                                                  : http::Response::json(status, body.dump());
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response unavailable(const HtmlTemplates& pages, const http::Request& request, std::chrono::seconds retry_after) {
    auto response = answer(pages, request, 503, "Service momentanément indisponible",
                           "Mon Compte ne peut pas traiter votre demande pour le moment. Vos informations déjà "
                           "enregistrées sont conservées. Veuillez réessayer dans quelques instants.",
                           request.target.empty() ? "/" : request.target, "Réessayer",
                           {{"error", "temporarily_unavailable"},
                            {"error_description", "the store is unavailable, retry later"}});
    response.headers.set("Retry-After", std::to_string(retry_after.count()));
    return response;
}

http::Response unexpected(const HtmlTemplates& pages, const http::Request& request) {
    return answer(pages, request, 500, "Une erreur est survenue",
                  "Votre demande n'a pas pu aboutir. Veuillez réessayer ; si le problème persiste, contactez votre Caf.",
                  "/", "Revenir à l'accueil", {{"error", "server_error"}});
}

}  // namespace

server::FailureResponder make_failure_responder(const HtmlTemplates& pages, std::chrono::seconds retry_after) {
    return [&pages, retry_after](const http::Request& request,
                                 std::exception_ptr failure) -> std::optional<http::Response> {
        try {
            std::rethrow_exception(failure);
        } catch (const storage::StoreError& e) {
            if (e.kind() == storage::ErrorKind::unavailable || e.kind() == storage::ErrorKind::busy)
                return unavailable(pages, request, retry_after);
        } catch (...) {
        }
        return unexpected(pages, request);
    };
}

}  // namespace caf::app
