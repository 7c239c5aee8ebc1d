// The staff page's own display helpers: messages beside an action, dates in the session's time
// zone. The helpers both sides use (building elements, the live region) are in platform/dom.js.

/** Show an error in an alert box beside the action that caused it (the page's own box by
 *  default), or hide it (null). */
export function signaler(message, zone = "erreur") {
  const boite = document.getElementById(zone);
  boite.textContent = message ?? "";
  boite.hidden = !message;
  if (message) boite.focus();
}

/** Hide every error box: a new action starts. */
export function effacerErreurs() {
  document.querySelectorAll(".gestion-erreur").forEach((boite) => {
    boite.textContent = "";
    boite.hidden = true;
  });
}

/** A success message beside its action: it stays until the next action replaces it. */
export function reussir(message, zone) {
  document.querySelectorAll(".gestion-succes").forEach((p) => { p.textContent = ""; });
  document.getElementById(zone).textContent = message;
}

// The session's time zone (the referentiel's `fuseau_horaire`), set once the page has it.
let fuseauHoraire = "Europe/Paris";

export function fixerFuseau(fuseau) {
  fuseauHoraire = fuseau;
}

/** « 02/11/2020 10:00 » in the session's local time, from an ISO-8601 instant with any offset
 *  (the dossiers carry the session's, the follow-up and email records UTC). */
export function dateHeure(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("fr-FR", { timeZone: fuseauHoraire, dateStyle: "short", timeStyle: "short" });
}
