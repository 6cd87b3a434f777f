// The signing key store: first start, reload, rotation schedule, pruning, file safety.
#include "oidc/keys/signing_key_store.hpp"

#include "oidc/keys/key_files.hpp"
#include "test_keys.hpp"

#include <sys/stat.h>

#include <atomic>
#include <set>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace caf::oidc::keys {
namespace {

using namespace std::chrono_literals;
using jose::Algorithm;

mode_t mode_of(const std::filesystem::path& file) {
    struct stat st {};
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return st.st_mode & 07777;
}

std::set<std::string> kids_of(const jose::JwkSet& set) {
    std::set<std::string> kids;
    for (const auto& key : set.keys()) kids.insert(key.kid());
    return kids;
}

std::string sign_with(const SigningKeyStore& store, Algorithm alg, TimePoint now) {
    auto key = store.signing_key(alg, now);
    EXPECT_TRUE(key.has_value());
    return *jose::sign({{"typ", "JWT"}}, R"({"sub":"1"})", *key, alg);
}

class SigningKeyStoreTest : public ::testing::Test {
protected:
    test::TemporaryDirectory tmp_;
    std::filesystem::path dir_ = tmp_.path() / "keys";
    ManualClock clock_;
};

TEST_F(SigningKeyStoreTest, FirstStartCreatesAnRs256AndAnEs256KeyInPrivateFiles) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::RS256, Algorithm::ES256}, clock_);
    auto keys = store->list();
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(mode_of(dir_), 0700u);
    EXPECT_EQ(mode_of(dir_ / "keys.json"), 0600u);
    for (const auto& key : keys) {
        EXPECT_EQ(mode_of(dir_ / (key.kid + ".pem")), 0600u);
        EXPECT_EQ(key.activates_at, clock_.now());
        EXPECT_FALSE(key.retires_at.has_value());
    }
    auto rsa = store->signing_key(Algorithm::RS256, clock_.now());
    ASSERT_TRUE(rsa.has_value());
    EXPECT_EQ(EVP_PKEY_get_bits(std::get<jose::shared_pkey>(rsa->material).get()), 2048);

    auto jwks = store->jwks(clock_.now());
    ASSERT_EQ(jwks.keys().size(), 2u);
    for (const auto& jwk : jwks.keys()) {
        EXPECT_EQ(jwk.kid(), jwk.thumbprint());
        EXPECT_EQ(jwk.use(), "sig");
        EXPECT_FALSE(jwk.to_json().contains("d"));
    }
    EXPECT_EQ(kids_of(jwks).size(), 2u);
}

TEST_F(SigningKeyStoreTest, ReloadFromDiskGivesTheSameKidsAndVerifiesEarlierTokens) {
    auto first = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256, Algorithm::EdDSA}, clock_);
    auto token = sign_with(*first, Algorithm::ES256, clock_.now());
    auto second = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256, Algorithm::EdDSA}, clock_);
    EXPECT_EQ(kids_of(first->jwks(clock_.now())), kids_of(second->jwks(clock_.now())));
    EXPECT_TRUE(jose::verify(token, second->jwks(clock_.now()), {Algorithm::ES256}).has_value());
}

TEST_F(SigningKeyStoreTest, RotationPublishesAtOnceAndSignsOnlyAfterTheDelay) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    const auto old_kid = store->signing_key(Algorithm::ES256, clock_.now())->kid;
    auto old_token = sign_with(*store, Algorithm::ES256, clock_.now());

    auto new_kid = store->rotate(Algorithm::ES256, 1h, 10min);
    EXPECT_NE(new_kid, old_kid);
    EXPECT_EQ(kids_of(store->jwks(clock_.now())), (std::set<std::string>{old_kid, new_kid}));
    EXPECT_EQ(store->signing_key(Algorithm::ES256, clock_.now())->kid, old_kid);
    EXPECT_EQ(store->signing_key(Algorithm::ES256, clock_.now() + 59min)->kid, old_kid);
    EXPECT_EQ(store->signing_key(Algorithm::ES256, clock_.now() + 1h)->kid, new_kid);

    // Tokens the old key signed keep verifying until it retires, 10 minutes after the switch.
    EXPECT_TRUE(jose::verify(old_token, store->jwks(clock_.now() + 69min), {Algorithm::ES256}).has_value());
    EXPECT_EQ(jose::verify(old_token, store->jwks(clock_.now() + 70min), {Algorithm::ES256}).error(),
              jose::jose_error::unknown_kid);
}

