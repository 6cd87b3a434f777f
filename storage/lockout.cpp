// Lockout read-modify-write: make sure the row exists, lock it, change it.
#include "storage/lockout.hpp"

namespace caf::storage {

namespace {
LockoutState to_state(const Row& r) {
    return {r.integer("failures"), r.integer("freeze_count"), r.optional_integer("frozen_until"),
            r.integer("updated_at"), r.integer("reserved"), r.optional_integer("reserved_at")};
}

constexpr const char* select_state =
    "SELECT failures, freeze_count, frozen_until, updated_at, reserved, reserved_at FROM lockouts WHERE key_digest = ?";
}  // namespace

LockoutState Lockouts::get(Connection& c, const std::string& key) {
    auto row = c.query_one(select_state, {Blob{key}});
    return row ? to_state(*row) : LockoutState{};
}

LockoutState Lockouts::update(Connection& c, const std::string& key, std::int64_t now,
                              const std::function<void(LockoutState&)>& change) {
    // Inserting first means there is always a row to lock: SELECT ... FOR UPDATE on a missing
    // row would only take a gap lock, and two first failures could both insert.
    c.exec("INSERT INTO lockouts (key_digest, failures, freeze_count, frozen_until, updated_at) "
           "VALUES (?, 0, 0, NULL, ?)" + c.dialect().insert_or_ignore("key_digest", "updated_at"),
           {Blob{key}, now});
    auto row = c.query_one(select_state + std::string(c.dialect().for_update()), {Blob{key}});
    LockoutState state = row ? to_state(*row) : LockoutState{};
    change(state);
    state.updated_at = now;
    c.exec("UPDATE lockouts SET failures = ?, freeze_count = ?, frozen_until = ?, updated_at = ?, reserved = ?, "
           "reserved_at = ? WHERE key_digest = ?",
           {state.failures, state.freeze_count, nullable(state.frozen_until), now, state.reserved,
            nullable(state.reserved_at), Blob{key}});
    return state;
}

void Lockouts::reset(Connection& c, const std::string& key) {
    c.exec("DELETE FROM lockouts WHERE key_digest = ?", {Blob{key}});
}

std::int64_t Lockouts::delete_stale(Connection& c, std::int64_t before) {
    return c.exec("DELETE FROM lockouts WHERE updated_at < ? AND (frozen_until IS NULL OR frozen_until < ?)",
                  {before, before});
}

}  // namespace caf::storage
