// kainjow::mustache behind a JSON-fed interface.
#include "core/mustache_template.hpp"

#include <stdexcept>

#include <kainjow/mustache.hpp>

namespace caf {

struct MustacheTemplate::Compiled {
    kainjow::mustache::mustache tmpl;
};

namespace {

kainjow::mustache::data to_data(const nlohmann::json& json) {
    using kainjow::mustache::data;
    switch (json.type()) {
        case nlohmann::json::value_t::object: {
            data out{data::type::object};
            for (const auto& [key, value] : json.items()) out.set(key, to_data(value));
            return out;
        }
        case nlohmann::json::value_t::array: {
            data out{data::type::list};
            for (const auto& value : json) out.push_back(to_data(value));
            return out;
        }
        case nlohmann::json::value_t::string: return data{json.get<std::string>()};
        case nlohmann::json::value_t::boolean:
            return json.get<bool>() ? data{data::type::bool_true} : data{data::type::bool_false};
        case nlohmann::json::value_t::null: return data{data::type::bool_false};
        default: return data{json.dump()};
    }
}

}  // namespace

MustacheTemplate::MustacheTemplate(const std::string& text, Escaping escaping) {
    auto compiled = std::make_shared<Compiled>(Compiled{kainjow::mustache::mustache(text)});
    if (!compiled->tmpl.is_valid()) throw std::invalid_argument(compiled->tmpl.error_message());
    if (escaping == Escaping::none) compiled->tmpl.set_custom_escape([](const std::string& s) { return s; });
    compiled_ = std::move(compiled);
}

MustacheTemplate::~MustacheTemplate() = default;
MustacheTemplate::MustacheTemplate(const MustacheTemplate&) = default;
MustacheTemplate& MustacheTemplate::operator=(const MustacheTemplate&) = default;

std::string MustacheTemplate::render(const nlohmann::json& data) const {
    // mustache::render mutates internal state: a copy per render keeps this thread-safe.
    kainjow::mustache::mustache tmpl = compiled_->tmpl;
    auto out = tmpl.render(to_data(data));
    if (!tmpl.is_valid()) throw std::runtime_error("cannot render the template: " + tmpl.error_message());
    return out;
}

}  // namespace caf
