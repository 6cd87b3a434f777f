// Small pieces every account page uses: the interaction id of the query, links that keep it,
// the refused-form page, the captcha of a form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/http.hpp"

namespace caf {
class HtmlTemplates;
}

namespace caf::account {

struct AccountContext;

// The `interaction` query parameter, when present and of a sane size (ids are 43 characters).
std::optional<std::string> interaction_param(const http::Request& request);

// `path` with "?interaction=ID" when there is one, and `extra` ("provisoire=1") appended.
std::string with_interaction(std::string_view path, const std::optional<std::string>& interaction,
                             std::string_view extra = {});

// The password checklist of every new-password form (creation, change, recovery, first
// connection): [{"rule", "label"}] in PasswordRule order, read by web/static/mot-de-passe.js.
nlohmann::json password_checklist();

// The client's address as part of a rate-limit key: a digest, never the address itself.
std::string address_key(const http::Request& request);
// "Trop de demandes. Pour votre sécurité, réessayez dans 5 minutes." (whole minutes, at least 1)
std::string wait_message(std::int64_t retry_after_seconds);

// 403: the form's CSRF token is missing or wrong (an old tab, cookies refused, a forged post).
http::Response refused_form_page(const HtmlTemplates& pages, const std::optional<std::string>& interaction);

// The interaction is unknown, expired or already used: back to the client's site.
http::Response expired_interaction_page(const HtmlTemplates& pages);

// A fresh "Vérification de sécurité" challenge in data["captcha"] (with `error` when the last
// answer was refused), bound to `binding`, the form's CSRF token: only this browser, with this
// form, can answer it. Nothing without a captcha provider.
void add_captcha(nlohmann::json& data, AccountContext& ctx, const std::string& binding,
                 const std::optional<std::string>& error = std::nullopt);

}  // namespace caf::account
