// The admin API from a back-office client's side (tests and bench/admin_import.mjs): a
// client_credentials token from openid-client, JSON calls under /admin/v1, and fictitious accounts
// with valid NIR keys.
//
//   const admin = await adminSession(caf.issuer, { clientId, secret });
//   const { status, body } = await admin.call('POST', '/accounts/lookup', { nir });

import * as client from 'openid-client';

/** A back-office client registration for startCafConnect: client_credentials, scope admin. */
export function backofficeClient({ clientId = 'backoffice-e2e', secret = 'backoffice-e2e-secret-0123456789',
  scopes = ['admin'] } = {}) {
  return {
    client_id: clientId,
    name: 'Back office (e2e)',
    type: 'confidential',
    auth_method: 'client_secret_basic',
    secret,
    grant_types: ['client_credentials'],
    scopes,
  };
}

/** openid-client's configuration of a client_credentials client of `issuer`. */
export async function clientConfiguration(issuer, clientId, secret, auth = client.ClientSecretBasic(secret)) {
  return client.discovery(new URL(issuer), clientId, { client_secret: secret }, auth,
    { execute: [client.allowInsecureRequests] });
}

/** An access token by client_credentials. */
export async function clientCredentialsToken(config, scope) {
  const tokens = await client.clientCredentialsGrant(config, scope ? { scope } : {});
  return tokens.access_token;
}

/** Calls under /admin/v1 with a bearer token; `body` is JSON unless `raw` (a string) is given. */
export function adminCaller(issuer, accessToken) {
  return async function call(method, path, body, { raw, contentType } = {}) {
    const headers = {};
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    let payload;
    if (raw !== undefined) {
      payload = raw;
      headers['Content-Type'] = contentType ?? 'application/x-ndjson';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${issuer}/admin/v1${path}`, { method, headers, body: payload });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, body: json, text };
  };
}

export async function adminSession(issuer, { clientId = 'backoffice-e2e', secret = 'backoffice-e2e-secret-0123456789' } = {}) {
  const config = await clientConfiguration(issuer, clientId, secret);
  const token = await clientCredentialsToken(config, 'admin');
  return { token, call: adminCaller(issuer, token) };
}

/** A valid NIR (13 characters, key computed) for the i-th fictitious person: born 19yy in a
 *  département 01–95, order numbers that cover 100,000 people without repeats. */
export function fictitiousNir(i, sex = (i % 2) + 1) {
  const year = String(50 + (i % 50)).padStart(2, '0');
  const month = String(1 + (Math.floor(i / 50) % 12)).padStart(2, '0');
  const dept = String(1 + (Math.floor(i / 600) % 95)).padStart(2, '0');
  const commune = String(1 + (Math.floor(i / 57000) % 999)).padStart(3, '0');
  const order = String(1 + (i % 997)).padStart(3, '0');
  return `${sex}${year}${month}${dept}${commune}${order}`;
}

/** The 2-digit key of a 13-digit NIR. */
export function nirKey(nir13) {
  return String(97n - (BigInt(nir13) % 97n)).padStart(2, '0');
}

/** One import line of a legacy account without password (first connection through "mot de passe
 *  oublié"): obviously fictitious état civil, a fictitious mobile number. */
export function legacyAccountLine(i, overrides = {}) {
  const nir = fictitiousNir(i);
  const sex = nir[0] === '1' ? 'Monsieur' : 'Madame';
  const record = {
    nir,
    civilite: sex,
    birth_name: `FICTIF${i}`,
    first_names: sex === 'Monsieur' ? 'Jean' : 'Jeanne',
    birth_date: `19${nir.slice(1, 3)}-${nir.slice(3, 5)}-15`,
    birth_place: `${nir.slice(5, 7)}${nir.slice(7, 10)}`,
    birth_country: '99100',
    phone: `06${String(i).padStart(8, '0')}`,
    legacy_password: false,
    ...overrides,
  };
  return JSON.stringify(record);
}
