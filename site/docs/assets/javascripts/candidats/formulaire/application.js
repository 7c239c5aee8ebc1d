// The form's journey: the notice's screens one step at a time, « Vérifiez vos réponses » once
// the server has checked the whole dossier, then the submission and its confirmation — or, on
// « mon dossier », the number and birth date that open a dossier, the same steps prefilled,
// and the new version saved with If-Match.
//
// The browser's checks (verification.js) run on each step so that a candidate hears about a
// mistake at once; the server judges the whole dossier before the review and again on
// submission, and its 422 errors land on the same fields.

import { appeler, nouvelleCle } from "./api.js";
import { Brouillon } from "./brouillon.js";
import { ajouterPrenom, preparer } from "./champs.js";
import { annoncer, el, fr, montrer, premierControle } from "../../platform/dom.js";
import { dateDesParties, lireDossier, MESSAGES_SAISIE, remplirDossier } from "./dossier.js";
import { afficherAvertissements, afficherErreurs, allerAuChamp, conteneurDe, effacerErreurs, erreursAutourDe, retirerErreur } from "./erreurs.js";
import { PiecesEnLigne } from "./pieces.js";
import { afficherAdresse, afficherAvertissementsRecapitulatif, afficherPieces, afficherRecapitulatif, afficherSuivi, texteCourriel, texteVersion } from "./recapitulatif.js";
import { chargerRegles, formater } from "./regles.js";
import { avertissements, verifier } from "./verification.js";

/** Per step, the fields whose last check is the server's alone (see refusAuServeur). */
const JUGES_PAR_LE_SERVEUR = { coordonnees: ["contact.email"] };

const TEXTES = {
  chargement: "Le formulaire n'a pas pu se charger. Vérifiez votre connexion à Internet, puis rechargez la page.",
  verification: "Vérification de votre dossier…",
  envoi: "Envoi de votre dossier…",
  enregistrement: "Enregistrement de vos modifications…",
  ouverture: "Ouverture de votre dossier…",
  rappel: "Envoi de votre demande…",
  lien: "Ouverture de votre dossier avec le lien reçu par courriel…",
  ailleurs: "D'autres réponses sont aussi à corriger, aux étapes : {etapes}. Elles vous seront montrées ensuite.",
  nonEnvoye: "Votre dossier n'a pas été envoyé. {message} Vos réponses sont conservées sur cet appareil : "
    + "réessayez dans quelques minutes avec le bouton « {bouton} ». Si votre premier envoi était en fait "
    + "arrivé, vous retrouverez le même numéro d'inscription : votre dossier ne sera pas enregistré deux fois.",
  nonVerifie: "Votre dossier n'a pas pu être vérifié. {message} Vos réponses sont conservées sur cet appareil : "
    + "réessayez dans quelques minutes avec le bouton « {bouton} ».",
  nonEnregistre: "Vos modifications n'ont pas été enregistrées. {message} Réessayez dans quelques minutes.",
  attente: "{message} Nouvel essai automatique dans {secondes} (essai {essai} sur {essais}).",
  avantOuverture: "Le registre de pré-inscription n'est pas encore ouvert : il le sera du {ouverture} au {cloture}.",
  clos: "Le registre de pré-inscription est clos depuis le {cloture} : les dossiers ne peuvent plus être "
    + "déposés ni modifiés. Pour toute question, contactez le {destinataire}.",
  // The last minutes (issue 29): said on the page, and to screen readers at a few steps only.
  compteARebours: "Le registre de pré-inscription ferme aujourd'hui à {heure} : il vous reste {reste} pour "
    + "envoyer votre dossier.",
  reponsesGardees: "Vos réponses restent sur cet appareil : affichez-les pour les imprimer ou les enregistrer "
    + "(« Imprimer » propose aussi d'enregistrer en PDF).",
  closModification: "Le registre de pré-inscription est clos depuis le {cloture} : vous pouvez consulter votre "
    + "dossier, mais plus le modifier.",
  modifie: "Vos modifications sont enregistrées : votre dossier est maintenant à la version {version}.",
  inchange: "Aucune modification : votre dossier est inchangé.",
  telecharge: "Votre confirmation est téléchargée : ouvrez-la, vérifiez-la, imprimez-la et signez-la.",
  numeroVide: "Indiquez votre numéro d'inscription.",
  dateVide: "Indiquez votre date de naissance.",
  efface: "Vos réponses ont été effacées de cet appareil.",
  retourVerification: "Revenir à la vérification",
};

const secondes = (n) => (n > 1 ? `${n} secondes` : `${n} seconde`);

/** The number and token of an emailed access link, from the address's fragment (never sent to
 * a server), which is removed at once from the address bar and the history; null without. */
function lienRecu() {
  const champs = new URLSearchParams(window.location.hash.slice(1));
  const numero = champs.get("numero");
  const jeton = champs.get("jeton");
  if (!numero || !jeton) return null;
  history.replaceState(history.state, "", window.location.pathname + window.location.search);
  return { numero, jeton };
}

/** Start the form in `racine` (#application): load the rules, then the journey. */
export async function demarrer(racine) {
  montrer(racine);
  let regles;
  try {
    regles = await chargerRegles();
  } catch {
    racine.querySelector("#chargement").textContent = TEXTES.chargement;
    return;
  }
  montrer(document.getElementById("sans-javascript"), false);
  montrer(racine.querySelector("#chargement"), false);
  await new Parcours(racine, regles).demarrer();
}

class Parcours {
  constructor(racine, regles) {
    this.racine = racine;
    this.regles = regles;
    this.mode = racine.dataset.mode;
    this.formulaire = racine.querySelector("#dossier");
    this.etapes = [...this.formulaire.querySelectorAll(".etape")];
    this.courante = 0;
    this.retourRecap = false;
    this.ligneModifiee = null;
    this.attente = new Map();
    // Warnings already shown (field path and messages): the next « Continuer » goes on.
    this.avertissementsVus = new Set();
    this.occupe = false;
    this.termine = false;
    this.serveur = null;
    this.registre = null;
    this.pieces = null; // « Vos pièces à déposer » (pieces.js), where pieces come back online
    this.brouillon = new Brouillon(regles.code);
    this.debutSaisie = null; // first keystroke (ms since 1970), kept with the draft
    this.efface = false; // erased on request: nothing is stored again before a new answer
    this.titre = document.title;
    this.boutonEnvoi = this.formulaire.querySelector("#envoyer");
  }

