// Calls to the handler's API (/api on the site's own origin), with its one error envelope
// {"code", "message", "errors"}. A network failure, a 502 or 504, or a 503 that says when to
// come back (Retry-After: the storage is unavailable) is retried a few times, waiting as asked;
// the caller is told of each wait, so that it can say plainly what is happening. Retrying a
// submission is safe: it carries the same Idempotency-Key, and the server answers a repeat
// with the same number. A 503 without Retry-After (no email on this service) is not retried.

const ESSAIS = 3;
const ATTENTE_MAX_SECONDES = 10;
/** A failed call: `statut` 0 when the server could not be reached. */
export class ErreurApi extends Error {
  constructor({ statut, code, message, erreurs = {}, reessayable = false }) {
    super(message);
    this.statut = statut;
    this.code = code;
    this.erreurs = erreurs;
    this.reessayable = reessayable;
  }

  /** True when nothing says the request was refused: the network or the service failed. */
  get indisponible() {
    return this.reessayable;
  }
}

function reessayable(reponse) {
  return reponse.status === 502 || reponse.status === 504
    || (reponse.status === 503 && reponse.headers.has("Retry-After"));
}

export const MESSAGES = {
  reseau: "Le service ne répond pas : votre connexion est peut-être coupée, ou le service est "
    + "momentanément indisponible.",
  inattendu: "Le service a répondu de façon inattendue : réessayez dans quelques instants.",
};

const pause = (secondes) => new Promise((fin) => { setTimeout(fin, secondes * 1000); });

function delai(reponse, essai) {
  const demande = Number.parseInt(reponse?.headers.get("Retry-After") ?? "", 10);
  const secondes = Number.isFinite(demande) && demande >= 0 ? demande : 2 * essai;
  return Math.min(secondes, ATTENTE_MAX_SECONDES);
}

async function enveloppe(reponse) {
  try {
    const corps = await reponse.json();
    return new ErreurApi({
      statut: reponse.status,
      code: corps.code ?? "erreur",
      message: corps.message ?? MESSAGES.inattendu,
      erreurs: corps.errors ?? {},
      reessayable: reessayable(reponse),
    });
  } catch {
    return new ErreurApi({ statut: reponse.status, code: "erreur", message: MESSAGES.inattendu,
      reessayable: reessayable(reponse) });
  }
}

/**
 * Call the API: `chemin` under /api/, JSON in and out.
 * `surAttente({ essai, essais, secondes, erreur })` is awaited before each retry.
 * Resolves to { statut, corps, entetes }; rejects with an ErreurApi.
 */
export async function appeler(methode, chemin, { corps, entetes = {}, surAttente, format = "json" } = {}) {
  const options = {
    method: methode,
    headers: { Accept: format === "json" ? "application/json" : "application/pdf", ...entetes },
    credentials: "same-origin",
    cache: "no-store",
  };
  if (corps !== undefined) {
    options.body = JSON.stringify(corps);
    options.headers["Content-Type"] = "application/json";
  }
  const adresse = new URL(`/api/${chemin}`, window.location.origin);
  for (let essai = 1; ; essai += 1) {
    let reponse = null;
    let erreur;
    try {
      reponse = await fetch(adresse, options);
      if (reponse.ok) {
        const contenu = format === "json" ? await reponse.json() : await reponse.blob();
        return { statut: reponse.status, corps: contenu, entetes: reponse.headers };
      }
      erreur = await enveloppe(reponse);
    } catch (panne) {
      if (panne instanceof ErreurApi) throw panne;
      erreur = new ErreurApi({ statut: reponse?.status ?? 0, code: "reseau", message: MESSAGES.reseau,
        reessayable: true });
    }
    if (!erreur.indisponible || essai >= ESSAIS) throw erreur;
    const secondes = delai(reponse, essai);
    if (surAttente) await surAttente({ essai: essai + 1, essais: ESSAIS, secondes, erreur });
    await pause(secondes);
  }
}

/** A fresh Idempotency-Key (8 to 128 characters among A-Z a-z 0-9 _ . : -). */
export function nouvelleCle() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (o) => o.toString(16).padStart(2, "0")).join("");
}
