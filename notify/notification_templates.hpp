// The French message texts, web/templates/notification_*.mustache, as plain text (no HTML
// escaping). A template's first line is the e-mail subject, then an empty line, then the text.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "notify/notification.hpp"

namespace caf::notify {

struct RenderedMessage {
    std::string subject;  // e-mail subject, letter heading
    std::string text;     // the message itself (SMS, mail body, letter body)
};

class NotificationTemplates {
public:
    // Loads every template of NotificationTemplate from `dir`; throws std::runtime_error naming a
    // file that is missing, unreadable, malformed or without its subject line (a startup error).
    explicit NotificationTemplates(const std::filesystem::path& dir);
    ~NotificationTemplates();
    NotificationTemplates(const NotificationTemplates&) = delete;
    NotificationTemplates& operator=(const NotificationTemplates&) = delete;

    // Thread-safe. Throws std::runtime_error when rendering fails (never with the data in it).
    RenderedMessage render(NotificationTemplate t, const nlohmann::json& data) const;

private:
    struct Compiled;
    std::map<NotificationTemplate, std::shared_ptr<const Compiled>> templates_;
};

}  // namespace caf::notify
