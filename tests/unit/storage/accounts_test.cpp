// Accounts and the audit log, on both backends.
#include <atomic>
#include <thread>

#include "store_fixture.hpp"

namespace caf::storage::testing {
namespace {

template <class B>
class AccountsTest : public StoreTest<B> {};
TYPED_TEST_SUITE(AccountsTest, Backends, BackendNames);

NewAccount full_account() {
    NewAccount a;
    a.nir_lookup = std::string("\x01\x02nir-hmac\x00\xff", 12);
    a.nir_sealed = "sealed-nir";
    a.password_hash = "$argon2id$v=19$m=65536,t=3,p=4$salt$hash";
    a.password_changed_at = t0 - 100;
    a.legacy_password = true;
    a.cgu_version = "2024-01";
    a.civil_status_sealed = "sealed-civil";
    a.pivot_lookup = "pivot-hmac";
    a.email_sealed = "sealed-mail";
    a.email_verified = true;
    a.phone_sealed = "sealed-phone";
    a.address_sealed = "sealed-address";
    a.documents_required = true;
    a.identity_verified = true;
    return a;
}

TYPED_TEST(AccountsTest, CreatedAccountIsFoundByIdAndNirLookup) {
    auto& accounts = this->store().accounts();
    const NewAccount a = full_account();
    const auto id = accounts.create(a, t0);
    auto found = accounts.find(id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, id);
    EXPECT_EQ(found->nir_lookup, a.nir_lookup);
    EXPECT_EQ(found->nir_sealed, a.nir_sealed);
    EXPECT_FALSE(found->provisional_id);
    EXPECT_EQ(found->password_hash, a.password_hash);
    EXPECT_EQ(found->password_changed_at, t0 - 100);
    EXPECT_TRUE(found->legacy_password);
    EXPECT_EQ(found->cgu_version, "2024-01");
    EXPECT_EQ(found->civil_status_sealed, "sealed-civil");
    EXPECT_EQ(found->pivot_lookup, "pivot-hmac");
    EXPECT_EQ(found->email_sealed, "sealed-mail");
    EXPECT_TRUE(found->email_verified);
    EXPECT_EQ(found->phone_sealed, "sealed-phone");
    EXPECT_FALSE(found->phone_verified);
    EXPECT_EQ(found->address_sealed, "sealed-address");
    EXPECT_TRUE(found->documents_required);
    EXPECT_TRUE(found->identity_verified);
    EXPECT_EQ(found->status, "active");
    EXPECT_EQ(found->created_at, t0);
    EXPECT_EQ(found->updated_at, t0);
    auto by_nir = accounts.find_by_nir_lookup(*a.nir_lookup);
    ASSERT_TRUE(by_nir);
    EXPECT_EQ(by_nir->id, id);
    EXPECT_FALSE(accounts.find_by_nir_lookup("other"));
    EXPECT_FALSE(accounts.find(id + 1000));
}

TYPED_TEST(AccountsTest, ProvisionalAccountIsFoundByItsIdentifier) {
    auto& accounts = this->store().accounts();
    NewAccount a;
    a.provisional_id = "P33392250";
    const auto id = accounts.create(a, t0);
    auto found = accounts.find_by_provisional_id("P33392250");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, id);
    EXPECT_FALSE(found->nir_lookup);
    EXPECT_FALSE(found->password_hash);
    // Several accounts without NIR or provisional id coexist (NULLs never collide).
    EXPECT_NO_THROW(accounts.create(NewAccount{}, t0));
    EXPECT_NO_THROW(accounts.create(NewAccount{}, t0));
}

TYPED_TEST(AccountsTest, DuplicateNirOrProvisionalIdIsAConflict) {
    auto& accounts = this->store().accounts();
    accounts.create(full_account(), t0);
    try {
        accounts.create(full_account(), t0);
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
    NewAccount p;
    p.provisional_id = "P00000001";
    accounts.create(p, t0);
    try {
        accounts.create(p, t0);
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
}

TYPED_TEST(AccountsTest, TwoThreadsCreatingTheSameNirGiveOneAccountAndOneConflict) {
    std::atomic<int> created{0}, conflicts{0}, others{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        threads.emplace_back([&] {
            try {
                NewAccount a;
                a.nir_lookup = "same-nir";
                this->store().accounts().create(a, t0);
                ++created;
            } catch (const StoreError& e) {
                (e.kind() == ErrorKind::conflict ? conflicts : others)++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created, 1);
    EXPECT_EQ(conflicts, 1);
    EXPECT_EQ(others, 0);
}

TYPED_TEST(AccountsTest, NewPasswordSetsChangedAtAndEndsLegacy) {
    auto& accounts = this->store().accounts();
    const auto id = accounts.create(full_account(), t0);
    EXPECT_TRUE(accounts.update_password(id, "$argon2id$new", t0 + 50));
    auto a = accounts.find(id);
    EXPECT_EQ(a->password_hash, "$argon2id$new");
    EXPECT_EQ(a->password_changed_at, t0 + 50);
    EXPECT_FALSE(a->legacy_password);
    EXPECT_EQ(a->updated_at, t0 + 50);
    // A rehash with new parameters is not a password change.
    EXPECT_TRUE(accounts.replace_password_hash(id, "$argon2id$rehashed", t0 + 60));
    a = accounts.find(id);
    EXPECT_EQ(a->password_hash, "$argon2id$rehashed");
    EXPECT_EQ(a->password_changed_at, t0 + 50);
    EXPECT_FALSE(accounts.update_password(id + 999, "x", t0));
}

TYPED_TEST(AccountsTest, ContactCguNirCivilStatusAndFlagsAreUpdated) {
    auto& accounts = this->store().accounts();
    NewAccount p;
    p.provisional_id = "P12345678";
    const auto id = accounts.create(p, t0);
    EXPECT_FALSE(accounts.find(id)->identity_verified);
    EXPECT_TRUE(accounts.update_contact(id, {std::nullopt, false, "sealed-06", true}, t0 + 1));
    EXPECT_TRUE(accounts.accept_cgu(id, "2024-03", t0 + 2));
    // The back office attached the NIR: it vouches for the identity.
    EXPECT_TRUE(accounts.attach_nir(id, "nir-hmac-2", "sealed-nir-2", t0 + 3));
    EXPECT_TRUE(accounts.find(id)->identity_verified);
    this->db().transaction([&](Connection& c) {
        EXPECT_TRUE(accounts.update_civil_status(c, id, "sealed-civil-2", std::string("pivot-2"), t0 + 4));
        EXPECT_TRUE(accounts.set_documents_required(c, id, true, t0 + 5));
        EXPECT_TRUE(accounts.set_status(c, id, "disabled", t0 + 6));
        EXPECT_TRUE(accounts.update_address(c, id, std::string("sealed-addr"), t0 + 7));
        auto locked = accounts.find_for_update(c, id);
        ASSERT_TRUE(locked);
        EXPECT_EQ(locked->status, "disabled");
    });
    auto a = accounts.find(id);
    EXPECT_FALSE(a->email_sealed);
    EXPECT_EQ(a->phone_sealed, "sealed-06");
    EXPECT_TRUE(a->phone_verified);
    EXPECT_EQ(a->cgu_version, "2024-03");
    EXPECT_EQ(a->nir_lookup, "nir-hmac-2");
    EXPECT_EQ(a->provisional_id, "P12345678");
    EXPECT_EQ(a->civil_status_sealed, "sealed-civil-2");
    EXPECT_EQ(a->pivot_lookup, "pivot-2");
    EXPECT_TRUE(a->documents_required);
    EXPECT_EQ(a->status, "disabled");
    EXPECT_EQ(a->address_sealed, "sealed-addr");
    EXPECT_EQ(a->updated_at, t0 + 7);
    EXPECT_EQ(accounts.find_by_nir_lookup("nir-hmac-2")->id, id);
}

TYPED_TEST(AccountsTest, AttachingANirThatHasAnAccountIsAConflict) {
    auto& accounts = this->store().accounts();
    this->new_account("taken");
    NewAccount p;
    p.provisional_id = "P99999999";
    const auto id = accounts.create(p, t0);
    try {
        accounts.attach_nir(id, "taken", "sealed", t0);
        FAIL();
    } catch (const StoreError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::conflict);
    }
}

TYPED_TEST(AccountsTest, PivotLookupFindsEveryHomonym) {
    auto& accounts = this->store().accounts();
    NewAccount a;
    a.pivot_lookup = "pivot-x";
    const auto first = accounts.create(a, t0);
    const auto second = accounts.create(a, t0);
    a.pivot_lookup = "pivot-y";
    accounts.create(a, t0);
    auto found = accounts.find_by_pivot_lookup("pivot-x");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].id, first);
    EXPECT_EQ(found[1].id, second);
    EXPECT_TRUE(accounts.find_by_pivot_lookup("pivot-z").empty());
}

TYPED_TEST(AccountsTest, IdsByNirLookupAnswersABatchInOneQuery) {
    auto& accounts = this->store().accounts();
    NewAccount a;
    a.nir_lookup = std::string("\x00binary\xfflookup", 14);
    const auto first = accounts.create(a, t0);
    a.nir_lookup = "lookup-2";
    const auto second = accounts.create(a, t0);
    auto ids = accounts.ids_by_nir_lookup({"unknown", "lookup-2", std::string("\x00binary\xfflookup", 14)});
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids.at(std::string("\x00binary\xfflookup", 14)), first);
    EXPECT_EQ(ids.at("lookup-2"), second);
    EXPECT_TRUE(accounts.ids_by_nir_lookup({}).empty());
}

template <class B>
class AuditLogTest : public StoreTest<B> {};
TYPED_TEST_SUITE(AuditLogTest, Backends, BackendNames);

TYPED_TEST(AuditLogTest, EntriesAreListedWithFiltersAndPaging) {
    auto& log = this->store().audit_log();
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 10; ++i) {
        ids.push_back(log.append({t0 + i, i % 2 ? "account" : "admin", std::to_string(i),
                                  i < 5 ? "login.success" : "password.changed", i % 2 ? std::optional<std::int64_t>(7) : 8,
                                  {{"client", "portal"}, {"n", i}}}));
    }
    AuditQuery all;
    auto entries = log.list(all);
    ASSERT_EQ(entries.size(), 10u);
    EXPECT_EQ(entries[3].id, ids[3]);
    EXPECT_EQ(entries[3].at, t0 + 3);
    EXPECT_EQ(entries[3].actor_type, "account");
    EXPECT_EQ(entries[3].actor_id, "3");
    EXPECT_EQ(entries[3].action, "login.success");
    EXPECT_EQ(entries[3].account_id, 7);
    EXPECT_EQ(entries[3].details["client"], "portal");
    EXPECT_EQ(entries[3].details["n"], 3);

    AuditQuery by_account;
    by_account.account_id = 7;
    EXPECT_EQ(log.list(by_account).size(), 5u);
    AuditQuery by_action;
    by_action.action = "password.changed";
    by_action.account_id = 8;
    EXPECT_EQ(log.list(by_action).size(), 2u);  // 6, 8
    AuditQuery range;
    range.from = t0 + 2;
    range.until = t0 + 5;
    EXPECT_EQ(log.list(range).size(), 3u);

    AuditQuery page;
    page.limit = 4;
    auto p1 = log.list(page);
    ASSERT_EQ(p1.size(), 4u);
    page.after_id = p1.back().id;
    auto p2 = log.list(page);
    ASSERT_EQ(p2.size(), 4u);
    EXPECT_EQ(p2.front().id, ids[4]);
    page.after_id = p2.back().id;
    EXPECT_EQ(log.list(page).size(), 2u);

    AuditQuery recent;
    recent.newest_first = true;
    recent.limit = 3;
    auto r1 = log.list(recent);
    ASSERT_EQ(r1.size(), 3u);
    EXPECT_EQ(r1[0].id, ids[9]);
    recent.after_id = r1.back().id;
    EXPECT_EQ(log.list(recent).front().id, ids[6]);
}

// The query plan of the SELECT list() runs: the index used, and whether the ORDER BY needs a
// sort of its own (SQLite: "USE TEMP B-TREE", MariaDB: "Using filesort").
struct Plan {
    std::string indexes;
    bool sorts = false;
};

Plan plan_of(Database& db, const AuditQuery& q) {
    const auto select = audit_select(q);
    return db.session([&](Connection& c) {
        Plan plan;
        const bool sqlite = c.dialect().kind() == Dialect::Kind::sqlite;
        for (const auto& r : c.query((sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + select.sql, select.params)) {
            const auto index = sqlite ? r.text("detail") : r.optional_text("key").value_or("");
            const auto extra = sqlite ? index : r.optional_text("Extra").value_or("");
            plan.indexes += index + ";";
            plan.sorts = plan.sorts || extra.find("TEMP B-TREE") != std::string::npos ||
                         extra.find("filesort") != std::string::npos;
        }
        return plan;
    });
}

TYPED_TEST(AuditLogTest, TheActorFilterReadsItsIndexInPagingOrder) {
    // A log where one client's entries are a small part: several clients, many accounts.
    this->db().transaction([&](Connection& c) {
        AuditLog log(this->db());
        for (int i = 0; i < 600; ++i) {
            const bool client = i % 3 == 0;
            log.append(c, {t0 + i, client ? "client" : "account",
                           client ? "backoffice-" + std::to_string(i % 4) : std::to_string(i), "admin.account_lookup",
                           std::int64_t{i % 50}, nlohmann::json::object()});
        }
    });
    if (this->db().dialect().kind() == Dialect::Kind::mariadb)
        this->db().session([](Connection& c) { c.query("ANALYZE TABLE audit_log"); });

    AuditQuery by_client;  // GET /admin/v1/audit?client_id=backoffice-0
    by_client.actor_id = "backoffice-0";
    by_client.newest_first = true;
    by_client.limit = 20;
    for (auto cursor : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{400}}) {
        by_client.after_id = cursor;
        const auto plan = plan_of(this->db(), by_client);
        EXPECT_NE(plan.indexes.find("audit_log_actor"), std::string::npos) << plan.indexes;
        EXPECT_FALSE(plan.sorts) << plan.indexes;
    }
    auto page = AuditLog(this->db()).list(by_client);
    ASSERT_FALSE(page.empty());
    for (const auto& e : page) {
        EXPECT_EQ(e.actor_id, "backoffice-0");
        EXPECT_LT(e.id, 400);
    }
}

}  // namespace
}  // namespace caf::storage::testing
