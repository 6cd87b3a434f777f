// One line of an account import (`cafconnect import`, the admin API's bulk import): whatever a
// line holds, a record that passes is one the importer can store as is.
#include "account/identifiers/nir.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "account/identity/person_record.hpp"
#include "account/import/account_import.hpp"
#include "fuzz_support.hpp"

using namespace caf::account;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto record = parse_import_line(caf::fuzz::as_text(data, size));
    if (!record) {
        FUZZ_CHECK(!record.error().empty());
        return 0;
    }
    FUZZ_CHECK(record->nir.has_value() != record->provisional_id.has_value());
    if (record->nir) {
        auto nir = Nir::parse(*record->nir);
        FUZZ_CHECK(nir.has_value());
        FUZZ_CHECK(nir->canonical() == *record->nir);
    } else {
        auto id = ProvisionalId::parse(*record->provisional_id);
        FUZZ_CHECK(id.has_value());
        FUZZ_CHECK(id->str() == *record->provisional_id);
    }
    FUZZ_CHECK(!(record->password && record->password_hash));
    if (record->password_hash) FUZZ_CHECK(record->password_hash->starts_with("$argon2id$"));
    if (record->phone) {
        FUZZ_CHECK(record->phone->size() == 10);
        FUZZ_CHECK(record->phone->find_first_not_of("0123456789") == std::string::npos);
    }
    if (record->email) FUZZ_CHECK(record->email->find('@') != std::string::npos);
    if (record->person) {
        auto stored = person_from_json(to_json(*record->person));
        FUZZ_CHECK(stored.has_value());
        FUZZ_CHECK(pivot_key(*stored) == pivot_key(*record->person));
    }
    if (record->dossier) {
        FUZZ_CHECK(!record->dossier->numero.empty() && record->dossier->numero.size() <= 20);
        if (record->dossier->delegation) FUZZ_CHECK(record->dossier->role == caf::storage::MemberRole::allocataire);
    }
    return 0;
}
