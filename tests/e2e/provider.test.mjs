// End-to-end tests of Caf Connect as an OpenID Connect provider (issue 3, SPEC.md §1–3 and §9): the
// real `cafconnect` binary on loopback, with real third-party relying parties — openid-client (the
// caf.fr portal), oauth4webapi (the mobile app, the partner), jose (JWT checks) — and headless
// Chromium on the real login page and the demo portal (examples/portal).
//
//   node --test tests/e2e/provider.test.mjs
//   CAFCONNECT_BINARY=build-e2e/cafconnect node --test tests/e2e/provider.test.mjs
//
// Without a browser, a person is played by `Agent` (support/agent.mjs): a cookie jar that follows the provider's
// redirects and fills the login form as served (CSRF field included) with `loginWithForm`.
// Negative cases follow the OpenID conformance suite's Basic, Config and RP-initiated logout plans
// and RFC 9700 (OAuth 2.0 Security BCP).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { Agent, loginWithForm as loginAs, textOf } from './support/agent.mjs';
import { hasChromium, launchBrowser } from './support/browser.mjs';
import {
  mobileClient, partnerClient, portalClient, privateKeyJwtClient, startCafConnect,
} from './support/cafconnect.mjs';
import { freePort, startProcess } from './support/processes.mjs';

// ---------------------------------------------------------------------------------------------
// Fixtures.

// Demo accounts (examples/demo-accounts.md).
const JEAN = {
  nir: '1 63 06 31 555 082',
  password: 'Demo2024Caf',
  given_name: 'Jean Michel',
  family_name: 'FICTIF',
  birthdate: '1963-06-02',
  gender: 'male',
  email: 'jean.fictif@example.test',
};
const ZOHRA = { nir: '2 85 11 2A 004 123', password: 'Demo2024Caf' };
const CAMILLE = { nir: '2 85 03 69 123 456', password: 'Demo2024Caf' };

const WRONG_CREDENTIALS = 'Vos numéro de Sécurité sociale et/ou mot de passe sont incorrects. '
  + 'Veuillez vérifier vos informations saisies.';

const PORTAL_SECRET = 'caf-portal-e2e-secret-0123456789';
const PARTNER_SECRET = 'partner-e2e-secret-0123456789';
// The RP callbacks the tests read from Location headers (nothing listens there).
const RP_CALLBACK = 'http://localhost:9/e2e/callback';
const RP_LOGGED_OUT = 'http://localhost:9/e2e/logged-out';
const MOBILE_CALLBACK = 'http://127.0.0.1:53682/callback';

const insecure = { [oauth.allowInsecureRequests]: true };

let caf;            // the running provider
let issuer;
let as;             // its metadata, validated by oauth4webapi
let jwks;           // jose remote JWKS of the provider
let portalBase;     // the demo portal's URL (its port is reserved now so its redirect URI is known)
let pkjwtKey;       // private key of the private_key_jwt client

const portal = { client_id: 'caf-portal', token_endpoint_auth_method: 'client_secret_basic' };
const mobile = { client_id: 'caf-mobile', token_endpoint_auth_method: 'none' };
const mobile2 = { client_id: 'caf-mobile-2', token_endpoint_auth_method: 'none' };
const partner = { client_id: 'partner-e2e', token_endpoint_auth_method: 'client_secret_post' };
const pkjwt = { client_id: 'pkjwt-e2e', token_endpoint_auth_method: 'private_key_jwt' };
const NIR_CLIENT = { client_id: 'caf-nir-e2e', token_endpoint_auth_method: 'client_secret_basic' };
const NIR_SECRET = 'caf-nir-e2e-secret-0123456789';
const RESOURCE_SERVER = { client_id: 'resource-e2e', token_endpoint_auth_method: 'client_secret_post' };
const RESOURCE_SECRET = 'resource-e2e-secret-0123456789';

before(async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  pkjwtKey = privateKey;
  const publicJwk = { ...(await jose.exportJWK(publicKey)), alg: 'ES256', use: 'sig', kid: 'pkjwt-e2e-1' };
  portalBase = `http://localhost:${await freePort()}`;
  const cafPort = await freePort();
  caf = await startCafConnect({
    clients: [
      portalClient({
        secret: PORTAL_SECRET,
        redirectUris: [`${portalBase}/callback`, RP_CALLBACK],
        postLogoutRedirectUris: [`${portalBase}/`, RP_LOGGED_OUT],
      }),
      mobileClient({ redirectUris: ['fr.caf.moncompte:/oauth2redirect', MOBILE_CALLBACK] }),
      mobileClient({ clientId: 'caf-mobile-2', redirectUris: [MOBILE_CALLBACK] }),
      partnerClient({ secret: PARTNER_SECRET }),
      privateKeyJwtClient({ jwks: { keys: [publicJwk] } }),
      // A service allowed the NIR itself (nir_claim), which it gets only under the caf_nir scope.
      portalClient({ clientId: NIR_CLIENT.client_id, secret: NIR_SECRET, redirectUris: [RP_CALLBACK],
        scopes: ['openid', 'profile', 'caf_nir'], extra: { nir_claim: true } }),
      // A resource server of userinfo's audience, the one of a person's tokens asked without a resource.
      partnerClient({ clientId: RESOURCE_SERVER.client_id, secret: RESOURCE_SECRET,
        extra: { introspection_resources: [`http://localhost:${cafPort}/userinfo`] } }),
    ],
    port: cafPort,
  });
  issuer = caf.issuer;
  const issuerUrl = new URL(issuer);
  as = await oauth.processDiscoveryResponse(issuerUrl,
    await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
  jwks = jose.createRemoteJWKSet(new URL(as.jwks_uri));
});

after(async () => {
  await caf?.stop();
});

// ---------------------------------------------------------------------------------------------
// A person without a browser: a cookie jar following the provider's redirects.

/** Logs JEAN in (or `person`) through the login form when it is shown. */
const loginWithForm = (agent, url, person = JEAN) => loginAs(agent, url, person);

