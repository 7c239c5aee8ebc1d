// Bulk actions on the list (issue 27): dossiers selected on this page, on several pages, or
// every one of the search (GET /api/staff/selection), then one status change for all of them
// (POST /api/staff/lots, LOT dossiers a request, one after the other), each dossier's result
// said on its own: « 1 064 enregistrés ; 2 non modifiés », with each one's number and reason.
// The selection keeps, for each dossier, the version and revision the list showed: a dossier
// changed since is reported, not overwritten. A new search empties the selection.

import { appeler, lire } from "./api.js";
import { el, fr } from "../platform/dom.js";
import { enParametres } from "./liste.js";

const LOT = 25;
const nombre = (n) => n.toLocaleString("fr-FR");
const dossiers = (n) => `${nombre(n)} dossier${n > 1 ? "s" : ""}`;

export class Selection {
  /** `filtres()`: the list's current filters; `apres()`: reload the list after a change;
   *  `pieces`: the session's pieces and « autre » ({code, libelle}). */
  constructor({ filtres, apres, pieces }) {
    this.choisis = new Map(); // numero → {numero, version, revision}
    this.filtres = filtres;
    this.apres = apres;
    this.cle = null; // the search the selection was made in
    this.remplirPieces(pieces);
    document.getElementById("lot-vider").addEventListener("click", () => this.vider());
    document.getElementById("lot-formulaire").addEventListener("change", () => this.formulaire());
    this.formulaire();
    this.dire();
  }

  remplirPieces(pieces) {
    document.getElementById("lot-pieces-choix").replaceChildren(...pieces.map(({ code, libelle }) => {
      const id = `lot-piece-${code}`;
      return el("p", {}, el("input", { type: "checkbox", id, name: "lot_piece", value: code }), " ",
        el("label", { for: id }, libelle));
    }));
  }

  /** The form shows the pieces and the note only for « incomplet ». */
  formulaire() {
    const incomplet = document.getElementById("lot-incomplet").checked;
    document.getElementById("lot-pieces").hidden = !incomplet;
    document.getElementById("lot-note-bloc").hidden = !incomplet;
  }

  /** A new search empties the selection: what is selected is always of the search shown. */
  suivreRecherche() {
    const { tri, ...autres } = this.filtres();
    const cle = JSON.stringify(autres);
    if (this.cle !== null && cle !== this.cle) this.vider();
    this.cle = cle;
  }

  /** The numbers selected, in the order they were chosen (the whole search: the list's sort). */
  numeros() {
    return [...this.choisis.keys()];
  }

  a(numero) {
    return this.choisis.has(numero);
  }

  basculer(d, coche) {
    if (coche) this.choisis.set(d.numero, { numero: d.numero, version: d.version, revision: d.revision });
    else this.choisis.delete(d.numero);
    this.dire();
  }

  vider() {
    this.choisis.clear();
    document.querySelectorAll("#liste-corps input[data-selection], #selection-page").forEach((c) => { c.checked = false; });
    this.dire();
  }

  async toutLaRecherche() {
    const { tri, ...autres } = this.filtres();
    const reponse = await lire(`selection?${enParametres(autres)}`);
    for (const d of reponse.dossiers) this.choisis.set(d.numero, d);
    document.querySelectorAll("#liste-corps input[data-selection], #selection-page").forEach((c) => { c.checked = true; });
    this.dire();
  }

  /** How many are selected, said where the actions are. */
  dire() {
    const n = this.choisis.size;
    document.getElementById("lot-compte").textContent = n
      ? `${dossiers(n)} sélectionné${n > 1 ? "s" : ""}.`
      : "Aucun dossier sélectionné : cochez-les dans la liste, ou sélectionnez toute la recherche.";
    document.getElementById("lot-actions").hidden = n === 0;
  }

  /** The change asked in the form: {statut, pieces_manquantes, note}. */
  changement() {
    if (document.getElementById("lot-recue").checked) return { statut: "confirmation-recue" };
    const pieces = [...document.querySelectorAll("#lot-pieces-choix input:checked")].map((c) => c.value);
    const note = document.getElementById("lot-note").value.trim() || null;
    return { statut: "incomplete", pieces_manquantes: pieces, note };
  }

  /** Apply the change to every dossier selected, LOT at a time; the results, each on its own. */
  async appliquer() {
    const choisis = [...this.choisis.values()];
    const changement = this.changement();
    const libelle = changement.statut === "confirmation-recue" ? "« Confirmation signée reçue »" : "« Dossier incomplet »";
    if (!window.confirm(fr(`Marquer ${dossiers(choisis.length)} ${libelle} ? Chaque candidat est averti par courriel.`))) return;
    const progression = document.getElementById("lot-progression");
    const resultats = [];
    for (let debut = 0; debut < choisis.length; debut += LOT) {
      progression.textContent = `${nombre(debut)} sur ${dossiers(choisis.length)} traités…`;
      const reponse = await appeler("POST", "lots", { corps: { ...changement, dossiers: choisis.slice(debut, debut + LOT) } });
      resultats.push(...(await reponse.json()).resultats);
    }
    progression.textContent = "";
    this.montrer(resultats);
    this.vider();
    await this.apres();
  }

  montrer(resultats) {
    const refus = resultats.filter((r) => !r.enregistre);
    const faits = resultats.length - refus.length;
    const zone = document.getElementById("lot-resultat");
    const contenu = [el("p", { class: refus.length ? "gestion-alerte" : "gestion-succes" },
      fr(`${dossiers(faits)} enregistré${faits > 1 ? "s" : ""} ; ${refus.length ? `${dossiers(refus.length)} non modifié${refus.length > 1 ? "s" : ""} :` : "aucun refus."}`))];
    if (refus.length) {
      contenu.push(el("ul", {}, ...refus.map((r) => el("li", {},
        el("a", { href: `#/dossier/${r.numero}` }, r.numero), ` : ${r.message}`))));
    }
    zone.replaceChildren(...contenu);
    zone.focus();
  }
}
