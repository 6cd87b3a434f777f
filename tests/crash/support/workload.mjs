// A bounded mixed write load on a running Caf Connect, over plain HTTP, with a history of every
// operation (request, answer, acknowledged or not), and the checks that everything acknowledged
// is still there: used by the crash (kill -9) and the graceful shutdown tests.
//
//   const load = new Workload(caf, { workers: 6 });
//   await load.run({ until: () => done });     // operations while the server is killed, restarted...
//   const report = await load.verify();         // after the last restart: { checked, lost: [...] }
//
// Operations: client_credentials and authorization_code tokens, refresh-token rotations, failed
// native logins, account creations (the admin import), verification codes sent (password
// recovery, SMS to the outbox). An operation is acknowledged when the client got its normal
// answer; one that met a dead server is recorded unacknowledged and proves nothing either way.

import { createHash, randomBytes } from 'node:crypto';

import { readOutbox } from '../../e2e/support/outbox.mjs';
import { backofficeClient, fictitiousNir, nirKey } from '../../e2e/support/admin_api.mjs';
import { partnerClient, portalClient } from '../../e2e/support/cafconnect.mjs';
import { CAPTCHA_ANSWER } from '../../e2e/support/captcha_service.mjs';

export const PORTAL_SECRET = 'caf-portal-crash-secret-0123456789';
export const PARTNER_SECRET = 'partner-crash-secret-0123456789';
export const BACKOFFICE_SECRET = 'backoffice-crash-secret-0123456789';
export const RP_CALLBACK = 'http://localhost:9/crash/callback';
// Demo account (examples/demo-accounts.jsonl) who logs in for the authorization_code flows.
const JEAN = { nir: '1 63 06 31 555 082', password: 'Demo2024Caf' };
// Failed logins are counted up to here (the captcha comes just before): a target gets fewer.
export const FREEZE_AFTER = 100;
const FAILURES_PER_TARGET = 40;
const WRONG = /Il vous reste (\d+) tentatives?\./;

/** The clients and settings the load needs, for startCafConnect. */
export function workloadServerOptions({ captcha }) {
  return {
    clients: [
      portalClient({ secret: PORTAL_SECRET, redirectUris: [RP_CALLBACK], scopes: ['openid', 'profile'] }),
      partnerClient({ secret: PARTNER_SECRET }),
      backofficeClient({ secret: BACKOFFICE_SECRET }),
    ],
    extraToml: [
      '[lockout]',
      `captcha_after_failures = ${FREEZE_AFTER - 1}`,
      `freeze_after_failures = ${FREEZE_AFTER}`,
      'ip_max_attempts = 100000',
      // Argon2id at its floor: the load is about writes, not hashing.
      '[passwords]',
      'argon2_memory_kib = 19456',
      'argon2_iterations = 2',
      `[captcha]\nprovider = "external"\nservice_url = ${JSON.stringify(captcha.origin)}`,
      'service_token = "captcha-e2e-token-0123456789abcdef"',
    ].join('\n'),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP as a browser without JavaScript: one cookie jar, forms posted back with their hidden fields.

class Jar {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  async request(path, { method = 'GET', form, headers = {}, follow = false } = {}) {
    let url = new URL(path, this.base);
    let init = { method, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(30_000) };
    if (form) {
      init.body = new URLSearchParams(form).toString();
      init.headers['content-type'] = 'application/x-www-form-urlencoded';
      init.headers.origin = new URL(this.base).origin;
    }
    for (let hops = 0; ; hops += 1) {
      if (this.cookies.size) init.headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(url, init);
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(';');
        const i = pair.indexOf('=');
        const name = pair.slice(0, i).trim();
        const value = pair.slice(i + 1).trim();
        if (value === '' || attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a))) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
      const location = res.headers.get('location');
      const body = await res.text();
      if (!follow || res.status < 300 || res.status >= 400 || !location) return { status: res.status, location, body, url };
      const next = new URL(location, url);
      if (next.origin !== new URL(this.base).origin || hops > 10) return { status: res.status, location, body, url };
      url = next;
      init = { method: 'GET', headers: {}, redirect: 'manual', signal: AbortSignal.timeout(30_000) };
    }
  }
}

