// Starts the real `cafconnect` binary on loopback for the end-to-end tests, with a throw-away
// configuration: its own temp dir (SQLite store, signing keys, data keys generated at first start,
// outbox), a free port, the repository's templates, static files and demo accounts, and the
// clients the test passes.
//
//   const caf = await startCafConnect({
//     clients: [portalClient({ redirectUris: ['http://localhost:3000/callback'] }), mobileClient(), partnerClient()],
//     oidc: { refresh_reuse_grace: 0 },
//   });
//   caf.issuer; caf.url; caf.port; caf.dir; caf.outbox; caf.stderr(); await caf.stop();
//   await caf.kill('SIGKILL'); await caf.restart();   // the same config, store and port
//
// The binary is $CAFCONNECT_BINARY (CTest sets it), else build/cafconnect (scripts/build.sh), else
// build-sanitize/cafconnect (scripts/test.sh), else build-e2e/cafconnect.

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { freePort, repoRoot, startProcess } from './processes.mjs';

/** Path of the cafconnect binary to test. */
export function cafconnectBinary() {
  if (process.env.CAFCONNECT_BINARY) return resolve(process.env.CAFCONNECT_BINARY);
  for (const candidate of ['build/cafconnect', 'build-sanitize/cafconnect', 'build-e2e/cafconnect']) {
    const path = join(repoRoot, candidate);
    if (existsSync(path)) return path;
  }
  throw new Error('cafconnect binary not found: set CAFCONNECT_BINARY or build the `cafconnect` target into build/');
}

// ---------------------------------------------------------------------------------------------
// The three standard clients of SPEC.md §9 (secrets are test values, ≥ 16 characters).

/** The caf.fr portal: confidential, code flow, client_secret_basic. */
export function portalClient({
  clientId = 'caf-portal',
  secret = 'caf-portal-e2e-secret-0123456789',
  redirectUris,
  postLogoutRedirectUris = [],
  authMethod = 'client_secret_basic',
  scopes = ['openid', 'profile', 'email', 'phone', 'caf_dossier'],
  firstParty = true,
  extra = {},
} = {}) {
  if (!redirectUris?.length) throw new Error('portalClient: redirectUris is required');
  return {
    client_id: clientId,
    name: 'caf.fr (e2e)',
    type: 'confidential',
    auth_method: authMethod,
    secret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes,
    first_party: firstParty,
    ...extra,
  };
}

/** The "Caf - Mon Compte" mobile app: public, PKCE S256, refresh tokens with offline_access. */
export function mobileClient({
  clientId = 'caf-mobile',
  redirectUris = ['fr.caf.moncompte:/oauth2redirect', 'http://127.0.0.1:53682/callback'],
  postLogoutRedirectUris = ['fr.caf.moncompte:/logout'],
  scopes = ['openid', 'profile', 'email', 'phone', 'caf_dossier', 'offline_access'],
  extra = {},
} = {}) {
  return {
    client_id: clientId,
    name: 'Caf - Mon Compte (e2e)',
    type: 'public',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes,
    first_party: true,
    ...extra,
  };
}

/** A partner service: client_credentials with client_secret_post, an API scope. */
export function partnerClient({
  clientId = 'partner-e2e',
  secret = 'partner-e2e-secret-0123456789',
  scopes = ['caf_api.read'],
  extra = {},
} = {}) {
  return {
    client_id: clientId,
    name: 'Service partenaire (e2e)',
    type: 'confidential',
    auth_method: 'client_secret_post',
    secret,
    grant_types: ['client_credentials'],
    scopes,
    ...extra,
  };
}

/**
 * A confidential client authenticating with private_key_jwt. `jwks` (public keys, `{keys:[…]}`) is
 * written into the server's temp dir by startCafConnect, and `jwks_file` points at it.
 */
