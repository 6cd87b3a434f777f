// Caf Connect as a relying party of FranceConnect (SPEC.md §8), against the v2 stand-in
// (examples/franceconnect/server.mjs): hostile providers without a browser (fetch and a cookie
// jar), then the login auto-linked by the identity pivot and the chained logout in Chromium.
//
//   node --test tests/e2e/providers.test.mjs

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './support/browser.mjs';
import { portalClient } from './support/cafconnect.mjs';
import { FC_CLIENT, startWithFranceConnect } from './support/franceconnect.mjs';
import { startDemoPortal } from './support/portal.mjs';
import { freePort } from './support/processes.mjs';

const REFUSED = /Connexion avec FranceConnect impossible/;

let fc;
let caf;
let cafBase;
let portalBase;
let portal;

before(async () => {
  portalBase = `http://localhost:${await freePort()}`;
  ({ fc, caf, cafBase } = await startWithFranceConnect({
    clients: [portalClient({ redirectUris: [`${portalBase}/callback`], postLogoutRedirectUris: [`${portalBase}/`] })],
  }));
  portal = await startDemoPortal({ issuer: caf.issuer, base: portalBase });
});

after(async () => {
  await portal?.stop();
  await Promise.all([caf?.stop(), fc?.stop()]);
});

async function setModes(modes) {
  const res = await fetch(`${fc.info.url}/__test/mode`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ modes }),
  });
  assert.equal(res.status, 200, await res.text());
}

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', join(caf.dir, 'caf.db'), query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}
const rejections = () => sql("SELECT details FROM audit_log WHERE action = 'provider.callback_rejected' ORDER BY id")
  .map((r) => JSON.parse(r.details));
const linkCount = () => sql('SELECT COUNT(*) AS n FROM external_links')[0].n;

// A browser without a browser: one cookie jar for both servers (cookies ignore the port).
class Jar {
  cookies = new Map();
  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || pair.slice(i + 1) === '') this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(i + 1));
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async get(url) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.header() } });
    this.keep(res);
    return res;
  }
  async post(url, form) {
    const res = await fetch(url, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.keep(res);
    return res;
  }
}

// Starts at Caf Connect, picks `login` at the stand-in, and stops at Caf Connect's callback URL
// (not fetched yet).
// `where` is another {fc, cafBase} pair than this file's.
async function throughFranceConnect(jar, login, start = undefined, where = { fc, cafBase }) {
  let res = await jar.get(start ?? `${where.cafBase}/franceconnect`);
  assert.equal(res.status, 302, await res.text());
  let url = new URL(res.headers.get('location'));
  assert.equal(url.origin + url.pathname, `${where.fc.info.issuer}/authorize`);
  for (let hops = 0; hops < 12; hops += 1) {
    if (url.href.startsWith(`${where.cafBase}/providers/franceconnect/callback`)) return url;
    res = await jar.get(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url);
      continue;
    }
    const body = await res.text();
    assert.equal(res.status, 200, body);
    const action = /<form method="post" action="([^"]+\/login)">/.exec(body);
    assert.ok(action, `expected the identity picker, got: ${body.slice(0, 300)}`);
    res = await jar.post(new URL(action[1], url), { login });
    url = new URL(res.headers.get('location'), url);
  }
  throw new Error('too many redirects');
}

async function assertNoSession(jar) {
  const res = await jar.get(`${cafBase}/mon-compte`);
  assert.ok(res.status >= 300 && res.status < 400, `no SSO session: /mon-compte answered ${res.status}`);
  assert.match(res.headers.get('location'), /\/connexion/);
}

