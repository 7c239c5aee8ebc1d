// Calls to the staff API (/api/staff/ on the site's own origin). The browser sends the
// session's cookie (__Host-gestion, HttpOnly: no script here can read it); the page holds no
// token and stores nothing.

/** A refused or failed call, with the server's French message, its errors by field and its
 *  whole answer (`corps`: what else a refusal says, e.g. whose paper the desk refused). */
export class ErreurApi extends Error {
  constructor(statut, code, message, erreurs = {}, corps = {}) {
    super(message);
    this.statut = statut;
    this.code = code;
    this.erreurs = erreurs;
    this.corps = corps;
  }
}

// The fields the staff API names in its errors, as the page labels them: a message never shows
// a field's internal name (`cree_du`), nor the same sentence twice.
const LIBELLES = {
  q: "Recherche", specialite: "Spécialité", departement: "Département", statut: "Statut",
  cree_du: "Créé du", cree_au: "Créé au", modifie_du: "Modifié du", modifie_au: "Modifié au",
  tri: "Tri", page: "Page", par_page: "Dossiers par page", version: "Version du dossier",
  revision: "Suivi", pieces_manquantes: "Pièces manquantes", note: "Note",
  version_papier: "Version de la confirmation reçue", confirmation: "Numéro recopié",
  action: "Action", courriel: "Adresse électronique", format: "Format", filtres: "Filtres",
  texte: "Note interne", attribution: "Attribution", amenagement: "Aménagement d'épreuves",
  agent: "Attribuer ce dossier à", reference: "Code-barres",
};

/** The server's message, then each field's own messages under its label, each sentence once. */
export function texteErreur(corps) {
  const vus = new Set([corps.message].filter(Boolean));
  const details = [];
  for (const [champ, messages] of Object.entries(corps.errors ?? {})) {
    const nouveaux = messages.filter((m) => !vus.has(m));
    nouveaux.forEach((m) => vus.add(m));
    if (!nouveaux.length) continue;
    const libelle = LIBELLES[champ];
    details.push(libelle ? `${libelle} : ${nouveaux.join(" ")}` : nouveaux.join(" "));
  }
  return [corps.message, ...details].filter(Boolean).join(" ");
}

async function erreur(reponse) {
  try {
    const corps = await reponse.json();
    const message = texteErreur(corps);
    return new ErreurApi(reponse.status, corps.code ?? "erreur", message, corps.errors ?? {}, corps);
  } catch {
    return new ErreurApi(reponse.status, "erreur",
      "Le service a répondu de façon inattendue : réessayez dans quelques instants.");
  }
}

/**
 * Call `/api/staff/<chemin>`; resolves to the Response (the caller reads JSON or a file),
 * rejects with an ErreurApi.
 */
export async function appeler(methode, chemin, { corps } = {}) {
  const entetes = {};
  if (corps !== undefined) entetes["Content-Type"] = "application/json";
  let reponse;
  try {
    reponse = await fetch(`/api/staff/${chemin}`, {
      method: methode,
      headers: entetes,
      body: corps === undefined ? undefined : JSON.stringify(corps),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    throw new ErreurApi(0, "reseau", "Le service ne répond pas : vérifiez votre connexion.");
  }
  if (!reponse.ok) throw await erreur(reponse);
  return reponse;
}

/** GET `/api/staff/<chemin>` as JSON. */
export async function lire(chemin) {
  return (await appeler("GET", chemin)).json();
}
