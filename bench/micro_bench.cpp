// Micro-benchmarks of the hot functions: request parsing, routing, digests, JWS and Argon2id.
// Timing goals live here, never in tests.
#include <benchmark/benchmark.h>

#include "account/password/password_hasher.hpp"
#include "core/crypto.hpp"
#include "core/http.hpp"
#include "core/random.hpp"
#include "core/router.hpp"
#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/private_key.hpp"

namespace {

using namespace caf;

void BM_ParseTokenRequestForm(benchmark::State& state) {
    std::string body =
        "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&redirect_uri=https%3A%2F%2Fwww.caf.fr%2Fcb"
        "&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=caf-portal";
    for (auto _ : state) benchmark::DoNotOptimize(http::parse_urlencoded(body));
}
BENCHMARK(BM_ParseTokenRequestForm);

void BM_RouterFind(benchmark::State& state) {
    http::Router router;
    for (const char* path : {"/authorize", "/authorize/resume", "/token", "/userinfo", "/introspect", "/revoke",
                             "/logout", "/jwks", "/.well-known/openid-configuration", "/connexion", "/mon-compte"})
        router.add("GET", path, http::Execution::blocking, [](const http::Request&) { return http::Response{}; });
    router.add("GET", "/static/*", http::Execution::inline_cpu, [](const http::Request&) { return http::Response{}; });
    for (auto _ : state) benchmark::DoNotOptimize(router.find("GET", "/userinfo"));
}
BENCHMARK(BM_RouterFind);

void BM_Sha256OfToken(benchmark::State& state) {
    auto token = random_token(system_random());
    for (auto _ : state) benchmark::DoNotOptimize(crypto::sha256(token));
}
BENCHMARK(BM_Sha256OfToken);

void BM_JwsSign(benchmark::State& state, oidc::jose::Algorithm alg) {
    oidc::jose::SigningKey key{"bench", oidc::jose::share(oidc::keys::generate_private_key(alg))};
    std::string payload = R"({"iss":"https://connect.caf.fr","sub":"abc","aud":"caf-portal","exp":1,"iat":1})";
    for (auto _ : state) benchmark::DoNotOptimize(oidc::jose::sign({{"typ", "JWT"}}, payload, key, alg));
}
BENCHMARK_CAPTURE(BM_JwsSign, RS256, oidc::jose::Algorithm::RS256);
BENCHMARK_CAPTURE(BM_JwsSign, ES256, oidc::jose::Algorithm::ES256);

void BM_JwsVerify(benchmark::State& state, oidc::jose::Algorithm alg) {
    auto pkey = oidc::jose::share(oidc::keys::generate_private_key(alg));
    oidc::jose::SigningKey key{"bench", pkey};
    auto token = oidc::jose::sign({{"typ", "JWT"}}, R"({"sub":"abc"})", key, alg).value();
    oidc::jose::JwkSet set;
    auto jwk = oidc::jose::Jwk::from_key(pkey.get()).value();
    jwk.set_kid("bench");
    set.add(jwk);
    for (auto _ : state) benchmark::DoNotOptimize(oidc::jose::verify(token, set, {alg}));
}
BENCHMARK_CAPTURE(BM_JwsVerify, RS256, oidc::jose::Algorithm::RS256);
BENCHMARK_CAPTURE(BM_JwsVerify, ES256, oidc::jose::Algorithm::ES256);

// The cost every login pays on the worker pool (OWASP floor parameters).
void BM_Argon2idVerify(benchmark::State& state) {
    account::PasswordHasher hasher(account::Argon2Params{}, system_random());
    auto phc = hasher.hash("Motdepasse2024");
    for (auto _ : state) benchmark::DoNotOptimize(hasher.verify("Motdepasse2024", phc));
}
BENCHMARK(BM_Argon2idVerify)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
