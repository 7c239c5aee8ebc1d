// « Vos pièces à déposer » on « mon dossier » (issue 28), where the session's pieces come back
// online: each piece with its state, the file deposited, and for each piece that may be sent a
// file control, a progress bar and the live status of the upload.
//
// The file never passes through the API: the page asks for a presigned POST
// (…/pieces/<code>/formulaire, which also judges the declared type and size and answers with the
// French message to show), sends the file straight to the bucket with XMLHttpRequest (for
// upload.onprogress), tells the API it arrived, then asks again every POLL_MS while a piece is
// « en cours d'analyse » (the scan and the check run in the background).

import { appeler, MESSAGES } from "./api.js";
import { el, fr, montrer } from "../../platform/dom.js";
import { formater } from "./regles.js";

const POLL_MS = 1500;
const POLL_MAX_MS = 2 * 60_000;

// `accept` lists the types the check takes, and their extensions for desktop systems that map
// types poorly. No `capture`: it would open the camera only and forbid picking a PDF. Without
// it, phones offer the camera beside the photo library and the files (Android lists the camera
// for image types; iOS offers « Prendre une photo » and converts its HEIC photos to JPEG when
// HEIC is not among the accepted types).
const ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";
// A file whose type the browser can't tell: judged by its extension, so that the API's message
// (HEIC: how to send it instead) is the one shown.
const TYPES_PAR_EXTENSION = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png",
  heic: "image/heic", heif: "image/heif" };
const NOMS_TYPES = { "application/pdf": "PDF", "image/jpeg": "image JPEG", "image/png": "image PNG" };

const TEXTES = {
  introduction: "Déposez ici votre confirmation d'inscription datée et signée (photo ou scan) et chaque pièce "
    + "demandée : un fichier par pièce, en PDF, JPEG ou PNG, {taille} au plus. Chaque fichier est analysé "
    + "(virus, format) avant d'être transmis au bureau ; son état s'affiche ci-dessous.",
  deuxModes: "Vous pouvez soit envoyer ces pièces par courrier, comme indiqué ci-dessus, soit les déposer ici.",
  dateLimite: "Date limite de retour des pièces : {date}.",
  tardif: "La date limite de retour des pièces ({date}) est passée : une pièce déposée maintenant sera signalée "
    + "au bureau comme déposée après la date limite, et une pièce déjà déposée ne peut plus être retirée ni "
    + "remplacée.",
  chargement: "Chargement de vos pièces…",
  etat: "État : ",
  motif: "Motif du refus : ",
  fichier: "Fichier déposé : ",
  fichierTardif: "déposée après la date limite",
  acceptee: "Le bureau a accepté cette pièce : vous n'avez plus rien à faire pour elle.",
  enAnalyse: "Le fichier est en cours d'analyse : cela prend en général quelques secondes.",
  choisir: "Choisir un fichier",
  choisirAutre: "Choisir un autre fichier",
  aide: "PDF, JPEG ou PNG, {taille} au plus.",
  deposer: "Déposer",
  remplacer: "Remplacer",
  retirer: "Retirer",
  voir: "Voir le fichier déposé",
  voirLien: "Ouvrir le fichier déposé (nouvel onglet)",
  question: "Retirer cette pièce ? Le fichier déposé sera supprimé ; vous pourrez en déposer un autre.",
  oui: "Oui, retirer la pièce",
  non: "Non, la garder",
  aucunFichier: "Choisissez d'abord un fichier.",
  preparation: "Préparation de l'envoi…",
  envoi: "Envoi du fichier « {nom} »…",
  recu: "Fichier reçu : analyse en cours.",
  echecEnvoi: "Le fichier n'a pas pu être envoyé : réessayez. Si l'envoi échoue encore, essayez depuis une autre "
    + "connexion.",
  retiree: "La pièce a été retirée : elle est de nouveau à déposer.",
  trop_long: "L'analyse de vos fichiers prend plus de temps que d'habitude : revenez sur cette page un peu plus tard "
    + "pour voir leur état.",
  deposee: "« {piece} » : pièce déposée.",
  refusee: "« {piece} » : fichier refusé. {motif}",
  ouverture: "Ouverture du fichier…",
};

const MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
  "octobre", "novembre", "décembre"];

/** A size as a person reads it: « 45 ko », « 2,4 Mo », « 10 Mo » (handler.platform.messages). */
export function taillePourLire(octets) {
  if (octets < 100 * 1024) return `${Math.max(1, Math.round(octets / 1024))}\u00a0ko`;
  const mo = octets / (1024 * 1024);
  const texte = mo >= 10 || mo === Math.trunc(mo) ? mo.toFixed(0) : mo.toFixed(1).replace(".", ",");
  return `${texte}\u00a0Mo`;
}