function authorizeUrl(params) {
  const url = new URL(as.authorization_endpoint);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

async function pkce() {
  const verifier = oauth.generateRandomCodeVerifier();
  return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
}

/** A raw POST to an endpoint with a form body; `basic` = [client_id, secret]. */
async function postForm(endpoint, form, { basic, bearer } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (basic) {
    const enc = (s) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(basic[0])}:${enc(basic[1])}`).toString('base64')}`;
  }
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(form).toString(), redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/** The portal logs JEAN in (code + PKCE) and redeems the code: the token response, raw. */
async function portalLogin(agent = new Agent(issuer), extra = {}) {
  const { verifier, challenge } = await pkce();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const { callback, loginShown } = await loginWithForm(agent, authorizeUrl({
    client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid profile email phone',
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  }));
  const params = oauth.validateAuthResponse(as, portal, callback, state);
  const res = await postForm(as.token_endpoint, {
    grant_type: 'authorization_code', code: params.get('code'), redirect_uri: RP_CALLBACK, code_verifier: verifier,
  }, { basic: [portal.client_id, PORTAL_SECRET] });
  assert.equal(res.status, 200, res.text);
  return { agent, tokens: res.json, code: params.get('code'), verifier, nonce, loginShown, tokenResponse: res };
}

async function introspect(token, { as: who = 'portal' } = {}) {
  const auth = who === 'portal'
    ? { basic: [portal.client_id, PORTAL_SECRET] }
    : {};
  const form = who === 'portal' ? { token } : { token, client_id: partner.client_id, client_secret: PARTNER_SECRET };
  const res = await postForm(as.introspection_endpoint, form, auth);
  assert.equal(res.status, 200, `introspection: ${res.status} ${res.text}`);
  return res.json;
}

async function userinfoStatus(token) {
  const res = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

/** A redirect back to the client carrying an error: error, state and iss (RFC 9207). */
function assertErrorCallback(result, { redirectUri, error, state }) {
  assert.ok(result.callback, `expected a redirect to the client, got a page ${result.page?.status}: `
    + `${textOf(result.page?.body ?? '').slice(0, 300)}`);
  const cb = result.callback;
  assert.equal(`${cb.origin}${cb.pathname}`, redirectUri);
  assert.equal(cb.searchParams.get('error'), error, cb.href);
  assert.equal(cb.searchParams.get('state'), state, 'state returned');
  assert.equal(cb.searchParams.get('iss'), issuer, 'iss returned (RFC 9207)');
  assert.equal(cb.searchParams.get('code'), null);
}

/** An error page of the provider: 400, HTML, and no redirect at all. */
async function assertErrorPageNoRedirect(url) {
  const res = await fetch(url, { redirect: 'manual' });
  const body = await res.text();
  assert.equal(res.headers.get('location'), null, `must not redirect (got Location ${res.headers.get('location')})`);
  assert.equal(res.status, 400, body.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  return body;
}

/** A JWT with `alg: none` (empty signature). */
function unsignedJwt(payload, header = { alg: 'none', typ: 'JWT' }) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64(header)}.${b64(payload)}.`;
}

function jwtParts(jwt) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
    signature: s,
  };
}

// =============================================================================================

describe('discovery and keys (OpenID Config plan)', () => {
  it('the discovery document names the issuer exactly, every endpoint, S256 only and the iss parameter', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/, 'served with caching headers');
    const d = await res.json();
    assert.equal(d.issuer, issuer);
    for (const [key, path] of [
      ['authorization_endpoint', '/authorize'], ['token_endpoint', '/token'], ['userinfo_endpoint', '/userinfo'],
      ['jwks_uri', '/jwks'], ['introspection_endpoint', '/introspect'], ['revocation_endpoint', '/revoke'],
      ['end_session_endpoint', '/logout'],
    ]) assert.equal(d[key], `${issuer}${path}`, key);
    assert.deepEqual(d.response_types_supported, ['code']);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.equal(d.authorization_response_iss_parameter_supported, true);
    for (const g of ['authorization_code', 'refresh_token', 'client_credentials']) assert.ok(d.grant_types_supported.includes(g), g);
    for (const m of ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']) {
      assert.ok(d.token_endpoint_auth_methods_supported.includes(m), m);
    }
    for (const s of ['openid', 'profile', 'email', 'phone', 'offline_access']) assert.ok(d.scopes_supported.includes(s), s);
    for (const c of ['sub', 'given_name', 'family_name', 'birthdate', 'email']) assert.ok(d.claims_supported.includes(c), c);
    assert.ok(d.subject_types_supported.includes('public'));
    assert.ok(d.id_token_signing_alg_values_supported.includes('RS256'));
    assert.ok(d.id_token_signing_alg_values_supported.includes('ES256'));
    for (const key of ['id_token_signing_alg_values_supported', 'token_endpoint_auth_signing_alg_values_supported',
      'request_object_signing_alg_values_supported', 'userinfo_signing_alg_values_supported',
      'introspection_endpoint_auth_signing_alg_values_supported', 'revocation_endpoint_auth_signing_alg_values_supported']) {
      if (d[key] === undefined) continue;
      assert.ok(!d[key].map((a) => a.toLowerCase()).includes('none'), `${key} must not list none`);
    }
  });

  it('JWKS: public keys only, each with a distinct kid, an RS256 key, cacheable', async () => {
    const res = await fetch(as.jwks_uri);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/(jwk-set\+)?json/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const { keys } = await res.json();
    assert.ok(keys.length >= 1);
    const kids = keys.map((k) => k.kid);
    assert.ok(kids.every((k) => typeof k === 'string' && k.length > 0), 'every key has a kid');
    assert.equal(new Set(kids).size, kids.length, 'kids are distinct');
    for (const k of keys) {
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(k[priv], undefined, `no private member ${priv}`);
      await jose.importJWK(k, k.alg); // each key is usable as published
    }
    assert.ok(keys.some((k) => k.kty === 'RSA' && (k.alg === 'RS256' || !k.alg)), 'an RS256 key');
  });

  it('openid-client accepts the discovery document', async () => {
    const config = await client.discovery(new URL(issuer), portal.client_id, { client_secret: PORTAL_SECRET },
      client.ClientSecretBasic(PORTAL_SECRET), { execute: [client.allowInsecureRequests] });
    assert.equal(config.serverMetadata().issuer, issuer);
    assert.equal(config.serverMetadata().supportsPKCE('S256'), true);
  });
});

// =============================================================================================

describe('the caf.fr portal with openid-client (confidential, code + PKCE + state + nonce)', () => {
  let config;
  before(async () => {
    config = await client.discovery(new URL(issuer), portal.client_id, { client_secret: PORTAL_SECRET },
      client.ClientSecretBasic(PORTAL_SECRET), { execute: [client.allowInsecureRequests] });
    client.enableNonRepudiationChecks(config); // ID token signatures checked against the JWKS
  });

  it('logs in through the login form; the library validates the code, ID token and userinfo', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid profile email phone',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const { callback, loginShown } = await loginWithForm(new Agent(issuer), url);
    assert.equal(loginShown, true);
    assert.equal(callback.searchParams.get('iss'), issuer, 'iss on success (RFC 9207)');
    assert.equal(callback.searchParams.get('state'), state);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.ok(tokens.expires_in > 0);
    const claims = tokens.claims();
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud === portal.client_id || (Array.isArray(claims.aud) && claims.aud.includes(portal.client_id)), true);
    assert.equal(claims.nonce, nonce);
    assert.match(claims.sub, /\S+/);
    for (const c of ['exp', 'iat', 'auth_time']) assert.equal(typeof claims[c], 'number', c);
    assert.ok(claims.exp > claims.iat);
    assert.ok(Math.abs(claims.auth_time - Date.now() / 1000) < 60, 'auth_time is the login just made');
    for (const c of ['acr', 'sid', 'at_hash']) assert.equal(typeof claims[c], 'string', c);
    assert.ok(Array.isArray(claims.amr) && claims.amr.includes('pwd'), `amr ${JSON.stringify(claims.amr)}`);
    assert.equal(claims.at_hash, createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url'));

    // The ID token and the access token against the JWKS, independently of openid-client.
    const idt = await jose.jwtVerify(tokens.id_token, jwks, { issuer, audience: portal.client_id, algorithms: ['RS256'] });
    assert.ok(idt.protectedHeader.kid);
    const at = await jose.jwtVerify(tokens.access_token, jwks, { issuer, typ: 'at+jwt' });
    assert.equal(at.payload.client_id, portal.client_id);
    assert.equal(at.payload.sub, claims.sub);
    assert.match(at.payload.scope, /\bopenid\b/);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.given_name, JEAN.given_name);
    assert.equal(userinfo.family_name, JEAN.family_name);
    assert.equal(userinfo.birthdate, JEAN.birthdate);
    assert.equal(userinfo.gender, JEAN.gender);
    assert.equal(userinfo.email, JEAN.email);
    assert.match(String(userinfo.phone_number), /600000001$/);
    assert.equal(userinfo.caf_nir, undefined, 'the NIR goes only to clients configured for it');
    assert.equal(claims.caf_nir, undefined);
  });

  it('the sub is stable for the account; userinfo answers GET and POST (header or form body) alike', async () => {
    const a = await portalLogin();
    const b = await portalLogin();
    const sub = jwtParts(a.tokens.id_token).payload.sub;
    assert.equal(jwtParts(b.tokens.id_token).payload.sub, sub);
    const get = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${b.tokens.access_token}` } });
    assert.equal(get.status, 200);
    const postHeader = await postForm(as.userinfo_endpoint, {}, { bearer: b.tokens.access_token });
    assert.equal(postHeader.status, 200, postHeader.text);
    const postForm_ = await postForm(as.userinfo_endpoint, { access_token: b.tokens.access_token });
    assert.equal(postForm_.status, 200, postForm_.text);
    for (const body of [await get.json(), postHeader.json, postForm_.json]) {
      assert.equal(body.sub, sub);
      assert.equal(body.family_name, JEAN.family_name);
    }
  });

  it('token responses are JSON with Cache-Control: no-store', async () => {
    const { tokenResponse } = await portalLogin();
    assert.match(tokenResponse.headers.get('cache-control') ?? '', /no-store/);
    assert.match(tokenResponse.headers.get('content-type') ?? '', /^application\/json/);
  });

  it('SSO: with a session, a new authorization returns a code at once; prompt=none too', async () => {
    const agent = new Agent(issuer);
    const first = await portalLogin(agent);
    assert.equal(first.loginShown, true);
    const again = await portalLogin(agent);
    assert.equal(again.loginShown, false, 'the SSO session is used');
    const silent = await portalLogin(agent, { prompt: 'none' });
    assert.equal(silent.loginShown, false);
    const t1 = jwtParts(first.tokens.id_token).payload;
    const t3 = jwtParts(silent.tokens.id_token).payload;
    assert.equal(t3.auth_time, t1.auth_time, 'same login, same auth_time');
    assert.equal(t3.sid, t1.sid, 'same session');
  });
});