TEST_F(SigningKeyStoreTest, RetiredKeyIsPrunedFromMetadataAndDisk) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    const auto old_kid = store->list().front().kid;
    auto new_kid = store->rotate(Algorithm::ES256, 0s, 5min);
    EXPECT_EQ(store->prune(clock_.now() + 4min), 0u);
    EXPECT_EQ(store->prune(clock_.now() + 5min), 1u);
    ASSERT_EQ(store->list().size(), 1u);
    EXPECT_EQ(store->list().front().kid, new_kid);
    EXPECT_FALSE(std::filesystem::exists(dir_ / (old_kid + ".pem")));
    EXPECT_EQ(SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_)->list().size(), 1u);
}

TEST_F(SigningKeyStoreTest, ReloadSeesARotationMadeByAnotherProcess) {
    auto server = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    auto cli = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    auto new_kid = cli->rotate(Algorithm::ES256, 0s, 1h);
    EXPECT_EQ(server->jwks(clock_.now()).find(new_kid), nullptr);
    server->reload();
    EXPECT_NE(server->jwks(clock_.now()).find(new_kid), nullptr);
    EXPECT_EQ(server->signing_key(Algorithm::ES256, clock_.now())->kid, new_kid);
}

TEST_F(SigningKeyStoreTest, ReadsStayConsistentWhileRotating) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    std::atomic<bool> done{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i)
        readers.emplace_back([&] {
            while (!done) {
                auto now = clock_.now();
                auto key = store->signing_key(Algorithm::ES256, now);
                if (!key) {
                    ++failures;
                    continue;
                }
                auto token = jose::sign({}, "x", *key, Algorithm::ES256);
                if (!token || !jose::verify(*token, store->jwks(now), {Algorithm::ES256})) ++failures;
            }
        });
    for (int i = 0; i < 5; ++i) store->rotate(Algorithm::ES256, 0s, 1h);
    done = true;
    for (auto& reader : readers) reader.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(store->jwks(clock_.now()).keys().size(), 6u);
}

TEST_F(SigningKeyStoreTest, CorruptedKeysJsonIsAnErrorNamingTheFile) {
    SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    std::ofstream(dir_ / "keys.json") << "{\"format\":1,\"keys\":[{\"kid\":";
    try {
        SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
        FAIL() << "expected key_store_error";
    } catch (const key_store_error& e) {
        EXPECT_NE(std::string(e.what()).find((dir_ / "keys.json").string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    }
}

TEST_F(SigningKeyStoreTest, FailedReloadKeepsTheCurrentKeys) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    std::ofstream(dir_ / "keys.json") << "garbage";
    EXPECT_THROW(store->reload(), key_store_error);
    EXPECT_TRUE(store->signing_key(Algorithm::ES256, clock_.now()).has_value());
}

TEST_F(SigningKeyStoreTest, KeyFileReadableByOthersIsRefused) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    auto file = dir_ / (store->list().front().kid + ".pem");
    ::chmod(file.c_str(), 0644);
    try {
        SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
        FAIL() << "expected key_store_error";
    } catch (const key_store_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("0644"), std::string::npos) << e.what();
    }
}

TEST_F(SigningKeyStoreTest, SwappedKeyFileDoesNotMatchItsKid) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    auto kid = store->list().front().kid;
    auto other = jose::share(generate_private_key(Algorithm::ES256));
    write_file_atomically(dir_ / (kid + ".pem"), private_key_to_pem(other.get()), 0600);
    EXPECT_THROW(SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_), key_store_error);
}

TEST_F(SigningKeyStoreTest, NoTemporaryFilesAreLeftBehind) {
    auto store = SigningKeyStore::load_or_create(dir_, {Algorithm::ES256}, clock_);
    store->rotate(Algorithm::ES256, 0s, 0s);
    store->prune(clock_.now());
    for (const auto& entry : std::filesystem::directory_iterator(dir_))
        EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace caf::oidc::keys
