// The page templates of web/templates, loaded once.
#include "core/html_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>


namespace caf {

namespace {

// "{{> name}}" replaced by the text of name.mustache, before parsing: a partial is shared
// markup (the FranceConnect button), fed with the including page's data. One level deep.
std::string with_partials(const std::string& file, const std::string& text,
                          const std::map<std::string, std::string>& texts) {
    std::string out;
    std::size_t from = 0;
    for (auto at = text.find("{{>", from); at != std::string::npos; at = text.find("{{>", from)) {
        const auto end = text.find("}}", at);
        if (end == std::string::npos) break;  // the parser reports it
        auto name = text.substr(at + 3, end - at - 3);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        auto partial = texts.find(name);
        if (partial == texts.end()) throw std::runtime_error(file + ": no partial named " + name);
        out.append(text, from, at - from).append(partial->second);
        from = end + 2;
    }
    return out.append(text, from);
}

}  // namespace

HtmlTemplates::HtmlTemplates(const std::filesystem::path& dir) {
    std::error_code ec;
    std::map<std::string, std::string> texts;
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".mustache") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) throw std::runtime_error(entry.path().string() + ": cannot read the template");
        texts.emplace(entry.path().stem().string(), text.str());
        files.emplace(entry.path().stem().string(), entry.path().string());
    }
    if (ec) throw std::runtime_error(dir.string() + ": cannot read the templates folder (" + ec.message() + ")");
    for (const auto& [name, text] : texts) {
        const auto& file = files.at(name);
        try {
            templates_.emplace(name, MustacheTemplate(with_partials(file, text, texts), MustacheTemplate::Escaping::html));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(file + ": " + e.what());
        }
    }
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
