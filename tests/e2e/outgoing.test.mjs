// Outgoing HTTP of the real binary ([outgoing]): through the datacenter's forward proxy unless
// no_proxy names the host, with Caf Connect's User-Agent, and an answer longer than the cap fails
// the call. Exercised with back-channel logout tokens, POSTed from the queue to a client.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/outgoing.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { adminSession, backofficeClient } from './support/admin_api.mjs';
import { Agent, loginWithForm } from './support/agent.mjs';
import { portalClient, startCafConnect } from './support/cafconnect.mjs';
import { startForwardProxy, startReceiver } from './support/http_peers.mjs';

const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
const REDIRECT = 'http://localhost:9/outgoing/callback';
const FAST_RETRIES = '[backchannel_logout]\npoll_interval_ms = 100\nbackoff_seconds = 1\nmax_attempts = 2\n';

/** Caf Connect with one client listening on `receiver`, and `outgoing` as its [outgoing] table. */
function start(receiver, outgoing) {
  const lines = Object.entries(outgoing).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return startCafConnect({
    clients: [
      portalClient({ redirectUris: [REDIRECT], extra: { backchannel_logout_uri: receiver.uri } }),
      backofficeClient(),
    ],
    extraToml: `${FAST_RETRIES}[outgoing]\n${lines.join('\n')}\n`,
  });
}

/** JEAN logs in for the client, then the back office revokes his sessions: one logout token. */
async function logInAndRevoke(caf) {
  const url = new URL(`${caf.issuer}/authorize`);
  for (const [k, v] of Object.entries({ client_id: 'caf-portal', redirect_uri: REDIRECT, response_type: 'code',
    scope: 'openid', state: 's-outgoing', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256' })) url.searchParams.set(k, v);
  await loginWithForm(new Agent(caf.issuer), url, JEAN);
  const admin = await adminSession(caf.issuer);
  const { body } = await admin.call('POST', '/accounts/lookup', { nir: JEAN.nir.replaceAll(' ', '') });
  const revoked = await admin.call('POST', `/accounts/${body.id}/revoke`);
  assert.equal(revoked.status, 200, revoked.text);
}

describe('[outgoing]', () => {
  let proxy;
  const stacks = [];

  before(async () => { proxy = await startForwardProxy(); });
  after(async () => {
    for (const s of stacks) await s.caf?.stop();
    for (const s of stacks) await s.receiver?.close();
    await proxy?.close();
  });

  async function stack(outgoing, receiverOptions) {
    const receiver = await startReceiver(receiverOptions);
    const caf = await start(receiver, outgoing);
    stacks.push({ caf, receiver });
    return { caf, receiver };
  }

  it('calls go through the proxy, with the configured User-Agent', async () => {
    const { caf, receiver } = await stack({ proxy: proxy.url, user_agent: 'cafconnect-e2e/1' });
    const before = proxy.seen.length;
    await logInAndRevoke(caf);
    const [delivered] = await receiver.until(1);
    assert.equal(delivered.status, 200);
    assert.equal(delivered.userAgent, 'cafconnect-e2e/1');
    assert.ok(delivered.token);
    assert.deepEqual(proxy.seen.slice(before), [`POST ${receiver.uri}`], 'relayed by the proxy, in absolute form');
  });

  it('no_proxy sends a host straight to it', async () => {
    const { caf, receiver } = await stack({ proxy: proxy.url, no_proxy: ['.example.test', 'localhost'] });
    const before = proxy.seen.length;
    await logInAndRevoke(caf);
    const [delivered] = await receiver.until(1);
    assert.match(delivered.userAgent, /^cafconnect\//);
    assert.equal(proxy.seen.length, before, 'nothing through the proxy');
  });

  it('an answer longer than max_response_kib fails the call, which is tried again', async () => {
    const { caf, receiver } = await stack({ max_response_kib: 16 }, { body: 'x'.repeat(64 * 1024) });
    await logInAndRevoke(caf);
    const got = await receiver.until(2);
    assert.equal(got.length, 2, 'the first answer did not count as a delivery');
    const events = caf.stderr().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const retry = events.find((e) => e.event === 'backchannel_logout.retry');
    assert.match(retry?.details?.error ?? '', /longer than 16384 bytes/, JSON.stringify(events.slice(-4)));
  });

  it('a proxy that is no http:// URL is a configuration error', async () => {
    const receiver = await startReceiver();
    try {
      await assert.rejects(start(receiver, { proxy: 'socks5://127.0.0.1:1080' }), /outgoing\.proxy/);
    } finally {
      await receiver.close();
    }
  });
});
