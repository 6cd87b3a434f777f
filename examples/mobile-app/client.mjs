// The "Caf - Mon Compte" mobile app as a public client of Caf Connect, with npm `oauth4webapi` v3:
// discovery, authorization code flow with PKCE S256, DPoP-bound tokens (an ES256 key pair made at
// start, the code bound to it with dpop_jkt), userinfo and a refresh with the same key. A real app
// would use its custom-scheme redirect; this one listens on a loopback redirect URI (RFC 8252).
//
//   node examples/mobile-app/client.mjs --issuer http://localhost:8080 \
//     [--client-id caf-mobile] [--redirect-uri http://127.0.0.1:53682/callback] [--scope "openid profile offline_access"]
//
// As a module: `runMobileApp({ issuer, openBrowser })`, where openBrowser(url) shows the
// authorization URL to the person (a test drives the login form there instead).

import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import * as oauth from 'oauth4webapi';

export const DEFAULTS = {
  clientId: 'caf-mobile',
  redirectUri: 'http://127.0.0.1:53682/callback',
  scope: 'openid profile offline_access',
};

/** Enough of a token to recognise it in a log, never enough to use it. */
export function prefix(token, length = 12) {
  return typeof token === 'string' ? `${token.slice(0, length)}… (${token.length} chars)` : String(token);
}

