// The dossier read from the form, and the form filled from a dossier (a draft, or the dossier
// the server holds). Reading also marks each control with the field path of the value it gave
// (data-chemin), so that an error on `etat_civil.prenoms.1` or `dispenses.0.annee` is shown
// beside the right box.
//
// An empty answer is left out rather than sent as "", so that the server's message is the one
// that says the field is missing; an optional one is sent as null.

import { adapterASpecialite, adapterEps, ajouterBenefice, ajouterDispense, ajouterPrenom, montrerAvertissementResidence, montrerDateNaissance, montrerEtablissement, montrerLangueAutre, montrerPrenoms, specialiteChoisie } from "./champs.js";
import { montrer } from "../../platform/dom.js";
import { parCode } from "./regles.js";

export const MESSAGES_SAISIE = {
  date: "Saisissez une date qui existe : le jour, le mois et l'année en chiffres, par exemple 17 5 1998.",
  dateIncomplete: "Saisissez une date qui existe : le jour, le mois et l'année en chiffres, par exemple 17 5 1998. "
    + "Si vos papiers ne portent pas le jour, ou ni le jour ni le mois, cochez la case qui le dit sous la date.",
  datePrecision: "Indiquez ce que portent vos papiers : le mois et l'année, ou l'année seulement.",
  dateAcces: "Saisissez la date de naissance de votre dossier en chiffres, par exemple 17 5 1998 ; si vos papiers "
    + "ne portent pas le jour, ou ni le jour ni le mois, tapez 00 à leur place (00 00 1996).",
  emailConfirmation: "Saisissez une deuxième fois votre adresse électronique.",
  emailDifferent: "Les deux adresses électroniques ne sont pas identiques : vérifiez-les.",
};

const valeur = (racine, selecteur) => racine.querySelector(selecteur)?.value ?? "";
const coche = (racine, nom) => racine.querySelector(`input[name="${nom}"]:checked`)?.value ?? null;

function texte(cible, cle, brut, { facultatif = false } = {}) {
  if (brut.trim()) cible[cle] = brut;
  else if (facultatif) cible[cle] = null;
}

function annee(brut) {
  const propre = brut.trim();
  return /^\d{1,4}$/.test(propre) ? Number(propre) : propre;
}

function note(brut) {
  const propre = brut.trim().replace(",", ".");
  return /^\d+(\.\d+)?$/.test(propre) ? Number(propre) : brut.trim();
}

/** « 17 », « 5 », « 1998 » → "1998-05-17"; "" when all are empty; null when it's no date.
 *  A day (or a day and a month) the papers don't carry: `precision` "mois" or "annee" (the
 *  registration form's question, its boxes ignored), or, with `zeros`, typed 00 as the papers
 *  print it (« mon dossier », the lost number): "1996-05", "1996" (shared_rules.birth_date). */
export function dateDesParties(jour, mois, an, { precision = null, zeros = false } = {}) {
  let [j, m, a] = [jour, mois, an].map((partie) => partie.trim());
  if (precision === "annee") [j, m] = ["", ""];
  if (precision === "mois") j = "";
  if (!j && !m && !a) return "";
  if (!/^\d{4}$/.test(a)) return null;
  const inconnu = (partie) => (precision !== null && !partie) || (zeros && /^0{1,2}$/.test(partie));
  if (inconnu(m) && inconnu(j)) return Number(a) > 0 ? a : null;
  if (!/^\d{1,2}$/.test(m) || Number(m) < 1 || Number(m) > 12) return null;
  if (inconnu(j)) return `${a}-${m.padStart(2, "0")}`;
  if (!/^\d{1,2}$/.test(j)) return null;
  const date = new Date(Date.UTC(2000, Number(m) - 1, Number(j)));
  date.setUTCFullYear(Number(a));
  if (date.getUTCFullYear() !== Number(a) || date.getUTCMonth() !== Number(m) - 1
      || date.getUTCDate() !== Number(j)) return null;
  return `${a}-${m.padStart(2, "0")}-${j.padStart(2, "0")}`;
}

const MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
  "octobre", "novembre", "décembre"];

/** Which part of a typed date is wrong, in words (issue 29: « 15/13/90 » was told « saisissez
 *  une date qui existe », all three boxes marked, without saying the month is 13); null when no
 *  single part explains it. The parts a « date incomplete » leaves out are not judged. */
export function defautDate(jour, mois, an, { precision = null } = {}) {
  const [j, m, a] = [jour, mois, an].map((partie) => partie.trim());
  const defauts = [];
  const anneeBonne = /^\d{4}$/.test(a);
  if (a && !anneeBonne) defauts.push(`L'année s'écrit en 4 chiffres (vous avez saisi « ${a} ») : par exemple 1998.`);
  const moisBon = /^\d{1,2}$/.test(m) && Number(m) >= 1 && Number(m) <= 12;
  if (precision !== "annee" && m && !moisBon) {
    defauts.push(`Le mois est un nombre de 1 à 12 (vous avez saisi « ${m} ») : par exemple 5 pour mai.`);
  }
  const jourBon = /^\d{1,2}$/.test(j) && Number(j) >= 1 && Number(j) <= 31;
  if (precision === null && j && !jourBon) defauts.push(`Le jour est un nombre de 1 à 31 (vous avez saisi « ${j} »).`);
  if (precision === null && jourBon && moisBon && anneeBonne) {
    const dernier = new Date(Date.UTC(2000, 0, 1));
    dernier.setUTCFullYear(Number(a), Number(m), 0);
    if (Number(j) > dernier.getUTCDate()) {
      const nom = MOIS[Number(m) - 1];
      defauts.push(`Le mois ${/^[aeiou]/.test(nom) ? "d'" : "de "}${nom} ${a} n'a que ${dernier.getUTCDate()} jours : `
        + "vérifiez le jour.");
    }
  }
  return defauts.length ? defauts.join(" ") : null;
}

function marquer(element, chemin) {
  if (element) element.dataset.chemin = chemin;
}

/**
 * The dossier as typed: { dossier, saisie } where `saisie` holds the problems of the form
 * itself (a date that doesn't exist, an email typed differently twice), by field path.
 */
