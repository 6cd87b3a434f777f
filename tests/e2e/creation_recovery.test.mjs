// End-to-end tests of account creation and password recovery (issue 5, SPEC.md §4, §6): the real
// `cafconnect` binary, the demo caf.fr portal (examples/portal, openid-client) and headless
// Chromium on the real French pages. Codes are read from the development outbox. The captcha is the
// external provider (`[captcha] provider = "external"`) pointed at the stand-in captcha service of
// support/captcha_service.mjs, whose answer is always CAPTCHA_ANSWER: the real external-captcha
// path, end to end (challenge, image on the service's origin, verification with the bearer token).
//
//   node --test tests/e2e/creation_recovery.test.mjs
//   CAFCONNECT_BINARY=build/cafconnect node --test --test-reporter=spec tests/e2e/creation_recovery.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { hasChromium, launchBrowser } from './support/browser.mjs';
import { CAPTCHA_ANSWER, captchaToml, startCaptchaService } from './support/captcha_service.mjs';
import { portalClient, startCafConnect } from './support/cafconnect.mjs';
import { readOutbox, waitForOutboxMessage } from './support/outbox.mjs';
import { freePort, startProcess } from './support/processes.mjs';

const PORTAL_SECRET = 'caf-portal-e2e-secret-0123456789';

// Demo account (examples/demo-accounts.jsonl): mail and phone known.
const JEAN = {
  nir: '1 63 06 31 555 082',
  birthName: 'FICTIF',
  password: 'Demo2024Caf',
  email: 'jean.fictif@example.test',
  phone: '0600000001',
};

// ---------------------------------------------------------------------------------------------
// Fictitious NIRs built to agree with the état civil typed: sex digit, year, month, département +
// commune (INSEE code), order number, and the key 97 − (number mod 97).

function nirKey(thirteen) {
  const digits = thirteen.replace(/2A/i, '19').replace(/2B/i, '18');
  return String(97 - Number(BigInt(digits) % 97n)).padStart(2, '0');
}

function makeNir({ sex, year, month, commune, order }) {
  const body = `${sex}${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}${commune}${order}`;
  assert.equal(body.length, 13, body);
  return { body, key: nirKey(body), typed: `${body.slice(0, 1)} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10, 13)}` };
}

test_nir_key_self_check();
function test_nir_key_self_check() {
  // The demo account's documented key (examples/demo-accounts.md: "1 63 06 31 555 082 51").
  assert.equal(nirKey('1630631555082'), '51');
}

// ---------------------------------------------------------------------------------------------
// Page helpers (labels of web/templates/account_creation_*.mustache, account_recovery_*.mustache,
// account_login.mustache).

const nirLoginField = (page) => page.getByLabel(/Numéro de sécurité sociale/i).and(page.locator('input'));
const passwordLoginField = (page) => page.getByLabel(/^Mot de passe/).and(page.locator('input[type="password"]'));
const WRONG_CREDENTIALS_NIR = /Vos numéro de Sécurité sociale et\/ou mot de passe sont incorrects\./;

async function fillCaptchaIfShown(page) {
  const field = page.getByLabel('Saisir les caractères ci-dessus');
  if (await field.count()) {
    const src = await page.locator('img.captcha-image').first().getAttribute('src');
    assert.ok(src?.startsWith('http://127.0.0.1:'), `captcha image from the external service, got ${src}`);
    await field.fill(CAPTCHA_ANSWER.toLowerCase()); // "majuscules ou minuscules"
  }
}

/** Intro → "Commencer": the état civil page. */
async function startWizard(page) {
  await page.getByRole('heading', { name: 'Créer Mon Compte' }).waitFor();
  await page.getByText('Pour créer mon espace, 3 étapes et 5 à 10 minutes sont nécessaires').waitFor();
  await page.getByRole('button', { name: 'Commencer' }).click();
  await page.getByRole('heading', { name: 'État civil' }).waitFor();
  await page.getByText('Je possède un numéro de Sécurité sociale ?').waitFor();
}

