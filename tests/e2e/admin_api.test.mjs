// The admin API (SPEC.md §10) from a back-office client: openid-client's client_credentials
// against the real `cafconnect` binary on loopback, then every /admin/v1 operation, the audit
// trail naming the calling client, the households of the source documents and a bulk import. The
// unlock is tried on an account really frozen by failed logins on the login form (the captcha
// is the stand-in service of support/captcha_service.mjs, whose answer is known).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  adminCaller, adminSession, backofficeClient, clientConfiguration, clientCredentialsToken, fictitiousNir,
  legacyAccountLine, nirKey,
} from './support/admin_api.mjs';
import { partnerClient, startCafConnect } from './support/cafconnect.mjs';
import { CAPTCHA_ANSWER, captchaToml, startCaptchaService } from './support/captcha_service.mjs';
import { repoRoot } from './support/processes.mjs';

const PARTNER_SECRET = 'partner-e2e-secret-0123456789';
let caf;
let captcha; // the stand-in captcha service, so a test can fail logins past the captcha threshold
let admin;   // { token, call } of the back-office client

before(async () => {
  captcha = await startCaptchaService();
  caf = await startCafConnect({ clients: [backofficeClient(), partnerClient({ secret: PARTNER_SECRET })],
    extraToml: captchaToml(captcha) });
  admin = await adminSession(caf.issuer);
});

after(async () => {
  await caf?.stop();
  await captcha?.stop();
});

/** The newest audit entries of `event` made by the back-office client. */
async function auditOf(event, extra = '') {
  const res = await admin.call('GET', `/audit?client_id=backoffice-e2e&event=${event}${extra}`);
  assert.equal(res.status, 200, res.text);
  return res.body.entries;
}

async function importLines(lines) {
  const res = await admin.call('POST', '/accounts/import', undefined, { raw: `${lines.join('\n')}\n` });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

async function lookup(nir) {
  return admin.call('POST', '/accounts/lookup', { nir });
}

/** Caf Connect's login form over HTTP, as a browser without JavaScript sends it: the cookies kept,
 *  the hidden fields of the last page (CSRF, captcha id) sent back, the captcha answered. */
function loginForm() {
  const cookies = new Map();
  let hidden = {};
  async function request(method, body) {
    const headers = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${caf.issuer}/connexion`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const html = await res.text();
    hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
      .map((m) => [m[1], m[2]]));
    return { status: res.status, location: res.headers.get('location'), html };
  }
  return {
    open: () => request('GET'),
    submit(identifiant, password) {
      const fields = { ...hidden, identifiant, mot_de_passe: password };
      if (fields.captcha_id) fields.captcha = CAPTCHA_ANSWER;
      return request('POST', new URLSearchParams(fields).toString());
    },
  };
}

describe('authentication of the admin API', () => {
  it('without a token: 401 with a Bearer challenge', async () => {
    const res = await adminCaller(caf.issuer)('POST', '/dossiers', { numero: '1' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /^Bearer realm="cafconnect"/);
  });

  it('with a forged or unknown token: 401 invalid_token', async () => {
    const res = await adminCaller(caf.issuer, 'eyJhbGciOiJub25lIn0.e30.')('GET', '/audit');
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
  });

  it("with a partner's token (no admin scope): 403 insufficient_scope", async () => {
    const config = await clientConfiguration(caf.issuer, 'partner-e2e', PARTNER_SECRET,
      (await import('openid-client')).ClientSecretPost(PARTNER_SECRET));
    const token = await clientCredentialsToken(config, 'caf_api.read');
    const res = await adminCaller(caf.issuer, token)('GET', '/audit');
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate'), /error="insufficient_scope"/);
  });

  it('with the back-office token: JSON, no-store; an unknown resource is a 404', async () => {
    const res = await admin.call('GET', '/audit?limit=1');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const missing = await admin.call('POST', '/accounts/12/teleport', {});
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });
});

/** Sends the header of a POST to the import route alone (no body follows) over a raw socket;
 *  resolves with what the server wrote before it closed, and how long that took. */
function importHeaderOnly(extraHeaders = '') {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(caf.port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no close within 5 s: ${received}`)); }, 5000);
    socket.on('connect', () => socket.write(`POST /admin/v1/accounts/import HTTP/1.1\r\nHost: localhost:${caf.port}\r\n`
      + `Content-Type: application/x-ndjson\r\nContent-Length: 100000000\r\n${extraHeaders}\r\n`));
    socket.on('data', (chunk) => { received += chunk.toString('latin1'); });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ text: received, elapsed: Date.now() - started }); });
    socket.on('end', () => socket.end());
  });
}

