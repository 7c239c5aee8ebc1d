// The home page: the registry's state right now, from GET /api/session, above the static text
// that gives every date (progressive enhancement: without it, nothing is missing).

import { fr } from "../platform/dom.js";
import { chargerRegles, formater } from "./formulaire/regles.js";

const TEXTES = {
  ouvert: "En ce moment, le registre est ouvert : vous pouvez vous pré-inscrire jusqu'au {cloture}.",
  "avant-ouverture": "En ce moment, le registre n'est pas encore ouvert : il ouvrira le {ouverture}.",
  clos: "Le registre est clos depuis le {cloture} : plus aucune pré-inscription ni modification n'est possible.",
};

async function afficherEtat(zone) {
  const [reponse, regles] = await Promise.all([
    fetch("/api/session", { headers: { Accept: "application/json" }, cache: "no-store" }),
    chargerRegles(),
  ]);
  if (!reponse.ok) return;
  const etat = await reponse.json();
  const modele = TEXTES[etat.statut];
  if (!modele) return;
  const texte = document.createElement("p");
  texte.textContent = fr(formater(modele, {
    ouverture: regles.registre.ouverture_texte, cloture: regles.registre.cloture_texte,
  }));
  const suite = [texte];
  if (etat.retour_tardif && etat.message_retour_tardif) {
    const tardif = document.createElement("p");
    tardif.textContent = fr(etat.message_retour_tardif);
    suite.push(tardif);
  }
  zone.replaceChildren(...suite);
  zone.classList.add(`etat-registre--${etat.statut}`);
  suivreEtat(zone, etat.statut);
  zone.hidden = false;
}

/** The first action follows the registry's state (issue 29): outside the window the state is
 *  said above the buttons, where a phone shows it first, and once the registry is closed
 *  « Se pré-inscrire » gives way to the dossier's consultation. */
function suivreEtat(zone, statut) {
  if (statut === "ouvert") return;
  const inscrire = document.querySelector('a.md-button--primary[href*="formulaire"]');
  const boutons = inscrire?.closest("p");
  if (!boutons) return;
  boutons.before(zone);
  if (statut !== "clos") return;
  inscrire.remove(); // (the theme's button style would show it through `hidden`)
  document.querySelector('a.md-button[href*="mon-dossier"]')?.classList.add("md-button--primary");
}

const zone = document.getElementById("etat-registre");
if (zone) {
  afficherEtat(zone).catch(() => {
    // No live state (offline, API down): the static text below says it all.
  });
}
