// The browser's check of a dossier, for speed only: the server stays the one judge
// (POST /api/dossiers/verification, then the submission itself).
//
// `verifier(dossier, regles)` gives the errors the server's `shared_rules.validate` gives, on
// the same field paths, with the same French messages, from the rules JSON alone: first each
// field's shape (shared_rules/schemas.py), then the session's rules (shared_rules/rules.py) on
// what passed, skipping a rule whose inputs failed, as the server does. Where the two languages
// differ, this check is the more lenient one, so that it never refuses a dossier the server
// accepts (tests/site/test_one_judge.py checks both on generated dossiers).
//
// Pure: no DOM, no network. Called by the form on every step, and by the tests many times in
// one page load.

import { dateCourte, decrireCaractere, formater, langueVivantePossible, lireDateNaissance, listeDepartements, longueur, nombre, parCode, replier, replierLignes, unitesApplicables } from "./regles.js";

const ABSENT = Symbol("absent");

/** Errors by dotted field path (`etat_civil.prenoms.0`), empty when the browser sees none. */
export function verifier(dossier, regles) {
  const controle = new Controle(regles);
  if (!estObjet(dossier)) return { dossier: [regles.messages.OBJET_ATTENDU] };
  const donnees = controle.groupe(dossier, "", schemaDossier(controle));
  if (!("session" in donnees)) return controle.erreurs;
  if (donnees.session !== regles.code) {
    controle.erreurs.session = [regles.messages.SESSION_INCONNUE];
    return controle.erreurs;
  }
  const forme = new Set(Object.keys(controle.erreurs));
  const casses = cassees(forme, dossier, donnees);
  for (const [chemin, message] of reglesDeSession(donnees, regles, casses)) {
    // A field that failed its shape check keeps that message alone.
    if (!forme.has(chemin)) controle.ajouter(chemin, message);
  }
  return controle.erreurs;
}

/** shared_rules.ITEM_LISTS: lists whose items are judged one by one. */
const LISTES_D_ELEMENTS = ["dispenses", "benefices", "epreuves_facultatives"];

/** shared_rules._broken: the top-level fields the rules leave alone. */
function cassees(chemins, dossier, donnees) {
  const casses = new Set();
  for (const chemin of chemins) {
    const [haut, ...reste] = chemin.split(".");
    if (LISTES_D_ELEMENTS.includes(haut) && reste.length >= 2) {
      const elements = dossier[haut];
      const lus = donnees[haut];
      if (Array.isArray(elements) && Array.isArray(lus) && lus.length === elements.length
          && lus.every((lu) => Object.keys(lu).length > 0)) continue;
    }
    casses.add(haut);
  }
  return casses;
}

/** shared_rules.warnings: what the candidate is asked to check, by field path (never refused),
 *  judged on the fields that have the right shape, read as the server reads them. */
export function avertissements(dossier, regles) {
  if (!estObjet(dossier)) return {};
  const controle = new Controle(regles);
  const donnees = controle.groupe(dossier, "", schemaDossier(controle));
  if (donnees === ABSENT || donnees.session !== regles.code) return {};
  const erreurs = Object.keys(controle.erreurs);
  const trouves = {};
  for (const [chemin, message] of tousLesAvertissements(donnees, regles)) {
    if (!erreurs.some((e) => dansLaPortee(e, chemin))) (trouves[chemin] ??= []).push(message);
  }
  return trouves;
}

/** shared_rules.warnings.in_scope: a shape error on `erreur` leaves this warning unjudged. */
const LISTES_AVERTIES = ["dispenses", "benefices", "epreuves_facultatives", "etat_civil.prenoms"];
function dansLaPortee(erreur, avertissement) {
  const portee = LISTES_AVERTIES.find((l) => avertissement.startsWith(`${l}.`)) ?? avertissement;
  return erreur === portee || erreur.startsWith(`${portee}.`) || portee.startsWith(`${erreur}.`);
}

/** shared_rules.warnings._all, in its order. */
function* tousLesAvertissements(d, regles) {
  const m = regles.messages;
  const contact = d.contact ?? {};
  if (contact.code_postal && contact.departement) {
    const message = avertissementCodePostal(contact.code_postal, contact.departement, regles);
    if (message) yield ["contact.code_postal", message];
  }
  const ec = d.etat_civil ?? {};
  const ne = lireDateNaissance(ec.date_naissance, regles);
  if (ne) {
    if (ne.mois === null) yield ["etat_civil.date_naissance", m.DATE_NAISSANCE_SANS_JOUR_NI_MOIS];
    else if (ne.jour === null) yield ["etat_civil.date_naissance", m.DATE_NAISSANCE_SANS_JOUR];
    const limite = regles.majorite.date_naissance_max;
    if (ne.plusTot <= limite && limite < ne.plusTard) {
      yield ["etat_civil.date_naissance", formater(m.MAJORITE_INCERTAINE, { date: dateCourte(regles.majorite.au) })];
    }
    if (ne.annee < regles.limites.annee_naissance_min) {
      yield ["etat_civil.date_naissance", formater(m.DATE_NAISSANCE_INVRAISEMBLABLE, { annee: regles.limites.annee_naissance_min })];
    }
  }
  if (ec.sans_prenom && !(ec.prenoms ?? []).length) yield ["etat_civil.sans_prenom", m.SANS_PRENOM];
  const usuel = new RegExp(regles.motifs.nom_usuel, "u");
  for (const champ of ["nom_naissance", "nom_usage"]) {
    if (typeof ec[champ] === "string" && !usuel.test(ec[champ])) yield [`etat_civil.${champ}`, m.NOM_INHABITUEL];
  }
  for (const [i, prenom] of (ec.prenoms ?? []).entries()) {
    if (typeof prenom === "string" && !usuel.test(prenom)) yield [`etat_civil.prenoms.${i}`, m.NOM_INHABITUEL];
  }
  if (ne && ne.plusTot <= regles.majorite.date_naissance_max) {
    const age = regles.dispenses.age_minimum;
    for (const [genre, modele] of [["dispenses", m.DIPLOME_TROP_TOT], ["benefices", m.BENEFICE_TROP_TOT]]) {
      for (const [i, element] of (d[genre] ?? []).entries()) {
        const { annee } = element;
        if (Number.isInteger(annee) && ne.annee <= annee && annee < ne.annee + age) {
          yield [`${genre}.${i}.annee`, formater(modele, { annee, age })];
        }
      }
    }
  }
  yield* avertissementsLangues(d, regles);
  const specialite = parCode(regles.specialites, d.specialite ?? "");
  if (specialite?.autre) {
    const listee = specialiteNommee(d.specialite_autre, regles);
    if (listee) yield ["specialite_autre", formater(m.SPECIALITE_AUTRE_DANS_LA_LISTE, { libelle: listee.libelle })];
  }
}