describe('bulk import', () => {
  const first = 100_000;   // indexes of fictitious people no other test uses
  const lines = Array.from({ length: 2000 }, (_, i) => legacyAccountLine(first + i));

  it('imports 2,000 legacy accounts, then a second import of the same file changes nothing', async () => {
    assert.deepEqual(await importLines(lines), { created: 2000, unchanged: 0, failed: 0, memberships_added: 0, failures: [] });
    assert.deepEqual(await importLines(lines), { created: 0, unchanged: 2000, failed: 0, memberships_added: 0, failures: [] });
    const [entry] = await auditOf('admin.accounts_import', '&limit=1');
    assert.deepEqual(entry.details, { created: 0, unchanged: 2000, failed: 0 });
    assert.equal(entry.actor_id, 'backoffice-e2e');
  });

  it('a file with bad lines: each refused line is named, the others are imported, none half-way', async () => {
    const good = legacyAccountLine(first + 5000);
    const nir13 = fictitiousNir(first + 5001);
    const wrongKey = String((Number(nirKey(nir13)) % 97) + 1).padStart(2, '0');
    const badKey = legacyAccountLine(first + 5001, { nir: `${nir13}${wrongKey}` });
    const badPhone = legacyAccountLine(first + 5002, { phone: '12345' });
    const unknownField = legacyAccountLine(first + 5003, { allocataire_number: '123' });
    const report = await importLines([good, badKey, '{not json', badPhone, unknownField]);
    assert.equal(report.created, 1);
    assert.equal(report.failed, 4);
    assert.deepEqual(report.failures.map((f) => f.line), [2, 3, 4, 5]);
    assert.match(report.failures[2].reason, /^phone/);
    assert.match(report.failures[3].reason, /unknown field allocataire_number/);
    for (const f of report.failures) assert.doesNotMatch(f.reason, /12345|FICTIF/, 'no personal data echoed');
    assert.equal((await lookup(fictitiousNir(first + 5000))).status, 200);
    for (const i of [5001, 5002, 5003]) assert.equal((await lookup(fictitiousNir(first + i))).status, 404);
  });

  it('a caller without a token is refused 401 on the header: the 100 MB body is never waited for', async () => {
    const { text, elapsed } = await importHeaderOnly();
    assert.match(text, /^HTTP\/1\.1 401 /, text);
    assert.match(text, /\r\nWWW-Authenticate: Bearer[^\r]*\r\n/i, text);
    assert.match(text, /\r\nConnection: close\r\n/i, text);
    assert.ok(elapsed < 3000, `answered and closed after ${elapsed} ms`);
  });

  it('a token without the admin scope is refused 403 on the header, and a bad token 401', async () => {
    const config = await clientConfiguration(caf.issuer, 'partner-e2e', PARTNER_SECRET,
      (await import('openid-client')).ClientSecretPost(PARTNER_SECRET));
    const partner = await clientCredentialsToken(config, 'caf_api.read');
    const forbidden = await importHeaderOnly(`Authorization: Bearer ${partner}\r\n`);
    assert.match(forbidden.text, /^HTTP\/1\.1 403 /, forbidden.text);
    assert.match(forbidden.text, /insufficient_scope/, forbidden.text);
    const invalid = await importHeaderOnly('Authorization: Bearer not-a-token\r\n');
    assert.match(invalid.text, /^HTTP\/1\.1 401 /, invalid.text);
    assert.match(invalid.text, /invalid_token/, invalid.text);
  });

  it('a body over the server limit is accepted on the import route only', async () => {
    const big = Array.from({ length: 6000 }, (_, i) => legacyAccountLine(first + 10_000 + i)).join('\n');
    assert.ok(big.length > 1024 * 1024);
    const res = await admin.call('POST', '/accounts/import', undefined, { raw: big });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.created, 6000);
    const other = await admin.call('POST', '/accounts/lookup', undefined, { raw: big, contentType: 'application/json' });
    assert.equal(other.status, 413);
  });
});

