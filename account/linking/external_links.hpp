// Linking an external identity (provider, sub) to a CAF account (SPEC.md §8, steps 1, 2 and 4):
// a known link; else a provider-verified NIR; else a unique exact match of the identity pivot
// (account::pivot_key, so birthplace is not compared for people born abroad). Never the e-mail.
// Several matches: no automatic link. Only accounts whose identity the CAF vouches for
// (storage::Account::identity_verified) are linked automatically; a match on any other goes to
// the choice page like no match at all. Every link and unlink is audited, without the NIR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "account/identity/person_record.hpp"
#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"

namespace caf::account::linking {

enum class Resolution {
    known_link,     // (provider, sub) already linked
    verified_nir,   // linked now: the provider vouched for a NIR of an existing account
    pivot_match,    // linked now: exactly one account has this pivot
    ambiguous,      // several accounts share the pivot: nothing linked
    no_match,       // nothing linked: the person chooses (step 3)
    unusable,       // (provider, sub) linked to an account that cannot log in (not active): refused
};

struct ResolvedIdentity {
    Resolution resolution = Resolution::no_match;
    std::optional<std::int64_t> account_id;  // set for the first three
};

struct ExternalIdentityClaims {
    std::string provider;
    std::string subject;
    PersonRecord person;
    std::optional<std::string> verified_nir;  // canonical 13 digits
};

// Steps 1 and 2, in one transaction: a new link is written and audited ("external_link.created",
// with how it was matched) before this returns.
ResolvedIdentity resolve_external_identity(storage::Database& db, const PersonalDataProtector& protector,
                                           const ExternalIdentityClaims& identity, std::int64_t now);

// Step 3, "J'ai déjà un compte" once the password is proved, or the end of a prefilled creation:
// links in the caller's transaction and audits. StoreError(conflict) when already linked elsewhere.
void link_external_identity(storage::Connection& c, storage::Database& db, std::int64_t account_id,
                            const std::string& provider, const std::string& subject, const std::string& how,
                            std::int64_t now);

// Step 3's condition before "J'ai déjà un compte" links: the provider's pivot agrees with the
// account's état civil, under the normalisation of the automatic match (pivot_key). A password
// alone must not tie someone else's identity to an account. No état civil: no agreement.
bool pivot_agrees(const PersonalDataProtector& protector, const storage::Account& account, const PersonRecord& person);

// Step 3 proved by the password: links (as link_external_identity, how = "password") and queues
// the owner's notice "votre compte a été associé à <provider_label>" in the caller's transaction.
void link_with_password(storage::Connection& c, storage::Database& db, const PersonalDataProtector& protector,
                        const storage::Account& account, const std::string& provider,
                        const std::string& provider_label, const std::string& subject, TimePoint now);

// Every link of the account removed and audited with `reason` (a password reset): the number.
std::int64_t drop_external_links(storage::Connection& c, storage::Database& db, std::int64_t account_id,
                                 const std::string& reason, std::int64_t now);

// Step 4: the owner removes a link; audited. False when it is not theirs.
bool unlink_external_identity(storage::Database& db, std::int64_t account_id, const std::string& provider,
                              const std::string& subject, std::int64_t now);

}  // namespace caf::account::linking
