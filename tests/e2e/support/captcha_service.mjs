// A stand-in external captcha service (protocol of account/captcha/external_captcha.hpp), so
// tests go through the real `[captcha] provider = "external"` path (challenge, image on the
// service's origin, verification with the bearer token) and still know the answer: it is always
// CAPTCHA_ANSWER.
//
//   const captcha = await startCaptchaService();
//   const caf = await startCafConnect({ extraToml: captchaToml(captcha) });
//   …; await captcha.stop();

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import { freePort } from './processes.mjs';

export const CAPTCHA_TOKEN = 'captcha-e2e-token-0123456789abcdef';
export const CAPTCHA_ANSWER = 'AB12CD';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export async function startCaptchaService() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const challenges = new Map(); // id → binding
  const stats = { challenges: 0, verifications: 0, successes: 0, unauthorised: 0, images: 0 };
  const readBody = (req) => new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, origin);
      if (req.method === 'GET' && /^\/images\/[A-Za-z0-9_-]+\.png$/.test(url.pathname)) {
        stats.images += 1;
        res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
        return res.end(PNG);
      }
      if (req.method !== 'POST') return json(res, 404, { error: 'not found' });
      if (req.headers.authorization !== `Bearer ${CAPTCHA_TOKEN}`) {
        stats.unauthorised += 1;
        return json(res, 401, { error: 'unauthorised' });
      }
      const body = JSON.parse((await readBody(req)) || '{}');
      if (url.pathname === '/challenges') {
        if (typeof body.binding !== 'string' || !/^[0-9a-f]{64}$/.test(body.binding)) return json(res, 400, { error: 'binding' });
        stats.challenges += 1;
        const id = randomBytes(16).toString('base64url');
        challenges.set(id, body.binding);
        return json(res, 200, { id, image_url: `${origin}/images/${id}.png` });
      }
      if (url.pathname === '/verify') {
        stats.verifications += 1;
        const known = challenges.get(body.id);
        const success = known !== undefined && known === body.binding && body.answer === CAPTCHA_ANSWER;
        if (success) {
          challenges.delete(body.id); // single use
          stats.successes += 1;
        }
        return json(res, 200, { success });
      }
      return json(res, 404, { error: 'not found' });
    } catch (err) {
      return json(res, 500, { error: String(err) });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin,
    stats,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/** The `[captcha]` table pointing Caf Connect at `captcha`. */
export function captchaToml(captcha) {
  return `[captcha]\nprovider = "external"\nservice_url = ${JSON.stringify(captcha.origin)}\nservice_token = ${JSON.stringify(CAPTCHA_TOKEN)}\n`;
}

