// Linking a FranceConnect identity that matched no account (SPEC.md §8 steps 3 and 4), in Chromium
// against the v2 stand-in (examples/franceconnect): "J'ai déjà un compte" with a demo account,
// then a known link; "Créer mon compte" prefilled with the pivot; the unlink in "Gérer Mon Compte".
//
//   node --test tests/e2e/linking.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './support/browser.mjs';
import { cafconnectBinary, portalClient } from './support/cafconnect.mjs';
import { startWithFranceConnect } from './support/franceconnect.mjs';
import { readOutbox, waitForOutboxMessage } from './support/outbox.mjs';

const RP_REDIRECT = 'http://localhost:59999/rp/callback';
const RP = { id: 'caf-portal', secret: 'caf-portal-e2e-secret-0123456789' };
// A demo account (examples/demo-accounts.jsonl) with nothing pending at login.
const LEO = { nir: '1070975056089', password: 'Demo2024Caf' };
// An account of this test only with the état civil of the stand-in's aicha.presumee (born abroad,
// presumed birth date).
const AICHA = {
  nir: '2700199352001', password: 'Aicha2024Fictive', cgu_version: '2024-03', password_changed_at: '2024-04-02',
  civilite: 'Madame', birth_name: 'DATEPRESUMEE', first_names: 'Aïcha', birth_date: '1970-01-01', birth_place: '',
  birth_country: '99352', email: 'aicha.presumee@example.test', email_verified: true,
};
// Two accounts of this test only with the état civil of the stand-in's homonyme.un and
// homonyme.deux (one pivot, two FranceConnect identities).
const HOMONYME = (nir) => ({
  nir, password: 'Homonyme2024Caf', cgu_version: '2024-03', password_changed_at: '2024-04-02', civilite: 'Monsieur',
  birth_name: 'HOMONYME', first_names: 'Pierre Jean', birth_date: '1990-02-20', birth_place: '59350', birth_country: '99100',
});

let fc;
let caf;
let cafBase;
let browser;

before(async () => {
  ({ fc, caf, cafBase } = await startWithFranceConnect({
    clients: [portalClient({ clientId: RP.id, secret: RP.secret, redirectUris: [RP_REDIRECT] })],
  }));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([caf?.stop(), fc?.stop()]);
});

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', join(caf.dir, 'caf.db'), query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}
const linkCount = () => sql('SELECT COUNT(*) AS n FROM external_links')[0].n;

// `cafconnect import` of `lines` into the running Caf Connect's store.
function importAccounts(name, lines) {
  const file = join(caf.dir, `${name}.jsonl`);
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  execFileSync(cafconnectBinary(), ['import', '--config', caf.configFile, file], { encoding: 'utf8' });
}
const linkAudit = (action) => sql(`SELECT account_id, details FROM audit_log WHERE action = '${action}' ORDER BY id`)
  .map((r) => ({ account: r.account_id, ...JSON.parse(r.details) }));

// A fresh browser (no FranceConnect session either).
async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

