// The dossier as the candidate reads it back, in the groups and words of the printed
// confirmation (handler/dossier/recapitulatif.py): every code replaced by its label from the rules,
// names exactly as the server stored them, every first name in civil-status order. Each row
// can lead back to the step where it is answered.

import { el, fr } from "../../platform/dom.js";
import { dateHeureLongue, libelleUnite, lireDateNaissance, nombre, parCode } from "./regles.js";

const SEXES = { F: "Féminin", M: "Masculin" };
const NON_RENSEIGNE = "non renseigné";

const libelle = (liste, code) => parCode(liste, code)?.libelle ?? code;
const joindre = (valeurs) => (valeurs.length ? valeurs.join(" ; ") : "aucune");
const note = (valeur) => `${nombre(valeur, { virgule: true })}/20`;

/** handler/dossier/recapitulatif.py: the first names' row of a person who has none. */
const SANS_PRENOM = "aucun (pas de prénom à l'état civil)";

/** « 17/05/1998 », « 00/00/1996 (jour et mois inconnus) » (shared_rules.birth_date). */
export function dateNaissanceLisible(texte, regles) {
  const ne = lireDateNaissance(texte, regles);
  if (!ne) return String(texte);
  const deux = (n) => String(n ?? 0).padStart(2, "0");
  const date = `${deux(ne.jour)}/${deux(ne.mois)}/${String(ne.annee).padStart(4, "0")}`;
  if (ne.jour !== null) return date;
  return `${date} (${ne.mois !== null ? "jour inconnu" : "jour et mois inconnus"})`;
}

/** A language's label; « Autre langue : Arabe » for one typed by hand (recapitulatif.langue). */
function libelleLangue(regles, code, libelleTape) {
  const { autre, liste } = regles.langues_vivantes;
  return code === autre.code ? `${autre.libelle} : ${libelleTape ?? ""}` : libelle(liste, code);
}

/** shared_rules.eps.pair_label: « Demi-fond (3 × 500 m) et badminton simple ». */
function libellePaire(regles, activites) {
  const paire = regles.eps.combinaisons.find((c) => activites.length === 2
    && c.activites.includes(activites[0]) && c.activites.includes(activites[1]));
  if (paire) return paire.libelle;  // shared_rules.eps.pair_label, exported
  if (activites.length !== 2) return regles.messages.EPS_NON_PASSEE_LIBELLE;
  const [premiere, seconde] = activites.map((code) => libelle(regles.eps.activites, code));
  return `${premiere} et ${seconde.charAt(0).toLowerCase()}${seconde.slice(1)}`;
}

/** shared_rules.telephone.display: « 06 12 34 56 78 », « +33 6 12 34 56 78 », else as stored. */
export function telephoneLisible(numero) {
  const paires = (chiffres) => chiffres.match(/../g).join(" ");
  if (/^0[0-9]{9}$/.test(numero)) return paires(numero);
  if (/^\+33[1-9][0-9]{8}$/.test(numero)) return `+33 ${numero[3]} ${paires(numero.slice(4))}`;
  return numero;
}

/** True when a name is typed all in lower case, or all in capitals: a hint on the review,
 *  never a refusal (a name may really be so). */
export function casseUniforme(d) {
  const ec = d.etat_civil ?? {};
  const noms = [ec.nom_naissance, ec.nom_usage, ...(ec.prenoms ?? [])].filter((n) => typeof n === "string");
  return noms.some((n) => /\p{L}.*\p{L}/u.test(n) && (n === n.toLowerCase() || n === n.toUpperCase()));
}

/** The sections: { titre, lignes: [{ libelle, valeur, etape, chemin, exact, lignes }] }: each
 *  row's step, and the field its « Modifier » goes to (issue 29, item 11). */
