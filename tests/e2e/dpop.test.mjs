// DPoP (RFC 9449) end to end against the real binary: the mobile app with oauth4webapi (public
// client registered with dpop_bound_access_tokens: code + PKCE + dpop_jkt, refresh, userinfo)
// and a confidential client with openid-client whose proofs must carry a server nonce
// (use_dpop_nonce, the library answers the challenge); then what must be refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { mobileClient, partnerClient, portalClient, startCafConnect } from './support/cafconnect.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { freePort } from './support/processes.mjs';

// A demo account (examples/demo-accounts.md).
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const MOBILE_CALLBACK = 'http://127.0.0.1:53682/callback';
const RP_CALLBACK = 'http://localhost:9/e2e/callback';
const NONCE_SECRET = 'caf-dpop-nonce-e2e-secret-0123456789';
const RESOURCE_SECRET = 'resource-dpop-e2e-secret-0123456789';

const insecure = { [oauth.allowInsecureRequests]: true };
const mobile = { client_id: 'caf-mobile', token_endpoint_auth_method: 'none' };
const resourceServer = { client_id: 'resource-dpop-e2e', token_endpoint_auth_method: 'client_secret_post' };

let caf;
let as;

before(async () => {
  const port = await freePort();
  caf = await startCafConnect({
    port,
    clients: [
      mobileClient({ redirectUris: [MOBILE_CALLBACK], extra: { dpop_bound_access_tokens: true } }),
      portalClient({ clientId: 'caf-dpop-nonce', secret: NONCE_SECRET, redirectUris: [RP_CALLBACK],
        extra: { use_dpop_nonce: true } }),
      partnerClient({ clientId: resourceServer.client_id, secret: RESOURCE_SECRET,
        extra: { introspection_resources: [`http://localhost:${port}/userinfo`] } }),
    ],
  });
  const issuerUrl = new URL(caf.issuer);
  as = await oauth.processDiscoveryResponse(issuerUrl,
    await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
});

after(async () => {
  await caf?.stop();
});

async function dpopKey() {
  return oauth.generateKeyPair('ES256');
}

/** The mobile app logs JEAN in with `agent` (code + PKCE S256 + dpop_jkt); the raw token response. */
async function mobileCode(agent, DPoP) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  const params = {
    client_id: mobile.client_id, redirect_uri: MOBILE_CALLBACK, response_type: 'code', scope: 'openid profile offline_access',
    state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  };
  if (DPoP) params.dpop_jkt = await DPoP.calculateThumbprint();
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const { callback } = await loginWithForm(agent, url, JEAN);
  const callbackParams = oauth.validateAuthResponse(as, mobile, callback, state);
  return oauth.authorizationCodeGrantRequest(as, mobile, oauth.None(), callbackParams, MOBILE_CALLBACK, verifier,
    { ...insecure, DPoP });
}

async function thumbprintOf(keyPair) {
  return jose.calculateJwkThumbprint(await jose.exportJWK(keyPair.publicKey), 'sha256');
}

/** A fetch that keeps the last DPoP proof it sent. */
function recordingFetch() {
  const seen = { proof: undefined, authorization: undefined };
  const fetchFn = (url, init) => {
    const headers = new Headers(init?.headers);
    seen.proof = headers.get('dpop') ?? undefined;
    seen.authorization = headers.get('authorization') ?? undefined;
    return fetch(url, init);
  };
  return { seen, fetchFn };
}

describe('discovery', () => {
  it('advertises the DPoP proof algorithms', () => {
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256']);
  });
});