// The client's authorization request, then "S'identifier avec FranceConnect" (of the login page,
// or of the creation page when `fromCreation`) and `login` at the stand-in.
async function throughFranceConnect(page, login, { fromCreation = false } = {}) {
  const url = new URL(`${caf.issuer}/authorize`);
  url.search = new URLSearchParams({
    client_id: RP.id, redirect_uri: RP_REDIRECT, response_type: 'code', scope: 'openid profile',
    state: 'rp-state', nonce: 'rp-nonce-0123456789abcdef', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  await page.goto(url.href);
  if (fromCreation) {
    await page.getByRole('link', { name: 'Créer Mon Compte' }).click();
    await page.getByRole('heading', { name: 'Créer Mon Compte', level: 1 }).waitFor();
  }
  await page.getByRole('link', { name: /S'identifier avec FranceConnect/ }).click();
  await page.getByRole('button', { name: new RegExp(login.replace('.', '\\.')) }).click();
}

// The browser sent back to the client's redirect URI (nothing listens there: the request is enough).
const landedOnClient = (page) => page.waitForRequest((r) => r.url().startsWith(RP_REDIRECT)).then((r) => new URL(r.url()));

describe('linking a FranceConnect identity in Chromium', () => {
  test('an account in Aïcha\'s name that nobody vouches for → not linked automatically; another account\'s password → refused; its own password → linked, the owner told; then a known link', async () => {
    // Someone created an account with Aïcha's état civil (the creation wizard stores it as not
    // vouched for by the CAF): her FranceConnect login must not land in it by the pivot alone.
    importAccounts('aicha', [AICHA]);
    sql(`UPDATE accounts SET identity_verified = 0 WHERE id = (SELECT MAX(id) FROM accounts)`);
    const first = await freshPage();
    await throughFranceConnect(first.page, 'aicha.presumee');
    await first.page.getByText("Nous n'avons pas trouvé de compte Caf correspondant à votre identité FranceConnect.").waitFor();
    await first.page.getByText('DATEPRESUMEE').first().waitFor();
    assert.equal(linkCount(), 0);

    // A wrong password first: the login page's message, nothing linked.
    await first.page.getByLabel('Numéro de Sécurité sociale').fill(AICHA.nir);
    await first.page.getByLabel('Mot de passe', { exact: true }).fill('PasLeBon2024');
    await first.page.getByRole('button', { name: 'Associer mon compte' }).click();
    await first.page.getByText(/Vos numéro de Sécurité sociale et\/ou mot de passe sont incorrects/).waitFor();
    assert.equal(linkCount(), 0);

    // The right password of an account with another état civil: not linked, no session.
    await first.page.getByLabel('Numéro de Sécurité sociale').fill(LEO.nir);
    await first.page.getByLabel('Mot de passe', { exact: true }).fill(LEO.password);
    await first.page.getByRole('button', { name: 'Associer mon compte' }).click();
    await first.page.getByRole('heading', { name: 'Association impossible' }).waitFor();
    await first.page.getByText(/ne correspond pas à l'état civil de ce compte Caf/).waitFor();
    assert.equal(linkCount(), 0);
    assert.deepEqual(linkAudit('external_link.refused').map((d) => [d.provider, d.reason]), [['franceconnect', 'pivot_mismatch']]);
    const home = await first.context.request.get(`${cafBase}/mon-compte`, { maxRedirects: 0 });
    assert.match(home.headers().location ?? '', /\/connexion/, 'no session');
    await first.context.close();

    // Her own account's password: linked, and she is told by mail.
    const second = await freshPage();
    await throughFranceConnect(second.page, 'aicha.presumee');
    await second.page.getByLabel('Numéro de Sécurité sociale').fill(AICHA.nir);
    await second.page.getByLabel('Mot de passe', { exact: true }).fill(AICHA.password);
    const before = (await readOutbox(caf.outbox)).length;
    await second.page.getByRole('button', { name: 'Associer mon compte' }).click();
    await second.page.getByText('Votre identité FranceConnect est maintenant associée à votre compte.').waitFor();
    assert.equal(linkCount(), 1);
    assert.deepEqual(linkAudit('external_link.created').map((d) => [d.provider, d.how]), [['franceconnect', 'password']]);
    const notice = await waitForOutboxMessage(caf.outbox,
      (m) => m.template === 'notification_external_link' && m.recipient === AICHA.email, 10_000, { after: before });
    assert.equal(notice.subject, 'Mon Compte : votre compte a été associé à FranceConnect');
    assert.match(notice.text, /Si vous n'êtes pas à l'origine de cette association, contactez votre Caf/);
    const landed = landedOnClient(second.page);
    await second.page.getByRole('link', { name: 'Continuer' }).click();
    assert.equal((await landed).searchParams.get('state'), 'rp-state');
    await second.context.close();

    // Another browser: FranceConnect alone is enough now.
    const third = await freshPage();
    const straight = landedOnClient(third.page);
    await throughFranceConnect(third.page, 'aicha.presumee');
    assert.ok((await straight).searchParams.get('code'));
    assert.equal(linkCount(), 1);
    await third.context.close();
  });

  test('no match → "Créer mon compte" prefilled and locked → created and linked; unlink → asked again', async () => {
    const links0 = linkCount();
    const created0 = linkAudit('external_link.created').length;
    const { context, page } = await freshPage();
    await throughFranceConnect(page, 'ange.corse');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();

    await page.getByRole('heading', { name: 'État civil' }).waitFor();
    await page.getByText('Transmis par FranceConnect').waitFor();
    await page.getByText('FICTIVACCI').waitFor();
    assert.equal(await page.getByLabel('Nom de naissance', { exact: true }).count(), 0, 'the birth name is locked');
    assert.equal(await page.getByLabel('Date de naissance (format de saisie JJ/MM/AAAA)').count(), 0);
    const hasNir = page.getByRole('group', { name: 'Je possède un numéro de Sécurité sociale ?' });
    await hasNir.getByLabel('Oui', { exact: true }).check();
    await page.getByLabel('Numéro de Sécurité sociale (si Oui)').fill('158082A004123');
    await page.getByRole('group', { name: 'Je réside en France' }).getByLabel('Oui', { exact: true }).check();
    await page.getByLabel(/^Lieu de résidence/).fill('20000');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByText("Je sélectionne ma pièce d'identité").waitFor();
    await page.getByRole('button', { name: 'Continuer' }).click();

    // The e-mail FranceConnect gave is prefilled, and still confirmed by a code.
    await page.getByRole('heading', { name: 'Coordonnées de contact' }).waitFor();
    const email = page.getByRole('textbox', { name: 'Adresse mail', exact: true });
    assert.equal(await email.inputValue(), 'ange.fictivacci@example.test');
    const before = (await readOutbox(caf.outbox)).length;
    await page.getByRole('button', { name: 'Envoyer le code' }).click();
    const message = await waitForOutboxMessage(caf.outbox,
      (m) => m.template === 'notification_code' && m.recipient === 'ange.fictivacci@example.test', 10_000, { after: before });
    await page.getByLabel('Code de vérification reçu par mail').fill(message.code);
    await page.getByRole('button', { name: 'Valider', exact: true }).click();

    await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Corse2024Fictif');
    await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill('Corse2024Fictif');
    await page.getByLabel("J'ai pris connaissance des conditions générales d'utilisation et je les accepte").check();
    const landed = landedOnClient(page);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await landed;
    assert.equal(linkCount(), links0 + 1);
    assert.deepEqual(linkAudit('external_link.created').slice(created0).map((d) => d.how), ['creation']);

    // "Gérer Mon Compte": the link, "Dissocier", confirmed.
    const home = await context.newPage();  // the first tab is on the client's (unreachable) page
    home.setDefaultTimeout(10_000);
    await home.goto(`${cafBase}/mon-compte`);
    await home.getByRole('heading', { name: 'Connexion avec FranceConnect' }).waitFor();
    await home.getByRole('link', { name: 'Dissocier' }).click();
    await home.getByRole('button', { name: 'Dissocier' }).click();
    await home.getByText("Votre compte n'est plus associé à FranceConnect.").waitFor();
    assert.equal(linkCount(), links0);
    assert.deepEqual(linkAudit('external_link.removed').map((d) => [d.provider, d.reason]), [['franceconnect', 'owner']]);
    await context.close();

    // The pivot still matches the account, but its owner unlinked it: the person is asked again.
    const again = await freshPage();
    await throughFranceConnect(again.page, 'ange.corse');
    await again.page.getByText("Nous n'avons pas trouvé de compte Caf correspondant à votre identité FranceConnect.").waitFor();
    assert.equal(linkCount(), links0);
    await again.context.close();
  });

  test('a known link to a disabled account logs nobody in: the refusal page, no code for the client', async () => {
    // The link of the first test (aicha.presumee → her account), then the account disabled.
    const [{ account_id: aicha }] = sql("SELECT account_id FROM external_links WHERE provider = 'franceconnect' ORDER BY created_at LIMIT 1");
    sql(`UPDATE accounts SET status = 'disabled' WHERE id = ${aicha}`);
    try {
      const { context, page } = await freshPage();
      let reachedClient = false;
      page.on('request', (r) => { if (r.url().startsWith(RP_REDIRECT)) reachedClient = true; });
      await throughFranceConnect(page, 'aicha.presumee');
      await page.getByRole('heading', { name: 'Connexion avec FranceConnect impossible' }).waitFor();
      await page.getByText("La connexion à votre compte Caf n'est pas possible. Pour en savoir plus, contactez votre Caf.").waitFor();
      assert.equal(reachedClient, false, 'no code for the client');
      const home = await context.request.get(`${cafBase}/mon-compte`, { maxRedirects: 0 });
      assert.match(home.headers().location ?? '', /\/connexion/, 'no session');
      await context.close();
    } finally {
      sql(`UPDATE accounts SET status = 'active' WHERE id = ${aicha}`);
    }
  });

  test('two accounts share the pivot → no automatic link: the choice page', async () => {
    // One account with that pivot: homonyme.deux is linked to it by the pivot.
    importAccounts('homonyme-1', [HOMONYME('1900259350011')]);
    const links0 = linkCount();
    const first = await freshPage();
    await throughFranceConnect(first.page, 'homonyme.deux');
    await first.page.getByText('Votre compte FranceConnect a été associé à votre compte Caf').waitFor();
    assert.equal(linkCount(), links0 + 1);
    await first.context.close();

    // A second one: homonyme.un (another FranceConnect identity, the same pivot) matches both.
    importAccounts('homonyme-2', [HOMONYME('1900259350022')]);
    // (From the creation page's FranceConnect button: the same flow.)
    const { context, page } = await freshPage();
    await throughFranceConnect(page, 'homonyme.un', { fromCreation: true });
    await page.getByText("Nous n'avons pas trouvé de compte Caf correspondant à votre identité FranceConnect.").waitFor();
    await page.getByRole('button', { name: 'Associer mon compte' }).waitFor();
    assert.equal(linkCount(), links0 + 1, 'nothing linked');
    const home = await context.request.get(`${cafBase}/mon-compte`, { maxRedirects: 0 });
    assert.match(home.headers().location ?? '', /\/connexion/, 'no session');

    // The person says which one is theirs; the client's interaction was kept all along.
    await page.getByLabel('Numéro de Sécurité sociale').fill('1900259350022');
    await page.getByLabel('Mot de passe', { exact: true }).fill(HOMONYME('').password);
    await page.getByRole('button', { name: 'Associer mon compte' }).click();
    await page.getByText('Votre identité FranceConnect est maintenant associée à votre compte.').waitFor();
    const landed = landedOnClient(page);
    await page.getByRole('link', { name: 'Continuer' }).click();
    assert.equal((await landed).searchParams.get('state'), 'rp-state');
    assert.equal(linkCount(), links0 + 2);
    await context.close();
  });
});
