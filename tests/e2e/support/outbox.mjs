// Reads the server's development outbox: a JSON-lines file, one message (e-mail, SMS, letter)
// per line, appended by the server.
//
//   const msg = await waitForOutboxMessage('var/outbox.jsonl', (m) => m.to === 'x@example.test', 5000);

import { readFile } from 'node:fs/promises';

/** All messages in the outbox (an absent file is an empty outbox; a partial last line is ignored). */
export async function readOutbox(path) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  const messages = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      messages.push(JSON.parse(trimmed));
    } catch {
      // a line being written right now
    }
  }
  return messages;
}

/**
 * Polls the outbox until a message satisfies `predicate`; resolves with the newest such message.
 * @param {string} path
 * @param {(message: any) => boolean} predicate
 * @param {number} [timeoutMs]
 * @param {{intervalMs?: number, after?: number}} [options] `after`: ignore the first N lines
 *        (take `(await readOutbox(path)).length` before the action to wait only for new ones)
 */
export async function waitForOutboxMessage(path, predicate = () => true, timeoutMs = 10_000, options = {}) {
  const { intervalMs = 100, after = 0 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = (await readOutbox(path)).slice(after);
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      if (predicate(messages[i])) return messages[i];
    }
    if (Date.now() >= deadline) {
      throw new Error(`no matching message in ${path} within ${timeoutMs} ms (${messages.length} message(s) seen)`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
