// The pieces a dossier deposited online (issue 28), in the dossier's page: each expected piece
// with its state; its file viewed in the page (a PDF in a frame, an image as an image) from a
// short presigned link read when the agent asks to see it, so it never has expired; « Accepter »
// and « Refuser » with a reason from the bureau's list or written; the alert of an infected
// file, never a link. Shown only where the session takes pieces online (GET /api/session's
// retour_modes). Each decision sends the pieces' revision read here: a piece replaced by the
// candidate or judged by another agent meanwhile is refused, not overwritten.

import { appeler, lire } from "./api.js";
import { dateHeure, reussir } from "./affichage.js";
import { el } from "../platform/dom.js";

const AUTRE_MOTIF = "autre";

/** Whether this session takes pieces online; asked once. */
let enLigne = null;
export async function piecesEnLigne() {
  if (enLigne === null) {
    const reponse = await fetch("/api/session", { headers: { Accept: "application/json" }, cache: "no-store" });
    enLigne = reponse.ok && ((await reponse.json()).retour_modes ?? []).includes("en_ligne");
  }
  return enLigne;
}

function taille(octets) {
  return octets >= 1024 * 1024
    ? `${(octets / 1024 / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Mo`
    : `${Math.max(1, Math.round(octets / 1024))} Ko`;
}

export class Pieces {
  /** `garde`: runs an action, showing its error; `peutDecider`: the role may decide;
   *  `apres(message)`: read the dossier again after a decision (its status may follow). */
  constructor({ garde, peutDecider, apres }) {
    this.garde = garde;
    this.peutDecider = peutDecider;
    this.apres = apres;
    this.bloc = document.getElementById("pieces-bloc");
    this.liste = document.getElementById("pieces-liste");
    this.vue = null;
    this.numero = null;
    this.lienComplet = document.getElementById("pieces-complet-lien");
    document.getElementById("pieces-complet").addEventListener(
      "click", () => this.garde(() => this.dossierComplet(), "pieces-erreur"));
  }

  /** The « dossier complet » PDF (the confirmation and every accepted piece): made now,
   *  offered as a link that opens it (a short link: made again on each click). */
  async dossierComplet() {
    const numero = this.numero;
    this.lienComplet.hidden = true;
    const reponse = await (await appeler("POST", `dossiers/${encodeURIComponent(numero)}/pieces/dossier-complet`)).json();
    if (this.numero !== numero) return;
    this.lienComplet.href = reponse.url;
    this.lienComplet.textContent = reponse.complet
      ? "Ouvrir le dossier complet (toutes les pièces sont acceptées)"
      : `Ouvrir le dossier, incomplet : ${reponse.pieces_acceptees} pièce${reponse.pieces_acceptees > 1 ? "s" : ""} acceptée${reponse.pieces_acceptees > 1 ? "s" : ""} sur ${reponse.pieces_attendues}`;
    this.lienComplet.hidden = false;
    this.lienComplet.focus();
  }

  /** Show the pieces of `numero`, or nothing where pieces come back by post only. */
  async ouvrir(numero) {
    this.numero = numero;
    this.vue = null;
    this.liste.replaceChildren();
    this.lienComplet.hidden = true;
    document.getElementById("pieces-courriel").textContent = "";
    if (!(await piecesEnLigne())) {
      this.bloc.hidden = true;
      return;
    }
    this.bloc.hidden = false;
    await this.garde(() => this.lire(), "pieces-erreur");
  }

  async lire() {
    const numero = this.numero;
    const vue = await lire(`dossiers/${encodeURIComponent(numero)}/pieces`);
    if (this.numero !== numero) return null;
    this.vue = vue;
    this.afficher();
    return vue;
  }

  afficher() {
    const v = this.vue;
    const courriel = document.getElementById("pieces-courriel");
    courriel.textContent = v.courriel
      ? `Courriel des refus au candidat : ${v.courriel.pieces.length} pièce${v.courriel.pieces.length > 1 ? "s" : ""}, `
        + `envoi automatique à partir du ${dateHeure(v.courriel.a_partir_de)}`
        + (v.courriel.tentatives ? ` (${v.courriel.tentatives} essai${v.courriel.tentatives > 1 ? "s" : ""} sans succès)` : "")
        + "."
      : "";
    this.liste.replaceChildren(...v.pieces.map((p) => this.piece(p)));
  }

