// One line of an account import file → a validated ImportRecord. Apart from the importer (no
// store, no hashing) so that it can be fuzzed alone (tests/fuzz/).
#include "account/import/account_import.hpp"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "account/identifiers/nir.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "account/password/password_policy.hpp"
#include "storage/member_role.hpp"

namespace caf::account {
namespace {

using nlohmann::json;

std::optional<std::int64_t> parse_date_seconds(std::string_view text) {
    if (!is_iso_date(text)) return std::nullopt;
    int y = std::stoi(std::string(text.substr(0, 4)));
    unsigned m = unsigned(std::stoi(std::string(text.substr(5, 2))));
    unsigned d = unsigned(std::stoi(std::string(text.substr(8, 2))));
    std::chrono::sys_days days{std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)};
    return std::chrono::duration_cast<std::chrono::seconds>(days.time_since_epoch()).count();
}

bool looks_like_email(std::string_view email) {
    auto at = email.find('@');
    return email.size() <= 254 && at != std::string_view::npos && at > 0 && email.find('@', at + 1) == std::string_view::npos &&
           email.find('.', at) != std::string_view::npos && email.back() != '.' &&
           email.find_first_of(" \t\r\n<>\"") == std::string_view::npos;
}

// French numbers, 10 digits from 01 to 09 (mobile 06/07 for SMS).
bool looks_like_phone(std::string_view phone) {
    return phone.size() == 10 && phone[0] == '0' && phone[1] >= '1' && phone[1] <= '9' &&
           phone.find_first_not_of("0123456789") == std::string_view::npos;
}

expected<ImportDossier, std::string> parse_dossier(const json& j) {
    if (!j.is_object()) return unexpected{std::string("dossier must be an object {\"numero\", \"role\"}")};
    for (const auto& [key, value] : j.items())
        if (key != "numero" && key != "role" && key != "delegation") return unexpected{"unknown field dossier." + key};
    ImportDossier d;
    auto numero = j.find("numero");
    if (numero == j.end() || !numero->is_string()) return unexpected{std::string("dossier.numero must be a string")};
    d.numero = numero->get<std::string>();
    if (d.numero.empty() || d.numero.size() > 20 || d.numero.find_first_not_of("0123456789") != std::string::npos)
        return unexpected{std::string("dossier.numero must be 1 to 20 digits")};
    auto role = j.find("role");
    auto parsed = role != j.end() && role->is_string() ? storage::member_role_from_string(role->get<std::string>())
                                                        : std::nullopt;
    if (!parsed) return unexpected{std::string("dossier.role must be allocataire, conjoint, enfant or autre")};
    d.role = *parsed;
    if (auto delegation = j.find("delegation"); delegation != j.end() && !delegation->is_null()) {
        if (!delegation->is_boolean()) return unexpected{std::string("dossier.delegation must be true or false")};
        if (d.role != storage::MemberRole::allocataire)
            return unexpected{std::string("dossier.delegation is given by the allocataire's line only")};
        d.delegation = delegation->get<bool>();
    }
    return d;
}

}  // namespace

expected<ImportRecord, std::string> parse_import_line(std::string_view line) {
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return unexpected{std::string("not a JSON object")};
    static const std::vector<std::string> known{
        "nir", "provisional_id", "password", "password_hash", "legacy_password", "password_changed_at",
        "cgu_version", "civilite", "birth_name", "first_names", "usage_name", "birth_date", "birth_place",
        "birth_country", "email", "email_verified", "phone", "phone_verified", "postal_address",
        "documents_required", "dossier"};
    for (const auto& [key, value] : j.items())
        if (std::find(known.begin(), known.end(), key) == known.end()) return unexpected{"unknown field " + key};

    auto string_field = [&](const char* key) -> expected<std::optional<std::string>, std::string> {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) return std::optional<std::string>{};
        if (!it->is_string()) return unexpected{std::string(key) + " must be a string"};
        return std::optional<std::string>{it->get<std::string>()};
    };
    auto bool_field = [&](const char* key) -> expected<bool, std::string> {
        auto it = j.find(key);
        if (it == j.end() || it->is_null()) return false;
        if (!it->is_boolean()) return unexpected{std::string(key) + " must be true or false"};
        return it->get<bool>();
    };

    ImportRecord r;
#define CAF_TAKE(target, expr)                                  \
    do {                                                        \
        auto value_ = (expr);                                   \
        if (!value_) return unexpected{std::move(value_.error())}; \
        target = std::move(*value_);                            \
    } while (false)

    std::optional<std::string> nir_text, provisional_text;
    CAF_TAKE(nir_text, string_field("nir"));
    CAF_TAKE(provisional_text, string_field("provisional_id"));
    if (nir_text.has_value() == provisional_text.has_value())
        return unexpected{std::string("give exactly one of nir and provisional_id")};
    if (nir_text) {
        auto nir = Nir::parse(*nir_text);
        if (!nir) return unexpected{"nir: " + std::string(message(nir.error()))};
        r.nir = nir->canonical();
    } else {
        auto id = ProvisionalId::parse(*provisional_text);
        if (!id) return unexpected{"provisional_id: " + std::string(message(id.error()))};
        r.provisional_id = id->str();
    }

    CAF_TAKE(r.password, string_field("password"));
    CAF_TAKE(r.password_hash, string_field("password_hash"));
    CAF_TAKE(r.legacy_password, bool_field("legacy_password"));
    if (r.password && r.password_hash) return unexpected{std::string("give at most one of password and password_hash")};
    if (r.password && !acceptable_for_login(*r.password))
        return unexpected{std::string("password: not a password that could log in (8 to 64 characters)")};
    if (r.password_hash && !r.password_hash->starts_with("$argon2id$"))
        return unexpected{std::string("password_hash must be an Argon2id PHC string")};

    std::optional<std::string> changed;
    CAF_TAKE(changed, string_field("password_changed_at"));
    if (changed) {
        r.password_changed_at = parse_date_seconds(*changed);
        if (!r.password_changed_at) return unexpected{std::string("password_changed_at must be YYYY-MM-DD")};
    }
    CAF_TAKE(r.cgu_version, string_field("cgu_version"));

    if (j.contains("birth_name") || j.contains("civilite") || j.contains("first_names") || j.contains("birth_date")) {
        auto person = person_from_json(j);
        if (!person) return unexpected{std::move(person.error())};
        r.person = std::move(*person);
    }

    CAF_TAKE(r.email, string_field("email"));
    if (r.email && !looks_like_email(*r.email)) return unexpected{std::string("email is not an e-mail address")};
    CAF_TAKE(r.email_verified, bool_field("email_verified"));
    CAF_TAKE(r.phone, string_field("phone"));
    if (r.phone) {
        std::erase(*r.phone, ' ');
        if (!looks_like_phone(*r.phone)) return unexpected{std::string("phone must be 10 digits starting with 0")};
    }
    CAF_TAKE(r.phone_verified, bool_field("phone_verified"));
    CAF_TAKE(r.postal_address, string_field("postal_address"));
    CAF_TAKE(r.documents_required, bool_field("documents_required"));
#undef CAF_TAKE
    if (auto it = j.find("dossier"); it != j.end() && !it->is_null()) {
        auto dossier = parse_dossier(*it);
        if (!dossier) return unexpected{std::move(dossier.error())};
        r.dossier = std::move(*dossier);
    }
    return r;
}

}  // namespace caf::account
