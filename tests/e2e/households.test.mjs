// End-to-end tests of households and delegation (SPEC.md §7): the real `cafconnect` binary (a
// household set up with `cafconnect import`), the demo caf.fr portal (examples/portal,
// openid-client) asking scope caf_dossier, and headless Chromium on the real pages. The
// allocataire answers the one-time question, the spouse's portal shows the permissions it
// brings; withdrawn in "Mes autorisations", they go at the spouse's refresh and next login.
//
//   CAFCONNECT_BINARY=build-households/cafconnect node --test tests/e2e/households.test.mjs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { hasChromium, launchBrowser } from './support/browser.mjs';
import { cafconnectBinary } from './support/cafconnect.mjs';
import { startCafConnectWithPortal } from './support/portal.mjs';

const run = promisify(execFile);

// Fictitious accounts of this test only (not the demo ones), in dossier 8000001.
const PASSWORD = 'Foyer2024Caf';
const PAUL = { nir: '1750575056012', display: '1 75 05 75 056 012', name: 'Paul TESTEUR' };
const LINA = { nir: '2790675056023', display: '2 79 06 75 056 023', name: 'Lina TESTEUR' };
const LINES = [
  { nir: PAUL.nir, password: PASSWORD, cgu_version: '2024-03', password_changed_at: '2024-04-02', civilite: 'Monsieur',
    birth_name: 'TESTEUR', first_names: 'Paul', birth_date: '1975-05-03', birth_place: '75056',
    dossier: { numero: '8000001', role: 'allocataire' } },
  { nir: LINA.nir, password: PASSWORD, cgu_version: '2024-03', password_changed_at: '2024-04-02', civilite: 'Madame',
    birth_name: 'TESTEUR', first_names: 'Lina', birth_date: '1979-06-21', birth_place: '75056',
    dossier: { numero: '8000001', role: 'conjoint' } },
];

