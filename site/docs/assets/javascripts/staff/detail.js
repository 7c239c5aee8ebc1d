// One dossier, at its own address (#/dossier/<numero>): the whole dossier grouped as the
// candidate's own review (the server's rows, the same as the PDF's), its pieces, follow-up and
// email, each version with what changed and its PDF; the form that changes its status (with
// the version and revision read here, so that a change made meanwhile by the candidate or
// another staff member is refused, not overwritten); its assignment to an agent (with the
// assignment's revision read here, for the same reason); erasure (role administration); the
// pieces deposited online, judged here (pieces.js).

import { appeler, lire } from "./api.js";
import { dateHeure, reussir } from "./affichage.js";
import { el } from "../platform/dom.js";
import { Pieces } from "./pieces.js";

/** What became of the email of the current follow-up's change (each status change announced). */
function etatCourriel(c) {
  if (c.statut === "envoye") return `envoyé le ${dateHeure(c.dernier_essai)}`;
  const suite = c.nouvel_essai_automatique
    ? "nouvel essai automatique toutes les heures"
    : "plus d'essai automatique : demandez à l'exploitant du service de le renvoyer";
  if (c.statut === "en-attente") return `pas encore parti ; ${suite}`;
  // A reception desk's scan: sent by the hourly run once « annuler » is no longer offered.
  if (c.statut === "differe") return "réception enregistrée au guichet : envoi automatique prévu dans l'heure";
  const essais = `${c.tentatives} tentative${c.tentatives > 1 ? "s" : ""}`;
  return `non parti après ${essais} (dernière le ${dateHeure(c.dernier_essai)}) ; ${suite}`;
}

function lignes(paires) {
  return paires.flatMap(([terme, valeur]) => [el("dt", {}, terme), el("dd", {}, valeur)]);
}

