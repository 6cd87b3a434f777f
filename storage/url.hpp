// Parsing of mysql://USER:PASSWORD@HOST[:PORT]/DATABASE URLs (percent-encoded user/password).
#pragma once

#include <string>
#include <string_view>

namespace caf::storage {

struct MysqlUrl {
    std::string user;
    std::string password;
    std::string host;
    int port = 3306;
    std::string database;  // empty: no database selected
};

// Throws StoreError(other) on a malformed URL; the message never repeats the password.
MysqlUrl parse_mysql_url(std::string_view url);

}  // namespace caf::storage
