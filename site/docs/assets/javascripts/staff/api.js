// Calls to the staff API (/api/staff/ on the site's own origin). The browser sends the
// session's cookie (__Host-gestion, HttpOnly: no script here can read it); the page holds no
// token and stores nothing.

/** A refused or failed call, with the server's French message and its errors by field. */
export class ErreurApi extends Error {
  constructor(statut, code, message, erreurs = {}) {
    super(message);
    this.statut = statut;
    this.code = code;
    this.erreurs = erreurs;
  }
}

async function erreur(reponse) {
  try {
    const corps = await reponse.json();
    const details = Object.entries(corps.errors ?? {})
      .map(([champ, messages]) => `${champ} : ${messages.join(" ")}`);
    const message = [corps.message, ...details].filter(Boolean).join(" ");
    return new ErreurApi(reponse.status, corps.code ?? "erreur", message, corps.errors ?? {});
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
