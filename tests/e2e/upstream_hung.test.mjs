// A FranceConnect and an external captcha that accept connections and never answer (SPEC.md §10,
// reliability): the people who click "S'identifier avec FranceConnect" get the French error page,
// those who open "Mot de passe oublié" are told the security check is unavailable, and nothing
// else waits for them — client_credentials tokens and /healthz keep being served meanwhile,
// because each upstream has a bounded share of the worker pool and a failure is remembered.
//
//   node --test tests/e2e/upstream_hung.test.mjs

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';

import { partnerClient, startCafConnect } from './support/cafconnect.mjs';

const PROVIDER_TIMEOUT_MS = 2000;
const CLICKS = 20;
const PARTNER = { id: 'partner-e2e', secret: 'partner-e2e-secret-0123456789' };

let hung;
const held = new Set();
let caf;

before(async () => {
  // Accepts, reads, never writes: every outgoing call to it lasts the whole timeout.
  hung = createServer((socket) => {
    held.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => held.delete(socket));
  });
  await new Promise((resolve) => hung.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${hung.address().port}`;
  caf = await startCafConnect({
    clients: [partnerClient({ clientId: PARTNER.id, secret: PARTNER.secret })],
    extraToml: [
      '[[providers]]',
      'name = "franceconnect"',
      'label = "FranceConnect"',
      `issuer = ${JSON.stringify(issuer)}`,
      'client_id = "caf-connect"',
      'client_secret = "caf-connect-e2e-secret-0123456789"',
      'redirect_uri = "http://localhost:1/providers/franceconnect/callback"',
      `timeout_ms = ${PROVIDER_TIMEOUT_MS}`,
      // The external captcha is the same server that never answers.
      '[captcha]',
      'provider = "external"',
      `service_url = ${JSON.stringify(`${issuer}/v1`)}`,
      'service_token = "captcha-e2e-token-0123456789abcdef"',
      `timeout_ms = ${PROVIDER_TIMEOUT_MS}`,
    ].join('\n'),
  });
});

after(async () => {
  await caf?.stop();
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => hung?.close(resolve));
});

async function timed(promise) {
  const start = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - start };
}

async function clientCredentials() {
  const res = await fetch(`${caf.url}/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: PARTNER.id,
      client_secret: PARTNER.secret }).toString(),
  });
  return { status: res.status, body: await res.json() };
}

// Meanwhile, a partner asks for tokens and probes check health and readiness, one after the other.
async function meanwhileTheOthers() {
  const others = [];
  const deadline = performance.now() + PROVIDER_TIMEOUT_MS * 1.5;
  while (performance.now() < deadline) {
    others.push(await timed(clientCredentials()));
    others.push(await timed(fetch(`${caf.url}/healthz`).then((r) => ({ status: r.status }))));
    others.push(await timed(fetch(`${caf.url}/readyz`).then((r) => ({ status: r.status }))));
  }
  return others;
}

// None of them waited for the hung upstream.
function assertTheOthersWereServed(others) {
  assert.ok(others.length >= 6);
  for (const { value } of others) assert.equal(value.status, 200);
  const slowest = Math.max(...others.map((o) => o.ms));
  assert.ok(slowest < PROVIDER_TIMEOUT_MS * 0.75, `a token, health or readiness request waited ${Math.round(slowest)} ms`);
}

describe('a hung FranceConnect', () => {
  test(`${CLICKS} people click FranceConnect at once: each gets the French page, tokens, /healthz and /readyz are still served`, async () => {
    const clicks = timed(Promise.all(Array.from({ length: CLICKS }, async () => {
      const res = await fetch(`${caf.url}/providers/franceconnect/start`, { redirect: 'manual' });
      return { status: res.status, html: await res.text() };
    })));

    const others = await meanwhileTheOthers();

    const { value: pages, ms: clicksMs } = await clicks;
    for (const page of pages) {
      assert.equal(page.status, 503);
      assert.match(page.html, /Connexion avec FranceConnect impossible/);
    }
    // One timeout for the calls let through, not one per click (20 × 2 s when they queued).
    assert.ok(clicksMs < PROVIDER_TIMEOUT_MS * 3, `the ${CLICKS} clicks took ${Math.round(clicksMs)} ms`);

    assertTheOthersWereServed(others);

    // The failure is remembered: the next click does not wait for the provider again.
    const again = await timed(fetch(`${caf.url}/providers/franceconnect/start`, { redirect: 'manual' }));
    assert.equal(again.value.status, 503);
    assert.ok(again.ms < PROVIDER_TIMEOUT_MS / 2, `the next click took ${Math.round(again.ms)} ms`);
  });
});

describe('a hung external captcha', () => {
  test(`${CLICKS} people open "Mot de passe oublié" at once: each is told at once, tokens, /healthz and /readyz are still served`, async () => {
    const opens = timed(Promise.all(Array.from({ length: CLICKS }, async () => {
      const res = await fetch(`${caf.url}/mot-de-passe-oublie`, { headers: { accept: 'text/html' } });
      return { status: res.status, html: await res.text() };
    })));
    const others = await meanwhileTheOthers();

    const { value: pages, ms: opensMs } = await opens;
    for (const page of pages) {
      assert.equal(page.status, 200);
      assert.match(page.html, /La vérification de sécurité est momentanément indisponible/);
      assert.doesNotMatch(page.html, /class="captcha-image"/, 'no broken image');
    }
    assert.ok(opensMs < PROVIDER_TIMEOUT_MS * 3, `the ${CLICKS} pages took ${Math.round(opensMs)} ms`);
    assertTheOthersWereServed(others);

    const again = await timed(fetch(`${caf.url}/mot-de-passe-oublie`, { headers: { accept: 'text/html' } }));
    assert.equal(again.value.status, 200);
    assert.ok(again.ms < PROVIDER_TIMEOUT_MS / 2, `the next page took ${Math.round(again.ms)} ms`);
  });
});