// =============================================================================================

describe('the NIR and personal data (openid-client): caf_nir scope, userinfo only, claims parameter', () => {
  let nirConfig;
  let portalConfig;
  before(async () => {
    nirConfig = await client.discovery(new URL(issuer), NIR_CLIENT.client_id, { client_secret: NIR_SECRET },
      client.ClientSecretBasic(NIR_SECRET), { execute: [client.allowInsecureRequests] });
    portalConfig = await client.discovery(new URL(issuer), portal.client_id, { client_secret: PORTAL_SECRET },
      client.ClientSecretBasic(PORTAL_SECRET), { execute: [client.allowInsecureRequests] });
  });

  /** JEAN logs in for `config` with `params`; the tokens as openid-client validated them. */
  async function login(config, params) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK, code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256', state, nonce, ...params,
    });
    const { callback } = await loginWithForm(new Agent(issuer), url);
    return client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
  }

  it('the NIR is at userinfo under the caf_nir scope only, and never in the ID token', async () => {
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
    assert.ok(discovery.scopes_supported.includes('caf_nir'));
    assert.equal(discovery.claims_parameter_supported, true);

    const without = await login(nirConfig, { scope: 'openid profile' });
    assert.equal(without.claims().caf_nir, undefined);
    assert.equal((await client.fetchUserInfo(nirConfig, without.access_token, without.claims().sub)).caf_nir, undefined);

    const withNir = await login(nirConfig, { scope: 'openid profile caf_nir' });
    const claims = withNir.claims();
    assert.equal(claims.caf_nir, undefined, 'the ID token ends up in id_token_hint URLs and proxy logs');
    assert.equal(claims.given_name, undefined, 'no personal data the client did not ask for');
    const userinfo = await client.fetchUserInfo(nirConfig, withNir.access_token, claims.sub);
    assert.equal(userinfo.caf_nir, JEAN.nir.replaceAll(' ', '').slice(0, 13));
    assert.equal(userinfo.family_name, JEAN.family_name);
  });

  it('a client not allowed the NIR asking caf_nir is refused with invalid_scope', async () => {
    const state = client.randomState();
    const { challenge } = await pkce();
    const res = await fetch(authorizeUrl({
      client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid caf_nir',
      state, code_challenge: challenge, code_challenge_method: 'S256',
    }), { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location'));
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
    assert.equal(location.searchParams.get('state'), state);
  });

  it('the ID token carries a personal claim when the client asks for it with the claims parameter', async () => {
    const tokens = await login(portalConfig, {
      scope: 'openid profile email', claims: JSON.stringify({ id_token: { given_name: null } }),
    });
    const claims = tokens.claims();
    assert.equal(claims.given_name, JEAN.given_name);
    assert.equal(claims.family_name, undefined);
    assert.equal(claims.email, undefined);
  });
});