export function lireDossier(formulaire, regles) {
  const saisie = {};
  const d = { session: regles.code };
  texte(d, "specialite", valeur(formulaire, "#specialite"));

  const ec = {};
  texte(ec, "nom_naissance", valeur(formulaire, "#nom-naissance"));
  texte(ec, "nom_usage", valeur(formulaire, "#nom-usage"), { facultatif: true });
  const lignes = [...formulaire.querySelectorAll("#liste-prenoms > li")];
  for (const ligne of lignes) delete ligne.dataset.chemin;
  const sansPrenom = formulaire.querySelector("#sans-prenom").checked;
  const remplies = sansPrenom ? [] : lignes.filter((ligne) => ligne.querySelector("input").value.trim());
  ec.prenoms = remplies.map((ligne, i) => {
    marquer(ligne, `etat_civil.prenoms.${i}`);
    return ligne.querySelector("input").value;
  });
  if (sansPrenom) ec.sans_prenom = true;
  const sexe = coche(formulaire, "sexe");
  if (sexe) ec.sexe = sexe;
  const incomplete = formulaire.querySelector("#naissance-incomplete").checked;
  const precision = incomplete ? coche(formulaire, "naissance_precision") : null;
  const naissance = dateDesParties(valeur(formulaire, "#naissance-jour"), valeur(formulaire, "#naissance-mois"),
    valeur(formulaire, "#naissance-annee"), { precision });
  if (incomplete && !precision) saisie["etat_civil.date_naissance"] = [MESSAGES_SAISIE.datePrecision];
  else if (naissance === null) {
    const defaut = defautDate(valeur(formulaire, "#naissance-jour"), valeur(formulaire, "#naissance-mois"),
      valeur(formulaire, "#naissance-annee"), { precision });
    saisie["etat_civil.date_naissance"] = [defaut
      ?? (incomplete ? MESSAGES_SAISIE.date : MESSAGES_SAISIE.dateIncomplete)];
  } else if (naissance) ec.date_naissance = naissance;
  texte(ec, "commune_naissance", valeur(formulaire, "#commune-naissance"));
  texte(ec, "pays_naissance", valeur(formulaire, "#pays-naissance"));
  d.etat_civil = ec;

  const contact = {};
  const email = valeur(formulaire, "#email").trim();
  const confirmation = valeur(formulaire, "#email-confirmation").trim();
  if (email) {
    contact.email = email;
    if (!confirmation) saisie["contact.email_confirmation"] = [MESSAGES_SAISIE.emailConfirmation];
    else if (confirmation.toLowerCase() !== email.toLowerCase()) {
      saisie["contact.email_confirmation"] = [MESSAGES_SAISIE.emailDifferent];
    }
  }
  const telephone = valeur(formulaire, "#telephone").trim();
  contact.telephone = telephone || null;
  texte(contact, "adresse", valeur(formulaire, "#adresse"));
  texte(contact, "code_postal", valeur(formulaire, "#code-postal").trim());
  texte(contact, "commune", valeur(formulaire, "#commune"));
  const departement = coche(formulaire, "departement");
  if (departement) contact.departement = departement;
  if (formulaire.querySelector("#confirmation-residence").checked) contact.confirmation_residence = true;
  d.contact = contact;
  const etablissement = parCode(regles.departements, departement ?? "")?.etablissement.code;
  if (etablissement) d.etablissement = etablissement;

  const forme = coche(formulaire, "forme_passage");
  if (forme) d.forme_passage = forme;
  d.unites_presentees = forme === "progressive"
    ? [...formulaire.querySelectorAll('input[name="unites_presentees"]:checked')].map((c) => c.value) : [];

  const eps = coche(formulaire, "eps");
  if (eps === "dispense") d.eps = { dispense: true, activites: [] };
  else if (eps && eps !== "aucune") d.eps = { dispense: false, activites: [...regles.eps.combinaisons[Number(eps.split("-")[1])].activites] };
  else d.eps = { dispense: false, activites: [] };

  const specialite = specialiteChoisie(formulaire, regles);
  d.specialite_autre = specialite?.autre ? (valeur(formulaire, "#specialite-autre").trim() || null) : null;
  const langue = specialite && specialite.pour_juger.langue_vivante_obligatoire !== false;
  const autre = regles.langues_vivantes.autre.code;
  d.langue_vivante = langue ? (valeur(formulaire, "#langue-vivante") || null) : null;
  d.langue_vivante_autre = d.langue_vivante === autre ? (valeur(formulaire, "#langue-vivante-autre").trim() || null) : null;
  d.epreuves_facultatives = [];
  for (const bloc of formulaire.querySelectorAll("[data-facultative]")) {
    delete bloc.dataset.chemin;
    const langue = bloc.querySelector("[data-langue]");
    const libelle = bloc.querySelector("[data-langue-autre-de]");
    if (langue) delete langue.dataset.chemin;
    if (libelle) delete libelle.dataset.chemin;
    if (!bloc.querySelector("input").checked) continue;
    const i = d.epreuves_facultatives.length;
    marquer(bloc, `epreuves_facultatives.${i}.unite`);
    marquer(langue, `epreuves_facultatives.${i}.langue`);
    marquer(libelle, `epreuves_facultatives.${i}.langue_autre`);
    const choisie = langue ? (langue.querySelector("select").value || null) : null;
    const epreuve = { unite: bloc.dataset.facultative, langue: choisie };
    if (choisie === autre) epreuve.langue_autre = libelle.querySelector("input").value.trim() || null;
    d.epreuves_facultatives.push(epreuve);
  }

  d.dispenses = lireLignes(formulaire, "dispense", "dispenses", (champs) => {
    const dispense = {};
    texte(dispense, "unite", champs.unite.value);
    texte(dispense, "diplome", champs.diplome.value);
    if (champs.annee.value.trim()) dispense.annee = annee(champs.annee.value);
    return dispense;
  });
  d.benefices = lireLignes(formulaire, "benefice", "benefices", (champs) => {
    const benefice = {};
    texte(benefice, "unite", champs.unite.value);
    if (champs.annee.value) benefice.annee = Number(champs.annee.value);
    if (champs.note.value.trim()) benefice.note = note(champs.note.value);
    return benefice;
  });

  const demande = formulaire.querySelector("#amenagement-demande").checked;
  const precisions = valeur(formulaire, "#amenagement-precisions");
  d.amenagement = {
    demande,
    decision_anterieure: demande && formulaire.querySelector("#amenagement-decision").checked,
    precisions: demande && precisions.trim() ? precisions : null,
  };
  const echec = valeur(formulaire, "#rattrapage-annee");
  d.rattrapage = specialite?.rattrapage && echec ? { annee_echec: Number(echec) } : null;
  d.attestation_exactitude = formulaire.querySelector("#attestation").checked;
  return { dossier: d, saisie };
}

