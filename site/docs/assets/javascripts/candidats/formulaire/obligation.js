// Which answers are required, shown on every control of the form from the rules JSON's
// `champs` (shared_rules.mandatory; issue 29, RGAA 11.10). The form's first sentence says that
// every field is required unless marked « (facultatif) »: a required answer gets `required`
// (the form is `novalidate`: no browser bubble, our own checks speak), an optional one
// « (facultatif) » after its label — after its group's legend when the group is the field — and
// a box that must be ticked gets `required`. A group of boxes of which one must be ticked has
// no attribute for it: the first sentence, and its help, say it.
//
// A control answers the field of its nearest declaration: `data-statut` (a status the form's
// situation decides: a language the speciality may not require), `data-champ` (a row's field,
// `dispenses.*.annee`), or a `data-chemin` without an index (those with one are set on a row
// when the form is read). A control under no field of the rules is the form's own (the email
// typed twice, the birth date's « my papers carry no day » box): its markup says.

import { el } from "../../platform/dom.js";

const MENTION = "mention-facultatif";
const INDICE = /\.\d+(\.|$)/;

function declaration(controle, regles) {
  for (let porteur = controle; porteur && porteur.id !== "dossier"; porteur = porteur.parentElement) {
    const { statut, champ, chemin } = porteur.dataset;
    if (statut) return { porteur, statut };
    if (champ) return { porteur, statut: regles.champs[champ] ?? null };
    if (chemin && !INDICE.test(chemin)) return { porteur, statut: regles.champs[chemin] ?? null };
  }
  return { porteur: null, statut: null };
}

function mentionner(titre, facultatif) {
  if (!titre) return;
  const mention = titre.querySelector(`:scope > .${MENTION}`);
  if (facultatif && !mention) titre.append(el("span", { class: MENTION }, " (facultatif)"));
  if (!facultatif && mention) mention.remove();
}

/** Mark every control of the form `formulaire` (#dossier) as its field requires; again after
 *  a change of the situation (a speciality chosen, a row added). */
export function marquerObligation(formulaire, regles) {
  for (const controle of formulaire.querySelectorAll("input, select, textarea")) {
    if (controle.type === "hidden" || controle.closest('[aria-hidden="true"]')) continue;
    const { porteur, statut } = declaration(controle, regles);
    if (!statut) continue;
    const groupe = controle.type === "checkbox" || controle.type === "radio";
    controle.required = controle.type === "checkbox" ? statut === "a_cocher" : statut === "obligatoire";
    const titre = groupe && porteur.matches("fieldset") ? porteur.querySelector(":scope > legend") : controle.labels?.[0];
    mentionner(titre, statut === "facultatif");
  }
}
