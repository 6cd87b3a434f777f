// The FranceConnect v2 stand-in (examples/franceconnect/server.mjs) as the upstream provider of
// a test's Caf Connect: the stand-in knows Caf Connect as its client, Caf Connect gets the
// matching [[providers]] table. Caf Connect's port is reserved first, so each knows the other's
// URLs before either starts.

import { portalClient, startCafConnect } from './cafconnect.mjs';
import { freePort, startProcess } from './processes.mjs';

// Caf Connect's registration at the stand-in (client_secret_post, the FranceConnect default).
export const FC_CLIENT = { client_id: 'caf-connect', client_secret: 'caf-connect-e2e-secret-0123456789' };

/**
 * The stand-in with Caf Connect (at `cafBase`) as its only client.
 * @param {{cafBase: string, client?: object, env?: Record<string, string>}} options
 *   client: the stand-in's client metadata (FC_CLIENT by default; add jwks and
 *   token_endpoint_auth_method "private_key_jwt" for a client authenticated by a signed assertion)
 */
export function startStandIn({ cafBase, client = FC_CLIENT, env = {} }) {
  return startProcess('node', ['examples/franceconnect/server.mjs'], {
    env: {
      FC_PORT: '0',
      FC_CLIENTS: JSON.stringify([{
        ...client,
        client_name: 'Caf Connect (e2e)',
        redirect_uris: [`${cafBase}/providers/franceconnect/callback`],
        post_logout_redirect_uris: [`${cafBase}/providers/franceconnect/logout-callback`],
      }]),
      ...env,
    },
  });
}

/** Caf Connect's [[providers]] table for the stand-in `fc`; `extra` adds or overrides keys. */
export function providerToml({ fc, cafBase, client = FC_CLIENT, extra = {} }) {
  const entries = {
    name: 'franceconnect',
    label: 'FranceConnect',
    issuer: fc.info.issuer,
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uri: `${cafBase}/providers/franceconnect/callback`,
    post_logout_redirect_uri: `${cafBase}/providers/franceconnect/logout-callback`,
    ...extra,
  };
  const lines = ['[[providers]]'];
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) lines.push(`${k} = ${JSON.stringify(v)}`);
  return lines.join('\n');
}

/**
 * The stand-in, then Caf Connect using it, with `clients` registered at Caf Connect (the demo
 * portal's portalClient() by default, redirecting to nowhere); `caf`: more startCafConnect options.
 * @returns {Promise<{fc: any, caf: any, cafBase: string, stop: () => Promise<void>}>}
 */
export async function startWithFranceConnect({
  clients = [portalClient({ redirectUris: ['http://localhost:59999/rp/callback'] })],
  client = FC_CLIENT,
  provider = {},
  standInEnv = {},
  caf: cafOptions = {},
} = {}) {
  const port = await freePort();
  const cafBase = `http://localhost:${port}`;
  const fc = await startStandIn({ cafBase, client, env: standInEnv });
  let caf;
  try {
    caf = await startCafConnect({
      ...cafOptions, port, clients, extraToml: providerToml({ fc, cafBase, client, extra: provider }),
    });
  } catch (err) {
    await fc.stop();
    throw err;
  }
  return { fc, caf, cafBase, stop: async () => { await Promise.all([caf.stop(), fc.stop()]); } };
}
