// The dashboard (issue 27, gestion.html#/tableau): the figures of GET /api/staff/tableau, counted
// by the server from the summary index, shown as one table per rubric; the same figures as a
// CSV from /api/staff/tableau.csv.

import { lire } from "./api.js";
import { el } from "../platform/dom.js";

const RUBRIQUES = [
  ["par_statut", "Dossiers par statut", "Statut"],
  ["par_specialite", "Dossiers par spécialité", "Spécialité"],
  ["par_departement", "Dossiers par département de résidence", "Département"],
  ["par_jour", "Dossiers par jour de création", "Jour"],
];

const nombre = (n) => n.toLocaleString("fr-FR");

function table(titre, entete, lignes) {
  // No class: Material's own table style (`.md-typeset table:not([class])`).
  return el("table", {},
    el("caption", {}, titre),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, entete), el("th", { scope: "col" }, "Nombre"))),
    el("tbody", {}, ...lignes.map((l) => el("tr", {}, el("th", { scope: "row" }, l.libelle),
      el("td", {}, nombre(l.nombre))))));
}

/** Fetch the figures and show them. */
export async function afficherTableau() {
  const chiffres = await lire("tableau");
  document.getElementById("tableau-total").textContent = `${nombre(chiffres.total)} dossier${chiffres.total > 1 ? "s" : ""} en tout.`;
  const { attendus, recus, en_attente: attente } = chiffres.papiers;
  document.getElementById("tableau-papiers").textContent = `Confirmations signées : ${nombre(recus)} reçue${recus > 1 ? "s" : ""} `
    + `sur ${nombre(attendus)} attendue${attendus > 1 ? "s" : ""} (encore ${nombre(attente)} à recevoir ; les dossiers refusés `
    + "ou classés sans suite n'en attendent pas).";
  document.getElementById("tableau-rubriques").replaceChildren(
    ...RUBRIQUES.map(([cle, titre, entete]) => table(titre, entete, chiffres[cle])));
}
