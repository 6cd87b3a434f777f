// Nothing acknowledged is lost when the server is killed (kill -9) under a mixed write load, on
// SQLite and on MariaDB: the real binary, several concurrent HTTP clients (tokens by
// client_credentials and authorization_code, refresh rotations, failed logins, account creations,
// verification codes by SMS to the outbox), two kills at random points with a restart on the same
// store and configuration, then every acknowledged operation checked as a client sees it, and the
// store's own integrity check.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/crash/kill9.test.mjs
//   CRASH_DURATION=600 ...      # seconds of load per store (default 30)
//   CRASH_STORES=sqlite         # or mariadb; both by default (MariaDB skipped without mariadbd)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { startCafConnect } from '../e2e/support/cafconnect.mjs';
import { startCaptchaService } from '../e2e/support/captcha_service.mjs';
import { repoRoot } from '../e2e/support/processes.mjs';
import { Workload, workloadServerOptions } from './support/workload.mjs';

const DURATION_S = Number(process.env.CRASH_DURATION ?? 30);
const KILLS = Number(process.env.CRASH_KILLS ?? 2);
const STORES = (process.env.CRASH_STORES ?? 'sqlite,mariadb').split(',');
const MARIADB_SCRIPT = join(repoRoot, 'tests', 'support', 'mariadb.sh');
const hasMariadb = ['/usr/sbin/mariadbd', '/usr/bin/mariadbd'].some(existsSync);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Load for DURATION_S with KILLS kill -9 at random points, each followed by a restart. */
async function crashUnderLoad(caf, label) {
  const load = new Workload(caf, { workers: 6 });
  let done = false;
  const running = load.run({ until: () => done });
  const restarts = [];
  const total = DURATION_S * 1000;
  // Kill points spread over the middle of the run, each at a random moment of its slice.
  const slice = (total * 0.7) / KILLS;
  const began = Date.now();
  for (let k = 0; k < KILLS; k += 1) {
    const at = total * 0.15 + slice * k + Math.random() * slice * 0.8;
    await sleep(Math.max(0, began + at - Date.now()));
    const { signal } = await caf.kill('SIGKILL');
    assert.equal(signal, 'SIGKILL');
    const t0 = performance.now();
    await caf.restart();
    restarts.push(Math.round(performance.now() - t0));
  }
  await sleep(Math.max(0, began + total - Date.now()));
  done = true;
  await running;
  const report = await load.verify();
  const ops = {};
  for (const h of load.history) {
    ops[h.op] ??= { acked: 0, not: 0 };
    ops[h.op][h.acked ? 'acked' : 'not'] += 1;
  }
  console.log(`[${label}] ${load.history.length} operations, ${load.acknowledged} acknowledged, `
    + `${report.checked} checks, ${report.lost.length} lost, ${report.duplicates.length} duplicate deliveries `
    + `(${report.messages} outbox lines); restart to ready: ${restarts.join(', ')} ms; per operation ${JSON.stringify(ops)}`);
  if (process.env.CRASH_VERBOSE) {
    for (const h of load.history.filter((e) => !e.acked)) console.log(`  not acknowledged: ${h.op} ${JSON.stringify(h.answer)}`);
  }
  assert.deepEqual(report.lost, [], 'nothing acknowledged is lost');
  assert.deepEqual(report.duplicates, [], 'every notification is delivered once');
  // A load that acknowledged nothing of some kind would prove nothing about it.
  for (const op of ['client_credentials', 'authorization_code', 'refresh', 'failed_login', 'create_account', 'code_sent']) {
    assert.ok(ops[op]?.acked > 0, `no ${op} acknowledged: ${JSON.stringify(ops)}`);
  }
  return load;
}

describe('kill -9 under a mixed write load', () => {
  const cleanups = [];
  after(async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
  });

  it('SQLite: everything acknowledged survives, and the file is intact', { skip: !STORES.includes('sqlite'), timeout: (DURATION_S * 3 + 180) * 1000 }, async () => {
    const captcha = await startCaptchaService();
    cleanups.push(() => captcha.stop());
    const caf = await startCafConnect(workloadServerOptions({ captcha }));
    cleanups.push(() => caf.stop());
    await crashUnderLoad(caf, 'sqlite');
    await caf.kill('SIGTERM');
    const integrity = execFileSync('sqlite3', [join(caf.dir, 'caf.db'), 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim();
    assert.equal(integrity, 'ok');
    await caf.restart();  // stop() in after() expects a running server
  });

  it('MariaDB: everything acknowledged survives, and CHECK TABLE is clean', { skip: (!STORES.includes('mariadb') && 'not asked') || (!hasMariadb && 'no mariadbd'), timeout: (DURATION_S * 3 + 240) * 1000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cafconnect-crash-mariadb-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    execFileSync(MARIADB_SCRIPT, ['start', dir], { stdio: 'ignore' });
    cleanups.push(async () => execFileSync(MARIADB_SCRIPT, ['stop', dir], { stdio: 'ignore' }));
    const sql = (statement) => execFileSync('mariadb', ['--no-defaults', `--socket=${join(dir, 'mariadbd.sock')}`, '-uroot',
      '--batch', '--skip-column-names', '-e', statement], { encoding: 'utf8' });
    sql('CREATE DATABASE cafconnect_crash');
    const url = `${execFileSync('cat', [join(dir, 'url')], { encoding: 'utf8' }).trim()}cafconnect_crash`;

    const captcha = await startCaptchaService();
    cleanups.push(() => captcha.stop());
    const caf = await startCafConnect({ ...workloadServerOptions({ captcha }), storeUrl: url });
    cleanups.push(() => caf.stop());
    await crashUnderLoad(caf, 'mariadb');
    const tables = sql('SHOW TABLES FROM cafconnect_crash').trim().split('\n').filter(Boolean);
    assert.ok(tables.length > 10, tables.join(' '));
    const checks = sql(`CHECK TABLE ${tables.map((t) => `cafconnect_crash.\`${t}\``).join(', ')}`)
      .trim().split('\n').map((l) => l.split('\t'));
    const bad = checks.filter(([, op, type, text]) => op === 'check' && type === 'status' && text !== 'OK');
    assert.deepEqual(bad, [], 'CHECK TABLE');
    assert.equal(checks.filter(([, , type]) => type === 'status').length, tables.length);
  });
});
