// The French pages: Mustache templates from web/templates, parsed once at startup, rendered with
// data given as JSON (HTML-escaped by default). Every page is wrapped in layout.mustache.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/http.hpp"
#include "core/mustache_template.hpp"

namespace caf {

class HtmlTemplates {
public:
    // Loads every *.mustache file of `dir`; `{{> name}}` in one of them includes name.mustache
    // (one level, same data). Throws std::runtime_error naming a file that cannot be read or
    // parsed, or a partial that does not exist (a startup error).
    explicit HtmlTemplates(const std::filesystem::path& dir);
    ~HtmlTemplates();

    // The page `name` (without extension) inside the layout. `data` must hold "title" for the
    // layout; everything is escaped unless the template uses {{{triple}}} braces.
    std::string render_page(const std::string& name, const nlohmann::json& data) const;
    // A template alone, without the layout (fragments, e-mails).
    std::string render(const std::string& name, const nlohmann::json& data) const;
    // render_page as an HTML response.
    http::Response page(int status, const std::string& name, const nlohmann::json& data) const;

    bool has(const std::string& name) const { return templates_.contains(name); }

private:
    std::map<std::string, MustacheTemplate> templates_;
};

}  // namespace caf