describe('accounts', () => {
  const nir = fictitiousNir(200_001);
  let id;

  before(async () => {
    await importLines([legacyAccountLine(200_001, { email: 'ancienne.adresse@example.test' })]);
    id = (await lookup(nir)).body.id;
  });

  it('lookup by NIR: état civil, contact, masked NIR, lockout, links and dossiers; audited', async () => {
    const res = await lookup(`${nir.slice(0, 1)} ${nir.slice(1, 3)} ${nir.slice(3, 5)} ${nir.slice(5)}`);
    assert.equal(res.status, 200, res.text);
    const a = res.body;
    assert.equal(a.identifier, 'nir');
    assert.equal(a.nir_masked, `${nir[0]} ${nir.slice(1, 3)} ${nir.slice(3, 5)} ** *** ***`);
    assert.equal(a.etat_civil.birth_name, 'FICTIF200001');
    assert.equal(a.email, 'ancienne.adresse@example.test');
    assert.equal(a.phone, '0600200001');
    assert.deepEqual(a.lockout, { locked: false, frozen_until: null, failures: 0 });
    assert.deepEqual(a.links, []);
    assert.deepEqual(a.dossiers, []);
    const [entry] = await auditOf('admin.account_lookup', `&account_id=${id}`);
    assert.equal(entry.account_id, id);
    assert.doesNotMatch(JSON.stringify(entry), new RegExp(nir.slice(0, 7)), 'no NIR in the audit log');
  });

  it('lookup of an unknown NIR is a 404; a malformed one a 400 naming the field', async () => {
    assert.equal((await lookup(fictitiousNir(299_999))).status, 404);
    const bad = await lookup('1630631555');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_request');
    assert.equal(bad.body.field, 'nir');
  });

  it('contact update: checked like the creation form, then stored, audited without the values', async () => {
    const wrong = await admin.call('PUT', `/accounts/${id}/contact`, { phone: '0123456789' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.field, 'phone');
    const res = await admin.call('PATCH', `/accounts/${id}/contact`,
      { phone: '07 11 22 33 44', phone_verified: true, email: null });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.phone, '0711223344');
    assert.equal(res.body.phone_verified, true);
    assert.equal(res.body.email, null);
    const [entry] = await auditOf('admin.account_contact', `&account_id=${id}`);
    assert.deepEqual(entry.details, { phone: 'replaced', email: 'removed' });
    assert.doesNotMatch(JSON.stringify(entry), /0711223344|ancienne/);
  });

  it('identity: imported accounts are vouched for; the back office can withdraw and restore it; audited', async () => {
    assert.equal((await lookup(nir)).body.identity_verified, true, 'imported from the CAF\'s records');
    const withdrawn = await admin.call('POST', `/accounts/${id}/identity`, { verified: false });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    assert.equal(withdrawn.body.identity_verified, false);
    assert.equal((await lookup(nir)).body.identity_verified, false);
    const restored = await admin.call('POST', `/accounts/${id}/identity`, { verified: true });
    assert.equal(restored.body.identity_verified, true);
    const bad = await admin.call('POST', `/accounts/${id}/identity`, { verified: 'oui' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'verified');
    assert.equal((await admin.call('POST', `/accounts/${id}/identity`, { verified: true, nir })).status, 400);
    assert.equal((await admin.call('POST', '/accounts/999999999/identity', { verified: true })).status, 404);
    const audited = await auditOf('admin.account_identity', `&account_id=${id}`);
    assert.equal(audited.length, 4, "two changes and two refusals");
  });

  it('unlock and revoke: answered and audited with the calling client', async () => {
    const unlock = await admin.call('POST', `/accounts/${id}/unlock`);
    assert.equal(unlock.status, 200, unlock.text);
    assert.equal(unlock.body.was_locked, false);
    const revoke = await admin.call('POST', `/accounts/${id}/revoke`);
    assert.equal(revoke.status, 200, revoke.text);
    assert.deepEqual(revoke.body.revoked, { sessions: 0, refresh_tokens: 0, access_tokens: 0 });
    assert.equal((await auditOf('admin.account_unlock', `&account_id=${id}`)).length, 1);
    assert.equal((await auditOf('admin.account_revoke', `&account_id=${id}`)).length, 1);
    assert.equal((await admin.call('POST', '/accounts/999999999/unlock')).status, 404);
  });

  it('unlock of an account frozen by failed logins: refused while frozen, then the password works; audited', async () => {
    const locked = fictitiousNir(200_004);
    const password = 'Bloque2024Caf';
    await importLines([legacyAccountLine(200_004, { legacy_password: undefined, password, cgu_version: '2024-03',
      password_changed_at: '2024-04-02' })]);
    const lockedId = (await lookup(locked)).body.id;
    const form = loginForm();
    assert.equal((await form.open()).status, 200);
    const frozen = 'Votre connexion a échoué. Vous ne pouvez pas accéder à votre compte pendant 10 minutes.';
    const shown = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const res = await form.submit(locked, 'Mauvais2024Caf');
      assert.equal(res.status >= 400, true, `attempt ${attempt}: ${res.status}`);
      shown.push(res.html.includes(frozen) ? 'frozen' : /Il vous reste \d tentatives?\./.test(res.html) ? 'wrong' : 'other');
    }
    assert.deepEqual(shown, ['wrong', 'wrong', 'wrong', 'wrong', 'frozen'], 'SPEC §3: the 5th failure freezes');
    assert.ok(captcha.stats.successes >= 2, 'the 4th and 5th attempts went through the captcha');
    const whileFrozen = await form.submit(locked, password);
    assert.ok(whileFrozen.html.includes(frozen), 'the right password is refused while frozen');
    assert.equal(whileFrozen.location, null);
    assert.equal((await lookup(locked)).body.lockout.locked, true);

    const unlock = await admin.call('POST', `/accounts/${lockedId}/unlock`);
    assert.equal(unlock.status, 200, unlock.text);
    assert.deepEqual(unlock.body, { account_id: lockedId, was_locked: true });
    assert.deepEqual((await lookup(locked)).body.lockout, { locked: false, frozen_until: null, failures: 0 });
    const [entry] = await auditOf('admin.account_unlock', `&account_id=${lockedId}`);
    assert.deepEqual(entry.details, { was_locked: true });
    assert.equal(entry.actor_id, 'backoffice-e2e');

    const after = await form.submit(locked, password);
    assert.equal(after.status, 303, after.html.slice(0, 400));
    assert.doesNotMatch(after.location, /^\/connexion(\?|$)/);
  });

  it('NIR attachment to a provisional account, then lookup by that NIR', async () => {
    const provisional = 'P40000001';
    const newNir = fictitiousNir(200_002);
    await importLines([JSON.stringify({ provisional_id: provisional, birth_name: 'PROVISOIRE', first_names: 'Paul',
      civilite: 'Monsieur', birth_date: '1990-01-01', birth_place: '75056' })]);
    const found = await admin.call('POST', '/accounts/lookup', { provisional_id: provisional });
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.identifier, 'provisional_id');
    const attached = await admin.call('POST', `/accounts/${found.body.id}/nir`, { nir: newNir });
    assert.equal(attached.status, 200, attached.text);
    assert.equal(attached.body.identifier, 'nir');
    assert.equal((await lookup(newNir)).body.id, found.body.id);
    const again = await admin.call('POST', `/accounts/${found.body.id}/nir`, { nir: fictitiousNir(200_003) });
    assert.equal(again.status, 409);
    const taken = await admin.call('POST', `/accounts/${id}/nir`, { nir: newNir });
    assert.equal(taken.status, 409);
    const entries = await auditOf('admin.account_nir', `&account_id=${found.body.id}`);
    assert.deepEqual(entries.map((e) => e.details.refused ?? 'done'), [409, 'done'], 'newest first');
  });
});