/**
 * Fills and submits the état civil page.
 * person: {nir?, civilite: 'Madame'|'Monsieur', birthName, firstNames, birthDate 'JJ/MM/AAAA',
 *          departement?, commune?, country?, city?, parents?: [[name, firstNames], [name, firstNames]]}
 */
async function fillCivilStatus(page, person) {
  const hasNir = page.getByRole('group', { name: 'Je possède un numéro de Sécurité sociale ?' });
  if (person.nir) {
    await hasNir.getByLabel('Oui', { exact: true }).check();
    await page.getByLabel('Numéro de Sécurité sociale (si Oui)').fill(person.nir);
  } else {
    await hasNir.getByLabel('Non', { exact: true }).check();
  }
  await page.getByLabel(person.civilite, { exact: true }).check();
  await page.getByLabel('Nom de naissance', { exact: true }).fill(person.birthName);
  await page.getByLabel('Prénom(s)', { exact: true }).fill(person.firstNames);
  await page.getByLabel('Date de naissance (format de saisie JJ/MM/AAAA)').fill(person.birthDate);
  if (person.country) {
    await page.getByLabel('Étranger', { exact: true }).check();
    await page.getByLabel(/^Pays de naissance/).fill(person.country);
    await page.getByLabel(/^Ville de naissance/).fill(person.city);
  } else {
    await page.getByLabel(/^France métropolitaine ou Départements/).check();
    await page.getByLabel(/^Département de naissance/).fill(person.departement);
    await page.getByLabel(/^Commune de naissance/).fill(person.commune);
  }
  // "Je réside en France" and the postal code of the lieu de résidence.
  await page.getByRole('group', { name: 'Je réside en France' }).getByLabel('Oui', { exact: true }).check();
  await page.getByLabel(/^Lieu de résidence/).fill(person.postalCode ?? '69001');
  if (person.parents) {
    const [[p1n, p1p], [p2n, p2p]] = person.parents;
    await page.getByLabel('Nom de naissance du parent 1').fill(p1n);
    await page.getByLabel('Prénom(s) du parent 1').fill(p1p);
    await page.getByLabel('Nom de naissance du parent 2').fill(p2n);
    await page.getByLabel('Prénom(s) du parent 2').fill(p2p);
  }
  // Every draft answers the captcha, with or without a NIR.
  await page.getByText('Vérification de sécurité', { exact: true }).waitFor();
  await fillCaptchaIfShown(page);
  await page.getByRole('button', { name: 'Continuer' }).click();
}

/** The identity document page: skipped (with a NIR) or "Je ne dispose pas…" then confirmed. */
async function passIdentityDocument(page, { withoutDocument = false } = {}) {
  await page.getByText("Je sélectionne ma pièce d'identité").waitFor();
  if (withoutDocument) {
    await page.getByRole('button', { name: "Je ne dispose pas d'une pièce d'identité française" }).click();
    await page.getByText("Attention, si vous déclarez ne pas posséder une pièce d'identité délivrée par les autorités françaises, vous devrez fournir les justificatifs nécessaires au traitement de vos demandes.").waitFor();
  }
  await page.getByRole('button', { name: 'Continuer' }).click();
}

