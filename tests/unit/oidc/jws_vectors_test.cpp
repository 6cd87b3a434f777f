// Published test vectors: RFC 7515 appendices A.1 (HS256), A.2 (RS256), A.3 (ES256) and
// RFC 8037 A.4 (Ed25519), verified — and for Ed25519, whose signatures are deterministic, signed.
#include "oidc/jose/jws.hpp"

#include "core/crypto.hpp"

#include <gtest/gtest.h>

namespace caf::oidc::jose {
namespace {

const std::string rfc7515_payload_b64 =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

TEST(JwsVectors, Rfc7515A1Hs256Verifies) {
    auto secret = crypto::base64url_decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    ASSERT_TRUE(secret.has_value());
    std::string token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + rfc7515_payload_b64 +
                        ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    auto verified = verify(token, SecretResolver{*secret}, {Algorithm::HS256});
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload, "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
    EXPECT_EQ(verified->header["typ"], "JWT");
}

TEST(JwsVectors, Rfc7515A2Rs256Verifies) {
    auto keys = JwkSet::parse(R"({"keys":[{"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}]})");
    ASSERT_TRUE(keys.has_value());
    std::string token =
        "eyJhbGciOiJSUzI1NiJ9." + rfc7515_payload_b64 +
        ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CU"
        "Ar7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--"
        "xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_Io"
        "ypGlUPQGe77Rw";
    auto verified = verify(token, *keys, {Algorithm::RS256});
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    // The same token presented as PS256 or to an allow-list without RS256 fails.
    EXPECT_EQ(verify(token, *keys, {Algorithm::PS256}).error(), jose_error::alg_not_allowed);
}

TEST(JwsVectors, Rfc7515A3Es256Verifies) {
    auto keys = JwkSet::parse(R"({"keys":[{"kty":"EC","crv":"P-256",
        "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})");
    ASSERT_TRUE(keys.has_value());
    std::string token = "eyJhbGciOiJFUzI1NiJ9." + rfc7515_payload_b64 +
                        ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    auto verified = verify(token, *keys, {Algorithm::ES256});
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
}

TEST(JwsVectors, Rfc8037A4Ed25519SignsAndVerifies) {
    const std::string expected =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4k"
        "i4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    auto d = *crypto::base64url_decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A");
    evp_pkey_ptr key{EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr,
                                                     reinterpret_cast<const unsigned char*>(d.data()), d.size())};
    ASSERT_TRUE(key);
    auto token = sign(nlohmann::json::object(), "Example of Ed25519 signing", SigningKey{"", share(std::move(key))},
                      Algorithm::EdDSA);
    ASSERT_TRUE(token.has_value());
    EXPECT_EQ(*token, expected);

    auto keys = JwkSet::parse(
        R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})");
    auto verified = verify(expected, *keys, {Algorithm::EdDSA});
    ASSERT_TRUE(verified.has_value()) << verified.error().message();
    EXPECT_EQ(verified->payload, "Example of Ed25519 signing");
}

}  // namespace
}  // namespace caf::oidc::jose
