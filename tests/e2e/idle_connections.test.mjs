// Ten thousand idle keep-alive connections (SPEC.md §10, reliability): each has made one request
// and waits for its next one. The server holds them in little memory and still serves a newcomer
// at once, and over max_connections a connection is closed at once instead of waiting. Then a
// slow-headers attack: thousands of connections trickling a header byte by byte are cut by the
// read timeout while newcomers are served.
//
//   (ulimit -n "$(ulimit -Hn)"; node --test tests/e2e/idle_connections.test.mjs)

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';

import { partnerClient, startCafConnect } from './support/cafconnect.mjs';

const IDLE = Number(process.env.IDLE_CONNECTIONS ?? 10_000);
const MAX_CONNECTIONS = IDLE + 100;
// The memory budget of the reliability issue, for the server process as a whole.
const RSS_BUDGET_MIB = 300;
// A sanitized build (scripts/test.sh) keeps freed memory in quarantine and shadows every byte:
// its resident size says nothing about the product's.
const SANITIZED = /build-sanitize/.test(process.env.CAFCONNECT_BINARY ?? '') || process.env.CAF_SANITIZED === '1';

async function rssMib(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

// One connection that makes a request, reads its answer and stays open.
function idleConnection(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('latin1');
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      answer += chunk;
      if (answer.includes('\r\n\r\n') && answer.endsWith('ok\n')) {
        socket.removeListener('error', reject);
        socket.on('error', () => {});
        resolve(socket);
      }
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

async function openIdle(port, count) {
  const sockets = [];
  const batch = 500;
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => idleConnection(port)));
    sockets.push(...opened);
  }
  return sockets;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('idle keep-alive connections', () => {
  let caf;
  let sockets = [];
  after(async () => {
    for (const s of sockets) s.destroy();
    await caf?.stop();
  });

  test(`${IDLE} idle connections are held, a newcomer is served, one too many is closed`, async () => {
    caf = await startCafConnect({
      clients: [partnerClient()],
      log: { access_log: 'off' },
      extraToml: `[server.limits]\nmax_connections = ${MAX_CONNECTIONS}\nidle_timeout_ms = 300000`,
      timeoutMs: 60_000,
    });
    const baseline = await rssMib(caf.child().pid);
    const started = performance.now();
    sockets = await openIdle(caf.port, IDLE);
    const openedIn = performance.now() - started;
    const held = await rssMib(caf.child().pid);
    const alive = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
    assert.equal(alive, IDLE, 'every idle connection is still open');

    // Newcomers: a fresh connection each, as a browser arriving now would.
    const latencies = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const res = await fetch(`${caf.url}/healthz`, { headers: { connection: 'close' } });
      assert.equal(res.status, 200);
      await res.text();
      latencies.push(performance.now() - t0);
    }
    const tokenStart = performance.now();
    const token = await fetch(`${caf.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'partner-e2e', client_secret: 'partner-e2e-secret-0123456789', scope: 'caf_api.read' }),
    });
    assert.equal(token.status, 200, await token.text());
    const tokenMs = performance.now() - tokenStart;

    // The idle connections still answer on their next request.
    const sample = sockets.slice(0, 50);
    const reused = await Promise.all(sample.map((socket) => new Promise((resolve) => {
      let answer = '';
      socket.removeAllListeners('data');
      socket.on('data', (chunk) => { answer += chunk; if (answer.endsWith('ok\n')) resolve(answer.startsWith('HTTP/1.1 200')); });
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    })));
    assert.ok(reused.every(Boolean), 'an idle connection answered its next request');

    // Up to the limit, then one more: closed at once, without an answer (not left to wait).
    await new Promise((r) => setTimeout(r, 200));  // the newcomers' connections are gone
    sockets.push(...await openIdle(caf.port, MAX_CONNECTIONS - IDLE));
    const overflow = await new Promise((resolve) => {
      const t0 = performance.now();
      const socket = connect({ host: '127.0.0.1', port: caf.port });
      let answered = false;
      socket.on('data', () => { answered = true; });
      socket.on('error', () => {});
      socket.on('close', () => resolve({ ms: performance.now() - t0, answered }));
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      setTimeout(() => { socket.destroy(); resolve({ ms: Infinity, answered }); }, 5000);
    });

    const perConnectionKib = ((held - baseline) * 1024) / IDLE;
    console.log(`${IDLE} idle connections opened in ${Math.round(openedIn)} ms; server RSS ${baseline.toFixed(1)} MiB → `
      + `${held.toFixed(1)} MiB (${perConnectionKib.toFixed(1)} KiB each${SANITIZED ? ', sanitized build' : ''}); `
      + `newcomers /healthz median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; `
      + `/token ${tokenMs.toFixed(1)} ms; over the limit closed after ${overflow.ms.toFixed(1)} ms`);
    assert.ok(median(latencies) < 100, `a newcomer waited ${median(latencies)} ms`);
    assert.ok(overflow.ms < 5000 && !overflow.answered, 'a connection over max_connections is closed at once');
    if (!SANITIZED) assert.ok(held < RSS_BUDGET_MIB, `server RSS ${held.toFixed(1)} MiB with ${IDLE} idle connections`);
  });
});

describe('a slow-headers attack', () => {
  const TRICKLERS = Math.min(IDLE, 3000);
  const READ_TIMEOUT_MS = 2000;
  let caf;
  const sockets = [];
  after(async () => {
    for (const s of sockets) s.destroy();
    await caf?.stop();
  });

  test(`${TRICKLERS} connections trickling headers are cut by the read timeout; newcomers are served meanwhile`, async () => {
    caf = await startCafConnect({
      log: { access_log: 'off' },
      extraToml: `[server.limits]\nmax_connections = ${TRICKLERS + 100}\nread_timeout_ms = ${READ_TIMEOUT_MS}`,
      timeoutMs: 60_000,
    });
    const closed = [];
    const started = performance.now();
    for (let i = 0; i < TRICKLERS; i++) {
      const socket = connect({ host: '127.0.0.1', port: caf.port });
      sockets.push(socket);
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => { answer += chunk; });
      socket.on('error', () => {});
      const header = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' + 'a'.repeat(200);
      let sent = 0;
      // One byte every 100 ms: the request would take 25 s to arrive.
      const timer = setInterval(() => {
        if (socket.destroyed || sent >= header.length) return clearInterval(timer);
        socket.write(header[sent++]);
      }, 100);
      socket.on('close', () => { clearInterval(timer); closed.push({ at: performance.now() - started, answer }); });
    }
    // Newcomers during the attack.
    const latencies = [];
    while (performance.now() - started < READ_TIMEOUT_MS) {
      const t0 = performance.now();
      const res = await fetch(`${caf.url}/healthz`, { headers: { connection: 'close' } });
      assert.equal(res.status, 200);
      await res.text();
      latencies.push(performance.now() - t0);
    }
    const deadline = performance.now() + READ_TIMEOUT_MS * 6;
    while (closed.length < TRICKLERS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const open = sockets.filter((s) => !s.destroyed)
      .map((s) => `port ${s.localPort}: ${s.bytesWritten} bytes written, ${s.readyState}`);
    assert.equal(closed.length, TRICKLERS, `${TRICKLERS - closed.length} trickling connection(s) still open: ${open.slice(0, 5)}`);
    const answered408 = closed.filter((c) => c.answer.startsWith('HTTP/1.1 408')).length;
    assert.equal(answered408, TRICKLERS, 'each is answered 408 before being closed');
    const lastCut = Math.max(...closed.map((c) => c.at));
    console.log(`${TRICKLERS} trickling connections cut with 408 within ${Math.round(lastCut)} ms of the first `
      + `(read timeout ${READ_TIMEOUT_MS} ms); ${latencies.length} newcomers meanwhile, median `
      + `${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    assert.ok(median(latencies) < 100, `a newcomer waited ${median(latencies)} ms`);
  });
});
