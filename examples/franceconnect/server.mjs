// FranceConnect v2 stand-in: an OpenID provider that behaves like FranceConnect v2 for the
// development run and the end-to-end tests of Caf Connect (which is a client of it).
//
// Built on npm `oidc-provider`. Issuer `http://localhost:PORT/api/v2`; authorization code flow
// only; ID token and userinfo (application/jwt) signed ES256; pairwise `sub` (64 hex + "v1");
// acr eidas1; codes 30 s, access tokens 60 s; client_secret_post (and private_key_jwt);
// state and nonce required; RP-initiated logout at /api/v2/session/end without a confirmation
// click; RFC 9207 `iss` in the authorization response.
//
// Environment:
//   FC_PORT            port to listen on (0: any free port; default 8090)
//   FC_HOST            address to bind (default 127.0.0.1)
//   FC_ISSUER          issuer override (default http://localhost:PORT/api/v2)
//   FC_CLIENTS         JSON array of {client_id, client_secret, redirect_uris,
//                      post_logout_redirect_uris, [sector], [any other client metadata]}
//   FC_KEYS_FILE       JSON {keys:[private JWK…]}; created with fresh keys when absent
//   FC_IDENTITIES_FILE identities (default: identities.json beside this file)
//   FC_COOKIE_KEYS     comma-separated cookie signing keys (default: random at start)
//   FC_SUB_SALT        salt of the pairwise sub derivation (default: a fixed development salt)
//   FC_MIN_STATE_LENGTH minimum length of state and nonce (default 22)
//   FC_HOSTILE         comma-separated hostile modes active from the start (see MODES below)
//   FC_ADMIN           "0" disables the /__test/ admin endpoints (enabled by default)
//   FC_TRUST_PROXY     "1" trusts X-Forwarded-* headers
//
// Prints one line on stdout when ready:
//   {"event":"listening","url":"http://127.0.0.1:PORT","issuer":"http://localhost:PORT/api/v2"}
//
// Test admin endpoints (development only):
//   GET  /__test/mode                    -> {"modes":[…],"supported":[…]}
//   POST /__test/mode {"modes":[…]}      -> replace the active hostile modes ([] resets)
//   POST /__test/rotate-keys {"drop_old":false} -> new ES256 signing key, published and used
//   POST /__test/reset                   -> no hostile mode, original keys only
//   GET  /__test/identities              -> the identities
//   POST /__test/identities/<login> {…}  -> change an identity's pivot (a civil status
//                                           correction: its pairwise sub changes too)

import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const MOUNT = '/api/v2';

// ---------------------------------------------------------------------------------------------
// Hostile modes, for the tests of Caf Connect against a misbehaving provider.
const MODES = {
  wrong_iss: 'ID token "iss" is another issuer',
  wrong_aud: 'ID token "aud" is another client',
  no_azp_aud_multi: 'ID token "aud" is an array with another client and no "azp"',
  alg_none: 'ID token unsigned (alg "none")',
  hs256: 'ID token signed HS256 with the client secret (FranceConnect v1 style)',
  hs256_public_key: 'ID token signed HS256 with the public signing key (PEM) as secret (key confusion)',
  rs256: 'ID token and userinfo signed RS256 (a key published in the JWKS)',
  expired: 'ID token expired (exp and iat one hour ago)',
  future_iat: 'ID token issued one hour in the future',
  wrong_nonce: 'ID token "nonce" differs from the one sent',
  no_nonce: 'ID token without "nonce"',
  low_acr: 'ID token "acr" is "eidas0" (below eidas1)',
  no_acr: 'ID token without "acr"',
  bad_signature: 'ID token signature tampered with',
  unknown_kid: 'ID token signed by a key absent from the JWKS',
  userinfo_sub_mismatch: 'userinfo "sub" differs from the ID token',
  userinfo_unsigned: 'userinfo answered as plain JSON',
  userinfo_bad_signature: 'userinfo JWT signature tampered with',
  userinfo_wrong_iss: 'userinfo JWT "iss" is another issuer',
  callback_wrong_iss: 'authorization response "iss" is another issuer (RFC 9207)',
  callback_no_iss: 'authorization response without "iss"',
  callback_extra_params: 'authorization response carries unknown extra parameters',
  access_denied: 'authorization answered error=access_denied (the person cancelled)',
};