export class Detail {
  constructor({ referentiel, garde, moi, surEffacement, peutDecider = true }) {
    this.referentiel = referentiel;
    this.garde = garde;
    this.moi = moi;
    this.surEffacement = surEffacement;
    this.dossier = null;
    this.section = document.getElementById("detail");
    this.pieces = new Pieces({ garde, peutDecider, apres: () => this.relire() });
    document.getElementById("statut-formulaire").addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.garde(() => this.enregistrer(), "statut-erreur");
    });
    document.getElementById("note-interne-formulaire").addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.garde(() => this.ajouterNote(), "note-interne-erreur");
    });
    document.getElementById("attribution-formulaire").addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.garde(() => this.attribuer(document.getElementById("attribution-agent").value || null), "attribution-erreur");
    });
    document.getElementById("attribution-moi").addEventListener("click", () => {
      this.garde(() => this.attribuer(this.moi), "attribution-erreur");
    });
    document.getElementById("restitution-formulaire").addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.garde(() => this.restituer(), "restitution-erreur");
    });
    document.getElementById("effacement-formulaire").addEventListener("submit", (evenement) => {
      evenement.preventDefault();
      this.garde(() => this.effacer(), "effacement-erreur");
    });
  }

  /** Open a dossier from scratch (issue 26): nothing of the dossier shown before stays — its
   *  content, the status form that acts on it, a success message — until this one is read. An
   *  unknown number shows its message alone. An answer that comes back after another dossier
   *  was asked for is dropped. `message`: a success to show once it is open. */
  async ouvrir(numero, { message = null } = {}) {
    this.dossier = null;
    this.demande = numero;
    const contenu = document.getElementById("detail-contenu");
    contenu.hidden = true;
    document.querySelectorAll("#detail .gestion-succes").forEach((p) => { p.textContent = ""; });
    document.getElementById("detail-titre").textContent = `Dossier ${numero}`;
    this.section.hidden = false;
    const dossier = await lire(`dossiers/${encodeURIComponent(numero)}`);
    if (this.demande !== numero) return;
    this.dossier = dossier;
    this.afficher();
    contenu.hidden = false;
    if (message) reussir(message, "statut-message");
    this.section.focus();
    await this.pieces.ouvrir(dossier.numero);
  }

  /** Read the open dossier again and show it, its pieces left as they are (a piece's
   *  decision: the status may have followed). */
  async relire() {
    const numero = this.dossier?.numero;
    if (!numero) return;
    const dossier = await lire(`dossiers/${encodeURIComponent(numero)}`);
    if (this.dossier?.numero !== numero) return;
    this.dossier = dossier;
    this.afficher();
  }

  libelle(code) {
    return this.referentiel.statuts.find((s) => s.code === code)?.libelle ?? code;
  }

  pieceLibelle(code) {
    const autre = this.referentiel.piece_autre;
    if (code === autre.code) return autre.libelle;
    return this.referentiel.pieces.find((p) => p.code === code)?.libelle ?? code;
  }

  pdf(version) {
    const adresse = `/api/staff/dossiers/${encodeURIComponent(this.dossier.numero)}/confirmation.pdf?version=${version}`;
    return el("a", { href: adresse, target: "_blank", rel: "noopener" }, `confirmation PDF de la version ${version}`);
  }

  afficher() {
    const d = this.dossier;
    document.getElementById("detail-titre").textContent = `Dossier ${d.numero}`;
    // Opened from a paper's barcode or reference: the version that paper is of.
    const papier = document.getElementById("detail-papier");
    papier.textContent = "";
    if (d.version_papier !== null && d.version_papier !== undefined) {
      papier.textContent = d.version_papier === d.version
        ? `Confirmation papier de la version ${d.version_papier}, la version actuelle du dossier : vous pouvez enregistrer sa réception.`
        : `Papier de la version ${d.version_papier}, dossier en version ${d.version} : demander la nouvelle confirmation (version ${d.version}) au candidat ; la réception de ce papier ne peut pas être enregistrée.`;
    }
    papier.hidden = !papier.textContent;
    const alerte = document.getElementById("detail-alerte");
    alerte.textContent = d.a_revoir
      ? `Le candidat a modifié son dossier (version ${d.version}) après la réception de sa confirmation signée (version ${d.suivi.version_confirmee}) : une nouvelle confirmation est attendue.`
      : "";
    alerte.hidden = !d.a_revoir;
    // The warnings the candidate was shown, in the rules' own words, and their answer: the
    // postcode's is confirmed or not; any other was kept as the candidate's answer.
    const confirme = d.confirmation_residence ? "confirmé par le candidat" : "non confirmé par le candidat";
    const paragraphes = Object.entries(d.avertissements ?? {}).flatMap(([chemin, messages]) => messages.map((m) => el("p", {},
      el("strong", {}, "Avertissement montré au candidat"),
      ` (${chemin === "contact.code_postal" ? confirme : "réponse gardée par le candidat"}) : « ${m} »`)));
    // Another person's dossier with the same birth name and birth date: registered, to check.
    for (const numero of d.homonymes ?? []) {
      paragraphes.push(el("p", {}, el("strong", {}, "Homonyme possible"),
        " : le dossier ", el("a", { href: `#/dossier/${encodeURIComponent(numero)}` }, numero),
        " porte les mêmes nom et date de naissance. Vérifiez sur les pièces d'identité qu'il s'agit de deux personnes."));
    }
    const avertissements = document.getElementById("detail-avertissements");
    avertissements.replaceChildren(...paragraphes);
    avertissements.hidden = !paragraphes.length;
    const resume = [
      ["Statut", d.suivi.statut_libelle],
      ["Version", `${d.version} (créé le ${dateHeure(d.cree_le)}, modifié le ${dateHeure(d.modifie_le)})`],
      ["Pièces à joindre", d.pieces.map((p) => p.libelle).join(" ; ")],
    ];
    if (d.suivi.pieces_manquantes.length) {
      resume.push(["Pièces manquantes", d.suivi.pieces_manquantes.map((c) => this.pieceLibelle(c)).join(" ; ")]);
    }
    if (d.suivi.note) resume.push(["Note", d.suivi.note]);
    resume.push(["Courriel au candidat sur ce statut", d.suivi.courriel ? etatCourriel(d.suivi.courriel) : "aucun"]);
    document.getElementById("detail-resume").replaceChildren(...lignes(resume));
    document.getElementById("detail-pdf").replaceChildren("Imprimer ou vérifier : ", this.pdf(d.version), ".");
    document.getElementById("detail-recapitulatif").replaceChildren(...d.recapitulatif.map((s) =>
      el("div", { class: "gestion-recap" }, el("h3", {}, s.titre), el("dl", {}, ...lignes(s.lignes)))));
    this.choix();
    document.getElementById("detail-suivi").replaceChildren(...(d.suivi.historique.length
      ? d.suivi.historique.map((h) => el("li", {},
        `${dateHeure(h.le)} — ${this.libelle(h.statut)} (version ${h.version_dossier}), par ${h.auteur}`,
        h.pieces_manquantes?.length ? ` ; pièces manquantes : ${h.pieces_manquantes.map((c) => this.pieceLibelle(c)).join(" ; ")}` : "",
        h.note ? ` : ${h.note}` : ""))
      : [el("li", {}, "Aucun changement de statut pour l'instant.")]));
    document.getElementById("detail-versions").replaceChildren(...d.versions.map((v) => el("li", {},
      `Version ${v.version}${v.version === d.version ? " (actuelle)" : ""}, ${dateHeure(v.modifie_le)} — `,
      this.pdf(v.version),
      v.changements.length
        ? el("ul", {}, ...v.changements.map((c) => el("li", {},
          `${c.libelle} : `, el("del", {}, c.avant), " → ", el("ins", {}, c.apres))))
        : el("p", {}, v.version === 1 ? "Dépôt du dossier." : "Aucune différence visible."))));
    document.getElementById("effacement-confirmation").value = "";
    for (const id of ["restitution-courriel", "restitution-confirmation"]) document.getElementById(id).value = "";
    document.getElementById("restitution-liberer").checked = true;
    document.getElementById("note-interne").value = "";
    this.afficherNotes(d.notes_internes);
    this.afficherAttribution(d.attribution);
  }

  /** Who handles the dossier (issue 27); the select shows it, « M'attribuer » is offered to
   *  an agent who may be given a dossier and doesn't hold this one. */
  afficherAttribution(attribution) {
    const agent = attribution.agent;
    const dernier = attribution.historique[0];
    document.getElementById("attribution-actuelle").textContent = agent
      ? `Attribué à ${agent}${dernier ? ` (par ${dernier.par}, le ${dateHeure(dernier.le)})` : ""}.`
      : "Dossier attribué à personne.";
    const choix = document.getElementById("attribution-agent");
    choix.querySelectorAll("option[data-ancien]").forEach((option) => option.remove());
    choix.value = agent ?? "";
    // An agent no longer among the accounts: shown as chosen all the same, for this dossier.
    if (agent && choix.value !== agent) {
      choix.append(el("option", { value: agent, "data-ancien": "" }, agent));
      choix.value = agent;
    }
    document.getElementById("attribution-moi-bloc").hidden = agent === this.moi
      || !this.referentiel.agents.includes(this.moi);
  }

  async attribuer(agent) {
    const numero = this.dossier.numero;
    const corps = { agent, revision: this.dossier.attribution.revision };
    const reponse = await (await appeler("POST", `dossiers/${encodeURIComponent(numero)}/attribution`, { corps })).json();
    if (reponse.numero !== numero || this.dossier?.numero !== numero) return;
    this.dossier.attribution = reponse.attribution;
    this.afficherAttribution(reponse.attribution);
    reussir(agent ? `Dossier attribué à ${agent}.` : "Dossier libéré : il n'est plus attribué.", "attribution-message");
  }

  /** The bureau's private notes, oldest first, each with its author and time (issue 27). */
  afficherNotes(notes) {
    document.getElementById("notes-liste").replaceChildren(...(notes.length
      ? notes.map((n) => el("li", {}, el("span", { class: "gestion-note__qui" }, `${dateHeure(n.le)}, ${n.auteur} :`),
        " ", el("span", { class: "gestion-note__texte" }, n.texte)))
      : [el("li", {}, "Aucune note pour l'instant.")]));
  }

  async ajouterNote() {
    const texte = document.getElementById("note-interne").value;
    const numero = this.dossier.numero;
    const reponse = await (await appeler("POST", `dossiers/${encodeURIComponent(numero)}/notes`, { corps: { texte } })).json();
    if (reponse.numero !== numero || this.dossier?.numero !== numero) return;
    this.dossier.notes_internes = reponse.notes_internes;
    this.afficherNotes(reponse.notes_internes);
    document.getElementById("note-interne").value = "";
    reussir("Note ajoutée.", "note-interne-message");
  }

  choix() {
    const actuel = this.referentiel.statuts.find((s) => s.code === this.dossier.suivi.statut);
    // The server's transitions from the status as read (`a-revoir` included): never a choice
    // it would refuse.
    const suivants = [...actuel.suivants];
    const boutons = suivants.map((code) => el("p", {},
      el("input", { type: "radio", id: `statut-${code}`, name: "nouveau-statut", value: code }),
      " ", el("label", { for: `statut-${code}` }, this.libelle(code))));
    const zone = document.getElementById("statut-choix");
    zone.replaceChildren(...boutons);
    zone.querySelectorAll("input").forEach((radio) => radio.addEventListener("change", () => this.incomplet()));
    // Only the pieces this dossier must send, plus « autre » (explained in the note).
    const pieces = [...this.dossier.pieces, this.referentiel.piece_autre];
    document.getElementById("pieces-choix").replaceChildren(...pieces.map((p) => el("p", {},
      el("input", { type: "checkbox", id: `piece-${p.code}`, name: "pieces", value: p.code }),
      " ", el("label", { for: `piece-${p.code}` }, p.libelle))));
    document.getElementById("note").value = "";
    // A paper scanned for the current version: its reception is the likely next step.
    const papier = this.dossier.version_papier;
    document.getElementById("version-papier").value = papier ? String(papier) : "";
    if (papier === this.dossier.version && suivants.includes("confirmation-recue")) {
      document.getElementById("statut-confirmation-recue").checked = true;
    }
    this.incomplet();
  }

  /** Whether a change to `code` carries the note (the referentiel's `avec_note`). */
  avecNote(code) {
    return Boolean(this.referentiel.statuts.find((s) => s.code === code)?.avec_note);
  }

  incomplet() {
    const choisi = document.querySelector("input[name=nouveau-statut]:checked")?.value;
    document.getElementById("pieces-manquantes").hidden = choisi !== "incomplete";
    // The note: the missing pieces' precisions, or the reason of an end (required there).
    document.getElementById("note-bloc").hidden = !this.avecNote(choisi);
    document.getElementById("version-papier-bloc").hidden = choisi !== "confirmation-recue";
  }

  async enregistrer() {
    const statut = document.querySelector("input[name=nouveau-statut]:checked")?.value;
    if (!statut) throw new Error("Choisissez le nouveau statut.");
    const corps = { statut, version: this.dossier.version, revision: this.dossier.suivi.revision };
    if (statut === "confirmation-recue") {
      const texte = document.getElementById("version-papier").value.trim();
      corps.version_papier = /^[0-9]{1,4}$/.test(texte) ? Number(texte) : null;
    }
    if (statut === "incomplete") {
      corps.pieces_manquantes = [...document.querySelectorAll("#pieces-choix input:checked")].map((c) => c.value);
    }
    if (this.avecNote(statut)) corps.note = document.getElementById("note").value.trim() || null;
    const numero = this.dossier.numero;
    const reponse = await (await appeler("POST", `dossiers/${encodeURIComponent(numero)}/suivi`, { corps })).json();
    if (reponse.numero !== numero) throw new Error("La réponse du service ne porte pas sur ce dossier : rechargez la page.");
    const courriel = { envoye: " Le candidat a été prévenu par courriel.",
      echec: " Le courriel au candidat n'a pas pu partir : il sera réessayé automatiquement.",
      desactive: " (Envoi de courriels désactivé sur ce service.)" }[reponse.courriel] ?? "";
    await this.ouvrir(numero, { message: `Statut enregistré : ${reponse.suivi.statut_libelle}.${courriel}` });
  }

  /** Hand a squatted dossier back to its owner (role administration): the result, with what
   *  became of the two emails, beside the form; the dossier read again. */
  async restituer() {
    const numero = this.dossier.numero;
    const corps = {
      action: document.querySelector("#restitution-formulaire input[name=action]:checked").value,
      courriel: document.getElementById("restitution-courriel").value.trim(),
      confirmation: document.getElementById("restitution-confirmation").value.trim(),
    };
    const { restitution: r } = await (await appeler("POST", `dossiers/${encodeURIComponent(numero)}/restitution`, { corps })).json();
    const COURRIELS = { envoye: "envoyé", echec: "non parti", desactive: "courriels désactivés" };
    const fait = r.mode === "liberer" ? "identité libérée" : "adresse électronique remplacée";
    await this.ouvrir(numero);
    reussir(`Restitution faite (${fait}), journalisée. Courriel à l'ancienne adresse : `
      + `${COURRIELS[r.courriels.ancienne_adresse]} ; au propriétaire : ${COURRIELS[r.courriels.proprietaire]}.`,
    "restitution-message");
  }

  async effacer() {
    const numero = this.dossier.numero;
    const confirmation = document.getElementById("effacement-confirmation").value.trim();
    await appeler("POST", `dossiers/${encodeURIComponent(numero)}/effacement`, { corps: { confirmation } });
    this.dossier = null;
    this.section.hidden = true;
    reussir(`Dossier ${numero} effacé définitivement ; l'effacement est journalisé.`, "liste-message");
    this.surEffacement();
  }
}
