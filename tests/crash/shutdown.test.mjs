// Graceful shutdown under load (SIGTERM): requests under way finish with their normal answers,
// new connections are refused once the signal is handled, the process exits 0 within
// `[server] drain_timeout_seconds`, and after a restart everything acknowledged is there. A
// request stuck longer than the deadline (a hung upstream) does not hold the process past it.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/crash/shutdown.test.mjs

import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { after, describe, it } from 'node:test';

import { startCafConnect } from '../e2e/support/cafconnect.mjs';
import { startCaptchaService } from '../e2e/support/captcha_service.mjs';
import { BACKOFFICE_SECRET, Workload, workloadServerOptions } from './support/workload.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Slack for a sanitized build's exit (LeakSanitizer) and a loaded machine: the deadline is the
// product's, the slack only covers the process tear-down.
const EXIT_SLACK_MS = 3000;
// The server's own grace after the drain timeout for closing what is left (server/server.cpp).
const CLOSING_GRACE_MS = 1000;

/** Resolves once the child has exited: its code, signal, and when. */
function exitOf(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode, at: performance.now() });
    else child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
}

/** Opens a TCP connection and sends a request: 'refused', or what came back ('' if closed unanswered). */
function tryConnect(port) {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    socket.setEncoding('utf8');
    socket.on('data', (d) => { data += d; });
    socket.on('error', (err) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : data));
    socket.on('close', () => resolve(data));
  });
}

async function waitFor(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('SIGTERM under load', () => {
  const cleanups = [];
  after(async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  });

  it('in-flight requests finish, new connections are refused, exit 0 within the drain deadline, nothing lost', { timeout: 240_000 }, async () => {
    const DRAIN_S = 8;
    const captcha = await startCaptchaService();
    cleanups.push(() => captcha.stop());
    const caf = await startCafConnect({ ...workloadServerOptions({ captcha }), server: { drain_timeout_seconds: DRAIN_S } });
    cleanups.push(() => caf.stop());
    const load = new Workload(caf, { workers: 6 });
    let done = false;
    const running = load.run({ until: () => done });
    await sleep(4000);

    // Slow requests under way when the signal comes: imports of several accounts (Argon2id each).
    const admin = await load.admin();
    const batches = Array.from({ length: 3 }, (_, b) => Array.from({ length: 6 }, () => load.newPerson()));
    const imports = batches.map((people) => fetch(new URL('/admin/v1/accounts/import', caf.url), {
      method: 'POST', body: `${people.map((p) => load.importLine(p)).join('\n')}\n`,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
    }).then(async (res) => ({ status: res.status, body: await res.json() })));
    await sleep(30);

    const child = caf.child();
    const exited = exitOf(child);
    const signalled = performance.now();
    child.kill('SIGTERM');
    await waitFor(() => /graceful shutdown/.test(caf.stderr()), 5000, 'no "graceful shutdown" line');
    // Once the signal is handled, a new connection gets nothing from this process.
    const attempts = [];
    while (child.exitCode === null && child.signalCode === null && attempts.length < 20) {
      attempts.push(await tryConnect(caf.port));
      await sleep(20);
    }
    const { code, signal, at } = await exited;
    done = true;
    const drainMs = Math.round(at - signalled);

    const answers = await Promise.all(imports);
    for (const [b, answer] of answers.entries()) {
      assert.equal(answer.status, 200, JSON.stringify(answer));
      assert.equal(answer.body.created, batches[b].length, JSON.stringify(answer.body));
      load.people.push(...batches[b]);
    }
    for (const a of attempts) assert.ok(a === 'refused' || a === '', `a connection after the signal was answered: ${a.slice(0, 80)}`);
    assert.equal(signal, null);
    assert.equal(code, 0, caf.stderr().slice(-2000));
    assert.ok(drainMs < DRAIN_S * 1000 + CLOSING_GRACE_MS + EXIT_SLACK_MS, `exit ${drainMs} ms after SIGTERM`);

    await running;
    await caf.restart();
    const report = await load.verify();
    console.log(`[shutdown] ${load.history.length} operations, ${load.acknowledged} acknowledged (+ ${answers.length} imports in flight), `
      + `${report.checked} checks, ${report.lost.length} lost; exit ${drainMs} ms after SIGTERM `
      + `(deadline ${DRAIN_S} s), ${attempts.length} connection(s) refused meanwhile`);
    assert.deepEqual(report.lost, []);
    assert.deepEqual(report.duplicates, []);
    assert.ok(load.tokens.length > 0 && load.people.length > 0);
  });

  it('a request stuck past the deadline does not keep the process alive', { timeout: 120_000 }, async () => {
    const DRAIN_S = 2;
    // An upstream provider that accepts and never answers: the request waits 30 s for it.
    const held = new Set();
    const hung = createServer((socket) => { held.add(socket); socket.on('data', () => {}); });
    await new Promise((resolve) => hung.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => { for (const s of held) s.destroy(); await new Promise((r) => hung.close(r)); });
    const caf = await startCafConnect({
      server: { drain_timeout_seconds: DRAIN_S },
      extraToml: ['[[providers]]', 'name = "franceconnect"', 'label = "FranceConnect"',
        `issuer = "http://127.0.0.1:${hung.address().port}"`, 'client_id = "caf-connect"',
        'client_secret = "caf-connect-e2e-secret-0123456789"',
        'redirect_uri = "http://localhost:1/providers/franceconnect/callback"', 'timeout_ms = 30000'].join('\n'),
    });
    cleanups.push(() => caf.stop());
    const stuck = fetch(`${caf.url}/providers/franceconnect/start`, { redirect: 'manual' })
      .then((res) => ({ status: res.status }), (err) => ({ error: String(err.cause?.code ?? err) }));
    await waitFor(() => held.size > 0, 10_000, 'the provider was not called');

    const child = caf.child();
    const exited = exitOf(child);
    const signalled = performance.now();
    child.kill('SIGTERM');
    const { code, signal, at } = await exited;
    const ms = Math.round(at - signalled);
    console.log(`[shutdown, stuck request] exit ${ms} ms after SIGTERM (deadline ${DRAIN_S} s), code ${code}`);
    assert.equal(signal, null);
    assert.equal(code, 0, caf.stderr().slice(-2000));
    assert.ok(ms < DRAIN_S * 1000 + CLOSING_GRACE_MS + EXIT_SLACK_MS, `exit ${ms} ms after SIGTERM`);
    const answer = await stuck;
    assert.ok(answer.error, `the stuck request was never answered, got ${JSON.stringify(answer)}`);
    assert.match(caf.stderr(), /drain deadline/);
    await caf.restart();  // for stop() in after()
  });
});
