// Peers of Caf Connect's outgoing HTTP for the end-to-end tests: a client's back-channel logout
// endpoint, and a forward proxy (absolute-form requests, CONNECT tunnels) that records what went
// through it.

import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

import { freePort } from './processes.mjs';

/**
 * A relying party's back-channel endpoint: records each POST; `answers` is the list of statuses
 * to give in turn (then 200); `body` what every answer carries.
 */
export async function startReceiver({ body = '' } = {}) {
  const port = await freePort();
  const received = [];
  const answers = [];
  const waiters = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const status = answers.length ? answers.shift() : 200;
      received.push({ status, contentType: req.headers['content-type'], userAgent: req.headers['user-agent'],
        token: new URLSearchParams(text).get('logout_token') });
      res.writeHead(status, { 'cache-control': 'no-store' });
      res.end(body);
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    uri: `http://localhost:${port}/backchannel-logout`,
    received,
    answers,
    /** Resolves once `count` POSTs arrived; fails after `timeoutMs`. */
    async until(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        assert.ok(left > 0, `expected ${count} back-channel logout(s), got ${received.length}`);
        await new Promise((r) => {
          waiters.push(r);
          setTimeout(r, Math.min(left, 250));
        });
      }
      return received;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A forward proxy on a free port: `seen` lists "METHOD target" of each request it relayed. */
export async function startForwardProxy() {
  const port = await freePort();
  const seen = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let target;
    try {
      target = new URL(req.url);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const upstream = httpRequest({ host: target.hostname, port: target.port || 80, method: req.method,
      path: `${target.pathname}${target.search}`, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, targetPort] = req.url.split(':');
    const tunnel = connect(Number(targetPort), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      tunnel.write(head);
      tunnel.pipe(socket);
      socket.pipe(tunnel);
    });
    tunnel.on('error', () => socket.destroy());
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}
