// The build's layers hold: run over the checkout, and over made-up trees that break each rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { readSources, violations } from './check_layers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = (path, ...targets) => ({
  path,
  includes: targets.map((t) => (t.startsWith('<') ? { quoted: false, target: t.slice(1, -1) } : { quoted: true, target: t })),
});

test('the sources keep every layer rule', () => {
  const files = readSources(root);
  assert.ok(files.length > 300, `only ${files.length} sources read`);
  assert.deepEqual(violations(files), []);
});

test('a rule file including a page is refused', () => {
  const found = violations([file('account/login/login_service.cpp', 'account/web/login_page.hpp')]);
  assert.equal(found.length, 1);
  assert.match(found[0], /account\/login\/login_service\.cpp includes "account\/web\/login_page\.hpp": the account rules never include account\/web\//);
});

test('Beast outside server/ is refused', () => {
  assert.deepEqual(violations([file('server/session.cpp', '<boost/beast/http.hpp>')]), []);
  const found = violations([file('oidc/token/token_endpoint.cpp', '<boost/beast/http.hpp>')]);
  assert.match(found[0], /only server\/ sees Beast/);
});

test('an include against the module order is refused', () => {
  assert.match(violations([file('storage/accounts.cpp', 'account/login/login_service.hpp')])[0], /storage\/ may include only core/);
  assert.match(violations([file('core/http.cpp', 'server/listener.hpp')])[0], /core\/ may include only itself/);
  assert.match(violations([file('server/session.cpp', 'oidc/token/token_endpoint.hpp')])[0], /server\/ may include only core/);
  assert.match(violations([file('oidc/x.cpp', 'app/application.hpp')])[0], /oidc\/ may include only core, config, storage/);
  assert.deepEqual(violations([file('app/application.cpp', 'server/server.hpp', 'oidc/x.hpp', 'account/web/y.hpp')]), []);
  assert.match(violations([file('account/login/x.cpp', 'providers/provider_routes.hpp')])[0], /account\/ may include only core, config, storage, notify/);
  assert.deepEqual(violations([file('providers/x.cpp', 'account/web/account_context.hpp', 'oidc/jose/jws.hpp')]), []);
  assert.match(violations([file('providers/x.cpp', 'oidc/token/token_grants.hpp')])[0], /providers\/ may use only oidc\/jose\/, oidc\/keys\/ of oidc\//);
});

test('folders of account/ that include each other are refused', () => {
  const found = violations([
    file('account/login/a.cpp', 'account/steps/b.hpp'),
    file('account/steps/b.cpp', 'account/creation/c.hpp'),
    file('account/creation/c.cpp', 'account/login/a.hpp'),
  ]);
  assert.deepEqual(found, ['the folders account/creation, account/login, account/steps of account/ include each other']);
  assert.deepEqual(violations([file('account/login/a.cpp', 'account/steps/b.hpp'), file('account/steps/b.cpp', 'account/creation/c.hpp')]), []);
});

test('the unit tests of account/ sit in the folders of what they test', () => {
  const testRoot = join(root, 'tests', 'unit', 'account');
  const entries = readdirSync(testRoot, { withFileTypes: true });
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  assert.ok(folders.length > 10, `only ${folders.length} folders`);
  for (const folder of folders) assert.ok(existsSync(join(root, 'account', folder)), `tests/unit/account/${folder} tests nothing of account/`);
  const loose = entries.filter((e) => e.isFile() && e.name.endsWith('_test.cpp')).map((e) => e.name);
  assert.deepEqual(loose, [], 'every test file is in the folder of its rules (fixtures stay at the top)');
});
