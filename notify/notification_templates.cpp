// Plain-text message templates (no HTML escaping): subject line, blank line, text.
#include "notify/notification_templates.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/mustache_template.hpp"
#include "core/text.hpp"

namespace caf::notify {

namespace {

using text::trim;

}  // namespace

struct NotificationTemplates::Compiled {
    MustacheTemplate subject;
    MustacheTemplate body;
};

NotificationTemplates::NotificationTemplates(const std::filesystem::path& dir) {
    for (auto t : {NotificationTemplate::freeze, NotificationTemplate::code, NotificationTemplate::account_created,
                   NotificationTemplate::password_changed, NotificationTemplate::provisional_id,
                   NotificationTemplate::external_link_created}) {
        const auto file = dir / (std::string(to_string(t)) + ".mustache");
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error(file.string() + ": cannot read the message template");
        std::stringstream text;
        text << in.rdbuf();
        const std::string all = text.str();
        const auto blank = all.find("\n\n");
        if (blank == std::string::npos || all.find('\n') != blank)
            throw std::runtime_error(file.string() + ": expected the subject line, an empty line, then the text");
        try {
            templates_.emplace(t, std::make_shared<Compiled>(Compiled{
                                      MustacheTemplate(all.substr(0, blank), MustacheTemplate::Escaping::none),
                                      MustacheTemplate(all.substr(blank + 2), MustacheTemplate::Escaping::none)}));
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(file.string() + ": " + e.what());
        }
    }
}

NotificationTemplates::~NotificationTemplates() = default;

RenderedMessage NotificationTemplates::render(NotificationTemplate t, const nlohmann::json& data) const {
    const auto& compiled = *templates_.at(t);
    return RenderedMessage{trim(compiled.subject.render(data)), trim(compiled.body.render(data))};
}

}  // namespace caf::notify