export function privateKeyJwtClient({
  clientId = 'pkjwt-e2e',
  jwks,
  grantTypes = ['client_credentials'],
  scopes = ['caf_api.read'],
  redirectUris,
  extra = {},
} = {}) {
  if (!jwks?.keys?.length) throw new Error('privateKeyJwtClient: jwks {keys:[…]} is required');
  return {
    client_id: clientId,
    name: 'Client private_key_jwt (e2e)',
    type: 'confidential',
    auth_method: 'private_key_jwt',
    jwks,
    grant_types: grantTypes,
    scopes,
    ...(redirectUris ? { redirect_uris: redirectUris } : {}),
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// TOML.

function tomlValue(value, key) {
  if (typeof value === 'string') return JSON.stringify(value); // JSON escapes are valid TOML basic-string escapes
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isInteger(value)) return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => tomlValue(v, key)).join(', ')}]`;
  throw new Error(`cannot write ${key} = ${JSON.stringify(value)} as TOML`);
}

function tomlTable(header, entries) {
  const lines = [header];
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined || v === null) continue;
    lines.push(`${k} = ${tomlValue(v, k)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The TOML text of a configuration (exported for the tests of this helper and for debugging). */
export function configToml({
  port, dir, clients = [], resources = [], oidc = {}, log = {}, server = {}, extraToml = '', storeUrl,
}) {
  const parts = [
    '# Written by tests/e2e/support/cafconnect.mjs\n',
    tomlTable('[server]', {
      listen: `127.0.0.1:${port}`,
      issuer: `http://localhost:${port}`,
      static_root: join(repoRoot, 'web', 'static'),
      templates_root: join(repoRoot, 'web', 'templates'),
      ...server,
    }),
    tomlTable('[workers]', { threads: 2, queue: 128 }),
    tomlTable('[store]', { url: storeUrl ?? `sqlite:${join(dir, 'caf.db')}` }),
    tomlTable('[security]', {
      keys_dir: join(dir, 'keys'),
      data_keys_file: join(dir, 'data-keys'),
      generate_missing: true,
    }),
    tomlTable('[notifications]', { outbox: join(dir, 'outbox.jsonl') }),
    tomlTable('[log]', { level: 'info', access_log: 'stdout', ...log }),
    tomlTable('[oidc]', oidc),
    tomlTable('[development]', { demo_accounts: join(repoRoot, 'examples', 'demo-accounts.jsonl') }),
    extraToml ? `${extraToml}\n` : '',
  ];
  for (const c of clients) {
    const { jwks, ...rest } = c;
    if (jwks) rest.jwks_file = join(dir, `${c.client_id}.jwks.json`);
    parts.push(tomlTable('[[clients]]', rest));
  }
  for (const r of resources) parts.push(tomlTable('[[resources]]', r));
  return parts.join('\n');
}

/**
 * @param {{clients?: object[], resources?: object[], oidc?: Record<string, number|string>, log?: object, server?: object, extraToml?: string,
 *          port?: number, timeoutMs?: number, binary?: string, storeUrl?: string}} [options]
 * `storeUrl`: another store than the temp dir's SQLite file (e.g. a MariaDB URL for a benchmark).
 * @returns {Promise<{issuer: string, url: string, port: number, dir: string, configFile: string,
 *          outbox: string, info: any, stdout: () => string, stderr: () => string, stop: () => Promise<void>}>}
 */
export async function startCafConnect(options = {}) {
  const { clients = [], timeoutMs = 30_000, binary = cafconnectBinary() } = options;
  const dir = await mkdtemp(join(tmpdir(), 'cafconnect-e2e-'));
  const cleanup = () => (process.env.E2E_KEEP ? undefined : rm(dir, { recursive: true, force: true }));
  let proc;
  try {
    const port = options.port ?? await freePort();
    for (const c of clients) {
      if (c.jwks) await writeFile(join(dir, `${c.client_id}.jwks.json`), JSON.stringify(c.jwks));
    }
    const configFile = join(dir, 'cafconnect.toml');
    await writeFile(configFile, configToml({ ...options, port, dir, clients }));
    proc = await startProcess(binary, ['serve', '--config', configFile], { timeoutMs });
    const issuer = `http://localhost:${port}`;
    if (proc.info.issuer !== undefined && proc.info.issuer !== issuer) {
      throw new Error(`cafconnect reported issuer ${proc.info.issuer}, configured ${issuer}`);
    }
    let stopped = false;
    // The crash tests end the process themselves (SIGKILL, SIGTERM) and start it again on the
    // same configuration, store and port.
    const kill = async (signal = 'SIGKILL') => {
      const exited = new Promise((r) => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) r();
        else proc.child.once('exit', () => r());
      });
      proc.child.kill(signal);
      await exited;
      return { code: proc.child.exitCode, signal: proc.child.signalCode };
    };
    const restart = async () => {
      proc = await startProcess(binary, ['serve', '--config', configFile], { timeoutMs });
      return proc.info;
    };
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      try {
        await proc.stop('SIGTERM');
        const { exitCode, signalCode } = proc.child;
        if (exitCode !== 0) {
          throw new Error(`cafconnect did not exit cleanly on SIGTERM (code ${exitCode}, signal ${signalCode})\n`
            + `--- stderr ---\n${proc.stderr().slice(-4000)}`);
        }
      } finally {
        await cleanup();
      }
    };
    return {
      issuer,
      url: proc.info.url ?? `http://127.0.0.1:${port}`,
      port,
      dir,
      configFile,
      outbox: join(dir, 'outbox.jsonl'),
      info: proc.info,
      stdout: () => proc.stdout(),
      stderr: () => proc.stderr(),
      child: () => proc.child,
      kill,
      restart,
      stop,
    };
  } catch (err) {
    await proc?.stop('SIGKILL');
    await cleanup();
    throw err;
  }
}