const activeModes = new Set();
function setModes(list) {
  const unknown = list.filter((m) => !(m in MODES));
  if (unknown.length) throw new Error(`unknown mode(s): ${unknown.join(', ')}`);
  activeModes.clear();
  for (const m of list) activeModes.add(m);
}
if (process.env.FC_HOSTILE) {
  setModes(process.env.FC_HOSTILE.split(',').map((s) => s.trim()).filter(Boolean));
}

// ---------------------------------------------------------------------------------------------
// Identities.
const identitiesFile = process.env.FC_IDENTITIES_FILE || join(here, 'identities.json');
const identities = new Map(
  JSON.parse(readFileSync(identitiesFile, 'utf8')).identities.map((i) => [i.login, { ...i }]),
);
const PIVOT = ['given_name', 'family_name', 'birthdate', 'gender', 'birthplace', 'birthcountry'];

// ---------------------------------------------------------------------------------------------
// Clients.
const defaultClients = [{
  client_id: 'caf-connect',
  client_secret: 'caf-connect-dev-secret',
  client_name: 'Caf Connect (développement)',
  redirect_uris: ['http://localhost:8080/providers/franceconnect/callback'],
  post_logout_redirect_uris: ['http://localhost:8080/providers/franceconnect/logout-callback'],
}];
const clientSpecs = process.env.FC_CLIENTS ? JSON.parse(process.env.FC_CLIENTS) : defaultClients;
if (!Array.isArray(clientSpecs)) throw new Error('FC_CLIENTS must be a JSON array');
const sectors = new Map();
const clients = clientSpecs.map(({ sector, ...meta }) => {
  if (!meta.client_id) throw new Error('FC_CLIENTS: every client needs a client_id');
  sectors.set(meta.client_id, sector || meta.client_id);
  const out = { ...meta };
  if (!out.token_endpoint_auth_method) {
    out.token_endpoint_auth_method = out.client_secret ? 'client_secret_post' : 'private_key_jwt';
  }
  return out;
});
const secrets = new Map(clientSpecs.map((c) => [c.client_id, c.client_secret]));

// ---------------------------------------------------------------------------------------------
// Signing keys.
async function newKey(alg) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await jose.exportJWK(privateKey);
  jwk.kid = await jose.calculateJwkThumbprint(jwk);
  jwk.alg = alg;
  jwk.use = 'sig';
  return jwk;
}
function publicJwk(jwk) {
  const { d, p, q, dp, dq, qi, ...pub } = jwk;
  return pub;
}

let signingKeys;
const keysFile = process.env.FC_KEYS_FILE;
if (keysFile && existsSync(keysFile)) {
  signingKeys = JSON.parse(readFileSync(keysFile, 'utf8')).keys;
} else {
  signingKeys = [await newKey('ES256'), await newKey('RS256')];
  if (keysFile) writeFileSync(keysFile, JSON.stringify({ keys: signingKeys }, null, 2), { mode: 0o600 });
}
const esKey = signingKeys.find((k) => k.kty === 'EC');
const rsKey = signingKeys.find((k) => k.kty === 'RSA');
if (!esKey) throw new Error('the signing keys need an ES256 (EC P-256) key');
// Keys added by /__test/rotate-keys: published in the JWKS and used to re-sign tokens.
const rotatedKeys = [];
let dropOriginalKeys = false;
const strayKey = await newKey('ES256'); // never published: for the unknown_kid mode

