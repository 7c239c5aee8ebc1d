// The staff page's entry point: asks who is signed in (the session's cookie, which no script
// can read), offers « Se connecter » otherwise, then the list, one dossier, status changes and
// exports (see the other modules of this folder). Never a token.

import { ErreurApi, appeler, lire } from "./api.js";
import { Detail } from "./detail.js";
import { effacerErreurs, fixerFuseau, signaler } from "./affichage.js";
import { annoncer, el } from "../platform/dom.js";
import { chargerColonnes, exporter } from "./exports.js";
import { Liste, appliquerAdresse, filtres } from "./liste.js";
import { Selection } from "./lot.js";
import { afficherTableau } from "./tableau.js";
import { afficherGuichet, installerGuichet, oublierGuichet } from "./guichet.js";
import { afficherRelances, envoyerRelances } from "./relances.js";
import { afficherJournal } from "./journal.js";
import { piecesEnLigne } from "./pieces.js";

const application = document.getElementById("gestion");
document.getElementById("sans-javascript").hidden = true;
application.hidden = false;

let liste = null;
let detail = null;
let selection = null;

/** Fill a select from the referentiel, right after its first option (« Tous »): the
 *  page's own choices (homonyms, points to check) follow. */
function remplir(id, options) {
  const select = document.getElementById(id);
  select.options[0].after(...options.map(([valeur, texte]) => el("option", { value: valeur }, texte)));
}

function deconnecter(message) {
  // Nothing of the dossiers stays in the page once the session is gone.
  document.getElementById("liste-corps").replaceChildren();
  document.getElementById("tableau-rubriques").replaceChildren();
  oublierGuichet();
  selection?.vider();
  document.getElementById("lot-resultat").replaceChildren();
  document.getElementById("detail").hidden = true;
  document.getElementById("espace").hidden = true;
  document.getElementById("connexion").hidden = false;
  if (message) signaler(message);
}

/** Run an action; its error shows in `zone`, the box beside the control that started it. */
async function garde(action, zone = "erreur") {
  try {
    effacerErreurs();
    return await action();
  } catch (erreur) {
    if (erreur instanceof ErreurApi && erreur.statut === 401) {
      deconnecter(erreur.message);
    } else {
      signaler(erreur.message, zone);
    }
    return null;
  }
}

// The address says what the page shows: a dossier at #/dossier/<numero>; the list at #/ or
// #/?<filters>&page=N, its filters, sort and page, so that a reload or a shared link shows the
// same list. Each search, filter, sort or page chosen is a history entry (back and forward move
// between them); a pause in typing in the search box replaces the entry its typing started.
// « Retour à la liste » goes to the last list shown.
let adresseVue = null; // the address shown: the page's own history entries are not routed again
let adresseListe = "#/";
let entreeDeSaisie = false; // the current entry was made by typing: the next pause replaces it

function noter(adresse, ecriture) {
  adresseListe = adresse;
  document.getElementById("retour-liste").setAttribute("href", adresse);
  // A pause in typing that ends once a dossier is open reloads the hidden list, not the address.
  if (document.getElementById("vue-liste").hidden) return;
  let mode = ecriture;
  if (ecriture === "saisie") mode = entreeDeSaisie ? "remplacer" : "ajouter";
  entreeDeSaisie = ecriture === "saisie";
  if (mode !== "aucune" && adresse !== (location.hash || "#/")) {
    history[mode === "remplacer" ? "replaceState" : "pushState"](null, "", adresse);
  }
  adresseVue = location.hash;
}

// The page's views other than the list and a dossier: their section, what fills it, and where
// its errors show (the desk's are said in its own verdict).
const VUES = {
  "#/reception": { id: "vue-reception", afficher: afficherGuichet, erreur: null },
  "#/tableau": { id: "vue-tableau", afficher: afficherTableau, erreur: "tableau-erreur" },
  "#/relances": { id: "vue-relances", afficher: afficherRelances, erreur: "relances-erreur" },
  "#/journal": { id: "vue-journal", afficher: afficherJournal, erreur: "journal-erreur" },
};

