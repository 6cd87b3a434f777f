// Shared page pieces.
#include "account/web/page_support.hpp"

#include <nlohmann/json.hpp>

#include "account/password/password_policy.hpp"
#include "account/web/account_context.hpp"
#include "core/crypto.hpp"
#include "core/html_templates.hpp"

namespace caf::account {

nlohmann::json password_checklist() {
    nlohmann::json items = nlohmann::json::array();
    for (auto rule : {PasswordRule::length, PasswordRule::digit, PasswordRule::lower_case, PasswordRule::upper_case,
                      PasswordRule::letters_and_digits_only})
        items.push_back({{"rule", static_cast<int>(rule)}, {"label", label(rule)}});
    return items;
}

std::optional<std::string> interaction_param(const http::Request& request) {
    auto id = http::find_param(request.query_params(), "interaction");
    if (!id || id->empty() || id->size() > 128) return std::nullopt;
    return id;
}

std::string with_interaction(std::string_view path, const std::optional<std::string>& interaction,
                             std::string_view extra) {
    std::string out(path);
    char sep = '?';
    if (interaction && !interaction->empty()) {
        out += "?interaction=" + http::url_encode(*interaction);
        sep = '&';
    }
    if (!extra.empty()) {
        out += sep;
        out += extra;
    }
    return out;
}

std::string address_key(const http::Request& request) {
    return crypto::hex_encode(crypto::sha256(request.remote_address));
}

std::string wait_message(std::int64_t retry_after_seconds) {
    const auto minutes = std::max<std::int64_t>(1, (retry_after_seconds + 59) / 60);
    return "Trop de demandes. Pour votre sécurité, réessayez dans " + std::to_string(minutes) +
           (minutes == 1 ? " minute." : " minutes.");
}

http::Response refused_form_page(const HtmlTemplates& pages, const std::optional<std::string>& interaction) {
    return pages.page(403, "account_message",
                      {{"title", "Formulaire expiré"},
                       {"heading", "Formulaire expiré"},
                       {"message", "Pour votre sécurité, ce formulaire n'est plus valable. Revenez à la page de "
                                   "connexion et recommencez. Si le problème persiste, vérifiez que votre "
                                   "navigateur accepte les cookies."},
                       {"link_href", with_interaction("/connexion", interaction)},
                       {"link_text", "Revenir à la connexion"}});
}

http::Response expired_interaction_page(const HtmlTemplates& pages) {
    return pages.page(400, "account_message",
                      {{"title", "Demande expirée"},
                       {"heading", "Demande expirée"},
                       {"message", "Votre demande de connexion a expiré. Retournez sur le site pour recommencer."}});
}

void add_captcha(nlohmann::json& data, AccountContext& ctx, const std::string& binding,
                 const std::optional<std::string>& error) {
    if (!ctx.captcha) return;
    auto prompt = ctx.captcha->prompt(binding, ctx.clock.now());
    data["captcha"] = {{"id", prompt.id}, {"alt", prompt.alt}};
    if (!prompt.image_url.empty()) data["captcha"]["image_url"] = prompt.image_url;
    if (error) data["captcha"]["error"] = *error;
    // No challenge (the external service failed or is left alone for a while): the form cannot
    // pass, say so instead of showing a broken image.
    if (prompt.id.empty())
        data["captcha"]["error"] = "La vérification de sécurité est momentanément indisponible. Veuillez réessayer "
                                   "dans quelques instants.";
}

}  // namespace caf::account
