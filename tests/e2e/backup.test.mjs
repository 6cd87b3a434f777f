// `cafconnect backup` against the real binary: a copy taken while the server serves and writes
// holds everything acknowledged before it started, nothing half-written, and a server restored
// on it answers as before (sealed personal data readable, a login works).
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/backup.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { adminSession, backofficeClient } from './support/admin_api.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { cafconnectBinary, portalClient, startCafConnect } from './support/cafconnect.mjs';

const run = promisify(execFile);
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const REDIRECT = 'http://localhost:9/backup/callback';

describe('cafconnect backup', () => {
  let caf;

  before(async () => {
    caf = await startCafConnect({ clients: [backofficeClient(), portalClient({ redirectUris: [REDIRECT] })] });
  });
  after(async () => { await caf?.stop(); });

  const backup = (out) => run(cafconnectBinary(), ['backup', '--config', caf.configFile, out]);

  it('copies the store while it is written to, and a server restored on the copy has what was acknowledged before', async () => {
    const admin = await adminSession(caf.issuer);
    assert.equal((await admin.call('POST', '/dossiers', { numero: '8200001' })).status, 201);
    const jean = await admin.call('POST', '/accounts/lookup', { nir: JEAN.nir.replaceAll(' ', '') });
    assert.equal(jean.status, 200, jean.text);

    // Writes go on during the copy; each acknowledged one is remembered.
    let writing = true;
    const during = [];
    const load = (async () => {
      for (let i = 0; writing; i += 1) {
        const numero = String(8300000 + i);
        if ((await admin.call('POST', '/dossiers', { numero })).status === 201) during.push(numero);
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const out = join(caf.dir, 'backup.db');
    const { stdout } = await backup(out);
    writing = false;
    await load;
    const report = JSON.parse(stdout);
    assert.equal(report.backup, out);
    assert.ok(report.pages > 0 && report.bytes > 0, stdout);
    assert.ok(during.length > 0, 'writes were acknowledged during the copy');
    assert.equal((await admin.call('POST', '/dossiers', { numero: '8200002' })).status, 201);

    // A second backup to the same file is refused: a copy is never overwritten.
    await assert.rejects(backup(out), (err) => err.code === 1 && /exists/.test(err.stderr));

    // Restore: the server stops, the copy replaces the store, the server starts on it.
    const stopped = await caf.kill('SIGTERM');
    assert.equal(stopped.code, 0);
    const store = join(caf.dir, 'caf.db');
    for (const suffix of ['', '-wal', '-shm']) await rm(`${store}${suffix}`, { force: true });
    await copyFile(out, store);
    await caf.restart();

    const restored = await adminSession(caf.issuer);
    assert.equal((await restored.call('GET', '/dossiers/8200001')).status, 200, 'acknowledged before the copy');
    assert.equal((await restored.call('GET', '/dossiers/8200002')).status, 404, 'written after the copy');
    // Those written during the copy: a prefix of them is in it (one snapshot), never a gap.
    const present = [];
    for (const numero of during) present.push((await restored.call('GET', `/dossiers/${numero}`)).status === 200);
    const firstMissing = present.indexOf(false);
    if (firstMissing >= 0) assert.ok(present.slice(firstMissing).every((p) => !p), `a gap in ${JSON.stringify(present)}`);
    // Sealed data and keyed lookups read back under the same data keys.
    const again = await restored.call('POST', '/accounts/lookup', { nir: JEAN.nir.replaceAll(' ', '') });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.id, jean.body.id);

    const url = new URL(`${caf.issuer}/authorize`);
    for (const [k, v] of Object.entries({ client_id: 'caf-portal', redirect_uri: REDIRECT, response_type: 'code',
      scope: 'openid', state: 's-backup', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) {
      url.searchParams.set(k, v);
    }
    const { callback } = await loginWithForm(new Agent(caf.issuer), url, JEAN);
    assert.ok(callback.searchParams.get('code'), callback.href);
  });

  it('refuses a MariaDB store, naming its own tools', async () => {
    const { writeFile } = await import('node:fs/promises');
    const config = join(caf.dir, 'mariadb.toml');
    await writeFile(config, '[server]\nlisten = "127.0.0.1:0"\nissuer = "http://localhost:1"\n[store]\nurl = "mysql://u:p@127.0.0.1:1/caf"\n');
    await assert.rejects(run(cafconnectBinary(), ['backup', '--config', config, join(caf.dir, 'x.db')]),
      (err) => err.code === 1 && /mariadb-backup or mariadb-dump/.test(err.stderr) && !/u:p@/.test(err.stderr));
  });
});