  /** One main heading at a time (issue 29, item 11, as GOV.UK's forms): the step's, the
   *  confirmation's or the dossier's h1 while one is shown; the page's own otherwise (loading,
   *  the registry closed). The page's title stays on screen, where it was (no layout shift),
   *  hidden from assistive technologies only while another h1 is the page's. */
  suivreTitrePrincipal() {
    const titrePage = document.querySelector("article > h1");
    if (!titrePage || this.racine.contains(titrePage)) return;
    const mettreAJour = () => {
      const autre = [...this.racine.querySelectorAll("h1")].some((h) => !h.closest("[hidden]"));
      if (autre) titrePage.setAttribute("aria-hidden", "true");
      else titrePage.removeAttribute("aria-hidden");
    };
    new MutationObserver(mettreAJour).observe(this.racine, { attributes: true, attributeFilter: ["hidden"], subtree: true });
    mettreAJour();
  }

  get nomEtape() {
    return this.etapes[this.courante].dataset.etape;
  }

  async demarrer() {
    preparer(this.racine, this.regles, { surChangement: () => this.sauver() });
    this.suivreTitrePrincipal();
    this.ecouter();
    this.registre = await this.lireRegistre();
    if (this.mode === "modification") {
      this.boutonEnvoi.textContent = this.boutonEnvoi.dataset.texteModification;
      this.ajouterAbandon();
      const lien = lienRecu();
      if (lien) await this.ouvrirParLien(lien);
      else {
        // Shown together, so that the lost-number form doesn't jump down (layout shift).
        montrer(this.racine.querySelector("#acces"));
        montrer(this.racine.querySelector("#rappel"));
      }
      return;
    }
    const confirmation = this.brouillon.confirmation();
    if (confirmation) {
      this.afficherConfirmation(confirmation, { focus: false });
      return;
    }
    if (this.registre && !this.registre.ouvert) {
      if (this.registre.statut === "avant-ouverture") this.annoncerRegistre(TEXTES.avantOuverture);
      else this.fermerRegistre({ focus: false });
      return;
    }
    this.surveillerCloture();
    const brouillon = this.brouillon.lire();
    let depart = 0;
    this.debutSaisie = brouillon?.debutSaisie ?? null;
    if (brouillon?.dossier) {
      remplirDossier(this.formulaire, this.regles, brouillon.dossier, { emailConfirmation: brouillon.emailConfirmation });
      montrer(this.racine.querySelector("#brouillon"));
      const index = this.etapes.findIndex((e) => e.dataset.etape === brouillon.etape);
      depart = Math.max(0, Math.min(index, this.etapes.length - 2));
    } else {
      ajouterPrenom(this.formulaire, this.regles, "");
    }
    montrer(this.formulaire);
    history.replaceState({ etape: depart }, "");
    this.afficher(depart, { focus: false, historique: false });
    // Reloaded on the review: the server checks the dossier again and the review comes back.
    if (brouillon?.etape === "verification") {
      const { dossier, erreurs } = this.erreursDuNavigateur();
      delete erreurs.attestation_exactitude; // asked on the review itself
      if (!Object.keys(erreurs).length) await this.verifierAuServeur(dossier);
    }
  }

