// Contact data shown masked (SPEC.md §6, "Nous allons vous envoyer un code de vérification
// par :"): enough for the owner to recognise, too little for anyone else to use.
#pragma once

#include <string>
#include <string_view>

namespace caf::account {

// "jean.dupont@example.fr" → "j***@e***.fr". Anything that is not an e-mail → "***".
std::string mask_email(std::string_view email);

// "0612345678", "06 12 34 56 78" or "+33 6 12 34 56 78" → "06 ** ** ** 78". Other numbers keep
// only their last 2 digits.
std::string mask_phone(std::string_view phone);

}  // namespace caf::account
