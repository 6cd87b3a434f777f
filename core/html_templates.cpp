// The page templates of web/templates, loaded once.
#include "core/html_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>


namespace caf {

HtmlTemplates::HtmlTemplates(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".mustache") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) throw std::runtime_error(entry.path().string() + ": cannot read the template");
        try {
            templates_.emplace(entry.path().stem().string(),
                               MustacheTemplate(text.str(), MustacheTemplate::Escaping::html));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(entry.path().string() + ": " + e.what());
        }
    }
    if (ec) throw std::runtime_error(dir.string() + ": cannot read the templates folder (" + ec.message() + ")");
}

HtmlTemplates::~HtmlTemplates() = default;

std::string HtmlTemplates::render(const std::string& name, const nlohmann::json& data) const {
    auto it = templates_.find(name);
    if (it == templates_.end()) throw std::runtime_error("no template named " + name);
    return it->second.render(data);
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