  ecouter() {
    this.formulaire.addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.continuer();
    });
    this.formulaire.querySelector("#retour").addEventListener("click", () => {
      if (!this.occupe && this.courante > 0) this.afficher(this.courante - 1);
    });
    let minuterie = null;
    const plusTard = () => {
      this.efface = false;
      montrer(this.racine.querySelector("#efface"), false);
      this.debutSaisie ??= Date.now();
      clearTimeout(minuterie);
      minuterie = setTimeout(() => this.sauver(), 300);
    };
    this.formulaire.addEventListener("input", plusTard);
    this.formulaire.addEventListener("change", plusTard);
    const corriger = (evenement) => this.retirerCorrigees(evenement.target);
    this.formulaire.addEventListener("input", corriger);
    this.formulaire.addEventListener("change", corriger);
    this.racine.addEventListener("click", (evenement) => {
      const modifier = evenement.target.closest(".recap__action [data-etape]");
      if (modifier) this.modifier(modifier);
      if (evenement.target.closest('[data-action="telecharger"]')) this.telecharger();
    });
    for (const id of ["#effacer-brouillon", "#effacer-tout"]) {
      this.racine.querySelector(id)?.addEventListener("click", (evenement) => this.demanderEffacement(evenement.currentTarget));
    }
    this.racine.querySelector("#effacer-oui")?.addEventListener("click", () => this.recommencer());
    this.racine.querySelector("#effacer-non")?.addEventListener("click", () => this.garderReponses());
    window.addEventListener("popstate", (evenement) => {
      const etape = evenement.state?.etape;
      if (typeof etape === "number" && !this.termine && !this.formulaire.hidden && !this.occupe) {
        this.afficher(etape, { historique: false });
      }
    });
    if (this.mode === "modification") {
      this.racine.querySelector("#form-acces").addEventListener("submit", (evenement) => {
        evenement.preventDefault();
        this.ouvrir();
      });
      this.racine.querySelector("#fermer-dossier").addEventListener("click", () => this.fermer());
      this.racine.querySelector("#form-rappel").addEventListener("submit", (evenement) => {
        evenement.preventDefault();
        this.demanderRappel();
      });
      this.racine.querySelector("#demander-lien").addEventListener("click", () => this.demanderLien());
    }
  }

  async lireRegistre() {
    try {
      const reponse = await fetch("/api/session", { headers: { Accept: "application/json" }, cache: "no-store" });
      return reponse.ok ? await reponse.json() : null;
    } catch {
      return null; // the server will say it on submission if the registry is closed
    }
  }

  /** The registry's closing, as the server's clock says it (never the device's own, which may
   *  be wrong): a countdown in the last 15 minutes, then the closed state at once. */
  surveillerCloture() {
    if (!this.registre?.ouvert) return;
    const depart = performance.now();
    const restant = Date.parse(this.registre.cloture) - Date.parse(this.registre.maintenant);
    if (!Number.isFinite(restant)) return;
    const encart = this.racine.querySelector("#compte-a-rebours");
    const heure = this.regles.registre.cloture_texte.split(" à ").pop();
    const dits = new Set();
    const tic = () => {
      const reste = restant - (performance.now() - depart);
      if (reste <= 0) {
        montrer(encart, false);
        if (!this.termine) this.fermerRegistre();
        return;
      }
      if (reste <= 15 * 60_000) {
        const minutes = Math.ceil(reste / 60_000);
        const texte = fr(formater(TEXTES.compteARebours, {
          heure, reste: minutes > 1 ? `${minutes} minutes` : "moins d'une minute" }));
        encart.replaceChildren(el("p", {}, texte));
        montrer(encart);
        for (const seuil of [15, 5, 1]) {
          if (minutes <= seuil && !dits.has(seuil)) {
            dits.add(seuil);
            annoncer(texte);
          }
        }
      }
      setTimeout(tic, Math.min(reste, reste <= 120_000 ? 1000 : 15_000));
    };
    tic();
  }

  /** The registry is closed: said at once, the form put away, and what was typed kept to print
   *  or save (a draft left on this device stays readable). */
  fermerRegistre({ focus = true } = {}) {
    this.annoncerRegistre(TEXTES.clos);
    montrer(this.formulaire, false);
    montrer(this.racine.querySelector("#brouillon"), false);
    effacerErreurs(this.racine);
    const tape = this.debutSaisie !== null && !this.termine;
    const dossier = this.brouillon.lire()?.dossier ?? (tape ? lireDossier(this.formulaire, this.regles) : null);
    if (dossier) {
      const encart = this.racine.querySelector("#annonce-registre");
      const reponses = el("div", { class: "recapitulatif", hidden: true });
      const afficherReponses = el("button", { type: "button", class: "bouton bouton--secondaire" }, "Afficher mes réponses");
      const imprimer = el("button", { type: "button", class: "bouton bouton--secondaire", hidden: true }, "Imprimer mes réponses");
      afficherReponses.addEventListener("click", () => {
        afficherRecapitulatif(reponses, dossier, this.regles, { modifier: false });
        reponses.prepend(el("h2", {}, "Vos réponses, non envoyées"));
        montrer(reponses);
        montrer(imprimer);
        montrer(afficherReponses, false);
        imprimer.focus();
      });
      imprimer.addEventListener("click", () => window.print());
      encart.append(el("p", {}, fr(TEXTES.reponsesGardees)), el("p", {}, afficherReponses, " ", imprimer), reponses);
    }
    if (focus) {
      const encart = this.racine.querySelector("#annonce-registre");
      encart.setAttribute("tabindex", "-1");
      encart.focus();
    }
  }

  annoncerRegistre(modele) {
    const r = this.regles;
    const encart = this.racine.querySelector("#annonce-registre");
    encart.replaceChildren(el("p", {}, fr(formater(modele, {
      ouverture: r.registre.ouverture_texte, cloture: r.registre.cloture_texte,
      destinataire: r.retour_confirmation.destinataire,
    }))));
    montrer(encart);
  }

  // -- steps -----------------------------------------------------------------------------------

  afficher(index, { focus = true, historique = true } = {}) {
    this.courante = index;
    const total = this.etapes.length;
    this.etapes.forEach((etape, i) => {
      montrer(etape, i === index);
      etape.querySelector(".etape__numero").replaceChildren(`Étape ${i + 1} sur ${total}`,
        el("span", { class: "visually-hidden" }, " :"));
    });
    const recap = this.nomEtape === "verification";
    montrer(this.formulaire.querySelector("#continuer"), !recap);
    montrer(this.formulaire.querySelector("#retour"), index > 0);
    this.formulaire.querySelector("#continuer").textContent = this.retourRecap ? TEXTES.retourVerification : "Continuer";
    const titre = this.etapes[index].querySelector("h1");
    document.title = `${titre.textContent.replace(/\s+/g, " ").trim()} - ${this.titre}`;
    if (historique) history.pushState({ etape: index }, "");
    effacerErreurs(this.racine);
    const enAttente = this.attente.get(this.nomEtape);
    if (enAttente) {
      afficherErreurs(this.racine, enAttente, { surLien: (c, controle) => this.allerA(c, controle),
        ailleurs: this.texteAilleurs() });
    } else if (focus) {
      titre.focus();
      this.racine.scrollIntoView({ block: "start" });
    }
    this.sauver();
  }

  etapeDe(chemin) {
    const conteneur = conteneurDe(this.formulaire, chemin);
    return conteneur?.closest(".etape")?.dataset.etape ?? null;
  }

  /** The errors whose field is on the step `nom`. */
  filtrer(erreurs, nom) {
    return Object.fromEntries(Object.entries(erreurs).filter(([chemin]) => this.etapeDe(chemin) === nom));
  }

  texteAilleurs() {
    const autres = this.etapes.filter((e) => e.dataset.etape !== this.nomEtape && this.attente.has(e.dataset.etape))
      .map((e) => `« ${e.querySelector("h1").lastChild.textContent.trim()} »`);
    return autres.length ? formater(TEXTES.ailleurs, { etapes: autres.join(", ") }) : "";
  }

  allerA(conteneur, controle) {
    const etape = conteneur.closest(".etape");
    const index = this.etapes.indexOf(etape);
    if (index >= 0 && index !== this.courante) this.afficher(index, { focus: false });
    allerAuChamp(conteneur, controle);
  }

  /** After a change in `cible`: the errors shown on the fields that hold it and no longer
   *  hold go, beside the field and in the summary (and those the server left for this step).
   *  Only the fields around the change are judged: the others wait for « Continuer ». */
  retirerCorrigees(cible) {
    const affichees = erreursAutourDe(this.racine, cible);
    if (!affichees.length) return;
    const { erreurs } = this.erreursDuNavigateur();
    const restantes = (conteneur) => Object.entries(erreurs)
      .filter(([chemin]) => conteneurDe(this.racine, chemin) === conteneur).flatMap(([, messages]) => messages);
    for (const { conteneur, messages } of affichees) {
      const encore = restantes(conteneur);
      if (messages.some((message) => encore.includes(message))) continue;
      retirerErreur(this.racine, conteneur);
      this.oublierAttente(conteneur);
    }
  }

  /** The server's errors kept for this step, but those of a field put right. */
  oublierAttente(conteneur) {
    const enAttente = this.attente.get(this.nomEtape);
    if (!enAttente) return;
    const gardees = Object.entries(enAttente).filter(([chemin]) => conteneurDe(this.racine, chemin) !== conteneur);
    if (gardees.length) this.attente.set(this.nomEtape, Object.fromEntries(gardees));
    else this.attente.delete(this.nomEtape);
  }

  /** The browser's errors and the form's own, the form's winning on a shared field. */
  erreursDuNavigateur() {
    const { dossier, saisie } = lireDossier(this.formulaire, this.regles);
    return { dossier, erreurs: { ...verifier(dossier, this.regles), ...saisie } };
  }

  async continuer() {
    if (this.occupe) return;
    if (this.nomEtape === "verification") {
      await this.envoyer();
      return;
    }
    const { dossier, erreurs } = this.erreursDuNavigateur();
    const ici = this.filtrer(erreurs, this.nomEtape);
    this.attente.delete(this.nomEtape);
    if (Object.keys(ici).length) {
      afficherErreurs(this.racine, ici, { surLien: (c, controle) => this.allerA(c, controle) });
      return;
    }
    if (await this.refusAuServeur(dossier)) return;
    if (this.avertir(dossier)) return;
    montrer(this.racine.querySelector("#brouillon"), false);
    if (this.retourRecap || this.courante === this.etapes.length - 2) {
      await this.verifierAuServeur(dossier);
      return;
    }
    this.afficher(this.courante + 1);
  }

  /** What of this step only the server judges (an address mail can't reach, such as
   *  `marie.dupont@exemple.test`: the last check of shared_rules.email_address, a library the
   *  browser doesn't have), asked on this step rather than met at the end (issue 29). True when
   *  refused, shown on its field; a failure to ask lets the candidate go on: the review's
   *  verification still judges it. */
  async refusAuServeur(dossier) {
    const chemins = JUGES_PAR_LE_SERVEUR[this.nomEtape];
    if (!chemins) return false;
    this.occupe = true;
    this.formulaire.setAttribute("aria-busy", "true");
    try {
      await appeler("POST", "dossiers/verification", { corps: dossier });
      return false;
    } catch (erreur) {
      const ici = Object.fromEntries(Object.entries(erreur.erreurs ?? {}).filter(([chemin]) => chemins.includes(chemin)));
      if (!Object.keys(ici).length) return false;
      afficherErreurs(this.racine, ici, { surLien: (c, controle) => this.allerA(c, controle) });
      return true;
    } finally {
      this.occupe = false;
      this.formulaire.removeAttribute("aria-busy");
    }
  }

  /** The warnings of this step not shown yet (the postcode's has its own box): shown beside
   *  their fields, and true; the candidate goes on with the next « Continuer ». */
  avertir(dossier) {
    const ici = this.filtrer(avertissements(dossier, this.regles), this.nomEtape);
    delete ici["contact.code_postal"];
    const nouveaux = Object.entries(ici).filter(([chemin, messages]) =>
      !this.avertissementsVus.has(`${chemin}\u0000${messages.join(" ")}`));
    if (!nouveaux.length) return false;
    for (const [chemin, messages] of nouveaux) this.avertissementsVus.add(`${chemin}\u0000${messages.join(" ")}`);
    afficherAvertissements(this.racine, Object.fromEntries(nouveaux), { surLien: (c, controle) => this.allerA(c, controle) });
    return true;
  }

  /** Distribute the server's errors to their steps and show the first step that has some. */
  repartir(erreurs) {
    this.attente.clear();
    for (const [chemin, messages] of Object.entries(erreurs)) {
      const nom = this.etapeDe(chemin) ?? this.etapes[0].dataset.etape;
      this.attente.set(nom, { ...this.attente.get(nom), [chemin]: messages });
    }
    const premiere = this.etapes.findIndex((e) => this.attente.has(e.dataset.etape));
    this.afficher(premiere, { focus: false });
  }

  async verifierAuServeur(dossier) {
    this.enCours(TEXTES.verification);
    try {
      // A dry run: the certification is asked on the review itself, so the server is asked
      // whether the dossier would be valid once certified.
      const { corps } = await appeler("POST", "dossiers/verification", {
        corps: { ...dossier, attestation_exactitude: true }, surAttente: (a) => this.direAttente(a),
      });
      this.retourRecap = false;
      this.attente.clear();
      afficherRecapitulatif(this.formulaire.querySelector("#recapitulatif"), corps.dossier, this.regles);
      afficherAvertissementsRecapitulatif(this.formulaire.querySelector("#recapitulatif-avertissements"),
        corps.avertissements ?? {});
      afficherPieces(this.formulaire.querySelector("#recapitulatif-pieces"), corps.pieces);
      this.finEnCours();
      const ligne = this.ligneModifiee !== null;
      this.afficher(this.etapes.length - 1, { focus: !ligne });
      if (ligne && !this.revenirALaLigne()) this.etapes[this.etapes.length - 1].querySelector("h1").focus();
    } catch (erreur) {
      this.finEnCours();
      if (erreur.statut === 422 && Object.keys(erreur.erreurs).length) this.repartir(erreur.erreurs);
      else {
        this.erreurGenerale(formater(TEXTES.nonVerifie, {
          message: erreur.message, bouton: this.formulaire.querySelector("#continuer").textContent.trim(),
        }));
      }
    }
  }

  /** « Modifier » on a row of the review: its step, the focus on the row's field rather than
   *  on the step's heading; back on the review, the focus returns to that row (issue 29). */
  modifier(bouton) {
    if (this.occupe) return;
    const { etape: nom, cheminModifie: chemin } = bouton.dataset;
    const index = this.etapes.findIndex((e) => e.dataset.etape === nom);
    this.retourRecap = true;
    this.ligneModifiee = { etape: nom, chemin: chemin ?? null };
    if (this.mode === "modification") {
      montrer(this.racine.querySelector("#consultation"), false);
      montrer(this.formulaire);
    }
    this.afficher(index, { focus: false });
    if (this.attente.has(nom)) return; // the step's errors have the focus
    const conteneur = chemin ? conteneurDe(this.etapes[index], chemin) : null;
    const controle = conteneur && !conteneur.closest("[hidden]") ? premierControle(conteneur) : null;
    if (controle) allerAuChamp(conteneur, controle);
    else {
      this.etapes[index].querySelector("h1").focus();
      this.racine.scrollIntoView({ block: "start" });
    }
  }

  /** Back on the review after « Modifier »: the focus on the row's button, the row in view. */
  revenirALaLigne() {
    const ligne = this.ligneModifiee;
    this.ligneModifiee = null;
    if (!ligne) return false;
    const boutons = [...this.formulaire.querySelectorAll("#recapitulatif .recap__action button")];
    const bouton = boutons.find((b) => b.dataset.etape === ligne.etape && (b.dataset.cheminModifie ?? null) === ligne.chemin);
    if (!bouton) return false;
    bouton.scrollIntoView({ block: "center" });
    bouton.focus({ preventScroll: true });
    return true;
  }

  // -- submission --------------------------------------------------------------------------------

  enCours(texte) {
    this.occupe = true;
    this.racine.querySelector("#attente").textContent = texte;
    for (const bouton of this.formulaire.querySelectorAll("button")) bouton.setAttribute("aria-disabled", "true");
    this.cacherErreurGenerale();
  }

  finEnCours() {
    this.occupe = false;
    this.racine.querySelector("#attente").textContent = "";
    for (const bouton of this.formulaire.querySelectorAll("button")) bouton.removeAttribute("aria-disabled");
  }

  direAttente({ essai, essais, secondes: n, erreur }) {
    this.racine.querySelector("#attente").textContent = fr(formater(TEXTES.attente, {
      message: erreur.message, secondes: secondes(n), essai, essais,
    }));
  }

  erreurGenerale(texte, ...suite) {
    const encart = this.racine.querySelector("#erreur-generale");
    encart.replaceChildren(el("p", {}, fr(texte)), ...suite);
    montrer(encart);
    encart.focus();
  }

  cacherErreurGenerale() {
    montrer(this.racine.querySelector("#erreur-generale"), false);
  }

  async envoyer() {
    if (this.occupe) return;
    const { dossier, erreurs } = this.erreursDuNavigateur();
    const ici = this.filtrer(erreurs, "verification");
    if (Object.keys(ici).length) {
      afficherErreurs(this.racine, ici);
      return;
    }
    if (Object.keys(erreurs).length) {
      this.repartir(erreurs);
      return;
    }
    // Nothing left to correct: no summary of an earlier click stays under the server's answer.
    effacerErreurs(this.racine);
    if (this.mode === "modification") await this.enregistrer(dossier);
    else await this.soumettre(dossier);
  }

  async soumettre(dossier) {
    const corps = JSON.stringify(dossier);
    const precedent = this.brouillon.lire()?.envoi;
    // The same key for the same dossier, even after a reload: a repeat gets the same number.
    const cle = precedent?.corps === corps ? precedent.cle : nouvelleCle();
    this.brouillon.enregistrer({ envoi: { cle, corps } });
    this.enCours(TEXTES.envoi);
    // Beside the dossier, two signs that a person filled the form (handler/candidats/spam.py): the
    // field people never see, and the time spent since the first keystroke.
    const entetes = { "Idempotency-Key": cle, "X-Champ-Piege": this.formulaire.querySelector("#site-internet").value };
    if (this.debutSaisie !== null) entetes["X-Duree-Saisie"] = ((Date.now() - this.debutSaisie) / 1000).toFixed(1);
    try {
      const { corps: reponse } = await appeler("POST", "dossiers", {
        corps: dossier, entetes, surAttente: (a) => this.direAttente(a),
      });
      this.finEnCours();
      this.termine = true;
      this.brouillon.effacer();
      const confirmation = {
        numero: reponse.numero, pieces: reponse.pieces, retour_tardif: reponse.retour_tardif,
        message_retour_tardif: reponse.message_retour_tardif, courriel: reponse.courriel,
        suivi: reponse.suivi,
        date_naissance: reponse.dossier.etat_civil.date_naissance,
        dossier: { contact: { email: reponse.dossier.contact.email } },
      };
      this.brouillon.garderConfirmation(confirmation);
      this.afficherConfirmation(confirmation);
    } catch (erreur) {
      this.finEnCours();
      // The dossier this key made was erased since (410): the next send is a new submission.
      if (erreur.code === "dossier_efface") this.brouillon.enregistrer({ envoi: null });
      this.refus(erreur, TEXTES.nonEnvoye);
    }
  }

  refus(erreur, modele) {
    if (erreur.statut === 422 && Object.keys(erreur.erreurs).length) {
      this.repartir(erreur.erreurs);
    } else if (erreur.code === "deja_inscrit" && this.mode !== "modification") {
      this.erreurGenerale(erreur.message, el("p", {},
        el("a", { href: new URL("mon-dossier.html", document.baseURI).href }, "Consulter ou modifier mon dossier")));
    } else if (erreur.code === "modification_concurrente") {
      const recharger = el("button", { type: "button", class: "bouton" }, "Recharger mon dossier");
      recharger.addEventListener("click", () => this.recharger());
      this.erreurGenerale(erreur.message, el("p", {}, recharger));
    } else if (erreur.indisponible) {
      this.erreurGenerale(formater(modele, { message: erreur.message, bouton: this.boutonEnvoi.textContent.trim() }));
    } else {
      this.erreurGenerale(erreur.message);
    }
  }

  afficherConfirmation(reponse, { focus = true } = {}) {
    this.termine = true;
    // « Vos réponses restent sur cet appareil… » no longer holds once the dossier is sent.
    const introduction = document.getElementById("introduction-brouillon");
    if (introduction) montrer(introduction, false);
    this.courriel(reponse);
    montrer(this.formulaire, false);
    montrer(this.racine.querySelector("#brouillon"), false);
    effacerErreurs(this.racine);
    const section = this.racine.querySelector("#confirmation");
    section.querySelector("#numero").textContent = reponse.numero;
    this.remplirRetour(reponse, section);
    this.serveur = { numero: reponse.numero, dateNaissance: reponse.date_naissance };
    montrer(section);
    document.title = `Pré-inscription enregistrée - ${this.titre}`;
    if (focus) section.querySelector("h1").focus();
  }

  courriel(reponse) {
    const texte = texteCourriel(reponse);
    const paragraphe = this.racine.querySelector("#courriel");
    paragraphe.textContent = fr(texte);
    montrer(paragraphe, Boolean(texte));
  }

  remplirRetour(reponse, section) {
    afficherSuivi(section.querySelector('[data-role="suivi"]'), reponse.suivi);
    const attendue = !reponse.suivi || reponse.suivi.statut === "pre-inscrit";
    // One instruction per status (issue 29): the whole paper (print, pieces, send by the
    // deadline) while the bureau waits for a signed confirmation, the first or a new one;
    // otherwise only what the follow-up says (the missing pieces and their deadline, or nothing
    // more to send), the PDF still downloadable.
    const papier = attendue || Boolean(reponse.suivi?.nouvelle_confirmation_requise);
    for (const partie of section.querySelectorAll('.retour [data-role="papier"]')) montrer(partie, papier);
    montrer(section.querySelector('.retour [data-role="copie"]'), !papier);
    montrer(section.querySelector('[data-role="fin-retour"]'), attendue);
    this.remplirEnLigne(section, papier);
    afficherPieces(this.racine.querySelector("#pieces"), reponse.pieces);
    afficherAdresse(this.racine.querySelector("#adresse-retour"), this.racine.querySelector("#adresse-retour-a-confirmer"),
      this.regles);
    const tardif = this.racine.querySelector("#retour-tardif");
    tardif.replaceChildren(el("p", {}, fr(reponse.message_retour_tardif ?? "")));
    montrer(tardif, Boolean(papier && reponse.retour_tardif && reponse.message_retour_tardif));
  }

  /** Where the session takes pieces online (issue 28): its words on how, and the way to
   *  « mon dossier » from the confirmation page; online only, no step by post. */
  remplirEnLigne(section, papier) {
    const modes = this.registre?.retour_modes ?? ["papier"];
    const etape = section.querySelector(".retour [data-en-ligne]");
    if (!etape) return;
    etape.querySelector("[data-consigne]").textContent = fr(this.registre?.retour_consigne ?? "");
    montrer(etape, papier && modes.includes("en_ligne"));
    // On « mon dossier » the section of pieces follows: no link to the page itself.
    montrer(etape.querySelector("[data-lien-depot]"), !this.racine.querySelector("#pieces-en-ligne"));
    if (!modes.includes("papier")) {
      for (const partie of section.querySelectorAll(".retour [data-courrier]")) montrer(partie, false);
    }
  }

  async telecharger() {
    if (!this.serveur) return;
    const statut = [...this.racine.querySelectorAll('[data-role="telechargement"]')].find((p) => !p.closest("[hidden]"));
    statut.textContent = "Préparation de votre confirmation…";
    try {
      const { corps: pdf, entetes } = await appeler("GET",
        `dossiers/${encodeURIComponent(this.serveur.numero)}/confirmation.pdf`,
        { entetes: this.preuve(), format: "pdf" });
      const nom = /filename="([^"]+)"/.exec(entetes.get("Content-Disposition") ?? "")?.[1]
        ?? `confirmation-${this.serveur.numero}.pdf`;
      const adresse = URL.createObjectURL(pdf);
      const lien = el("a", { href: adresse, download: nom, hidden: true });
      document.body.append(lien);
      lien.click();
      lien.remove();
      setTimeout(() => URL.revokeObjectURL(adresse), 60_000);
      statut.textContent = fr(TEXTES.telecharge);
    } catch (erreur) {
      statut.textContent = `Le téléchargement a échoué. ${erreur.message}`;
    }
  }

  // -- the draft -----------------------------------------------------------------------------------

  sauver() {
    // Nothing is stored before the candidate has typed something.
    if (this.mode !== "inscription" || this.termine || this.efface || this.formulaire.hidden
        || this.debutSaisie === null) return;
    const { dossier } = lireDossier(this.formulaire, this.regles);
    delete dossier.attestation_exactitude;
    this.brouillon.enregistrer({
      dossier, etape: this.nomEtape, debutSaisie: this.debutSaisie,
      emailConfirmation: this.formulaire.querySelector("#email-confirmation").value,
    });
  }

  /** « Effacer mes réponses »: ask first, beside the button, the question focused. */
  demanderEffacement(bouton) {
    if (this.occupe) return;
    this.declencheurEffacement = bouton;
    const question = this.racine.querySelector("#effacer-question");
    montrer(question);
    this.racine.querySelector("#effacer-tout").setAttribute("aria-expanded", "true");
    question.focus();
    question.scrollIntoView({ block: "center" });
  }

  fermerQuestionEffacement() {
    montrer(this.racine.querySelector("#effacer-question"), false);
    this.racine.querySelector("#effacer-tout").setAttribute("aria-expanded", "false");
  }

  garderReponses() {
    this.fermerQuestionEffacement();
    const retour = this.declencheurEffacement?.isConnected && !this.declencheurEffacement.closest("[hidden]")
      ? this.declencheurEffacement : this.racine.querySelector("#effacer-tout");
    retour.focus();
  }

  recommencer() {
    if (this.occupe) return;
    this.fermerQuestionEffacement();
    this.efface = true;
    this.brouillon.effacer();
    this.debutSaisie = null;
    remplirDossier(this.formulaire, this.regles, {});
    const recommandee = this.regles.formes_passage.find((f) => f.recommandee);
    if (recommandee) this.formulaire.querySelector(`#forme_passage-${recommandee.code}`).checked = true;
    montrer(this.racine.querySelector("#brouillon"), false);
    this.attente.clear();
    this.retourRecap = false;
    this.afficher(0, { focus: false });
    const efface = this.racine.querySelector("#efface");
    montrer(efface);
    efface.focus();
    efface.scrollIntoView({ block: "start" });
    annoncer(TEXTES.efface);
  }

  // -- « mon dossier » ---------------------------------------------------------------------------

  async ouvrir() {
    if (this.occupe) return;
    const numero = this.racine.querySelector("#acces-numero").value.trim();
    // 00 for a day or a month the papers don't carry, as the dossier prints it (00/00/1996).
    const date = dateDesParties(...["jour", "mois", "annee"].map((p) => this.racine.querySelector(`#acces-${p}`).value),
      { zeros: true });
    const erreurs = {};
    if (!numero) erreurs["acces.numero"] = [TEXTES.numeroVide];
    if (date === "") erreurs["acces.date_naissance"] = [TEXTES.dateVide];
    if (date === null) erreurs["acces.date_naissance"] = [MESSAGES_SAISIE.dateAcces];
    if (Object.keys(erreurs).length) {
      afficherErreurs(this.racine, erreurs);
      return;
    }
    effacerErreurs(this.racine);
    this.occupe = true;
    const attente = this.racine.querySelector("#acces-attente");
    attente.textContent = TEXTES.ouverture;
    try {
      const { corps } = await appeler("GET", `dossiers/${encodeURIComponent(numero)}`, {
        entetes: { "X-Date-Naissance": date }, surAttente: (a) => {
          attente.textContent = fr(formater(TEXTES.attente, { message: a.erreur.message,
            secondes: secondes(a.secondes), essai: a.essai, essais: a.essais }));
        },
      });
      this.ouvrirDossier(corps);
    } catch (erreur) {
      // A number that can't be one (its length, a character, its check character) is said on
      // the number; a pair that matches no dossier, on neither field alone: either may be wrong.
      if (erreur.code === "numero_invalide") afficherErreurs(this.racine, { "acces.numero": [erreur.message] });
      else if (erreur.statut === 400) afficherErreurs(this.racine, { "acces.date_naissance": [erreur.message] });
      else if (erreur.statut === 404) afficherErreurs(this.racine, {}, { ailleurs: erreur.message });
      else if (erreur.code === "trop_de_tentatives") this.proposerLien(erreur.message);
      else this.erreurGenerale(erreur.message);
    } finally {
      this.occupe = false;
      attente.textContent = "";
    }
  }

  ouvrirDossier(reponse, { message = "", preuve = this.serveur?.preuve ?? null, courriel = Boolean(message) } = {}) {
    const dateNaissance = reponse.dossier.etat_civil.date_naissance;
    this.serveur = { numero: reponse.numero, version: reponse.version, dateNaissance, preuve, reponse };
    remplirDossier(this.formulaire, this.regles, reponse.dossier);
    this.attente.clear();
    this.retourRecap = false;
    montrer(this.racine.querySelector("#acces"), false);
    montrer(this.racine.querySelector("#lien-acces"), false);
    montrer(this.racine.querySelector("#rappel"), false);
    montrer(this.formulaire, false);
    effacerErreurs(this.racine);
    this.cacherErreurGenerale();
    const section = this.racine.querySelector("#consultation");
    section.querySelector("#consultation-numero").textContent = reponse.numero;
    section.querySelector("#consultation-version").textContent = texteVersion(reponse);
    const succes = section.querySelector("#consultation-message");
    succes.replaceChildren(el("p", {}, fr(message)));
    montrer(succes, Boolean(message));
    if (courriel) this.courriel(reponse);
    else montrer(this.racine.querySelector("#courriel"), false);
    const ouvert = this.registre?.ouvert !== false;
    const ferme = section.querySelector("#consultation-fermee");
    ferme.textContent = ouvert ? "" : fr(formater(TEXTES.closModification, { cloture: this.regles.registre.cloture_texte }));
    montrer(ferme, !ouvert);
    afficherRecapitulatif(section.querySelector("#consultation-recapitulatif"), reponse.dossier, this.regles,
      { modifier: ouvert });
    this.remplirRetour(reponse, section);
    this.ouvrirPieces(reponse);
    montrer(section);
    document.title = `Dossier n° ${reponse.numero} - ${this.titre}`;
    section.querySelector("h1").focus();
  }

  /** « Vos pièces à déposer », where the session's pieces come back online (issue 28); the
   *  page as before where they come back by post only. */
  ouvrirPieces(reponse) {
    this.pieces?.fermer();
    this.pieces = null;
    const modes = this.registre?.retour_modes ?? ["papier"];
    const section = this.racine.querySelector("#pieces-en-ligne");
    if (!section || !modes.includes("en_ligne")) return;
    // Online only: the steps by post give way to the section.
    if (!modes.includes("papier")) {
      for (const etape of this.racine.querySelectorAll("#consultation [data-courrier]")) montrer(etape, false);
    }
    this.pieces = new PiecesEnLigne(section, this.regles, { numero: reponse.numero, modes,
      preuve: () => this.preuve() });
    this.pieces.ouvrir();
  }

  async enregistrer(dossier) {
    this.enCours(TEXTES.enregistrement);
    try {
      const { corps } = await appeler("PUT", `dossiers/${encodeURIComponent(this.serveur.numero)}`, {
        corps: dossier, surAttente: (a) => this.direAttente(a),
        entetes: { ...this.preuve(), "If-Match": `"v${this.serveur.version}"` },
      });
      this.finEnCours();
      if (corps.modifie === false) this.ouvrirDossier(corps, { message: TEXTES.inchange, courriel: false });
      else this.ouvrirDossier(corps, { message: formater(TEXTES.modifie, { version: corps.version }) });
    } catch (erreur) {
      this.finEnCours();
      this.refus(erreur, TEXTES.nonEnregistre);
    }
  }

  async recharger() {
    this.cacherErreurGenerale();
    try {
      const { corps } = await appeler("GET", `dossiers/${encodeURIComponent(this.serveur.numero)}`,
        { entetes: this.preuve() });
      this.ouvrirDossier(corps);
    } catch (erreur) {
      this.erreurGenerale(erreur.message);
    }
  }

  /** « J'ai perdu mon numéro »: the server answers the same whether a dossier matches or not. */
  async demanderRappel() {
    if (this.occupe) return;
    const section = this.racine.querySelector("#rappel");
    const valeur = (id) => this.racine.querySelector(id).value;
    const date = dateDesParties(valeur("#rappel-jour"), valeur("#rappel-mois"), valeur("#rappel-annee"),
      { zeros: true });
    const general = section.querySelector("#rappel-erreur");
    montrer(general, false);
    // Checked here first: an empty click must not use up one of the few requests allowed.
    const m = this.regles.messages;
    const erreurs = {};
    if (!valeur("#rappel-nom").trim()) erreurs["rappel.nom_naissance"] = [m.NOM_NAISSANCE_OBLIGATOIRE];
    if (date === "") erreurs["rappel.date_naissance"] = [m.DATE_NAISSANCE_OBLIGATOIRE];
    if (date === null) erreurs["rappel.date_naissance"] = [MESSAGES_SAISIE.dateAcces];
    if (Object.keys(erreurs).length) {
      afficherErreurs(section, erreurs, { resume: false });
      return;
    }
    effacerErreurs(section);
    const reponse = this.racine.querySelector("#rappel-reponse");
    montrer(reponse, false);
    const attente = this.racine.querySelector("#rappel-attente");
    attente.textContent = TEXTES.rappel;
    this.occupe = true;
    // No first name typed: a person who has none (shared_rules.identity.same_first_name).
    const demande = { nom_naissance: valeur("#rappel-nom"), prenom: valeur("#rappel-prenom").trim() || null };
    if (date) demande.date_naissance = date;
    try {
      const { corps } = await appeler("POST", "dossiers/rappel", { corps: demande });
      reponse.replaceChildren(el("p", {}, fr(corps.message)));
      montrer(reponse);
      reponse.focus();
    } catch (erreur) {
      if (erreur.statut === 422 && Object.keys(erreur.erreurs).length) {
        afficherErreurs(section, Object.fromEntries(Object.entries(erreur.erreurs)
          .map(([chemin, messages]) => [`rappel.${chemin}`, messages])), { resume: false });
      } else {
        // Beside this form, not in the summary at the top of the page (a 429 included).
        general.replaceChildren(el("p", {}, fr(erreur.message)));
        montrer(general);
        general.focus();
      }
    } finally {
      this.occupe = false;
      attente.textContent = "";
    }
  }

  /** How the open dossier proves it is its owner's: the access proof a link gave, else the
   * birth date. */
  preuve() {
    return this.serveur.preuve ? { "X-Acces-Dossier": this.serveur.preuve }
      : { "X-Date-Naissance": this.serveur.dateNaissance };
  }

  /** The number is locked: say so beside it and offer the link by email. */
  proposerLien(message) {
    afficherErreurs(this.racine, { "acces.numero": [message] });
    montrer(this.racine.querySelector("#lien-reponse"), false);
    montrer(this.racine.querySelector("#lien-acces"));
  }

  /** « Recevoir un lien d'accès par courriel »: the same answer whether the number exists. */
  async demanderLien() {
    if (this.occupe) return;
    const numero = this.racine.querySelector("#acces-numero").value.trim();
    if (!numero) {
      afficherErreurs(this.racine, { "acces.numero": [TEXTES.numeroVide] });
      return;
    }
    const reponse = this.racine.querySelector("#lien-reponse");
    montrer(reponse, false);
    const attente = this.racine.querySelector("#lien-attente");
    attente.textContent = TEXTES.rappel;
    this.occupe = true;
    try {
      const { corps } = await appeler("POST", "dossiers/lien-acces", { corps: { numero } });
      reponse.replaceChildren(el("p", {}, fr(corps.message)));
      montrer(reponse);
      reponse.focus();
    } catch (erreur) {
      this.erreurGenerale(erreur.message);
    } finally {
      this.occupe = false;
      attente.textContent = "";
    }
  }

  /** The page was opened from an emailed link: exchange it once for the dossier and a proof. */
  async ouvrirParLien({ numero, jeton }) {
    const attente = this.racine.querySelector("#chargement-lien");
    attente.textContent = TEXTES.lien;
    montrer(attente);
    this.occupe = true;
    try {
      const { corps } = await appeler("POST", "dossiers/acces", { corps: { numero, jeton } });
      const { acces, ...reponse } = corps;
      montrer(attente, false);
      this.ouvrirDossier(reponse, { preuve: acces.jeton });
    } catch (erreur) {
      montrer(attente, false);
      this.racine.querySelector("#acces-numero").value = numero;
      montrer(this.racine.querySelector("#acces"));
      montrer(this.racine.querySelector("#rappel"));
      if (erreur.code === "lien_invalide") montrer(this.racine.querySelector("#lien-acces"));
      this.erreurGenerale(erreur.message);
    } finally {
      this.occupe = false;
    }
  }

  ajouterAbandon() {
    const bouton = el("button", { type: "button", class: "bouton bouton--secondaire", id: "abandonner" },
      "Annuler mes modifications");
    bouton.addEventListener("click", () => {
      if (!this.occupe && this.serveur) this.ouvrirDossier(this.serveur.reponse);
    });
    this.formulaire.querySelector("#navigation-etapes").append(bouton);
  }

  fermer() {
    this.pieces?.fermer();
    this.pieces = null;
    this.serveur = null;
    montrer(this.racine.querySelector("#consultation"), false);
    for (const champ of this.racine.querySelectorAll("#form-acces input")) champ.value = "";
    montrer(this.racine.querySelector("#acces"));
    montrer(this.racine.querySelector("#rappel"));
    document.title = this.titre;
    this.racine.querySelector("#titre-acces").focus();
  }
}
