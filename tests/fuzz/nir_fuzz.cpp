// The NIR as typed on the login, creation and recovery forms and in import files: every
// accepted spelling parses back, from its canonical and display forms, to the same NIR.
#include "account/identifiers/nir.hpp"
#include "fuzz_support.hpp"

using namespace caf::account;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view typed = caf::fuzz::as_text(data, size);
    auto nir = Nir::parse(typed);
    if (!nir) {
        FUZZ_CHECK(!message(nir.error()).empty());
        return 0;
    }
    FUZZ_CHECK(nir->canonical().size() == 13);
    FUZZ_CHECK(nir->key() == nir_key(nir->canonical()));
    FUZZ_CHECK(nir->key() >= 1 && nir->key() <= 97);
    for (const std::string& spelling : {nir->canonical(), nir->display(), nir->display_with_key()}) {
        auto again = Nir::parse(spelling);
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == *nir);
    }
    FUZZ_CHECK(nir->sex_digit() == 1 || nir->sex_digit() == 2 || nir->sex_digit() == 7 || nir->sex_digit() == 8);
    (void)nir->sex();
    (void)nir->is_nia();
    FUZZ_CHECK(nir->birth_year() >= 0 && nir->birth_year() <= 99);
    (void)nir->birth_month_known();
    FUZZ_CHECK(nir->departement().size() == 2 || nir->departement().size() == 3);
    FUZZ_CHECK(nir->departement().size() + nir->commune_or_country().size() == 5);
    (void)nir->born_abroad();
    FUZZ_CHECK(nir->order().size() == 3);
    return 0;
}
