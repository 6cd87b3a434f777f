// Detection of the steps pending after a login.
#include "account/steps/pending_steps.hpp"

#include <array>
#include <utility>

namespace caf::account {
namespace {

constexpr std::array<std::pair<PendingStep, std::string_view>, 5> names{{
    {PendingStep::accept_cgu, "cgu"},
    {PendingStep::renew_password, "renouvellement"},
    {PendingStep::suggest_password_renewal, "incitation"},
    {PendingStep::legacy_first_connection, "premiere-connexion"},
    {PendingStep::delegation_question, "delegation"},
}};

}  // namespace

std::string_view to_string(PendingStep step) noexcept {
    for (const auto& [s, name] : names)
        if (s == step) return name;
    return "";
}

std::optional<PendingStep> parse_pending_step(std::string_view text) noexcept {
    for (const auto& [s, name] : names)
        if (name == text) return s;
    return std::nullopt;
}

StepRules step_rules(const config::Config& config) {
    StepRules rules;
    rules.cgu_version = config.cgu.version;
    const auto& r = config.password_renewal;
    if (!r.enforced_from.empty()) rules.enforced_from = config::parse_day(r.enforced_from);
    if (!r.changed_before.empty()) rules.changed_before = config::parse_day(r.changed_before);
    if (!r.incitation_from.empty()) rules.incitation_from = config::parse_day(r.incitation_from);
    if (!r.incitation_until.empty()) {
        if (auto day = config::parse_day(r.incitation_until)) rules.incitation_end = *day + 86400;
    }
    return rules;
}

std::vector<PendingStep> detect_pending_steps(const storage::Account& account, std::int64_t now,
                                              const StepRules& rules, const DossierFacts& dossier) {
    std::vector<PendingStep> steps;
    const bool legacy = account.legacy_password || !account.cgu_version.has_value();
    if (legacy) {
        steps.push_back(PendingStep::legacy_first_connection);
        if (dossier.delegation_question_due) steps.push_back(PendingStep::delegation_question);
        return steps;
    }
    if (!rules.cgu_version.empty() && account.cgu_version != rules.cgu_version) steps.push_back(PendingStep::accept_cgu);

    // The same "old password" test for the forced renewal and for the incitation: a person who
    // changed it after the cut-off has nothing to be incited to.
    const bool old_password = rules.changed_before &&
                              (!account.password_changed_at || *account.password_changed_at < *rules.changed_before);
    if (old_password && rules.enforced_from && now >= *rules.enforced_from) {
        steps.push_back(PendingStep::renew_password);
    } else if (old_password && rules.incitation_from && rules.incitation_end && now >= *rules.incitation_from &&
               now < *rules.incitation_end) {
        steps.push_back(PendingStep::suggest_password_renewal);
    }
    if (dossier.delegation_question_due) steps.push_back(PendingStep::delegation_question);
    return steps;
}

}  // namespace caf::account
