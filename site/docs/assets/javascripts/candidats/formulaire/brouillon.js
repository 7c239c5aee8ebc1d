// The draft: what a candidate has typed survives a reload or a lost connection, on this device
// only (localStorage), and is erased once the dossier is recorded or when the candidate asks.
// The last confirmation stays for the tab's life (sessionStorage), so that a reload of the
// confirmation page still shows the registration number.

const FORMAT = 1;

function stockage(type) {
  try {
    const zone = window[type];
    zone.setItem("__essai__", "1");
    zone.removeItem("__essai__");
    return zone;
  } catch {
    return null; // private browsing or storage refused: the form works without a draft
  }
}

function lire(zone, cle) {
  try {
    const valeur = JSON.parse(zone?.getItem(cle) ?? "null");
    return valeur?.format === FORMAT ? valeur : null;
  } catch {
    return null;
  }
}

function ecrire(zone, cle, valeur) {
  try {
    zone?.setItem(cle, JSON.stringify({ ...valeur, format: FORMAT }));
  } catch {
    // a full storage loses the draft, never the form
  }
}

/** The draft and the last confirmation of one session. */
export class Brouillon {
  constructor(session) {
    this.cle = `preinscription-cap:${session}:brouillon`;
    this.cleConfirmation = `preinscription-cap:${session}:confirmation`;
    this.local = stockage("localStorage");
    this.onglet = stockage("sessionStorage");
  }

  /** { dossier, emailConfirmation, etape, envoi: { cle, corps } } or null. */
  lire() {
    return lire(this.local, this.cle);
  }

  enregistrer(contenu) {
    ecrire(this.local, this.cle, { ...this.lire(), ...contenu, enregistre_le: new Date().toISOString() });
  }

  effacer() {
    this.local?.removeItem(this.cle);
  }

  confirmation() {
    return lire(this.onglet, this.cleConfirmation);
  }

  garderConfirmation(reponse) {
    ecrire(this.onglet, this.cleConfirmation, reponse);
  }

  oublierConfirmation() {
    this.onglet?.removeItem(this.cleConfirmation);
  }
}
