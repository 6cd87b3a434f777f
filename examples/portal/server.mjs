// Demo caf.fr portal: a relying party of Caf Connect (or of any OpenID provider found by
// discovery), used by the run command and the end-to-end tests. French pages, node:http only,
// npm `openid-client` v6 for the protocol.
//
// Environment:
//   PORTAL_PORT          port (0: any free port; default 3000)
//   PORTAL_HOST          address to bind (default 127.0.0.1)
//   PORTAL_ISSUER        the provider's issuer, e.g. http://localhost:8080 (required)
//   PORTAL_CLIENT_ID     default caf-portal
//   PORTAL_CLIENT_SECRET the client secret (optional: without it the portal is a public client)
//   PORTAL_BASE_URL      the portal's own public URL (default http://localhost:<port>)
//   PORTAL_SCOPE         default "openid profile email phone caf_dossier"
//   PORTAL_CLIENT_AUTH   client_secret_basic (default) or client_secret_post
//   PORTAL_ACR_VALUES    acr_values to send (optional)
//   PORTAL_VERIFY_SIGNATURES "0" to skip checking ID token / userinfo JWT signatures on the JWKS
//   PORTAL_COOKIE_SECRET key of the session cookie signature (default: random at start)
//
// Pages: /  /login[?prompt=create|login|consent|none&login_hint=…&max_age=…&acr_values=…]
//        /callback  /compte  /logout
// Back channel: POST /backchannel-logout (OpenID Connect Back-Channel Logout 1.0): a valid
// logout_token ends the portal sessions of its `sid` (or of its `sub` when it names no session).
// Prints one line on stdout when ready: {"event":"listening","url":"http://127.0.0.1:PORT"}

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuerUrl = process.env.PORTAL_ISSUER;
if (!issuerUrl) {
  process.stderr.write('PORTAL_ISSUER is required (for example http://localhost:8080)\n');
  process.exit(2);
}
const clientId = process.env.PORTAL_CLIENT_ID || 'caf-portal';
const clientSecret = process.env.PORTAL_CLIENT_SECRET;
const scope = process.env.PORTAL_SCOPE || 'openid profile email phone caf_dossier';
const clientAuth = process.env.PORTAL_CLIENT_AUTH || 'client_secret_basic';
const cookieSecret = process.env.PORTAL_COOKIE_SECRET || randomBytes(32).toString('hex');
const verifySignatures = process.env.PORTAL_VERIFY_SIGNATURES !== '0';
const SESSION_TTL_MS = 60 * 60 * 1000;
const COOKIE = 'caf_portal_sid';

// ---------------------------------------------------------------------------------------------
// Provider configuration, discovered lazily and retried (the portal may start before it).
const requestContext = new AsyncLocalStorage();
let configPromise;

function recordingFetch(url, options) {
  return fetch(url, options).then((response) => {
    const ctx = requestContext.getStore();
    if (ctx) ctx.responses.push({ url: String(url), status: response.status, type: response.headers.get('content-type') });
    return response;
  });
}

async function discover() {
  const http = issuerUrl.startsWith('http://');
  let auth;
  if (!clientSecret) auth = client.None();
  else if (clientAuth === 'client_secret_post') auth = client.ClientSecretPost(clientSecret);
  else if (clientAuth === 'client_secret_basic') auth = client.ClientSecretBasic(clientSecret);
  else throw new Error(`unsupported PORTAL_CLIENT_AUTH ${clientAuth}`);
  const config = await client.discovery(new URL(issuerUrl), clientId, clientSecret ? { client_secret: clientSecret } : {}, auth, {
    execute: http ? [client.allowInsecureRequests] : [],
    [client.customFetch]: recordingFetch,
    timeout: 10,
  });
  if (verifySignatures) client.enableNonRepudiationChecks(config);
  return config;
}

