// The staff page's DOM helpers; elements are built without innerHTML, so no text typed by a
// candidate is ever parsed as markup.

// The same element builder and live-region announcer as the candidates' form: one copy.
export { annoncer, el } from "../formulaire/dom.js";

/** Show an error in the alert box, or hide it (null). */
export function signaler(message) {
  const boite = document.getElementById("erreur");
  boite.textContent = message ?? "";
  boite.hidden = !message;
  if (message) boite.focus();
}

/** « 02/11/2020 10:00 » from an ISO-8601 instant with its offset (the session's local time). */
export function dateHeure(iso) {
  if (!iso) return "";
  const [jour, heure] = iso.split("T");
  const [a, m, j] = jour.split("-");
  return `${j}/${m}/${a} ${heure.slice(0, 5)}`;
}