  piece(p) {
    const id = `piece-en-ligne-${p.code}`;
    const etat = [el("strong", {}, p.etat_libelle)];
    if (p.motif) etat.push(` : ${p.motif}`);
    if (p.decision) etat.push(` (par ${p.decision.par}, le ${dateHeure(p.decision.le)})`);
    if (p.a_annoncer) etat.push(" — refus pas encore envoyé au candidat");
    const enfants = [el("h4", { id: `${id}-titre`, tabindex: "-1" }, p.libelle), el("p", {}, "État : ", ...etat)];
    if (p.alerte) {
      // Never a link: the file stays in quarantine.
      enfants.push(el("p", { class: "gestion-alerte" }, el("strong", {}, "Alerte : "), p.alerte.texte,
        p.alerte.signature ? ` Signature détectée : ${p.alerte.signature}.` : ""));
    }
    if (p.fichier) {
      const f = p.fichier;
      const type = f.type === "application/pdf"
        ? `PDF${f.pages ? `, ${f.pages} page${f.pages > 1 ? "s" : ""}` : ""}`
        : `image ${f.type.replace("image/", "").toUpperCase()}`;
      enfants.push(el("p", {}, `Fichier : ${type}, ${taille(f.taille)}, déposé le ${dateHeure(f.depose_le)}`,
        f.tardif ? " (après la date limite de retour)" : "", "."));
      const voir = el("button", { type: "button", class: "md-button", "aria-controls": `${id}-visionneuse`,
        "aria-expanded": "false" }, "Afficher le fichier");
      const visionneuse = el("div", { id: `${id}-visionneuse`, class: "gestion-visionneuse", hidden: true });
      voir.addEventListener("click", () => this.garde(() => this.basculer(p.code, voir, visionneuse), "pieces-erreur"));
      enfants.push(el("p", {}, voir), visionneuse);
    }
    if (p.decidable && this.peutDecider) enfants.push(this.formulaire(p, id));
    return el("li", { class: "gestion-piece", id }, ...enfants);
  }

  /** Show the file (a fresh link: the previous one may have expired), or hide it. */
  async basculer(code, bouton, visionneuse) {
    if (!visionneuse.hidden) {
      visionneuse.hidden = true;
      visionneuse.replaceChildren();
      bouton.setAttribute("aria-expanded", "false");
      bouton.textContent = "Afficher le fichier";
      return;
    }
    const numero = this.numero;
    const vue = await lire(`dossiers/${encodeURIComponent(numero)}/pieces`);
    if (this.numero !== numero) return;
    const p = vue.pieces.find((x) => x.code === code);
    if (!p?.fichier) throw new Error("Ce fichier n'est plus disponible : rechargez le dossier.");
    const titre = `${p.libelle} (fichier déposé)`;
    visionneuse.replaceChildren(p.fichier.type === "application/pdf"
      ? el("iframe", { src: p.fichier.url, title: titre, class: "gestion-visionneuse__pdf" })
      : el("img", { src: p.fichier.url, alt: titre, class: "gestion-visionneuse__image" }));
    visionneuse.hidden = false;
    bouton.setAttribute("aria-expanded", "true");
    bouton.textContent = "Masquer le fichier";
  }

  formulaire(p, id) {
    const choix = el("select", { id: `${id}-motif`, name: "motif" },
      el("option", { value: "" }, "— Choisir le motif du refus —"),
      ...this.vue.motifs.map((m) => el("option", { value: m }, m)),
      el("option", { value: AUTRE_MOTIF }, "Autre motif (à écrire ci-dessous)"));
    const libre = el("input", { type: "text", id: `${id}-motif-libre`, name: "motif-libre",
      maxlength: String(this.vue.motif_max), autocomplete: "off" });
    const accepter = el("button", { type: "button", class: "md-button md-button--primary" }, "Accepter");
    accepter.addEventListener("click", () => this.garde(() => this.decider(p, "acceptee", null), "pieces-erreur"));
    const formulaire = el("form", { class: "gestion-decision", novalidate: true },
      el("p", {}, accepter),
      el("fieldset", {}, el("legend", {}, `Refuser : ${p.libelle}`),
        el("p", {}, el("label", { for: choix.id }, "Motif du refus"), " ", choix),
        el("p", {}, el("label", { for: libre.id }, "Autre motif, ou précision (lue par le candidat)"), " ", libre),
        el("p", {}, el("button", { type: "submit", class: "md-button" }, "Refuser"))));
    formulaire.addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      const ecrit = libre.value.trim();
      const motif = choix.value === AUTRE_MOTIF || !choix.value ? ecrit : (ecrit ? `${choix.value} : ${ecrit}` : choix.value);
      this.garde(() => {
        if (!motif) throw new Error("Choisissez le motif du refus, ou écrivez-le.");
        return this.decider(p, "refusee", motif);
      }, "pieces-erreur");
    });
    return formulaire;
  }

  async decider(p, decision, motif) {
    const numero = this.numero;
    const corps = { decision, revision: this.vue.revision };
    if (motif) corps.motif = motif;
    const chemin = `dossiers/${encodeURIComponent(numero)}/pieces/${encodeURIComponent(p.code)}/decision`;
    const reponse = await (await appeler("POST", chemin, { corps })).json();
    if (this.numero !== numero) return;
    const fait = decision === "acceptee" ? "acceptée" : "refusée (le candidat en sera prévenu par courriel)";
    const suivi = reponse.suivi ? " Le statut du dossier a suivi." : "";
    await this.apres();
    this.vue = reponse;
    this.afficher();
    reussir(`${p.libelle} : ${fait}.${suivi}`, "pieces-message");
    document.getElementById(`piece-en-ligne-${p.code}-titre`)?.focus();
  }
}
