// The session's rules as `python -m shared_rules render-site` publishes them (assets/rules.json):
// every list, limit, pattern and message the form uses. Nothing here is a rule of its own:
// loading, lookups and the same formatting as the server's (dates, messages).

const ADRESSE = new URL("../../../rules.json", import.meta.url);
let chargement = null;

/** The rules JSON, fetched once per page. */
export function chargerRegles() {
  chargement ??= fetch(ADRESSE, { headers: { Accept: "application/json" } }).then((reponse) => {
    if (!reponse.ok) throw new Error(`rules.json : HTTP ${reponse.status}`);
    return reponse.json();
  });
  return chargement;
}

/** The item of a list of the rules with this code, or null. */
export function parCode(liste, code) {
  return liste.find((item) => item.code === code) ?? null;
}

/** A message of the rules with its `{placeholders}` filled, like Python's str.format. */
export function formater(modele, valeurs = {}) {
  return modele.replace(/\{(\w+)\}/g, (tout, cle) => (cle in valeurs ? String(valeurs[cle]) : tout));
}

/** « 2003-12-31 » → « 31/12/2003 » (shared_rules.dates_fr.date_courte). */
export function dateCourte(iso) {
  const [annee, mois, jour] = iso.slice(0, 10).split("-");
  return `${jour}/${mois}/${annee}`;
}

const JOURS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
const MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
  "septembre", "octobre", "novembre", "décembre"];

/** « 2020-11-02T10:00:00+01:00 » → « lundi 2 novembre 2020 à 10 h 00 », in the instant's own
 *  offset, as the server writes it (shared_rules.dates_fr.date_heure_longue). */
export function dateHeureLongue(iso) {
  const trouve = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!trouve) return iso;
  const [, a, m, j, h, min] = trouve.map(Number);
  const jour = JOURS[new Date(Date.UTC(a, m - 1, j)).getUTCDay()];
  return `${jour} ${j === 1 ? "1er" : j} ${MOIS[m - 1]} ${a} à ${h} h ${String(min).padStart(2, "0")}`;
}

/** A number the way Python's `f"{n:g}"` writes it, with a French decimal comma if asked. */
export function nombre(valeur, { virgule = false } = {}) {
  const texte = String(Number(Number(valeur).toPrecision(6)));
  return virgule ? texte.replace(".", ",") : texte;
}

/** Surrounding spaces removed, inner runs folded to one, in NFC (shared_rules.names.fold_spaces). */
export function replier(texte) {
  return texte.normalize("NFC").replace(/\s+/gu, " ").trim();
}

/** Text on several lines (shared_rules.names.fold_lines): CR LF and CR are line breaks, each
 *  line folded, runs of empty lines folded to one, none at either end. */
export function replierLignes(texte) {
  const gardees = [];
  for (const ligne of texte.normalize("NFC").replace(/\r\n/g, "\n").replace(/\r/g, "\n").split("\n")) {
    const repliee = replier(ligne);
    if (repliee || (gardees.length && gardees[gardees.length - 1])) gardees.push(repliee);
  }
  while (gardees.length && !gardees[gardees.length - 1]) gardees.pop();
  return gardees.join("\n");
}

/** « U+0007, un caractère de contrôle »: a character refused in a text, named
 *  (shared_rules.text.describe). */
export function decrireCaractere(caractere) {
  const point = caractere.codePointAt(0);
  let genre = "un caractère de contrôle";
  if ((point >= 0x202a && point <= 0x202e) || (point >= 0x2066 && point <= 0x2069)) {
    genre = "un changement du sens d'écriture";
  } else if (point === 0xfeff) genre = "un caractère invisible";
  return `U+${point.toString(16).toUpperCase().padStart(4, "0")}, ${genre}`;
}

/** A birth date as the dossier writes it (shared_rules.birth_date): { annee, mois, jour,
 *  plusTot, plusTard } (ISO dates of its earliest and latest possible day), or null. Month
 *  and day are null where the papers carry none. */
export function lireDateNaissance(texte, regles) {
  const trouve = typeof texte === "string" ? new RegExp(regles.motifs.date_naissance, "u").exec(texte) : null;
  if (!trouve) return null;
  const [annee, mois, jour] = trouve.slice(1).map((partie) => (partie === undefined ? null : Number(partie)));
  if (annee < 1 || mois === 0 || jour === 0 || (mois !== null && mois > 12)) return null;
  if (jour !== null && jour > joursDuMois(annee, mois)) return null;
  const iso = (a, m, j) => `${String(a).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(j).padStart(2, "0")}`;
  const moisFin = mois ?? 12;
  return {
    annee, mois, jour,
    plusTot: iso(annee, mois ?? 1, jour ?? 1),
    plusTard: iso(annee, moisFin, jour ?? joursDuMois(annee, moisFin)),
  };
}

function joursDuMois(annee, mois) {
  if (mois === 2) return (annee % 4 === 0 && annee % 100 !== 0) || annee % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(mois) ? 30 : 31;
}

/** Length in characters (code points), as Python's len(). */
export function longueur(texte) {
  return [...texte].length;
}

/** Whether the compulsory-language unit may appear in a dossier: unless it is confirmed absent
 *  (shared_rules.unconfirmed.may_sit_language; `pour_juger` is exported by the server). */
export function langueVivantePossible(specialite) {
  return specialite.pour_juger.langue_vivante_obligatoire !== false;
}

/** The units a candidate in this speciality may name, as rules._applicable_units: those of
 *  the general `codes` (the language unless confirmed absent) and, with `professionnelles`, its
 *  professional units as a rule reads them (every one the session knows while unconfirmed). */
export function unitesApplicables(regles, specialite, codes, { professionnelles = false } = {}) {
  const generales = codes.filter((code) => {
    const unite = parCode(regles.unites, code);
    return unite !== null && (!unite.seulement_si_obligatoire || langueVivantePossible(specialite));
  });
  return new Set([...generales, ...(professionnelles ? specialite.pour_juger.unites_professionnelles : [])]);
}

/** The units the form offers in this speciality: the general ones (the language unless
 *  confirmed absent) and its own professional ones, in order. */
export function unitesOffertes(regles, specialite, codes, { professionnelles = true } = {}) {
  const permises = unitesApplicables(regles, specialite, codes);
  return [...regles.unites.filter((u) => permises.has(u.code)),
    ...(professionnelles ? specialite.unites_professionnelles : [])];
}

/** A unit's label in this speciality (another's while a list is unconfirmed), else its code. */
export function libelleUnite(regles, specialite, code) {
  const toutes = [...regles.unites, ...(specialite?.unites_professionnelles ?? []),
    ...regles.specialites.flatMap((s) => s.unites_professionnelles)];
  return parCode(toutes, code)?.libelle ?? code;
}

/** « Corrèze (19), Creuse (23), Haute-Vienne (87) ». */
export function listeDepartements(regles) {
  return regles.departements.map((d) => `${d.nom} (${d.code})`).join(", ");
}
