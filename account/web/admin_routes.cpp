// Admin API handlers: authenticate, parse, call the operation, answer JSON.
#include "account/web/admin_routes.hpp"

#include <fstream>
#include <functional>
#include <string>


namespace caf::account::admin {
namespace {

using nlohmann::json;

http::Response json_response(int status, const json& body) {
    auto response = http::Response::json(status, body.dump());
    response.headers.set("Cache-Control", "no-store");
    return response;
}

http::Response error_response(const AdminError& e) {
    json body{{"error", e.error}, {"message", e.message}};
    if (e.field) body["field"] = *e.field;
    return json_response(e.status, body);
}

std::string path(std::string_view tail) { return std::string(api_prefix) + std::string(tail); }

// What one call does once its caller is known: the operation name for the audit of a refusal,
// the account concerned if any, and the result.
struct Call {
    std::string operation;
    std::optional<std::int64_t> account_id;
    AdminResult result;
};

unexpected<AdminError> rejected(const RequestError& e) { return unexpected<AdminError>{invalid_request(e)}; }

Call not_found_call() {
    return {"unknown_route", std::nullopt,
            unexpected<AdminError>{AdminError{404, "not_found", "no such admin API resource", std::nullopt}}};
}

// Authentication first (a caller without the admin scope learns nothing else), then the call;
// refusals are audited too, with the caller.
http::Response serve(AdminContext& ctx, const http::Request& request, int success_status,
                     const std::function<Call(const ApiCaller&)>& call) {
    auto caller = ctx.authenticate(request, admin_scope);
    if (!caller) return std::move(caller.error());
    // A store failure propagates: the server answers 503 temporarily_unavailable with Retry-After.
    Call done = call(*caller);
    if (!done.result) {
        audit_refusal(ctx, *caller, done.operation, done.account_id, done.result.error());
        return error_response(done.result.error());
    }
    return json_response(success_status, *done.result);
}

Call account_post(AdminContext& ctx, const ApiCaller& caller, const http::Request& request) {
    auto target = parse_account_path(request.path);
    if (!target) return not_found_call();
    const auto id = target->account_id;
    if (target->operation == "nir") {
        auto nir = parse_nir_body(request.body);
        if (!nir) return {"account_nir", id, rejected(nir.error())};
        return {"account_nir", id, attach_nir(ctx, caller, id, *nir)};
    }
    if (target->operation == "identity") {
        auto verified = parse_identity_body(request.body);
        if (!verified) return {"account_identity", id, rejected(verified.error())};
        return {"account_identity", id, set_identity_verified(ctx, caller, id, *verified)};
    }
    if (target->operation == "unlock") return {"account_unlock", id, unlock_account(ctx, caller, id)};
    if (target->operation == "revoke") return {"account_revoke", id, revoke_account(ctx, caller, id)};
    return not_found_call();
}

Call account_put(AdminContext& ctx, const ApiCaller& caller, const http::Request& request) {
    auto target = parse_account_path(request.path);
    if (!target || target->operation != "contact") return not_found_call();
    auto update = parse_contact_update(request.body);
    if (!update) return {"account_contact", target->account_id, rejected(update.error())};
    return {"account_contact", target->account_id, update_contact(ctx, caller, target->account_id, *update)};
}

Call dossier_call(AdminContext& ctx, const ApiCaller& caller, const http::Request& request) {
    auto target = parse_dossier_path(request.path);
    if (!target) return not_found_call();
    auto numero = parse_dossier_number(target->numero);
    const bool member = target->member.has_value();
    const std::string operation = request.method == "GET"  ? "dossier_read"
                                  : request.method == "PUT" ? "dossier_member_set"
                                  : member                  ? "dossier_member_remove"
                                                            : "dossier_delete";
    if (!numero) return {operation, target->member, rejected(numero.error())};
    if (request.method == "GET" && !member) return {operation, std::nullopt, read_dossier(ctx, caller, *numero)};
    if (request.method == "DELETE" && !member) return {operation, std::nullopt, delete_dossier(ctx, caller, *numero)};
    if (request.method == "DELETE") return {operation, target->member, remove_member(ctx, caller, *numero, *target->member)};
    if (request.method == "PUT" && member) {
        auto role = parse_member_role_body(request.body);
        if (!role) return {operation, target->member, rejected(role.error())};
        return {operation, target->member, set_member(ctx, caller, *numero, *target->member, *role)};
    }
    return not_found_call();
}

}  // namespace

void register_admin_routes(http::Router& router, AdminContext& ctx) {
    using http::Execution;
    const auto add = [&](const char* method, std::string route, int status, auto call, http::LargeBody large = {}) {
        router.add(
            method, std::move(route), Execution::blocking,
            [&ctx, status, call](const http::Request& request) {
                return serve(ctx, request, status, [&](const ApiCaller& caller) { return call(ctx, caller, request); });
            },
            std::move(large));
    };
    // The import's large body is read only for a caller holding the admin scope: anyone else is
    // refused on the header (401 or 403, as from the handler) with the body unread. It goes to a
    // temporary file, which the importer reads line by line: never 128 MiB in memory.
    const http::LargeBody import_body{import_body_limit,
                                      [&ctx](const http::Request& head) -> std::optional<http::Response> {
                                          auto caller = ctx.authenticate(head, admin_scope);
                                          if (!caller) return std::move(caller.error());
                                          return std::nullopt;
                                      },
                                      true};

    add("POST", path("/accounts/import"), 200,
        [](AdminContext& c, const ApiCaller& caller, const http::Request& request) {
            if (!request.body_file) return Call{"accounts_import", std::nullopt, import_accounts(c, caller, request.body)};
            std::ifstream lines(*request.body_file, std::ios::binary);
            return Call{"accounts_import", std::nullopt, import_accounts(c, caller, lines)};
        },
        import_body);
    add("POST", path("/accounts/lookup"), 200, [](AdminContext& c, const ApiCaller& caller, const http::Request& request) {
        auto lookup = parse_lookup_body(request.body);
        if (!lookup) return Call{"account_lookup", std::nullopt, rejected(lookup.error())};
        return Call{"account_lookup", std::nullopt, lookup_account(c, caller, *lookup)};
    });
    add("POST", path("/accounts/*"), 200, account_post);
    add("PUT", path("/accounts/*"), 200, account_put);
    add("PATCH", path("/accounts/*"), 200, account_put);
    add("POST", path("/dossiers"), 201, [](AdminContext& c, const ApiCaller& caller, const http::Request& request) {
        auto numero = parse_new_dossier_body(request.body);
        if (!numero) return Call{"dossier_create", std::nullopt, rejected(numero.error())};
        return Call{"dossier_create", std::nullopt, create_dossier(c, caller, *numero)};
    });
    for (const char* method : {"GET", "PUT", "DELETE"}) add(method, path("/dossiers/*"), 200, dossier_call);
    add("GET", path("/audit"), 200, [](AdminContext& c, const ApiCaller& caller, const http::Request& request) {
        auto parsed = parse_audit_request(request.query_params());
        if (!parsed) return Call{"audit_read", std::nullopt, rejected(parsed.error())};
        return Call{"audit_read", std::nullopt, read_audit(c, caller, *parsed)};
    });
}

}  // namespace caf::account::admin
