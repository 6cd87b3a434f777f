// Tests of the Node peers: the FranceConnect v2 stand-in and the demo portal, together, through a
// real headless Chromium, plus protocol checks with oauth4webapi and jose (no browser).
//
//   node --test tests/e2e/standin.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as jose from 'jose';
import * as oauth from 'oauth4webapi';

import { launchBrowser } from './support/browser.mjs';
import { freePort, startProcess } from './support/processes.mjs';

const SUB = /^[0-9a-f]{64}v1$/;
const DIRECT_REDIRECT = 'http://localhost:9/direct/callback';
const insecure = { [oauth.allowInsecureRequests]: true };

let fc;
let portal;
let portalBase;
let issuer;
let as;
let pkjwtKey;

const clients = {
  portal: { client_id: 'caf-portal', client_secret: 'portal-test-secret' },
  direct: { client_id: 'direct-rp', client_secret: 'direct-test-secret-0123456789' },
  other: { client_id: 'other-rp', client_secret: 'other-test-secret-0123456789' },
};

before(async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  pkjwtKey = privateKey;
  const publicJwk = { ...(await jose.exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'pkjwt-1' };
  const portalPort = await freePort();
  portalBase = `http://localhost:${portalPort}`;
  fc = await startProcess('node', ['examples/franceconnect/server.mjs'], {
    env: {
      FC_PORT: '0',
      FC_CLIENTS: JSON.stringify([
        {
          ...clients.portal,
          client_name: 'Portail caf.fr (démo)',
          redirect_uris: [`${portalBase}/callback`],
          post_logout_redirect_uris: [`${portalBase}/`],
        },
        { ...clients.direct, redirect_uris: [DIRECT_REDIRECT], post_logout_redirect_uris: ['http://localhost:9/direct/logout'] },
        { ...clients.other, redirect_uris: [DIRECT_REDIRECT] },
        {
          client_id: 'pkjwt-rp',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          jwks: { keys: [publicJwk] },
          redirect_uris: [DIRECT_REDIRECT],
        },
      ]),
    },
  });
  issuer = fc.info.issuer;
  portal = await startProcess('node', ['examples/portal/server.mjs'], {
    env: {
      PORTAL_PORT: String(portalPort),
      PORTAL_ISSUER: issuer,
      PORTAL_CLIENT_ID: clients.portal.client_id,
      PORTAL_CLIENT_SECRET: clients.portal.client_secret,
      PORTAL_CLIENT_AUTH: 'client_secret_post',
      PORTAL_SCOPE: 'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username',
    },
  });
  const issuerUrl = new URL(issuer);
  as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
});

after(async () => {
  await Promise.all([portal?.stop(), fc?.stop()]);
});

