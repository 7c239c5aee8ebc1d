// Errors, shown the same way whoever found them (the browser's check, the form's own, or the
// server's 422): a summary at the top that links to each field, and the message beside the
// field, which is marked aria-invalid and described by it. Focus moves to the summary.
// An error put right goes on its own (`retirerErreur`), without moving the focus.

import { el, fr, premierControle } from "../../platform/dom.js";

const PREFIXE_TITRE = "Erreur : ";
let numero = 0;
// Each field shown in error: the id of its message and the messages it says (as given,
// before French typography), so that a change can tell whether they still hold.
const affichees = new WeakMap();

/** The element showing a field path: the exact path, an alias, or the nearest parent path. */
export function conteneurDe(racine, chemin) {
  const parties = chemin.split(".");
  while (parties.length) {
    const cherche = parties.join(".");
    const trouve = [...racine.querySelectorAll("[data-chemin], [data-alias]")].find((e) =>
      e.dataset.chemin === cherche || (e.dataset.alias ?? "").split(" ").includes(cherche));
    if (trouve) return trouve;
    parties.pop();
  }
  return null;
}

/** The short name of a field, for the summary. */
export function libelleDe(conteneur) {
  const propre = (texte) => (texte ?? "").replace(/\s+/g, " ").trim();
  const titre = propre(conteneur.dataset.libelle
    ?? conteneur.querySelector(":scope > label, :scope > legend, :scope > h3, :scope > div > dt")?.textContent);
  const ligne = conteneur.parentElement?.closest(".ligne");
  return ligne ? `${propre(ligne.querySelector("legend")?.textContent)} — ${titre}` : titre;
}

/** Remove every message, mark and summary item (warnings' too). */
export function effacerErreurs(racine) {
  for (const message of racine.querySelectorAll(".message-erreur, .message-avertissement")) message.remove();
  const avertissements = racine.querySelector("#resume-avertissements");
  if (avertissements) {
    avertissements.hidden = true;
    racine.querySelector("#resume-avertissements-liste").replaceChildren();
  }
  for (const marque of racine.querySelectorAll("[data-erreur-de]")) {
    for (const id of marque.dataset.erreurDe.split(" ")) nePlusDecrire(marque, id);
  }
  for (const conteneur of racine.querySelectorAll(".en-erreur")) {
    conteneur.classList.remove("en-erreur");
    affichees.delete(conteneur);
  }
  const resume = racine.querySelector("#resume-erreurs");
  if (resume) {
    resume.hidden = true;
    racine.querySelector("#resume-erreurs-liste").replaceChildren();
  }
  sansErreurDansLeTitre();
}

function sansErreurDansLeTitre() {
  if (document.title.startsWith(PREFIXE_TITRE)) document.title = document.title.slice(PREFIXE_TITRE.length);
}

