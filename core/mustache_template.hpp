// One compiled Mustache template fed with JSON data: the only place that knows the template
// library. HTML pages escape values; plain-text messages (mail, SMS, letters) do not.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace caf {

class MustacheTemplate {
public:
    enum class Escaping { html, none };

    // Throws std::invalid_argument with the parser's message when `text` is not valid Mustache.
    MustacheTemplate(const std::string& text, Escaping escaping);
    ~MustacheTemplate();
    MustacheTemplate(const MustacheTemplate&);
    MustacheTemplate& operator=(const MustacheTemplate&);

    // Thread-safe. Throws std::runtime_error when rendering fails.
    std::string render(const nlohmann::json& data) const;

private:
    struct Compiled;
    std::shared_ptr<const Compiled> compiled_;
};

}  // namespace caf