describe('headless Chromium: delegation between the members of a dossier', { skip: !hasChromium() && 'no Chromium' }, () => {
  let stack;   // Caf Connect and the demo portal
  let caf;
  let portalBase;
  let browser;

  async function importHousehold() {
    const file = join(caf.dir, 'household.jsonl');
    await writeFile(file, `${LINES.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { stdout } = await run(cafconnectBinary(), ['import', '--config', caf.configFile, file]);
    return JSON.parse(stdout.trim());
  }

  before(async () => {
    stack = await startCafConnectWithPortal();
    ({ caf, portalBase } = stack);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const nirField = (page) => page.getByLabel(/Numéro de sécurité sociale/i).and(page.locator('input'));
  const passwordField = (page) => page.getByLabel(/^Mot de passe/).and(page.locator('input[type="password"]'));

  // From the portal's "Mon Compte" to Caf Connect's login form, filled and sent.
  async function logIn(context, person) {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${portalBase}/`);
    await page.getByRole('button', { name: 'Mon Compte' }).click();
    await nirField(page).fill(person.display);
    await passwordField(page).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    return page;
  }
  const permissions = async (page) => page.locator('#dossier-permissions li').evaluateAll(
    (items) => items.map((li) => li.dataset.permission));

  it('cafconnect import sets the household up once', async () => {
    assert.deepEqual(await importHousehold(), { created: 2, unchanged: 0, memberships_added: 2, failed: 0 });
    assert.deepEqual(await importHousehold(), { created: 0, unchanged: 2, memberships_added: 0, failed: 0 });
  });

  it('the allocataire grants the delegation, the spouse gets the dossier; withdrawn, it goes', async () => {
    const paul = await browser.newContext({ locale: 'fr-FR' });
    const lina = await browser.newContext({ locale: 'fr-FR' });
    try {
      // 1. Paul's first login: the one-time question, answered Oui.
      const paulPage = await logIn(paul, PAUL);
      await paulPage.getByRole('heading', { name: 'Mes autorisations', level: 1 }).waitFor();
      assert.ok(paulPage.url().startsWith(`${caf.issuer}/connexion/etapes`), paulPage.url());
      await paulPage.getByText('Vous êtes le responsable de votre dossier Caf.').waitFor();
      await paulPage.getByText(`J'autorise ${LINA.name} à consulter les données du dossier et à réaliser les démarches.`).waitFor();
      await paulPage.getByRole('button', { name: 'Passer' }).waitFor();
      await paulPage.getByLabel('Oui', { exact: true }).check();
      await paulPage.getByRole('button', { name: 'Continuer' }).click();
      // The confirmation of SPEC.md §7, then on to the portal.
      await paulPage.getByText('Nous vous confirmons que votre conjoint est maintenant autorisé à consulter '
        + "l'ensemble du dossier et à réaliser les démarches en ligne.").waitFor();
      await paulPage.getByRole('link', { name: 'Continuer' }).click();

      // Back on the portal: his dossier, his delegation.
      await paulPage.getByRole('heading', { name: 'Bonjour Paul TESTEUR' }).waitFor();
      assert.equal(await paulPage.locator('#dossier-numero').textContent(), '8000001');
      assert.equal(await paulPage.locator('#dossier-delegation').textContent(), `Vous autorisez ${LINA.name} à gérer votre dossier`);
      await paulPage.getByText('Vous pouvez gérer les autorisations de votre conjoint(e)').waitFor();

      // 2. Lina logs in (no question for the spouse): the whole dossier.
      const linaPage = await logIn(lina, LINA);
      await linaPage.getByRole('heading', { name: 'Bonjour Lina TESTEUR' }).waitFor();
      assert.equal(await linaPage.locator('#dossier-role').textContent(), 'Conjoint(e)');
      assert.equal(await linaPage.locator('#dossier-delegation').textContent(), `${PAUL.name} vous autorise à gérer le dossier`);
      await linaPage.getByText('Vous pouvez consulter les droits et les paiements').waitFor();
      assert.ok((await permissions(linaPage)).includes('dossier.read'));
      assert.ok(!(await permissions(linaPage)).includes('delegation.manage'));

      // 3. Paul withdraws it in "Gérer Mon Compte" > "Mes autorisations" (his SSO session).
      await paulPage.goto(`${caf.issuer}/mon-compte`);
      await paulPage.getByRole('link', { name: 'Mes autorisations' }).click();
      await paulPage.getByText(`vous avez donné les droits de gestion de votre dossier à ${LINA.name}`).waitFor();
      await paulPage.getByLabel('Non', { exact: true }).check();
      await paulPage.getByRole('button', { name: 'Valider' }).click();
      await paulPage.getByText('Nous vous confirmons que votre conjoint ne peut plus consulter l\'ensemble du dossier et réaliser les démarches en ligne.').waitFor();
      await paulPage.getByText("Aujourd'hui, vous êtes seul à pouvoir consulter les données du dossier.").waitFor();

      // 4. Lina's portal refreshes (refresh token, then userinfo): her own part only.
      await linaPage.getByRole('button', { name: 'Actualiser mes droits' }).click();
      await linaPage.locator('#dossier-delegation', { hasText: "Vous n'avez pas de délégation de gestion du dossier" }).waitFor();
      assert.deepEqual(await permissions(linaPage), [
        'request.aah', 'request.ajpa', 'request.bafa', 'request.pala', 'separation.declare',
        'contact_caf.phone_visit', 'own_data.read', 'own_contact.update']);
      assert.equal(await linaPage.getByText('Vous pouvez consulter les droits et les paiements').count(), 0);
      await linaPage.getByText('Vous pouvez déclarer une séparation').first().waitFor();

      // 5. Lina sees the state in her own "Mes autorisations", without a form.
      await linaPage.goto(`${caf.issuer}/mon-compte/autorisations`);
      await linaPage.getByText(`${PAUL.name}, responsable du dossier, ne vous a pas autorisé(e)`).waitFor();
      assert.equal(await linaPage.getByLabel('Oui', { exact: true }).count(), 0);
    } finally {
      await paul.close();
      await lina.close();
    }

    // 6. Lina's next login, in a fresh browser: still without the delegation.
    const again = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await logIn(again, LINA);
      await page.getByRole('heading', { name: 'Bonjour Lina TESTEUR' }).waitFor();
      assert.equal(await page.locator('#dossier-numero').textContent(), '8000001');
      assert.ok(!(await permissions(page)).includes('payments.read'));
    } finally {
      await again.close();
    }
  });
});
