// The management listener of the real binary: `[management] listen` serves /metrics, /healthz
// and /readyz on a port of its own, announced in the "listening" line, and /metrics leaves the
// public port.
//
//   CAFCONNECT_BINARY=build/cafconnect node --test tests/e2e/management.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startCafConnect } from './support/cafconnect.mjs';
import { freePort } from './support/processes.mjs';

describe('[management] listen', () => {
  let caf;
  let management;

  before(async () => {
    const port = await freePort();
    caf = await startCafConnect({ extraToml: `[management]\nlisten = "127.0.0.1:${port}"\n` });
    management = `http://127.0.0.1:${port}`;
  });
  after(async () => { await caf?.stop(); });

  it('announces the management address and serves the probes and metrics there only', async () => {
    assert.equal(caf.info.management_url, management);
    assert.equal((await fetch(`${caf.url}/.well-known/openid-configuration`)).status, 200);

    const metrics = await fetch(`${management}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    assert.match(await metrics.text(), /caf_http_requests_total\{route="\/\.well-known\/openid-configuration",method="GET",status="200"\} 1\n/);
    assert.equal((await fetch(`${management}/readyz`)).status, 200);
    assert.equal((await fetch(`${management}/healthz`)).status, 200);
    assert.equal((await fetch(`${management}/connexion`)).status, 404, 'no page of the service there');

    assert.equal((await fetch(`${caf.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${caf.url}/healthz`)).status, 200, 'the load balancer still probes the public port');
  });
});
