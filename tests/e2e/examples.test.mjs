// The partner kit's examples against the real `cafconnect` binary: the mobile app
// (examples/mobile-app, oauth4webapi: PKCE, DPoP-bound tokens, refresh) and the partner API
// (examples/partner-api, openid-client: client_credentials with private_key_jwt for one resource,
// and the resource server that checks each call by introspection).
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/examples.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as jose from 'jose';

import { runMobileApp } from '../../examples/mobile-app/client.mjs';
import { callApi, generatePartnerKey, startResourceServer } from '../../examples/partner-api/partner.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { mobileClient, partnerClient, privateKeyJwtClient, startCafConnect } from './support/cafconnect.mjs';
import { freePort } from './support/processes.mjs';

const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const API = 'https://api.caf.test/droits';
const OTHER_API = 'https://api.caf.test/paiements';
const RS_SECRET = 'droits-rs-e2e-secret-0123456789';

describe('examples/mobile-app and examples/partner-api', () => {
  let caf;
  let partnerKey;
  let redirectUri;
  let resourceServer;

  before(async () => {
    partnerKey = await generatePartnerKey();
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    caf = await startCafConnect({
      clients: [
        mobileClient({ redirectUris: [redirectUri], extra: { dpop_bound_access_tokens: true } }),
        privateKeyJwtClient({ clientId: 'partner-api-e2e', jwks: partnerKey.jwks, scopes: ['caf_api.read'] }),
        partnerClient({ clientId: 'droits-rs', secret: RS_SECRET, extra: { introspection_resources: [API] } }),
      ],
      resources: [
        { uri: API, name: 'Droits', scopes: ['caf_api.read'] },
        { uri: OTHER_API, name: 'Paiements', scopes: ['caf_api.read'] },
      ],
    });
    resourceServer = await startResourceServer({ issuer: caf.issuer, clientId: 'droits-rs', clientSecret: RS_SECRET, resource: API });
  });
  after(async () => {
    await resourceServer?.close();
    await caf?.stop();
  });

  it('the mobile app logs in with PKCE, gets DPoP-bound tokens, reads userinfo and refreshes with its key', async () => {
    const agent = new Agent(caf.issuer);
    const run = await runMobileApp({
      issuer: caf.issuer,
      redirectUri,
      scope: 'openid profile offline_access',
      // The person's browser: the login form, then the redirect to the app's loopback listener.
      openBrowser: async (url) => {
        const { callback } = await loginWithForm(agent, url, JEAN);
        await fetch(callback);
      },
    });
    assert.equal(run.tokenType, 'DPoP');
    assert.equal(jose.decodeJwt(run.tokens.access_token).cnf?.jkt, run.jkt, 'bound to the app key');
    assert.equal(run.userinfo.sub, run.idTokenClaims.sub);
    assert.equal(run.userinfo.family_name, 'FICTIF');
    assert.equal(run.refreshedTokenType, 'DPoP');
    assert.ok(run.rotated, 'the refresh token rotates');
    assert.equal(jose.decodeJwt(run.refreshed.access_token).cnf?.jkt, run.jkt);

    // Without the key, the token is useless: a plain Bearer call is refused.
    const stolen = await fetch(`${caf.issuer}/userinfo`, { headers: { authorization: `Bearer ${run.refreshed.access_token}` } });
    assert.equal(stolen.status, 401);
  });

  it('the partner gets a token for its API with private_key_jwt, and the API accepts it after introspection', async () => {
    const { tokens, api } = await callApi({ issuer: caf.issuer, clientId: 'partner-api-e2e', privateJwk: partnerKey.privateJwk,
      resource: API, api: `${resourceServer.url}/droits` });
    assert.equal(jose.decodeJwt(tokens.access_token).aud, API);
    assert.equal(api.status, 200, JSON.stringify(api.body));
    assert.equal(api.body.client_id, 'partner-api-e2e');
    assert.equal(api.body.droits[0].statut, 'ouvert');
  });

  it('the API refuses a token for another API, a forged token and a call without one', async () => {
    const { tokens, api } = await callApi({ issuer: caf.issuer, clientId: 'partner-api-e2e', privateJwk: partnerKey.privateJwk,
      resource: OTHER_API, api: `${resourceServer.url}/droits` });
    assert.equal(jose.decodeJwt(tokens.access_token).aud, OTHER_API);
    assert.equal(api.status, 401);
    assert.match(api.wwwAuthenticate, /error="invalid_token"/);

    const forged = await fetch(`${resourceServer.url}/droits`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } });
    assert.equal(forged.status, 401);
    const none = await fetch(`${resourceServer.url}/droits`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer realm=/);
  });

  it('a partner signing with a key it did not register gets no token', async () => {
    const stranger = await generatePartnerKey();
    await assert.rejects(
      callApi({ issuer: caf.issuer, clientId: 'partner-api-e2e', privateJwk: stranger.privateJwk, resource: API,
        api: `${resourceServer.url}/droits` }),
      (err) => err?.error === 'invalid_client' || /invalid_client/.test(String(err?.message)),
    );
  });
});