/** shared_rules.warnings._languages. */
function* avertissementsLangues(d, regles) {
  const m = regles.messages;
  const autre = regles.langues_vivantes.autre.code;
  const cle = (code, libelle) => {
    if (typeof code !== "string") return null;
    return code === autre && typeof libelle === "string" ? `autre:${cleComparaison(libelle)}` : code;
  };
  const obligatoire = cle(d.langue_vivante, d.langue_vivante_autre);
  if (d.langue_vivante === autre && d.langue_vivante_autre) {
    yield ["langue_vivante_autre", formater(m.LANGUE_HORS_LISTE, { langue: d.langue_vivante_autre })];
  }
  for (const [i, epreuve] of (d.epreuves_facultatives ?? []).entries()) {
    if (epreuve.langue === autre && epreuve.langue_autre) {
      yield [`epreuves_facultatives.${i}.langue_autre`, formater(m.LANGUE_HORS_LISTE, { langue: epreuve.langue_autre })];
    }
    if (obligatoire !== null && cle(epreuve.langue, epreuve.langue_autre) === obligatoire) {
      yield [`epreuves_facultatives.${i}.langue`, m.FACULTATIVE_MEME_LANGUE];
    }
  }
}

/** shared_rules.names.comparison_key: lower-case base letters, separators dropped. */
const TRANSLITTERATION = { œ: "oe", æ: "ae", ø: "o", đ: "d", ð: "d", ł: "l", ħ: "h", ı: "i", þ: "th", ß: "ss", ŀ: "l" };
export function cleComparaison(texte) {
  // Python's casefold, where JavaScript's lower case differs for names: the final sigma.
  const minuscules = texte.normalize("NFKC").toLowerCase().replace(/ς/gu, "σ")
    .replace(/[œæøđðłħıþßŀ]/gu, (lettre) => TRANSLITTERATION[lettre]);
  return minuscules.normalize("NFKD").replace(/[\p{M} \-'’]/gu, "").replace(/\s/gu, "");
}

/** shared_rules.libelles.loose_key and listed_speciality: the listed speciality a typed label
 *  names, or null. */
function cleSouple(texte) {
  return texte.replace(/[-'’]/g, " ").split(/\s+/u).filter(Boolean)
    .map((mot) => [...cleComparaison(mot)].filter((c) => /[\p{L}\p{N}]/u.test(c)).join(""))
    .map((mot) => (mot.length > 3 && /[sx]$/u.test(mot) ? mot.slice(0, -1) : mot)).join("");
}

export function specialiteNommee(tape, regles) {
  if (!tape) return null;
  const cle = cleSouple(tape);
  let trouvee = null;
  let longueurTrouvee = -1;
  for (const specialite of regles.specialites) {
    if (specialite.autre) continue;
    const libelle = cleSouple(specialite.libelle);
    if (libelle.length >= regles.limites.libelle_cle_min && cle.includes(libelle) && libelle.length > longueurTrouvee) {
      trouvee = specialite;
      longueurTrouvee = libelle.length;
    }
  }
  return trouvee;
}

function correspond(postal, code) {
  return postal.startsWith(code === "2A" || code === "2B" ? "20" : code);
}

/** shared_rules.eligibility.postcode_warning. */
function avertissementCodePostal(postal, code, regles) {
  const m = regles.messages;
  const residence = parCode(regles.departements, code);
  if (residence === null || correspond(postal, code)) return null;
  const habituel = regles.departements.find((d) => correspond(postal, d.code));
  if (habituel) return formater(m.CODE_POSTAL_AUTRE_DEPARTEMENT, { de: habituel.de, en: residence.en });
  const noms = { academie: regles.academie.libelle, departements: listeDepartements(regles), en: residence.en };
  const voisin = regles.departements_voisins.find((d) => correspond(postal, d.code));
  if (voisin) return formater(m.CODE_POSTAL_VOISIN, { ...noms, de: voisin.de });
  return formater(m.CODE_POSTAL_HORS_ACADEMIE, noms);
}

function estObjet(valeur) {
  return typeof valeur === "object" && valeur !== null && !Array.isArray(valeur);
}

function joindre(chemin, cle) {
  return chemin ? `${chemin}.${cle}` : String(cle);
}

// -- shapes: shared_rules/schemas.py, as marshmallow loads them --------------------------------

class Controle {
  constructor(regles) {
    this.regles = regles;
    this.m = regles.messages;
    this.erreurs = {};
    const motifs = regles.motifs;
    this.motifs = {
      nom: new RegExp(motifs.nom, "u"),
      lieu: new RegExp(motifs.lieu, "u"),
      interdits: new RegExp(motifs.caracteres_interdits, "u"),
      date_naissance: new RegExp(motifs.date_naissance, "u"),
      code_postal: new RegExp(motifs.code_postal, "u"),
      telephone: new RegExp(motifs.telephone, "u"),
      telephone_zero_national: new RegExp(motifs.telephone_zero_national, "u"),
      departement: new RegExp(motifs.departement, "u"),
    };
  }

  ajouter(chemin, message) {
    (this.erreurs[chemin] ??= []).push(message);
  }

  compte() {
    return Object.values(this.erreurs).reduce((total, liste) => total + liste.length, 0);
  }

  /** A group of fields (a marshmallow schema with unknown=RAISE): its valid part, or ABSENT
   *  when it is not an object or nothing in it is valid. */
  groupe(valeur, chemin, champs, { apres } = {}) {
    if (!estObjet(valeur)) {
      this.ajouter(chemin || "dossier", this.m.OBJET_ATTENDU);
      return ABSENT;
    }
    const avant = this.compte();
    const resultat = {};
    for (const [cle, lire] of Object.entries(champs)) {
      const lu = lire(valeur, cle, joindre(chemin, cle));
      if (lu !== ABSENT) resultat[cle] = lu;
    }
    for (const cle of Object.keys(valeur)) {
      if (!Object.hasOwn(champs, cle)) this.ajouter(joindre(chemin, cle), this.m.CHAMP_INCONNU);
    }
    if (apres && this.compte() === avant) apres(resultat, chemin);
    if (this.compte() > avant && Object.keys(resultat).length === 0) return ABSENT;
    return resultat;
  }
}

/** One field: missing, null, then its own reading (marshmallow's Field.deserialize). */
function champ(controle, lire, { requis = false, messageRequis, defaut = ABSENT, nul = false, messageNul } = {}) {
  return (objet, cle, chemin) => {
    if (!Object.hasOwn(objet, cle)) {
      if (requis) {
        controle.ajouter(chemin, messageRequis ?? controle.m.OBLIGATOIRE);
        return ABSENT;
      }
      return typeof defaut === "function" ? defaut() : defaut;
    }
    const valeur = objet[cle];
    if (valeur === null) {
      if (nul) return null;
      controle.ajouter(chemin, messageNul ?? controle.m.NUL);
      return ABSENT;
    }
    return lire(valeur, chemin);
  };
}

/** schemas.Texte: what can't be stored refused and named, spaces folded (lines kept with
 *  `lignes`), an optional text left empty is null, the length, then the field's own check. */
function texte(controle, { max, messageRequis, verifierTexte, facultatif = false, lignes = false }) {
  const m = controle.m;
  return (valeur, chemin) => {
    if (typeof valeur !== "string") return erreur(controle, chemin, m.TEXTE_ATTENDU);
    const interdit = controle.motifs.interdits.exec(valeur);
    if (interdit) {
      return erreur(controle, chemin, formater(m.TEXTE_CARACTERE, { caractere: decrireCaractere(interdit[0]) }));
    }
    const replie = lignes ? replierLignes(valeur) : replier(valeur);
    if (!replie) return facultatif ? null : erreur(controle, chemin, messageRequis ?? m.OBLIGATOIRE);
    if (longueur(replie) > max) return erreur(controle, chemin, formater(m.TEXTE_TROP_LONG, { max }));
    const refus = verifierTexte ? verifierTexte(replie) : null;
    return refus ? erreur(controle, chemin, refus) : replie;
  };
}

function erreur(controle, chemin, message) {
  controle.ajouter(chemin, message);
  return ABSENT;
}

/** schemas.Nom: letters, spaces, hyphens and apostrophes; a first name with a comma is told
 *  to go one per box. */
function nom(controle, { prenom = false, ...options } = {}) {
  const m = controle.m;
  const verifierTexte = (t) => {
    if (controle.motifs.nom.test(t)) return null;
    return prenom && t.includes(",") ? m.PRENOM_VIRGULE : m.NOM_CARACTERES;
  };
  return texte(controle, { max: controle.regles.limites.nom, verifierTexte, ...options });
}

/** schemas.Lieu: free text with at least one letter. */
function lieu(controle, options = {}) {
  const verifierTexte = (t) => (controle.motifs.lieu.test(t) ? null : controle.m.LIEU_SANS_LETTRE);
  return texte(controle, { max: controle.regles.limites.lieu, verifierTexte, ...options });
}

function code(controle) {
  return (valeur, chemin) => {
    if (typeof valeur !== "string" || longueur(valeur) > controle.regles.limites.code) {
      return erreur(controle, chemin, controle.m.CHOIX_INCONNU);
    }
    return valeur;
  };
}

/** schemas.Motif: spaces (and the given signs) removed, upper case, then the pattern. */
function motif(controle, expression, message, retirer = " ", avant = (v) => v) {
  const aRetirer = new RegExp(`[${retirer.replace(/[-\]\\^]/g, "\\$&")}]`, "gu");
  return (valeur, chemin) => {
    if (typeof valeur !== "string") return erreur(controle, chemin, message);
    const compact = avant(valeur).replace(aRetirer, "").toUpperCase();
    if (!expression.test(compact)) return erreur(controle, chemin, message);
    return compact;
  };
}

/** schemas.DateNaissance: YYYY-MM-DD, YYYY-MM or YYYY, that exists in the calendar. */
function dateNaissance(controle) {
  return (valeur, chemin) => (lireDateNaissance(valeur, controle.regles) === null
    ? erreur(controle, chemin, controle.m.DATE_NAISSANCE_ATTENDUE) : valeur);
}

/** schemas.Booleen: true or false (marshmallow also takes 1 and 0, which equal them in Python). */
function booleen(controle) {
  return (valeur, chemin) => {
    if (valeur === true || valeur === 1) return true;
    if (valeur === false || valeur === 0) return false;
    return erreur(controle, chemin, controle.m.BOOLEEN_ATTENDU);
  };
}

function entier(controle) {
  return (valeur, chemin) => (typeof valeur === "number" && Number.isInteger(valeur)
    ? valeur : erreur(controle, chemin, controle.m.ENTIER_ATTENDU));
}

function note(controle) {
  return (valeur, chemin) => (typeof valeur === "number" && Number.isFinite(valeur)
    ? valeur : erreur(controle, chemin, controle.m.NOMBRE_ATTENDU));
}

/** schemas.Liste: the items, then the length; the valid items when some fail. */
function liste(controle, item, { max, min, messageMin, messageMax } = {}) {
  const m = controle.m;
  const limite = max ?? controle.regles.limites.liste;
  return (valeur, chemin) => {
    if (!Array.isArray(valeur)) return erreur(controle, chemin, m.LISTE_ATTENDUE);
    const avant = controle.compte();
    const resultat = [];
    valeur.forEach((element, index) => {
      const lu = element === null
        ? erreur(controle, joindre(chemin, index), m.NUL)
        : item(element, joindre(chemin, index));
      if (lu !== ABSENT) resultat.push(lu);
    });
    if (controle.compte() > avant) return resultat.length ? resultat : ABSENT;
    let refuse = false;
    if (resultat.length > limite) {
      controle.ajouter(chemin, formater(messageMax ?? m.LISTE_TROP_LONGUE, { max: limite }));
      refuse = true;
    }
    if (min !== undefined && resultat.length < min) {
      controle.ajouter(chemin, messageMin);
      refuse = true;
    }
    return refuse ? ABSENT : resultat;
  };
}

function sousGroupe(controle, champs, options) {
  return (valeur, chemin) => controle.groupe(valeur, chemin, champs, options);
}

function schemaDossier(c) {
  const m = c.m;
  const limites = c.regles.limites;
  const etatCivil = {
    nom_naissance: champ(c, nom(c, { messageRequis: m.NOM_NAISSANCE_OBLIGATOIRE }), { requis: true, messageRequis: m.NOM_NAISSANCE_OBLIGATOIRE }),
    nom_usage: champ(c, nom(c, { facultatif: true }), { defaut: null, nul: true }),
    prenoms: champ(c, liste(c, nom(c, { messageRequis: m.PRENOM_VIDE, prenom: true }), { max: limites.prenoms, messageMax: m.PRENOMS_TROP_NOMBREUX }),
      { requis: true, messageRequis: m.PRENOMS_OBLIGATOIRES }),
    sans_prenom: champ(c, booleen(c), { defaut: false }),
    sexe: champ(c, (v, chemin) => (v === "F" || v === "M" ? v : erreur(c, chemin, m.SEXE_CHOIX)),
      { requis: true, messageRequis: m.SEXE_CHOIX }),
    date_naissance: champ(c, dateNaissance(c), { requis: true, messageRequis: m.DATE_NAISSANCE_OBLIGATOIRE }),
    commune_naissance: champ(c, lieu(c, { messageRequis: m.COMMUNE_NAISSANCE_OBLIGATOIRE }), { requis: true, messageRequis: m.COMMUNE_NAISSANCE_OBLIGATOIRE }),
    pays_naissance: champ(c, lieu(c, { messageRequis: m.PAYS_NAISSANCE_OBLIGATOIRE }), { requis: true, messageRequis: m.PAYS_NAISSANCE_OBLIGATOIRE }),
  };
  // EtatCivilSchema._first_names_or_none, run only when every field of the group is valid.
  const prenomsOuAucun = (resultat, chemin) => {
    if (resultat.sans_prenom && resultat.prenoms?.length) {
      c.ajouter(joindre(chemin, "sans_prenom"), m.SANS_PRENOM_ET_PRENOMS);
    } else if (!resultat.sans_prenom && Array.isArray(resultat.prenoms) && !resultat.prenoms.length) {
      c.ajouter(joindre(chemin, "prenoms"), m.PRENOMS_OBLIGATOIRES);
    }
  };
  const contact = {
    email: champ(c, courriel(c), { requis: true, messageRequis: m.EMAIL_OBLIGATOIRE, messageNul: m.EMAIL_OBLIGATOIRE }),
    // shared_rules.schemas.Telephone: « +33 (0)6… » loses its bracketed trunk 0.
    telephone: champ(c, motif(c, c.motifs.telephone, m.TELEPHONE_INVALIDE, " .-",
      (v) => v.replace(c.motifs.telephone_zero_national, "$1")), { defaut: null, nul: true }),
    adresse: champ(c, texte(c, { max: limites.adresse, messageRequis: m.ADRESSE_OBLIGATOIRE }), { requis: true, messageRequis: m.ADRESSE_OBLIGATOIRE }),
    code_postal: champ(c, motif(c, c.motifs.code_postal, m.CODE_POSTAL_INVALIDE),
      { requis: true, messageRequis: m.CODE_POSTAL_OBLIGATOIRE, messageNul: m.CODE_POSTAL_OBLIGATOIRE }),
    commune: champ(c, lieu(c, { messageRequis: m.COMMUNE_OBLIGATOIRE }), { requis: true, messageRequis: m.COMMUNE_OBLIGATOIRE }),
    departement: champ(c, motif(c, c.motifs.departement, m.CHOIX_INCONNU),
      { requis: true, messageRequis: m.DEPARTEMENT_OBLIGATOIRE, messageNul: m.DEPARTEMENT_OBLIGATOIRE }),
    confirmation_residence: champ(c, booleen(c)),
  };
  const eps = {
    dispense: champ(c, booleen(c), { requis: true }),
    activites: champ(c, liste(c, code(c), { max: 5 }), { defaut: () => [] }),
  };
  const facultative = {
    unite: champ(c, code(c), { requis: true }),
    langue: champ(c, code(c), { defaut: null, nul: true }),
    langue_autre: champ(c, texte(c, { max: limites.langue_autre, facultatif: true }), { defaut: null, nul: true }),
  };
  // A line's missing part says which it is (issue 29), absent or null alike, as on the server.
  const manquant = (message) => ({ requis: true, messageRequis: message, messageNul: message });
  const dispense = {
    unite: champ(c, code(c), manquant(m.DISPENSE_UNITE_OBLIGATOIRE)),
    diplome: champ(c, texte(c, { max: limites.diplome, messageRequis: m.DISPENSE_DIPLOME_OBLIGATOIRE }), { requis: true, messageRequis: m.DISPENSE_DIPLOME_OBLIGATOIRE }),
    annee: champ(c, entier(c), manquant(m.DISPENSE_ANNEE_OBLIGATOIRE)),
  };
  const benefice = {
    unite: champ(c, code(c), manquant(m.BENEFICE_UNITE_OBLIGATOIRE)),
    annee: champ(c, entier(c), manquant(m.BENEFICE_ANNEE_OBLIGATOIRE)),
    note: champ(c, note(c), manquant(m.BENEFICE_NOTE_OBLIGATOIRE)),
  };
  const amenagement = {
    demande: champ(c, booleen(c), { requis: true }),
    decision_anterieure: champ(c, booleen(c), { defaut: false }),
    precisions: champ(c, texte(c, { max: limites.precisions, facultatif: true, lignes: true }), { defaut: null, nul: true }),
  };
  const rattrapage = { annee_echec: champ(c, entier(c), { requis: true }) };
  return {
    session: champ(c, code(c), { requis: true }),
    specialite: champ(c, code(c), { requis: true, messageRequis: m.SPECIALITE_OBLIGATOIRE }),
    specialite_autre: champ(c, texte(c, { max: limites.specialite_autre, facultatif: true }), { defaut: null, nul: true }),
    etat_civil: champ(c, sousGroupe(c, etatCivil, { apres: prenomsOuAucun }), { requis: true }),
    contact: champ(c, sousGroupe(c, contact), { requis: true }),
    etablissement: champ(c, code(c), { defaut: null, nul: true }),
    forme_passage: champ(c, code(c), { requis: true, messageRequis: m.FORME_CHOIX }),
    unites_presentees: champ(c, liste(c, code(c)), { defaut: () => [] }),
    eps: champ(c, sousGroupe(c, eps), { requis: true }),
    langue_vivante: champ(c, code(c), { defaut: null, nul: true }),
    langue_vivante_autre: champ(c, texte(c, { max: limites.langue_autre, facultatif: true }), { defaut: null, nul: true }),
    epreuves_facultatives: champ(c, liste(c, sousGroupe(c, facultative), { max: 3 }), { defaut: () => [] }),
    dispenses: champ(c, liste(c, sousGroupe(c, dispense)), { defaut: () => [] }),
    benefices: champ(c, liste(c, sousGroupe(c, benefice)), { defaut: () => [] }),
    amenagement: champ(c, sousGroupe(c, amenagement),
      { defaut: () => ({ demande: false, decision_anterieure: false, precisions: null }) }),
    rattrapage: champ(c, sousGroupe(c, rattrapage), { defaut: null, nul: true }),
    attestation_exactitude: champ(c, (v, chemin) => {
      const lu = booleen(c)(v, chemin);
      return lu === false ? erreur(c, chemin, m.ATTESTATION_EXACTITUDE) : lu;
    }, { requis: true, messageRequis: m.ATTESTATION_EXACTITUDE }),
  };
}

// marshmallow's Email validator (user part, then domain), and the length limit: two validators,
// two messages when both fail, as on the server.
const UTILISATEUR = new RegExp(
  "^(?:[-!#$%&'*+/=?^`{}|~\\p{L}\\p{N}_]+(?:\\.[-!#$%&'*+/=?^`{}|~\\p{L}\\p{N}_]+)*"
  + '|"(?:[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f]|\\\\[\\x01-\\x09\\x0b\\x0c\\x0e-\\x7f])*")$',
  "iu");
const LETTRE = "A-Z0-9\\u00a1-\\uffff";
const DOMAINE = new RegExp(
  `^(?:(?:[${LETTRE}](?:[${LETTRE}-]{0,61}[${LETTRE}])?\\.)+(?:[A-Z\\u00a1-\\uffff]{2,6}|[${LETTRE}-]{2,})`
  + "|\\[(?:25[0-5]|2[0-4]\\p{Nd}|[0-1]?\\p{Nd}?\\p{Nd})(?:\\.(?:25[0-5]|2[0-4]\\p{Nd}|[0-1]?\\p{Nd}?\\p{Nd})){3}\\])$",
  "iu");

/** shared_rules.email_address.reason, in its order, but for the last check (email-validator's,
 *  which only the server runs): what mail can't be sent to. */
function raisonCourriel(utilisateur, domaine, valeur, m) {
  if (/\p{Cc}/u.test(valeur)) return m.EMAIL_CARACTERES_CONTROLE;
  if (utilisateur.startsWith('"')) return m.EMAIL_GUILLEMETS;
  if (/[^\x00-\x7f]/.test(utilisateur)) return m.EMAIL_ACCENTS;
  if (domaine.startsWith("[")) return m.EMAIL_DOMAINE_LITTERAL;
  if (!domaine.includes(".")) return m.EMAIL_DOMAINE_SANS_POINT;
  return null;
}

function courriel(c) {
  return (valeur, chemin) => {
    if (typeof valeur !== "string") return erreur(c, chemin, c.m.EMAIL_INVALIDE);
    let refuse = false;
    const arobase = valeur.lastIndexOf("@");
    const utilisateur = valeur.slice(0, arobase);
    const domaine = valeur.slice(arobase + 1);
    if (arobase < 0 || !UTILISATEUR.test(utilisateur)
        || (domaine !== "localhost" && !DOMAINE.test(domaine))) {
      c.ajouter(chemin, c.m.EMAIL_INVALIDE);
      refuse = true;
    }
    if (longueur(valeur) > c.regles.limites.email) {
      c.ajouter(chemin, c.m.EMAIL_INVALIDE);
      refuse = true;
    }
    if (refuse) return ABSENT;
    const raison = raisonCourriel(utilisateur, domaine, valeur, c.m);
    return raison ? erreur(c, chemin, raison) : valeur;
  };
}

// -- the session's rules: shared_rules/rules.py, in its order ---------------------------------

function* reglesDeSession(d, regles, casses) {
  const m = regles.messages;
  const specialite = "specialite" in d ? parCode(regles.specialites, d.specialite) : null;
  if ("specialite" in d && specialite === null) yield ["specialite", m.SPECIALITE_INCONNUE];
  if (specialite !== null && !casses.has("specialite_autre")) {
    const libelle = d.specialite_autre ?? null;
    if (specialite.autre && !libelle) yield ["specialite_autre", m.SPECIALITE_AUTRE_OBLIGATOIRE];
    else if (!specialite.autre && libelle) yield ["specialite_autre", m.SPECIALITE_AUTRE_INUTILE];
  }
  yield* etatCivil(d.etat_civil ?? {}, regles);
  yield* contactEtEtablissement(d, regles);
  const passees = new Passage(d, casses);
  if ("eps" in d && !casses.has("eps") && "dispense" in d.eps) yield* eps(d, regles, passees);
  if (specialite !== null) {
    if (!casses.has("forme_passage") && !casses.has("unites_presentees")) yield* formePassage(d, regles, specialite);
    if (!casses.has("langue_vivante") && !casses.has("langue_vivante_autre") && !casses.has("epreuves_facultatives")) {
      yield* langues(d, regles, specialite, passees);
    }
    if (!casses.has("dispenses") && !casses.has("benefices")) yield* dispensesBenefices(d, regles, specialite, passees);
    if (!casses.has("rattrapage")) yield* rattrapage(d, regles, specialite);
  }
  if (!casses.has("amenagement")) yield* amenagement(d.amenagement || {}, regles);
}

/** rules._Sitting: the units listed as sat in progressive form, exempted, kept. */
class Passage {
  constructor(d, casses) {
    const unites = casses.has("forme_passage") || casses.has("unites_presentees") ? [] : d.unites_presentees ?? [];
    this.listees = d.forme_passage === "progressive" && unites.length ? new Set(unites) : null;
    const sansChoix = casses.has("dispenses") || casses.has("benefices");
    this.dispensees = new Set(sansChoix ? [] : (d.dispenses ?? []).map((x) => x.unite));
    this.conservees = new Set(sansChoix ? [] : (d.benefices ?? []).map((x) => x.unite));
  }

  horsListe(unite) {
    return this.listees !== null && !this.listees.has(unite);
  }

  conserveeAuLieu(unite) {
    return this.conservees.has(unite) && !(this.listees !== null && this.listees.has(unite));
  }
}

/** Whether EPS is sat, as rules._eps reads it from the form of sitting and the kept grades:
 *  « conservee » (a kept grade instead), « hors-liste » (progressive form without it) or
 *  « choix » (the form's EPS step offers only what applies, issue 29). */
export function situationEps(d) {
  const passees = new Passage(d, new Set());
  if (passees.conserveeAuLieu("eps")) return "conservee";
  return passees.horsListe("eps") ? "hors-liste" : "choix";
}

/** rules._eps: the EPS choice, unless EPS is not sat (a kept grade, progressive form without it). */
function* eps(d, regles, passees) {
  const m = regles.messages;
  const { dispense } = d.eps;
  const activites = d.eps.activites ?? [];
  if (passees.conserveeAuLieu("eps")) {
    if (dispense) yield ["eps.dispense", m.EPS_DISPENSE_ET_NOTE];
    else if (activites.length) yield ["eps.activites", m.EPS_ACTIVITES_ET_NOTE];
    return;
  }
  if (passees.horsListe("eps") && !dispense) {
    if (activites.length) yield ["eps.activites", m.EPS_NON_PRESENTEE];
    return;
  }
  yield* choixEps(dispense, activites, regles);
}

/** rules._birth_year: the candidate's birth year, or null (none readable, or a minor's). */
function anneeNaissance(d, regles) {
  const ne = lireDateNaissance(d.etat_civil?.date_naissance, regles);
  return ne && ne.plusTot <= regles.majorite.date_naissance_max ? ne.annee : null;
}

/** rules._etat_civil: refused only when even the earliest possible day is too late. */
function* etatCivil(etat, regles) {
  const ne = lireDateNaissance(etat.date_naissance, regles);
  if (ne && ne.plusTot > regles.majorite.date_naissance_max) {
    yield ["etat_civil.date_naissance", formater(regles.messages.MINEUR, {
      date: dateCourte(regles.majorite.au), date_limite: dateCourte(regles.majorite.date_naissance_max),
    })];
  }
}

function* contactEtEtablissement(d, regles) {
  const m = regles.messages;
  const contact = d.contact ?? {};
  const code = contact.departement;
  if (code === undefined || code === null) return;
  const departement = parCode(regles.departements, code);
  if (departement === null) {
    yield ["contact.departement", formater(m.DEPARTEMENT_HORS_ACADEMIE, {
      academie: regles.academie.libelle, departements: listeDepartements(regles),
    })];
    return;
  }
  // The postcode: a warning (avertissements below), never a refusal.
  const donne = d.etablissement;
  const attendu = departement.etablissement;
  // Lower case without accents (eligibility._fold_accents); for a label, hyphens as spaces,
  // spaces folded (eligibility.names_establishment: its code, or the notice's words).
  const plier = (t) => t.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
  const plierLibelle = (t) => plier(t).replace(/-/g, " ").split(/\s+/u).filter(Boolean).join(" ");
  if (donne !== undefined && donne !== null && donne !== attendu.code
      && plierLibelle(donne) !== plierLibelle(attendu.libelle)) {
    // shared_rules.eligibility.is_distance_learning: with or without accents.
    const aDistance = regles.etablissements_refuses_aux_majeurs
      .some((mot) => plier(donne).includes(plier(mot)));
    yield ["etablissement", formater(aDistance ? m.ETABLISSEMENT_CNED : m.ETABLISSEMENT_DIFFERENT,
      { attendu: attendu.libelle })];
  }
}

/** shared_rules.eps.check_eps_choice. */
export function* choixEps(dispense, activites, regles) {
  const m = regles.messages;
  if (dispense) {
    if (!regles.eps.dispense_autorisee) yield ["eps.dispense", m.EPS_DISPENSE_REFUSEE];
    else if (activites.length) yield ["eps.activites", m.EPS_DISPENSE_SANS_ACTIVITE];
    return;
  }
  const connues = new Set(regles.eps.activites.map((a) => a.code));
  const inconnues = activites.map((code, i) => [i, code]).filter(([, code]) => !connues.has(code));
  if (inconnues.length) {
    for (const [i] of inconnues) yield [`eps.activites.${i}`, m.EPS_ACTIVITE_INCONNUE];
    return;
  }
  if (activites.length !== 2 || activites[0] === activites[1]) {
    yield ["eps.activites", m.EPS_DEUX_ACTIVITES];
    return;
  }
  const autorisee = regles.eps.combinaisons.some((c) => c.activites.includes(activites[0])
    && c.activites.includes(activites[1]));
  if (!autorisee) {
    yield ["eps.activites", formater(m.EPS_COMBINAISON_REFUSEE, {
      combinaisons: regles.eps.combinaisons.map((c) => c.libelle).join(" ; "),
    })];
  }
}

/** The paths of the repeated codes of a list (rules._duplicates). */
function* doublons(chemin, codes, suffixe = "") {
  const vus = new Set();
  for (const [i, code] of codes.entries()) {
    if (vus.has(code)) yield `${chemin}.${i}${suffixe}`;
    vus.add(code);
  }
}

function* formePassage(d, regles, specialite) {
  const m = regles.messages;
  const forme = d.forme_passage;
  if (forme === undefined || forme === null) return;
  if (!regles.formes_passage.some((f) => f.code === forme)) {
    yield ["forme_passage", m.FORME_CHOIX];
    return;
  }
  const unites = d.unites_presentees ?? [];
  if (forme === "globale") {
    if (unites.length) yield ["unites_presentees", m.UNITES_GLOBALE];
    return;
  }
  if (!unites.length) {
    yield ["unites_presentees", m.UNITES_PROGRESSIVE];
    return;
  }
  const permises = unitesApplicables(regles, specialite, regles.unites.map((u) => u.code), { professionnelles: true });
  for (const [i, code] of unites.entries()) {
    if (!permises.has(code)) yield [`unites_presentees.${i}`, m.UNITE_INCONNUE];
  }
  for (const chemin of doublons("unites_presentees", unites)) yield [chemin, m.UNITE_EN_DOUBLE];
}

/** rules._langue_autre: « Autre langue » takes its label typed by hand, and only it does;
 *  offered only while the list is unconfirmed. */
function* langueAutre(chemin, code, libelle, regles) {
  const m = regles.messages;
  const autre = regles.langues_vivantes.autre.code;
  if (code === autre && regles.langues_vivantes.pour_juger !== null) yield [chemin, m.LANGUE_INCONNUE];
  else if (code === autre && !libelle) yield [`${chemin}_autre`, m.LANGUE_AUTRE_OBLIGATOIRE];
  else if (code !== autre && libelle) yield [`${chemin}_autre`, m.LANGUE_AUTRE_INUTILE];
}

function* langues(d, regles, specialite, passees) {
  const m = regles.messages;
  // shared_rules.unconfirmed: an unconfirmed fact never refuses (null: either is accepted).
  const pourJuger = regles.langues_vivantes.pour_juger;
  const inconnue = (code) => pourJuger !== null && !pourJuger.includes(code);
  const exigee = specialite.pour_juger.langue_vivante_obligatoire;
  const obligatoire = d.langue_vivante ?? null;
  if (exigee === true && obligatoire === null) yield ["langue_vivante", m.LANGUE_OBLIGATOIRE];
  else if (exigee === false && obligatoire !== null) yield ["langue_vivante", m.LANGUE_SANS_EPREUVE];
  else if (obligatoire !== null && inconnue(obligatoire)) yield ["langue_vivante", m.LANGUE_INCONNUE];
  else if (obligatoire !== null && (passees.dispensees.has("langue-vivante") || passees.conserveeAuLieu("langue-vivante"))) {
    yield ["langue_vivante", m.LANGUE_NON_PASSEE];
  } else if (obligatoire !== null && passees.horsListe("langue-vivante")) yield ["langue_vivante", m.LANGUE_NON_PRESENTEE];
  else yield* langueAutre("langue_vivante", obligatoire, d.langue_vivante_autre ?? null, regles);
  const epreuves = d.epreuves_facultatives ?? [];
  for (const [i, epreuve] of epreuves.entries()) {
    const chemin = `epreuves_facultatives.${i}`;
    const unite = parCode(regles.unites_facultatives, epreuve.unite ?? "");
    if (unite === null) {
      yield [`${chemin}.unite`, m.UNITE_INCONNUE];
      continue;
    }
    if (!specialite.pour_juger.unites_facultatives.includes(unite.code)) {
      yield [`${chemin}.unite`, m.FACULTATIVE_FERMEE];
      continue;
    }
    const langue = epreuve.langue ?? null;
    const libelle = epreuve.langue_autre ?? null;
    if (unite.avec_langue && langue === null) yield [`${chemin}.langue`, m.FACULTATIVE_LANGUE_OBLIGATOIRE];
    else if (unite.avec_langue && inconnue(langue)) yield [`${chemin}.langue`, m.LANGUE_INCONNUE];
    else if (!unite.avec_langue && langue !== null) yield [`${chemin}.langue`, m.FACULTATIVE_SANS_LANGUE];
    else if (!unite.avec_langue && libelle) yield [`${chemin}.langue_autre`, m.LANGUE_AUTRE_INUTILE];
    else if (unite.avec_langue) yield* langueAutre(`${chemin}.langue`, langue, libelle, regles);
  }
  for (const chemin of doublons("epreuves_facultatives", epreuves.map((e) => e.unite ?? ""), ".unite")) {
    yield [chemin, m.UNITE_EN_DOUBLE];
  }
}

function* dispensesBenefices(d, regles, specialite, passees) {
  const m = regles.messages;
  const dispenses = d.dispenses ?? [];
  let permises = unitesApplicables(regles, specialite, regles.dispenses.unites,
    { professionnelles: regles.dispenses.unites_professionnelles });
  const dispenseMax = regles.dispenses.annee_max;
  const naissance = anneeNaissance(d, regles);
  const listee = (unite) => passees.listees !== null && passees.listees.has(unite);
  for (const [i, dispense] of dispenses.entries()) {
    const { unite, annee } = dispense;
    if (unite === "langue-vivante" && !langueVivantePossible(specialite)) {
      yield [`dispenses.${i}.unite`, m.DISPENSE_LANGUE_SANS_EPREUVE];
    } else if (unite !== undefined && !permises.has(unite)) {
      yield [`dispenses.${i}.unite`, m.DISPENSE_UNITE];
    } else if (unite !== undefined && listee(unite)) {
      yield [`dispenses.${i}.unite`, m.DISPENSE_ET_PRESENTEE];
    }
    if (annee !== undefined && !(annee >= 1000 && annee <= 9999)) {
      yield [`dispenses.${i}.annee`, m.ANNEE_ATTENDUE];
    } else if (annee !== undefined && annee > dispenseMax) {
      yield [`dispenses.${i}.annee`, formater(m.DISPENSE_ANNEE, { annee_max: dispenseMax })];
    } else if (annee !== undefined && naissance !== null && annee < naissance) {
      yield [`dispenses.${i}.annee`, formater(m.DIPLOME_AVANT_NAISSANCE, { annee, naissance })];
    }
  }
  for (const chemin of doublons("dispenses", dispenses.map((x) => x.unite ?? ""), ".unite")) {
    yield [chemin, m.UNITE_EN_DOUBLE];
  }

  const dispensees = new Set(dispenses.map((x) => x.unite));
  const benefices = d.benefices ?? [];
  permises = unitesApplicables(regles, specialite, regles.benefices.unites,
    { professionnelles: regles.benefices.unites_professionnelles });
  const { annee_min: anneeMin, annee_max: anneeMax, note_minimale: noteMinimale } = regles.benefices;
  for (const [i, benefice] of benefices.entries()) {
    const { unite, annee, note: valeur } = benefice;
    if (unite !== undefined && !permises.has(unite)) yield [`benefices.${i}.unite`, m.BENEFICE_UNITE];
    else if (dispensees.has(unite)) yield [`benefices.${i}.unite`, m.BENEFICE_DEJA_DISPENSE];
    else if (unite !== undefined && listee(unite)) yield [`benefices.${i}.unite`, m.BENEFICE_ET_PRESENTEE];
    const enTemps = anneeMin <= (annee || 0) && (annee || 0) <= anneeMax;
    if (annee !== undefined && !enTemps) {
      yield [`benefices.${i}.annee`, formater(m.BENEFICE_ANNEE, { annee_min: anneeMin, annee_max: anneeMax })];
    }
    if (valeur !== undefined && !(valeur >= 0 && valeur <= 20)) {
      yield [`benefices.${i}.note`, m.NOTE_HORS_BAREME];
    } else if (valeur !== undefined && valeur < noteMinimale) {
      yield [`benefices.${i}.note`, formater(m.BENEFICE_NOTE, { note_minimale: nombre(noteMinimale) })];
    }
  }
  for (const chemin of doublons("benefices", benefices.map((x) => x.unite ?? ""), ".unite")) {
    yield [chemin, m.UNITE_EN_DOUBLE];
  }
}

function* rattrapage(d, regles, specialite) {
  const m = regles.messages;
  const donne = d.rattrapage ?? null;
  const regle = specialite.rattrapage;
  if (regle === null || regle === undefined) {
    if (donne !== null) yield ["rattrapage", m.RATTRAPAGE_INUTILE];
    return;
  }
  const bornes = { annee_min: regle.annee_min, annee_max: regle.annee_max };
  if (donne === null) {
    yield ["rattrapage.annee_echec", formater(m.RATTRAPAGE_OBLIGATOIRE, bornes)];
  } else if ("annee_echec" in donne && !(regle.annee_min <= donne.annee_echec && donne.annee_echec <= regle.annee_max)) {
    // Failed before the resit's years: its successor diploma is the way (rules._rattrapage).
    const successeur = regle.successeur ? parCode(regles.specialites, regle.successeur) : null;
    if (donne.annee_echec < regle.annee_min && successeur) {
      yield ["rattrapage.annee_echec", formater(m.RATTRAPAGE_SUCCESSEUR, { ...bornes, successeur: successeur.libelle })];
    } else yield ["rattrapage.annee_echec", formater(m.RATTRAPAGE_ANNEE, bornes)];
  }
}

function* amenagement(a, regles) {
  if (a.decision_anterieure && !a.demande) {
    yield ["amenagement.decision_anterieure", regles.messages.AMENAGEMENT_DECISION_SANS_DEMANDE];
  }
}
