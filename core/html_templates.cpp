// kainjow::mustache behind a JSON-fed interface, so no module sees the template library.
#include "core/html_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <kainjow/mustache.hpp>

namespace caf {

struct HtmlTemplates::Compiled {
    explicit Compiled(const std::string& text) : tmpl(text) {}
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
        case nlohmann::json::value_t::boolean: return json.get<bool>() ? data{data::type::bool_true} : data{data::type::bool_false};
        case nlohmann::json::value_t::null: return data{data::type::bool_false};
        default: return data{json.dump()};
    }
}

}  // namespace

HtmlTemplates::HtmlTemplates(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".mustache") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) throw std::runtime_error(entry.path().string() + ": cannot read the template");
        auto compiled = std::make_shared<Compiled>(text.str());
        if (!compiled->tmpl.is_valid())
            throw std::runtime_error(entry.path().string() + ": " + compiled->tmpl.error_message());
        templates_.emplace(entry.path().stem().string(), std::move(compiled));
    }
    if (ec) throw std::runtime_error(dir.string() + ": cannot read the templates folder (" + ec.message() + ")");
}

HtmlTemplates::~HtmlTemplates() = default;

std::string HtmlTemplates::render(const std::string& name, const nlohmann::json& data) const {
    auto it = templates_.find(name);
    if (it == templates_.end()) throw std::runtime_error("no template named " + name);
    // mustache::render mutates internal state: a copy per render keeps this thread-safe.
    kainjow::mustache::mustache tmpl = it->second->tmpl;
    return tmpl.render(to_data(data));
}

std::string HtmlTemplates::render_page(const std::string& name, const nlohmann::json& data) const {
    nlohmann::json with_content = data;
    with_content["content"] = render(name, data);
    return render("layout", with_content);
}

http::Response HtmlTemplates::page(int status, const std::string& name, const nlohmann::json& data) const {
    return http::Response::html(status, render_page(name, data));
}

}  // namespace caf
