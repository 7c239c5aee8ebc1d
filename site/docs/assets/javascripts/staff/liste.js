// The list: the filters as the API's query string, one page of summaries, paging; the filters,
// sort and page also as the page's address (`#/?…`), so that a reload or a shared link shows
// the same list.

import { lire } from "./api.js";
import { dateHeure } from "./affichage.js";
import { el } from "../platform/dom.js";

const CHAMPS = ["q", "specialite", "departement", "statut", "attribution", "amenagement",
  "cree_du", "cree_au", "modifie_du", "modifie_au", "tri"];

/** A field's value: a checkbox gives its value when ticked, nothing otherwise; a group of
 *  boxes (the statuses: several at once) the list of those ticked. */
function valeurDe(champ) {
  if (champ.tagName === "FIELDSET") {
    return [...champ.querySelectorAll("input:checked")].map((c) => c.value);
  }
  if (champ.type === "checkbox") return champ.checked ? champ.value : "";
  return champ.value.trim();
}

const choisi = (valeur) => (Array.isArray(valeur) ? valeur.length > 0 : Boolean(valeur));

/** The filters currently chosen, as {name: value or [values]} (empty ones left out). */
export function filtres() {
  const choisis = {};
  for (const nom of CHAMPS) {
    const valeur = valeurDe(document.getElementById(nom));
    if (choisi(valeur)) choisis[nom] = valeur;
  }
  return choisis;
}

/** Filters as a query string, a name repeated for each of several values. */
export function enParametres(valeurs) {
  const parametres = new URLSearchParams();
  for (const [nom, valeur] of Object.entries(valeurs)) {
    for (const une of [valeur].flat()) parametres.append(nom, une);
  }
  return parametres;
}

/** A field's value when nobody chose one: empty, or a select's first option (the sort's). */
function parDefaut(champ) {
  return champ.tagName === "SELECT" ? champ.options[0]?.value ?? "" : "";
}

/** The list's state as an address: `#/?statut=…&tri=…&page=2` (defaults left out), or `#/`. */
export function adresseListe(page) {
  const parametres = new URLSearchParams();
  for (const nom of CHAMPS) {
    const champ = document.getElementById(nom);
    const valeur = valeurDe(champ);
    if (choisi(valeur) && valeur !== parDefaut(champ)) {
      for (const une of [valeur].flat()) parametres.append(nom, une);
    }
  }
  if (page > 1) parametres.set("page", String(page));
  const texte = parametres.toString();
  return texte ? `#/?${texte}` : "#/";
}

/** The list's state read from an address (`#/?…`, `#/` or none) into the filters; its page,
 *  at most `pageMax`. */
