// End-to-end tests of OpenID Connect Back-Channel Logout 1.0: the real `cafconnect` binary, two
// relying parties (openid-client) with back-channel endpoints of their own that verify each
// logout_token on the provider's JWKS (npm `jose`), and the demo caf.fr portal in headless
// Chromium, logged out by "Déconnexion" in Gérer Mon Compte.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/backchannel_logout.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';

import { adminSession, backofficeClient } from './support/admin_api.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { hasChromium, launchBrowser } from './support/browser.mjs';
import { portalClient, startCafConnect } from './support/cafconnect.mjs';
import { logInThroughPortal, startCafConnectWithPortal } from './support/portal.mjs';
import { startReceiver } from './support/http_peers.mjs';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
// Demo account (examples/demo-accounts.md).
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const SECRET = 'rp-backchannel-secret-0123456789';

function rpClient(clientId, redirectUri, backchannelUri) {
  return portalClient({
    clientId,
    secret: SECRET,
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [`${new URL(redirectUri).origin}/`],
    extra: { backchannel_logout_uri: backchannelUri, backchannel_logout_session_required: true },
  });
}

describe('back-channel logout to relying parties', () => {
  let caf;
  let receiverA;
  let receiverB;
  let jwks;
  const rps = {};

  before(async () => {
    receiverA = await startReceiver();
    receiverB = await startReceiver();
    caf = await startCafConnect({
      clients: [
        rpClient('rp-a', 'http://localhost:9/a/callback', receiverA.uri),
        rpClient('rp-b', 'http://localhost:9/b/callback', receiverB.uri),
        portalClient({ clientId: 'rp-silent', secret: SECRET, redirectUris: ['http://localhost:9/c/callback'] }),
        backofficeClient(),
      ],
      extraToml: '[backchannel_logout]\npoll_interval_ms = 100\nbackoff_seconds = 1\nmax_attempts = 3\n',
    });
    for (const id of ['rp-a', 'rp-b', 'rp-silent']) {
      rps[id] = await client.discovery(new URL(caf.issuer), id, { client_secret: SECRET }, client.ClientSecretBasic(SECRET),
        { execute: [client.allowInsecureRequests] });
    }
    jwks = createRemoteJWKSet(new URL(rps['rp-a'].serverMetadata().jwks_uri));
  });
  after(async () => {
    await caf?.stop();
    await receiverA?.close();
    await receiverB?.close();
  });

  const redirectOf = { 'rp-a': 'http://localhost:9/a/callback', 'rp-b': 'http://localhost:9/b/callback',
    'rp-silent': 'http://localhost:9/c/callback' };

  /** `agent` logs in (or reuses its SSO session) for `clientId`: the validated tokens. */
  async function login(agent, clientId) {
    const config = rps[clientId];
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectOf[clientId], scope: 'openid profile', state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await loginWithForm(agent, url, JEAN);
    const tokens = await client.authorizationCodeGrant(config, callback,
      { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    return { tokens, claims: tokens.claims() };
  }

  /** A logout_token as a relying party must check it (§2.6). */
  async function verified(token, audience) {
    const { payload } = await jwtVerify(token, jwks, { issuer: caf.issuer, audience, typ: 'logout+jwt' });
    assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
    assert.deepEqual(payload.events, { [EVENT]: {} });
    assert.equal(payload.nonce, undefined, 'a logout token never has a nonce');
    assert.ok(payload.jti && payload.iat && payload.exp > payload.iat, JSON.stringify(payload));
    return payload;
  }

  it('discovery advertises back-channel logout with sessions', async () => {
    const metadata = rps['rp-a'].serverMetadata();
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.equal(metadata.backchannel_logout_session_supported, true);
  });

  it('an RP-initiated logout sends every client of the session a logout token naming its sid and sub', async () => {
    const agent = new Agent(caf.issuer);
    const a = await login(agent, 'rp-a');
    const b = await login(agent, 'rp-b');
    await login(agent, 'rp-silent');
    assert.equal(a.claims.sid, b.claims.sid, 'one SSO session');
    const beforeA = receiverA.received.length;
    const beforeB = receiverB.received.length;

    const end = client.buildEndSessionUrl(rps['rp-a'], {
      id_token_hint: a.tokens.id_token, post_logout_redirect_uri: 'http://localhost:9/',
    });
    const done = await agent.navigate(end);
    assert.equal(done.callback?.href, 'http://localhost:9/', 'back to the client at once');

    const [toA] = (await receiverA.until(beforeA + 1)).slice(beforeA);
    const [toB] = (await receiverB.until(beforeB + 1)).slice(beforeB);
    assert.equal(toA.contentType, 'application/x-www-form-urlencoded');
    const claimsA = await verified(toA.token, 'rp-a');
    const claimsB = await verified(toB.token, 'rp-b');
    assert.equal(claimsA.sid, a.claims.sid);
    assert.equal(claimsA.sub, a.claims.sub);
    assert.equal(claimsB.sid, b.claims.sid);
    assert.notEqual(claimsA.jti, claimsB.jti);
    // A token of rp-a is not one rp-b would accept.
    await assert.rejects(verified(toA.token, 'rp-b'), /aud/);
    // Sent once each.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(receiverA.received.length, beforeA + 1);
    assert.equal(receiverB.received.length, beforeB + 1);
    // The event log has each delivery as fields a log collector can query, and no token.
    const events = caf.stderr().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const sent = events.filter((e) => e.event === 'backchannel_logout.sent').map((e) => e.details.client_id);
    assert.ok(sent.includes('rp-a') && sent.includes('rp-b'), JSON.stringify(events.slice(-5)));
    assert.ok(!caf.stderr().includes(toA.token), 'no logout token in the log');
  });

  it('the admin API revoking an account logs out each of its sessions at each client', async () => {
    const first = await login(new Agent(caf.issuer), 'rp-a');
    const second = await login(new Agent(caf.issuer), 'rp-a');
    assert.notEqual(first.claims.sid, second.claims.sid);
    const already = receiverA.received.length;
    const admin = await adminSession(caf.issuer);
    const lookup = await admin.call('POST', '/accounts/lookup', { nir: JEAN.nir.replaceAll(' ', '') });
    assert.equal(lookup.status, 200, lookup.text);
    const revoke = await admin.call('POST', `/accounts/${lookup.body.id}/revoke`);
    assert.equal(revoke.status, 200, revoke.text);
    assert.equal(revoke.body.revoked.sessions, 2);

    const got = (await receiverA.until(already + 2)).slice(already);
    const sids = new Set(await Promise.all(got.map(async (r) => (await verified(r.token, 'rp-a')).sid)));
    assert.deepEqual(sids, new Set([first.claims.sid, second.claims.sid]));
  });

  it('a client that fails is tried again after a backoff, and an answer other than 200 is not a delivery', async () => {
    const agent = new Agent(caf.issuer);
    const { tokens } = await login(agent, 'rp-b');
    const already = receiverB.received.length;
    receiverB.answers.push(500);
    const done = await agent.navigate(client.buildEndSessionUrl(rps['rp-b'], {
      id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://localhost:9/',
    }));
    assert.ok(done.callback);
    const got = (await receiverB.until(already + 2)).slice(already);
    assert.deepEqual(got.map((r) => r.status), [500, 200]);
    const [firstTry, retry] = await Promise.all(got.map((r) => verified(r.token, 'rp-b')));
    assert.equal(firstTry.sid, retry.sid);
    assert.notEqual(firstTry.jti, retry.jti, 'each attempt is a new token');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(receiverB.received.length, already + 2, 'nothing more once delivered');
  });
});

describe('headless Chromium: "Déconnexion" in Gérer Mon Compte logs the demo portal out', { skip: !hasChromium() && 'no Chromium' }, () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startCafConnectWithPortal({ extraToml: '[backchannel_logout]\npoll_interval_ms = 100\n' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('logged in on the portal, logged out of Mon Compte: the portal session is gone', async () => {
    const { caf, portalBase } = stack;
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await logInThroughPortal(page, portalBase, JEAN);
      assert.equal(new URL(page.url()).pathname, '/compte');

      await page.goto(`${caf.issuer}/mon-compte`);
      await page.getByRole('button', { name: 'Déconnexion' }).click();
      await page.waitForURL((url) => url.pathname === '/deconnexion');

      // The portal hears of it on its back channel: its "Mon compte" page sends the person home.
      const deadline = Date.now() + 10_000;
      for (;;) {
        await page.goto(`${portalBase}/compte`);
        if (new URL(page.url()).pathname === '/') break;
        assert.ok(Date.now() < deadline, 'the portal session outlived the logout');
        await new Promise((r) => setTimeout(r, 200));
      }
      await page.getByRole('heading', { name: 'Caf.fr — Mon Compte' }).waitFor();
      assert.equal(await page.getByText('Vous êtes connecté.').count(), 0);
    } finally {
      await context.close();
    }
  });
});
