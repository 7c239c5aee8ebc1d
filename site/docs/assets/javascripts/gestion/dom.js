// Building elements without innerHTML: no text typed by a candidate is ever parsed as markup.

/** An element with attributes and children (strings become text nodes). */
export function el(balise, attributs = {}, ...enfants) {
  const element = document.createElement(balise);
  for (const [nom, valeur] of Object.entries(attributs)) {
    if (valeur === false || valeur === null || valeur === undefined) continue;
    element.setAttribute(nom, valeur === true ? "" : String(valeur));
  }
  for (const enfant of enfants.flat()) {
    if (enfant !== null && enfant !== undefined && enfant !== false) element.append(enfant);
  }
  return element;
}

/** Say something to screen readers (and show it) through the polite live region. */
export function annoncer(texte) {
  const region = document.getElementById("annonce");
  region.textContent = "";
  setTimeout(() => { region.textContent = texte; }, 50);
}

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