const decode = (s) => s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
  .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page's form that holds `field`: its action and hidden fields (CSRF token, stage, captcha id). */
function formOf(page, field) {
  for (const m of page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    if (!m[2].includes(`name="${field}"`)) continue;
    const action = /action="([^"]*)"/.exec(m[1])?.[1];
    return {
      action: new URL(action ? decode(action) : page.url, page.url),
      fields: Object.fromEntries([...m[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
        .map((h) => [h[1], decode(h[2])])),
    };
  }
  return undefined;
}

const text = (html) => decode(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');

async function tokenRequest(base, form, basic) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  const res = await fetch(new URL('/token', base), { method: 'POST', headers, body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  let json;
  try { json = JSON.parse(body); } catch { json = undefined; }
  return { status: res.status, json, body };
}

const b64url = (buf) => buf.toString('base64url');

// ---------------------------------------------------------------------------------------------

/** A person's account made by the admin import: NIR, birth name, password, mobile number. */
function newPerson(i) {
  const nir13 = fictitiousNir(i);
  return {
    i,
    nir: `${nir13}${nirKey(nir13)}`,
    nir13,
    birthName: `CRASH${i}`,
    password: `Crash${i}Caf2024`,
    phone: `07${String(i % 1e8).padStart(8, '0')}`,
  };
}

function importLine(p) {
  const sex = p.nir13[0] === '1' ? 'Monsieur' : 'Madame';
  return JSON.stringify({
    nir: p.nir13, civilite: sex, birth_name: p.birthName, first_names: 'Camille',
    birth_date: `19${p.nir13.slice(1, 3)}-${p.nir13.slice(3, 5)}-15`, birth_place: `${p.nir13.slice(5, 7)}${p.nir13.slice(7, 10)}`,
    birth_country: '99100', phone: p.phone, password: p.password,
  });
}

export class Workload {
  /**
   * @param {{url: string}} caf the running server (its URL stays the same across restarts)
   * @param {{workers?: number, seed?: number}} [options]
   */
  constructor(caf, { workers = 6, seed = Date.now() } = {}) {
    this.caf = caf;
    this.workers = workers;
    this.history = [];
    this.tokens = [];       // acknowledged access tokens {token, client}
    this.families = [];     // refresh-token families {chain: [token...], uncertain, rejected}
    this.targets = [];      // failed-login targets {nir, acked, lastLeft}
    this.people = [];       // acknowledged account creations
    this.codes = [];        // acknowledged "code sent" pages {person}
    // Fictitious people numbered from a random base, so runs on a reused store never collide.
    this.nextPerson = 200_000 + (seed % 500_000);
    this.adminToken = undefined;
  }

  /** A new fictitious person, and the admin import line that creates their account. */
  newPerson() { return newPerson(this.nextPerson++); }
  importLine(person) { return importLine(person); }

  record(worker, op, request, started, answer, acked) {
    const entry = { worker, op, request, started, ended: Date.now(), answer, acked };
    this.history.push(entry);
    return entry;
  }

  get acknowledged() { return this.history.filter((h) => h.acked).length; }

  async run({ until }) {
    await Promise.all(Array.from({ length: this.workers }, (_, w) => this.worker(w, until)));
  }

  async worker(w, until) {
    const state = { jar: new Jar(this.caf.issuer), target: undefined, created: [], loggedIn: false };
    const ops = ['client_credentials', 'authorization_code', 'refresh', 'refresh', 'failed_login', 'failed_login',
      'create_account', 'code_sent'];
    let n = w;
    while (!until()) {
      const op = ops[n % ops.length];
      n += 1 + (w % 3);
      const started = Date.now();
      try {
        await this[op](w, state, started);
      } catch (err) {
        // The server died under the request (or was not up yet): not acknowledged.
        this.record(w, op, {}, started, { error: String(err.cause?.code ?? err.name ?? err) }, false);
        state.jar = new Jar(this.caf.issuer);
        state.loggedIn = false;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async client_credentials(w, _state, started) {
    const res = await tokenRequest(this.caf.issuer, { grant_type: 'client_credentials', client_id: 'partner-e2e',
      client_secret: PARTNER_SECRET, scope: 'caf_api.read' });
    const acked = res.status === 200 && Boolean(res.json?.access_token);
    this.record(w, 'client_credentials', { client: 'partner-e2e' }, started, { status: res.status }, acked);
    if (acked) this.tokens.push({ token: res.json.access_token, client: 'partner' });
  }

  async authorization_code(w, state, started) {
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const query = new URLSearchParams({ client_id: 'caf-portal', redirect_uri: RP_CALLBACK, response_type: 'code',
      scope: 'openid profile', state: b64url(randomBytes(12)), nonce: b64url(randomBytes(12)),
      code_challenge: challenge, code_challenge_method: 'S256' });
    let page = await state.jar.request(`/authorize?${query}`, { follow: true });
    const login = page.status === 200 && formOf(page, 'mot_de_passe');
    if (login) {
      page = await state.jar.request(login.action, { method: 'POST', follow: true,
        form: { ...login.fields, identifiant: JEAN.nir, mot_de_passe: JEAN.password } });
    }
    const callback = page.location && new URL(page.location, page.url);
    const code = callback?.href.startsWith(RP_CALLBACK) ? callback.searchParams.get('code') : null;
    if (!code) {
      this.record(w, 'authorization_code', { step: 'authorize' }, started, { status: page.status }, false);
      return;
    }
    const res = await tokenRequest(this.caf.issuer, { grant_type: 'authorization_code', code, redirect_uri: RP_CALLBACK,
      code_verifier: verifier }, ['caf-portal', PORTAL_SECRET]);
    const acked = res.status === 200 && Boolean(res.json?.access_token);
    this.record(w, 'authorization_code', { client: 'caf-portal' }, started,
      { status: res.status, refresh: Boolean(res.json?.refresh_token) }, acked);
    if (!acked) return;
    this.tokens.push({ token: res.json.access_token, client: 'portal' });
    if (res.json.refresh_token) this.families.push({ chain: [res.json.refresh_token], uncertain: false, rejected: false, worker: w });
  }

  async refresh(w, state, started) {
    const family = this.families.find((f) => f.worker === w && !f.uncertain && !f.rejected && !f.busy);
    if (!family) return this.client_credentials(w, state, started);
    family.busy = true;
    const old = family.chain.at(-1);
    try {
      const res = await tokenRequest(this.caf.issuer, { grant_type: 'refresh_token', refresh_token: old },
        ['caf-portal', PORTAL_SECRET]);
      const acked = res.status === 200 && Boolean(res.json?.refresh_token);
      this.record(w, 'refresh', { family: this.families.indexOf(family), generation: family.chain.length }, started,
        { status: res.status, error: res.json?.error }, acked);
      if (acked) {
        family.chain.push(res.json.refresh_token);
        this.tokens.push({ token: res.json.access_token, client: 'portal' });
      } else if (res.json?.error === 'invalid_grant') {
        family.rejected = true;  // an acknowledged token refused: counted as lost by verify()
      } else {
        family.uncertain = true;
      }
    } catch (err) {
      // The server may have rotated the token before it died: presenting the old one again
      // would be a reuse, which revokes the family. The family is left alone from here on.
      family.uncertain = true;
      throw err;
    } finally {
      family.busy = false;
    }
  }

  async failed_login(w, state, started) {
    if (!state.target || state.target.acked >= FAILURES_PER_TARGET) {
      state.target = { nir: this.newPerson().nir, acked: 0, lastLeft: undefined };
      this.targets.push(state.target);
    }
    const { target } = state;
    const left = await this.wrongPassword(state.jar, target.nir);
    const acked = left !== undefined;
    this.record(w, 'failed_login', { target: this.targets.indexOf(target) }, started, { attemptsLeft: left }, acked);
    if (acked) {
      target.acked += 1;
      target.lastLeft = left;
    }
  }

  /** A wrong password for `nir` on the login form: the "Il vous reste N tentatives" number. */
  async wrongPassword(jar, nir) {
    const page = await jar.request('/connexion');
    const form = page.status === 200 && formOf(page, 'mot_de_passe');
    if (!form) return undefined;
    const res = await jar.request(form.action, { method: 'POST', form: { ...form.fields, identifiant: nir, mot_de_passe: 'Mauvais2024Pass' } });
    const m = WRONG.exec(text(res.body));
    return m ? Number(m[1]) : undefined;
  }

  async admin() {
    if (this.adminToken) return this.adminToken;
    const res = await tokenRequest(this.caf.issuer, { grant_type: 'client_credentials', scope: 'admin' },
      ['backoffice-e2e', BACKOFFICE_SECRET]);
    if (res.status !== 200) throw new Error(`admin token: ${res.status}`);
    this.adminToken = res.json.access_token;
    return this.adminToken;
  }

  async create_account(w, state, started) {
    const person = this.newPerson();
    const res = await fetch(new URL('/admin/v1/accounts/import', this.caf.issuer), {
      method: 'POST', body: `${importLine(person)}\n`, signal: AbortSignal.timeout(30_000),
      headers: { authorization: `Bearer ${await this.admin()}`, 'content-type': 'application/x-ndjson' },
    });
    const body = await res.text();
    let json;
    try { json = JSON.parse(body); } catch { json = undefined; }
    const acked = res.status === 200 && json?.created === 1;
    this.record(w, 'create_account', { person: person.i }, started, { status: res.status, created: json?.created }, acked);
    if (acked) {
      this.people.push(person);
      state.created.push(person);
    }
  }

  async code_sent(w, state, started) {
    const person = state.created.shift();
    if (!person) return this.create_account(w, state, started);
    const jar = new Jar(this.caf.issuer);
    const outcome = {};
    const sent = await this.sendRecoveryCode(jar, person, outcome);
    this.record(w, 'code_sent', { person: person.i }, started, outcome, sent);
    if (sent) this.codes.push({ person });
  }

  /** "Mot de passe oublié" up to "Saisissez le code de vérification que nous venons de vous envoyer par SMS". */
  async sendRecoveryCode(jar, person, outcome = {}) {
    let page = await jar.request('/mot-de-passe-oublie');
    const identify = page.status === 200 && formOf(page, 'nom_naissance');
    outcome.identify = page.status;
    if (!identify) return false;
    const fields = { ...identify.fields, identifiant: person.nir, nom_naissance: person.birthName };
    if (fields.captcha_id) fields.captcha = CAPTCHA_ANSWER;
    page = await jar.request(identify.action, { method: 'POST', form: fields, follow: true });
    const channel = page.status === 200 && formOf(page, 'canal');
    outcome.channel = channel ? page.status : `${page.status} ${text(page.body).slice(0, 160)}`;
    if (!channel) return false;
    page = await jar.request(channel.action, { method: 'POST', form: { ...channel.fields, canal: 'sms', action: 'envoyer' }, follow: true });
    outcome.sent = page.status;
    return page.status === 200 && /que nous venons de vous envoyer par SMS/.test(text(page.body));
  }

  // -------------------------------------------------------------------------------------------
  // After the last restart: every acknowledged operation, checked as a client sees it.

  async introspect(token, client) {
    const [form, basic] = client === 'partner'
      ? [{ token, client_id: 'partner-e2e', client_secret: PARTNER_SECRET }, undefined]
      : [{ token }, ['caf-portal', PORTAL_SECRET]];
    const res = await fetch(new URL('/introspect', this.caf.issuer), {
      method: 'POST', body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded',
        ...(basic ? { authorization: `Basic ${Buffer.from(basic.join(':')).toString('base64')}` } : {}) },
    });
    if (res.status !== 200) throw new Error(`introspection: ${res.status} ${await res.text()}`);
    return (await res.json()).active;
  }

  /**
   * @param {{outboxWaitMs?: number}} [options] how long queued messages may take to leave after
   *        the restart (a claim left by the killed process is taken over when its lease ends)
   * @returns {Promise<{checked: number, lost: string[], duplicates: string[]}>}
   */
  async verify({ outboxWaitMs = 60_000 } = {}) {
    const lost = [];
    let checked = 0;
    const pool = async (items, limit, fn) => {
      const queue = [...items];
      await Promise.all(Array.from({ length: limit }, async () => {
        while (queue.length) await fn(queue.shift());
      }));
    };

    // Access tokens of every flow: active (their lifetime is far longer than the test).
    await pool(this.tokens, 8, async ({ token, client }) => {
      checked += 1;
      if (!(await this.introspect(token, client))) lost.push(`access token of ${client} inactive`);
    });

    // Refresh families: the newest acknowledged token works, every older one was revoked by its
    // rotation; after an unanswered rotation the newest may be either (it was presented).
    await pool(this.families, 4, async (family) => {
      const last = family.chain.length - 1;
      for (let g = 0; g < family.chain.length; g += 1) {
        checked += 1;
        const active = await this.introspect(family.chain[g], 'portal');
        if (g < last && active) lost.push(`refresh generation ${g} still active after an acknowledged rotation`);
        if (g === last && !active && !family.uncertain) lost.push(`newest refresh token (generation ${g}) inactive`);
      }
    });

    // Failed logins: one more wrong attempt shows the counter went on from every acknowledged one.
    await pool(this.targets.filter((t) => t.acked > 0), 4, async (target) => {
      checked += target.acked;
      const left = await this.wrongPassword(new Jar(this.caf.issuer), target.nir);
      const most = FREEZE_AFTER - target.acked - 1;
      if (left === undefined || left > most) {
        lost.push(`target ${target.nir}: ${target.acked} acknowledged failures, then "il vous reste ${left}" (at most ${most})`);
      }
    });

    // Created accounts: their password opens a session (a redirect, not the error message).
    await pool(this.people, 4, async (person) => {
      checked += 1;
      const jar = new Jar(this.caf.issuer);
      const form = formOf(await jar.request('/connexion'), 'mot_de_passe');
      const res = await jar.request(form.action, { method: 'POST',
        form: { ...form.fields, identifiant: person.nir, mot_de_passe: person.password } });
      if (res.status !== 303 || WRONG.test(text(res.body))) lost.push(`account ${person.nir} does not log in (${res.status})`);
    });

    // Codes sent: each one in the outbox exactly once, waiting for the claims of the killed process.
    const deadline = Date.now() + outboxWaitMs;
    let messages;
    let missing;
    for (;;) {
      messages = await readOutbox(this.caf.outbox);
      const sms = new Set(messages.filter((m) => m.template === 'notification_code').map((m) => m.recipient));
      missing = this.codes.filter(({ person }) => !sms.has(person.phone));
      if (!missing.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    checked += this.codes.length;
    for (const { person } of missing) lost.push(`code sent to ${person.phone} never delivered`);
    const duplicates = [];
    const seen = new Map();
    for (const m of messages) {
      const key = m.delivery_key ?? `${m.recipient}|${m.template}|${m.code}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const [key, count] of seen) if (count > 1) duplicates.push(`${key} delivered ${count} times`);
    return { checked, lost, duplicates, messages: messages.length };
  }
}
