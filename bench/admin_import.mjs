// Benchmark of the admin API's bulk import (SPEC.md §10): starts `cafconnect` on loopback with a
// back-office client, generates N fictitious legacy accounts (valid NIR keys, names FICTIFn, no
// password: a legacy migration's people set one through "Mot de passe oublié"), imports them in
// one call, prints the rate, then imports the same file again (all unchanged).
//
//   node bench/admin_import.mjs [N=100000]      (CAFCONNECT_BINARY or build/cafconnect)
//   CAF_STORE_URL=mysql://user:pw@127.0.0.1:3306/db node bench/admin_import.mjs   (MariaDB instead
//   of the temporary SQLite file; tests/support/mariadb.sh start DIR gives a throw-away server)

import { adminSession, backofficeClient, legacyAccountLine } from '../tests/e2e/support/admin_api.mjs';
import { startCafConnect } from '../tests/e2e/support/cafconnect.mjs';

const count = Number(process.argv[2] ?? 100_000);
const caf = await startCafConnect({
  clients: [backofficeClient()], log: { access_log: 'off' }, storeUrl: process.env.CAF_STORE_URL,
});
console.log(`store: ${process.env.CAF_STORE_URL ? 'MariaDB' : 'SQLite'}`);
try {
  const admin = await adminSession(caf.issuer);
  const body = `${Array.from({ length: count }, (_, i) => legacyAccountLine(i)).join('\n')}\n`;
  console.log(`${count} accounts, ${(body.length / 1024 / 1024).toFixed(1)} MiB of JSON lines`);
  for (const run of ['first import', 'second import']) {
    const started = process.hrtime.bigint();
    const res = await admin.call('POST', '/accounts/import', undefined, { raw: body });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (res.status !== 200) throw new Error(`import answered ${res.status}: ${res.text.slice(0, 500)}`);
    const { created, unchanged, failed } = res.body;
    console.log(`${run}: ${seconds.toFixed(1)} s, ${Math.round(count / seconds)} accounts/s `
      + `(created ${created}, unchanged ${unchanged}, failed ${failed})`);
  }
} finally {
  await caf.stop();
}