/** « le 2 novembre 2020 à 10 h 05 », in the session's time zone. */
function quand(iso, fuseau) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const parties = Object.fromEntries(new Intl.DateTimeFormat("fr-FR", {
    timeZone: fuseau, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23" }).formatToParts(date).map((p) => [p.type, p.value]));
  const jour = Number(parties.day) === 1 ? "1er" : String(Number(parties.day));
  return `le ${jour} ${MOIS[Number(parties.month) - 1]} ${parties.year} à ${Number(parties.hour)}\u00a0h\u00a0${parties.minute}`;
}

function typeDe(fichier) {
  if (fichier.type) return fichier.type;
  const extension = /\.([a-z0-9]+)$/i.exec(fichier.name)?.[1]?.toLowerCase() ?? "";
  return TYPES_PAR_EXTENSION[extension] ?? "application/octet-stream";
}

/** The file sent straight to the bucket: the form's fields, then the file last (S3's rule). */
function envoyerAuStockage(formulaire, fichier, surProgres) {
  return new Promise((resolu, rejete) => {
    const donnees = new FormData();
    for (const [nom, valeur] of Object.entries(formulaire.champs)) donnees.append(nom, valeur);
    donnees.append("file", fichier);
    const requete = new XMLHttpRequest();
    requete.open("POST", formulaire.url);
    requete.upload.addEventListener("progress", (evenement) => {
      if (evenement.lengthComputable) surProgres(evenement.loaded, evenement.total);
    });
    requete.addEventListener("load", () => {
      if (requete.status >= 200 && requete.status < 300) resolu();
      else rejete(new Error(TEXTES.echecEnvoi));
    });
    requete.addEventListener("error", () => rejete(new Error(MESSAGES.reseau)));
    requete.addEventListener("abort", () => rejete(new Error(TEXTES.echecEnvoi)));
    requete.send(donnees);
  });
}

/** The section in `section` (#pieces-en-ligne) for one open dossier. */
export class PiecesEnLigne {
  constructor(section, regles, { numero, preuve, modes }) {
    this.section = section;
    this.regles = regles;
    this.numero = numero;
    this.preuve = preuve;
    this.modes = modes;
    this.vue = null;
    this.acces = null; // the proof the birth date was exchanged for: { jeton, fin }
    this.rendus = new Map(); // code -> the JSON of the piece last drawn
    this.occupees = new Set(); // codes being uploaded or removed
    this.messages = new Map(); // code -> the timer of the sentence about to be said
    this.minuterie = null;
    this.debutAttente = null;
    this.ferme = false;
    this.liste = section.querySelector("#pieces-en-ligne-liste");
  }

  get chemin() {
    return `dossiers/${encodeURIComponent(this.numero)}/pieces`;
  }

  /** The headers that prove the dossier is the candidate's: the page's own when an access link
   *  opened it; else a proof the birth date is exchanged for once (…/preuve): each check of a
   *  birth date is counted and costs the API a locked read, a proof's costs two reads (the
   *  budget of an upload request). Without a proof, the birth date itself. */
  async entetes() {
    const page = this.preuve();
    if (!("X-Date-Naissance" in page)) return page;
    if (this.acces && Date.now() < this.acces.fin) return { "X-Acces-Dossier": this.acces.jeton };
    try {
      const { corps } = await appeler("POST", `dossiers/${encodeURIComponent(this.numero)}/preuve`,
        { entetes: page });
      // A minute early: never sent as it expires.
      this.acces = { jeton: corps.acces.jeton, fin: Date.now() + (corps.acces.duree_secondes - 60) * 1000 };
      return { "X-Acces-Dossier": this.acces.jeton };
    } catch {
      return page; // the request then says, with the birth date, what went wrong
    }
  }

  /** `appeler` with those headers; a proof of this page's that the API finds expired (the
   *  computer slept) is exchanged again, once. */
  async appel(methode, chemin, options = {}) {
    const entetes = await this.entetes();
    try {
      return await appeler(methode, chemin, { ...options, entetes });
    } catch (erreur) {
      if (erreur.code !== "acces_expire" || !this.acces) throw erreur;
      this.acces = null;
      return appeler(methode, chemin, { ...options, entetes: await this.entetes() });
    }
  }

  async ouvrir() {
    this.liste.replaceChildren();
    this.section.querySelector("#pieces-en-ligne-introduction").replaceChildren();
    this.statut(TEXTES.chargement);
    montrer(this.section);
    try {
      const { corps } = await this.appel("GET", this.chemin);
      this.statut("");
      this.afficher(corps);
    } catch (erreur) {
      this.statut(erreur.message);
    }
  }

  fermer() {
    this.ferme = true;
    clearTimeout(this.minuterie);
    montrer(this.section, false);
    this.liste.replaceChildren();
  }

  statut(texte) {
    this.section.querySelector("#pieces-en-ligne-statut").textContent = fr(texte);
  }

  // -- drawing ----------------------------------------------------------------------------------

  afficher(vue) {
    if (this.ferme) return;
    const avant = this.vue;
    this.vue = vue;
    this.introduction(vue);
    for (const piece of vue.pieces) {
      const dessin = JSON.stringify([piece, vue.retour_tardif]);
      if (this.rendus.get(piece.code) === dessin && this.ligne(piece.code)) continue;
      this.rendus.set(piece.code, dessin);
      this.dessiner(piece, vue);
      const ancienne = avant?.pieces.find((p) => p.code === piece.code);
      if (ancienne?.etat === "en_analyse" && piece.etat !== "en_analyse") this.conclure(piece);
    }
    this.suivreAnalyses();
  }

  introduction(vue) {
    const bloc = this.section.querySelector("#pieces-en-ligne-introduction");
    const taille = taillePourLire(vue.taille_max);
    const paragraphes = [el("p", {}, fr(formater(TEXTES.introduction, { taille })))];
    if (this.modes.includes("papier")) paragraphes.unshift(el("p", {}, fr(TEXTES.deuxModes)));
    paragraphes.push(vue.retour_tardif
      ? el("div", { class: "encart encart--avertissement" },
        el("p", {}, fr(formater(TEXTES.tardif, { date: vue.date_limite_texte }))))
      : el("p", {}, el("strong", {}, fr(formater(TEXTES.dateLimite, { date: vue.date_limite_texte })))));
    bloc.replaceChildren(...paragraphes);
  }

  ligne(code) {
    return this.liste.querySelector(`li[data-piece="${CSS.escape(code)}"]`);
  }

  dessiner(piece, vue) {
    const ancienne = this.ligne(piece.code);
    const focus = ancienne?.contains(document.activeElement) ? document.activeElement.dataset.action ?? "titre" : null;
    const message = ancienne?.querySelector(".piece__message");
    const ligne = this.construire(piece, vue);
    if (message?.textContent) {
      const nouveau = ligne.querySelector(".piece__message");
      nouveau.textContent = message.textContent;
      nouveau.className = message.className;
    }
    if (ancienne) ancienne.replaceWith(ligne);
    else this.liste.append(ligne);
    if (focus) (ligne.querySelector(`[data-action="${focus}"]`) ?? ligne.querySelector("h3")).focus();
  }

  construire(piece, vue) {
    const id = `piece-${piece.code}`;
    const titre = el("h3", { id: `${id}-titre`, class: "piece__titre", tabindex: "-1", "data-action": "titre" },
      piece.libelle);
    const ligne = el("li", { class: `piece piece--${piece.etat}`, "data-piece": piece.code,
      "aria-labelledby": `${id}-titre` }, titre);
    ligne.append(el("p", { class: "piece__etat" }, fr(TEXTES.etat),
      el("strong", { class: `etiquette etiquette--${piece.etat}` }, piece.etat_libelle)));
    if (piece.motif) ligne.append(el("p", { class: "piece__motif" }, el("strong", {}, fr(TEXTES.motif)), fr(piece.motif)));
    if (piece.fichier) ligne.append(this.fichier(piece));
    if (piece.etat === "acceptee") ligne.append(el("p", {}, fr(TEXTES.acceptee)));
    if (piece.etat === "en_analyse") ligne.append(el("p", {}, fr(TEXTES.enAnalyse)));
    const enPlace = piece.etat !== "a_deposer" && !piece.a_envoyer;
    // What may be done until the deadline; after it, only what is still to send (flagged late).
    const envoyer = piece.a_envoyer || (piece.etat === "deposee" && !vue.retour_tardif);
    const retirer = piece.etat !== "a_deposer" && piece.etat !== "acceptee" && piece.etat !== "en_analyse"
      && !vue.retour_tardif;
    if (envoyer) ligne.append(this.envoi(piece, vue, { remplacer: enPlace || Boolean(piece.fichier) }));
    if (retirer) ligne.append(...this.retrait(piece));
    ligne.append(el("progress", { class: "piece__progres", id: `${id}-progres`, max: "100", value: "0",
      "aria-labelledby": `${id}-titre`, hidden: true }));
    ligne.append(el("p", { class: "piece__message", id: `${id}-message`, role: "status", "aria-live": "polite" }));
    return ligne;
  }

  fichier(piece) {
    const f = piece.fichier;
    const pages = f.pages ? `, ${f.pages} page${f.pages > 1 ? "s" : ""}` : "";
    const texte = `${NOMS_TYPES[f.type] ?? f.type}${pages}, ${taillePourLire(f.taille)}, `
      + `${quand(f.depose_le, this.regles.fuseau_horaire)}`;
    const paragraphe = el("p", { class: "piece__fichier" }, el("strong", {}, fr(TEXTES.fichier)), fr(texte));
    if (f.tardif) paragraphe.append(" (", el("strong", { class: "piece__tardif" }, TEXTES.fichierTardif), ")");
    const voir = el("button", { type: "button", class: "bouton bouton--lien", "data-action": "voir",
      "aria-describedby": `piece-${piece.code}-titre` }, TEXTES.voir);
    voir.addEventListener("click", () => this.voir(piece));
    return el("div", { class: "piece__depot" }, paragraphe, el("p", { class: "piece__voir" }, voir));
  }

  envoi(piece, vue, { remplacer }) {
    const id = `piece-${piece.code}`;
    const taille = taillePourLire(vue.taille_max);
    const champ = el("input", { type: "file", id: `${id}-fichier`, name: piece.code, accept: ACCEPT,
      "data-action": "fichier", "aria-describedby": `${id}-titre ${id}-aide` });
    const bouton = el("button", { type: "button", class: "bouton", "data-action": "envoyer",
      "aria-describedby": `${id}-titre` }, remplacer ? TEXTES.remplacer : TEXTES.deposer);
    bouton.addEventListener("click", () => this.deposer(piece.code));
    return el("div", { class: "piece__envoi" },
      el("label", { for: `${id}-fichier` }, remplacer ? TEXTES.choisirAutre : TEXTES.choisir),
      el("p", { class: "aide", id: `${id}-aide` }, fr(formater(TEXTES.aide, { taille }))),
      champ,
      el("p", { class: "piece__actions" }, bouton));
  }

  retrait(piece) {
    const id = `piece-${piece.code}`;
    const bouton = el("button", { type: "button", class: "bouton bouton--secondaire", "data-action": "retirer",
      "aria-describedby": `${id}-titre`, "aria-expanded": "false", "aria-controls": `${id}-question` }, TEXTES.retirer);
    const question = el("div", { class: "encart encart--avertissement piece__question", id: `${id}-question`,
      role: "group", "aria-labelledby": `${id}-question-texte`, tabindex: "-1", hidden: true },
    el("p", { id: `${id}-question-texte` }, el("strong", {}, fr(TEXTES.question))),
    el("p", { class: "effacer__choix" },
      el("button", { type: "button", class: "bouton", "data-action": "retirer-oui" }, TEXTES.oui),
      el("button", { type: "button", class: "bouton bouton--secondaire", "data-action": "retirer-non" }, TEXTES.non)));
    bouton.addEventListener("click", () => {
      montrer(question);
      bouton.setAttribute("aria-expanded", "true");
      question.focus();
    });
    question.querySelector('[data-action="retirer-non"]').addEventListener("click", () => {
      montrer(question, false);
      bouton.setAttribute("aria-expanded", "false");
      bouton.focus();
    });
    question.querySelector('[data-action="retirer-oui"]').addEventListener("click", () => this.retirer(piece.code));
    return [el("p", { class: "piece__actions" }, bouton), question];
  }

  dire(code, texte, { erreur = false } = {}) {
    const message = this.ligne(code)?.querySelector(".piece__message");
    if (!message) return;
    // A sentence still to come (said a moment ago) gives way to this one: never an earlier
    // sentence shown as an error.
    clearTimeout(this.messages.get(code));
    message.className = `piece__message${erreur ? " message-erreur" : ""}`;
    message.textContent = "";
    if (!texte) return;
    // Set in a later task, so that the same sentence twice is still announced.
    this.messages.set(code, setTimeout(() => {
      message.textContent = fr(erreur ? `Erreur : ${texte}` : texte);
    }, 50));
  }

  // -- acting -----------------------------------------------------------------------------------

  async deposer(code) {
    if (this.occupees.has(code)) return;
    const ligne = this.ligne(code);
    const champ = ligne.querySelector('input[type="file"]');
    const fichier = champ.files?.[0];
    if (!fichier) {
      this.dire(code, TEXTES.aucunFichier, { erreur: true });
      champ.focus();
      return;
    }
    this.occupees.add(code);
    const progres = ligne.querySelector("progress");
    const boutons = [...ligne.querySelectorAll("button")];
    for (const b of boutons) b.setAttribute("aria-disabled", "true");
    this.dire(code, TEXTES.preparation);
    try {
      let formulaire;
      try {
        ({ corps: formulaire } = await this.appel("POST", `${this.chemin}/${encodeURIComponent(code)}/formulaire`, {
          corps: { type: typeDe(fichier), taille: fichier.size } }));
      } catch (erreur) {
        // The API's own words for a type or a size it refuses (HEIC: how to send it instead).
        const raison = erreur.erreurs?.type?.[0] ?? erreur.erreurs?.taille?.[0] ?? erreur.message;
        this.dire(code, raison, { erreur: true });
        champ.focus();
        return;
      }
      progres.value = 0;
      montrer(progres);
      this.dire(code, formater(TEXTES.envoi, { nom: fichier.name }));
      try {
        await envoyerAuStockage(formulaire, fichier, (envoye, total) => {
          progres.value = Math.round((100 * envoye) / total);
        });
      } catch (erreur) {
        montrer(progres, false);
        this.dire(code, erreur.message, { erreur: true });
        return;
      }
      progres.value = 100;
      const { corps } = await this.appel("POST", `${this.chemin}/${encodeURIComponent(code)}`, {
        corps: { cle: formulaire.cle } });
      this.occupees.delete(code);
      this.afficher(corps);
      this.dire(code, TEXTES.recu);
    } catch (erreur) {
      this.dire(code, erreur.message, { erreur: true });
    } finally {
      this.occupees.delete(code);
      const actuelle = this.ligne(code);
      for (const b of actuelle?.querySelectorAll("button") ?? []) b.removeAttribute("aria-disabled");
      montrer(progres, false);
    }
  }

  async retirer(code) {
    if (this.occupees.has(code)) return;
    this.occupees.add(code);
    try {
      const { corps } = await this.appel("POST", `${this.chemin}/${encodeURIComponent(code)}/retrait`);
      this.occupees.delete(code);
      this.afficher(corps);
      this.ligne(code)?.querySelector("h3").focus();
      this.dire(code, TEXTES.retiree);
    } catch (erreur) {
      const ligne = this.ligne(code);
      montrer(ligne.querySelector(".piece__question"), false);
      ligne.querySelector('[data-action="retirer"]')?.focus();
      this.dire(code, erreur.message, { erreur: true });
    } finally {
      this.occupees.delete(code);
    }
  }

  async voir(piece) {
    const ligne = this.ligne(piece.code);
    this.dire(piece.code, TEXTES.ouverture);
    try {
      const { corps } = await this.appel("GET", `${this.chemin}/${encodeURIComponent(piece.code)}/fichier`);
      const onglet = window.open(corps.url, "_blank");
      if (onglet) {
        onglet.opener = null;
        this.dire(piece.code, "");
      } else {
        // A blocked pop-up: a plain link instead, valid for the link's short life.
        const lien = el("a", { href: corps.url, target: "_blank", rel: "noopener" }, TEXTES.voirLien);
        ligne.querySelector(".piece__voir")?.replaceChildren(lien);
        lien.focus();
        this.dire(piece.code, "");
      }
    } catch (erreur) {
      this.dire(piece.code, erreur.message, { erreur: true });
    }
  }

  // -- the analysis, followed -------------------------------------------------------------------

  suivreAnalyses() {
    clearTimeout(this.minuterie);
    const enCours = this.vue?.pieces.some((p) => p.etat === "en_analyse");
    if (!enCours || this.ferme) {
      this.debutAttente = null;
      return;
    }
    this.debutAttente ??= Date.now();
    if (Date.now() - this.debutAttente > POLL_MAX_MS) {
      this.statut(TEXTES.trop_long);
      return;
    }
    this.minuterie = setTimeout(async () => {
      try {
        const { corps } = await this.appel("GET", this.chemin);
        this.afficher(corps);
      } catch {
        this.suivreAnalyses(); // asked again at the next tick, within the same two minutes
      }
    }, POLL_MS);
  }

  /** An analysis ended: said in the piece's live region. */
  conclure(piece) {
    if (piece.etat === "deposee") this.dire(piece.code, formater(TEXTES.deposee, { piece: piece.libelle }));
    else if (piece.etat !== "a_deposer") {
      this.dire(piece.code, formater(TEXTES.refusee, { piece: piece.libelle, motif: piece.motif ?? "" }).trim(),
        { erreur: true });
    }
  }
}