describe('the mobile app with oauth4webapi (public client, PKCE S256, refresh rotation)', () => {
  async function mobileLogin(clientMeta = mobile) {
    const { verifier, challenge } = await pkce();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const { callback } = await loginWithForm(new Agent(issuer), authorizeUrl({
      client_id: clientMeta.client_id, redirect_uri: MOBILE_CALLBACK, response_type: 'code',
      scope: 'openid profile offline_access', state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
    }));
    const params = oauth.validateAuthResponse(as, clientMeta, callback, state);
    const res = await oauth.authorizationCodeGrantRequest(as, clientMeta, oauth.None(), params, MOBILE_CALLBACK, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, clientMeta, res, { expectedNonce: nonce, requireIdToken: true });
    return tokens;
  }

  async function refresh(refreshToken, clientMeta = mobile) {
    const res = await oauth.refreshTokenGrantRequest(as, clientMeta, oauth.None(), refreshToken, insecure);
    return oauth.processRefreshTokenResponse(as, clientMeta, res);
  }

  it('code flow with PKCE, then each refresh rotates the refresh token', async () => {
    const tokens = await mobileLogin();
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    await jose.jwtVerify(tokens.id_token, jwks, { issuer, audience: mobile.client_id });
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    assert.match(tokens.scope ?? '', /offline_access/);
    const r1 = await refresh(tokens.refresh_token);
    assert.ok(r1.refresh_token);
    assert.notEqual(r1.refresh_token, tokens.refresh_token, 'rotated');
    assert.notEqual(r1.access_token, tokens.access_token);
    const r2 = await refresh(r1.refresh_token);
    assert.notEqual(r2.refresh_token, r1.refresh_token, 'rotated again');
    const at = await jose.jwtVerify(r2.access_token, jwks, { issuer, typ: 'at+jwt' });
    assert.equal(at.payload.sub, claims.sub);
    assert.equal(at.payload.client_id, mobile.client_id);
    const ui = await oauth.processUserInfoResponse(as, mobile, claims.sub,
      await oauth.userInfoRequest(as, mobile, r2.access_token, insecure));
    assert.equal(ui.family_name, JEAN.family_name);
  });

  it('reuse of a rotated refresh token is refused and revokes the family (the newest token too)', async () => {
    const tokens = await mobileLogin();
    const r1 = await refresh(tokens.refresh_token);
    const r2 = await refresh(r1.refresh_token);
    // The first token, already rotated, is presented again: theft.
    await assert.rejects(refresh(tokens.refresh_token),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant' && e.status === 400);
    // The whole family is gone: the newest token does not work either, nor its access token.
    await assert.rejects(refresh(r2.refresh_token),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
    assert.equal((await userinfoStatus(r2.access_token)).status, 401);
  });

  it('with the default configuration, presenting the rotated token again at once revokes the family', async () => {
    // No grace window by default: the reuse comes straight after the rotation, before the
    // successor was ever used, and still counts as theft.
    const tokens = await mobileLogin();
    const r1 = await refresh(tokens.refresh_token);
    await assert.rejects(refresh(tokens.refresh_token),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant' && e.status === 400);
    await assert.rejects(refresh(r1.refresh_token),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
    assert.equal((await userinfoStatus(r1.access_token)).status, 401);
  });

  it('a refresh token of another client is refused with invalid_grant', async () => {
    const tokens = await mobileLogin();
    // Another public client presents it.
    await assert.rejects(refresh(tokens.refresh_token, mobile2),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
    // The confidential portal, correctly authenticated, presents it.
    const res = await postForm(as.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { basic: [portal.client_id, PORTAL_SECRET] });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });
});

// =============================================================================================

describe('the partner (client_credentials, introspection, revocation)', () => {
  async function partnerToken(scope = 'caf_api.read') {
    const res = await oauth.clientCredentialsGrantRequest(as, partner, oauth.ClientSecretPost(PARTNER_SECRET),
      new URLSearchParams({ scope }), insecure);
    return oauth.processClientCredentialsResponse(as, partner, res);
  }

  it('gets an at+jwt access token (no ID token), active at introspection, inactive once revoked', async () => {
    const tokens = await partnerToken();
    assert.equal(tokens.id_token, undefined, 'no ID token for client_credentials');
    assert.equal(tokens.refresh_token, undefined);
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks, { issuer, typ: 'at+jwt' });
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(payload.client_id, partner.client_id);
    assert.equal(payload.sub, partner.client_id);
    assert.equal(payload.scope, 'caf_api.read');
    assert.ok(payload.jti && payload.exp > payload.iat);

    const auth = oauth.ClientSecretPost(PARTNER_SECRET);
    const active = await oauth.processIntrospectionResponse(as, partner,
      await oauth.introspectionRequest(as, partner, auth, tokens.access_token, insecure));
    assert.equal(active.active, true);
    assert.equal(active.client_id, partner.client_id);
    assert.equal(active.scope, 'caf_api.read');
    assert.equal(active.token_type?.toLowerCase?.() ?? 'bearer', 'bearer');
    assert.equal(active.exp, payload.exp);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, partner, auth, tokens.access_token, insecure));
    const inactive = await oauth.processIntrospectionResponse(as, partner,
      await oauth.introspectionRequest(as, partner, auth, tokens.access_token, insecure));
    assert.deepEqual(inactive, { active: false });
  });

  it("introspection of a person's access token: active to its client and to a resource server of its audience only", async () => {
    const { tokens } = await portalLogin();
    const asClient = (who, secret) => postForm(as.introspection_endpoint,
      { token: tokens.access_token, client_id: who, client_secret: secret });
    // Another confidential client, not registered as a resource server: nothing (RFC 7662 §2.2).
    const stranger = await asClient(partner.client_id, PARTNER_SECRET);
    assert.equal(stranger.status, 200, stranger.text);
    assert.deepEqual(stranger.json, { active: false });
    // The resource server of the token's audience, and the token's own client.
    const resource = await asClient(RESOURCE_SERVER.client_id, RESOURCE_SECRET);
    assert.equal(resource.json?.active, true, resource.text);
    assert.equal(resource.json.client_id, portal.client_id);
    assert.equal((await introspect(tokens.access_token)).active, true);
  });

  it('client_credentials: an ID-token scope or an unknown scope is not granted', async () => {
    const res = await postForm(as.token_endpoint, {
      grant_type: 'client_credentials', scope: 'openid profile', client_id: partner.client_id, client_secret: PARTNER_SECRET,
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_scope');
  });

  it('introspection and revocation require client authentication', async () => {
    const tokens = await partnerToken();
    // No credentials at all: invalid_client (RFC 6749 §5.2 allows 400 or 401 without an
    // Authorization header), and never an answer about the token.
    const intro = await postForm(as.introspection_endpoint, { token: tokens.access_token });
    assert.ok(intro.status === 400 || intro.status === 401, `status ${intro.status}`);
    assert.equal(intro.json?.error, 'invalid_client', intro.text);
    assert.equal(intro.json?.active, undefined);
    const rev = await postForm(as.revocation_endpoint, { token: tokens.access_token });
    assert.ok(rev.status === 400 || rev.status === 401, `status ${rev.status}`);
    assert.equal(rev.json?.error, 'invalid_client', rev.text);
    // Wrong credentials in a Basic header: 401 (RFC 7662 §2.3, RFC 6749 §5.2).
    const wrong = [portal.client_id, 'not-the-portal-secret-0123'];
    const introBasic = await postForm(as.introspection_endpoint, { token: tokens.access_token }, { basic: wrong });
    assert.equal(introBasic.status, 401, introBasic.text);
    assert.equal(introBasic.json?.active, undefined);
    const revBasic = await postForm(as.revocation_endpoint, { token: tokens.access_token }, { basic: wrong });
    assert.equal(revBasic.status, 401, revBasic.text);
    assert.equal((await introspect(tokens.access_token, { as: 'partner' })).active, true, 'not revoked by the unauthenticated call');
  });

  it('private_key_jwt: a signed client assertion is accepted, a replayed one is not', async () => {
    const res = await oauth.clientCredentialsGrantRequest(as, pkjwt, oauth.PrivateKeyJwt({ key: pkjwtKey, kid: 'pkjwt-e2e-1' }),
      new URLSearchParams({ scope: 'caf_api.read' }), insecure);
    const tokens = await oauth.processClientCredentialsResponse(as, pkjwt, res);
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer, typ: 'at+jwt' });
    assert.equal(payload.client_id, pkjwt.client_id);

    const now = Math.floor(Date.now() / 1000);
    const assertion = await new jose.SignJWT({ jti: randomBytes(16).toString('hex') })
      .setProtectedHeader({ alg: 'ES256', kid: 'pkjwt-e2e-1' })
      .setIssuer(pkjwt.client_id).setSubject(pkjwt.client_id).setAudience(as.token_endpoint)
      .setIssuedAt(now).setExpirationTime(now + 60).sign(pkjwtKey);
    const form = {
      grant_type: 'client_credentials', scope: 'caf_api.read', client_id: pkjwt.client_id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    };
    assert.equal((await postForm(as.token_endpoint, form)).status, 200);
    const replay = await postForm(as.token_endpoint, form);
    assert.equal(replay.json?.error, 'invalid_client', replay.text);
  });
});

// =============================================================================================

describe('authorization request errors (OpenID Basic plan, RFC 9700)', () => {
  const base = () => ({
    client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid',
    state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(),
  });

  it('an unregistered redirect_uri shows an error page (400) and never redirects', async () => {
    const body = await assertErrorPageNoRedirect(authorizeUrl({ ...base(), redirect_uri: 'https://attacker.example/callback' }));
    assert.doesNotMatch(body, /attacker\.example\/callback\?/);
  });

  it('a registered redirect_uri with an added query shows the error page', async () => {
    await assertErrorPageNoRedirect(authorizeUrl({ ...base(), redirect_uri: `${RP_CALLBACK}?extra=1` }));
  });

  it('a registered redirect_uri with an added path segment shows the error page', async () => {
    await assertErrorPageNoRedirect(authorizeUrl({ ...base(), redirect_uri: `${RP_CALLBACK}/extra` }));
  });

  it('an unknown client shows the error page', async () => {
    await assertErrorPageNoRedirect(authorizeUrl({ ...base(), client_id: 'no-such-client' }));
  });

  it('a missing redirect_uri (the client has several) shows the error page', async () => {
    // OIDC Core requires redirect_uri; the portal has several registered, so there is nothing to fall back on.
    await assertErrorPageNoRedirect(authorizeUrl({ ...base(), redirect_uri: undefined }));
  });

  it('missing response_type: back to the client with invalid_request, state and iss', async () => {
    const p = { ...base(), response_type: undefined };
    assertErrorCallback(await new Agent(issuer).navigate(authorizeUrl(p)),
      { redirectUri: RP_CALLBACK, error: 'invalid_request', state: p.state });
  });

  it('response_type=token (implicit) is refused with unsupported_response_type', async () => {
    const p = { ...base(), response_type: 'token' };
    assertErrorCallback(await new Agent(issuer).navigate(authorizeUrl(p)),
      { redirectUri: RP_CALLBACK, error: 'unsupported_response_type', state: p.state });
  });

  it('a public client without PKCE is refused with invalid_request', async () => {
    const p = { ...base(), client_id: mobile.client_id, redirect_uri: MOBILE_CALLBACK };
    assertErrorCallback(await new Agent(issuer).navigate(authorizeUrl(p)),
      { redirectUri: MOBILE_CALLBACK, error: 'invalid_request', state: p.state });
  });

  it('code_challenge_method=plain is refused with invalid_request', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    for (const clientId of [portal.client_id, mobile.client_id]) {
      const redirectUri = clientId === portal.client_id ? RP_CALLBACK : MOBILE_CALLBACK;
      const p = { ...base(), client_id: clientId, redirect_uri: redirectUri, code_challenge: verifier, code_challenge_method: 'plain' };
      assertErrorCallback(await new Agent(issuer).navigate(authorizeUrl(p)), { redirectUri, error: 'invalid_request', state: p.state });
    }
  });

  it('prompt=none without a session: login_required with state and iss', async () => {
    const { challenge } = await pkce();
    const p = { ...base(), prompt: 'none', code_challenge: challenge, code_challenge_method: 'S256' };
    assertErrorCallback(await new Agent(issuer).navigate(authorizeUrl(p)),
      { redirectUri: RP_CALLBACK, error: 'login_required', state: p.state });
  });

  it('the authorization endpoint also takes POST (form body)', async () => {
    const { challenge } = await pkce();
    const p = { ...base(), code_challenge: challenge, code_challenge_method: 'S256' };
    const r = await new Agent(issuer).navigate(as.authorization_endpoint, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString(),
    });
    assert.ok(r.page?.form, `expected the login page, got ${r.callback ?? r.page?.status}`);
    assert.equal(r.page.status, 200);
    assert.match(r.page.url.pathname, /^\/connexion$/);
  });

  it('max_age=1 after more than a second: the login page again, and a later auth_time', async () => {
    const agent = new Agent(issuer);
    const first = await portalLogin(agent);
    const t1 = jwtParts(first.tokens.id_token).payload.auth_time;
    // The one fixed wait of this file: max_age is in seconds, so the session must be older than
    // 1 s. 1.1 s after the login, auth_time (whole seconds, truncated) is ≥ 1 s in the past.
    await sleep(1_100);
    const { challenge, verifier } = await pkce();
    const p = { ...base(), max_age: '1', code_challenge: challenge, code_challenge_method: 'S256' };
    const shown = await agent.navigate(authorizeUrl(p));
    assert.ok(shown.page?.form, `expected the login page again, got ${shown.callback?.href ?? shown.page?.status}`);
    const done = await agent.submitLogin(shown.page, JEAN);
    assert.ok(done.callback, 'back to the client after the new login');
    const params = oauth.validateAuthResponse(as, portal, done.callback, p.state);
    const res = await postForm(as.token_endpoint, {
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: RP_CALLBACK, code_verifier: verifier,
    }, { basic: [portal.client_id, PORTAL_SECRET] });
    assert.equal(res.status, 200, res.text);
    const t2 = jwtParts(res.json.id_token).payload.auth_time;
    assert.ok(t2 > t1, `auth_time ${t2} must be later than ${t1}`);
  });

  it('prompt=login forces the login page despite a session', async () => {
    const agent = new Agent(issuer);
    await portalLogin(agent);
    const { challenge } = await pkce();
    const r = await agent.navigate(authorizeUrl({ ...base(), prompt: 'login', code_challenge: challenge, code_challenge_method: 'S256' }));
    assert.ok(r.page?.form, `expected the login page, got ${r.callback?.href ?? r.page?.status}`);
  });
});