/** Contact page → "Envoyer le code" → code page; returns the code read from the outbox. */
async function sendContactCode(page, caf, contact) {
  await page.getByRole('heading', { name: 'Coordonnées de contact' }).waitFor();
  const before = (await readOutbox(caf.outbox)).length;
  if (contact.phone) {
    await page.getByRole('radio', { name: 'Numéro de téléphone portable', exact: true }).check();
    await page.getByLabel('Numéro de téléphone portable (10 chiffres)').fill(contact.phone);
    await page.getByLabel('Confirmer le numéro de téléphone portable').fill(contact.phone);
  } else {
    await page.getByRole('radio', { name: 'Adresse mail', exact: true }).check();
    await page.getByRole('textbox', { name: 'Adresse mail', exact: true }).fill(contact.email);
    await page.getByLabel("Confirmer l'adresse mail").fill(contact.email);
  }
  await page.getByRole('button', { name: 'Envoyer le code' }).click();
  await page.getByRole('heading', { name: 'Vérification de mes coordonnées de contact' }).waitFor();
  await page.getByText("Vous n'avez rien reçu ?").waitFor();
  const recipient = contact.phone ?? contact.email;
  const message = await waitForOutboxMessage(caf.outbox,
    (m) => m.template === 'notification_code' && m.recipient === recipient
      && m.channel === (contact.phone ? 'sms' : 'email'), 10_000, { after: before });
  assert.match(message.code, /^\d{6}$/);
  return message.code;
}

async function typeCreationCode(page, contact, code) {
  await page.getByLabel(contact.phone ? 'Code de vérification reçu par SMS' : 'Code de vérification reçu par mail').fill(code);
  await page.getByRole('button', { name: 'Valider', exact: true }).click();
}

async function choosePassword(page, password) {
  await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(password);
  await page.getByLabel("J'ai pris connaissance des conditions générales d'utilisation et je les accepte").check();
  await page.getByRole('button', { name: 'Continuer' }).click();
}

