// The provisional identifier ("P" + 8 digits) and the login form's identifier field, which
// reads either it or a NIR: accepted input parses back to itself from its canonical form.
#include <cctype>

#include "account/identifiers/login_identifier.hpp"
#include "account/identifiers/provisional_id.hpp"
#include "fuzz_support.hpp"

using namespace caf::account;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view typed = caf::fuzz::as_text(data, size);
    if (auto id = ProvisionalId::parse(typed)) {
        FUZZ_CHECK(id->str().size() == 9 && id->str()[0] == 'P');
        for (char c : id->str().substr(1)) FUZZ_CHECK(c >= '0' && c <= '9');
        auto again = ProvisionalId::parse(id->str());
        FUZZ_CHECK(again.has_value() && *again == *id);
    } else {
        FUZZ_CHECK(!message(id.error()).empty());
    }

    auto identifier = parse_login_identifier(typed);
    if (!identifier) {
        FUZZ_CHECK(!message(identifier.error()).empty());
        return 0;
    }
    const std::string& text = canonical(*identifier);
    auto again = parse_login_identifier(text);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(canonical(*again) == text);
    // The two kinds never overlap: a provisional identifier starts with P, a NIR with a digit.
    FUZZ_CHECK(std::holds_alternative<ProvisionalId>(*identifier) == (text[0] == 'P'));
    return 0;
}
