// What the real binary writes to its logs (the event log on stderr, the access log on stdout)
// after a day's worth of traffic — logins right and wrong, a code flow with tokens and userinfo,
// the admin API looking an account up by NIR and revoking it, a logout — never holds a NIR, a
// password, contact data, a secret or a token.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/log_hygiene.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import * as client from 'openid-client';

import { adminSession, backofficeClient } from './support/admin_api.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { portalClient, startCafConnect } from './support/cafconnect.mjs';

// Demo account (examples/demo-accounts.md).
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf', email: 'jean.fictif@example.test' };
const SECRET = 'log-hygiene-secret-0123456789';
const REDIRECT = 'http://localhost:9/hygiene/callback';

describe('log hygiene', () => {
  let caf;
  const secrets = new Set();

  before(async () => {
    caf = await startCafConnect({
      clients: [portalClient({ secret: SECRET, redirectUris: [REDIRECT], postLogoutRedirectUris: ['http://localhost:9/'] }),
        backofficeClient()],
    });
  });
  after(async () => { await caf?.stop(); });

  it('a login, a wrong password, tokens, userinfo, the admin API and a logout leave nothing personal or secret in the logs', async () => {
    const config = await client.discovery(new URL(caf.issuer), 'caf-portal', { client_secret: SECRET },
      client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
    const authorize = async (agent, person) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid profile email phone',
        state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
      return { verifier, state, result: await loginWithForm(agent, url, person).catch((err) => ({ err })) };
    };

    // A wrong password first (the message says nothing of the account), then the right one.
    await authorize(new Agent(caf.issuer), { nir: JEAN.nir, password: 'Mauvais-mot-de-passe-1' });
    const agent = new Agent(caf.issuer);
    const { verifier, state, result } = await authorize(agent, JEAN);
    assert.ok(result.callback, 'logged in');
    const tokens = await client.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: verifier, expectedState: state });
    const info = await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck);
    assert.equal(info.email, JEAN.email);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    for (const t of [tokens.access_token, tokens.id_token, tokens.refresh_token, refreshed.access_token,
      refreshed.refresh_token, result.callback.searchParams.get('code')]) secrets.add(t);

    const admin = await adminSession(caf.issuer);
    secrets.add(admin.token);
    const found = await admin.call('POST', '/accounts/lookup', { nir: JEAN.nir.replaceAll(' ', '') });
    assert.equal(found.status, 200, found.text);
    await agent.navigate(client.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token ?? tokens.id_token,
      post_logout_redirect_uri: 'http://localhost:9/' }));
    assert.equal((await admin.call('POST', `/accounts/${found.body.id}/revoke`)).status, 200);
    await new Promise((r) => setTimeout(r, 300));

    const logs = `${caf.stderr()}\n${caf.stdout()}`;
    assert.ok(logs.includes('/token') && logs.includes('/userinfo'), 'the access log saw the traffic');
    const forbidden = {
      'the NIR': JEAN.nir.replaceAll(' ', ''),
      'the NIR as typed': JEAN.nir,
      'the password': JEAN.password,
      'the wrong password': 'Mauvais-mot-de-passe-1',
      'the e-mail address': JEAN.email,
      'the client secret': SECRET,
      'the family name': info.family_name,
    };
    if (info.phone_number) forbidden['the phone number'] = info.phone_number.replace(/^\+33/, '');
    for (const [what, text] of Object.entries(forbidden)) assert.ok(!logs.includes(text), `${what} is in the logs`);
    for (const token of secrets) assert.ok(token && !logs.includes(token), 'a token or code is in the logs');
    // Every line is JSON a collector can read.
    for (const line of logs.split('\n').filter((l) => l.trim().startsWith('{'))) JSON.parse(line);
  });
});
