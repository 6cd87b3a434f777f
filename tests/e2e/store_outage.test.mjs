// The store fails under a running Caf Connect (SPEC.md §10, reliability): MariaDB is killed and
// comes back, a SQLite disk fills up, a SQLite file turns read-only. Meanwhile /readyz says so
// within 2 s, every request fails fast with 503 and Retry-After (a French page for a browser, an
// OAuth error body for a client, never a plain-text 500 nor a hang), the process stays up, and once
// the store is back it recovers by itself with nothing acknowledged lost.
//
//   node --test tests/e2e/store_outage.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { partnerClient, portalClient, startCafConnect } from './support/cafconnect.mjs';
import { repoRoot } from './support/processes.mjs';

const run = promisify(execFile);
const PARTNER = { id: 'partner-e2e', secret: 'partner-e2e-secret-0123456789' };
const PORTAL_REDIRECT = 'http://localhost:3000/callback';
// What a request may take while the store is down: a fast failure, not a driver timeout.
const FAIL_FAST_MS = 3000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function clients() {
  return [partnerClient({ clientId: PARTNER.id, secret: PARTNER.secret }), portalClient({ redirectUris: [PORTAL_REDIRECT] })];
}

async function timed(promise) {
  const start = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - start };
}

async function token(caf) {
  const res = await fetch(`${caf.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: PARTNER.id, client_secret: PARTNER.secret, scope: 'caf_api.read' }),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), text, json: safeJson(text) };
}

async function introspect(caf, accessToken) {
  const res = await fetch(`${caf.url}/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: accessToken, client_id: PARTNER.id, client_secret: PARTNER.secret }),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: safeJson(text), text };
}

// A person arriving from caf.fr: the authorization request opens an interaction (a store write).
async function browserAuthorize(caf) {
  const query = new URLSearchParams({
    client_id: 'caf-portal', redirect_uri: PORTAL_REDIRECT, response_type: 'code', scope: 'openid',
    state: 'state-outage', nonce: 'nonce-outage',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  });
  const res = await fetch(`${caf.url}/authorize?${query}`, {
    redirect: 'manual',
    headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'accept-language': 'fr-FR' },
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), text: await res.text() };
}

async function readyz(caf) {
  try {
    const res = await fetch(`${caf.url}/readyz`, { signal: AbortSignal.timeout(1000) });
    return res.status;
  } catch {
    return 0;
  }
}

// Polls /readyz every 50 ms until it answers `status`; the time it took, or fails after `limitMs`.
async function readyzBecomes(caf, status, limitMs) {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (await readyz(caf) === status) return performance.now() - start;
    await sleep(50);
  }
  assert.fail(`/readyz did not answer ${status} within ${limitMs} ms`);
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return undefined; }
}

// Tokens acknowledged to the client (HTTP 200 with an access token), all to be checked afterwards.
async function acknowledgedTokens(caf, count) {
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const answer = await token(caf);
    assert.equal(answer.status, 200, answer.text);
    tokens.push(answer.json.access_token);
  }
  return tokens;
}

async function assertAllActive(caf, tokens) {
  let active = 0;
  for (const t of tokens) {
    const answer = await introspect(caf, t);
    assert.equal(answer.status, 200, answer.text);
    if (answer.json.active === true) active += 1;
  }
  assert.equal(active, tokens.length, `${tokens.length - active} acknowledged token(s) lost`);
  return active;
}

// What a client and a browser see while the store cannot take the request.
async function assertFailsFastAndClearly(caf, { html = true } = {}) {
  const api = await timed(token(caf));
  assert.equal(api.value.status, 503, api.value.text);
  assert.ok(Number(api.value.retryAfter) >= 1, `Retry-After: ${api.value.retryAfter}`);
  assert.match(api.value.contentType, /application\/json/);
  assert.equal(api.value.json?.error, 'temporarily_unavailable', api.value.text);
  assert.ok(api.ms < FAIL_FAST_MS, `/token took ${Math.round(api.ms)} ms to fail`);
  if (html) {
    const page = await timed(browserAuthorize(caf));
    assert.equal(page.value.status, 503, page.value.text.slice(0, 300));
    assert.ok(Number(page.value.retryAfter) >= 1);
    assert.match(page.value.contentType, /text\/html/);
    assert.match(page.value.text, /Service momentanément indisponible/);
    assert.match(page.value.text, /Vos informations déjà enregistrées sont conservées/);
    assert.ok(page.ms < FAIL_FAST_MS, `/authorize took ${Math.round(page.ms)} ms to fail`);
  }
  // The process itself is up and says so.
  assert.equal((await fetch(`${caf.url}/healthz`)).status, 200);
  return api.ms;
}

