// Starts a server process and waits for its one-line readiness report on stdout:
//   {"event":"listening","url":"http://127.0.0.1:PORT", …}
// Used for the demo portal, the FranceConnect stand-in and `build/cafconnect serve`.
//
//   const fc = await startProcess('node', ['examples/franceconnect/server.mjs'], { env: { FC_PORT: '0' } });
//   fc.info.url; fc.info.issuer; fc.stderr(); await fc.stop();

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/e2e/support/../../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const running = new Set();
process.once('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{env?: Record<string,string>, cwd?: string, timeoutMs?: number, echo?: boolean,
 *          event?: string}} [options]
 * @returns {Promise<{info: any, child: import('node:child_process').ChildProcess,
 *          stdout: () => string, stderr: () => string, stop: (signal?: string) => Promise<void>}>}
 */
export function startProcess(command, args = [], options = {}) {
  const {
    env = {}, cwd = repoRoot, timeoutMs = 20_000, echo = Boolean(process.env.E2E_ECHO),
    event = 'listening',
  } = options;
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  let exited = false;
  const exitPromise = new Promise((r) => {
    child.once('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      r({ code, signal });
    });
  });

  const stop = async (signal = 'SIGTERM') => {
    if (exited) return;
    child.kill(signal);
    // A sanitized build (scripts/test.sh) runs LeakSanitizer as it exits, which takes a moment.
    const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 15_000);
    await exitPromise;
    clearTimeout(timer);
  };

  return new Promise((resolvePromise, reject) => {
    let settled = false;
    let pending = '';
    const name = `${command} ${args.join(' ')}`.trim();
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop('SIGKILL').finally(() => reject(new Error(`${message}\n--- stderr of ${name} ---\n${err.slice(-8000)}\n--- stdout ---\n${out.slice(-2000)}`)));
    };
    const timer = setTimeout(() => fail(`${name}: no {"event":"${event}"} line within ${timeoutMs} ms`), timeoutMs);

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 1_000_000) err = err.slice(-500_000);
      if (echo) process.stderr.write(d);
    });
    child.stdout.on('data', (d) => {
      out += d;
      if (out.length > 1_000_000) out = out.slice(-500_000);
      if (echo) process.stderr.write(d);
      if (settled) return;
      pending += d;
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        let info;
        try { info = JSON.parse(line); } catch { continue; }
        if (info?.event === event) {
          settled = true;
          clearTimeout(timer);
          resolvePromise({ info, child, stdout: () => out, stderr: () => err, stop });
          return;
        }
      }
    });
    child.once('error', (e) => fail(`${name}: could not start: ${e.message}`));
    exitPromise.then(({ code, signal }) => fail(`${name}: exited (code ${code}, signal ${signal}) before it was ready`));
  });
}

/** A TCP port free on 127.0.0.1 right now (for a server whose URL must be known in advance). */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}