/** /connexion (NIR, or provisional identifier), "Se connecter"; returns the page after the click. */
async function loginOnCaf(context, caf, { identifier, password, provisional = false }) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${caf.issuer}/connexion`);
  if (provisional) {
    await page.getByRole('link', { name: "J'ai un identifiant provisoire" }).click();
    await page.getByLabel('Identifiant provisoire', { exact: true }).fill(identifier);
  } else {
    await nirLoginField(page).fill(identifier);
  }
  await passwordLoginField(page).fill(password);
  await fillCaptchaIfShown(page);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  return page;
}

async function expectLoggedIn(page, caf, { provisional = false } = {}) {
  await page.waitForURL((u) => u.href.startsWith(`${caf.issuer}/mon-compte`), { timeout: 10_000 });
  await page.getByRole('heading', { name: 'Gérer Mon Compte' }).waitFor();
  await page.getByText(/^Bonjour/).first().waitFor();
  await page.getByText(provisional ? 'Mon identifiant provisoire' : 'Mon numéro de Sécurité sociale').first().waitFor();
}

async function expectWrongCredentials(page, pattern = WRONG_CREDENTIALS_NIR) {
  await page.getByText(pattern).first().waitFor();
  assert.ok(!page.url().includes('/mon-compte'), page.url());
}

// ---------------------------------------------------------------------------------------------

describe('headless Chromium: account creation and password recovery on the real pages',
  { skip: !hasChromium() && 'no Chromium' }, () => {
    let caf;
    let captcha;
    let portalBase;
    let portalProc;
    let browser;

    before(async () => {
      captcha = await startCaptchaService();
      portalBase = `http://localhost:${await freePort()}`;
      caf = await startCafConnect({
        clients: [portalClient({ redirectUris: [`${portalBase}/callback`], postLogoutRedirectUris: [`${portalBase}/`] })],
        extraToml: captchaToml(captcha),
      });
      portalProc = await startProcess('node', ['examples/portal/server.mjs'], {
        env: {
          PORTAL_PORT: new URL(portalBase).port,
          PORTAL_ISSUER: caf.issuer,
          PORTAL_CLIENT_ID: 'caf-portal',
          PORTAL_CLIENT_SECRET: PORTAL_SECRET,
          PORTAL_CLIENT_AUTH: 'client_secret_basic',
          PORTAL_BASE_URL: portalBase,
        },
      });
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await portalProc?.stop();
      await caf?.stop();
      await captcha?.stop();
    });

    async function newPage(context) {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      return page;
    }

    it('creation with a NIR, started by the portal with prompt=create, ends logged in on the portal', async () => {
      const nir = makeNir({ sex: 1, year: 1990, month: 5, commune: '69123', order: '987' });
      const person = {
        nir: nir.typed, civilite: 'Monsieur', birthName: 'ESSAIBOUT', firstNames: 'Gaston', birthDate: '17/05/1990',
        departement: '69', commune: '69123',
      };
      const contact = { phone: '0700000101' };
      const context = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(context);
        await page.goto(`${portalBase}/`);
        await page.getByRole('button', { name: 'Créer un compte' }).click();
        await page.waitForURL((u) => u.href.startsWith(`${caf.issuer}/creer-mon-compte`));
        await startWizard(page);
        await fillCivilStatus(page, person);
        await passIdentityDocument(page);
        const code = await sendContactCode(page, caf, contact);
        await typeCreationCode(page, contact, code);
        const before = (await readOutbox(caf.outbox)).length;
        await choosePassword(page, 'Essaibout2026Caf');

        await page.getByRole('heading', { name: /^Bonjour / }).waitFor();
        assert.ok(page.url().startsWith(`${portalBase}/compte`), page.url());
        const heading = await page.getByRole('heading', { name: /^Bonjour / }).textContent();
        assert.match(heading, /Gaston/i, heading);
        const confirmation = await waitForOutboxMessage(caf.outbox,
          (m) => m.template === 'notification_account_created' && m.recipient === contact.phone, 10_000, { after: before });
        assert.match(confirmation.text, /Vous venez de créer votre Espace Mon Compte\. Pour y accéder, utilisez votre numéro de Sécurité sociale\./);
      } finally {
        await context.close();
      }
    });

    it('creation without NIR gives a P identifier on the recap, and that identifier logs in', async () => {
      const person = {
        civilite: 'Madame', birthName: 'ESSAIPROVISOIRE', firstNames: 'Nadia', birthDate: '03/02/1988',
        country: '99352', city: 'Alger', parents: [['ESSAIPROVISOIRE', 'Karim'], ['EXEMPLE', 'Leila']],
      };
      const contact = { email: 'nadia.essai@example.test' };
      const password = 'Provisoire2026Essai';
      const verificationsBefore = captcha.stats.successes;
      let identifier;
      const context = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(context);
        await page.goto(`${caf.issuer}/creer-mon-compte`);
        await startWizard(page);
        // The captcha image comes from the external service and is served.
        const image = page.locator('img.captcha-image');
        await image.waitFor();
        assert.ok((await image.getAttribute('src')).startsWith(`${captcha.origin}/images/`));
        const width = await image.evaluate(async (img) => { await img.decode(); return img.naturalWidth; });
        assert.ok(width > 0, 'the captcha PNG is loaded (CSP img-src allows the service)');

        // A wrong answer is refused on the field.
        await page.getByRole('group', { name: 'Je possède un numéro de Sécurité sociale ?' })
          .getByLabel('Non', { exact: true }).check();
        await page.getByLabel('Saisir les caractères ci-dessus').fill('ZZZZZZ');
        await page.getByRole('button', { name: 'Continuer' }).click();
        await page.getByText("Les caractères saisis ne correspondent pas à l'image.").first().waitFor();

        await fillCivilStatus(page, person);
        assert.ok(captcha.stats.successes > verificationsBefore, 'the external service verified the answer');
        await passIdentityDocument(page, { withoutDocument: true });
        const code = await sendContactCode(page, caf, contact);
        await typeCreationCode(page, contact, code);
        const before = (await readOutbox(caf.outbox)).length;
        await choosePassword(page, password);

        await page.getByRole('heading', { name: 'Récapitulatif de ma création de compte' }).waitFor();
        const idText = await page.locator('p.identifier').textContent();
        const match = /Mon identifiant : (P\d{8})\b/.exec(idText.replace(/\s+/g, ' '));
        assert.ok(match, `recap identifier: ${idText}`);
        identifier = match[1];
        await page.getByText('Conservez bien cet identifiant').waitFor();
        await page.getByText(contact.email).first().waitFor();
        const confirmation = await waitForOutboxMessage(caf.outbox,
          (m) => m.template === 'notification_account_created' && m.recipient === contact.email, 10_000, { after: before });
        assert.ok(confirmation.text.includes(identifier), `the confirmation gives ${identifier}: ${confirmation.text}`);
      } finally {
        await context.close();
      }

      const again = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await loginOnCaf(again, caf, { identifier, password, provisional: true });
        await expectLoggedIn(page, caf, { provisional: true });
      } finally {
        await again.close();
      }
    });

    async function recoverPassword(channel, newPassword) {
      const context = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(context);
        await page.goto(`${caf.issuer}/mot-de-passe-oublie`);
        await page.getByRole('heading', { name: 'Mot de passe oublié' }).waitFor();
        await page.getByLabel('Numéro de Sécurité sociale', { exact: true }).fill(JEAN.nir);
        await page.getByLabel('Nom de naissance', { exact: true }).fill(JEAN.birthName);
        await fillCaptchaIfShown(page);
        await page.getByRole('button', { name: 'Valider', exact: true }).click();

        await page.getByText('Nous allons vous envoyer un code de vérification par :').waitFor();
        const label = channel === 'sms' ? /^SMS :/ : /^Adresse mail :/;
        const radio = page.getByLabel(label);
        await radio.waitFor();
        const shown = await page.locator('fieldset').textContent();
        assert.ok(!shown.includes(JEAN.email) && !shown.includes(JEAN.phone), `contacts are masked: ${shown}`);
        await radio.check();
        const before = (await readOutbox(caf.outbox)).length;
        await page.getByRole('button', { name: 'Envoyer le code' }).click();
        await page.getByText(/Saisissez le code de vérification que nous venons de vous envoyer/).waitFor();
        await page.getByText('A noter : ce code de vérification est à usage unique.', { exact: false }).waitFor();
        const recipient = channel === 'sms' ? JEAN.phone : JEAN.email;
        const msg = await waitForOutboxMessage(caf.outbox,
          (m) => m.template === 'notification_code' && m.recipient === recipient && m.channel === channel, 10_000, { after: before });
        await page.getByLabel('Code de vérification', { exact: true }).fill(msg.code);
        await page.getByRole('button', { name: 'Valider', exact: true }).click();

        await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
        await page.getByLabel('Confirmation du nouveau mot de passe', { exact: true }).fill(newPassword);
        await page.getByRole('button', { name: 'Continuer' }).click();
        await page.getByRole('heading', { name: 'Nouveau mot de passe enregistré' }).waitFor();
        await page.getByText('Votre mot de passe a été modifié avec succès.').waitFor();
      } finally {
        await context.close();
      }
    }

    async function checkPasswords(good, old) {
      const ctxOld = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await loginOnCaf(ctxOld, caf, { identifier: JEAN.nir, password: old });
        await expectWrongCredentials(page);
      } finally {
        await ctxOld.close();
      }
      const ctxNew = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await loginOnCaf(ctxNew, caf, { identifier: JEAN.nir, password: good });
        await expectLoggedIn(page, caf);
      } finally {
        await ctxNew.close();
      }
    }

    it('recovery by mail: new password, then it logs in and the old one no longer does', async () => {
      await recoverPassword('email', 'Recupere2026Mail');
      await checkPasswords('Recupere2026Mail', JEAN.password);
    });

    it('recovery by SMS: new password, then it logs in and the previous one no longer does', async () => {
      await recoverPassword('sms', 'Recupere2026Sms');
      await checkPasswords('Recupere2026Sms', 'Recupere2026Mail');
    });

    it('a wrong code is refused with the French message (creation and recovery)', async () => {
      const nir = makeNir({ sex: 2, year: 1979, month: 11, commune: '69381', order: '876' });
      const person = {
        nir: nir.typed, civilite: 'Madame', birthName: 'ESSAICODE', firstNames: 'Irene', birthDate: '08/11/1979',
        departement: '69', commune: '69381',
      };
      const contact = { phone: '0700000102' };
      const context = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(context);
        await page.goto(`${caf.issuer}/creer-mon-compte`);
        await startWizard(page);
        await fillCivilStatus(page, person);
        await passIdentityDocument(page);
        const code = await sendContactCode(page, caf, contact);
        const wrong = code === '000000' ? '111111' : '000000';
        await typeCreationCode(page, contact, wrong);
        await page.getByText(/Le code saisi est incorrect\. Il vous reste \d+ essais?\./).first().waitFor();
        await page.getByRole('heading', { name: 'Vérification de mes coordonnées de contact' }).waitFor();
        // The right code still works afterwards.
        await typeCreationCode(page, contact, code);
        await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
      } finally {
        await context.close();
      }

      // Recovery: same message.
      const rc = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(rc);
        await page.goto(`${caf.issuer}/mot-de-passe-oublie`);
        await page.getByLabel('Numéro de Sécurité sociale', { exact: true }).fill(JEAN.nir);
        await page.getByLabel('Nom de naissance', { exact: true }).fill(JEAN.birthName);
        await fillCaptchaIfShown(page);
        await page.getByRole('button', { name: 'Valider', exact: true }).click();
        await page.getByLabel(/^Adresse mail :/).check();
        const before = (await readOutbox(caf.outbox)).length;
        await page.getByRole('button', { name: 'Envoyer le code' }).click();
        const msg = await waitForOutboxMessage(caf.outbox,
          (m) => m.template === 'notification_code' && m.recipient === JEAN.email, 10_000, { after: before });
        await page.getByLabel('Code de vérification', { exact: true }).fill(msg.code === '000000' ? '111111' : '000000');
        await page.getByRole('button', { name: 'Valider', exact: true }).click();
        await page.getByText(/Le code saisi est incorrect\. Il vous reste \d+ essais?\./).first().waitFor();
        await page.getByRole('button', { name: 'Abandonner' }).click();
        await page.waitForURL((u) => u.pathname.startsWith('/connexion'));
      } finally {
        await rc.close();
      }
    });

    it('an abandoned wizard leaves no account', async () => {
      const nir = makeNir({ sex: 1, year: 1995, month: 8, commune: '69266', order: '765' });
      const person = {
        nir: nir.typed, civilite: 'Monsieur', birthName: 'ESSAIABANDON', firstNames: 'Paul', birthDate: '21/08/1995',
        departement: '69', commune: '69266',
      };
      const contact = { phone: '0700000103' };
      const password = 'Abandon2026Essai';

      // 1. Up to the password page, then "Quitter".
      const c1 = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(c1);
        await page.goto(`${caf.issuer}/creer-mon-compte`);
        await startWizard(page);
        await fillCivilStatus(page, person);
        await passIdentityDocument(page);
        const code = await sendContactCode(page, caf, contact);
        await typeCreationCode(page, contact, code);
        await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
        await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
        await page.getByRole('button', { name: 'Quitter' }).click();
        await page.waitForURL((u) => u.pathname.startsWith('/connexion'));
      } finally {
        await c1.close();
      }

      // 2. Again up to the password page, and the browser just goes away.
      const c2 = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(c2);
        await page.goto(`${caf.issuer}/creer-mon-compte`);
        await startWizard(page);
        await fillCivilStatus(page, person);
        await passIdentityDocument(page);
        const code = await sendContactCode(page, caf, contact);
        await typeCreationCode(page, contact, code);
        await page.getByRole('heading', { name: 'Choisir son mot de passe' }).waitFor();
      } finally {
        await c2.close();
      }

      // No account: the login gives the generic wrong-credentials message…
      const c3 = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await loginOnCaf(c3, caf, { identifier: nir.typed, password });
        await expectWrongCredentials(page);
      } finally {
        await c3.close();
      }

      // …the recovery sends nothing to the contact typed in the wizard…
      const c4 = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(c4);
        await page.goto(`${caf.issuer}/mot-de-passe-oublie`);
        await page.getByLabel('Numéro de Sécurité sociale', { exact: true }).fill(nir.typed);
        await page.getByLabel('Nom de naissance', { exact: true }).fill(person.birthName);
        await fillCaptchaIfShown(page);
        const before = (await readOutbox(caf.outbox)).length;
        await page.getByRole('button', { name: 'Valider', exact: true }).click();
        // An identifier without an account gets decoy channels drawn from the data keys, which
        // are new on every run: now and then none, as for a real account without contact data.
        const offered = page.getByText('Nous allons vous envoyer un code de vérification par :');
        const none = page.getByText(/Nous ne pouvons pas vous envoyer de code de vérification/);
        await offered.or(none).waitFor();
        if (await offered.isVisible()) {
          await page.locator('input[name="canal"]').first().check();
          await page.getByRole('button', { name: 'Envoyer le code' }).click();
          await page.getByText(/Saisissez le code de vérification que nous venons de vous envoyer/).waitFor();
        }
        await new Promise((r) => setTimeout(r, 1000));
        const sent = (await readOutbox(caf.outbox)).slice(before);
        assert.deepEqual(sent.filter((m) => m.recipient === contact.phone), [], 'no code to the abandoned contact');
      } finally {
        await c4.close();
      }

      // …and a new creation with the same NIR is not told "déjà un compte".
      const c5 = await browser.newContext({ locale: 'fr-FR' });
      try {
        const page = await newPage(c5);
        await page.goto(`${caf.issuer}/creer-mon-compte`);
        await startWizard(page);
        await fillCivilStatus(page, person);
        await page.getByText("Je sélectionne ma pièce d'identité").waitFor();
        assert.equal(await page.getByText('Ce numéro de Sécurité sociale a déjà un Espace Mon Compte.').count(), 0);
      } finally {
        await c5.close();
      }
    });

    it('the captcha service saw only authorised calls', () => {
      assert.equal(captcha.stats.unauthorised, 0);
      assert.ok(captcha.stats.challenges > 0 && captcha.stats.successes > 0, JSON.stringify(captcha.stats));
    });
  });