describe('MariaDB is killed and comes back', () => {
  let dbDir;
  let caf;
  after(async () => {
    await caf?.stop();
    if (dbDir) {
      await run(join(repoRoot, 'tests/support/mariadb.sh'), ['stop', dbDir]).catch(() => {});
      await rm(dbDir, { recursive: true, force: true });
    }
  });

  test('/readyz within 2 s, 503 + Retry-After meanwhile, recovery without a restart, nothing lost', async () => {
    dbDir = await mkdtemp(join(tmpdir(), 'caf-outage-mariadb-'));
    const script = join(repoRoot, 'tests/support/mariadb.sh');
    await run(script, ['start', dbDir, '--durable']);
    await run('mariadb', ['--no-defaults', `--socket=${join(dbDir, 'mariadbd.sock')}`, '-uroot',
      '-e', 'CREATE DATABASE cafconnect CHARACTER SET utf8mb4 COLLATE utf8mb4_bin']);
    const serverUrl = (await readFile(join(dbDir, 'url'), 'utf8')).trim();
    caf = await startCafConnect({ clients: clients(), storeUrl: `${serverUrl}cafconnect` });
    assert.equal(await readyz(caf), 200);

    const before = await acknowledgedTokens(caf, 20);

    await run(script, ['kill', dbDir]);
    const noticed = await readyzBecomes(caf, 503, 2000);
    const failMs = [];
    for (let i = 0; i < 5; i++) failMs.push(await assertFailsFastAndClearly(caf, { html: i === 0 }));
    const introspection = await introspect(caf, before[0]);
    assert.equal(introspection.status, 503, introspection.text);
    assert.equal(introspection.json?.error, 'temporarily_unavailable');

    const restartedAt = performance.now();
    await run(script, ['restart', dbDir]);
    const recovered = await readyzBecomes(caf, 200, 15_000);
    // The pool reconnects: the next requests are served by the same process.
    let afterRestart;
    for (let i = 0; i < 20; i++) {
      afterRestart = await token(caf);
      if (afterRestart.status === 200) break;
      await sleep(100);
    }
    assert.equal(afterRestart.status, 200, afterRestart.text);
    const back = Math.round(performance.now() - restartedAt);
    const checked = await assertAllActive(caf, [...before, afterRestart.json.access_token]);
    console.log(`mariadb outage: ${before.length} tokens acknowledged before the crash, ${checked} checked active `
      + `after it, 0 lost; /readyz 503 after ${Math.round(noticed)} ms; failures answered in `
      + `${Math.round(Math.max(...failMs))} ms at most; ready again ${Math.round(recovered)} ms after mariadbd `
      + `restarted, tokens served again after ${back} ms`);
    assert.match(caf.stderr(), /store\.unavailable/);
    assert.match(caf.stderr(), /store\.available/);
  });
});