export function appliquerAdresse(adresse, pageMax) {
  const parametres = new URLSearchParams(/^#\/\?(.*)$/.exec(adresse)?.[1] ?? "");
  for (const nom of CHAMPS) {
    const champ = document.getElementById(nom);
    if (champ.tagName === "FIELDSET") {
      const voulus = parametres.getAll(nom);
      champ.querySelectorAll("input").forEach((c) => { c.checked = voulus.includes(c.value); });
      continue;
    }
    if (champ.type === "checkbox") {
      champ.checked = parametres.get(nom) === champ.value;
      continue;
    }
    champ.value = parametres.get(nom) ?? parDefaut(champ);
    // A value the field doesn't offer (an old link, a typo) leaves it at its default.
    if (champ.tagName === "SELECT" && champ.selectedIndex < 0) champ.value = parDefaut(champ);
  }
  // At most the highest page the API serves (the referentiel's `page_max`), so that a page
  // past the last is always a list to correct, never a refused request.
  const page = Number.parseInt(parametres.get("page") ?? "1", 10) || 1;
  return Math.min(pageMax, Math.max(1, page));
}

export class Liste {
  /** `noter(adresse, ecriture)` records each list shown in the page's address and history
   *  (`ajouter` a new entry, `remplacer` the current one, `aucune`); `pageMax` is the highest
   *  page the API serves (the referentiel's `page_max`). */
  constructor({ surOuverture, noter, pageMax, selection = null }) {
    this.selection = selection; // the bulk actions' selection (lot.js), kept across pages
    this.page = 1;
    this.pages = 1;
    this.pageMax = pageMax;
    this.demandes = 0;
    this.surOuverture = surOuverture;
    this.noter = noter;
    document.getElementById("page-precedente").addEventListener("click", () => this.aller(-1));
    document.getElementById("page-suivante").addEventListener("click", () => this.aller(1));
    document.getElementById("selection-page").addEventListener("change", (evenement) => {
      for (const [d, case_] of this.cases) {
        case_.checked = evenement.target.checked;
        this.selection?.basculer(d, case_.checked);
      }
    });
    this.cases = [];
  }

  aller(pas) {
    return this.charger(Math.min(Math.max(1, this.page + pas), this.pages), "ajouter");
  }

  async charger(page = this.page, ecriture = "aucune") {
    this.page = page;
    const parametres = enParametres({ ...filtres(), page: String(page), par_page: "50" });
    const demande = ++this.demandes;
    const reponse = await lire(`dossiers?${parametres}`);
    // An answer that comes back after a later request's (a slow first list, then typing) is
    // out of date: the later one shows, and says the address.
    if (demande !== this.demandes) return reponse;
    // A page beyond the last (an old link, the last dossier of the last page erased): the
    // last page, in place of the address asked for.
    if (page > reponse.pages) return this.charger(reponse.pages, "remplacer");
    this.selection?.suivreRecherche();
    this.pages = reponse.pages;
    this.afficher(reponse);
    this.noter(adresseListe(page), ecriture);
    return reponse;
  }

  afficher({ total, page, pages, dossiers }) {
    const corps = document.getElementById("liste-corps");
    this.cases = [];
    corps.replaceChildren(...dossiers.map((d) => this.ligne(d)));
    document.getElementById("selection-page").checked = this.cases.length > 0
      && this.cases.every(([, case_]) => case_.checked);
    const texte = `${total} dossier${total > 1 ? "s" : ""} trouvé${total > 1 ? "s" : ""}`;
    document.getElementById("liste-legende").textContent = `${texte}, page ${page} sur ${pages}`;
    document.getElementById("page-position").textContent = `Page ${page} sur ${pages}`;
    document.getElementById("page-precedente").disabled = page <= 1;
    document.getElementById("page-suivante").disabled = page >= pages;
    // Announced through the list's caption, not the page's live region: a success shown
    // beside an action (« Statut enregistré ») stays.
    document.getElementById("liste-legende").setAttribute("aria-live", "polite");
  }

  /** A postcode warning shown to the candidate: said in words beside the département (its
   *  text is in the dossier's detail). */
  residence(d) {
    if (!Object.hasOwn(d.avertissements ?? {}, "contact.code_postal")) return [];
    const reponse = d.confirmation_residence ? "confirmée par le candidat" : "non confirmée par le candidat";
    return [el("br"), el("span", { class: "gestion-marque" }, `Résidence à vérifier : ${reponse}`)];
  }

  /** The other warnings the candidate kept, and a possible homonym: said beside the names. */
  marques(d) {
    const marques = [];
    if (d.homonyme_possible) marques.push("Homonyme possible : mêmes nom et date de naissance qu'un autre dossier");
    if (d.a_verifier?.length) marques.push(`À vérifier : ${d.a_verifier.join(", ")}`);
    if (d.amenagement_demande) marques.push("Aménagement d'épreuves demandé");
    if (d.piece_infectee) marques.push("Fichier infecté : isolé, jamais ouvert");
    if (d.pieces_a_examiner) {
      marques.push(d.pieces_a_examiner > 1 ? `${d.pieces_a_examiner} pièces déposées à examiner` : "1 pièce déposée à examiner");
    }
    return marques.flatMap((texte) => [el("br"), el("span", { class: "gestion-marque" }, texte)]);
  }

  /** The row's box for the bulk actions, checked if the dossier is selected already. */
  caseASelectionner(d) {
    const case_ = el("input", { type: "checkbox", "data-selection": d.numero,
      "aria-label": `Sélectionner le dossier ${d.numero}` });
    case_.checked = Boolean(this.selection?.a(d.numero));
    case_.addEventListener("change", () => {
      this.selection?.basculer(d, case_.checked);
      document.getElementById("selection-page").checked = this.cases.every(([, c]) => c.checked);
    });
    this.cases.push([d, case_]);
    return case_;
  }

  ligne(d) {
    const ouvrir = el("button", { type: "button", class: "md-button gestion-ouvrir",
      "aria-label": `Ouvrir le dossier ${d.numero}` }, d.numero);
    ouvrir.addEventListener("click", () => this.surOuverture(d.numero));
    const statut = [d.statut_libelle];
    // Received or definitive then modified reads `a-revoir` already; an incomplete one is marked.
    if (d.a_revoir && d.statut !== "a-revoir") statut.push(el("br"), el("span", { class: "gestion-marque" }, "Modifié après réception de la confirmation"));
    return el("tr", {},
      el("td", {}, this.caseASelectionner(d)),
      el("td", {}, ouvrir),
      el("td", {}, d.nom_naissance, d.nom_usage ? ` (usage : ${d.nom_usage})` : "", ...this.marques(d)),
      el("td", {}, d.prenoms.length ? d.prenoms.join(", ") : "(sans prénom)"),
      el("td", {}, d.date_naissance_libelle ?? ""),
      el("td", {}, d.specialite_libelle),
      el("td", {}, `${d.departement_nom} (${d.departement})`, ...this.residence(d)),
      el("td", {}, ...statut),
      el("td", {}, d.attribue_a ?? "Personne"),
      el("td", {}, dateHeure(d.modifie_le)));
  }
}
