// End-to-end tests of pushed authorization requests (RFC 9126) against the real `cafconnect`
// binary: openid-client (buildAuthorizationUrlWithPAR) for the confidential caf.fr portal and
// oauth4webapi (pushedAuthorizationRequest) for the public mobile app with PKCE, each through the
// real login form to tokens; then what must be refused: a reused request_uri, another client's, an
// expired one, a plain request from a client that must push, a push with a wrong secret or an
// unregistered redirect URI.
//
//   CAFCONNECT_BINARY=$PWD/build/cafconnect node --test tests/e2e/par.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { mobileClient, portalClient, startCafConnect } from './support/cafconnect.mjs';
import { Agent, loginWithForm, textOf } from './support/agent.mjs';

// A demo account (examples/demo-accounts.md).
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf', family_name: 'FICTIF' };

const PORTAL_SECRET = 'caf-portal-e2e-secret-0123456789';
const STRICT_SECRET = 'caf-strict-e2e-secret-0123456789';
// The RP callbacks the tests read from Location headers (nothing listens there).
const RP_CALLBACK = 'http://localhost:9/e2e/callback';
const STRICT_CALLBACK = 'http://localhost:9/e2e/strict';
const MOBILE_CALLBACK = 'http://127.0.0.1:53682/callback';
const REQUEST_URI = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43,}$/;

const insecure = { [oauth.allowInsecureRequests]: true };
const portal = { client_id: 'caf-portal', token_endpoint_auth_method: 'client_secret_basic' };
const mobile = { client_id: 'caf-mobile', token_endpoint_auth_method: 'none' };

let caf;        // the provider with the standard request_uri lifetime
let shortLived; // the same clients, request_uri_lifetime = 1 s
let as;         // caf's metadata, validated by oauth4webapi

const clients = () => [
  portalClient({ secret: PORTAL_SECRET, redirectUris: [RP_CALLBACK] }),
  mobileClient({ redirectUris: [MOBILE_CALLBACK] }),
  portalClient({ clientId: 'caf-strict', secret: STRICT_SECRET, redirectUris: [STRICT_CALLBACK],
    extra: { require_pushed_authorization_requests: true } }),
];

async function metadataOf(issuer) {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { ...insecure, algorithm: 'oidc' }));
}

before(async () => {
  [caf, shortLived] = await Promise.all([
    startCafConnect({ clients: clients() }),
    startCafConnect({ clients: clients(), oidc: { request_uri_lifetime: 1 } }),
  ]);
  as = await metadataOf(caf.issuer);
});

after(async () => {
  await Promise.all([caf?.stop(), shortLived?.stop()]);
});

/** A raw form POST; `basic` = [client_id, secret]. */
async function postForm(endpoint, form, { basic } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const res = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/** The portal's authorization request parameters, pushed with Basic; the raw response. */
async function pushPortal(metadata = as, extra = {}) {
  return postForm(metadata.pushed_authorization_request_endpoint, {
    response_type: 'code', client_id: portal.client_id, redirect_uri: RP_CALLBACK, scope: 'openid profile',
    state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), ...extra,
  }, { basic: [portal.client_id, PORTAL_SECRET] });
}