describe('the SQLite store fills its disk', () => {
  let mount;
  let caf;
  after(async () => {
    await caf?.stop().catch(() => {});
    if (mount) {
      await run('umount', [mount]).catch(() => {});
      await rm(mount, { recursive: true, force: true });
    }
  });

  test('a full disk answers 503 + Retry-After, the process stays up and recovers when space returns', async (t) => {
    mount = await mkdtemp(join(tmpdir(), 'caf-outage-disk-'));
    try {
      // A small disk of its own, so filling it harms nothing else.
      await run('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
    } catch (err) {
      t.skip(`cannot mount a tmpfs here (${err.message.split('\n')[0]})`);
      mount = undefined;
      return;
    }
    const db = join(mount, 'caf.db');
    caf = await startCafConnect({ clients: clients(), storeUrl: `sqlite:${db}` });
    const before = await acknowledgedTokens(caf, 20);

    // --- The disk fills up: a file takes every free block.
    const filler = join(mount, 'filler');
    const handle = await open(filler, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) await handle.write(block);
    } catch (err) {
      assert.equal(err.code, 'ENOSPC');
    }
    for (const size of [4096, 512, 1]) {
      try { for (;;) await handle.write(Buffer.alloc(size, 1)); } catch { /* full at this size */ }
    }
    await handle.close();
    // Writes go on until SQLite needs a page it cannot have: each then fails fast and clearly.
    let refused = 0;
    let served = 0;
    for (let i = 0; i < 400 && refused < 5; i++) {
      const answer = await timed(token(caf));
      if (answer.value.status === 200) {
        served += 1;
        before.push(answer.value.json.access_token);
        continue;
      }
      assert.equal(answer.value.status, 503, answer.value.text);
      assert.ok(Number(answer.value.retryAfter) >= 1);
      assert.equal(answer.value.json?.error, 'temporarily_unavailable');
      assert.ok(answer.ms < FAIL_FAST_MS, `a refusal took ${Math.round(answer.ms)} ms`);
      refused += 1;
    }
    assert.equal(refused, 5, `the full disk never refused a write (${served} served)`);
    assert.equal((await fetch(`${caf.url}/healthz`)).status, 200);
    const page = await browserAuthorize(caf);
    assert.ok(page.status === 503 || page.status === 200, `authorize: ${page.status}`);
    if (page.status === 503) assert.match(page.text, /Service momentanément indisponible/);

    // Space comes back: writes work again without a restart.
    await rm(filler);
    let again;
    for (let i = 0; i < 50; i++) {
      again = await token(caf);
      if (again.status === 200) break;
      await sleep(100);
    }
    assert.equal(again.status, 200, again.text);
    before.push(again.json.access_token);
    await assertAllActive(caf, before);
    console.log(`full disk: ${served} writes still fitted, then ${refused} refusals with 503; `
      + `${before.length} acknowledged tokens all active after space came back`);

    const integrity = await run('sqlite3', [db, 'PRAGMA integrity_check']);
    assert.equal(integrity.stdout.trim(), 'ok');
  });
});

describe('the SQLite file turns read-only', () => {
  let caf;
  let files = [];
  after(async () => {
    if (files.length) await run('chattr', ['-i', ...files]).catch(() => {});
    await caf?.stop().catch(() => {});
  });

  test('/readyz within 2 s, 503 + Retry-After meanwhile, recovery when the rights come back', async (t) => {
    caf = await startCafConnect({ clients: clients() });
    const db = join(caf.dir, 'caf.db');
    const before = await acknowledgedTokens(caf, 20);
    // Immutable, which binds root too (a chmod would not).
    try {
      await run('chattr', ['+i', db, `${db}-wal`]);
      files = [db, `${db}-wal`];
    } catch (err) {
      t.skip(`chattr +i is not supported on this file system: ${err.message.split('\n')[0]}`);
      return;
    }
    const noticed = await readyzBecomes(caf, 503, 2000);
    await assertFailsFastAndClearly(caf);
    await run('chattr', ['-i', ...files]);
    files = [];
    const recovered = await readyzBecomes(caf, 200, 5000);
    const served = await token(caf);
    assert.equal(served.status, 200, served.text);
    const checked = await assertAllActive(caf, [...before, served.json.access_token]);
    const integrity = await run('sqlite3', [db, 'PRAGMA integrity_check']);
    assert.equal(integrity.stdout.trim(), 'ok');
    console.log(`read-only file: /readyz 503 after ${Math.round(noticed)} ms, ready again ${Math.round(recovered)} ms `
      + `after the rights came back; ${checked} acknowledged tokens active, 0 lost`);
  });
});
