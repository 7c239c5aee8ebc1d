// Exports of the filtered list, or of the dossiers chosen in it (`numeros`). A small CSV, XLSX
// or ODS comes back at once and is saved as a file; anything larger, every ZIP and the PDF of
// the confirmations to print are prepared in the background (a large one in parts, then
// assembled): the page polls its state and offers the short-lived download link when ready.
// The spreadsheets carry the columns the agent checked; « Enregistrer ce choix » keeps the choice
// on the server (GET/PUT /api/staff/preferences), so it follows the agent to any computer.

import { appeler, lire } from "./api.js";
import { el, fr } from "../platform/dom.js";
import { filtres } from "./liste.js";

const ATTENTE_MS = 2000;
const NOMS = { csv: "CSV", xlsx: "XLSX", ods: "ODS", zip: "ZIP", pdf: "PDF des confirmations",
  complets: "ZIP des dossiers complets" };
const TABLEURS = new Set(["csv", "xlsx", "ods"]);

function enregistrer(contenu, nom) {
  const adresse = URL.createObjectURL(contenu);
  const lien = el("a", { href: adresse, download: nom, hidden: true });
  document.body.append(lien);
  lien.click();
  lien.remove();
  setTimeout(() => URL.revokeObjectURL(adresse), 10000);
}

function nomDuFichier(reponse, format) {
  const entete = reponse.headers.get("Content-Disposition") ?? "";
  return /filename="([^"]+)"/.exec(entete)?.[1] ?? `dossiers.${format}`;
}

const pause = (ms) => new Promise((fin) => { setTimeout(fin, ms); });

/** « 2 numéros ignorés : aucun dossier ne les porte (effacés ?). », or nothing. */
function ignores(nombre) {
  if (!nombre) return "";
  return nombre === 1
    ? " 1 numéro ignoré : aucun dossier ne le porte (effacé ?)."
    : ` ${nombre} numéros ignorés : aucun dossier ne les porte (effacés ?).`;
}

// ---- The spreadsheets' columns -----------------------------------------------------------

let disponibles = null; // [{cle, libelle}] once read from the server

function cases() {
  return [...document.querySelectorAll("#colonnes-choix input[type=checkbox]")];
}

/** The checked columns' keys; null when every one is checked (the server's default). */
function colonnesCochees() {
  if (!disponibles) return null;
  const cochees = cases().filter((c) => c.checked).map((c) => c.value);
  if (!cochees.length) throw new Error("Choisissez au moins une colonne des tableurs.");
  return cochees.length === disponibles.length ? null : cochees;
}

function resumer() {
  const nombre = cases().filter((c) => c.checked).length;
  document.getElementById("colonnes-resume").textContent =
    nombre === disponibles.length ? "toutes" : `${nombre} sur ${disponibles.length}`;
}

function montrerChoix({ colonnes, colonnes_disponibles: offertes }) {
  disponibles = offertes;
  const choisies = colonnes === null ? null : new Set(colonnes);
  document.getElementById("colonnes-choix").replaceChildren(...offertes.map(({ cle, libelle }) => {
    const id = `colonne-${cle}`;
    return el("div", { class: "gestion-case" },
      el("input", { type: "checkbox", id, value: cle, checked: choisies === null || choisies.has(cle) }),
      " ", el("label", { for: id }, libelle));
  }));
  resumer();
}

/** Read the agent's saved choice of columns and show it (the page calls it once signed in). */
export async function chargerColonnes() {
  montrerChoix(await lire("preferences"));
}

async function enregistrerColonnes() {
  const etat = document.getElementById("colonnes-etat");
  etat.replaceChildren();
  const colonnes = colonnesCochees();
  const reponse = await appeler("PUT", "preferences", { corps: { colonnes } });
  montrerChoix(await reponse.json());
  etat.replaceChildren(fr(colonnes === null
    ? "Choix enregistré : toutes les colonnes."
    : `Choix enregistré : ${colonnes.length} colonne(s) sur ${disponibles.length}.`));
}

function toutCocher(coche) {
  cases().forEach((c) => { c.checked = coche; });
  resumer();
}

function erreurColonnes(erreur) {
  const zone = document.getElementById("colonnes-erreur");
  zone.textContent = erreur.message;
  zone.hidden = false;
  zone.focus();
}

document.getElementById("colonnes-choix").addEventListener("change", resumer);
document.getElementById("colonnes-toutes").addEventListener("click", () => toutCocher(true));
document.getElementById("colonnes-aucune").addEventListener("click", () => toutCocher(false));
document.getElementById("colonnes-formulaire").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  document.getElementById("colonnes-erreur").hidden = true;
  enregistrerColonnes().catch(erreurColonnes);
});

// ---- Exports ---------------------------------------------------------------------------------

/**
 * Export the filtered list as `format`, or, given `numeros`, exactly those dossiers in that
 * order (the list's selection).
 */
export async function exporter(format, { numeros } = {}) {
  const etat = document.getElementById("export-etat");
  const nom = NOMS[format] ?? format.toUpperCase();
  // The previous export's link goes as soon as a new one is asked for (issue 26, item 10).
  etat.replaceChildren(`Export ${nom} demandé…`);
  const corps = { format };
  if (numeros) {
    corps.numeros = numeros;
  } else {
    const { tri, ...autres } = filtres();
    corps.filtres = { ...autres, tri: tri ?? "-modifie_le" };
  }
  if (TABLEURS.has(format)) {
    const colonnes = colonnesCochees();
    if (colonnes) corps.colonnes = colonnes;
  }
  const reponse = await appeler("POST", "exports", { corps });
  if (reponse.status === 200) {
    const nombre = reponse.headers.get("X-Nombre-Dossiers");
    enregistrer(await reponse.blob(), nomDuFichier(reponse, format));
    etat.replaceChildren(`Export ${nom} de ${nombre} dossier(s) enregistré dans vos téléchargements.`
      + ignores(Number(reponse.headers.get("X-Nombre-Ignores"))));
    return;
  }
  let travail = await reponse.json();
  while (travail.statut === "en-attente" || travail.statut === "en-cours") {
    etat.replaceChildren(travail.etape === "assemblage"
      ? `Export ${nom} : les ${travail.parties} parties préparées sont réunies en un seul fichier…`
      : `Export ${nom} en préparation : ${travail.fait} dossier(s) sur ${travail.nombre}…`);
    await pause(ATTENTE_MS);
    travail = await lire(`exports/${encodeURIComponent(travail.id)}`);
  }
  if (travail.statut === "annule") {
    etat.replaceChildren(`Export ${nom} ${travail.raison}.`);
    return;
  }
  if (travail.statut !== "pret") {
    const cause = travail.etape === "interrompu" ? " (plus de nouvelles depuis 20 minutes)" : "";
    etat.replaceChildren(`L'export a échoué${cause} : relancez-le ; si l'échec se répète, prévenez l'administrateur du service.`);
    return;
  }
  etat.replaceChildren(`Export ${nom} de ${travail.nombre} dossier(s) prêt : `,
    el("a", { href: travail.lien, download: travail.fichier }, `télécharger ${travail.fichier}`),
    ` (lien valable 5 minutes).${ignores(travail.ignores)}`);
}
