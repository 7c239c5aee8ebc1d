// The audit log (issue 27, gestion.html#/journal, role administration): one day's erasures and
// hand-backs from GET /api/staff/journal, newest first. The records keep no number: a number
// typed is matched by its keyed fingerprint, and its records are marked.

import { lire } from "./api.js";
import { dateHeure } from "./affichage.js";
import { el, fr } from "../platform/dom.js";

const ACTIONS = {
  effacement: "Effacement (RGPD)",
  restitution: "Restitution d'un dossier usurpé",
};
const MODES = {
  liberer: "identité libérée",
  "remplacer-courriel": "adresse électronique remplacée par celle du propriétaire",
};
const STATUTS = { termine: "terminé", "en-cours": "en cours ou interrompu", abandonne: "abandonné" };
const COURRIELS = { envoye: "envoyé", echec: "échec", desactive: "courriels désactivés" };

function details(r) {
  const textes = [];
  if (r.mode) textes.push(MODES[r.mode] ?? r.mode);
  if (r.versions_supprimees !== undefined) textes.push(`${r.versions_supprimees} version(s) d'objets supprimée(s)`);
  if (r.exports_supprimes) textes.push(`${r.exports_supprimes} export(s) annulé(s)`);
  if (r.courriels) {
    textes.push(`courriel à l'ancienne adresse : ${COURRIELS[r.courriels.ancienne_adresse] ?? r.courriels.ancienne_adresse}`,
      `au propriétaire : ${COURRIELS[r.courriels.proprietaire] ?? r.courriels.proprietaire}`);
  }
  return fr(textes.join(" ; "));
}

function ligne(r) {
  return el("tr", {},
    el("td", {}, dateHeure(r.le)),
    el("td", {}, ACTIONS[r.action] ?? r.action, r.concerne ? [el("br"), el("strong", { class: "gestion-marque" }, "Ce numéro")] : ""),
    el("td", {}, r.auteur),
    el("td", {}, STATUTS[r.statut] ?? r.statut),
    el("td", {}, details(r)));
}

/** Show the day chosen (today by default), with the number typed if any. */
export async function afficherJournal() {
  const jour = document.getElementById("journal-jour").value;
  const numero = document.getElementById("journal-numero").value.trim();
  const parametres = new URLSearchParams();
  if (jour) parametres.set("jour", jour);
  if (numero) parametres.set("numero", numero);
  const reponse = await lire(`journal?${parametres}`);
  document.getElementById("journal-jour").value = reponse.jour;
  const [a, m, j] = reponse.jour.split("-");
  const n = reponse.nombre;
  let legende = `${n} enregistrement${n > 1 ? "s" : ""} le ${j}/${m}/${a}`;
  if (numero && reponse.recherche_possible) {
    const trouves = reponse.enregistrements.filter((r) => r.concerne).length;
    legende += fr(` ; ${trouves} concernant le numéro ${numero}`);
  }
  document.getElementById("journal-legende").textContent = legende;
  document.getElementById("journal-sans-cle").hidden = !numero || reponse.recherche_possible;
  document.getElementById("journal-corps").replaceChildren(...reponse.enregistrements.map(ligne));
}