function route() {
  // A link followed or a history step fires both events: route each address once.
  if (location.hash === adresseVue) return null;
  adresseVue = location.hash;
  entreeDeSaisie = false;
  const numero = /^#\/dossier\/([A-Za-z0-9-]{1,20})$/.exec(location.hash)?.[1];
  const vueListe = document.getElementById("vue-liste");
  for (const { id } of Object.values(VUES)) document.getElementById(id).hidden = true;
  if (numero && detail) {
    vueListe.hidden = true;
    return garde(() => detail.ouvrir(numero), "detail-erreur");
  }
  document.getElementById("detail").hidden = true;
  const vue = VUES[location.hash];
  if (vue) {
    vueListe.hidden = true;
    const section = document.getElementById(vue.id);
    section.hidden = false;
    // The desk's field takes the focus itself; the other views take it whole once filled.
    if (!vue.erreur) return vue.afficher();
    return garde(async () => {
      await vue.afficher();
      section.focus();
    }, vue.erreur);
  }
  vueListe.hidden = false;
  if (!liste) return null;
  const page = appliquerAdresse(location.hash, liste.pageMax);
  return garde(() => liste.charger(page), "filtres-erreur");
}

window.addEventListener("hashchange", () => route());
window.addEventListener("popstate", () => route());

async function ouvrirEspace({ nom, role }) {
  document.getElementById("gestionnaire").textContent = nom;
  document.getElementById("role").textContent = role;
  // A `lecture` account reads only: the server refuses its changes all the same (403).
  const lecture = role === "lecture";
  document.getElementById("statut-titre").hidden = lecture;
  document.getElementById("statut-formulaire").hidden = lecture;
  document.getElementById("note-interne-formulaire").hidden = lecture;
  document.getElementById("guichet").hidden = lecture;
  document.getElementById("lot-formulaire").hidden = lecture;
  document.getElementById("guichet-lecture").hidden = !lecture;
  document.getElementById("attribution-formulaire").hidden = lecture;
  document.getElementById("effacement-bloc").hidden = role !== "administration";
  document.getElementById("restitution-bloc").hidden = role !== "administration";
  document.getElementById("lien-journal-bloc").hidden = role !== "administration";
  document.getElementById("connexion").hidden = true;
  document.getElementById("espace").hidden = false;
  if (!liste) {
    // What only a session taking pieces online offers (issue 28), asked once signed in.
    piecesEnLigne().then((oui) => {
      document.querySelectorAll("[data-en-ligne]").forEach((element) => { element.hidden = !oui; });
    }, () => {});
    const referentiel = await lire("referentiel");
    fixerFuseau(referentiel.fuseau_horaire);
    remplir("specialite", referentiel.specialites.map((s) => [s.code, s.libelle]));
    remplir("departement", referentiel.departements.map((d) => [d.code, `${d.nom} (${d.code})`]));
    document.getElementById("statut-cases").replaceChildren(...referentiel.statuts.map((s) => el("p", {},
      el("input", { type: "checkbox", id: `filtre-statut-${s.code}`, name: "statut", value: s.code }), " ",
      el("label", { for: `filtre-statut-${s.code}` }, s.libelle))));
    // The agents a dossier may be assigned to: after « Mes dossiers » and « Non attribués »
    // in the filter, after « Personne » on a dossier's page.
    for (const id of ["attribution", "attribution-agent"]) {
      document.getElementById(id).append(...referentiel.agents.map((a) => el("option", { value: a }, a)));
    }
    selection = new Selection({ filtres, apres: () => liste.charger(liste.page),
      pieces: [...referentiel.pieces, referentiel.piece_autre] });
    liste = new Liste({ surOuverture: (numero) => { location.hash = `#/dossier/${numero}`; }, noter,
      pageMax: referentiel.page_max, selection });
    detail = new Detail({ referentiel, garde, moi: nom, peutDecider: role !== "lecture",
      surEffacement: () => { location.hash = adresseListe; } });
    garde(chargerColonnes, "export-erreur");
  }
  adresseVue = null;
  await route();
}

// A link opened while signed out (#/?… or #/dossier/<numero>) is shown once signed in: the
// sign-in returns to plain gestion.html, so the page keeps the address in this tab's
// sessionStorage before leaving for the provider, and takes it back on its return. The server
// never redirects to an address the browser gives; only this page's own routes come back.
const ADRESSE_AVANT_CONNEXION = "gestion-adresse-avant-connexion";
const ADRESSE_DE_LA_PAGE = new RegExp(String.raw`^#\/(?:\?[^#]*|dossier\/[A-Za-z0-9-]{1,20}|`
  + `${Object.keys(VUES).map((vue) => vue.slice(2)).join("|")})?$`);

document.getElementById("se-connecter").addEventListener("click", () => {
  try {
    if (ADRESSE_DE_LA_PAGE.test(location.hash)) {
      sessionStorage.setItem(ADRESSE_AVANT_CONNEXION, location.hash);
    } else {
      sessionStorage.removeItem(ADRESSE_AVANT_CONNEXION);
    }
  } catch {
    // Storage refused (a private mode's limit): the sign-in comes back to the plain page.
  }
});

