// The reception desk (issue 27, gestion.html#/reception): the pile of signed confirmations, one
// scan each. A hand scanner is a keyboard: it types the barcode « 7K3M-Q9PA-R-V3 », then Enter.
// Each paper is recorded by POST /api/staff/guichet/scans; the answer says whose it is and
// what to check in the envelope, in large text with a mark that is not only a colour (no
// sound); the field is cleared and keeps the focus for the next paper. The last 20 scans stay
// listed, each recorded one with « Annuler » (POST /api/staff/guichet/annulations). They are
// kept for this tab only (sessionStorage), and forgotten at sign-out.

import { ErreurApi, appeler } from "./api.js";
import { annoncer, el, fr } from "../platform/dom.js";

const MEMOIRE = "gestion-guichet";
const GARDES = 20;

let scans = [];
let enCours = false;

function charger() {
  try {
    scans = JSON.parse(sessionStorage.getItem(MEMOIRE) ?? "[]");
  } catch {
    scans = [];
  }
}

function garder() {
  try {
    sessionStorage.setItem(MEMOIRE, JSON.stringify(scans.slice(0, GARDES)));
  } catch {
    // Storage refused (a private mode's limit): the list lasts as long as the page.
  }
}

/** Forget the desk's scans (sign-out): they name people. */
export function oublierGuichet() {
  scans = [];
  try {
    sessionStorage.removeItem(MEMOIRE);
  } catch {
    // nothing kept
  }
  document.getElementById("guichet-derniers")?.replaceChildren();
  const resultat = document.getElementById("guichet-resultat");
  if (resultat) {
    resultat.replaceChildren();
    resultat.className = "guichet-resultat";
  }
}

const champ = () => document.getElementById("guichet-reference");

function nomComplet(p) {
  const usage = p.nom_usage ? ` (nom d'usage ${p.nom_usage})` : "";
  return `${p.nom_naissance}${usage} ${p.prenoms.join(" ")}`.trim();
}

function dateFr(iso) {
  const [a, m, j] = iso.split("-");
  return `${j}/${m}/${a}`;
}

/** The verdict, large: ✓ or ✗ beside the words, so that it reads without its colour. */
function afficher({ reussi, titre, message, personne, pieces, manquantes }) {
  const zone = document.getElementById("guichet-resultat");
  const contenu = [
    el("p", { class: "guichet-verdict" },
      el("span", { class: "guichet-marque", "aria-hidden": "true" }, reussi ? "✓" : "✗"),
      ` ${titre}`),
  ];
  if (personne) {
    contenu.push(el("p", { class: "guichet-personne" },
      `${nomComplet(personne)}, né(e) le ${dateFr(personne.date_naissance)} — n° ${personne.numero}, ${personne.specialite}`));
  }
  if (message) contenu.push(el("p", { class: "guichet-message" }, message));
  if (manquantes?.length) {
    contenu.push(el("p", {}, fr("Pièces signalées manquantes jusqu'ici : vérifiez qu'elles sont jointes.")),
      el("ul", {}, ...manquantes.map((p) => el("li", {}, p))));
  }
  if (pieces?.length) {
    contenu.push(el("p", {}, fr("Pièces à vérifier dans l'enveloppe :")),
      el("ul", {}, ...pieces.map((p) => el("li", {}, p))));
  }
  zone.replaceChildren(...contenu);
  // The cue: the box changes colour and mark, and blinks once (unless motion is reduced).
  zone.className = `guichet-resultat ${reussi ? "guichet-ok" : "guichet-refus"}`;
  void zone.offsetWidth;
  zone.classList.add("guichet-nouveau");
}

function ligne(scan, index) {
  const action = scan.annulable
    ? el("button", { type: "button", class: "md-button", "data-annuler": String(index),
      "aria-label": `Annuler le scan du dossier ${scan.numero}` }, "Annuler")
    : "";
  const qui = [scan.numero ?? scan.reference, scan.nom].filter(Boolean).join(", ");
  return el("li", {}, `${scan.heure} — ${qui} — `, el("strong", {}, scan.resultat), " ", action);
}

