// A partner of Caf Connect in both roles it can take, with npm `openid-client` v6 and `jose`:
//
// - a caller of a CAF API: an access token by client_credentials, authenticated with
//   private_key_jwt (RFC 7523; its key pair made by `keys`, the public half registered as the
//   client's jwks_file), for one API named with `resource` (RFC 8707);
// - that API, a resource server: every call's bearer token is checked at Caf Connect's
//   introspection endpoint (RFC 7662) with the resource server's own credentials; it answers
//   only to a token that is active, for its audience, with the scope it needs.
//
//   node examples/partner-api/partner.mjs keys var/partner-api          # key pair: .key.json (keep it secret), .jwks.json (register it)
//   node examples/partner-api/partner.mjs serve --issuer http://localhost:8080 --port 4000 \
//     --client-id partner-demo --client-secret partner-demo-dev-secret --resource https://api.caf.fr/droits
//   node examples/partner-api/partner.mjs call --issuer http://localhost:8080 --client-id partner-api-demo \
//     --key var/partner-api.key.json --resource https://api.caf.fr/droits --api http://localhost:4000/droits
//
// As a module: generatePartnerKey(), startResourceServer({...}), callApi({...}).

import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import * as jose from 'jose';
import * as client from 'openid-client';

/** An ES256 key pair: the private JWK (kept by the partner) and the public JWKS (registered). */
export async function generatePartnerKey() {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { privateJwk, jwks: { keys: [publicJwk] } };
}

function insecureForLoopback(issuer) {
  return new URL(issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [];
}

/**
 * The caller: a client_credentials token for `resource` (private_key_jwt), then GET `api` with it.
 * Resolves with the token response and the API's answer.
 */
export async function callApi({ issuer, clientId, privateJwk, resource, scope = 'caf_api.read', api }) {
  const key = await jose.importJWK(privateJwk, privateJwk.alg ?? 'ES256');
  const config = await client.discovery(new URL(issuer), clientId, {}, client.PrivateKeyJwt({ key, kid: privateJwk.kid }),
    { execute: insecureForLoopback(issuer) });
  const tokens = await client.clientCredentialsGrant(config, { scope, resource });
  const res = await fetch(api, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { tokens, api: { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body } };
}

function answer(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The API: GET /droits answers fictitious rights to a token that introspection says is active,
 * meant for `resource` (its aud) and carrying `requiredScope`. Resolves with `{url, close}`.
 */
export async function startResourceServer({
  issuer, clientId, clientSecret, resource, requiredScope = 'caf_api.read', port = 0, host = '127.0.0.1',
}) {
  const config = await client.discovery(new URL(issuer), clientId, { client_secret: clientSecret },
    client.ClientSecretPost(clientSecret), { execute: insecureForLoopback(issuer) });
  const challenge = (error, description) => `Bearer realm="${resource}", error="${error}", error_description="${description}"`;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://internal');
      if (req.method !== 'GET' || url.pathname !== '/droits') return answer(res, 404, { error: 'not_found' });
      const [scheme, token] = String(req.headers.authorization ?? '').split(' ');
      if (scheme !== 'Bearer' || !token) {
        return answer(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer realm="${resource}"` });
      }
      const info = await client.tokenIntrospection(config, token);
      const audiences = [].concat(info.aud ?? []);
      if (!info.active || !audiences.includes(resource)) {
        return answer(res, 401, { error: 'invalid_token' },
          { 'www-authenticate': challenge('invalid_token', 'inactive, or not for this API') });
      }
      if (!String(info.scope ?? '').split(' ').includes(requiredScope)) {
        return answer(res, 403, { error: 'insufficient_scope' },
          { 'www-authenticate': challenge('insufficient_scope', `needs ${requiredScope}`) });
      }
      return answer(res, 200, {
        client_id: info.client_id,
        // Fictitious data: what a rights API would answer.
        droits: [{ prestation: 'Allocations familiales', statut: 'ouvert' }],
      });
    } catch (err) {
      return answer(res, 502, { error: 'introspection_failed', error_description: String(err?.message ?? err) });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${server.address().port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      issuer: { type: 'string' },
      port: { type: 'string', default: '4000' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      key: { type: 'string' },
      resource: { type: 'string', default: 'https://api.caf.fr/droits' },
      scope: { type: 'string', default: 'caf_api.read' },
      api: { type: 'string', default: 'http://localhost:4000/droits' },
    },
  });
  if (command === 'keys' && positionals[0]) {
    const { privateJwk, jwks } = await generatePartnerKey();
    await writeFile(`${positionals[0]}.key.json`, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
    await writeFile(`${positionals[0]}.jwks.json`, `${JSON.stringify(jwks, null, 2)}\n`);
    process.stdout.write(`private key: ${positionals[0]}.key.json (keep it secret)\n`
      + `public keys: ${positionals[0]}.jwks.json (the client's jwks_file)\n`);
    return;
  }
  if (command === 'serve' && values.issuer && values['client-id'] && values['client-secret']) {
    const rs = await startResourceServer({ issuer: values.issuer, clientId: values['client-id'],
      clientSecret: values['client-secret'], resource: values.resource, port: Number(values.port) });
    process.stdout.write(`${JSON.stringify({ event: 'listening', url: rs.url, resource: values.resource })}\n`);
    return;
  }
  if (command === 'call' && values.issuer && values['client-id'] && values.key) {
    const privateJwk = JSON.parse(await readFile(values.key, 'utf8'));
    const { tokens, api } = await callApi({ issuer: values.issuer, clientId: values['client-id'], privateJwk,
      resource: values.resource, scope: values.scope, api: values.api });
    process.stdout.write(`${JSON.stringify({ token_type: tokens.token_type, expires_in: tokens.expires_in, scope: tokens.scope, api }, null, 2)}\n`);
    return;
  }
  process.stderr.write('usage: partner.mjs keys PREFIX | serve --issuer URL --client-id ID --client-secret SECRET [--port 4000] [--resource URI]\n'
    + '       | call --issuer URL --client-id ID --key PREFIX.key.json [--resource URI] [--scope S] [--api URL]\n');
  process.exit(2);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`${err?.name ?? 'Error'}: ${err?.message ?? err}`
      + `${err?.error ? ` (${err.error}${err.error_description ? `: ${err.error_description}` : ''})` : ''}\n`);
    process.exit(1);
  });
}
