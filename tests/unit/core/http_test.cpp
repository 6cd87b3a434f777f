// Parsing of forms, queries and cookies as browsers and OAuth clients send them.
#include "core/http.hpp"

#include <gtest/gtest.h>

using namespace caf::http;

TEST(Urlencoded, DecodesPlusAndPercentAndKeepsOrder) {
    auto params = parse_urlencoded("scope=openid+profile&redirect_uri=https%3A%2F%2Fcaf.fr%2Fcb&x=").value();
    ASSERT_EQ(params.size(), 3u);
    EXPECT_EQ(params[0].second, "openid profile");
    EXPECT_EQ(params[1].second, "https://caf.fr/cb");
    EXPECT_EQ(params[2].second, "");
}

TEST(Urlencoded, MalformedPercentEncodingIsRefused) {
    EXPECT_FALSE(parse_urlencoded("a=%2").has_value());
    EXPECT_FALSE(parse_urlencoded("a=%zz").has_value());
}

TEST(Urlencoded, PlusIsItselfOutsideFormsAndQueries) {
    EXPECT_EQ(percent_decode("a+b%2Bc", PlusSign::literal), "a+b+c");
    EXPECT_EQ(percent_decode("a+b%2Bc"), "a b+c");
    EXPECT_FALSE(percent_decode("%4", PlusSign::literal));
    EXPECT_FALSE(percent_decode("%zz", PlusSign::literal));
}

TEST(MediaType, IsLowerCaseWithoutParameters) {
    EXPECT_EQ(media_type("Application/JWT ; charset=utf-8"), "application/jwt");
    EXPECT_EQ(media_type(" application/x-www-form-urlencoded"), "application/x-www-form-urlencoded");
    EXPECT_EQ(media_type(""), "");
}

TEST(Urlencoded, RepeatedParametersAreVisible) {
    auto params = parse_urlencoded("state=a&state=b").value();
    EXPECT_TRUE(is_repeated(params, "state"));
    EXPECT_EQ(find_param(params, "state").value(), "a");
}

TEST(Urlencoded, EncodeThenParseRoundTrips) {
    Params in{{"redirect_uri", "https://x.fr/a b?c=d&e"}, {"é", "ü"}};
    EXPECT_EQ(parse_urlencoded(encode_params(in)).value(), in);
}

TEST(Request, FormParamsRequireFormContentType) {
    Request plain;
    plain.body = "a=1";
    EXPECT_TRUE(plain.form_params().empty());
    Request form;
    form.body = "a=1";
    form.headers.set("content-type", "application/x-www-form-urlencoded; charset=UTF-8");
    EXPECT_EQ(find_param(form.form_params(), "a").value(), "1");
}

TEST(Request, FormIsParsedOnceAndKept) {
    Request r;
    r.body = "a=1&b=2";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded");
    const Params& first = r.form_params();
    EXPECT_EQ(&first, &r.form_params());
    EXPECT_EQ(first.size(), 2u);
    const Request copy = r;  // a copy keeps what was parsed
    EXPECT_EQ(find_param(copy.form_params(), "b").value(), "2");
}

TEST(Request, CookieIsFoundAmongSeveral) {
    Request r;
    r.headers.add("Cookie", "a=1; __Host-caf_session=abc; b=2");
    EXPECT_EQ(r.cookie("__Host-caf_session").value(), "abc");
    EXPECT_FALSE(r.cookie("caf_session").has_value());
}

TEST(Headers, CombinedJoinsEveryFieldOfTheNameInOrder) {
    Headers headers;
    headers.add("X-Forwarded-For", "198.51.100.99");
    headers.add("Host", "localhost");
    headers.add("x-forwarded-for", "203.0.113.7, 10.0.0.1");
    EXPECT_EQ(headers.combined("X-Forwarded-For").value_or(""), "198.51.100.99, 203.0.113.7, 10.0.0.1");
    EXPECT_EQ(headers.combined("Host").value_or(""), "localhost");
    EXPECT_FALSE(headers.combined("Forwarded"));
}

TEST(Headers, LookupIsCaseInsensitiveAndSetReplaces) {
    Headers h;
    h.add("Set-Cookie", "a=1");
    h.add("Set-Cookie", "b=2");
    EXPECT_EQ(h.fields().size(), 2u);
    h.set("set-cookie", "c=3");
    EXPECT_EQ(h.fields().size(), 1u);
    EXPECT_EQ(h.get("SET-COOKIE").value(), "c=3");
}

TEST(Cookies, StrictDefaults) {
    EXPECT_EQ(set_cookie_value("__Host-s", "v"), "__Host-s=v; Path=/; Secure; HttpOnly; SameSite=Lax");
}

// --- CSRF ---------------------------------------------------------------------------------------
#include "core/csrf.hpp"

namespace {
Request form_post(const std::string& cookie, const std::string& token) {
    Request r;
    r.method = "POST";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie.empty()) r.headers.add("Cookie", std::string(caf::CsrfGuard::cookie_name) + "=" + cookie);
    r.body = "csrf=" + url_encode(token);
    return r;
}
}  // namespace

TEST(Csrf, TokenIssuedWithCookieVerifiesForItsPurposeOnly) {
    caf::CsrfGuard guard(std::string(32, 's'), caf::system_random());
    auto issued = guard.issue(Request{}, "login");
    ASSERT_TRUE(issued.set_cookie.has_value());
    auto cookie = issued.set_cookie->substr(caf::CsrfGuard::cookie_name.size() + 1);
    cookie = cookie.substr(0, cookie.find(';'));
    EXPECT_TRUE(guard.verify(form_post(cookie, issued.token), "login"));
    EXPECT_FALSE(guard.verify(form_post(cookie, issued.token), "consent"));
}

TEST(Csrf, MissingCookieOrForeignTokenIsRefused) {
    caf::CsrfGuard guard(std::string(32, 's'), caf::system_random());
    caf::CsrfGuard other(std::string(32, 'o'), caf::system_random());
    std::string cookie(43, 'c');
    auto token = other.issue(form_post(cookie, ""), "login").token;
    EXPECT_FALSE(guard.verify(form_post(cookie, token), "login"));
    auto good = guard.issue(form_post(cookie, ""), "login").token;
    EXPECT_TRUE(guard.verify(form_post(cookie, good), "login"));
    EXPECT_FALSE(guard.verify(form_post("", good), "login"));
}
