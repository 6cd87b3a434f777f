// Signing key store: every change runs under the directory lock on a fresh read of keys.json,
// writes new PEM files before the keys.json that names them, and deletes PEM files only after
// keys.json stops naming them — so a crash at any point leaves a store that loads.
#include "oidc/keys/signing_key_store.hpp"

#include "oidc/keys/key_files.hpp"
#include "oidc/keys/key_metadata.hpp"
#include "oidc/keys/private_key.hpp"

#include <openssl/crypto.h>

#include <algorithm>

namespace caf::oidc::keys {
namespace {

constexpr mode_t private_file_mode = 0600;

}  // namespace

SigningKeyStore::SigningKeyStore(std::filesystem::path dir, const Clock& clock)
    : dir_(std::move(dir)), clock_(clock), snapshot_(std::make_shared<Snapshot>()) {}

std::unique_ptr<SigningKeyStore> SigningKeyStore::load_or_create(std::filesystem::path dir,
                                                                 const std::vector<jose::Algorithm>& algorithms,
                                                                 const Clock& clock) {
    ensure_key_directory(dir);
    std::unique_ptr<SigningKeyStore> store{new SigningKeyStore(std::move(dir), clock)};
    DirectoryLock lock{store->dir_};
    auto current = store->read_from_disk(nullptr, true);
    auto now = clock.now();

    auto next = std::make_shared<Snapshot>(*current);
    for (auto alg : algorithms) {
        bool present = std::any_of(next->entries.begin(), next->entries.end(), [&](const Entry& e) {
            return e.info.alg == alg && e.info.published_at(now);
        });
        if (present) continue;
        next->entries.push_back(store->create_entry(alg, now, now));
    }
    if (next->entries.size() != current->entries.size()) {
        for (std::size_t i = current->entries.size(); i < next->entries.size(); ++i)
            store->write_private_key(next->entries[i]);
        store->write_metadata(next->entries);
    }
    store->publish(std::move(next));
    return store;
}

std::string SigningKeyStore::rotate(jose::Algorithm alg, std::chrono::seconds activation_delay,
                                    std::chrono::seconds retire_after) {
    std::lock_guard guard{write_mutex_};
    DirectoryLock lock{dir_};
    // Another process may have rotated since this one loaded: start from what is on disk.
    auto next = std::make_shared<Snapshot>(*read_from_disk(snapshot().get(), false));
    auto now = clock_.now();
    auto entry = create_entry(alg, now, now + activation_delay);
    const TimePoint retire_at = entry.info.activates_at + retire_after;
    for (auto& existing : next->entries) {
        if (existing.info.kid == entry.info.kid)
            throw key_store_error(metadata_file().string() + ": generated key " + entry.info.kid + " already exists");
        if (existing.info.alg != alg || !existing.info.published_at(now)) continue;
        if (!existing.info.retires_at || *existing.info.retires_at > retire_at) existing.info.retires_at = retire_at;
    }
    write_private_key(entry);
    std::string kid = entry.info.kid;
    next->entries.push_back(std::move(entry));
    write_metadata(next->entries);
    publish(std::move(next));
    return kid;
}

std::size_t SigningKeyStore::prune(TimePoint now) {
    std::lock_guard guard{write_mutex_};
    DirectoryLock lock{dir_};
    auto current = read_from_disk(snapshot().get(), false);
    auto next = std::make_shared<Snapshot>();
    std::vector<std::string> removed;
    for (const auto& entry : current->entries) {
        if (entry.info.published_at(now))
            next->entries.push_back(entry);
        else
            removed.push_back(entry.info.kid);
    }
    if (!removed.empty()) {
        write_metadata(next->entries);
        for (const auto& kid : removed) remove_key_file(key_file(kid));
    }
    publish(std::move(next));
    return removed.size();
}

void SigningKeyStore::reload() {
    std::lock_guard guard{write_mutex_};
    DirectoryLock lock{dir_};
    publish(read_from_disk(snapshot().get(), false));
}

std::vector<KeyInfo> SigningKeyStore::list() const {
    auto current = snapshot();
    std::vector<KeyInfo> out;
    out.reserve(current->entries.size());
    for (const auto& entry : current->entries) out.push_back(entry.info);
    return out;
}

std::optional<jose::SigningKey> SigningKeyStore::signing_key(jose::Algorithm alg, TimePoint now) const {
    auto current = snapshot();
    const Entry* best = nullptr;
    for (const auto& entry : current->entries) {
        if (entry.info.alg != alg || !entry.info.signs_at(now)) continue;
        // On a tie the later entry wins: keys.json lists keys in the order they were created.
        if (best == nullptr || entry.info.activates_at > best->info.activates_at ||
            (entry.info.activates_at == best->info.activates_at && entry.info.created_at >= best->info.created_at))
            best = &entry;
    }
    if (best == nullptr) return std::nullopt;
    return jose::SigningKey{best->info.kid, best->private_key};
}

jose::JwkSet SigningKeyStore::jwks(TimePoint now) const {
    auto current = snapshot();
    jose::JwkSet set;
    for (const auto& entry : current->entries)
        if (entry.info.published_at(now)) set.add(entry.public_jwk);
    return set;
}

std::shared_ptr<const SigningKeyStore::Snapshot> SigningKeyStore::snapshot() const {
    std::lock_guard lock{snapshot_mutex_};
    return snapshot_;
}

void SigningKeyStore::publish(std::shared_ptr<const Snapshot> next) {
    std::lock_guard lock{snapshot_mutex_};
    snapshot_ = std::move(next);
}

std::shared_ptr<const SigningKeyStore::Snapshot> SigningKeyStore::read_from_disk(const Snapshot* previous,
                                                                                 bool missing_ok) const {
    auto result = std::make_shared<Snapshot>();
    const auto file = metadata_file();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        if (missing_ok && !ec) return result;
        throw key_store_error(file.string() + ": key metadata file is missing");
    }
    auto infos = parse_key_metadata(read_key_file(file, false), file);
    const auto now = clock_.now();
    for (auto& info : infos) {
        const Entry* known = nullptr;
        if (previous != nullptr)
            for (const auto& entry : previous->entries)
                if (entry.info.kid == info.kid && entry.info.alg == info.alg) known = &entry;
        if (known != nullptr) {
            result->entries.push_back(Entry{std::move(info), known->private_key, known->public_jwk});
            continue;
        }
        // A retired key whose file a concurrent prune already removed is simply gone.
        if (!info.published_at(now) && !std::filesystem::exists(key_file(info.kid), ec)) continue;
        result->entries.push_back(load_entry(info));
    }
    return result;
}