// A separate server whose mail codes live 3 seconds: a code typed after that shows the expiry
// message.
describe('headless Chromium: an expired code', { skip: !hasChromium() && 'no Chromium' }, () => {
  let caf;
  let captcha;
  let browser;

  before(async () => {
    captcha = await startCaptchaService();
    caf = await startCafConnect({
      extraToml: `${captchaToml(captcha)}\n[verification_codes]\nemail_validity_seconds = 3\n`,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await caf?.stop();
    await captcha?.stop();
  });

  it('a creation code typed after its validity shows "Ce code a expiré"', { timeout: 60_000 }, async () => {
    const nir = makeNir({ sex: 2, year: 2001, month: 1, commune: '69123', order: '654' });
    const person = {
      nir: nir.typed, civilite: 'Madame', birthName: 'ESSAIEXPIRE', firstNames: 'Lucie', birthDate: '30/01/2001',
      departement: '69', commune: '69123',
    };
    const contact = { email: 'lucie.expire@example.test' };
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`${caf.issuer}/creer-mon-compte`);
      await startWizard(page);
      await fillCivilStatus(page, person);
      await passIdentityDocument(page);
      const code = await sendContactCode(page, caf, contact);
      await page.getByText('Il est valable 3 secondes').waitFor();
      await new Promise((r) => setTimeout(r, 3_500));
      await typeCreationCode(page, contact, code);
      await page.getByText('Ce code a expiré. Demandez l\'envoi d\'un nouveau code.').first().waitFor();
      await page.getByRole('heading', { name: 'Vérification de mes coordonnées de contact' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
