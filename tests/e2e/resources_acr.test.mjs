// End-to-end tests of resource indicators (RFC 8707), acr requests (acr_values, an essential acr
// in the claims parameter), the claims parameter at userinfo and the partner-facing discovery
// fields, against the real `cafconnect` binary with real relying parties: openid-client (the
// portal), oauth4webapi (the partner), jose (token checks). The acr cases that need an upstream
// provider run with the FranceConnect v2 stand-in (oidc-provider).
//
//   node --test tests/e2e/resources_acr.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';

import { Agent, loginWithForm, textOf } from './support/agent.mjs';
import { partnerClient, portalClient, startCafConnect } from './support/cafconnect.mjs';
import { startWithFranceConnect } from './support/franceconnect.mjs';

const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const PORTAL_SECRET = 'caf-portal-e2e-secret-0123456789';
const PARTNER_SECRET = 'partner-e2e-secret-0123456789';
const RS_SECRET = 'droits-api-e2e-secret-0123456789';
const STRANGER_SECRET = 'stranger-e2e-secret-0123456789';
const RP_CALLBACK = 'http://localhost:9/e2e/callback';
const API = 'https://api.caf.test/droits';
const API_2 = 'https://api.caf.test/paiements';
const POLICY = 'https://www.caf.test/informatique-et-libertes';
const GUIDE = 'https://connect.caf.test/docs/partners';
const insecure = { [oauth.allowInsecureRequests]: true };

const portal = { client_id: 'caf-portal', client_secret: PORTAL_SECRET };
const partner = { client_id: 'partner-e2e' };
// client_secret_post, as partnerClient() registers them.
const RS = { client_id: 'droits-api', client_secret: RS_SECRET };
const STRANGER = { client_id: 'stranger', client_secret: STRANGER_SECRET };

/** A raw form POST: `{status, json, text, headers}`. */
async function postForm(endpoint, form, headers = {}) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form instanceof URLSearchParams ? form.toString() : new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}


function payloadOf(jwt) {
  return jose.decodeJwt(jwt);
}

const login = (agent, url) => loginWithForm(agent, url, JEAN);