describe('the mobile app with oauth4webapi (public, dpop_bound_access_tokens)', () => {
  const agent = () => new Agent(caf.issuer);

  it('gets DPoP-bound tokens, refreshes with the same key, reads userinfo with a proof', async () => {
    const keyPair = await dpopKey();
    const DPoP = oauth.DPoP(mobile, keyPair);
    const tokens = await oauth.processAuthorizationCodeResponse(as, mobile, await mobileCode(agent(), DPoP),
      { requireIdToken: true });
    assert.equal(tokens.token_type, 'dpop');
    const jkt = await thumbprintOf(keyPair);
    assert.equal(jose.decodeJwt(tokens.access_token).cnf?.jkt, jkt);

    const refreshed = await oauth.processRefreshTokenResponse(as, mobile,
      await oauth.refreshTokenGrantRequest(as, mobile, oauth.None(), tokens.refresh_token, { ...insecure, DPoP }));
    assert.equal(refreshed.token_type, 'dpop');
    assert.equal(jose.decodeJwt(refreshed.access_token).cnf?.jkt, jkt);

    const sub = oauth.getValidatedIdTokenClaims(tokens).sub;
    const info = await oauth.processUserInfoResponse(as, mobile, sub,
      await oauth.userInfoRequest(as, mobile, refreshed.access_token, { ...insecure, DPoP }));
    assert.equal(info.sub, sub);

    // A resource server learns the binding from introspection (RFC 9449 §6.2).
    const introspected = await oauth.processIntrospectionResponse(as, resourceServer,
      await oauth.introspectionRequest(as, resourceServer, oauth.ClientSecretPost(RESOURCE_SECRET),
        refreshed.access_token, insecure));
    assert.equal(introspected.active, true);
    assert.equal(introspected.token_type, 'DPoP');
    assert.equal(introspected.cnf?.jkt, jkt);
  });

  it('refuses a replayed proof, a proof of another key and the Bearer use of the token at userinfo', async () => {
    const keyPair = await dpopKey();
    const DPoP = oauth.DPoP(mobile, keyPair);
    const tokens = await oauth.processAuthorizationCodeResponse(as, mobile, await mobileCode(agent(), DPoP));
    const { seen, fetchFn } = recordingFetch();
    const ok = await oauth.userInfoRequest(as, mobile, tokens.access_token,
      { ...insecure, DPoP, [oauth.customFetch]: fetchFn });
    assert.equal(ok.status, 200);
    assert.ok(seen.proof && seen.authorization?.startsWith('DPoP '));

    const replay = await fetch(as.userinfo_endpoint,
      { headers: { authorization: seen.authorization, dpop: seen.proof } });
    assert.equal(replay.status, 401);
    assert.match(replay.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);

    const otherKey = oauth.DPoP(mobile, await dpopKey());
    const wrongKey = await oauth.userInfoRequest(as, mobile, tokens.access_token, { ...insecure, DPoP: otherKey });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);

    const asBearer = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(asBearer.status, 401);
    const challenge = asBearer.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^DPoP /);
    assert.match(challenge, /error="invalid_token"/);
    assert.match(challenge, /algs="ES256 EdDSA RS256"/);
  });

  it('refuses the refresh of its bound refresh token with another key or without a proof', async () => {
    const DPoP = oauth.DPoP(mobile, await dpopKey());
    const tokens = await oauth.processAuthorizationCodeResponse(as, mobile, await mobileCode(agent(), DPoP));
    const otherKey = oauth.DPoP(mobile, await dpopKey());
    await assert.rejects(
      oauth.refreshTokenGrantRequest(as, mobile, oauth.None(), tokens.refresh_token, { ...insecure, DPoP: otherKey })
        .then((res) => oauth.processRefreshTokenResponse(as, mobile, res)),
      (e) => e instanceof oauth.ResponseBodyError && e.status === 400 && e.error === 'invalid_grant');
    // Without a proof the client is refused before its refresh token is even looked at.
    const bare = await oauth.refreshTokenGrantRequest(as, mobile, oauth.None(), tokens.refresh_token, insecure);
    assert.equal(bare.status, 400);
    assert.equal((await bare.json()).error, 'invalid_dpop_proof');
    // The rightful key still refreshes: the refusals revoked nothing.
    const refreshed = await oauth.processRefreshTokenResponse(as, mobile,
      await oauth.refreshTokenGrantRequest(as, mobile, oauth.None(), tokens.refresh_token, { ...insecure, DPoP }));
    assert.equal(refreshed.token_type, 'dpop');
  });

  it('refuses a code redemption without a proof (dpop_bound_access_tokens)', async () => {
    const res = await mobileCode(agent(), undefined);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'invalid_dpop_proof');
  });

  it('refuses a code bound with dpop_jkt when redeemed with another key', async () => {
    const a = agent();
    const DPoP = oauth.DPoP(mobile, await dpopKey());
    // mobileCode sends the dpop_jkt of `DPoP`; redeem with another key by swapping the handle's key.
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint);
    for (const [k, v] of Object.entries({
      client_id: mobile.client_id, redirect_uri: MOBILE_CALLBACK, response_type: 'code', scope: 'openid',
      state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      dpop_jkt: await DPoP.calculateThumbprint(),
    })) url.searchParams.set(k, v);
    const { callback } = await loginWithForm(a, url, JEAN);
    const params = oauth.validateAuthResponse(as, mobile, callback, state);
    const other = oauth.DPoP(mobile, await dpopKey());
    await assert.rejects(
      oauth.authorizationCodeGrantRequest(as, mobile, oauth.None(), params, MOBILE_CALLBACK, verifier,
        { ...insecure, DPoP: other }).then((res) => oauth.processAuthorizationCodeResponse(as, mobile, res)),
      (e) => e instanceof oauth.ResponseBodyError && e.error === 'invalid_grant');
  });
});

describe('a confidential client with openid-client and server nonces (use_dpop_nonce)', () => {
  it('answers the nonce challenge, gets a DPoP token and reads userinfo with it', async () => {
    const config = await client.discovery(new URL(caf.issuer), 'caf-dpop-nonce', { client_secret: NONCE_SECRET },
      client.ClientSecretBasic(NONCE_SECRET), { execute: [client.allowInsecureRequests] });
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keyPair);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK, scope: 'openid profile', state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const { callback } = await loginWithForm(new Agent(caf.issuer), url, JEAN);
    const { seen, fetchFn } = recordingFetch();
    config[client.customFetch] = fetchFn;
    const tokens = await client.authorizationCodeGrant(config, callback,
      { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
    // The proof that succeeded carried the nonce the server challenged the first one with.
    assert.ok(jose.decodeJwt(seen.proof).nonce, 'the accepted proof carries a server nonce');
    assert.equal(jose.decodeJwt(tokens.access_token).cnf?.jkt, await thumbprintOf(keyPair));
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub, { DPoP });
    assert.equal(info.sub, tokens.claims().sub);
  });

  it('refuses a proof without a nonce with use_dpop_nonce and a DPoP-Nonce header', async () => {
    const keyPair = await dpopKey();
    const DPoP = oauth.DPoP({ client_id: 'caf-dpop-nonce' }, keyPair);
    const res = await oauth.clientCredentialsGrantRequest(as, { client_id: 'caf-dpop-nonce' },
      oauth.ClientSecretBasic(NONCE_SECRET), {}, { ...insecure, DPoP });
    assert.equal(res.status, 400);
    assert.ok(res.headers.get('dpop-nonce'));
    await assert.rejects(oauth.processClientCredentialsResponse(as, { client_id: 'caf-dpop-nonce' }, res),
      (e) => oauth.isDPoPNonceError(e));
  });
});