export function sections(d, regles) {
  const ec = d.etat_civil;
  const contact = d.contact;
  const specialite = parCode(regles.specialites, d.specialite);
  const departement = parCode(regles.departements, contact.departement);
  const etablissement = regles.departements.find((x) => x.etablissement.code === d.etablissement)?.etablissement;
  const ligne = (texte, valeur, etape, chemin = null, { exact = false, lignes = false } = {}) => ({
    libelle: texte, valeur, etape, chemin, exact, lignes });
  const unite = (code) => libelleUnite(regles, specialite, code);

  const inscription = [
    ligne("Établissement", etablissement?.libelle ?? d.etablissement ?? "", "coordonnees", "contact.departement"),
    ligne("Forme de passage", libelle(regles.formes_passage, d.forme_passage), "forme", "forme_passage"),
  ];
  if (d.forme_passage === "progressive") {
    inscription.push(ligne("Unités présentées à cette session",
      joindre((d.unites_presentees ?? []).map(unite)), "forme", "unites_presentees"));
  }
  inscription.push(ligne("Éducation physique et sportive",
    d.eps.dispense ? "Dispensé(e)" : libellePaire(regles, d.eps.activites), "eps", "eps"));
  if (d.langue_vivante || specialite?.pour_juger.langue_vivante_obligatoire) {
    inscription.push(ligne("Langue vivante obligatoire",
      d.langue_vivante ? libelleLangue(regles, d.langue_vivante, d.langue_vivante_autre) : NON_RENSEIGNE, "langues",
      "langue_vivante"));
  }

  const options = (d.epreuves_facultatives ?? []).map((e) => libelle(regles.unites_facultatives, e.unite)
    + (e.langue ? ` : ${libelleLangue(regles, e.langue, e.langue_autre)}` : ""));
  const dispenses = (d.dispenses ?? []).map((x) => `${unite(x.unite)} — ${x.diplome} (${x.annee})`);
  const benefices = (d.benefices ?? []).map((x) => `${unite(x.unite)} — ${note(x.note)} (${x.annee})`);
  const amenagement = d.amenagement ?? {};
  let texteAmenagement = "Non demandé";
  if (amenagement.demande) {
    texteAmenagement = "Demandé";
    if (amenagement.decision_anterieure) texteAmenagement += " ; décision d'aménagement obtenue à une session antérieure";
    if (amenagement.precisions) texteAmenagement += ` ; précisions : ${amenagement.precisions}`;
  }
  const choix = [
    ligne("Épreuves facultatives", joindre(options), "langues", "epreuves_facultatives"),
    ligne("Dispenses d'épreuves (diplôme, année)", joindre(dispenses), "dispenses", "dispenses"),
    ligne("Notes conservées (note, session)", joindre(benefices), "dispenses", "benefices"),
    ligne("Aménagement d'épreuves", texteAmenagement, "dispenses", "amenagement", { lignes: true }),
  ];
  if (d.rattrapage) {
    choix.push(ligne("Session de rattrapage : année de l'échec", String(d.rattrapage.annee_echec), "examen",
      "rattrapage.annee_echec"));
  }

  return [
    { titre: "Examen", lignes: [
      ligne("Examen", `${regles.examen.libelle} (${regles.examen.code})`, null),
      ligne("Spécialité", specialite?.autre ? `${specialite.libelle} : ${d.specialite_autre}`
        : specialite?.libelle ?? d.specialite, "examen", "specialite"),
      ligne("Session", regles.session, null),
      ligne("Catégorie", regles.categorie, null),
    ] },
    { titre: "État civil", lignes: [
      ligne("Nom de naissance", ec.nom_naissance, "etat-civil", "etat_civil.nom_naissance", { exact: true }),
      ligne("Nom d'usage", ec.nom_usage || NON_RENSEIGNE, "etat-civil", "etat_civil.nom_usage",
        { exact: Boolean(ec.nom_usage) }),
      ligne("Prénoms (dans l'ordre de l'état civil)", ec.prenoms.length ? ec.prenoms.join(", ") : SANS_PRENOM,
        "etat-civil", "etat_civil.prenoms", { exact: Boolean(ec.prenoms.length) }),
      ligne("Sexe", SEXES[ec.sexe] ?? ec.sexe, "etat-civil", "etat_civil.sexe"),
      ligne("Date de naissance", dateNaissanceLisible(ec.date_naissance, regles), "etat-civil",
        "etat_civil.date_naissance"),
      ligne("Commune de naissance", ec.commune_naissance, "etat-civil", "etat_civil.commune_naissance"),
      ligne("Pays de naissance", ec.pays_naissance, "etat-civil", "etat_civil.pays_naissance"),
    ] },
    { titre: "Coordonnées", lignes: [
      ligne("Adresse", contact.adresse, "coordonnees", "contact.adresse"),
      ligne("Code postal et commune", `${contact.code_postal} ${contact.commune}`, "coordonnees", "contact.code_postal"),
      ligne("Département", (departement ? `${departement.nom} (${departement.code})` : contact.departement)
        + (contact.confirmation_residence ? " (confirmé malgré le code postal)" : ""), "coordonnees",
      "contact.departement"),
      ligne("Adresse électronique", contact.email, "coordonnees", "contact.email"),
      ligne("Téléphone", contact.telephone ? telephoneLisible(contact.telephone) : NON_RENSEIGNE, "coordonnees",
        "contact.telephone"),
    ] },
    { titre: "Inscription", lignes: inscription },
    { titre: "Options, dispenses et aménagements", lignes: choix },
  ];
}

/** Render the sections into `conteneur`; with `modifier`, each answered row gets a
 *  « Modifier » button carrying data-etape. */
