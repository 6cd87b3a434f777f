// The bar of the households work (SPEC.md §7): the three households of the source documents — a
// single person, a couple (with and without delegation), a family with a child over 15 — set up
// only through the admin API (accounts imported with their passwords by POST /accounts/import,
// dossiers and members by the dossier endpoints), then every member logs in on the real demo
// portal (examples/portal, scope caf_dossier) in headless Chromium, and the portal shows exactly
// what the access matrix allows: dossier number, role, every permission sentence and no other,
// the delegation sentence.
//
// The delegation itself is never set through the admin API: by design only the allocataire grants
// or withdraws it (the API can only reset it when the couple changes). So the couple "with
// delegation" gets it from the allocataire on "Mes autorisations", in the browser.
//
//   CAFCONNECT_BINARY=build-admin/cafconnect node --test tests/e2e/households_admin.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { adminSession, backofficeClient, fictitiousNir } from './support/admin_api.mjs';
import { hasChromium, launchBrowser } from './support/browser.mjs';
import { startCafConnectWithPortal } from './support/portal.mjs';

const PASSWORD = 'Foyers2024Admin';

// The French sentences the portal shows, per row of the matrix (written out here, not read from
// the portal, so a wrong claim or a wrong sentence fails).
const WHOLE_DOSSIER = [
  'Vous pouvez consulter les données du dossier',
  'Vous pouvez consulter les droits et les paiements',
  'Vous pouvez consulter les courriers et courriels du dossier',
  'Vous pouvez déclarer des changements',
  'Vous pouvez réaliser les démarches en ligne',
  'Vous pouvez simuler ou demander une prestation',
  "Vous pouvez demander l'AAH",
  "Vous pouvez demander l'AJPA",
  "Vous pouvez demander l'aide au BAFA",
  'Vous pouvez demander le PALA',
  'Vous pouvez déclarer une séparation',
  'Vous pouvez écrire à votre Caf par courriel',
  "Vous pouvez contacter votre Caf par téléphone ou dans un point d'accueil",
  'Vous pouvez consulter vos données personnelles',
  'Vous pouvez modifier vos coordonnées de contact et votre mot de passe',
];
const MANAGES_DELEGATION = 'Vous pouvez gérer les autorisations de votre conjoint(e)';
const SPOUSE_WITHOUT_DELEGATION = [
  "Vous pouvez demander l'AAH",
  "Vous pouvez demander l'AJPA",
  "Vous pouvez demander l'aide au BAFA",
  'Vous pouvez demander le PALA',
  'Vous pouvez déclarer une séparation',
  "Vous pouvez contacter votre Caf par téléphone ou dans un point d'accueil",
  'Vous pouvez consulter vos données personnelles',
  'Vous pouvez modifier vos coordonnées de contact et votre mot de passe',
];
const OWN_DATA_ONLY = ['Vous pouvez consulter vos données personnelles'];

const ROLE = {
  allocataire: 'Responsable du dossier (allocataire)',
  conjoint: 'Conjoint(e)',
  enfant: 'Enfant',
};

// Fictitious people of this test only (indexes no other test uses).
function person(n, first, last, sex) {
  const nir = fictitiousNir(500_000 + n, sex);
  return { n, nir, first, last, name: `${first} ${last}` };
}
const SOLO = person(0, 'Sylvie', 'SEULE', 2);
const ALAIN = person(1, 'Alain', 'DELEGUE', 1);     // couple with delegation
const BEA = person(2, 'Béa', 'DELEGUE', 2);
const CYRIL = person(3, 'Cyril', 'RESERVE', 1);     // couple without delegation
const DORA = person(4, 'Dora', 'RESERVE', 2);
const EMILE = person(5, 'Émile', 'FAMILLE', 1);     // family
const FANNY = person(6, 'Fanny', 'FAMILLE', 2);
const GASPARD = person(7, 'Gaspard', 'FAMILLE', 1); // the child over 15
const PEOPLE = [SOLO, ALAIN, BEA, CYRIL, DORA, EMILE, FANNY, GASPARD];

const HOUSEHOLDS = [
  { numero: '9300001', members: [[SOLO, 'allocataire']] },
  { numero: '9300002', members: [[ALAIN, 'allocataire'], [BEA, 'conjoint']] },
  { numero: '9300003', members: [[CYRIL, 'allocataire'], [DORA, 'conjoint']] },
  { numero: '9300004', members: [[EMILE, 'allocataire'], [FANNY, 'conjoint'], [GASPARD, 'enfant']] },
];

function importLine(p) {
  const male = p.nir[0] === '1';
  return JSON.stringify({
    nir: p.nir, password: PASSWORD, cgu_version: '2024-03', password_changed_at: '2024-04-02',
    civilite: male ? 'Monsieur' : 'Madame', birth_name: p.last, first_names: p.first,
    birth_date: `19${p.nir.slice(1, 3)}-${p.nir.slice(3, 5)}-10`, birth_place: `${p.nir.slice(5, 7)}${p.nir.slice(7, 10)}`,
  });
}

