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

/** Length in characters (code points), as Python's len(). */
export function longueur(texte) {
  return [...texte].length;
}

/** Whether the compulsory-language unit may appear in a dossier: unless it is confirmed absent
 *  (shared_rules.unconfirmed.may_sit_language; `pour_juger` is exported by the server). */
export function langueVivantePossible(specialite) {
  return specialite.pour_juger.langue_vivante_obligatoire !== false;
}

/** The units of `codes` a candidate in this speciality may sit (the language unless confirmed
 *  absent), as rules._applicable_units. */
export function unitesApplicables(regles, specialite, codes) {
  return new Set(codes.filter((code) => {
    const unite = parCode(regles.unites, code);
    return unite !== null && (!unite.seulement_si_obligatoire || langueVivantePossible(specialite));
  }));
}

/** « Corrèze (19), Creuse (23), Haute-Vienne (87) ». */
export function listeDepartements(regles) {
  return regles.departements.map((d) => `${d.nom} (${d.code})`).join(", ");
}