describe('households of the source documents, set up through the API', () => {
  // Fictitious people: 300_000 + n.
  const person = (n) => fictitiousNir(300_000 + n);
  const ids = {};

  before(async () => {
    await importLines(Array.from({ length: 8 }, (_, n) => legacyAccountLine(300_000 + n)));
    for (let n = 0; n < 8; n += 1) ids[n] = (await lookup(person(n))).body.id;
  });

  async function dossier(numero) {
    const res = await admin.call('GET', `/dossiers/${numero}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }
  async function setMember(numero, n, role) {
    return admin.call('PUT', `/dossiers/${numero}/members/${ids[n]}`, { role });
  }

  it('a single person: allocataire alone, no delegation question', async () => {
    assert.equal((await admin.call('POST', '/dossiers', { numero: '9100001' })).status, 201);
    assert.equal((await setMember('9100001', 0, 'allocataire')).status, 200);
    const d = await dossier('9100001');
    assert.deepEqual(d.members.map((m) => [m.account_id, m.role]), [[ids[0], 'allocataire']]);
    assert.equal(d.delegation.granted, false);
    assert.deepEqual((await lookup(person(0))).body.dossiers.map((m) => [m.numero, m.role]), [['9100001', 'allocataire']]);
  });

  it('a couple: allocataire and spouse; one allocataire and one spouse per dossier (409)', async () => {
    await admin.call('POST', '/dossiers', { numero: '9100002' });
    assert.equal((await setMember('9100002', 1, 'allocataire')).status, 200);
    assert.equal((await setMember('9100002', 2, 'conjoint')).status, 200);
    const second = await setMember('9100002', 3, 'allocataire');
    assert.equal(second.status, 409);
    assert.match(second.body.message, /already has an allocataire/);
    const spouse = await setMember('9100002', 3, 'conjoint');
    assert.equal(spouse.status, 409);
    const elsewhere = await setMember('9100001', 2, 'allocataire');
    assert.equal(elsewhere.status, 409);
    assert.match(elsewhere.body.message, /at most one dossier/);
    const d = await dossier('9100002');
    assert.deepEqual(d.members.map((m) => m.role).sort(), ['allocataire', 'conjoint']);
    assert.equal(d.delegation.granted, false);
    assert.equal((await admin.call('POST', '/dossiers', { numero: '9100002' })).status, 409);
  });

  it('removing the spouse resets the delegation question; the member is gone', async () => {
    await admin.call('POST', '/dossiers', { numero: '9100003' });
    await setMember('9100003', 4, 'allocataire');
    await setMember('9100003', 5, 'conjoint');
    const removed = await admin.call('DELETE', `/dossiers/9100003/members/${ids[5]}`);
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.body.members.map((m) => m.role), ['allocataire']);
    assert.equal(removed.body.delegation.granted, false);
    assert.equal(removed.body.delegation.question_answered, false);
    const [entry] = await auditOf('admin.dossier_member_remove', `&account_id=${ids[5]}`);
    assert.deepEqual(entry.details, { numero: '9100003', role: 'conjoint', delegation_reset: true });
    assert.equal((await admin.call('DELETE', `/dossiers/9100003/members/${ids[5]}`)).status, 404);
  });

  it('a family: allocataire, spouse and a child over 15', async () => {
    await admin.call('POST', '/dossiers', { numero: '9100004' });
    for (const [n, role] of [[5, 'allocataire'], [6, 'conjoint'], [7, 'enfant']])
      assert.equal((await setMember('9100004', n, role)).status, 200);
    const d = await dossier('9100004');
    assert.deepEqual(Object.fromEntries(d.members.map((m) => [m.account_id, m.role])),
      { [ids[5]]: 'allocataire', [ids[6]]: 'conjoint', [ids[7]]: 'enfant' });
    // A role change of the spouse is one PUT; the dossier keeps one spouse.
    const changed = await setMember('9100004', 6, 'autre');
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.body.members.map((m) => m.role).sort(), ['allocataire', 'autre', 'enfant']);
  });

  it('deleting a dossier removes its memberships; an unknown dossier is a 404', async () => {
    assert.equal((await admin.call('DELETE', '/dossiers/9100001')).status, 200);
    assert.equal((await admin.call('GET', '/dossiers/9100001')).status, 404);
    assert.deepEqual((await lookup(person(0))).body.dossiers, []);
    const bad = await admin.call('GET', '/dossiers/70A');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'numero');
  });
});

describe('audit log', () => {
  it('pages newest first with a stable cursor; refused calls are recorded too', async () => {
    await admin.call('POST', '/dossiers', { numero: 'x' });   // refused: 400, still audited
    const [refusal] = await auditOf('admin.dossier_create', '&limit=1');
    assert.equal(refusal.details.refused, 400);
    const first = await admin.call('GET', '/audit?client_id=backoffice-e2e&limit=3');
    assert.equal(first.status, 200);
    assert.equal(first.body.entries.length, 3);
    assert.ok(first.body.next_cursor);
    const second = await admin.call('GET', `/audit?client_id=backoffice-e2e&limit=3&cursor=${first.body.next_cursor}`);
    const ids = [...first.body.entries, ...second.body.entries].map((e) => e.id);
    for (let i = 1; i < ids.length; i += 1) assert.ok(ids[i] < ids[i - 1], 'strictly newest first, no repeats');
    for (const e of first.body.entries) assert.equal(e.actor_id, 'backoffice-e2e');
    const bad = await admin.call('GET', '/audit?cursor=nonsense');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'cursor');
    const since = await admin.call('GET', `/audit?since=2099-01-01&client_id=backoffice-e2e`);
    assert.deepEqual(since.body.entries, []);
  });
});

describe('docs/admin-api.openapi.yaml', () => {
  // No YAML parser among the Node dependencies: the file's two-level layout (paths at 2 spaces,
  // methods at 4) is read line by line, and the count checked so a layout change cannot empty it.
  const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  const documented = new Map(); // path → documented methods
  {
    const text = readFileSync(join(repoRoot, 'docs', 'admin-api.openapi.yaml'), 'utf8');
    const paths = text.slice(text.indexOf('\npaths:\n'), text.indexOf('\ncomponents:\n'));
    let current;
    for (const line of paths.split('\n')) {
      const p = line.match(/^  (\/[^:]+):\s*$/);
      if (p) documented.set(current = p[1], new Set());
      const m = line.match(/^    (get|put|post|patch|delete):\s*$/);
      if (m) documented.get(current).add(m[1].toUpperCase());
    }
  }
  const concrete = (path) => path.replace('{id}', '999999999').replace('{numero}', '424242');
  const probe = (method, path) => admin.call(method, concrete(path), method === 'GET' || method === 'DELETE' ? undefined : {});
  // The router's 405, or the admin API's own 404 for a resource it does not have.
  const unrouted = (res) => res.status === 405 || (res.status === 404 && res.body?.message === 'no such admin API resource');

  it('every documented operation is answered (a missing account or dossier is not a missing route)', async () => {
    const count = [...documented.values()].reduce((n, methods) => n + methods.size, 0);
    assert.ok(documented.size >= 10 && count >= 13, `${documented.size} paths, ${count} operations`);
    for (const [path, methods] of documented) {
      for (const method of methods) {
        const res = await probe(method, path);
        assert.ok(!unrouted(res), `${method} ${path} → ${res.status} ${res.text}`);
      }
    }
  });

  it('no undocumented method is answered on a documented path', async () => {
    for (const [path, methods] of documented) {
      for (const method of METHODS.filter((m) => !methods.has(m))) {
        const res = await probe(method, path);
        assert.ok(unrouted(res), `${method} ${path} is answered (${res.status} ${res.text}) but not documented`);
      }
    }
  });
});