SigningKeyStore::Entry SigningKeyStore::load_entry(const KeyInfo& info) const {
    const auto file = key_file(info.kid);
    std::string pem = read_key_file(file, true);
    auto key = private_key_from_pem(pem);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!key) throw key_store_error(file.string() + ": not a PEM private key");
    if (auto ec = jose::check_key_for_algorithm(key.get(), info.alg))
        throw key_store_error(file.string() + ": key cannot sign " + std::string(jose::to_string(info.alg)) + ": " +
                              ec.message());
    auto jwk = jose::Jwk::from_key(key.get());
    if (!jwk) throw key_store_error(file.string() + ": " + jwk.error().message());
    // The kid is the key's thumbprint: a mismatch means the file was swapped or keys.json edited.
    if (jwk->thumbprint() != info.kid)
        throw key_store_error(file.string() + ": key does not match its kid " + info.kid + " (thumbprint " +
                              jwk->thumbprint() + ")");
    jwk->set_kid(info.kid).set_alg(info.alg).set_use("sig");
    return Entry{info, jose::share(std::move(key)), std::move(*jwk)};
}

SigningKeyStore::Entry SigningKeyStore::create_entry(jose::Algorithm alg, TimePoint now, TimePoint activates_at) const {
    auto key = generate_private_key(alg);
    auto jwk = jose::Jwk::from_key(key.get());
    if (!jwk) throw key_store_error(dir_.string() + ": generated key has no JWK: " + jwk.error().message());
    KeyInfo info{jwk->thumbprint(), alg, now, activates_at, std::nullopt};
    jwk->set_kid(info.kid).set_alg(alg).set_use("sig");
    return Entry{std::move(info), jose::share(std::move(key)), std::move(*jwk)};
}

void SigningKeyStore::write_private_key(const Entry& entry) const {
    std::string pem = private_key_to_pem(entry.private_key.get());
    write_file_atomically(key_file(entry.info.kid), pem, private_file_mode);
    OPENSSL_cleanse(pem.data(), pem.size());
}

void SigningKeyStore::write_metadata(const std::vector<Entry>& entries) const {
    std::vector<KeyInfo> infos;
    infos.reserve(entries.size());
    for (const auto& entry : entries) infos.push_back(entry.info);
    write_file_atomically(metadata_file(), serialise_key_metadata(infos), private_file_mode);
}

}  // namespace caf::oidc::keys
