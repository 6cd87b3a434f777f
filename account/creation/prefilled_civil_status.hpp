// The état civil of a creation started from an external identity (SPEC.md §8 step 3): the pivot's
// fields (civilité, nom de naissance, prénoms, date and place of birth) are locked. They are shown
// read-only and taken from the pivot whatever the form sends; the rest is typed as usual.
#pragma once

#include <nlohmann/json.hpp>

#include "account/identity/person_record.hpp"
#include "core/http.hpp"

namespace caf::account::creation {

// Whether a field of the état civil form is one of the locked ones.
bool is_locked_field(std::string_view name);

// `form` with every locked field replaced by the pivot's value, for check_civil_status_form.
http::Params with_locked_pivot(const http::Params& form, const PersonRecord& pivot);

// The locked fields as the page shows them: [{"label", "value"}].
nlohmann::json locked_pivot_lines(const PersonRecord& pivot);

}  // namespace caf::account::creation