// A refused callback: the French page, a back link to the login page, the audit reason, nothing
// linked, no session.
async function assertRefused(jar, callbackUrl, reason) {
  const before = rejections().length;
  const links = linkCount();
  const res = await jar.get(callbackUrl);
  const body = await res.text();
  assert.equal(res.status, 400, body.slice(0, 300));
  assert.match(body, REFUSED);
  assert.match(body, /href="\/connexion/);
  const audited = rejections().slice(before);
  assert.deepEqual(audited.map((d) => [d.provider, d.reason]), [['franceconnect', reason]]);
  assert.equal(linkCount(), links, 'nothing linked');
  await assertNoSession(jar);
}

describe('hostile provider (no browser)', () => {
  // camille.fictif would be linked by her pivot if any of these were accepted.
  const cases = [
    ['wrong_iss', 'issuer_mismatch'],
    ['wrong_aud', 'audience_mismatch'],
    ['bad_signature', 'bad_signature'],
    ['alg_none', 'malformed_token'],
    ['hs256_public_key', 'algorithm_not_allowed'],
    ['expired', 'expired'],
    ['wrong_nonce', 'nonce_mismatch'],
    ['no_nonce', 'nonce_mismatch'],
    ['low_acr', 'acr_insufficient'],
    ['userinfo_sub_mismatch', 'userinfo_subject_mismatch'],
    ['userinfo_unsigned', 'userinfo_not_signed'],
    ['callback_wrong_iss', 'callback_issuer_mismatch'],
    ['access_denied', 'access_denied'],
  ];
  for (const [mode, reason] of cases) {
    test(`${mode} → refused (${reason})`, async () => {
      await setModes([mode]);
      try {
        const jar = new Jar();
        const callback = await throughFranceConnect(jar, 'camille.fictif');
        assert.equal(linkCount(), 0);
        await assertRefused(jar, callback, reason);
      } finally {
        await setModes([]);
      }
    });
  }

  test('a state that is not this browser\'s → refused, and the right one still works once', async () => {
    const jar = new Jar();
    const callback = await throughFranceConnect(jar, 'ange.corse');
    const forged = new URL(callback);
    forged.searchParams.set('state', randomBytes(32).toString('hex'));
    await assertRefused(jar, forged, 'state_mismatch');
    // Another browser with the genuine callback URL: no pending state there.
    await assertRefused(new Jar(), callback, 'state_unknown');
    // The genuine browser: accepted (no matching account: the choice page), then replay refused.
    const res = await jar.get(callback);
    assert.equal(res.status, 303, await res.text());
    assert.equal(res.headers.get('location'), '/connexion/rattacher');
    await assertRefused(jar, callback, 'state_unknown');
  });

  test('the authorization request: state and nonce of 64 hex, FranceConnect parameters', async () => {
    const jar = new Jar();
    const res = await jar.get(`${cafBase}/providers/franceconnect/start`);
    const url = new URL(res.headers.get('location'));
    const p = Object.fromEntries(url.searchParams);
    assert.match(p.state, /^[0-9a-f]{64}$/);
    assert.match(p.nonce, /^[0-9a-f]{64}$/);
    assert.notEqual(p.state, p.nonce);
    assert.equal(p.acr_values, 'eidas1');
    assert.equal(p.prompt, 'login consent');
    assert.equal(p.client_id, FC_CLIENT.client_id);
    assert.deepEqual(JSON.parse(p.claims), { id_token: { amr: { essential: true } } });
    assert.ok(p.scope.split(' ').includes('openid') && p.scope.split(' ').includes('birthplace'));
    assert.ok([...jar.cookies.keys()].some((k) => k.startsWith('__Host-')), 'state bound to the browser');
  });
});

// Whether the stand-in still has a session in this browser context: an authorization without
// prompt=login either shows the identity picker (no session) or goes straight back.
async function franceConnectSessionAlive(context) {
  const authorize = new URL(`${fc.info.issuer}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: FC_CLIENT.client_id, redirect_uri: `${cafBase}/providers/franceconnect/callback`,
    response_type: 'code', scope: 'openid given_name', acr_values: 'eidas1',
    state: randomBytes(16).toString('hex'), nonce: randomBytes(16).toString('hex'),
  }).toString();
  let url = authorize.href;
  for (let hops = 0; hops < 10; hops += 1) {
    const res = await context.request.get(url, { maxRedirects: 0 });
    if (res.status() >= 300 && res.status() < 400) {
      const next = new URL(res.headers().location, url);
      if (next.href.startsWith(cafBase)) return true;
      url = next.href;
      continue;
    }
    assert.match(await res.text(), /Choisissez une identité de test/);
    return false;
  }
  throw new Error('too many redirects');
}

describe('FranceConnect in Chromium', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  // From the demo portal's "Mon Compte" through "S'identifier avec FranceConnect" and `login` at the stand-in.
  async function portalThroughFranceConnect(context, login) {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${portalBase}/`);
    await page.getByRole('button', { name: 'Mon Compte' }).click();
    await page.getByRole('link', { name: /S'identifier avec FranceConnect/ }).click();
    await page.getByRole('button', { name: new RegExp(login.replace('.', '\\.')) }).click();
    return page;
  }

  test('login auto-linked by the pivot lands on the demo portal (keys rotated: one JWKS refetch); its "Déconnexion" ends both sessions', async () => {
    // The provider rotated its keys since Caf Connect cached its JWKS: the new kid is fetched once.
    const rotated = await fetch(`${fc.info.url}/__test/rotate-keys`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
    });
    assert.equal(rotated.status, 200);
    after(() => fetch(`${fc.info.url}/__test/reset`, { method: 'POST' }));
    const context = await browser.newContext();
    const page = await portalThroughFranceConnect(context, 'camille.fictif');
    await page.getByText('Votre compte FranceConnect a été associé à votre compte Caf').waitFor();
    assert.equal(linkCount(), 1);
    await page.getByRole('link', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Bonjour Camille Louise Andrée FICTIF' }).waitFor();
    assert.equal(page.url(), `${portalBase}/compte`);
    const claims = page.getByRole('table', { name: "Revendications du jeton d'identité" });
    assert.equal(await claims.getByRole('row', { name: /^acr\b/ }).getByRole('cell').innerText(), 'eidas1');
    assert.ok(await franceConnectSessionAlive(context), 'the FranceConnect session is open');

    // The portal's logout at Caf Connect, chained through FranceConnect's /session/end and back.
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, `${portalBase}/`);
    assert.equal(await franceConnectSessionAlive(context), false, 'the FranceConnect session is gone');
    const home = await context.request.get(`${cafBase}/mon-compte`, { maxRedirects: 0 });
    assert.match(home.headers().location ?? '', /\/connexion/);
    await context.close();
  });

  test('an allocataire of a couple auto-linked by FranceConnect still gets "Mes autorisations" before the portal', async () => {
    const context = await browser.newContext();
    const page = await portalThroughFranceConnect(context, 'eric.essai');
    await page.getByText('Votre compte FranceConnect a été associé à votre compte Caf').waitFor();
    await page.getByRole('link', { name: 'Continuer' }).click();
    await page.getByRole('heading', { name: 'Mes autorisations', level: 1 }).waitFor();
    await page.getByText("J'autorise Sophie ESSAI à consulter les données du dossier et à réaliser les démarches.").waitFor();
    await page.getByRole('button', { name: 'Passer' }).click();
    await page.getByRole('heading', { name: 'Bonjour Eric ESSAI' }).waitFor();
    assert.equal(await page.locator('#dossier-numero').innerText(), '7000004');
    await context.close();
  });

  test('a known link logs in to "Gérer Mon Compte"; its "Déconnexion" ends the FranceConnect session too', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${cafBase}/connexion`);
    await page.getByRole('link', { name: /S'identifier avec FranceConnect/ }).click();
    await page.getByRole('button', { name: /camille\.fictif/ }).click();
    await page.waitForURL(`${cafBase}/mon-compte`);
    assert.ok(await franceConnectSessionAlive(context));
    await page.getByRole('button', { name: /Déconnexion|Se déconnecter/ }).click();
    await page.waitForURL(`${cafBase}/deconnexion`);
    await page.getByText('Vous êtes déconnecté').first().waitFor();
    assert.equal(await franceConnectSessionAlive(context), false);
    await context.close();
  });
});

// Caf Connect authenticated at the token endpoint by a signed assertion (private_key_jwt): the
// stand-in knows only its public key, no secret.
describe('private_key_jwt at the token endpoint', () => {
  let pair;
  let keyDir;
  before(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyDir = mkdtempSync(join(tmpdir(), 'caf-fc-key-'));
    const keyFile = join(keyDir, 'caf-connect.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'caf-e2e-1', alg: 'ES256', use: 'sig' };
    pair = await startWithFranceConnect({
      client: { client_id: 'caf-connect-pkjwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
      provider: { token_endpoint_auth_method: 'private_key_jwt', private_key_file: keyFile, private_key_kid: 'caf-e2e-1' },
    });
  });
  after(async () => {
    await pair?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  test('the code is exchanged with a client assertion: auto-linked by the pivot', async () => {
    const jar = new Jar();
    const callback = await throughFranceConnect(jar, 'camille.fictif', undefined, pair);
    const res = await jar.get(callback);
    const body = await res.text();
    assert.equal(res.status, 200, body.slice(0, 400));
    assert.match(body, /Votre compte FranceConnect a été associé à votre compte Caf/);
  });
});

// Last: it spends the per-provider JWKS refetch allowance (once per 30 s).
describe('a kid the provider never published', () => {
  test('unknown_kid → refused after one refetch (unknown_key), the existing link untouched', async () => {
    await setModes(['unknown_kid']);
    try {
      const jar = new Jar();
      const callback = await throughFranceConnect(jar, 'camille.fictif');
      await assertRefused(jar, callback, 'unknown_key');
    } finally {
      await setModes([]);
    }
  });
});