export function afficherRecapitulatif(conteneur, d, regles, { modifier = true } = {}) {
  conteneur.replaceChildren(...sections(d, regles).map(({ titre, lignes }) => el("section", { class: "recap" },
    el("h2", { class: "sous-titre" }, titre),
    titre === "État civil"
      ? el("p", { class: "aide" }, fr("Vérifiez lettre par lettre : accents, traits d'union, apostrophes.")) : null,
    titre === "État civil" && casseUniforme(d)
      ? el("p", { class: "encart encart--avertissement", "data-role": "casse" },
        fr("Vérifiez les majuscules et les accents : le diplôme reprendra exactement votre saisie.")) : null,
    el("dl", { class: "recap__liste" }, lignes.map((l) => el("div", { class: "recap__ligne" },
      el("dt", {}, fr(l.libelle)),
      el("dd", { class: ["recap__valeur", l.exact ? "recap__valeur--exacte" : "", l.lignes ? "recap__valeur--lignes" : ""]
        .filter(Boolean).join(" ") }, l.valeur),
      modifier && l.etape ? el("dd", { class: "recap__action" },
        el("button", { type: "button", class: "bouton bouton--lien", "data-etape": l.etape, "data-chemin-modifie": l.chemin },
          "Modifier", el("span", { class: "visually-hidden" }, ` : ${l.libelle.toLowerCase()}`))) : null))))));
}

/** The warnings the candidate kept (the server's `avertissements`), on the review: never a
 *  refusal, a last look before sending. */
export function afficherAvertissementsRecapitulatif(encart, avertissements) {
  const messages = Object.values(avertissements).flat();
  encart.querySelector("ul").replaceChildren(...messages.map((m) => el("li", {}, fr(m))));
  encart.hidden = !messages.length;
}

/** The pieces to send, from the server's answer. */
export function afficherPieces(liste, pieces) {
  liste.replaceChildren(...pieces.map((p) => el("li", {}, p.libelle)));
}

/** The return address of the rules, with its unconfirmed parts shown « à confirmer ». */
export function afficherAdresse(adresse, note, regles) {
  const { lignes, code_postal: codePostal, commune, a_confirmer: aConfirmer } = regles.retour_confirmation.adresse;
  const marque = () => el("em", { class: "a-confirmer" }, regles.a_confirmer);
  const derniere = codePostal ? [`${codePostal} ${commune}`] : [`${commune} (code postal `, marque(), ")"];
  adresse.replaceChildren(...lignes.flatMap((l) => [l, el("br")]), ...derniere);
  note.replaceChildren(...(aConfirmer
    ? ["Cette adresse est ", marque(), fr(" : avant votre envoi, vérifiez-la sur le site du rectorat ou auprès de ses services.")]
    : []));
  note.hidden = !aConfirmer;
}

/** What the server said of the confirmation email, in a sentence (nothing when it sends none). */
export function texteCourriel(reponse) {
  const email = reponse.dossier?.contact?.email ?? "";
  if (reponse.courriel === "envoye") return `Un courriel de confirmation vient de vous être envoyé à ${email}.`;
  if (reponse.courriel === "echec") {
    return "Le courriel de confirmation n'a pas pu vous être envoyé pour l'instant : il le sera la prochaine "
      + "fois que vous consulterez votre dossier. Notez bien votre numéro.";
  }
  return "";
}

/** « Version 2, modifiée le lundi 2 novembre 2020 à 10 h 05. » */
export function texteVersion(reponse) {
  return reponse.version === 1
    ? `Version 1, enregistrée le ${dateHeureLongue(reponse.cree_le)}.`
    : `Version ${reponse.version}, modifiée le ${dateHeureLongue(reponse.modifie_le)}.`;
}

/** The bureau's follow-up (handler.dossier.suivi.candidate_view): the status in the candidate's
 *  words, the missing pieces, the bureau's note, what to do and where to send it. */
export function afficherSuivi(conteneur, suivi) {
  if (!suivi) {
    conteneur.replaceChildren();
    conteneur.hidden = true;
    return;
  }
  const enfants = [el("h2", { class: "sous-titre" }, "État de votre dossier"), el("p", { class: "suivi__etat" }, el("strong", {}, fr(suivi.etat)))];
  if (suivi.pieces_manquantes.length) {
    enfants.push(el("p", {}, "Pièces manquantes\u00a0:"),
      el("ul", { class: "suivi__pieces" }, suivi.pieces_manquantes.map((piece) => el("li", {}, piece.libelle))));
  }
  if (suivi.note) enfants.push(el("p", {}, fr("Précisions du bureau : «\u00a0"), suivi.note, "\u00a0»"));
  for (const phrase of suivi.a_faire) enfants.push(el("p", {}, fr(phrase)));
  if (suivi.adresse.length) {
    enfants.push(el("address", {}, suivi.adresse.flatMap((ligne, i) => (i ? [el("br"), ligne] : [ligne]))));
  }
  conteneur.replaceChildren(...enfants);
  conteneur.hidden = false;
}
