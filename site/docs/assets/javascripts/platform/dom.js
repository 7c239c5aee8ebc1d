// Small DOM helpers for every page (the candidates' form and home page, the staff page): building
// elements without innerHTML, so that no text typed by a candidate or read from the server is
// ever parsed as markup; the live region; French typography.

/** An element with attributes (`class`, `for`, `data-…`, booleans) and children. */
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

/** Show or hide an element (the `hidden` attribute). */
export function montrer(element, visible = true) {
  element.hidden = !visible;
}

/** Say something to screen readers through a polite live region. */
export function annoncer(texte) {
  const region = document.getElementById("annonce");
  if (!region) return;
  region.textContent = "";
  // A new text in a later task, so that the same sentence twice is still announced.
  setTimeout(() => { region.textContent = texte; }, 50);
}

/** French typography for the service's own sentences (never for what a candidate typed): a
 *  no-break space before : ; ! ? » and after «, so that no line starts with the sign — the
 *  rules of shared_rules/typographie.py, which the built pages get (site/finalize.py). */
export function fr(texte) {
  return texte.replace(/ ([:;!?»])/g, "\u00a0$1").replace(/« /g, "«\u00a0")
    .replace(/(\d) h (\d)/g, "$1\u00a0h\u00a0$2");
}

/** « 1er », « 2e », « 3e »… */
export function ordinal(rang) {
  return rang === 1 ? "1er" : `${rang}e`;
}

/** The first control a candidate can act on inside an element. */
export function premierControle(element) {
  if (element.matches("input, select, textarea, button")) return element;
  const coche = element.querySelector("input[type=radio]:checked:not([hidden])");
  const candidats = [...element.querySelectorAll("input, select, textarea")]
    .filter((c) => !c.closest("[hidden]") && c.type !== "hidden");
  return coche && !coche.closest("[hidden]") ? coche : candidats[0] ?? null;
}