// A control may be described by two messages (a first name's and its list's): each is
// recorded in data-erreur-de, so that each can go alone.
function decrire(element, id) {
  const liste = (element.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  element.setAttribute("aria-describedby", [...liste, id].join(" "));
  element.dataset.erreurDe = [...(element.dataset.erreurDe ?? "").split(" ").filter(Boolean), id].join(" ");
}

function nePlusDecrire(element, id) {
  const liste = (element.getAttribute("aria-describedby") ?? "").split(" ").filter((i) => i && i !== id);
  if (liste.length) element.setAttribute("aria-describedby", liste.join(" "));
  else element.removeAttribute("aria-describedby");
  const restants = (element.dataset.erreurDe ?? "").split(" ").filter((i) => i && i !== id);
  if (restants.length) element.dataset.erreurDe = restants.join(" ");
  else {
    delete element.dataset.erreurDe;
    element.removeAttribute("aria-invalid");
  }
}

function placerMessage(conteneur, message) {
  const repere = conteneur.querySelector(
    ":scope > .controle, :scope > .prenom__ligne, :scope > input, :scope > select, :scope > textarea, :scope > .champ, :scope > dl");
  if (repere) repere.before(message);
  else conteneur.append(message);
}

/**
 * Show errors { path: [messages] } inside `racine`. `surLien(conteneur, controle)` is called
 * when a link of the summary is followed (default: focus the field). `ailleurs` is a sentence
 * about errors left for other steps. Returns the number of fields shown in error.
 */
export function afficherErreurs(racine, erreurs, { surLien, ailleurs = "", focus = true, resume: avecResume = true } = {}) {
  effacerErreurs(racine);
  if (!avecResume) return afficherSansResume(racine, erreurs, { focus });
  const parConteneur = new Map();
  for (const [chemin, messages] of Object.entries(erreurs)) {
    const conteneur = conteneurDe(racine, chemin);
    if (!conteneur) continue;
    const deja = parConteneur.get(conteneur) ?? [];
    for (const message of messages) if (!deja.includes(message)) deja.push(message);
    parConteneur.set(conteneur, deja);
  }
  const ordre = [...parConteneur.keys()].sort((a, b) =>
    (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  const liste = racine.querySelector("#resume-erreurs-liste");
  for (const conteneur of ordre) {
    const messages = parConteneur.get(conteneur);
    numero += 1;
    const id = `erreur-${numero}`;
    const texte = fr(messages.join(" "));
    placerMessage(conteneur, el("p", { class: "message-erreur", id },
      el("span", { class: "visually-hidden" }, PREFIXE_TITRE), texte));
    conteneur.classList.add("en-erreur");
    affichees.set(conteneur, { id, messages });
    const controles = conteneur.matches("input, select, textarea") ? [conteneur]
      : [...conteneur.querySelectorAll("input, select, textarea")];
    for (const controle of controles) {
      decrire(controle, id);
      controle.setAttribute("aria-invalid", "true");
    }
    if (conteneur.matches("fieldset")) decrire(conteneur, id);
    const ligne = lienDuResume(conteneur, texte, surLien);
    ligne.dataset.message = id;
    liste.append(ligne);
  }
  const resume = racine.querySelector("#resume-erreurs");
  const autres = racine.querySelector("#resume-erreurs-ailleurs");
  autres.textContent = fr(ailleurs);
  autres.hidden = !ailleurs;
  racine.querySelector("#resume-erreurs-texte").hidden = !ordre.length;
  if (!ordre.length && !ailleurs) return 0;
  resume.hidden = false;
  if (!document.title.startsWith(PREFIXE_TITRE)) document.title = PREFIXE_TITRE + document.title;
  if (focus) {
    resume.focus();
    resume.scrollIntoView({ block: "start" });
  }
  return ordre.length;
}

/** The fields shown in error (with the summary) that hold `element`, each with the messages
 *  it shows: [{ conteneur, messages }], the outermost first. */
export function erreursAutourDe(racine, element) {
  const trouves = [];
  for (let conteneur = element; conteneur && conteneur !== racine; conteneur = conteneur.parentElement) {
    const affichee = affichees.get(conteneur);
    if (affichee && conteneur.classList.contains("en-erreur")) trouves.unshift({ conteneur, messages: affichee.messages });
  }
  return trouves;
}

/** Take one field's error away, once put right: its message, its marks and its line of the
 *  summary. The summary goes when it has nothing left to say; the focus does not move. */
export function retirerErreur(racine, conteneur) {
  const affichee = affichees.get(conteneur);
  if (!affichee) return;
  affichees.delete(conteneur);
  conteneur.classList.remove("en-erreur");
  document.getElementById(affichee.id)?.remove();
  for (const marque of racine.querySelectorAll("[data-erreur-de]")) {
    if (marque.dataset.erreurDe.split(" ").includes(affichee.id)) nePlusDecrire(marque, affichee.id);
  }
  const liste = racine.querySelector("#resume-erreurs-liste");
  if (!liste) return;
  liste.querySelector(`:scope > li[data-message="${affichee.id}"]`)?.remove();
  if (liste.children.length) return;
  racine.querySelector("#resume-erreurs-texte").hidden = true;
  if (!racine.querySelector("#resume-erreurs-ailleurs").hidden) return;
  racine.querySelector("#resume-erreurs").hidden = true;
  sansErreurDansLeTitre();
}

/** A summary's item: a link to the field, « label — message ». */
function lienDuResume(conteneur, texte, surLien) {
  const controle = premierControle(conteneur);
  const libelle = libelleDe(conteneur);
  const lien = el("a", { href: controle ? `#${controle.id}` : "#" }, libelle ? `${libelle} — ${texte}` : texte);
  lien.addEventListener("click", (evenement) => {
    evenement.preventDefault();
    if (surLien) surLien(conteneur, controle);
    else allerAuChamp(conteneur, controle);
  });
  return el("li", {}, lien);
}

/** Show warnings { path: [messages] } inside `racine` (shared_rules.warnings: never a refusal):
 *  « À vérifier : … » beside each field, which describes its controls, and a summary that links
 *  to them and says the next « Continuer » goes on. Focus moves to the summary. */
export function afficherAvertissements(racine, avertissements, { surLien } = {}) {
  effacerErreurs(racine);
  const liste = racine.querySelector("#resume-avertissements-liste");
  for (const [chemin, messages] of Object.entries(avertissements)) {
    const conteneur = conteneurDe(racine, chemin);
    if (!conteneur) continue;
    numero += 1;
    const id = `avertissement-${numero}`;
    const texte = fr(messages.join(" "));
    placerMessage(conteneur, el("p", { class: "message-avertissement", id }, el("strong", {}, "À vérifier : "), texte));
    for (const controle of conteneur.matches("input, select, textarea") ? [conteneur]
      : conteneur.querySelectorAll("input, select, textarea")) decrire(controle, id);
    liste.append(lienDuResume(conteneur, texte, surLien));
  }
  const resume = racine.querySelector("#resume-avertissements");
  resume.hidden = !liste.children.length;
  if (!resume.hidden) {
    resume.focus();
    resume.scrollIntoView({ block: "start" });
  }
  return liste.children.length;
}

/** A small form's errors (« J'ai perdu mon numéro »): beside each field only, no summary far
 *  above it; the first field in error is focused. */
function afficherSansResume(racine, erreurs, { focus }) {
  let premier = null;
  for (const [chemin, messages] of Object.entries(erreurs)) {
    const conteneur = conteneurDe(racine, chemin);
    if (!conteneur) continue;
    numero += 1;
    const id = `erreur-${numero}`;
    placerMessage(conteneur, el("p", { class: "message-erreur", id },
      el("span", { class: "visually-hidden" }, PREFIXE_TITRE), fr(messages.join(" "))));
    conteneur.classList.add("en-erreur");
    for (const controle of conteneur.matches("input, select, textarea") ? [conteneur]
      : conteneur.querySelectorAll("input, select, textarea")) {
      decrire(controle, id);
      controle.setAttribute("aria-invalid", "true");
    }
    if (conteneur.matches("fieldset")) decrire(conteneur, id);
    premier ??= premierControle(conteneur);
  }
  if (focus && premier) premier.focus();
  return premier ? 1 : 0;
}

/** Bring a field into view, its label or legend included, and focus it. */
export function allerAuChamp(conteneur, controle) {
  conteneur.scrollIntoView({ block: "start" });
  (controle ?? conteneur).focus({ preventScroll: true });
}
