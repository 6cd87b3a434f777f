// Login events for "Mon historique": written at each login, read back for the page.
#include "account/history/login_history.hpp"

#include <chrono>
#include <cstdio>

namespace caf::account {
namespace {

bool has(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

std::string browser_of(std::string_view ua) {
    if (has(ua, "Edg/") || has(ua, "Edge/")) return "Edge";
    if (has(ua, "OPR/") || has(ua, "Opera")) return "Opera";
    if (has(ua, "Firefox/")) return "Firefox";
    if (has(ua, "Chrome/") || has(ua, "Chromium/") || has(ua, "CriOS/")) return "Chrome";
    if (has(ua, "Safari/")) return "Safari";
    return {};
}

std::string system_of(std::string_view ua) {
    if (has(ua, "iPhone")) return "iPhone";
    if (has(ua, "iPad")) return "iPad";
    if (has(ua, "Android")) return "Android";
    if (has(ua, "Windows")) return "Windows";
    if (has(ua, "Mac OS X") || has(ua, "Macintosh")) return "macOS";
    if (has(ua, "CrOS")) return "ChromeOS";
    if (has(ua, "Linux")) return "Linux";
    return {};
}

// Last Sunday of `month` (March or October) of `year`, at 01:00 UTC: the EU summer-time switch.
std::int64_t eu_switch(int year, unsigned month) {
    using namespace std::chrono;
    const sys_days last{year_month_day_last{std::chrono::year{year}, month_day_last{std::chrono::month{month}}}};
    const weekday wd{last};
    const sys_days sunday = last - days{(wd.c_encoding() + 7 - 0) % 7};
    return sunday.time_since_epoch().count() * 86400 + 3600;
}

std::string method_label(std::string_view method) {
    if (method == "pwd") return "Mot de passe";
    if (method == "fc") return "FranceConnect";
    if (method.empty()) return "Mot de passe";
    return std::string(method);
}

}  // namespace

std::string device_label(std::string_view ua) {
    if (has(ua, "CafMonCompte") || has(ua, "Caf - Mon Compte")) return "Application Caf - Mon Compte";
    auto browser = browser_of(ua);
    auto system = system_of(ua);
    if (browser.empty() && system.empty()) return "Navigateur inconnu";
    if (browser.empty()) return "Navigateur sur " + system;
    if (system.empty()) return browser;
    return browser + " sur " + system;
}

storage::NewAuditEntry login_success_entry(std::int64_t account_id, std::int64_t now, std::string_view method,
                                           std::string_view acr, const std::optional<std::string>& client_id,
                                           const http::Request& request) {
    storage::NewAuditEntry entry;
    entry.at = now;
    entry.actor_type = "account";
    entry.actor_id = std::to_string(account_id);
    entry.action = "login.success";
    entry.account_id = account_id;
    entry.details = {{"method", method}, {"acr", acr}, {"device", device_label(request.header("User-Agent").value_or(""))}};
    if (client_id && !client_id->empty()) entry.details["client_id"] = *client_id;
    return entry;
}

std::string paris_date_time(std::int64_t t) {
    using namespace std::chrono;
    const auto day = floor<days>(sys_seconds{seconds{t}});
    const int year = int(year_month_day{day}.year());
    const bool summer = t >= eu_switch(year, 3) && t < eu_switch(year, 10);
    const sys_seconds local{seconds{t + (summer ? 7200 : 3600)}};
    const auto local_day = floor<days>(local);
    const year_month_day ymd{local_day};
    const hh_mm_ss hms{local - local_day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d à %02d:%02d", unsigned(ymd.day()), unsigned(ymd.month()),
                  int(ymd.year()), int(hms.hours().count()), int(hms.minutes().count()));
    return buf;
}

std::vector<LoginHistoryLine> recent_logins(storage::Database& db, const config::Config& config,
                                            std::int64_t account_id, int limit) {
    storage::AuditQuery query;
    query.account_id = account_id;
    query.action = "login.success";
    query.newest_first = true;
    query.limit = limit;
    std::vector<LoginHistoryLine> out;
    for (const auto& entry : storage::AuditLog(db).list(query)) {
        LoginHistoryLine line;
        line.at = entry.at;
        line.date = paris_date_time(entry.at);
        const auto& d = entry.details;
        line.method = method_label(d.contains("method") && d["method"].is_string() ? d["method"].get<std::string>() : "");
        line.client = "Mon Compte";
        if (d.contains("client_id") && d["client_id"].is_string()) {
            const auto id = d["client_id"].get<std::string>();
            line.client = id;
            for (const auto& client : config.clients)
                if (client.client_id == id) line.client = client.name;
        }
        line.device = d.contains("device") && d["device"].is_string() ? d["device"].get<std::string>() : "Non renseigné";
        out.push_back(std::move(line));
    }
    return out;
}

}  // namespace caf::account
