// Parsing of the admin API's requests.
#include "account/admin/admin_requests.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "account/creation/contact_form.hpp"
#include "account/identifiers/nir.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "account/identity/person_record.hpp"
#include "core/crypto.hpp"

namespace caf::account::admin {
namespace {

unexpected<RequestError> bad(std::string field, std::string message) {
    return unexpected<RequestError>{RequestError{std::move(field), std::move(message)}};
}

std::optional<std::int64_t> parse_positive_id(std::string_view text) {
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return std::nullopt;
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    if (value <= 0) return std::nullopt;
    return value;
}

// The path's segments after `prefix` ("/admin/v1/accounts/"); empty segments refused.
std::optional<std::vector<std::string_view>> segments_after(std::string_view path, std::string_view prefix) {
    if (!path.starts_with(prefix)) return std::nullopt;
    path.remove_prefix(prefix.size());
    std::vector<std::string_view> out;
    while (true) {
        auto slash = path.find('/');
        auto segment = path.substr(0, slash);
        if (segment.empty()) return std::nullopt;
        out.push_back(segment);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

std::string accounts_prefix() { return std::string(api_prefix) + "/accounts/"; }
std::string dossiers_prefix() { return std::string(api_prefix) + "/dossiers/"; }

expected<std::optional<ContactChange>, RequestError> contact_change(const nlohmann::json& j, const std::string& key,
                                                                    bool is_email) {
    auto it = j.find(key);
    const std::string verified_key = key + "_verified";
    auto verified = j.find(verified_key);
    if (verified != j.end() && !verified->is_boolean()) return bad(verified_key, "must be true or false");
    if (it == j.end()) {
        if (verified != j.end()) return bad(verified_key, "given without " + key);
        return std::optional<ContactChange>{};
    }
    ContactChange change;
    change.verified = verified != j.end() && verified->get<bool>();
    if (it->is_null()) {
        if (change.verified) return bad(verified_key, "cannot be true when " + key + " is removed");
        return std::optional<ContactChange>{change};
    }
    if (!it->is_string()) return bad(key, "must be a string or null");
    if (is_email) {
        std::string email = it->get<std::string>();
        if (!creation::looks_like_email_address(email)) return bad(key, "not an e-mail address");
        change.value = std::move(email);
    } else {
        std::string phone = creation::phone_digits(it->get<std::string>());
        if (!creation::is_mobile_number(phone)) return bad(key, "a mobile number has 10 digits and starts with 06 or 07");
        change.value = std::move(phone);
    }
    return std::optional<ContactChange>{std::move(change)};
}

}  // namespace

std::optional<AccountPath> parse_account_path(std::string_view path) {
    auto segments = segments_after(path, accounts_prefix());
    if (!segments || segments->size() != 2) return std::nullopt;
    auto id = parse_positive_id((*segments)[0]);
    if (!id) return std::nullopt;
    return AccountPath{*id, std::string((*segments)[1])};
}

std::optional<DossierPath> parse_dossier_path(std::string_view path) {
    auto segments = segments_after(path, dossiers_prefix());
    if (!segments) return std::nullopt;
    if (segments->size() == 1) return DossierPath{std::string((*segments)[0]), std::nullopt};
    if (segments->size() != 3 || (*segments)[1] != "members") return std::nullopt;
    auto id = parse_positive_id((*segments)[2]);
    if (!id) return std::nullopt;
    return DossierPath{std::string((*segments)[0]), *id};
}

expected<std::string, RequestError> parse_dossier_number(std::string_view text) {
    if (text.empty() || text.size() > 16 || text.find_first_not_of("0123456789") != std::string_view::npos)
        return bad("numero", "a dossier number has 1 to 16 digits");
    return std::string(text);
}

expected<nlohmann::json, RequestError> parse_json_object(std::string_view body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("body", "the body must be a JSON object");
    return j;
}

expected<std::string, RequestError> parse_nir_body(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    auto it = j->find("nir");
    if (it == j->end() || !it->is_string()) return bad("nir", "a string is required");
    auto nir = Nir::parse(it->get<std::string>());
    if (!nir) return bad("nir", std::string(message(nir.error())));
    return nir->canonical();
}

expected<AccountLookup, RequestError> parse_lookup_body(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    const bool by_nir = j->contains("nir"), by_provisional = j->contains("provisional_id");
    if (by_nir == by_provisional) return bad("body", "give exactly one of nir and provisional_id");
    AccountLookup out;
    if (by_nir) {
        auto nir = parse_nir_body(body);
        if (!nir) return unexpected<RequestError>{nir.error()};
        out.nir = std::move(*nir);
        return out;
    }
    const auto& value = (*j)["provisional_id"];
    if (!value.is_string()) return bad("provisional_id", "a string is required");
    auto id = ProvisionalId::parse(value.get<std::string>());
    if (!id) return bad("provisional_id", "P followed by 8 digits");
    out.provisional_id = id->str();
    return out;
}

expected<std::string, RequestError> parse_new_dossier_body(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    auto it = j->find("numero");
    if (it == j->end() || !it->is_string()) return bad("numero", "a string is required");
    return parse_dossier_number(it->get<std::string>());
}

expected<storage::MemberRole, RequestError> parse_member_role_body(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    auto it = j->find("role");
    if (it == j->end() || !it->is_string()) return bad("role", "a string is required");
    auto role = storage::member_role_from_string(it->get<std::string>());
    if (!role) return bad("role", "one of allocataire, conjoint, enfant, autre");
    return *role;
}

expected<bool, RequestError> parse_identity_body(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    for (const auto& [key, value] : j->items())
        if (key != "verified") return bad(key, "unknown field");
    auto it = j->find("verified");
    if (it == j->end() || !it->is_boolean()) return bad("verified", "a boolean is required");
    return it->get<bool>();
}

expected<ContactUpdate, RequestError> parse_contact_update(std::string_view body) {
    auto j = parse_json_object(body);
    if (!j) return unexpected<RequestError>{j.error()};
    for (const auto& [key, value] : j->items())
        if (key != "email" && key != "phone" && key != "email_verified" && key != "phone_verified")
            return bad(key, "unknown field");
    ContactUpdate update;
    auto email = contact_change(*j, "email", true);
    if (!email) return unexpected<RequestError>{email.error()};
    auto phone = contact_change(*j, "phone", false);
    if (!phone) return unexpected<RequestError>{phone.error()};
    update.email = std::move(*email);
    update.phone = std::move(*phone);
    if (!update.email && !update.phone) return bad("body", "give email, phone or both");
    return update;
}

std::optional<std::int64_t> parse_timestamp(std::string_view text) {
    if (!text.empty() && text.size() <= 12 && text.find_first_not_of("0123456789") == std::string_view::npos) {
        std::int64_t value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    }
    if (text.size() < 10 || !is_iso_date(text.substr(0, 10))) return std::nullopt;
    auto number = [&](std::size_t at, std::size_t n) {
        int v = 0;
        std::from_chars(text.data() + at, text.data() + at + n, v);
        return v;
    };
    std::chrono::sys_days day{std::chrono::year(number(0, 4)) / std::chrono::month(unsigned(number(5, 2))) /
                              std::chrono::day(unsigned(number(8, 2)))};
    std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count();
    if (text.size() == 10) return seconds;
    // "THH:MM:SSZ"
    if (text.size() != 20 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
        (text[19] != 'Z' && text[19] != 'z'))
        return std::nullopt;
    for (std::size_t i : {11u, 12u, 14u, 15u, 17u, 18u})
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int h = number(11, 2), m = number(14, 2), s = number(17, 2);
    if (h > 23 || m > 59 || s > 59) return std::nullopt;
    return seconds + h * 3600 + m * 60 + s;
}

std::string encode_cursor(std::int64_t last_id) { return crypto::base64url_encode("a1:" + std::to_string(last_id)); }

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
    auto text = crypto::base64url_decode(cursor);
    if (!text || !text->starts_with("a1:")) return std::nullopt;
    return parse_positive_id(std::string_view(*text).substr(3));
}

expected<AuditRequest, RequestError> parse_audit_request(const http::Params& params) {
    static const std::vector<std::string_view> known{"account_id", "event", "since", "until",
                                                     "client_id",  "limit", "cursor"};
    AuditRequest out;
    out.query.newest_first = true;
    for (const auto& [key, value] : params) {
        if (std::find(known.begin(), known.end(), key) == known.end()) return bad(key, "unknown parameter");
        if (http::is_repeated(params, key)) return bad(key, "given more than once");
    }
    if (auto v = http::find_param(params, "account_id")) {
        auto id = parse_positive_id(*v);
        if (!id) return bad("account_id", "a positive integer is required");
        out.query.account_id = *id;
    }
    if (auto v = http::find_param(params, "event")) {
        if (v->empty() || v->size() > 64) return bad("event", "an event name such as admin.account_lookup");
        out.query.action = *v;
    }
    if (auto v = http::find_param(params, "client_id")) {
        if (v->empty() || v->size() > 255) return bad("client_id", "a client identifier is required");
        out.query.actor_id = *v;
    }
    if (auto v = http::find_param(params, "since")) {
        out.query.from = parse_timestamp(*v);
        if (!out.query.from) return bad("since", "Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
    if (auto v = http::find_param(params, "until")) {
        out.query.until = parse_timestamp(*v);
        if (!out.query.until) return bad("until", "Unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    }
    if (out.query.from && out.query.until && *out.query.from >= *out.query.until)
        return bad("until", "must be after since");
    if (auto v = http::find_param(params, "limit")) {
        auto n = parse_positive_id(*v);
        if (!n || *n > 500) return bad("limit", "an integer from 1 to 500");
        out.limit = int(*n);
    }
    if (auto v = http::find_param(params, "cursor")) {
        out.query.after_id = decode_cursor(*v);
        if (!out.query.after_id) return bad("cursor", "not a cursor of this API");
    }
    out.query.limit = out.limit + 1;
    return out;
}

}  // namespace caf::account::admin