// =============================================================================================

describe('token endpoint errors (OpenID Basic plan, RFC 9700)', () => {
  /** JEAN logs in for the portal; resolves with the code not yet redeemed and its PKCE verifier. */
  async function codeFor({ withPkce = true, clientId = portal.client_id, redirectUri = RP_CALLBACK } = {}) {
    const { verifier, challenge } = await pkce();
    const state = oauth.generateRandomState();
    const { callback } = await loginWithForm(new Agent(issuer), authorizeUrl({
      client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state,
      nonce: oauth.generateRandomNonce(),
      ...(withPkce ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    }));
    const params = oauth.validateAuthResponse(as, { client_id: clientId }, callback, state);
    return { code: params.get('code'), verifier };
  }
  const redeem = (form, basic = [portal.client_id, PORTAL_SECRET]) => postForm(as.token_endpoint,
    { grant_type: 'authorization_code', redirect_uri: RP_CALLBACK, ...form }, { basic });

  it('code reuse: invalid_grant, and the access token of the first exchange is revoked', async () => {
    const { code, verifier } = await codeFor();
    const first = await redeem({ code, code_verifier: verifier });
    assert.equal(first.status, 200, first.text);
    const at = first.json.access_token;
    assert.equal((await introspect(at)).active, true, 'active before the replay');
    assert.equal((await userinfoStatus(at)).status, 200);

    const second = await redeem({ code, code_verifier: verifier });
    assert.equal(second.status, 400, second.text);
    assert.equal(second.json?.error, 'invalid_grant');
    assert.match(second.headers.get('cache-control') ?? '', /no-store/);

    assert.deepEqual(await introspect(at), { active: false });
    const ui = await userinfoStatus(at);
    assert.equal(ui.status, 401);
    assert.match(ui.wwwAuthenticate ?? '', /Bearer/i);
    assert.match(ui.wwwAuthenticate ?? '', /invalid_token/);
  });

  it('PKCE: a missing verifier is refused', async () => {
    const { code } = await codeFor();
    const res = await redeem({ code });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });

  it('PKCE: a wrong verifier is refused', async () => {
    const { code } = await codeFor();
    const res = await redeem({ code, code_verifier: oauth.generateRandomCodeVerifier() });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });

  it('PKCE: a verifier without a challenge at authorize is refused (downgrade, RFC 9700 §4.8.2)', async () => {
    const { code, verifier } = await codeFor({ withPkce: false });
    const res = await redeem({ code, code_verifier: verifier });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });

  it('the redirect_uri at the token endpoint must be the one of the authorization request', async () => {
    const { code, verifier } = await codeFor();
    const res = await redeem({ code, code_verifier: verifier, redirect_uri: `${portalBase}/callback` });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });

  it('a wrong client secret: invalid_client, 401 with WWW-Authenticate for Basic', async () => {
    const { code, verifier } = await codeFor();
    const basic = await redeem({ code, code_verifier: verifier }, [portal.client_id, 'not-the-portal-secret-0123']);
    assert.equal(basic.status, 401, basic.text);
    assert.equal(basic.json?.error, 'invalid_client');
    assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic/i);

    const post = await postForm(as.token_endpoint, {
      grant_type: 'client_credentials', scope: 'caf_api.read', client_id: partner.client_id, client_secret: 'not-the-partner-secret-0123',
    });
    assert.ok(post.status === 400 || post.status === 401, `status ${post.status}`);
    assert.equal(post.json?.error, 'invalid_client');
  });

  it('a code issued to one client is refused to another', async () => {
    const { code, verifier } = await codeFor();
    const res = await postForm(as.token_endpoint, {
      grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: RP_CALLBACK, client_id: mobile.client_id,
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json?.error, 'invalid_grant');
  });
});

// =============================================================================================

describe('alg none is never accepted', () => {
  it('an unsigned access token: refused at /userinfo, inactive at /introspect', async () => {
    const { tokens } = await portalLogin();
    const { payload } = jwtParts(tokens.access_token);
    const forged = unsignedJwt(payload, { alg: 'none', typ: 'at+jwt' });
    assert.equal((await userinfoStatus(tokens.access_token)).status, 200, 'the genuine token works');
    const ui = await userinfoStatus(forged);
    assert.equal(ui.status, 401);
    assert.deepEqual(await introspect(forged), { active: false });
    // Same token, signature stripped but the header kept.
    const stripped = tokens.access_token.split('.').slice(0, 2).join('.') + '.';
    assert.equal((await userinfoStatus(stripped)).status, 401);
    assert.deepEqual(await introspect(stripped), { active: false });
  });

  it('a client assertion with alg none is refused (invalid_client)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = unsignedJwt({
      iss: pkjwt.client_id, sub: pkjwt.client_id, aud: as.token_endpoint, jti: randomBytes(16).toString('hex'),
      iat: now, exp: now + 60,
    });
    const res = await postForm(as.token_endpoint, {
      grant_type: 'client_credentials', scope: 'caf_api.read', client_id: pkjwt.client_id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    });
    assert.ok(res.status === 400 || res.status === 401, `status ${res.status}`);
    assert.equal(res.json?.error, 'invalid_client', res.text);
    assert.equal(res.json?.access_token, undefined);
  });
});