describe('the households of the source documents, set up through the admin API, on the demo portal',
  { skip: !hasChromium() && 'no Chromium' }, () => {
    let stack;   // Caf Connect and the demo portal
    let caf;
    let portalBase;
    let admin;
    let browser;

    before(async () => {
      stack = await startCafConnectWithPortal({ clients: [backofficeClient()] });
      ({ caf, portalBase } = stack);
      admin = await adminSession(caf.issuer);
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
      await stack?.stop();
    });

    /** A fresh browser (no Caf Connect session), on the portal's "Mon Compte", through Caf Connect's
     *  login form; every URL the tab went through is kept (to see which pages were shown). */
    async function logIn(p) {
      const context = await browser.newContext({ locale: 'fr-FR' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const visited = [];
      page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) visited.push(frame.url()); });
      await page.goto(`${portalBase}/`);
      await page.getByRole('button', { name: 'Mon Compte' }).click();
      await page.getByLabel(/Numéro de sécurité sociale/i).and(page.locator('input')).fill(p.nir);
      await page.getByLabel(/^Mot de passe/).and(page.locator('input[type="password"]')).fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      return { context, page, visited };
    }

    async function waitForPortal(page, p) {
      await page.getByRole('heading', { name: `Bonjour ${p.name}` }).waitFor();
    }

    /** Everything the portal's "Mon dossier" shows. */
    async function portalDossier(page) {
      const delegation = page.locator('#dossier-delegation');
      return {
        numero: await page.locator('#dossier-numero').textContent(),
        role: await page.locator('#dossier-role').textContent(),
        delegation: (await delegation.count()) ? await delegation.textContent() : null,
        sentences: await page.locator('#dossier-permissions li').allTextContents(),
      };
    }

    /** Whether "Gérer Mon Compte" (Caf Connect, same browser session) offers "Mes autorisations". */
    async function hasAuthorisationsLink(page) {
      await page.goto(`${caf.issuer}/mon-compte`);
      await page.getByRole('heading', { name: 'Gérer Mon Compte' }).first().waitFor();
      return (await page.getByRole('link', { name: 'Mes autorisations' }).count()) === 1;
    }

    const stepPages = (visited) => visited.filter((u) => u.startsWith(`${caf.issuer}/connexion/etapes`));

    /** A member who has nothing to answer logs in with a fresh browser: what the portal shows,
     *  whether a step page came on the way, and whether "Gérer Mon Compte" has "Mes autorisations". */
    async function portalOf(p) {
      const { context, page, visited } = await logIn(p);
      try {
        await waitForPortal(page, p);
        return { ...await portalDossier(page), asked: stepPages(visited).length > 0,
          authorisations: await hasAuthorisationsLink(page) };
      } finally {
        await context.close();
      }
    }
    const CONFIRMATIONS = {
      Oui: "Nous vous confirmons que votre conjoint est maintenant autorisé à consulter l'ensemble du dossier et "
        + 'à réaliser les démarches en ligne.',
      Non: "Nous vous confirmons que votre conjoint ne peut plus consulter l'ensemble du dossier et réaliser les "
        + 'démarches en ligne.',
    };

    /** The allocataire's first login (`session` of logIn) meets the one-time question about
     *  `spouse`, answers it (Passer; Oui or Non, confirmed on a page), and lands on the portal. */
    async function answerQuestion({ page }, allocataire, spouse, answer) {
      await page.getByRole('heading', { name: 'Mes autorisations', level: 1 }).waitFor();
      await page.getByText(`J'autorise ${spouse.name} à consulter les données du dossier et à réaliser les démarches.`).waitFor();
      if (answer === 'Passer') {
        await page.getByRole('button', { name: 'Passer' }).click();
      } else {
        await page.getByLabel(answer, { exact: true }).check();
        await page.getByRole('button', { name: 'Continuer' }).click();
        await page.getByText(CONFIRMATIONS[answer]).waitFor();
        await page.getByRole('link', { name: 'Continuer' }).click();
      }
      await waitForPortal(page, allocataire);
      return portalDossier(page);
    }
    const allocataireOfCouple = (numero, spouse, granted) => ({
      numero, role: ROLE.allocataire, sentences: [...WHOLE_DOSSIER, MANAGES_DELEGATION],
      delegation: granted ? `Vous autorisez ${spouse.name} à gérer votre dossier`
        : `Vous n'autorisez pas ${spouse.name} à gérer votre dossier`,
    });
    const spouseWithout = (numero, allocataire) => ({
      numero, role: ROLE.conjoint, asked: false, authorisations: true, sentences: SPOUSE_WITHOUT_DELEGATION,
      delegation: `Vous n'avez pas de délégation de gestion du dossier : ${allocataire.name} ne vous a pas autorisé(e) à le gérer`,
    });

    it('the back office sets the three households up: accounts with passwords, dossiers, members', async () => {
      const res = await admin.call('POST', '/accounts/import', undefined, { raw: `${PEOPLE.map(importLine).join('\n')}\n` });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { created: 8, unchanged: 0, failed: 0, memberships_added: 0, failures: [] });
      for (const p of PEOPLE) {
        const found = await admin.call('POST', '/accounts/lookup', { nir: p.nir });
        assert.equal(found.status, 200, found.text);
        p.id = found.body.id;
      }
      for (const h of HOUSEHOLDS) {
        const created = await admin.call('POST', '/dossiers', { numero: h.numero });
        assert.equal(created.status, 201, created.text);
        for (const [p, role] of h.members) {
          const added = await admin.call('PUT', `/dossiers/${h.numero}/members/${p.id}`, { role });
          assert.equal(added.status, 200, added.text);
        }
        const d = (await admin.call('GET', `/dossiers/${h.numero}`)).body;
        assert.deepEqual(Object.fromEntries(d.members.map((m) => [m.account_id, m.role])),
          Object.fromEntries(h.members.map(([p, role]) => [p.id, role])));
        assert.equal(d.delegation.granted, false);
      }
    });

    it('a single person: the whole dossier, no delegation sentence, no question, no "Mes autorisations"', async () => {
      assert.deepEqual(await portalOf(SOLO), { numero: '9300001', role: ROLE.allocataire, delegation: null,
        sentences: WHOLE_DOSSIER, asked: false, authorisations: false });
    });

    it('a couple with delegation: granted on "Mes autorisations", the spouse\'s next login shows the whole dossier', async () => {
      // 1. Alain's first login: the one-time question, skipped.
      const alain = await logIn(ALAIN);
      try {
        assert.deepEqual(await answerQuestion(alain, ALAIN, BEA, 'Passer'), allocataireOfCouple('9300002', BEA, false));

        // 2. Béa before the delegation: her own part (and the spouse is never asked).
        assert.deepEqual(await portalOf(BEA), spouseWithout('9300002', ALAIN));

        // 3. Alain grants it in "Gérer Mon Compte" > "Mes autorisations".
        assert.equal(await hasAuthorisationsLink(alain.page), true);
        await alain.page.getByRole('link', { name: 'Mes autorisations' }).click();
        await alain.page.getByLabel('Oui', { exact: true }).check();
        await alain.page.getByRole('button', { name: 'Valider' }).click();
        await alain.page.getByText(CONFIRMATIONS.Oui).waitFor();
        await alain.page.goto(`${portalBase}/compte`);
        await alain.page.getByRole('button', { name: 'Actualiser mes droits' }).click();
        await alain.page.locator('#dossier-delegation', { hasText: `Vous autorisez ${BEA.name} à gérer votre dossier` }).waitFor();
        assert.deepEqual(await portalDossier(alain.page), allocataireOfCouple('9300002', BEA, true));
      } finally {
        await alain.context.close();
      }

      // 4. Béa's next login: the whole dossier, not the management of the delegation; her
      //    "Mes autorisations" shows the state without a form.
      assert.deepEqual(await portalOf(BEA), {
        numero: '9300002', role: ROLE.conjoint, delegation: `${ALAIN.name} vous autorise à gérer le dossier`,
        sentences: WHOLE_DOSSIER, asked: false, authorisations: true,
      });
      const [entry] = (await admin.call('GET', `/audit?event=delegation.granted&account_id=${ALAIN.id}`)).body.entries;
      assert.equal(entry?.actor_id, String(ALAIN.id), 'the grant is audited as the allocataire\'s');
    });

    it('a couple without delegation: the allocataire answers Non, the spouse sees her own part only', async () => {
      const cyril = await logIn(CYRIL);
      try {
        assert.deepEqual(await answerQuestion(cyril, CYRIL, DORA, 'Non'), allocataireOfCouple('9300003', DORA, false));
      } finally {
        await cyril.context.close();
      }
      // The question is asked once: the next login goes straight back to the portal.
      assert.equal((await portalOf(CYRIL)).asked, false);
      assert.deepEqual(await portalOf(DORA), spouseWithout('9300003', CYRIL));
    });

    it('a family: the allocataire, the spouse without delegation, the child over 15 with own data only', async () => {
      const emile = await logIn(EMILE);
      try {
        assert.deepEqual(await answerQuestion(emile, EMILE, FANNY, 'Passer'), allocataireOfCouple('9300004', FANNY, false));
      } finally {
        await emile.context.close();
      }
      assert.deepEqual(await portalOf(FANNY), spouseWithout('9300004', EMILE));
      assert.deepEqual(await portalOf(GASPARD), { numero: '9300004', role: ROLE.enfant, delegation: null,
        sentences: OWN_DATA_ONLY, asked: false, authorisations: false });
    });
  });
