// The reminders (issue 27, gestion.html#/relances): GET /api/staff/relances says how many
// candidates await their signed confirmation, how many the button would remind now, the window
// of the automatic reminders and the email of one example; « Envoyer les relances » asks for
// confirmation (« Envoyer 37 relances ? »), then POSTs until none is left (each answer sends
// for a few seconds only), and says what went.

import { appeler, lire } from "./api.js";
import { fr } from "../platform/dom.js";

const nombre = (n) => n.toLocaleString("fr-FR");
const pluriel = (n, mot, mots = `${mot}s`) => `${nombre(n)} ${n > 1 ? mots : mot}`;

let aRelancer = 0;

function texte(id, valeur) {
  document.getElementById(id).textContent = fr(valeur);
}

/** Fetch the preview and show it. */
export async function afficherRelances() {
  const apercu = await lire("relances");
  const { fenetre } = apercu;
  aRelancer = apercu.a_relancer;
  texte("relances-automatiques", `Relances automatiques : une par dossier, chaque jour à ${apercu.heure_automatique} h `
    + `(heure de Paris) du ${fenetre.debut_libelle} au ${fenetre.fin_libelle}, date limite de retour des `
    + `confirmations (${apercu.jours} jours avant). Après cette date, aucune relance ne part.`);
  let chiffres = `${pluriel(apercu.en_attente, "dossier attend sa", "dossiers attendent leur")} confirmation signée ; `
    + `${pluriel(apercu.deja_relances_aujourdhui, "déjà relancé", "déjà relancés")} aujourd'hui.`;
  if (apercu.terminees) {
    chiffres += ` La date limite (${apercu.date_limite_libelle}) est passée : les relances sont terminées.`;
  } else if (!apercu.courriels_actifs) {
    chiffres += " Aucun courriel ne part de ce service (MAIL_FROM non configuré) : aucune relance possible.";
  } else {
    chiffres += ` À relancer maintenant : ${nombre(apercu.a_relancer)}.`;
  }
  texte("relances-chiffres", chiffres);
  document.getElementById("relances-bouton-bloc").hidden = !(apercu.envoi_possible && apercu.a_relancer > 0);
  const bloc = document.getElementById("relances-exemple-bloc");
  bloc.hidden = !apercu.exemple;
  if (apercu.exemple) {
    document.getElementById("relances-objet").textContent = apercu.exemple.objet;
    document.getElementById("relances-texte").textContent = apercu.exemple.texte;
  }
}

/** Ask for confirmation, send until none is left, say the result, show the new figures. */
export async function envoyerRelances() {
  const resultat = document.getElementById("relances-resultat");
  resultat.textContent = "";
  if (!window.confirm(fr(`Envoyer ${pluriel(aRelancer, "relance")} ?`))) return;
  const bouton = document.getElementById("relances-envoyer");
  bouton.disabled = true;
  const total = { envoyes: 0, deja_relances: 0, echecs: 0, plus_attendus: 0 };
  try {
    let premiere = true;
    for (;;) {
      const compte = await (await appeler("POST", "relances")).json();
      total.envoyes += compte.envoyes;
      total.echecs += compte.echecs;
      total.plus_attendus += compte.plus_attendus;
      // Each answer counts those reminded today before it: the first one's is the figure.
      if (premiere) total.deja_relances = compte.deja_relances;
      premiere = false;
      if (!compte.restants || compte.envoyes + compte.echecs + compte.plus_attendus === 0) break;
      resultat.textContent = fr(`Envoi en cours : ${pluriel(total.envoyes, "relance envoyée", "relances envoyées")}…`);
    }
  } finally {
    bouton.disabled = false;
  }
  let bilan = `${pluriel(total.envoyes, "relance envoyée", "relances envoyées")} ; `
    + `${pluriel(total.deja_relances, "candidat déjà relancé", "candidats déjà relancés")} aujourd'hui ; `
    + `${pluriel(total.echecs, "échec", "échecs")}`;
  if (total.echecs) bilan += " (renvoyés automatiquement dans l'heure)";
  if (total.plus_attendus) bilan += ` ; ${pluriel(total.plus_attendus, "confirmation reçue", "confirmations reçues")} entre-temps`;
  await afficherRelances();
  resultat.textContent = fr(`${bilan}.`);
}
