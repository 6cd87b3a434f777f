// End-to-end tests of login security (issue 4, SPEC.md §2, §3, §5): the real `cafconnect` binary,
// the demo caf.fr portal (examples/portal, openid-client) and headless Chromium on the real pages.
// The legacy demo account walks the first connection (CGU, new password, code read from the
// development outbox) and lands on the portal; the captcha appears after three failures.
//
//   CAFCONNECT_BINARY=build-security/cafconnect node --test tests/e2e/login_security.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hasChromium, launchBrowser } from './support/browser.mjs';
import { readOutbox, waitForOutboxMessage } from './support/outbox.mjs';
import { startCafConnectWithPortal } from './support/portal.mjs';

// Demo accounts (examples/demo-accounts.jsonl).
const FLORENCE = { nir: '2 70 03 75 056 045', password: '12345678', phone: '0600000003', given_name: 'Florence', family_name: 'DUCHAIS' };
const ZOHRA = { nir: '2 85 11 2A 004 123' };
const NEW_PASSWORD = 'Duchais2024Caf';
describe('headless Chromium: login security on the real pages', { skip: !hasChromium() && 'no Chromium' }, () => {
  let stack;   // Caf Connect and the demo portal
  let caf;
  let portalBase;
  let browser;

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

  async function openLoginFromPortal(context) {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${portalBase}/`);
    await page.getByRole('button', { name: 'Mon Compte' }).click();
    await nirField(page).waitFor();
    assert.ok(page.url().startsWith(`${caf.issuer}/connexion`), page.url());
    return page;
  }

  it('the legacy account goes through CGU, new password and the SMS code, and lands on the portal', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await openLoginFromPortal(context);
      await nirField(page).fill(FLORENCE.nir);
      await passwordField(page).fill(FLORENCE.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();

      // "Votre connexion à Mon Compte change": 3 steps.
      await page.getByRole('heading', { name: /Votre connexion à « Mon Compte » change/ }).waitFor();
      await page.getByText('Pour faire ce changement, 3 étapes. 5 à 10 minutes sont nécessaires.').waitFor();
      assert.ok(page.url().startsWith(`${caf.issuer}/connexion/etapes`), page.url());
      await page.getByRole('button', { name: 'Commencer' }).click();

      // 1. CGU: refused without the box, accepted with it.
      await page.getByRole('heading', { name: "Conditions générales d'utilisation" }).waitFor();
      await page.getByText("Règles d'utilisation de l'Espace Mon Compte").waitFor();
      const box = page.getByLabel("J'ai pris connaissance des conditions générales d'utilisation et je les accepte");
      await box.check();
      await page.getByRole('button', { name: 'Continuer' }).click();

      // 2. New password, with the live checklist.
      await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
      const fresh = page.getByLabel('Nouveau mot de passe', { exact: true });
      await fresh.fill('abc');
      assert.equal(await page.locator('#checklist li.rule-ok').count(), 2, 'lower case and letters only');
      await fresh.fill(NEW_PASSWORD);
      assert.equal(await page.locator('#checklist li.rule-ok').count(), 5);
      await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Continuer' }).click();

      // 3. Contact data: the SMS, masked; the code from the outbox.
      await page.getByRole('heading', { name: 'Coordonnées de contact' }).waitFor();
      await page.getByText('06 ** ** ** 03').waitFor();
      assert.equal(await page.getByText(FLORENCE.phone).count(), 0, 'the number is never shown in full');
      const before = (await readOutbox(caf.outbox)).length;
      await page.getByLabel(/Numéro de téléphone portable/).check();
      await page.getByRole('button', { name: 'Envoyer le code' }).click();
      await page.getByText(/Nous venons de vous envoyer un code de vérification par SMS/).waitFor();
      await page.getByText("Vous n'avez rien reçu ?").waitFor();
      const sms = await waitForOutboxMessage(caf.outbox,
        (m) => m.channel === 'sms' && m.template === 'notification_code' && m.recipient === FLORENCE.phone, 10_000, { after: before });
      assert.match(sms.code, /^\d{6}$/);
      await page.getByLabel('Code de vérification reçu par SMS').fill(sms.code);
      await page.getByRole('button', { name: 'Valider', exact: true }).click();

      // The confirmation, then back into the interaction: the portal.
      await page.getByText('Vous venez de créer votre Espace Mon Compte. Pour y accéder, utilisez votre numéro de Sécurité sociale.').waitFor();
      await waitForOutboxMessage(caf.outbox,
        (m) => m.template === 'notification_account_created' && m.recipient === FLORENCE.phone, 10_000, { after: before });
      await page.getByRole('link', { name: 'Continuer sur le portail des Allocations Familiales' }).click();
      await page.getByRole('heading', { name: `Bonjour ${FLORENCE.given_name} ${FLORENCE.family_name}` }).waitFor();
      assert.ok(page.url().startsWith(`${portalBase}/compte`), page.url());
    } finally {
      await context.close();
    }

    // Next time the new password opens the session at once, the old one no longer does.
    const again = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await openLoginFromPortal(again);
      await nirField(page).fill(FLORENCE.nir);
      await passwordField(page).fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { name: `Bonjour ${FLORENCE.given_name} ${FLORENCE.family_name}` }).waitFor();
    } finally {
      await again.close();
    }
  });

  it('the captcha appears after three failures and is required', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await openLoginFromPortal(context);
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        await nirField(page).fill(ZOHRA.nir);
        await passwordField(page).fill('Mauvais2024Pass');
        await page.getByRole('button', { name: 'Se connecter' }).click();
        await page.getByText(/Vos numéro de Sécurité sociale et\/ou mot de passe sont incorrects\./).waitFor();
        const shown = await page.getByText('Vérification de sécurité', { exact: true }).count();
        assert.equal(shown > 0, attempt >= 3, `captcha after attempt ${attempt}`);
      }
      await page.getByText('Saisir les caractères ci-dessus').waitFor();
      const image = page.locator('img.captcha-image');
      await image.waitFor();
      assert.match(await image.getAttribute('src'), /^\/captcha\/[A-Za-z0-9_-]{22}\.png$/);
      const width = await image.evaluate(async (img) => { await img.decode(); return img.naturalWidth; });
      assert.ok(width > 0, 'the PNG is served');
      const firstSrc = await image.getAttribute('src');
      await page.getByRole('button', { name: 'Afficher une nouvelle image' }).click();
      await page.waitForFunction((src) => document.querySelector('img.captcha-image')?.getAttribute('src') !== src, firstSrc);

      // Without the characters the attempt is refused before the password is checked.
      await passwordField(page).fill('Mauvais2024Pass');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('alert').filter({ hasText: "Veuillez saisir les caractères de l'image" }).first().waitFor();
      await page.getByText('Vérification de sécurité', { exact: true }).waitFor();
    } finally {
      await context.close();
    }
  });
});