/** The rows of one kind that have something typed in, marked with their field paths. */
function lireLignes(formulaire, type, chemin, lire) {
  const resultat = [];
  for (const ligne of formulaire.querySelectorAll(`[data-ligne="${type}"]`)) {
    const champs = Object.fromEntries([...ligne.querySelectorAll("[data-role]")]
      .filter((c) => c.matches("input, select")).map((c) => [c.dataset.role, c]));
    const blocs = [...ligne.querySelectorAll(".champ[data-role]")];
    delete ligne.dataset.chemin;
    for (const bloc of blocs) delete bloc.dataset.chemin;
    if (Object.values(champs).every((c) => !c.value.trim())) continue;
    const i = resultat.length;
    marquer(ligne, `${chemin}.${i}`);
    for (const bloc of blocs) marquer(bloc, `${chemin}.${i}.${bloc.dataset.role}`);
    resultat.push(lire(champs));
  }
  return resultat;
}

function choisir(formulaire, nom, valeurChoisie) {
  for (const bouton of formulaire.querySelectorAll(`input[name="${nom}"]`)) {
    bouton.checked = valeurChoisie !== null && valeurChoisie !== undefined && bouton.value === String(valeurChoisie);
  }
}

function ecrire(formulaire, selecteur, texteEcrit) {
  formulaire.querySelector(selecteur).value = texteEcrit ?? "";
}

/** Fill the form from a dossier; anything the form can't show (a pair the rules don't allow,
 *  a code they don't know) is left unanswered, and the checks then say so on its field. */
