// External identity links over portable SQL.
#include "storage/external_links.hpp"

namespace caf::storage {

void ExternalLinks::link(Connection& c, const ExternalLink& l) {
    c.exec("INSERT INTO external_links (provider, subject, account_id, created_at) VALUES (?, ?, ?, ?)",
           {l.provider, l.subject, l.account_id, l.created_at});
}

std::optional<ExternalLink> ExternalLinks::find(Connection& c, const std::string& provider,
                                                const std::string& subject) {
    auto r = c.query_one("SELECT provider, subject, account_id, created_at FROM external_links "
                         "WHERE provider = ? AND subject = ?",
                         {provider, subject});
    if (!r) return std::nullopt;
    return ExternalLink{r->text("provider"), r->text("subject"), r->integer("account_id"), r->integer("created_at")};
}

std::vector<ExternalLink> ExternalLinks::list_of_account(Connection& c, std::int64_t account_id) {
    std::vector<ExternalLink> out;
    for (const auto& r : c.query("SELECT provider, subject, account_id, created_at FROM external_links "
                                 "WHERE account_id = ? ORDER BY created_at, provider, subject",
                                 {account_id})) {
        out.push_back({r.text("provider"), r.text("subject"), r.integer("account_id"), r.integer("created_at")});
    }
    return out;
}

bool ExternalLinks::unlink(Connection& c, std::int64_t account_id, const std::string& provider,
                           const std::string& subject) {
    return c.exec("DELETE FROM external_links WHERE provider = ? AND subject = ? AND account_id = ?",
                  {provider, subject, account_id}) == 1;
}

}  // namespace caf::storage