// =============================================================================================

describe('RP-initiated logout (OpenID RP-initiated logout plan)', () => {
  const endSession = (agent, params) => {
    const url = new URL(as.end_session_endpoint);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return agent.request(url);
  };
  /** No redirect at all: a page of the provider (an error or a confirmation), never the client. */
  async function assertNoRedirect(res) {
    const body = await res.text();
    assert.equal(res.headers.get('location'), null, `must not redirect (Location ${res.headers.get('location')})`);
    assert.ok(res.status < 300 || res.status >= 400, `status ${res.status}`);
    assert.doesNotMatch(body, /localhost:9\/e2e\/logged-out\?/, 'the page does not hand the client URI over either');
  }

  let session;   // an agent logged in for the portal
  let idToken;   // its ID token
  before(async () => {
    session = await portalLogin();
    idToken = session.tokens.id_token;
  });

  it('an id_token_hint with a tampered payload: no redirect', async () => {
    const [h, p, s] = idToken.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.sub = `${payload.sub}x`;
    const tampered = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    await assertNoRedirect(await endSession(session.agent, {
      id_token_hint: tampered, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'tampered',
    }));
  });

  it('an id_token_hint signed by a foreign key under the provider\'s kid: no redirect', async () => {
    const { header, payload } = jwtParts(idToken);
    const { privateKey } = await jose.generateKeyPair('RS256');
    const foreign = await new jose.SignJWT(payload).setProtectedHeader(header).sign(privateKey);
    await assertNoRedirect(await endSession(session.agent, {
      id_token_hint: foreign, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'foreign',
    }));
  });

  it('an unsigned (alg none) ID-token-like hint: no redirect', async () => {
    const { payload } = jwtParts(idToken);
    await assertNoRedirect(await endSession(session.agent, {
      id_token_hint: unsignedJwt(payload), post_logout_redirect_uri: RP_LOGGED_OUT, state: 'none',
    }));
  });

  it('an unregistered post_logout_redirect_uri, or a registered one with an added query: no redirect', async () => {
    await assertNoRedirect(await endSession(session.agent, {
      id_token_hint: idToken, post_logout_redirect_uri: 'https://attacker.example/logged-out', state: 'unregistered',
    }));
    await assertNoRedirect(await endSession(session.agent, {
      id_token_hint: idToken, post_logout_redirect_uri: `${RP_LOGGED_OUT}?x=1`, state: 'query',
    }));
  });

  it('without id_token_hint: a confirmation page, no redirect', async () => {
    const res = await endSession(session.agent, { client_id: portal.client_id, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'nohint' });
    await assertNoRedirect(res);
    assert.equal(res.status, 200);
  });

  it('a valid hint and a registered URI: redirect with state, and the SSO session is over', async () => {
    // Still logged in after the refused attempts above.
    const stillIn = await portalLogin(session.agent, { prompt: 'none' });
    assert.equal(stillIn.loginShown, false);
    const res = await endSession(session.agent, {
      id_token_hint: idToken, post_logout_redirect_uri: RP_LOGGED_OUT, state: 'bye-0123456789',
    });
    assert.ok(res.status >= 300 && res.status < 400, `status ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const loc = new URL(res.headers.get('location'));
    assert.equal(`${loc.origin}${loc.pathname}`, RP_LOGGED_OUT);
    assert.equal(loc.searchParams.get('state'), 'bye-0123456789');

    const { challenge } = await pkce();
    const state = oauth.generateRandomState();
    assertErrorCallback(await session.agent.navigate(authorizeUrl({
      client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid', state,
      prompt: 'none', code_challenge: challenge, code_challenge_method: 'S256',
    })), { redirectUri: RP_CALLBACK, error: 'login_required', state });
  });
});

// =============================================================================================

describe('the login page (fetch)', () => {
  it('wrong password and unknown NIR get the same French message', async () => {
    const { challenge } = await pkce();
    const attempt = async (person) => {
      const agent = new Agent(issuer);
      const shown = await agent.navigate(authorizeUrl({
        client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid',
        state: oauth.generateRandomState(), code_challenge: challenge, code_challenge_method: 'S256',
      }));
      return agent.submitLogin(shown.page, person);
    };
    const a = await attempt({ nir: CAMILLE.nir, password: 'Mauvais2024Pass' });
    // An unknown but well-formed NIR: 2 85 03 69 123 457 (order number next to Camille's).
    const b = await attempt({ nir: '2 85 03 69 123 457', password: 'Mauvais2024Pass' });
    for (const r of [a, b]) {
      assert.ok(r.page, `no redirect on failure, got ${r.callback}`);
      const text = textOf(r.page.body);
      assert.ok(text.includes(WRONG_CREDENTIALS), `message not found in: ${text.slice(0, 600)}`);
      assert.match(text, /Il vous reste 4 tentatives\. Attention : au 5e échec, votre compte sera bloqué\./);
      assert.ok(r.page.form, 'the form is shown again');
    }
  });
});

// =============================================================================================

describe('headless Chromium: the demo portal and the real login page', { skip: !hasChromium() && 'no Chromium' }, () => {
  let browser;
  let portalProc;
  before(async () => {
    portalProc = await startProcess('node', ['examples/portal/server.mjs'], {
      env: {
        PORTAL_PORT: new URL(portalBase).port,
        PORTAL_ISSUER: issuer,
        PORTAL_CLIENT_ID: portal.client_id,
        PORTAL_CLIENT_SECRET: PORTAL_SECRET,
        PORTAL_CLIENT_AUTH: 'client_secret_basic',
        PORTAL_BASE_URL: portalBase,
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await portalProc?.stop();
  });

  const nirField = (page) => page.getByLabel(/Numéro de sécurité sociale/i).and(page.locator('input'));
  const passwordField = (page) => page.getByLabel(/^Mot de passe/).and(page.locator('input[type="password"]'));

  it('log in on the real login page, land on the portal, log out everywhere', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${portalBase}/`);
      await page.getByRole('button', { name: 'Mon Compte' }).click();
      await nirField(page).waitFor();
      assert.ok(page.url().startsWith(`${issuer}/connexion`), page.url());
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      await nirField(page).fill(JEAN.nir);
      await passwordField(page).fill(JEAN.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: `Bonjour ${JEAN.given_name} ${JEAN.family_name}` }).waitFor();
      assert.ok(page.url().startsWith(`${portalBase}/compte`), page.url());
      const cell = (key) => page.locator(`table[aria-label="Revendications du jeton d'identité"] tr:has(th:text-is("${key}")) td`).innerText();
      assert.equal(await cell('iss'), issuer);
      assert.equal(await cell('aud'), portal.client_id);
      assert.equal(await page.locator('#id-token-alg').innerText(), 'RS256');

      await page.getByRole('button', { name: 'Déconnexion' }).click();
      await page.getByText('Vous êtes déconnecté.').waitFor();
      assert.ok(page.url().startsWith(`${portalBase}/`), page.url());

      // Logged out at Caf Connect too: "Mon Compte" shows the login page, not an instant login.
      await page.getByRole('button', { name: 'Mon Compte' }).click();
      await nirField(page).waitFor();
      assert.ok(page.url().startsWith(`${issuer}/connexion`), page.url());
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows the French message on the page, announced', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${portalBase}/`);
      await page.getByRole('button', { name: 'Mon Compte' }).click();
      await nirField(page).fill(ZOHRA.nir);
      await passwordField(page).fill('Mauvais2024Pass');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      const message = page.getByText(/Vos numéro de Sécurité sociale et\/ou mot de passe sont incorrects\./);
      await message.waitFor();
      assert.match(await message.innerText(), /Il vous reste \d+ tentatives/);
      const announced = await message.evaluate((el) => Boolean(el.closest('[role="alert"], [aria-live]')));
      assert.ok(announced, 'the error is in a role=alert or aria-live region');
      assert.ok(page.url().startsWith(`${issuer}/`), `still at Caf Connect: ${page.url()}`);
      assert.equal(await page.getByRole('heading', { name: /^Bonjour/ }).count(), 0);
    } finally {
      await context.close();
    }
  });
});