function authorizeUrl(metadata, params) {
  const url = new URL(metadata.authorization_endpoint);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

/** A provider error page: 400, HTML, no redirect at all (the redirect URI is not trusted). */
async function assertErrorPage(url) {
  const res = await fetch(url, { redirect: 'manual' });
  const body = await res.text();
  assert.equal(res.headers.get('location'), null, `must not redirect (got ${res.headers.get('location')})`);
  assert.equal(res.status, 400, textOf(body).slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  return textOf(body);
}

// =============================================================================================

describe('discovery', () => {
  it('advertises the PAR endpoint and that pushing is not required of every client', () => {
    assert.equal(as.pushed_authorization_request_endpoint, `${caf.issuer}/par`);
    assert.equal(as.require_pushed_authorization_requests, false);
  });
});

describe('the caf.fr portal with openid-client (buildAuthorizationUrlWithPAR)', () => {
  it('pushes its request, logs in through the login form and gets tokens', async () => {
    const config = await client.discovery(new URL(caf.issuer), portal.client_id, { client_secret: PORTAL_SECRET },
      client.ClientSecretBasic(PORTAL_SECRET), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: RP_CALLBACK,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri'), REQUEST_URI);

    const { callback, loginShown } = await loginWithForm(new Agent(caf.issuer), url, JEAN);
    assert.equal(loginShown, true);
    assert.equal(`${callback.origin}${callback.pathname}`, RP_CALLBACK);
    assert.equal(callback.searchParams.get('state'), state);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    assert.equal(tokens.claims().nonce, nonce);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    assert.equal(userinfo.family_name, JEAN.family_name);
    assert.match(tokens.scope, /\bemail\b/, 'the pushed scope, not another');
  });

  it('the push answers 201 with no-store and a request_uri that lives at most 60 s', async () => {
    const res = await pushPortal();
    assert.equal(res.status, 201, res.text);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
    assert.match(res.json.request_uri, REQUEST_URI);
    assert.equal(res.json.expires_in, 60);
  });
});

describe('the mobile app with oauth4webapi (public client, PKCE)', () => {
  it('pushes with its client_id only, logs in and redeems the code with its verifier', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pushed = await oauth.processPushedAuthorizationResponse(as, mobile,
      await oauth.pushedAuthorizationRequest(as, mobile, oauth.None(), {
        response_type: 'code', redirect_uri: MOBILE_CALLBACK, scope: 'openid profile offline_access', state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }, insecure));
    assert.match(pushed.request_uri, REQUEST_URI);
    assert.ok(pushed.expires_in > 0 && pushed.expires_in <= 60, `expires_in ${pushed.expires_in}`);

    const url = authorizeUrl(as, { client_id: mobile.client_id, request_uri: pushed.request_uri });
    const { callback } = await loginWithForm(new Agent(caf.issuer), url, JEAN);
    const params = oauth.validateAuthResponse(as, mobile, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, mobile,
      await oauth.authorizationCodeGrantRequest(as, mobile, oauth.None(), params, MOBILE_CALLBACK, verifier, insecure));
    assert.ok(tokens.access_token);
    assert.ok(tokens.id_token);
    assert.ok(tokens.refresh_token, 'offline_access for the first-party app');
  });

  it('a push without PKCE is refused: a public client must send a code_challenge', async () => {
    const res = await postForm(as.pushed_authorization_request_endpoint, {
      response_type: 'code', client_id: mobile.client_id, redirect_uri: MOBILE_CALLBACK, scope: 'openid',
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error, 'invalid_request');
  });
});

describe('refusals', () => {
  it('a request_uri works once: a second use is an error page', async () => {
    const { json } = await pushPortal();
    const url = authorizeUrl(as, { client_id: portal.client_id, request_uri: json.request_uri });
    const first = await new Agent(caf.issuer).navigate(url);
    assert.ok(first.page?.form, 'the first use shows the login page');
    const text = await assertErrorPage(url);
    assert.match(text, /expiré ou a déjà été utilisée/);
  });

  it("another client's request_uri is refused, and stays usable by its own client", async () => {
    const { json } = await pushPortal();
    await assertErrorPage(authorizeUrl(as, { client_id: mobile.client_id, request_uri: json.request_uri }));
    const own = await new Agent(caf.issuer).navigate(
      authorizeUrl(as, { client_id: portal.client_id, request_uri: json.request_uri }));
    assert.ok(own.page?.form, 'the portal still gets its login page');
  });

  it('an expired request_uri is refused', async () => {
    const metadata = await metadataOf(shortLived.issuer);
    const { status, json } = await pushPortal(metadata);
    assert.equal(status, 201);
    assert.equal(json.expires_in, 1);
    await sleep(2100);
    await assertErrorPage(authorizeUrl(metadata, { client_id: portal.client_id, request_uri: json.request_uri }));
  });

  it('a request_uri without client_id is refused', async () => {
    const { json } = await pushPortal();
    await assertErrorPage(authorizeUrl(as, { request_uri: json.request_uri }));
  });

  it('a plain request from a client with require_pushed_authorization_requests is invalid_request', async () => {
    const state = oauth.generateRandomState();
    const result = await new Agent(caf.issuer).navigate(authorizeUrl(as, {
      response_type: 'code', client_id: 'caf-strict', redirect_uri: STRICT_CALLBACK, scope: 'openid', state,
    }));
    assert.ok(result.callback, `expected a redirect to the client, got ${result.page?.status}`);
    assert.equal(`${result.callback.origin}${result.callback.pathname}`, STRICT_CALLBACK);
    assert.equal(result.callback.searchParams.get('error'), 'invalid_request');
    assert.equal(result.callback.searchParams.get('state'), state);
    assert.equal(result.callback.searchParams.get('iss'), caf.issuer);
    assert.equal(result.callback.searchParams.get('code'), null);

    // The same client through /par gets its login page.
    const res = await postForm(as.pushed_authorization_request_endpoint, {
      response_type: 'code', redirect_uri: STRICT_CALLBACK, scope: 'openid', state,
    }, { basic: ['caf-strict', STRICT_SECRET] });
    assert.equal(res.status, 201, res.text);
    const pushed = await new Agent(caf.issuer).navigate(
      authorizeUrl(as, { client_id: 'caf-strict', request_uri: res.json.request_uri }));
    assert.ok(pushed.page?.form, 'the login page');
  });

  it('a push with a wrong client secret is 401 invalid_client', async () => {
    const res = await postForm(as.pushed_authorization_request_endpoint, {
      response_type: 'code', redirect_uri: RP_CALLBACK, scope: 'openid',
    }, { basic: [portal.client_id, 'not-the-portal-secret-000'] });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.json.error, 'invalid_client');
  });

  it('a push with an unregistered redirect_uri is 400', async () => {
    const res = await pushPortal(as, { redirect_uri: 'http://localhost:9/elsewhere' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error, 'invalid_redirect_uri');
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  });

  it('a push carrying a request_uri is invalid_request', async () => {
    const { json } = await pushPortal();
    const res = await pushPortal(as, { request_uri: json.request_uri });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error, 'invalid_request');
  });
});
