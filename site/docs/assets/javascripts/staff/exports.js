// Exports of the filtered list. A small CSV or XLSX comes back at once and is saved as a file;
// anything larger, and every ZIP, is prepared in the background (a large ZIP in parts, then
// assembled): the page polls its state and offers the short-lived download link when it is ready.

import { appeler, lire } from "./api.js";
import { el } from "../platform/dom.js";
import { filtres } from "./liste.js";

const ATTENTE_MS = 2000;

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

export async function exporter(format) {
  const etat = document.getElementById("export-etat");
  // The previous export's link goes as soon as a new one is asked for (issue 26, item 10).
  etat.replaceChildren(`Export ${format.toUpperCase()} demandé…`);
  const { tri, ...autres } = filtres();
  const reponse = await appeler("POST", "exports", { corps: { format, filtres: { ...autres, tri: tri ?? "-modifie_le" } } });
  if (reponse.status === 200) {
    const nombre = reponse.headers.get("X-Nombre-Dossiers");
    enregistrer(await reponse.blob(), nomDuFichier(reponse, format));
    etat.replaceChildren(`Export ${format.toUpperCase()} de ${nombre} dossier(s) enregistré dans vos téléchargements.`);
    return;
  }
  let travail = await reponse.json();
  while (travail.statut === "en-attente" || travail.statut === "en-cours") {
    etat.replaceChildren(travail.etape === "assemblage"
      ? `Export ${format.toUpperCase()} : les ${travail.parties} parties préparées sont réunies en un seul fichier…`
      : `Export ${format.toUpperCase()} en préparation : ${travail.fait} dossier(s) sur ${travail.nombre}…`);
    await pause(ATTENTE_MS);
    travail = await lire(`exports/${encodeURIComponent(travail.id)}`);
  }
  if (travail.statut === "annule") {
    etat.replaceChildren(`Export ${format.toUpperCase()} ${travail.raison}.`);
    return;
  }
  if (travail.statut !== "pret") {
    const cause = travail.etape === "interrompu" ? " (plus de nouvelles depuis 20 minutes)" : "";
    etat.replaceChildren(`L'export a échoué${cause} : relancez-le ; si l'échec se répète, prévenez l'administrateur du service.`);
    return;
  }
  etat.replaceChildren(`Export ${format.toUpperCase()} de ${travail.nombre} dossier(s) prêt : `,
    el("a", { href: travail.lien, download: travail.fichier }, `télécharger ${travail.fichier}`),
    " (lien valable 5 minutes).");
}