// ---------------------------------------------------------------------------------------------
// Helpers.
function html(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}
function page(title, body) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} — FranceConnect (simulateur)</title>
<style>
body{font-family:Marianne,Arial,sans-serif;margin:0;background:#f6f6f6;color:#161616}
header{background:#000091;color:#fff;padding:12px 24px}
header strong{font-size:1.2em}
main{max-width:720px;margin:24px auto;background:#fff;padding:24px;border:1px solid #ddd}
.warn{background:#fff4e5;border-left:4px solid #b34000;padding:8px 12px;margin:12px 0}
.ids{list-style:none;padding:0}
.ids li{margin:8px 0}
.ids button{width:100%;text-align:left;padding:10px 14px;border:1px solid #000091;background:#f5f5fe;cursor:pointer;font-size:1em}
.ids button small{color:#555}
button.secondary{background:#fff;border:1px solid #666;padding:8px 12px;cursor:pointer}
code{background:#eee;padding:0 4px}
</style>
</head>
<body>
<header><strong>FranceConnect</strong> — simulateur de développement (identités fictives)</header>
<main>
${body}
</main>
</body>
</html>`;
}
function send(res, status, body, type = 'text/html; charset=utf-8', extra = {}) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}
async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
function b64uJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
function pairwiseSub(login, clientId) {
  const identity = identities.get(login);
  const pivot = identity ? PIVOT.map((k) => identity[k]).join('|') : '';
  const salt = process.env.FC_SUB_SALT || 'caf-connect-franceconnect-standin-dev-salt';
  const sector = sectors.get(clientId) || clientId;
  const hex = createHash('sha256').update(`${salt}\n${sector}\n${login}\n${pivot}`).digest('hex');
  return `${hex}v1`;
}
function acrFor(params) {
  const levels = ['eidas1', 'eidas2', 'eidas3'];
  const asked = String(params.acr_values || '').split(' ').filter((a) => levels.includes(a));
  if (!asked.length) return 'eidas1';
  return asked.sort((a, b) => levels.indexOf(b) - levels.indexOf(a))[0];
}
function log(event, fields = {}) {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
}

// ---------------------------------------------------------------------------------------------
// Token rewriting for the hostile modes and for rotated keys.
const ID_TOKEN_MODES = ['wrong_iss', 'wrong_aud', 'no_azp_aud_multi', 'alg_none', 'hs256', 'hs256_public_key', 'rs256',
  'expired', 'future_iat', 'wrong_nonce', 'no_nonce', 'low_acr', 'no_acr', 'bad_signature',
  'unknown_kid'];
const USERINFO_MODES = ['userinfo_sub_mismatch', 'userinfo_unsigned', 'userinfo_bad_signature',
  'userinfo_wrong_iss', 'rs256', 'unknown_kid'];

function currentSigningJwk() {
  if (activeModes.has('unknown_kid')) return strayKey;
  if (activeModes.has('rs256') && rsKey) return rsKey;
  return rotatedKeys.at(-1) || esKey;
}
async function sign(payload, jwk) {
  const key = await jose.importJWK(jwk, jwk.alg);
  return new jose.SignJWT(payload)
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: 'JWT' })
    .sign(key);
}
function tamper(jws) {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s, 'base64url');
  sig[sig.length - 1] ^= 0xff;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

async function rewriteIdToken(idToken) {
  const needed = rotatedKeys.length || ID_TOKEN_MODES.some((m) => activeModes.has(m));
  if (!needed) return idToken;
  const claims = b64uJson(idToken.split('.')[1]);
  const now = Math.floor(Date.now() / 1000);
  if (activeModes.has('wrong_iss')) claims.iss = 'http://localhost:1/api/v2';
  if (activeModes.has('wrong_aud')) claims.aud = 'another-client';
  if (activeModes.has('no_azp_aud_multi')) {
    claims.aud = [claims.aud, 'another-client'].flat();
    delete claims.azp;
  }
  if (activeModes.has('expired')) { claims.iat = now - 3700; claims.exp = now - 3600; }
  if (activeModes.has('future_iat')) { claims.iat = now + 3600; claims.exp = now + 3660; }
  if (activeModes.has('wrong_nonce')) claims.nonce = randomBytes(32).toString('hex');
  if (activeModes.has('no_nonce')) delete claims.nonce;
  if (activeModes.has('low_acr')) claims.acr = 'eidas0';
  if (activeModes.has('no_acr')) delete claims.acr;

  let out;
  if (activeModes.has('alg_none')) {
    out = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${
      Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  } else if (activeModes.has('hs256')) {
    const secret = secrets.get(Array.isArray(claims.aud) ? claims.aud[0] : claims.aud) || 'secret';
    out = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(secret));
  } else if (activeModes.has('hs256_public_key')) {
    const jwk = currentSigningJwk();
    const pem = createPublicKey({ key: publicJwk(jwk), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    out = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' })
      .sign(new TextEncoder().encode(pem));
  } else {
    out = await sign(claims, currentSigningJwk());
  }
  if (activeModes.has('bad_signature') && !activeModes.has('alg_none')) out = tamper(out);
  return out;
}

async function rewriteUserinfo(jwt) {
  const claims = b64uJson(jwt.split('.')[1]);
  if (activeModes.has('userinfo_sub_mismatch')) {
    claims.sub = `${createHash('sha256').update(`other:${claims.sub}`).digest('hex')}v1`;
  }
  if (activeModes.has('userinfo_wrong_iss')) claims.iss = 'http://localhost:1/api/v2';
  if (activeModes.has('userinfo_unsigned')) {
    const { iss, aud, iat, exp, ...plain } = claims;
    return { body: JSON.stringify(plain), type: 'application/json; charset=utf-8' };
  }
  let out = await sign(claims, currentSigningJwk());
  if (activeModes.has('userinfo_bad_signature')) out = tamper(out);
  return { body: out, type: 'application/jwt; charset=utf-8' };
}

// Buffers what the provider writes to `res`, lets `transform` replace it, then sends it.
function captureResponse(res, transform) {
  const chunks = [];
  const origEnd = res.end.bind(res);
  res.write = (chunk, enc, cb) => {
    if (typeof enc === 'function') { cb = enc; enc = undefined; }
    if (chunk) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, enc));
    if (cb) process.nextTick(cb);
    return true;
  };
  res.end = (chunk, enc, cb) => {
    if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
    if (typeof enc === 'function') { cb = enc; enc = undefined; }
    if (chunk) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, enc));
    const body = Buffer.concat(chunks);
    Promise.resolve()
      .then(() => transform(body))
      .catch((err) => { log('rewrite_failed', { error: String(err) }); return undefined; })
      .then((out) => {
        if (out === undefined || res.headersSent) return origEnd(body, cb);
        if (out.type) res.setHeader('content-type', out.type);
        res.setHeader('content-length', Buffer.byteLength(out.body));
        return origEnd(out.body, cb);
      });
    return res;
  };
}

function rewriteLocation(location) {
  if (!location || !/[?&#](code|error)=/.test(location)) return location;
  const url = new URL(location);
  const params = url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
  if (activeModes.has('callback_wrong_iss')) params.set('iss', 'http://localhost:1/api/v2');
  if (activeModes.has('callback_no_iss')) params.delete('iss');
  if (activeModes.has('callback_extra_params')) {
    params.set('idp_hint', 'impots.gouv.fr');
    params.set('unexpected', 'valeur-inattendue');
  }
  if (url.hash) url.hash = params.toString();
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// HTTP server: the port must be known before the provider (its issuer carries it).
let provider;
let providerCallback;
const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    log('request_failed', { url: req.url, error: String(err?.stack || err) });
    if (!res.headersSent) {
      send(res, 500, page('Erreur', `<h1>Erreur interne du simulateur</h1><p>${html(err?.message)}</p>`));
    } else {
      res.destroy();
    }
  });
});
const port = Number(process.env.FC_PORT ?? 8090);
const host = process.env.FC_HOST || '127.0.0.1';
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, host, resolve);
});
const boundPort = server.address().port;
const issuer = process.env.FC_ISSUER || `http://localhost:${boundPort}${MOUNT}`;

// ---------------------------------------------------------------------------------------------
// The provider.
const scopeClaims = {
  given_name: ['given_name'],
  family_name: ['family_name'],
  birthdate: ['birthdate'],
  gender: ['gender'],
  birthplace: ['birthplace'],
  birthcountry: ['birthcountry'],
  email: ['email'],
  preferred_username: ['preferred_username'],
  profile: ['given_name', 'family_name', 'birthdate', 'gender', 'preferred_username'],
  birth: ['birthplace', 'birthcountry'],
  identite_pivot: PIVOT,
};

const configuration = {
  clients,
  jwks: { keys: signingKeys },
  cookies: {
    keys: (process.env.FC_COOKIE_KEYS || randomBytes(32).toString('hex')).split(','),
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  claims: { acr: null, amr: null, auth_time: null, iss: null, sid: null, openid: ['sub'], ...scopeClaims },
  scopes: ['openid', ...Object.keys(scopeClaims)],
  acrValues: ['eidas1', 'eidas2', 'eidas3'],
  responseTypes: ['code'],
  subjectTypes: ['pairwise'],
  pairwiseIdentifier: async (ctx, accountId, client) => pairwiseSub(accountId, client.clientId),
  clientAuthMethods: ['client_secret_post', 'private_key_jwt'],
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
    userinfo_signed_response_alg: 'ES256',
    subject_type: 'pairwise',
    token_endpoint_auth_method: 'client_secret_post',
    default_acr_values: ['eidas1'], // FranceConnect always sends acr
  },
  enabledJWA: {
    idTokenSigningAlgValues: rsKey ? ['ES256', 'RS256'] : ['ES256'],
    userinfoSigningAlgValues: rsKey ? ['ES256', 'RS256'] : ['ES256'],
    clientAuthSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
  },
  pkce: { required: () => false },
  allowOmittingSingleRegisteredRedirectUri: false,
  conformIdTokenClaims: true,
  ttl: {
    AuthorizationCode: 30,
    AccessToken: 60,
    IdToken: 60,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    end_session: '/session/end',
    jwks: '/jwks',
  },
  features: {
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    jwtUserinfo: { enabled: true },
    userinfo: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    dPoP: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // No confirmation click: the form submits itself (ending the FranceConnect session).
      logoutSource: async (ctx, form) => {
        ctx.type = 'html';
        ctx.body = page('Déconnexion', `<h1>Déconnexion de FranceConnect…</h1>
${form}
<noscript><p>Cliquez pour terminer la déconnexion.</p></noscript>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>
<script>
(function () {
  var f = document.getElementById('op.logoutForm');
  var i = document.createElement('input');
  i.type = 'hidden'; i.name = 'logout'; i.value = 'yes';
  f.appendChild(i);
  f.submit();
})();
</script>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = page('Déconnecté', '<h1>Vous êtes déconnecté de FranceConnect.</h1>');
      },
    },
  },
  interactions: {
    url: (ctx, interaction) => `${MOUNT}/interaction/${interaction.uid}`,
  },
  findAccount: async (ctx, id) => {
    const identity = identities.get(id);
    if (!identity) return undefined;
    return {
      accountId: id,
      claims: async () => ({
        sub: id,
        given_name: identity.given_name,
        family_name: identity.family_name,
        birthdate: identity.birthdate,
        gender: identity.gender,
        birthplace: identity.birthplace,
        birthcountry: identity.birthcountry,
        email: identity.email,
        preferred_username: identity.preferred_username,
      }),
    };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<h1>Une erreur est survenue</h1>
<p>Code : <code>${html(out.error)}</code></p>
<p>${html(out.error_description)}</p>`);
  },
  discovery: {
    service_documentation: 'https://docs.partenaires.franceconnect.gouv.fr/',
    ui_locales_supported: ['fr'],
  },
};

provider = new Provider(issuer, configuration);
provider.proxy = process.env.FC_TRUST_PROXY === '1';
provider.on('server_error', (ctx, err) => log('server_error', { error: String(err?.stack || err) }));
provider.on('grant.error', (ctx, err) => log('grant_error', { error: String(err), description: err.error_description }));
provider.on('authorization.error', (ctx, err) => log('authorization_error', { error: String(err), description: err.error_description }));
providerCallback = provider.callback();

// ---------------------------------------------------------------------------------------------
// Interactions: pick a test identity, then consent is given automatically.
async function grantFor(details, accountId) {
  const { params } = details;
  let grant;
  if (details.grantId) grant = await provider.Grant.find(details.grantId);
  if (!grant || grant.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  const known = new Set(configuration.scopes);
  const scopes = String(params.scope || '').split(' ').filter((s) => known.has(s));
  grant.addOIDCScope(scopes.join(' '));
  if (params.claims) {
    try {
      const requested = JSON.parse(params.claims);
      const names = [...Object.keys(requested.id_token || {}), ...Object.keys(requested.userinfo || {})];
      if (names.length) grant.addOIDCClaims(names);
    } catch { /* the provider already rejected malformed claims */ }
  }
  const missing = details.prompt?.details?.missingOIDCClaims;
  if (missing?.length) grant.addOIDCClaims(missing);
  return grant.save();
}

async function interaction(req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return send(res, 400, page('Session expirée', `<h1>Cette demande de connexion a expiré</h1>
<p>Revenez sur le service et recommencez.</p>`));
  }
  if (details.uid !== uid) return send(res, 400, page('Erreur', '<h1>Demande inconnue</h1>'));
  const { prompt, params } = details;

  if (activeModes.has('access_denied') || action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'User auth aborted',
    }, { mergeWithLastSubmission: false });
  }

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'consent') {
      const grantId = await grantFor(details, details.session.accountId);
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    const client = await provider.Client.find(params.client_id);
    const buttons = [...identities.values()].map((i) => `<li><button type="submit" name="login" value="${html(i.login)}">${
      html(i.given_name)} ${html(i.family_name)} (${html(i.login)})<br><small>${html(i.label || '')} — né(e) le ${
      html(i.birthdate)}, ${i.birthplace ? `commune ${html(i.birthplace)}` : `pays ${html(i.birthcountry)}`}</small></button></li>`).join('\n');
    return send(res, 200, page('Connexion', `<h1>Choisissez une identité de test</h1>
<p class="warn">Simulateur : aucune donnée réelle. Le service <strong>${html(client?.clientName || params.client_id)}</strong>
demande : <code>${html(params.scope)}</code>${params.acr_values ? ` (niveau <code>${html(params.acr_values)}</code>)` : ''}.</p>
<form method="post" action="${MOUNT}/interaction/${html(uid)}/login">
<ul class="ids">
${buttons}
</ul>
</form>
<form method="post" action="${MOUNT}/interaction/${html(uid)}/abort">
<button type="submit" class="secondary">Annuler et revenir au service</button>
</form>`));
  }

  if (req.method === 'POST' && action === 'login') {
    const form = new URLSearchParams(await readBody(req));
    const login = form.get('login');
    if (!identities.has(login)) {
      return send(res, 400, page('Erreur', `<h1>Identité inconnue</h1><p>${html(login)}</p>`));
    }
    const grantId = await grantFor(details, login);
    return provider.interactionFinished(req, res, {
      login: { accountId: login, acr: acrFor(params), amr: ['pwd'], remember: true },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
  }
  return send(res, 405, page('Erreur', '<h1>Méthode non permise</h1>'), undefined, { allow: 'GET, POST' });
}

// ---------------------------------------------------------------------------------------------
// Admin endpoints for the tests.
async function admin(req, res, path) {
  const json = (status, value) => send(res, status, JSON.stringify(value), 'application/json');
  try {
    if (path === '/__test/mode' && req.method === 'GET') {
      return json(200, { modes: [...activeModes], supported: MODES });
    }
    if (path === '/__test/mode' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}');
      setModes(Array.isArray(body.modes) ? body.modes : [body.mode].filter(Boolean));
      log('modes', { modes: [...activeModes] });
      return json(200, { modes: [...activeModes] });
    }
    if (path === '/__test/rotate-keys' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}');
      const jwk = await newKey('ES256');
      rotatedKeys.push(jwk);
      dropOriginalKeys = Boolean(body.drop_old);
      return json(200, { kid: jwk.kid, published: publishedKeys().map((k) => k.kid) });
    }
    if (path === '/__test/reset' && req.method === 'POST') {
      activeModes.clear();
      rotatedKeys.length = 0;
      dropOriginalKeys = false;
      return json(200, { modes: [], published: publishedKeys().map((k) => k.kid) });
    }
    if (path === '/__test/identities' && req.method === 'GET') {
      return json(200, { identities: [...identities.values()] });
    }
    const m = /^\/__test\/identities\/([^/]+)$/.exec(path);
    if (m && req.method === 'POST') {
      const login = decodeURIComponent(m[1]);
      const current = identities.get(login);
      if (!current) return json(404, { error: 'unknown identity' });
      const patch = JSON.parse((await readBody(req)) || '{}');
      delete patch.login;
      identities.set(login, { ...current, ...patch });
      return json(200, identities.get(login));
    }
    return json(404, { error: 'not found' });
  } catch (err) {
    return json(400, { error: String(err.message || err) });
  }
}

function publishedKeys() {
  const base = dropOriginalKeys ? [] : signingKeys;
  return [...rotatedKeys.slice().reverse(), ...base].map(publicJwk);
}

// ---------------------------------------------------------------------------------------------
// Dispatch.
async function handle(req, res) {
  const url = new URL(req.url, 'http://internal');
  const path = url.pathname;

  if (path.startsWith('/__test/') && process.env.FC_ADMIN !== '0') return admin(req, res, path);

  const im = new RegExp(`^${MOUNT}/interaction/([A-Za-z0-9_-]+)(?:/(login|abort))?$`).exec(path);
  if (im) return interaction(req, res, im[1], im[2]);

  if (path === '/' || path === '') {
    return send(res, 200, page('Accueil', `<h1>Simulateur FranceConnect v2</h1>
<p>Émetteur : <code>${html(issuer)}</code></p>
<p>Découverte : <a href="${MOUNT}/.well-known/openid-configuration">${MOUNT}/.well-known/openid-configuration</a></p>`));
  }

  if (path !== MOUNT && !path.startsWith(`${MOUNT}/`)) {
    return send(res, 404, page('Introuvable', '<h1>Page introuvable</h1>'));
  }
  const inner = path.slice(MOUNT.length) || '/';

  // FranceConnect requires state and nonce on the authorization request.
  if (inner === '/authorize' && req.method === 'GET') {
    const min = Number(process.env.FC_MIN_STATE_LENGTH || 22);
    for (const name of ['state', 'nonce']) {
      const value = url.searchParams.get(name);
      if (!value || value.length < min) {
        log('authorization_rejected', { reason: `${name} missing or shorter than ${min}` });
        return send(res, 400, page('Erreur', `<h1>Une erreur est survenue</h1>
<p>Code : <code>invalid_request</code></p>
<p>Le paramètre <code>${name}</code> est obligatoire et doit compter au moins ${min} caractères.</p>`));
      }
    }
  }

  // An ID token signed with a rotated key comes back as id_token_hint: the provider only knows
  // its original keys, so check it with the rotated key and hand it over re-signed.
  if (inner === '/session/end' && url.searchParams.get('id_token_hint') && rotatedKeys.length) {
    const hint = url.searchParams.get('id_token_hint');
    let kid;
    try { ({ kid } = jose.decodeProtectedHeader(hint)); } catch { /* the provider rejects it */ }
    const jwk = rotatedKeys.find((k) => k.kid === kid);
    if (jwk) {
      const { payload } = await jose.compactVerify(hint, await jose.importJWK(publicJwk(jwk), jwk.alg));
      url.searchParams.set('id_token_hint', await sign(JSON.parse(Buffer.from(payload).toString('utf8')), esKey));
      req.url = `${url.pathname}${url.search}`;
    }
  }

  if (inner === '/jwks' && (rotatedKeys.length || dropOriginalKeys)) {
    return send(res, 200, JSON.stringify({ keys: publishedKeys() }), 'application/jwk-set+json; charset=utf-8');
  }

  if (inner === '/token' && req.method === 'POST') {
    captureResponse(res, async (body) => {
      if (res.statusCode !== 200) return undefined;
      const json = JSON.parse(body.toString('utf8'));
      if (!json.id_token) return undefined;
      const rewritten = await rewriteIdToken(json.id_token);
      if (rewritten === json.id_token) return undefined;
      json.id_token = rewritten;
      return { body: JSON.stringify(json) };
    });
  }

  if (inner === '/userinfo') {
    captureResponse(res, async (body) => {
      if (res.statusCode !== 200) return undefined;
      const type = String(res.getHeader('content-type') || '');
      if (!type.startsWith('application/jwt')) return undefined;
      const needed = rotatedKeys.length || USERINFO_MODES.some((m) => activeModes.has(m));
      if (!needed) return undefined;
      return rewriteUserinfo(body.toString('utf8'));
    });
  }

  if (inner.startsWith('/authorize')) {
    const origSetHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => {
      if (String(name).toLowerCase() === 'location' && activeModes.size) {
        return origSetHeader(name, rewriteLocation(String(value)));
      }
      return origSetHeader(name, value);
    };
  }

  req.originalUrl = req.url;
  req.url = req.url.slice(MOUNT.length) || '/';
  return providerCallback(req, res);
}

process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${boundPort}`, issuer })}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