describe('resource indicators, the claims parameter and discovery (no upstream provider)', () => {
  let caf;
  let issuer;
  let as;
  let config;   // openid-client configuration of the portal

  before(async () => {
    caf = await startCafConnect({
      clients: [
        portalClient({ secret: PORTAL_SECRET, redirectUris: [RP_CALLBACK],
          scopes: ['openid', 'profile', 'email', 'phone', 'caf_dossier', 'caf_api.read', 'caf_api.payments'] }),
        partnerClient({ secret: PARTNER_SECRET, scopes: ['caf_api.read', 'caf_api.payments'] }),
        // The API behind API: a resource server that introspects the tokens sent to it.
        partnerClient({ clientId: 'droits-api', secret: RS_SECRET, extra: { introspection_resources: [API] } }),
        // A confidential client that is no resource server of API.
        partnerClient({ clientId: 'stranger', secret: STRANGER_SECRET }),
      ],
      resources: [
        { uri: API, name: 'API des droits', scopes: ['caf_api.read'] },
        { uri: API_2, name: 'API des paiements', scopes: ['caf_api.payments'] },
      ],
      oidc: { op_policy_uri: POLICY, service_documentation: GUIDE },
    });
    issuer = caf.issuer;
    const issuerUrl = new URL(issuer);
    as = await oauth.processDiscoveryResponse(issuerUrl,
      await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
    config = await client.discovery(issuerUrl, portal.client_id, PORTAL_SECRET, client.ClientSecretBasic(PORTAL_SECRET),
      { execute: [client.allowInsecureRequests] });
  });

  after(async () => { await caf?.stop(); });

  async function partnerToken(params) {
    return postForm(as.token_endpoint, { grant_type: 'client_credentials', client_id: partner.client_id,
      client_secret: PARTNER_SECRET, ...params });
  }

  /** The portal's code flow through openid-client: authorize params, token params. */
  async function portalCodeFlow({ authorize = {}, token = {}, agent = new Agent(issuer) } = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK, scope: 'openid profile', state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...authorize,
    });
    const { callback, loginShown } = await login(agent, url);
    if (callback.searchParams.get('error')) return { error: callback.searchParams.get('error'), callback, loginShown };
    const tokens = await client.authorizationCodeGrant(config, callback,
      { pkceCodeVerifier: verifier, expectedState: state }, token);
    return { tokens, loginShown, agent };
  }

  it('discovery names the CGU page, the data policy and the partner guide, and the acr values it issues', async () => {
    assert.equal(as.op_tos_uri, `${issuer}/conditions-generales`);
    assert.equal(as.op_policy_uri, POLICY);
    assert.equal(as.service_documentation, GUIDE);
    assert.deepEqual(as.acr_values_supported, ['urn:caf:acr:pwd'], 'no upstream provider: a password login only');
    assert.equal(as.claims_parameter_supported, true);
    const cgu = await fetch(as.op_tos_uri);
    assert.equal(cgu.status, 200);
    assert.match(textOf(await cgu.text()), /Conditions générales d'utilisation Version en vigueur : 2024-03/);
  });

  it('client_credentials with a resource: aud is the resource, the scope is what it accepts', async () => {
    const res = await partnerToken({ scope: 'caf_api.read caf_api.payments', resource: API });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.scope, 'caf_api.read');
    const claims = payloadOf(res.json.access_token);
    assert.equal(claims.aud, API);
    assert.equal(claims.scope, 'caf_api.read');
    // Without a resource: the audiences its scopes reach, never the issuer alone.
    const plain = payloadOf((await partnerToken({ scope: 'caf_api.read caf_api.payments' })).json.access_token);
    assert.deepEqual(plain.aud, [API, API_2]);
    // oauth4webapi sends `resource` as a token request parameter too.
    const lib = await oauth.processClientCredentialsResponse(as, partner,
      await oauth.clientCredentialsGrantRequest(as, partner, oauth.ClientSecretPost(PARTNER_SECRET),
        new URLSearchParams({ scope: 'caf_api.payments', resource: API_2 }), insecure));
    assert.equal(payloadOf(lib.access_token).aud, API_2);
  });

  it('an unknown resource, or one the grant has no scope for, is invalid_target', async () => {
    const unknown = await partnerToken({ scope: 'caf_api.read', resource: 'https://evil.example/api' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json.error, 'invalid_target');
    const noScope = await partnerToken({ scope: 'caf_api.read', resource: API_2 });
    assert.equal(noScope.status, 400);
    assert.equal(noScope.json.error, 'invalid_target');
    await assert.rejects(oauth.processClientCredentialsResponse(as, partner,
      await oauth.clientCredentialsGrantRequest(as, partner, oauth.ClientSecretPost(PARTNER_SECRET),
        new URLSearchParams({ scope: 'caf_api.read', resource: 'urn:unknown' }), insecure)),
    (err) => err.error === 'invalid_target');
  });

  it('introspection: active to the token client and to the resource server of its audience, not to a stranger', async () => {
    const token = (await partnerToken({ scope: 'caf_api.read', resource: API })).json.access_token;
    const asRs = await postForm(as.introspection_endpoint, { token, ...RS });
    assert.equal(asRs.json.active, true, asRs.text);
    assert.equal(asRs.json.aud, API);
    assert.equal(asRs.json.client_id, partner.client_id);
    const asStranger = await postForm(as.introspection_endpoint, { token, ...STRANGER });
    assert.deepEqual(asStranger.json, { active: false });
    // A token for the other API is not shown to the resource server of API.
    const other = (await partnerToken({ scope: 'caf_api.payments', resource: API_2 })).json.access_token;
    assert.deepEqual((await postForm(as.introspection_endpoint, { token: other, ...RS })).json,
      { active: false });
  });

  it('code flow with a resource: an API token that userinfo refuses, and an ID token as usual', async () => {
    const { tokens } = await portalCodeFlow({
      authorize: { scope: 'openid profile caf_api.read', resource: API }, token: { resource: API },
    });
    assert.ok(tokens.id_token, 'an ID token still');
    const claims = payloadOf(tokens.access_token);
    assert.equal(claims.aud, API);
    assert.equal(claims.scope, 'caf_api.read');
    const userinfo = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    // Narrowed to the API's scope, it no longer holds openid.
    assert.equal(userinfo.status, 403);
    assert.match(userinfo.headers.get('www-authenticate'), /error="insufficient_scope"/);
    // The refresh token keeps the grant: a refresh for the same resource gets an API token again.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, { resource: API });
    assert.equal(payloadOf(refreshed.access_token).aud, API);
  });

  it('code flow without a resource at /token: the audience of the authorization request, or userinfo', async () => {
    const { tokens } = await portalCodeFlow({ authorize: { scope: 'openid profile caf_api.read', resource: API } });
    assert.equal(payloadOf(tokens.access_token).aud, API);
    const { tokens: plain } = await portalCodeFlow({ authorize: { scope: 'openid profile' } });
    assert.equal(payloadOf(plain.access_token).aud, `${issuer}/userinfo`);
    const info = await client.fetchUserInfo(config, plain.access_token, client.skipSubjectCheck);
    assert.equal(info.family_name, 'FICTIF');
  });

  it('two resources pushed with PAR stay two: the token is for both', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const params = new URLSearchParams({
      redirect_uri: RP_CALLBACK, scope: 'openid caf_api.read caf_api.payments', state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    params.append('resource', API);
    params.append('resource', API_2);
    const url = await client.buildAuthorizationUrlWithPAR(config, params);
    assert.ok(url.searchParams.get('request_uri'), url.href);
    const { callback } = await login(new Agent(issuer), url);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.deepEqual(payloadOf(tokens.access_token).aud, [API, API_2]);
  });

  it('a resource the authorization request did not name is refused at /token, an unknown one at /authorize', async () => {
    await assert.rejects(portalCodeFlow({
      authorize: { scope: 'openid caf_api.read caf_api.payments', resource: API }, token: { resource: API_2 },
    }), (err) => err.error === 'invalid_target');
    const refused = await portalCodeFlow({ authorize: { resource: 'https://evil.example/api' } });
    assert.equal(refused.error, 'invalid_target');
    assert.equal(refused.loginShown, false, 'refused before any login');
  });

  it('the claims parameter asks claims by name, within the scopes the client is registered for', async () => {
    const { tokens } = await portalCodeFlow({
      authorize: { scope: 'openid', claims: JSON.stringify({ userinfo: { email: null }, id_token: { given_name: null } }) },
    });
    const idToken = payloadOf(tokens.id_token);
    assert.equal(idToken.given_name, 'Jean Michel');
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    assert.equal(info.email, 'jean.fictif@example.test');
    assert.equal(info.phone_number, undefined, 'phone was not asked for');
  });

  it('acr: an essential eidas1 with no provider that gives it fails at once; a password login answers urn:caf:acr:pwd', async () => {
    const essential = await portalCodeFlow({
      authorize: { claims: JSON.stringify({ id_token: { acr: { essential: true, values: ['eidas1'] } } }) },
    });
    assert.equal(essential.error, 'unmet_authentication_requirements');
    assert.equal(essential.loginShown, false);
    // acr_values is a preference: unanswerable values are left out.
    const voluntary = await portalCodeFlow({ authorize: { acr_values: 'eidas1' } });
    assert.equal(payloadOf(voluntary.tokens.id_token).acr, 'urn:caf:acr:pwd');
    const pwd = await portalCodeFlow({
      authorize: { claims: JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:caf:acr:pwd' } } }) },
    });
    assert.equal(payloadOf(pwd.tokens.id_token).acr, 'urn:caf:acr:pwd');
  });
});

describe('acr with FranceConnect as the upstream provider', () => {
  let env;
  let issuer;
  let as;

  before(async () => {
    env = await startWithFranceConnect({
      clients: [portalClient({ secret: PORTAL_SECRET, redirectUris: [RP_CALLBACK] })],
    });
    issuer = env.caf.issuer;
    const issuerUrl = new URL(issuer);
    as = await oauth.processDiscoveryResponse(issuerUrl,
      await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
  });

  after(async () => { await env?.stop(); });

  function authorizeUrl(params) {
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: portal.client_id, redirect_uri: RP_CALLBACK, response_type: 'code', scope: 'openid profile',
      state: oauth.generateRandomState(), ...params,
    }).toString();
    return url;
  }

  it('discovery lists the password level and the level FranceConnect is asked for', () => {
    assert.deepEqual(as.acr_values_supported, ['urn:caf:acr:pwd', 'eidas1']);
  });

  it('acr_values=eidas1 sends the person to FranceConnect, even with a password session', async () => {
    const agent = new Agent(issuer);
    const first = await login(agent, authorizeUrl({}));
    assert.equal(first.loginShown, true);
    const fc = await agent.navigate(authorizeUrl({ acr_values: 'eidas1' }));
    assert.ok(fc.callback, 'left Caf Connect');
    assert.equal(fc.callback.origin, new URL(env.fc.info.issuer).origin, `went to ${fc.callback}`);
    assert.equal(fc.callback.searchParams.get('acr_values'), 'eidas1');
    // The password session answers a request for its own level, within max_age.
    const again = await login(agent, authorizeUrl({ acr_values: 'urn:caf:acr:pwd', max_age: '3600' }));
    assert.equal(again.loginShown, false);
    assert.ok(again.callback.searchParams.get('code'));
    // max_age=0 asks for a new login whatever the acr.
    const fresh = await agent.navigate(authorizeUrl({ acr_values: 'urn:caf:acr:pwd', max_age: '0' }));
    assert.ok(fresh.page?.form, 'the login form again');
  });

  it('an essential eidas1 that ends in a password login is unmet_authentication_requirements', async () => {
    const agent = new Agent(issuer);
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['eidas1'] } } });
    const res = await agent.request(authorizeUrl({ claims }));
    assert.equal(res.status, 302);
    const start = new URL(res.headers.get('location'), issuer);
    assert.equal(start.pathname, '/providers/franceconnect/start');
    // The person goes to the password form instead of FranceConnect.
    const interaction = start.searchParams.get('interaction');
    const page = await agent.navigate(`${issuer}/connexion?interaction=${encodeURIComponent(interaction)}`);
    const done = await agent.submitLogin(page.page, JEAN);
    assert.ok(done.callback, `back to the client: ${done.page?.status}`);
    assert.equal(done.callback.searchParams.get('error'), 'unmet_authentication_requirements');
    assert.equal(done.callback.searchParams.get('code'), null);
  });
});