export function remplirDossier(formulaire, regles, d, { emailConfirmation } = {}) {
  ecrire(formulaire, "#specialite", d.specialite);
  if (!parCode(regles.specialites, d.specialite ?? "")) ecrire(formulaire, "#specialite", "");
  adapterASpecialite(formulaire, regles);
  ecrire(formulaire, "#specialite-autre", d.specialite_autre);
  ecrire(formulaire, "#rattrapage-annee", d.rattrapage?.annee_echec);

  const ec = d.etat_civil ?? {};
  ecrire(formulaire, "#nom-naissance", ec.nom_naissance);
  ecrire(formulaire, "#nom-usage", ec.nom_usage);
  formulaire.querySelector("#liste-prenoms").replaceChildren();
  formulaire.querySelector("#sans-prenom").checked = ec.sans_prenom === true;
  const prenoms = Array.isArray(ec.prenoms) && ec.prenoms.length ? ec.prenoms : [""];
  for (const prenom of prenoms) ajouterPrenom(formulaire, regles, typeof prenom === "string" ? prenom : "");
  montrerPrenoms(formulaire);
  choisir(formulaire, "sexe", ec.sexe);
  const [an, mois, jour] = typeof ec.date_naissance === "string" ? ec.date_naissance.split("-") : [];
  ecrire(formulaire, "#naissance-jour", jour ? String(Number(jour)) : "");
  ecrire(formulaire, "#naissance-mois", mois ? String(Number(mois)) : "");
  ecrire(formulaire, "#naissance-annee", an);
  // Papers with no day (or no month): « 1996-05 », « 1996 ».
  const incomplete = Boolean(an) && !jour;
  formulaire.querySelector("#naissance-incomplete").checked = incomplete;
  choisir(formulaire, "naissance_precision", incomplete ? (mois ? "mois" : "annee") : null);
  montrerDateNaissance(formulaire);
  ecrire(formulaire, "#commune-naissance", ec.commune_naissance);
  ecrire(formulaire, "#pays-naissance", ec.pays_naissance);

  const contact = d.contact ?? {};
  ecrire(formulaire, "#email", contact.email);
  ecrire(formulaire, "#email-confirmation", emailConfirmation ?? contact.email);
  ecrire(formulaire, "#telephone", contact.telephone);
  ecrire(formulaire, "#adresse", contact.adresse);
  ecrire(formulaire, "#code-postal", contact.code_postal);
  ecrire(formulaire, "#commune", contact.commune);
  choisir(formulaire, "departement", contact.departement);
  montrerEtablissement(formulaire, regles);
  montrerAvertissementResidence(formulaire, regles);
  formulaire.querySelector("#confirmation-residence").checked = contact.confirmation_residence === true;

  if (d.forme_passage) choisir(formulaire, "forme_passage", d.forme_passage);
  const progressive = coche(formulaire, "forme_passage") === "progressive";
  montrer(formulaire.querySelector("#bloc-unites"), progressive);
  const unites = new Set(d.unites_presentees ?? []);
  for (const c of formulaire.querySelectorAll('input[name="unites_presentees"]')) c.checked = unites.has(c.value);

  const eps = d.eps ?? {};
  const activites = Array.isArray(eps.activites) ? eps.activites : [];
  const paire = regles.eps.combinaisons.findIndex((c) => activites.length === 2
    && c.activites.includes(activites[0]) && c.activites.includes(activites[1]) && activites[0] !== activites[1]);
  if (eps.dispense === true && !activites.length) choisir(formulaire, "eps", "dispense");
  else choisir(formulaire, "eps", eps.dispense === false && paire >= 0 ? `paire-${paire}` : null);

  ecrire(formulaire, "#langue-vivante", d.langue_vivante);
  ecrire(formulaire, "#langue-vivante-autre", d.langue_vivante_autre);
  const facultatives = new Map((d.epreuves_facultatives ?? []).map((e) => [e.unite, e]));
  for (const bloc of formulaire.querySelectorAll("[data-facultative]")) {
    const choisie = facultatives.has(bloc.dataset.facultative);
    bloc.querySelector("input").checked = choisie;
    const langue = bloc.querySelector("[data-langue]");
    if (langue) {
      langue.querySelector("select").value = facultatives.get(bloc.dataset.facultative)?.langue ?? "";
      bloc.querySelector("[data-langue-autre-de] input").value = facultatives.get(bloc.dataset.facultative)?.langue_autre ?? "";
      montrer(langue, choisie);
    }
  }
  montrerLangueAutre(formulaire, regles);

  formulaire.querySelector("#liste-dispenses").replaceChildren();
  for (const dispense of d.dispenses ?? []) ajouterDispense(formulaire, regles, dispense);
  formulaire.querySelector("#liste-benefices").replaceChildren();
  for (const benefice of d.benefices ?? []) ajouterBenefice(formulaire, regles, benefice);
  adapterEps(formulaire, regles);

  const amenagement = d.amenagement ?? {};
  formulaire.querySelector("#amenagement-demande").checked = Boolean(amenagement.demande);
  formulaire.querySelector("#amenagement-decision").checked = Boolean(amenagement.decision_anterieure);
  ecrire(formulaire, "#amenagement-precisions", amenagement.precisions);
  montrer(formulaire.querySelector("#bloc-amenagement"), Boolean(amenagement.demande));
  formulaire.querySelector("#attestation").checked = false;
}
