// The demo caf.fr portal (examples/portal/server.mjs) as a relying party of a test's Caf Connect,
// with the portalClient() defaults of cafconnect.mjs. Reserve `base` first (freePort) so the
// client's redirect URI is known before Caf Connect starts — or let startCafConnectWithPortal do
// all three.

import { portalClient, startCafConnect } from './cafconnect.mjs';
import { freePort, startProcess } from './processes.mjs';

export const PORTAL_SECRET = 'caf-portal-e2e-secret-0123456789';

/** @returns {Promise<{stop: () => Promise<void>}>} the portal's process */
export function startDemoPortal({ issuer, base, clientId = 'caf-portal', secret = PORTAL_SECRET, env = {} }) {
  return startProcess('node', ['examples/portal/server.mjs'], {
    env: {
      PORTAL_PORT: new URL(base).port,
      PORTAL_ISSUER: issuer,
      PORTAL_CLIENT_ID: clientId,
      PORTAL_CLIENT_SECRET: secret,
      PORTAL_CLIENT_AUTH: 'client_secret_basic',
      PORTAL_BASE_URL: base,
      ...env,
    },
  });
}

/**
 * Caf Connect with the demo portal registered as its client (after `clients`), its back-channel
 * logout endpoint included, and the portal running in front of it. `options` go to startCafConnect.
 * @returns {Promise<{caf: Awaited<ReturnType<typeof startCafConnect>>, portalBase: string, stop: () => Promise<void>}>}
 */
export async function startCafConnectWithPortal({ clients = [], ...options } = {}) {
  const portalBase = `http://localhost:${await freePort()}`;
  const caf = await startCafConnect({
    ...options,
    clients: [...clients,
      portalClient({ redirectUris: [`${portalBase}/callback`], postLogoutRedirectUris: [`${portalBase}/`],
        extra: { backchannel_logout_uri: `${portalBase}/backchannel-logout`, backchannel_logout_session_required: true } })],
  });
  let portal;
  try {
    portal = await startDemoPortal({ issuer: caf.issuer, base: portalBase });
  } catch (err) {
    await caf.stop();
    throw err;
  }
  return {
    caf,
    portalBase,
    async stop() {
      await portal.stop();
      await caf.stop();
    },
  };
}

/**
 * In a Chromium `page`: the demo portal's "Mon Compte", Caf Connect's login form filled with
 * `person` ({nir, password}) and sent. Resolves once the portal greets the person.
 */
export async function logInThroughPortal(page, portalBase, person) {
  await page.goto(`${portalBase}/`);
  await page.getByRole('button', { name: 'Mon Compte' }).click();
  await page.getByLabel(/Numéro de sécurité sociale/i).and(page.locator('input')).fill(person.nir);
  await page.getByLabel(/^Mot de passe/).and(page.locator('input[type="password"]')).fill(person.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: /^Bonjour/ }).waitFor();
}
