// The provider's signing keys, kept outside the database in a directory of their own: one
// <kid>.pem per private key (mode 0600) and keys.json with each key's schedule. The server reads
// it on many threads; `cafconnect keys rotate` changes it from another process, and the server
// picks the change up with reload().
#pragma once

#include "core/clock.hpp"
#include "oidc/jose/jwk.hpp"
#include "oidc/jose/jws.hpp"
#include "oidc/keys/key_info.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace caf::oidc::keys {

class SigningKeyStore {
public:
    // Opens the store in `dir` (created, mode 0700, when absent) and generates a key for every
    // algorithm in `algorithms` that has no published key — RSA 2048 for RS256, P-256 for ES256
    // on first start with {RS256, ES256}. Throws key_store_error naming the file and the reason: this runs at
    // startup, where a broken key store is fatal.
    // `clock` must outlive the store.
    static std::unique_ptr<SigningKeyStore> load_or_create(std::filesystem::path dir,
                                                           const std::vector<jose::Algorithm>& algorithms,
                                                           const Clock& clock);

    // Adds a key for `alg`, published at once and signing from now + activation_delay (so that
    // relying parties have cached it before they meet it). Every key it replaces stays published
    // until activation + retire_after, which must exceed the lifetime of what they signed.
    // Returns the new kid. Throws key_store_error.
    std::string rotate(jose::Algorithm alg, std::chrono::seconds activation_delay, std::chrono::seconds retire_after);

    // Removes keys whose retires_at has passed, from keys.json and from disk. Returns how many.
    std::size_t prune(TimePoint now);

    // Re-reads keys.json (after a rotation by another process). Throws key_store_error and keeps
    // the keys it had when the directory is unreadable, so a server can log and carry on.
    void reload();

    std::vector<KeyInfo> list() const;
    // The newest key for `alg` whose activation has come and which has not retired.
    std::optional<jose::SigningKey> signing_key(jose::Algorithm alg, TimePoint now) const;
    // Every published key (pending, signing, or retiring), public halves only.
    jose::JwkSet jwks(TimePoint now) const;

    const std::filesystem::path& directory() const noexcept { return dir_; }

    SigningKeyStore(const SigningKeyStore&) = delete;
    SigningKeyStore& operator=(const SigningKeyStore&) = delete;

private:
    struct Entry {
        KeyInfo info;
        jose::shared_pkey private_key;
        jose::Jwk public_jwk;
    };
    // Immutable once published: readers copy the pointer and never wait on a writer's disk I/O.
    struct Snapshot {
        std::vector<Entry> entries;
    };

    SigningKeyStore(std::filesystem::path dir, const Clock& clock);

    std::shared_ptr<const Snapshot> snapshot() const;
    void publish(std::shared_ptr<const Snapshot> next);
    std::shared_ptr<const Snapshot> read_from_disk(const Snapshot* previous, bool missing_ok) const;
    Entry load_entry(const KeyInfo& info) const;
    Entry create_entry(jose::Algorithm alg, TimePoint now, TimePoint activates_at) const;
    void write_private_key(const Entry& entry) const;
    void write_metadata(const std::vector<Entry>& entries) const;
    std::filesystem::path metadata_file() const { return dir_ / "keys.json"; }
    std::filesystem::path key_file(const std::string& kid) const { return dir_ / (kid + ".pem"); }

    std::filesystem::path dir_;
    const Clock& clock_;
    std::mutex write_mutex_;  // one writer in this process; DirectoryLock orders processes
    mutable std::mutex snapshot_mutex_;
    std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace caf::oidc::keys