function lister() {
  document.getElementById("guichet-derniers").replaceChildren(...scans.map(ligne));
}

function maintenant() {
  return new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function noter(scan) {
  scans.unshift({ heure: maintenant(), ...scan });
  scans = scans.slice(0, GARDES);
  garder();
  lister();
}

async function enregistrer(reference, surDeconnexion) {
  try {
    const reponse = await appeler("POST", "guichet/scans", { corps: { reference } });
    const r = await reponse.json();
    afficher({ reussi: true, titre: r.message, personne: r.personne, pieces: r.personne.pieces,
      manquantes: r.pieces_manquantes,
      message: r.courriel === "differe" ? "Le candidat en sera averti par courriel dans l'heure." : null });
    noter({ numero: r.personne.numero, nom: nomComplet(r.personne), resultat: "Reçue",
      revision: r.revision, annulable: true });
  } catch (erreur) {
    if (!(erreur instanceof ErreurApi)) throw erreur;
    if (erreur.statut === 401) {
      surDeconnexion(erreur.message);
      return;
    }
    const personne = erreur.corps?.personne;
    const titre = erreur.code === "deja_recue" ? "Déjà reçue" : "Non enregistrée";
    afficher({ reussi: false, titre, message: erreur.message, personne });
    noter({ numero: personne?.numero, reference, nom: personne ? nomComplet(personne) : "",
      resultat: titre, annulable: false });
  }
}

async function annuler(index, surDeconnexion) {
  const scan = scans[index];
  try {
    const reponse = await appeler("POST", "guichet/annulations",
      { corps: { numero: scan.numero, revision: scan.revision } });
    const r = await reponse.json();
    scan.annulable = false;
    scan.resultat = "Annulé";
    afficher({ reussi: true, titre: `Scan du dossier ${r.numero} annulé`, message: r.message });
  } catch (erreur) {
    if (!(erreur instanceof ErreurApi)) throw erreur;
    if (erreur.statut === 401) {
      surDeconnexion(erreur.message);
      return;
    }
    scan.annulable = false;
    afficher({ reussi: false, titre: "Annulation impossible", message: erreur.message });
  }
  garder();
  lister();
}

/** Show the desk: the list of this tab's last scans, the focus in the field. */
export function afficherGuichet() {
  lister();
  champ().focus();
}

/** Wire the desk's form and buttons once. `surDeconnexion(message)`: the session has ended. */
export function installerGuichet({ surDeconnexion }) {
  charger();
  const vue = document.getElementById("vue-reception");
  document.getElementById("guichet").addEventListener("submit", async (evenement) => {
    evenement.preventDefault();
    const reference = champ().value.trim();
    if (!reference || enCours) return;
    champ().value = "";
    enCours = true;
    try {
      await enregistrer(reference, surDeconnexion);
    } finally {
      enCours = false;
      champ().focus();
    }
  });
  document.getElementById("guichet-derniers").addEventListener("click", async (evenement) => {
    const bouton = evenement.target.closest("[data-annuler]");
    if (!bouton) return;
    await annuler(Number(bouton.dataset.annuler), surDeconnexion);
    annoncer(document.querySelector("#guichet-resultat .guichet-verdict")?.textContent ?? "");
    champ().focus();
  });
  // The field keeps the focus: a scanner's keys typed while the focus is elsewhere but on
  // no other control (the page itself, a text) go to the field, not into the void.
  document.addEventListener("keydown", (evenement) => {
    if (vue.hidden || evenement.ctrlKey || evenement.altKey || evenement.metaKey) return;
    const cible = evenement.target;
    if (cible.closest?.("input, textarea, select, button, a, [contenteditable]")) return;
    if (evenement.key.length === 1) champ().focus();
  }, true);
}
