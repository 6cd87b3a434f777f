// "Mon historique" (SPEC.md §3): the person's recent logins — date, method (mot de passe,
// FranceConnect or another provider), client, device — read from the audit log's
// "login.success" entries, which carry no personal data (a device label, not the User-Agent).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/http.hpp"
#include "storage/audit_log.hpp"
#include "storage/database.hpp"

namespace caf::account {

// "Firefox sur Windows", "Chrome sur Android", "Safari sur iPhone", "Application Caf - Mon
// Compte", "Navigateur inconnu": enough for the owner to recognise a device, nothing to track.
std::string device_label(std::string_view user_agent);

// The "login.success" audit entry of a login (method "pwd", "fc" or a provider name).
storage::NewAuditEntry login_success_entry(std::int64_t account_id, std::int64_t now, std::string_view method,
                                           std::string_view acr, const std::optional<std::string>& client_id,
                                           const http::Request& request);

struct LoginHistoryLine {
    std::int64_t at = 0;
    std::string date;    // "22/11/2026 à 12:37" (heure de Paris)
    std::string method;  // "Mot de passe", "FranceConnect", ...
    std::string client;  // the client's name, or "Mon Compte"
    std::string device;
};

// The `limit` most recent logins of the account, newest first.
std::vector<LoginHistoryLine> recent_logins(storage::Database& db, const config::Config& config,
                                            std::int64_t account_id, int limit = 20);

// "22/11/2026 à 12:37" in Paris time (CET/CEST by the EU rule).
std::string paris_date_time(std::int64_t unix_seconds);

}  // namespace caf::account