async function getConfig() {
  for (let attempt = 0; ; attempt += 1) {
    configPromise ||= discover();
    try {
      return await configPromise;
    } catch (err) {
      configPromise = undefined;
      if (attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions: in memory, random id in a signed HttpOnly cookie.
const sessions = new Map();
function sign(value) {
  return createHmac('sha256', cookieSecret).update(value).digest('base64url');
}
function parseCookies(header) {
  const out = {};
  for (const part of String(header || '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
function getSession(req) {
  const raw = parseCookies(req.headers.cookie)[COOKIE];
  if (!raw) return undefined;
  const [id, mac] = raw.split('.');
  if (!id || !mac) return undefined;
  const expected = Buffer.from(sign(id));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  const s = sessions.get(id);
  if (!s || s.expires < Date.now()) {
    sessions.delete(id);
    return undefined;
  }
  return s;
}
function newSession(res, secure) {
  const id = randomBytes(32).toString('base64url');
  const s = { id, expires: Date.now() + SESSION_TTL_MS, data: {} };
  sessions.set(id, s);
  res.setHeader('set-cookie', `${COOKIE}=${id}.${sign(id)}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  return s;
}
setInterval(() => {
  const now = Date.now();
  for (const [id, s] of sessions) if (s.expires < now) sessions.delete(id);
}, 60_000).unref();

// ---------------------------------------------------------------------------------------------
// Pages.
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
<title>${html(title)} — Caf.fr (démonstration)</title>
<style>
body{font-family:Arial,sans-serif;margin:0;background:#f4f6fa;color:#1e1e1e}
header{background:#0a4f8f;color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:bold;font-size:1.3em}
main{max-width:860px;margin:24px auto;background:#fff;padding:24px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
button{background:#0a4f8f;color:#fff;border:0;border-radius:4px;padding:10px 18px;font-size:1em;cursor:pointer;margin:4px 0}
button.secondary{background:#fff;color:#0a4f8f;border:1px solid #0a4f8f}
table{border-collapse:collapse;width:100%;margin:8px 0 20px}
th,td{border:1px solid #d0d7e2;padding:6px 8px;text-align:left;vertical-align:top;font-size:.92em}
th{background:#eef2f8;width:30%}
td pre{margin:0;white-space:pre-wrap;word-break:break-all}
.error{background:#fdecea;border-left:4px solid #c62828;padding:10px 14px}
.info{background:#e8f4fd;border-left:4px solid #0a4f8f;padding:10px 14px}
.inline{display:inline-block;margin-right:8px}
</style>
</head>
<body>
<header><a href="/">Caf.fr — Mon Compte</a><span>Portail de démonstration</span></header>
<main>
${body}
</main>
</body>
</html>`;
}
function send(res, status, body, extra = {}) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}
function redirect(res, location) {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}
function errorPage(res, status, title, message, details) {
  return send(res, status, page(title, `<h1>${html(title)}</h1>
<div class="error" role="alert"><p>${html(message)}</p>${details ? `<p><small>${html(details)}</small></p>` : ''}</div>
<p><a href="/">Retour à l'accueil</a></p>`));
}
function claimsTable(claims, caption) {
  const rows = Object.entries(claims || {}).map(([k, v]) => `<tr><th scope="row">${html(k)}</th><td><pre>${
    html(typeof v === 'string' ? v : JSON.stringify(v, null, 2))}</pre></td></tr>`).join('\n');
  return `<table aria-label="${html(caption)}"><caption style="text-align:left;font-weight:bold;padding:4px 0">${html(caption)}</caption>
<tbody>
${rows}
</tbody></table>`;
}
function decodeHeader(jwt) {
  try {
    return JSON.parse(Buffer.from(String(jwt).split('.')[0], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The household (claim caf_dossier, SPEC.md §7): the portal enforces what Caf Connect states.
const ROLE_LABELS = {
  allocataire: 'Responsable du dossier (allocataire)',
  conjoint: 'Conjoint(e)',
  enfant: 'Enfant',
  autre: 'Autre personne du foyer',
};
const PERMISSION_SENTENCES = {
  'dossier.read': 'Vous pouvez consulter les données du dossier',
  'payments.read': 'Vous pouvez consulter les droits et les paiements',
  'mail.read': 'Vous pouvez consulter les courriers et courriels du dossier',
  'changes.declare': 'Vous pouvez déclarer des changements',
  'dossier.procedures': 'Vous pouvez réaliser les démarches en ligne',
  'request.benefits': 'Vous pouvez simuler ou demander une prestation',
  'request.aah': "Vous pouvez demander l'AAH",
  'request.ajpa': "Vous pouvez demander l'AJPA",
  'request.bafa': "Vous pouvez demander l'aide au BAFA",
  'request.pala': 'Vous pouvez demander le PALA',
  'separation.declare': 'Vous pouvez déclarer une séparation',
  'mail.send': 'Vous pouvez écrire à votre Caf par courriel',
  'contact_caf.phone_visit': "Vous pouvez contacter votre Caf par téléphone ou dans un point d'accueil",
  'own_data.read': 'Vous pouvez consulter vos données personnelles',
  'own_contact.update': 'Vous pouvez modifier vos coordonnées de contact et votre mot de passe',
  'delegation.manage': 'Vous pouvez gérer les autorisations de votre conjoint(e)',
};

function delegationSentence(d) {
  if (d.role === 'allocataire' && d.spouse_name) {
    return d.delegation ? `Vous autorisez ${d.spouse_name} à gérer votre dossier`
      : `Vous n'autorisez pas ${d.spouse_name} à gérer votre dossier`;
  }
  if (d.role === 'conjoint') {
    return d.delegation ? `${d.allocataire_name || 'Le responsable du dossier'} vous autorise à gérer le dossier`
      : `Vous n'avez pas de délégation de gestion du dossier${d.allocataire_name ? ` : ${d.allocataire_name} ne vous a pas autorisé(e) à le gérer` : ''}`;
  }
  return '';
}

function dossierSection(d) {
  if (!d) return '<h2>Mon dossier</h2><p id="dossier-none">Vous n\'êtes rattaché(e) à aucun dossier Caf.</p>';
  const sentence = delegationSentence(d);
  const items = (d.permissions || []).map((p) => `<li data-permission="${html(p)}">${html(PERMISSION_SENTENCES[p] || p)}</li>`).join('\n');
  return `<h2>Mon dossier</h2>
<p>Dossier n° <strong id="dossier-numero">${html(d.numero)}</strong> — <span id="dossier-role">${html(ROLE_LABELS[d.role] || d.role)}</span></p>
${sentence ? `<p id="dossier-delegation">${html(sentence)}</p>` : ''}
<ul id="dossier-permissions">
${items}
</ul>
<form method="post" action="/compte/actualiser"><button type="submit" class="secondary">Actualiser mes droits</button></form>`;
}

// ---------------------------------------------------------------------------------------------
// Routes.
let baseUrl;

function home(req, res, url) {
  const session = getSession(req);
  let notice = '';
  const returnedState = url.searchParams.get('state');
  if (returnedState !== null) {
    if (session?.data.logoutState && returnedState === session.data.logoutState) {
      notice = '<p class="info" role="status">Vous êtes déconnecté.</p>';
      delete session.data.logoutState;
    } else {
      notice = '<p class="error" role="alert">Retour de déconnexion inattendu (state inconnu).</p>';
    }
  }
  const connected = session?.data.user;
  return send(res, 200, page('Accueil', `${notice}
<h1>Caf.fr — Mon Compte</h1>
<p>Bienvenue sur le portail de démonstration des allocations familiales. Connectez-vous pour consulter votre dossier.</p>
${connected ? `<p>Vous êtes connecté. <a href="/compte">Voir mon compte</a></p>` : ''}
<form method="get" action="/login" class="inline"><button type="submit">Mon Compte</button></form>
<form method="get" action="/login" class="inline"><input type="hidden" name="prompt" value="create"><button type="submit" class="secondary">Créer un compte</button></form>`));
}

async function login(req, res, url) {
  let config;
  try {
    config = await getConfig();
  } catch (err) {
    return errorPage(res, 503, 'Service indisponible', 'Le service de connexion est momentanément indisponible. Réessayez dans quelques instants.', String(err?.message || err));
  }
  const session = getSession(req) || newSession(res, baseUrl.startsWith('https:'));
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  session.data.pending = { codeVerifier, state, nonce, at: Date.now() };
  const params = {
    redirect_uri: `${baseUrl}/callback`,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  if (process.env.PORTAL_ACR_VALUES) params.acr_values = process.env.PORTAL_ACR_VALUES;
  const prompt = url.searchParams.get('prompt');
  if (prompt && ['create', 'login', 'consent', 'none', 'select_account'].includes(prompt)) params.prompt = prompt;
  for (const name of ['login_hint', 'max_age', 'acr_values', 'ui_locales']) {
    const v = url.searchParams.get(name);
    if (v) params[name] = v;
  }
  return redirect(res, client.buildAuthorizationUrl(config, params).href);
}

async function callback(req, res, url) {
  const session = getSession(req);
  const pending = session?.data.pending;
  const error = url.searchParams.get('error');
  if (error) {
    if (session) delete session.data.pending;
    const known = {
      access_denied: 'Vous avez annulé la connexion ou l\'accès a été refusé.',
      login_required: 'Vous devez vous connecter.',
      consent_required: 'Votre consentement est nécessaire.',
      interaction_required: 'Une action de votre part est nécessaire.',
    };
    return errorPage(res, 400, 'La connexion a échoué', known[error] || 'Le fournisseur d\'identité a renvoyé une erreur.',
      `${error}${url.searchParams.get('error_description') ? ` : ${url.searchParams.get('error_description')}` : ''}`);
  }
  if (!pending) {
    return errorPage(res, 400, 'Session expirée', 'Votre demande de connexion a expiré ou n\'a pas été faite depuis ce navigateur. Recommencez.');
  }
  delete session.data.pending; // single use
  const ctx = { responses: [] };
  try {
    const config = await getConfig();
    await requestContext.run(ctx, async () => {
      const currentUrl = new URL(`${url.pathname}${url.search}`, baseUrl);
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      let userinfo;
      let userinfoError;
      try {
        userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      } catch (err) {
        userinfoError = `${err?.code || ''} ${err?.message || err}`.trim();
      }
      const uiResponse = ctx.responses.find((r) => r.url === config.serverMetadata().userinfo_endpoint);
      session.data.user = {
        idToken: tokens.id_token,
        idTokenHeader: decodeHeader(tokens.id_token),
        claims,
        userinfo,
        userinfoError,
        userinfoType: uiResponse?.type,
        scope: tokens.scope,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
      };
    });
  } catch (err) {
    return errorPage(res, 400, 'La connexion a échoué', 'La réponse du fournisseur d\'identité n\'a pas pu être validée.',
      `${err?.code || err?.error || ''} ${err?.error_description || err?.message || err}`.trim());
  }
  return redirect(res, '/compte');
}

function account(req, res) {
  const user = getSession(req)?.data.user;
  if (!user) return redirect(res, '/');
  const c = user.claims;
  const name = [user.userinfo?.given_name ?? c.given_name, user.userinfo?.family_name ?? c.family_name].filter(Boolean).join(' ');
  return send(res, 200, page('Mon compte', `<h1>Bonjour ${html(name || c.sub)}</h1>
<p>Vous êtes connecté au portail de démonstration.</p>
<form method="post" action="/logout"><button type="submit">Déconnexion</button></form>
${dossierSection(user.userinfo?.caf_dossier ?? c.caf_dossier)}
<h2>Jeton d'identité</h2>
<p>Algorithme : <code id="id-token-alg">${html(user.idTokenHeader?.alg)}</code>, clé <code>${html(user.idTokenHeader?.kid)}</code></p>
${claimsTable(c, 'Revendications du jeton d\'identité')}
<h2>Informations utilisateur (userinfo)</h2>
<p>Format de la réponse : <code id="userinfo-type">${html(user.userinfoType || 'inconnu')}</code></p>
${user.userinfoError ? `<p class="error" role="alert">Userinfo indisponible : ${html(user.userinfoError)}</p>` : claimsTable(user.userinfo, 'Revendications userinfo')}
<p><small>Portées accordées : <code>${html(user.scope)}</code></small></p>`));
}

// "Actualiser mes droits": a refresh token grant when there is one (new ID token claims), then
// userinfo again, so a change of delegation shows without logging in again.
async function refreshRights(req, res) {
  const user = getSession(req)?.data.user;
  if (!user) return redirect(res, '/');
  const ctx = { responses: [] };
  try {
    const config = await getConfig();
    await requestContext.run(ctx, async () => {
      if (user.refreshToken) {
        const tokens = await client.refreshTokenGrant(config, user.refreshToken);
        user.accessToken = tokens.access_token;
        user.refreshToken = tokens.refresh_token ?? user.refreshToken;
        if (tokens.id_token) {
          user.idToken = tokens.id_token;
          user.claims = tokens.claims();
        }
      }
      user.userinfo = await client.fetchUserInfo(config, user.accessToken, user.claims.sub);
      delete user.userinfoError;
    });
  } catch (err) {
    user.userinfoError = `${err?.code || ''} ${err?.message || err}`.trim();
  }
  return redirect(res, '/compte');
}

async function logout(req, res) {
  const session = getSession(req);
  const user = session?.data.user;
  if (!session || !user) return redirect(res, '/');
  delete session.data.user;
  let config;
  try {
    config = await getConfig();
  } catch {
    return redirect(res, '/');
  }
  if (!config.serverMetadata().end_session_endpoint) return redirect(res, '/');
  const state = client.randomState();
  session.data.logoutState = state;
  return redirect(res, client.buildEndSessionUrl(config, {
    id_token_hint: user.idToken,
    post_logout_redirect_uri: `${baseUrl}/`,
    state,
  }).href);
}

// ---------------------------------------------------------------------------------------------
// Back-channel logout (§2.6 of the specification): the token's signature on the provider's JWKS,
// iss, aud, iat, the logout event, a sid or a sub, no nonce, and a jti seen once.
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const seenLogoutJtis = new Map(); // jti -> expiry (ms)
let remoteJwks;

function readBody(req, limit = 16 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function backchannelAnswer(res, status, error, description) {
  const body = error ? JSON.stringify({ error, error_description: description }) : '';
  res.writeHead(status, { 'cache-control': 'no-store', ...(error ? { 'content-type': 'application/json' } : {}),
    'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function backchannelLogout(req, res) {
  let token;
  try {
    token = new URLSearchParams(await readBody(req)).get('logout_token');
  } catch {
    return backchannelAnswer(res, 400, 'invalid_request', 'unreadable body');
  }
  if (!token) return backchannelAnswer(res, 400, 'invalid_request', 'logout_token is missing');
  let payload;
  try {
    const config = await getConfig();
    const metadata = config.serverMetadata();
    remoteJwks ||= createRemoteJWKSet(new URL(metadata.jwks_uri));
    ({ payload } = await jwtVerify(token, remoteJwks, {
      issuer: metadata.issuer, audience: clientId, typ: 'logout+jwt', requiredClaims: ['iat', 'jti'], maxTokenAge: '5m',
    }));
  } catch (err) {
    return backchannelAnswer(res, 400, 'invalid_request', `logout_token rejected: ${err?.code || err?.message || err}`);
  }
  if (!payload.events || typeof payload.events[BACKCHANNEL_EVENT] !== 'object') {
    return backchannelAnswer(res, 400, 'invalid_request', 'not a back-channel logout event');
  }
  if ('nonce' in payload) return backchannelAnswer(res, 400, 'invalid_request', 'a logout token has no nonce');
  if (!payload.sid && !payload.sub) return backchannelAnswer(res, 400, 'invalid_request', 'neither sid nor sub');
  const now = Date.now();
  for (const [jti, expiry] of seenLogoutJtis) if (expiry < now) seenLogoutJtis.delete(jti);
  if (seenLogoutJtis.has(payload.jti)) return backchannelAnswer(res, 400, 'invalid_request', 'logout_token replayed');
  seenLogoutJtis.set(payload.jti, now + 10 * 60 * 1000);
  let ended = 0;
  for (const session of sessions.values()) {
    const claims = session.data.user?.claims;
    if (!claims) continue;
    if (payload.sid ? claims.sid === payload.sid : claims.sub === payload.sub) {
      delete session.data.user;
      ended += 1;
    }
  }
  process.stdout.write(`${JSON.stringify({ event: 'backchannel_logout', sessions_ended: ended })}\n`);
  return backchannelAnswer(res, 200);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://internal');
  switch (`${req.method} ${url.pathname}`) {
    case 'GET /': return home(req, res, url);
    case 'GET /login': return login(req, res, url);
    case 'GET /callback':
    case 'POST /callback': return callback(req, res, url);
    case 'GET /compte': return account(req, res);
    case 'POST /compte/actualiser': return refreshRights(req, res);
    case 'GET /logout':
    case 'POST /logout': return logout(req, res);
    case 'POST /backchannel-logout': return backchannelLogout(req, res);
    case 'GET /healthz': res.writeHead(200, { 'content-type': 'text/plain' }); return res.end('ok');
    default: return errorPage(res, 404, 'Page introuvable', 'Cette page n\'existe pas.');
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`${JSON.stringify({ event: 'request_failed', url: req.url, error: String(err?.stack || err) })}\n`);
    if (!res.headersSent) errorPage(res, 500, 'Erreur', 'Une erreur inattendue est survenue.');
    else res.destroy();
  });
});
const port = Number(process.env.PORTAL_PORT ?? 3000);
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, process.env.PORTAL_HOST || '127.0.0.1', resolve);
});
const boundPort = server.address().port;
baseUrl = (process.env.PORTAL_BASE_URL || `http://localhost:${boundPort}`).replace(/\/+$/, '');
process.stdout.write(`${JSON.stringify({ event: 'listening', url: `http://127.0.0.1:${boundPort}` })}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