async function setModes(modes) {
  const res = await fetch(`${fc.info.url}/__test/mode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ modes }),
  });
  assert.equal(res.status, 200, await res.text());
}

// Drives the stand-in's login without a browser: authorize, pick `login`, follow the redirects
// (a tiny cookie jar) up to the client's redirect URI. Returns the callback URL.
async function authorizeAs(login, { client = clients.direct, state, nonce, extra = {} } = {}) {
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: DIRECT_REDIRECT,
    response_type: 'code',
    scope: 'openid given_name family_name birthdate gender birthplace birthcountry email preferred_username',
    acr_values: 'eidas1',
    prompt: 'login consent',
    state,
    nonce,
    ...extra,
  }).toString();
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  let res = await fetch(url, { redirect: 'manual' });
  for (let hops = 0; hops < 10; hops += 1) {
    keep(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location'), url);
      if (next.href.startsWith(DIRECT_REDIRECT)) return next;
      res = await fetch(next, { redirect: 'manual', headers: { cookie: cookieHeader() } });
      continue;
    }
    const body = await res.text();
    assert.equal(res.status, 200, body);
    const action = /<form method="post" action="([^"]+\/login)">/.exec(body);
    assert.ok(action, `expected the identity picker, got: ${body.slice(0, 500)}`);
    res = await fetch(new URL(action[1], url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login }).toString(),
    });
  }
  throw new Error('too many redirects');
}

async function codeFlow(login, { client = clients.direct, expectError, extra, auth } = {}) {
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const callbackUrl = await authorizeAs(login, { client, state, nonce, extra });
  const rp = { client_id: client.client_id, id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256' };
  const params = oauth.validateAuthResponse(as, rp, callbackUrl, state);
  const tokenRes = await oauth.authorizationCodeGrantRequest(as, rp, auth || oauth.ClientSecretPost(client.client_secret),
    params, DIRECT_REDIRECT, oauth.nopkce, insecure);
  const result = await oauth.processAuthorizationCodeResponse(as, rp, tokenRes, { expectedNonce: nonce, requireIdToken: true });
  if (expectError) return result;
  const claims = oauth.getValidatedIdTokenClaims(result);
  const jwks = jose.createLocalJWKSet(await (await fetch(as.jwks_uri)).json());
  const verified = await jose.jwtVerify(result.id_token, jwks, { issuer, audience: client.client_id, algorithms: ['ES256'] });
  const uiRes = await oauth.userInfoRequest(as, rp, result.access_token, insecure);
  const uiType = uiRes.headers.get('content-type');
  const uiJwt = await uiRes.clone().text();
  const userinfo = await oauth.processUserInfoResponse(as, rp, claims.sub, uiRes);
  const uiVerified = await jose.jwtVerify(uiJwt, jwks, { issuer, audience: client.client_id, algorithms: ['ES256'] });
  return { callbackUrl, result, claims, verified, uiType, userinfo, uiVerified, params };
}

describe('FranceConnect v2 stand-in (oauth4webapi, no browser)', () => {
  test('discovery looks like FranceConnect v2', () => {
    assert.match(issuer, /^http:\/\/localhost:\d+\/api\/v2$/);
    for (const [k, path] of [['authorization_endpoint', '/authorize'], ['token_endpoint', '/token'],
      ['userinfo_endpoint', '/userinfo'], ['end_session_endpoint', '/session/end'], ['jwks_uri', '/jwks']]) {
      assert.equal(as[k], `${issuer}${path}`);
    }
    assert.deepEqual(as.response_types_supported, ['code']);
    assert.ok(as.id_token_signing_alg_values_supported.includes('ES256'));
    assert.ok(as.acr_values_supported.includes('eidas1'));
    assert.deepEqual(as.subject_types_supported, ['pairwise']);
    assert.ok(as.token_endpoint_auth_methods_supported.includes('client_secret_post'));
    assert.ok(as.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.equal(as.authorization_response_iss_parameter_supported, true);
  });

  test('code flow: ES256 ID token, eidas1, pairwise sub, signed userinfo with the pivot', async () => {
    const r = await codeFlow('eloise.accents');
    assert.equal(r.callbackUrl.searchParams.get('iss'), issuer);
    assert.equal(r.verified.protectedHeader.alg, 'ES256');
    assert.equal(r.claims.acr, 'eidas1');
    assert.match(r.claims.sub, SUB);
    assert.match(r.uiType, /^application\/jwt/);
    assert.equal(r.uiVerified.protectedHeader.alg, 'ES256');
    assert.equal(r.userinfo.sub, r.claims.sub);
    assert.equal(r.result.expires_in, 60);
    assert.deepEqual(
      Object.fromEntries(['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry', 'email', 'preferred_username']
        .map((k) => [k, r.userinfo[k]])),
      {
        given_name: 'Éloïse-Marie Anaïs',
        family_name: "D'ARTAGNAN-LÉGER",
        birthdate: '1992-07-29',
        gender: 'female',
        birthplace: '33063',
        birthcountry: '99100',
        email: 'eloise.dartagnan-leger@example.test',
        preferred_username: 'DE FICTIVILLE',
      },
    );
  });

  test('sub is pairwise per client, stable, and distinct for people sharing one pivot', async () => {
    const a = await codeFlow('homonyme.un');
    const a2 = await codeFlow('homonyme.un');
    const b = await codeFlow('homonyme.deux');
    const other = await codeFlow('homonyme.un', { client: clients.other });
    assert.equal(a.claims.sub, a2.claims.sub);
    assert.notEqual(a.claims.sub, b.claims.sub);
    assert.notEqual(a.claims.sub, other.claims.sub);
    const pivot = (u) => ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'].map((k) => u[k]);
    assert.deepEqual(pivot(a.userinfo), pivot(b.userinfo));
  });

  test('born abroad: empty birthplace and a foreign country code; presumed date', async () => {
    const k = await codeFlow('karim.exemple');
    assert.equal(k.userinfo.birthplace, '');
    assert.match(k.userinfo.birthcountry, /^99\d{3}$/);
    assert.notEqual(k.userinfo.birthcountry, '99100');
    const p = await codeFlow('aicha.presumee');
    assert.match(p.userinfo.birthdate, /^\d{4}-01-01$/);
    const c = await codeFlow('ange.corse');
    assert.match(c.userinfo.birthplace, /^2A\d{3}$/);
  });

  test('amr on request (claims parameter), acr at the level asked', async () => {
    const r = await codeFlow('ange.corse', {
      extra: { claims: JSON.stringify({ id_token: { amr: { essential: true } } }), acr_values: 'eidas2' },
    });
    assert.deepEqual(r.claims.amr, ['pwd']);
    assert.equal(r.claims.acr, 'eidas2');
  });

  test('hostile ID tokens are rewritten as asked; key rotation publishes the new key', async () => {
    const raw = async (modes) => {
      await setModes(modes);
      const r = await codeFlow('camille.fictif', { expectError: true }).catch((e) => e);
      return r;
    };
    try {
      const expired = await raw(['expired']);
      assert.match(String(expired.message), /exp|timestamp/);
      const aud = await raw(['wrong_aud']);
      assert.match(String(aud.message), /aud/);
      const iss = await raw(['wrong_iss']);
      assert.match(String(iss.message), /iss/);
      const hs = await raw(['hs256']);
      assert.match(String(hs.message), /alg/);
      await setModes(['unknown_kid']);
      await assert.rejects(codeFlow('camille.fictif'), (e) => e.code === 'ERR_JWKS_NO_MATCHING_KEY');
      await setModes([]);
      const before = await codeFlow('camille.fictif');
      const rot = await (await fetch(`${fc.info.url}/__test/rotate-keys`, { method: 'POST', body: '{}' })).json();
      const afterRotation = await codeFlow('camille.fictif');
      assert.notEqual(before.verified.protectedHeader.kid, rot.kid);
      assert.equal(afterRotation.verified.protectedHeader.kid, rot.kid);
      assert.equal(afterRotation.uiVerified.protectedHeader.kid, rot.kid);
    } finally {
      await fetch(`${fc.info.url}/__test/reset`, { method: 'POST' });
    }
  });

  test('private_key_jwt client authentication', async () => {
    const r = await codeFlow('camille.fictif', {
      client: { client_id: 'pkjwt-rp' },
      auth: oauth.PrivateKeyJwt({ key: pkjwtKey, kid: 'pkjwt-1' }),
    });
    assert.match(r.claims.sub, SUB);
  });

  test('a civil status correction changes the pairwise sub', async () => {
    const before = await codeFlow('karim.exemple');
    const patch = async (body) => {
      const res = await fetch(`${fc.info.url}/__test/identities/karim.exemple`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      assert.equal(res.status, 200);
    };
    try {
      await patch({ given_name: 'Karim Youssef Ali' });
      const after = await codeFlow('karim.exemple');
      assert.equal(after.userinfo.given_name, 'Karim Youssef Ali');
      assert.notEqual(after.claims.sub, before.claims.sub);
      assert.match(after.claims.sub, SUB);
    } finally {
      await patch({ given_name: 'Karim Youssef' });
    }
    assert.equal((await codeFlow('karim.exemple')).claims.sub, before.claims.sub);
  });

  test('state and nonce are required', async () => {
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: clients.direct.client_id, redirect_uri: DIRECT_REDIRECT, response_type: 'code', scope: 'openid', nonce: 'n'.repeat(32),
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /state/);
  });

  test('hostile modes: wrong iss in the callback, wrong ID token nonce, unsigned userinfo', async () => {
    try {
      await setModes(['callback_wrong_iss']);
      await assert.rejects(codeFlow('camille.fictif'), (e) => e.code === oauth.JSON_ATTRIBUTE_COMPARISON || /iss/.test(e.message));
      await setModes(['wrong_nonce']);
      await assert.rejects(codeFlow('camille.fictif'), /nonce/);
      await setModes(['userinfo_unsigned']);
      await assert.rejects(codeFlow('camille.fictif'), (e) => e.code === oauth.JWT_USERINFO_EXPECTED || /JWT/.test(e.message));
      await setModes(['alg_none']);
      await assert.rejects(codeFlow('camille.fictif'), /alg/);
    } finally {
      await setModes([]);
    }
    const ok = await codeFlow('camille.fictif');
    assert.equal(ok.claims.acr, 'eidas1');
  });
});

describe('demo portal against the stand-in, in Chromium', () => {
  let browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('log in through the stand-in, see the claims, log out', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${portalBase}/`);
    await page.getByRole('button', { name: 'Mon Compte' }).click();
    await page.getByRole('heading', { name: 'Choisissez une identité de test' }).waitFor();
    await page.getByRole('button', { name: 'eloise.accents' }).click();
    await page.getByRole('heading', { name: "Bonjour Éloïse-Marie Anaïs D'ARTAGNAN-LÉGER" }).waitFor();
    assert.ok(page.url().startsWith(`${portalBase}/compte`), page.url());

    const cell = (table, key) => page.locator(`table[aria-label="${table}"] tr:has(th:text-is("${key}")) td`).innerText();
    const idt = "Revendications du jeton d'identité";
    const uit = 'Revendications userinfo';
    assert.equal(await page.locator('#id-token-alg').innerText(), 'ES256');
    assert.match(await page.locator('#userinfo-type').innerText(), /^application\/jwt/);
    assert.equal(await cell(idt, 'acr'), 'eidas1');
    const sub = await cell(idt, 'sub');
    assert.match(sub, SUB);
    assert.equal(await cell(uit, 'sub'), sub);
    assert.equal(await cell(uit, 'birthplace'), '33063');
    assert.equal(await cell(uit, 'birthdate'), '1992-07-29');
    assert.equal(await cell(uit, 'preferred_username'), 'DE FICTIVILLE');

    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await page.getByText('Vous êtes déconnecté.').waitFor();
    const url = new URL(page.url());
    assert.equal(url.origin, portalBase);
    assert.equal(url.pathname, '/');
    await context.close();
  });

  test('cancelling at the stand-in shows a French error page on the portal', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${portalBase}/`);
    await page.getByRole('button', { name: 'Mon Compte' }).click();
    await page.getByRole('button', { name: 'Annuler et revenir au service' }).click();
    await page.getByRole('heading', { name: 'La connexion a échoué' }).waitFor();
    assert.match(await page.getByRole('alert').innerText(), /access_denied/);
    await context.close();
  });
});
