// Queues a notification inside the caller's transaction (SPEC.md §10): a request that answers has
// its message durably queued, and a request that rolls back leaves nothing to send. Recipient and
// data are sealed; the NotificationDispatcher sends them later, off the request path.
#pragma once

#include <cstdint>

#include "notify/notification.hpp"
#include "core/personal_data_protector.hpp"
#include "core/clock.hpp"
#include "storage/accounts.hpp"
#include "storage/database.hpp"
#include "storage/notifications.hpp"

namespace caf::notify {

class Notifier {
public:
    Notifier(storage::Notifications& queue, const PersonalDataProtector& protector)
        : queue_(queue), protector_(protector) {}

    // The queue row's id. Throws std::invalid_argument for an empty recipient or data that is not
    // a JSON object (a programming error), StoreError from the store.
    std::int64_t enqueue(storage::Connection& c, const Notification& n, TimePoint now) const;

private:
    storage::Notifications& queue_;
    const PersonalDataProtector& protector_;
};

// Where a notice for the account's owner goes: the e-mail address, else the mobile number, known
// whether verified or not (a notice proves nothing, it warns). Nullopt when neither is known.
struct OwnerContact {
    NotificationChannel channel = NotificationChannel::email;
    std::string recipient;
};
std::optional<OwnerContact> owner_contact(const PersonalDataProtector& protector, const storage::Account& account);

// The sealed payload: {"data": {...}, "account_id": N}. Shared with the dispatcher and the
// letter print queue, which open it.
std::string seal_payload(const PersonalDataProtector& protector, NotificationChannel channel,
                         const nlohmann::json& data, std::optional<std::int64_t> account_id);

}  // namespace caf::notify