function requestOptions(issuer) {
  // Plain http only for a provider on this machine (development, tests).
  return new URL(issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}

/** The provider's metadata, from `<issuer>/.well-known/openid-configuration`. */
export async function discover(issuer) {
  const issuerUrl = new URL(issuer);
  const res = await oauth.discoveryRequest(issuerUrl, { ...requestOptions(issuer), algorithm: 'oidc' });
  return oauth.processDiscoveryResponse(issuerUrl, res);
}

// With use_dpop_nonce the first proof is refused with a nonce to use; the DPoP handle keeps
// that nonce, so one retry is enough.
async function withDpopNonceRetry(attempt) {
  try {
    return await attempt();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return attempt();
  }
}

/**
 * Listens on the loopback redirect URI for one authorization response. `callback` resolves with
 * the full callback URL; `close()` stops listening.
 */
export async function listenForCallback(redirectUri, { timeoutMs = 5 * 60_000 } = {}) {
  const target = new URL(redirectUri);
  if (target.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(target.hostname)) {
    throw new Error(`not a loopback redirect URI: ${redirectUri}`);
  }
  let resolveCallback;
  let rejectCallback;
  const callback = new Promise((resolve, reject) => { resolveCallback = resolve; rejectCallback = reject; });
  const server = createServer((req, res) => {
    const url = new URL(req.url, redirectUri);
    if (req.method !== 'GET' || url.pathname !== target.pathname) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end('<!doctype html><meta charset="utf-8"><title>Caf - Mon Compte</title>'
        + '<p>Vous pouvez fermer cette fenêtre et revenir à l\'application.</p>\n');
    resolveCallback(url);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(target.port || 80), target.hostname.replace(/^\[|\]$/g, ''), resolve);
  });
  const timer = setTimeout(() => rejectCallback(new Error('no authorization response in time')), timeoutMs);
  timer.unref();
  // A second delivery would be ignored anyway: one response per listener.
  callback.finally(() => clearTimeout(timer)).catch(() => {});
  const close = () => new Promise((resolve) => {
    clearTimeout(timer);
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
  return { callback, close };
}

/**
 * Runs the app once: login in the browser (openBrowser), code exchange, userinfo, refresh.
 * Resolves with what it got (full tokens included, for the caller; the CLI prints prefixes only).
 */
export async function runMobileApp({
  issuer,
  clientId = DEFAULTS.clientId,
  redirectUri = DEFAULTS.redirectUri,
  scope = DEFAULTS.scope,
  openBrowser,
  bindCodeToKey = true,
  log = () => {},
}) {
  if (!issuer) throw new Error('issuer is required');
  if (typeof openBrowser !== 'function') throw new Error('openBrowser(url) is required');
  const options = requestOptions(issuer);
  const as = await discover(issuer);
  const client = { client_id: clientId, token_endpoint_auth_method: 'none' };
  const auth = oauth.None();

  // One key pair for the app's lifetime: the tokens are bound to it.
  const keyPair = await oauth.generateKeyPair('ES256');
  const DPoP = oauth.DPoP(client, keyPair);
  const jkt = await DPoP.calculateThumbprint();

  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorizationUrl = new URL(as.authorization_endpoint);
  const params = {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  // Binds the code to the key too, so a stolen code is useless without it.
  if (bindCodeToKey) params.dpop_jkt = jkt;
  for (const [k, v] of Object.entries(params)) authorizationUrl.searchParams.set(k, v);

  const listener = await listenForCallback(redirectUri);
  let callbackUrl;
  try {
    log('authorization_url', authorizationUrl.href);
    const opened = Promise.resolve().then(() => openBrowser(authorizationUrl.href));
    // openBrowser may resolve before or after the redirect arrives; a failure ends the wait.
    callbackUrl = await Promise.race([listener.callback, opened.then(() => listener.callback)]);
  } finally {
    await listener.close();
  }

  // Checks state and, when the provider advertises it, the RFC 9207 `iss`.
  const callbackParams = oauth.validateAuthResponse(as, client, callbackUrl, state);

  let tokenTypeSent;
  const tokens = await withDpopNonceRetry(async () => {
    const res = await oauth.authorizationCodeGrantRequest(as, client, auth, callbackParams, redirectUri, codeVerifier,
      { ...options, DPoP });
    // The library normalises token_type to lower case; keep the provider's spelling for the report.
    tokenTypeSent = await res.clone().json().then((b) => b?.token_type, () => undefined);
    return oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true });
  });
  const idTokenClaims = oauth.getValidatedIdTokenClaims(tokens);
  log('tokens', { token_type: tokenTypeSent, access_token: prefix(tokens.access_token),
    refresh_token: prefix(tokens.refresh_token), scope: tokens.scope, expires_in: tokens.expires_in, sub: idTokenClaims.sub });

  const userinfo = await withDpopNonceRetry(async () => oauth.processUserInfoResponse(as, client, idTokenClaims.sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, { ...options, DPoP })));
  log('userinfo', userinfo);

  let refreshedTokenTypeSent;
  const refreshed = await withDpopNonceRetry(async () => {
    const res = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, { ...options, DPoP });
    refreshedTokenTypeSent = await res.clone().json().then((b) => b?.token_type, () => undefined);
    return oauth.processRefreshTokenResponse(as, client, res);
  });
  const rotated = Boolean(refreshed.refresh_token) && refreshed.refresh_token !== tokens.refresh_token;
  log('refreshed', { token_type: refreshedTokenTypeSent, access_token: prefix(refreshed.access_token),
    refresh_token: prefix(refreshed.refresh_token), rotated });

  return {
    as, client, DPoP, jkt,
    authorizationUrl: authorizationUrl.href,
    callbackUrl: callbackUrl.href,
    tokens, tokenType: tokenTypeSent, idTokenClaims,
    userinfo,
    refreshed, refreshedTokenType: refreshedTokenTypeSent, rotated,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string', default: DEFAULTS.clientId },
      'redirect-uri': { type: 'string', default: DEFAULTS.redirectUri },
      scope: { type: 'string', default: DEFAULTS.scope },
      'no-dpop-jkt': { type: 'boolean', default: false },
    },
  });
  if (!values.issuer) {
    process.stderr.write('usage: node examples/mobile-app/client.mjs --issuer http://localhost:8080 '
      + '[--client-id caf-mobile] [--redirect-uri http://127.0.0.1:53682/callback] [--scope "…"] [--no-dpop-jkt]\n');
    process.exit(2);
  }
  const print = (label, value) => {
    process.stdout.write(typeof value === 'string' ? `${label}: ${value}\n` : `${label}: ${JSON.stringify(value, null, 2)}\n`);
  };
  await runMobileApp({
    issuer: values.issuer,
    clientId: values['client-id'],
    redirectUri: values['redirect-uri'],
    scope: values.scope,
    bindCodeToKey: !values['no-dpop-jkt'],
    log: print,
    openBrowser: (url) => {
      process.stdout.write(`\nOpen this URL in a browser and log in:\n\n  ${url}\n\nWaiting on ${values['redirect-uri']} …\n\n`);
    },
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`${err?.name ?? 'Error'}: ${err?.message ?? err}`
      + `${err?.error ? ` (${err.error}${err.error_description ? `: ${err.error_description}` : ''})` : ''}\n`);
    process.exit(1);
  });
}