/** Signed in: the address opened before the sign-in, if the page came back without one. */
function reprendreAdresse() {
  let adresse = null;
  try {
    adresse = sessionStorage.getItem(ADRESSE_AVANT_CONNEXION);
    sessionStorage.removeItem(ADRESSE_AVANT_CONNEXION);
  } catch {
    return;
  }
  if (adresse && !location.hash && ADRESSE_DE_LA_PAGE.test(adresse)) {
    history.replaceState(null, "", adresse);
  }
}

/** Nobody signed in: the sign-in button, and the sign-out confirmed if we come from it. */
function seConnecter() {
  deconnecter(null);
  if (new URLSearchParams(location.search).has("deconnexion")) {
    annoncer("Vous êtes déconnecté(e).");
  }
}

async function demarrer() {
  try {
    signaler(null);
    // Without a session cookie the answer is `{"connecte": false}` (200, no console error);
    // a cookie whose session has ended still gets a 401.
    const moi = await lire("moi");
    if (moi.connecte === false) {
      seConnecter();
      return;
    }
    // Who is signed in is said once, in the page's session line (issue 26, item 10).
    reprendreAdresse();
    await ouvrirEspace(moi);
  } catch (erreur) {
    if (erreur instanceof ErreurApi && erreur.statut === 401) {
      seConnecter();
    } else {
      deconnecter(erreur.message);
    }
  }
}

document.getElementById("deconnexion-formulaire").addEventListener("submit", (evenement) => {
  // The server ends the session and says where to go next (the provider ends its own); the
  // page forgets what it showed first. (The site's CSP keeps a form's own redirect on this
  // origin, so the script follows it.)
  evenement.preventDefault();
  garde(async () => {
    const { redirection } = await (await appeler("POST", "deconnexion")).json();
    deconnecter(null);
    location.assign(redirection);
  });
});

// Back to this page from the browser's history (back-forward cache): ask the server again,
// so that a signed-out session shows no dossier.
window.addEventListener("pageshow", (evenement) => {
  if (evenement.persisted) location.reload();
});

const rechercher = (ecriture) => garde(() => liste.charger(1, ecriture), "filtres-erreur");

document.getElementById("filtres").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  rechercher("ajouter");
});

// Search as people type: the list follows each pause in typing.
let frappe = null;
document.getElementById("q").addEventListener("input", () => {
  clearTimeout(frappe);
  frappe = setTimeout(() => rechercher("saisie"), 250);
});
// The statuses' boxes are made once the referentiel is read: one listener on their group.
document.getElementById("statut").addEventListener("change", () => rechercher("ajouter"));
document.querySelectorAll("#filtres select, #filtres input[type=date], #filtres > p input[type=checkbox]").forEach((champ) => {
  champ.addEventListener("change", () => rechercher("ajouter"));
});

// A signed confirmation received: its barcode scanned (the scanner types it, then Enter) or
// its number typed, with the version printed on it; the server reads it as « mon dossier »
// reads a number (spaces, O for 0, lower case) and the dossier opens with that version.
document.getElementById("reception").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  garde(async () => {
    const champ = document.getElementById("reference");
    const reference = champ.value.trim().replace(/[\s\u2010-\u2014]+/g, "-");
    if (!/^[A-Za-z0-9-]{1,20}$/.test(reference)) {
      throw new Error("Référence illisible : scannez le code-barres de la confirmation ou tapez son numéro (par exemple 7K3M-Q9PA-R-V2).");
    }
    champ.value = "";
    location.hash = `#/dossier/${reference}`;
  }, "reception-erreur");
});

document.getElementById("lot-formulaire").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  garde(() => selection.appliquer(), "lot-erreur");
});
document.getElementById("lot-tout").addEventListener("click", () => garde(() => selection.toutLaRecherche(), "lot-erreur"));
document.getElementById("journal-formulaire").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  garde(afficherJournal, "journal-erreur");
});
document.getElementById("relances-envoyer").addEventListener("click", () => garde(envoyerRelances, "relances-erreur"));

document.querySelectorAll("[data-export-selection]").forEach((bouton) => {
  bouton.addEventListener("click", () => garde(
    () => exporter(bouton.dataset.exportSelection, { numeros: selection.numeros() }), "lot-erreur"));
});

document.querySelectorAll("[data-export]").forEach((bouton) => {
  bouton.addEventListener("click", () => garde(() => exporter(bouton.dataset.export), "export-erreur"));
});
installerGuichet({ surDeconnexion: (message) => deconnecter(message) });
demarrer();
