// The staff page's entry point: sign-in with a token kept in sessionStorage only, then the
// list, one dossier, status changes and exports (see the other modules of this folder).

import { ErreurApi, appeler, jeton, lire } from "./api.js";
import { Detail } from "./detail.js";
import { annoncer, el, fixerFuseau, signaler } from "./dom.js";
import { exporter } from "./exports.js";
import { Liste } from "./liste.js";

const application = document.getElementById("gestion");
document.getElementById("sans-javascript").hidden = true;
application.hidden = false;

let liste = null;
let detail = null;

function remplir(id, options) {
  const select = document.getElementById(id);
  select.append(...options.map(([valeur, texte]) => el("option", { value: valeur }, texte)));
}

function deconnecter(message) {
  jeton.oublier();
  document.getElementById("espace").hidden = true;
  document.getElementById("connexion").hidden = false;
  if (message) signaler(message);
}

async function garde(action) {
  try {
    signaler(null);
    return await action();
  } catch (erreur) {
    if (erreur instanceof ErreurApi && erreur.statut === 401) {
      deconnecter(erreur.message);
    } else {
      signaler(erreur.message);
    }
    return null;
  }
}

async function ouvrirEspace(nom) {
  document.getElementById("gestionnaire").textContent = nom;
  document.getElementById("connexion").hidden = true;
  document.getElementById("espace").hidden = false;
  if (!liste) {
    const referentiel = await lire("referentiel");
    fixerFuseau(referentiel.fuseau_horaire);
    remplir("specialite", referentiel.specialites.map((s) => [s.code, s.libelle]));
    remplir("departement", referentiel.departements.map((d) => [d.code, `${d.nom} (${d.code})`]));
    remplir("statut", referentiel.statuts.map((s) => [s.code, s.libelle]));
    liste = new Liste({ surOuverture: (numero) => garde(() => detail.ouvrir(numero)) });
    detail = new Detail({ referentiel, surChangement: () => liste.charger() });
  }
  await liste.charger(1);
}

document.getElementById("connexion-formulaire").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  const valeur = document.getElementById("jeton").value.trim();
  if (!valeur) {
    signaler("Indiquez votre jeton d'accès.");
    return;
  }
  garde(async () => {
    const { nom } = await (await appeler("GET", "moi", { valeur })).json();
    jeton.garder(valeur);
    document.getElementById("jeton").value = "";
    annoncer(`Connecté(e) : ${nom}.`);
    await ouvrirEspace(nom);
  });
});

document.getElementById("deconnexion").addEventListener("click", () => {
  deconnecter(null);
  annoncer("Vous êtes déconnecté(e).");
});

document.getElementById("filtres").addEventListener("submit", (evenement) => {
  evenement.preventDefault();
  garde(() => liste.charger(1));
});

document.querySelectorAll("[data-export]").forEach((bouton) => {
  bouton.addEventListener("click", () => garde(() => exporter(bouton.dataset.export)));
});

if (jeton.lire()) {
  garde(async () => ouvrirEspace((await lire("moi")).nom));
}
