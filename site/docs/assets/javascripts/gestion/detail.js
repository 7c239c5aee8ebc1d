// One dossier: its main data, its follow-up with its history, its versions, and the form that
// changes its status (with the version and revision read here, so that a change made meanwhile
// by the candidate or another staff member is refused, not overwritten).

import { appeler, lire } from "./api.js";
import { annoncer, dateHeure, el, signaler } from "./dom.js";

/** What became of the « dossier incomplet » email of the current follow-up. */
function etatCourriel(c) {
  if (c.statut === "envoye") return `envoyé le ${dateHeure(c.dernier_essai)}`;
  const suite = c.nouvel_essai_automatique
    ? "nouvel essai automatique toutes les heures"
    : "plus d'essai automatique : demandez à l'exploitant du service de le renvoyer";
  if (c.statut === "en-attente") return `pas encore parti ; ${suite}`;
  const essais = `${c.tentatives} tentative${c.tentatives > 1 ? "s" : ""}`;
  return `non parti après ${essais} (dernière le ${dateHeure(c.dernier_essai)}) ; ${suite}`;
}

export class Detail {
  constructor({ referentiel, surChangement }) {
    this.referentiel = referentiel;
    this.surChangement = surChangement;
    this.dossier = null;
    this.section = document.getElementById("detail");
    document.getElementById("statut-formulaire")
      .addEventListener("submit", (evenement) => { evenement.preventDefault(); this.enregistrer(); });
    document.getElementById("pieces-choix").replaceChildren(...referentiel.pieces.map((p) => el("p", {},
      el("input", { type: "checkbox", id: `piece-${p.code}`, name: "pieces", value: p.code }),
      " ", el("label", { for: `piece-${p.code}` }, p.libelle))));
  }

  async ouvrir(numero) {
    this.dossier = await lire(`dossiers/${encodeURIComponent(numero)}`);
    this.afficher();
    this.section.hidden = false;
    this.section.focus();
  }

  libelle(code) {
    return this.referentiel.statuts.find((s) => s.code === code)?.libelle ?? code;
  }

  afficher() {
    const d = this.dossier;
    const ec = d.dossier.etat_civil;
    const contact = d.dossier.contact;
    const specialite = this.referentiel.specialites.find((s) => s.code === d.dossier.specialite);
    document.getElementById("detail-titre").textContent = `Dossier ${d.numero}`;
    const alerte = document.getElementById("detail-alerte");
    alerte.textContent = d.a_revoir
      ? `Le candidat a modifié son dossier (version ${d.version}) après la réception de sa confirmation signée (version ${d.suivi.version_confirmee}) : une nouvelle confirmation est attendue.`
      : "";
    alerte.hidden = !d.a_revoir;
    const lignes = [
      ["Statut", d.suivi.statut_libelle],
      ["Nom de naissance", ec.nom_naissance],
      ["Nom d'usage", ec.nom_usage ?? "—"],
      ["Prénoms", ec.prenoms.join(", ")],
      ["Date de naissance", ec.date_naissance.split("-").reverse().join("/")],
      ["Spécialité", specialite?.libelle ?? d.dossier.specialite],
      ["Adresse", `${contact.adresse}, ${contact.code_postal} ${contact.commune}`],
      ["Adresse électronique", contact.email],
      ["Version", `${d.version} (créé le ${dateHeure(d.cree_le)}, modifié le ${dateHeure(d.modifie_le)})`],
      ["Pièces à joindre", d.pieces.map((p) => p.libelle).join(" ; ")],
    ];
    if (d.suivi.pieces_manquantes.length) {
      const noms = d.suivi.pieces_manquantes.map((c) => this.referentiel.pieces.find((p) => p.code === c)?.libelle ?? c);
      lignes.push(["Pièces manquantes", noms.join(" ; ")]);
    }
    if (d.suivi.note) lignes.push(["Note", d.suivi.note]);
    if (d.suivi.courriel) lignes.push(["Courriel « dossier incomplet »", etatCourriel(d.suivi.courriel)]);
    document.getElementById("detail-resume").replaceChildren(
      ...lignes.flatMap(([terme, valeur]) => [el("dt", {}, terme), el("dd", {}, valeur)]));
    this.choix();
    document.getElementById("detail-suivi").replaceChildren(...(d.suivi.historique.length
      ? d.suivi.historique.map((h) => el("li", {},
        `${dateHeure(h.le)} — ${this.libelle(h.statut)} (version ${h.version_dossier}), par ${h.auteur}`,
        h.note ? ` : ${h.note}` : ""))
      : [el("li", {}, "Aucun changement de statut pour l'instant.")]));
    document.getElementById("detail-versions").replaceChildren(
      el("li", {}, `Version ${d.version} (actuelle), ${dateHeure(d.modifie_le)}`),
      ...d.historique.map((h) => el("li", {}, `Version ${h.version}, ${dateHeure(h.modifie_le)} : `,
        `${h.dossier.etat_civil.nom_naissance} ${h.dossier.etat_civil.prenoms.join(" ")}, `,
        `${h.dossier.contact.adresse}, ${h.dossier.contact.code_postal} ${h.dossier.contact.commune}`)));
  }

  choix() {
    const actuel = this.referentiel.statuts.find((s) => s.code === this.dossier.suivi.statut);
    const suivants = [...actuel.suivants];
    if (this.dossier.a_revoir && actuel.code === "confirmation-recue") suivants.unshift(actuel.code);
    const boutons = suivants.map((code) => el("p", {},
      el("input", { type: "radio", id: `statut-${code}`, name: "nouveau-statut", value: code }),
      " ", el("label", { for: `statut-${code}` }, this.libelle(code))));
    const zone = document.getElementById("statut-choix");
    zone.replaceChildren(...boutons);
    zone.querySelectorAll("input").forEach((radio) => radio.addEventListener("change", () => this.incomplet()));
    document.querySelectorAll("#pieces-choix input").forEach((c) => { c.checked = false; });
    document.getElementById("note").value = "";
    this.incomplet();
  }

  incomplet() {
    const choisi = document.querySelector("input[name=nouveau-statut]:checked")?.value;
    document.getElementById("pieces-manquantes").hidden = choisi !== "incomplete";
    document.getElementById("note-bloc").hidden = choisi !== "incomplete";
  }

  async enregistrer() {
    const statut = document.querySelector("input[name=nouveau-statut]:checked")?.value;
    if (!statut) {
      signaler("Choisissez le nouveau statut.");
      return;
    }
    const corps = { statut, version: this.dossier.version, revision: this.dossier.suivi.revision };
    if (statut === "incomplete") {
      corps.pieces_manquantes = [...document.querySelectorAll("#pieces-choix input:checked")].map((c) => c.value);
      corps.note = document.getElementById("note").value.trim() || null;
    }
    try {
      const reponse = await (await appeler("POST", `dossiers/${encodeURIComponent(this.dossier.numero)}/suivi`, { corps })).json();
      signaler(null);
      const courriel = { envoye: " Le candidat a été prévenu par courriel.",
        echec: " Le courriel au candidat n'a pas pu partir : il sera réessayé automatiquement.",
        desactive: " (Envoi de courriels désactivé sur ce service.)" }[reponse.courriel] ?? "";
      annoncer(`Statut enregistré : ${reponse.suivi.statut_libelle}.${courriel}`);
      await this.ouvrir(this.dossier.numero);
      await this.surChangement();
    } catch (erreur) {
      signaler(erreur.message);
    }
  }
}
