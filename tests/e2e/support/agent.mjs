// A person without a browser for the end-to-end tests: a cookie jar that follows the provider's
// redirects and fills the login form as served (CSRF field included).
//
//   const agent = new Agent(issuer);
//   const first = await agent.navigate(authorizeUrl);        // {callback} or {page}
//   const done = await agent.submitLogin(first.page, { nir, password });
//   const { callback, loginShown } = await loginWithForm(agent, authorizeUrl, { nir, password });

import assert from 'node:assert/strict';

function decodeEntities(s) {
  return String(s)
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&');
}

function attributes(text) {
  const out = {};
  for (const m of String(text).matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

export function textOf(html) {
  return decodeEntities(String(html).replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/**
 * The login form of a page (the form with a password field): its action, the hidden fields
 * (CSRF token, interaction), and the names of the identifier and password fields, found through
 * their labels ("Numéro de sécurité sociale", "Mot de passe").
 */
export function parseLoginForm(html, pageUrl) {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const formAttrs = attributes(m[1]);
    const body = m[2];
    const inputs = [...body.matchAll(/<input\b([^>]*)>/gi)].map((i) => attributes(i[1]));
    const password = inputs.find((i) => i.type === 'password');
    if (!password) continue;
    const labels = [...body.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/gi)]
      .map((l) => ({ for: attributes(l[1]).for, text: textOf(l[2]) }));
    const labelled = (re) => {
      const label = labels.find((l) => re.test(l.text) && l.for);
      return label && inputs.find((i) => i.id === label.for);
    };
    const identifier = labelled(/s[ée]curit[ée] sociale/i)
      || inputs.find((i) => (!i.type || i.type === 'text') && i.name);
    const hidden = inputs.filter((i) => i.type === 'hidden' && i.name).map((i) => [i.name, i.value ?? '']);
    const buttons = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .map((b) => ({ ...attributes(b[1]), text: textOf(b[2]) }));
    const submit = buttons.find((b) => /Se connecter/.test(b.text) && b.name);
    return {
      action: new URL(formAttrs.action || pageUrl, pageUrl),
      method: (formAttrs.method || 'get').toLowerCase(),
      hidden,
      identifierName: identifier?.name,
      passwordName: password.name,
      submit: submit ? [submit.name, submit.value ?? ''] : undefined,
      labels,
    };
  }
  return undefined;
}

export class Agent {
  /** `issuer`: redirects to its origin are followed, any other ends a navigation. */
  constructor(issuer) {
    this.issuer = issuer;
    this.jar = new Map();
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a))
        || attrs.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=').slice(1).join('=')) < Date.now());
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(url, init = {}) {
    const headers = { ...(init.headers || {}) };
    if (this.jar.size) headers.cookie = this.cookieHeader();
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.keep(res);
    return res;
  }

  /**
   * Loads `url` and follows redirects inside the provider. Ends with `{callback}` (a redirect
   * leaving the provider: the client's redirect URI) or `{page}` (a page of the provider).
   */
  async navigate(url, init = {}) {
    let target = new URL(url);
    let res = await this.request(target, init);
    const origin = new URL(this.issuer).origin;
    for (let hops = 0; hops < 15; hops += 1) {
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location');
        assert.ok(location, `redirect ${res.status} without Location from ${target}`);
        const next = new URL(location, target);
        if (next.origin !== origin) return { callback: next, status: res.status };
        target = next;
        res = await this.request(target);
        continue;
      }
      const body = await res.text();
      return { page: { url: target, status: res.status, body, headers: res.headers, form: parseLoginForm(body, target) } };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Posts the login form of `page` with an identifier and a password; follows what comes next. */
  async submitLogin(page, { nir, password }) {
    const form = page.form;
    assert.ok(form, `expected the login page, got ${page.status} at ${page.url}: ${textOf(page.body).slice(0, 300)}`);
    assert.equal(form.method, 'post', 'the login form is posted');
    assert.ok(form.identifierName, `no identifier field; labels: ${JSON.stringify(form.labels)}`);
    const body = new URLSearchParams(form.hidden);
    body.set(form.identifierName, nir);
    body.set(form.passwordName, password);
    if (form.submit) body.set(...form.submit);
    return this.navigate(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(this.issuer).origin },
      body: body.toString(),
    });
  }
}

/**
 * Opens `authorizeUrl` as `agent` and logs in with the login form when it is shown. Resolves with
 * the callback URL (on the client) and whether the login page was shown.
 */
export async function loginWithForm(agent, authorizeUrl, person) {
  const first = await agent.navigate(authorizeUrl);
  if (first.callback) return { callback: first.callback, loginShown: false };
  const done = await agent.submitLogin(first.page, person);
  assert.ok(done.callback, `login did not return to the client: ${done.page?.status} ${done.page?.url} `
    + `${textOf(done.page?.body ?? '').slice(0, 400)}`);
  return { callback: done.callback, loginShown: true };
}
