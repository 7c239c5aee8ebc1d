// The form's fields built from the rules: the facts shown, every list of choices, the rows a
// candidate adds (first names, exemptions, kept grades) and the parts that appear with a
// choice (units in progressive form, the resit year, the language of an optional unit…).
// No choice the rules forbid is offered: EPS is chosen among the allowed pairs, never as two
// free activities; units are those of the chosen speciality.

import { annoncer, el, fr, montrer, ordinal } from "../../platform/dom.js";
import { marquerObligation } from "./obligation.js";
import { dateCourte, formater, listeDepartements, parCode, unitesOffertes } from "./regles.js";
import { avertissements, situationEps } from "./verification.js";

let suivant = 0;
const identifiant = (prefixe) => `${prefixe}-${(suivant += 1)}`;

/** Fill the facts, lists and widgets of the form from the rules; `surChangement` is called
 *  after each change a widget makes itself (a row added, moved or removed). */
export function preparer(racine, regles, { surChangement = () => {} } = {}) {
  remplirTextes(racine, regles);
  const formulaire = racine.querySelector("#dossier");
  if (!formulaire) return;
  const listes = (nom) => formulaire.querySelector(`[data-liste="${nom}"]`);

  const specialites = listes("specialites");
  for (const s of regles.specialites) {
    const texte = s.a_confirmer.includes("libelle") ? `${s.libelle} (intitulé ${regles.a_confirmer})` : s.libelle;
    specialites.append(el("option", { value: s.code }, texte));
  }
  listes("langues").append(...optionsLangues(regles));

  listes("departements").append(...regles.departements.map((d) => option("radio", "departement",
    d.code, `${d.nom} (${d.code})`)));
  listes("formes").append(...regles.formes_passage.map((f) => option("radio", "forme_passage", f.code,
    f.recommandee ? `${f.libelle} (recommandée)` : f.libelle, f.description)));
  const recommandee = regles.formes_passage.find((f) => f.recommandee);
  if (recommandee) formulaire.querySelector(`#forme_passage-${recommandee.code}`).checked = true;
  listes("eps").append(...optionsEps(regles));

  formulaire.addEventListener("change", (evenement) => {
    const cible = evenement.target;
    if (cible.id === "specialite") adapterASpecialite(formulaire, regles);
    if (cible.name === "departement") montrerEtablissement(formulaire, regles);
    if (cible.name === "departement" || cible.id === "code-postal") montrerAvertissementResidence(formulaire, regles);
    if (cible.name === "forme_passage") montrer(formulaire.querySelector("#bloc-unites"), cible.value === "progressive");
    if (cible.id === "amenagement-demande") montrer(formulaire.querySelector("#bloc-amenagement"), cible.checked);
    if (cible.dataset.langueDe) montrer(formulaire.querySelector(`#${cible.dataset.langueDe}`), cible.checked);
    if (cible.id === "langue-vivante" || cible.dataset.langueAutre) montrerLangueAutre(formulaire, regles);
    if (cible.id === "sans-prenom") montrerPrenoms(formulaire);
    if (cible.id === "naissance-incomplete" || cible.name === "naissance_precision") montrerDateNaissance(formulaire);
    if (cible.id === "naissance-annee") adapterAidesAnnees(formulaire, regles);
    if (cible.name === "forme_passage" || cible.name === "unites_presentees" || cible.id === "specialite"
      || cible.closest('[data-ligne="benefice"]')) adapterEps(formulaire, regles);
  });

  preparerPrenoms(formulaire, regles, surChangement);
  const dispenses = formulaire.querySelector("#liste-dispenses");
  formulaire.querySelector("#ajouter-dispense").addEventListener("click", () => {
    ajouterDispense(formulaire, regles, {}, { focus: true });
    surChangement();
  });
  formulaire.querySelector("#ajouter-benefice").addEventListener("click", () => {
    ajouterBenefice(formulaire, regles, {}, { focus: true });
    surChangement();
  });
  for (const liste of [dispenses, formulaire.querySelector("#liste-benefices")]) {
    liste.addEventListener("click", (evenement) => {
      const bouton = evenement.target.closest("[data-retirer]");
      if (!bouton) return;
      retirerLigne(formulaire, regles, bouton);
      adapterEps(formulaire, regles);
      surChangement();
    });
  }
  adapterASpecialite(formulaire, regles);
  adapterEps(formulaire, regles);
}

const TEXTES = {
  examen: (r) => `${r.examen.code} — ${r.examen.libelle}`,
  academie: (r) => r.academie.code,
  session: (r) => r.session,
  categorie: (r) => `« ${r.categorie} »`,
  majorite: (r) => formater(r.messages.MINEUR, {
    date: dateCourte(r.majorite.au), date_limite: dateCourte(r.majorite.date_naissance_max),
  }),
  "departements-aide": (r) => `Seuls les candidats qui résident dans l'académie de ${r.academie.libelle} `
    + `peuvent s'inscrire ici : ${listeDepartements(r)}.`,
  "etablissements-refuses": (r) => `Votre établissement dépend de votre département de résidence. `
    + `${r.etablissements_refuses_aux_majeurs.map((e) => `« ${e} »`).join(" et ")} sont réservés aux `
    + `candidats mineurs : ils ne vous sont pas proposés.`,
  "forme-aide": (r) => {
    const recommandee = r.formes_passage.find((f) => f.recommandee);
    return recommandee ? `Choisissez de préférence la ${recommandee.libelle.toLowerCase()}.` : "";
  },
  "langues-aide": (r) => (r.langues_vivantes.a_confirmer ? ["Liste des langues ", aConfirmer(r), "."] : ""),
  "benefices-aide": (r) => `Si vous avez obtenu, à une session de ${r.benefices.annee_min} à `
    + `${r.benefices.annee_max}, des notes égales ou supérieures à ${r.benefices.note_minimale} sur 20 `
    + "que vous voulez conserver, une ligne par épreuve, épreuves professionnelles comprises. "
    + "Vous enverrez une photocopie du relevé de notes.",
  "delai-retour": (r) => r.retour_confirmation.delai_texte,
  // What happens after an accommodation request (session data, with its source).
  "amenagement-suite": (r) => (r.amenagement.suite.length ? [
    el("p", {}, fr("Et ensuite ?")),
    el("ul", {}, r.amenagement.suite.map((phrase) => el("li", {}, fr(phrase)))),
    el("p", {}, fr(`Source : ${r.amenagement.source}`),
      ...(r.amenagement.a_confirmer ? [" (", aConfirmer(r), ")"] : []), "."),
  ] : ""),
};

/** « à confirmer », marked as everywhere on the site. */
export function aConfirmer(regles) {
  return el("em", { class: "a-confirmer" }, regles.a_confirmer);
}

/** The facts of the rules in every element marked data-regle. */
export function remplirTextes(racine, regles) {
  for (const element of racine.querySelectorAll("[data-regle]")) {
    const texte = TEXTES[element.dataset.regle];
    if (!texte) throw new Error(`data-regle inconnu : ${element.dataset.regle}`);
    const contenu = texte(regles);
    const morceaux = Array.isArray(contenu) ? contenu : [contenu];
    element.replaceChildren(...morceaux.map((m) => (typeof m === "string" ? fr(m) : m)));
    if (!element.textContent) element.hidden = true;
  }
}

function option(type, nom, valeur, libelle, aide) {
  const id = `${nom}-${valeur}`;
  const idAide = aide ? `${id}-aide` : null;
  return el("div", { class: "choix__option" },
    el("input", { type, id, name: nom, value: valeur, "aria-describedby": idAide }),
    el("label", { for: id }, fr(libelle)),
    aide ? el("p", { class: "aide", id: idAide }, fr(aide)) : null);
}

/** The languages of the list, and « Autre langue » while the list is unconfirmed
 *  (shared_rules.unconfirmed.LANGUE_AUTRE). */
function optionsLangues(regles) {
  const { liste, a_confirmer: aConfirmerListe, autre } = regles.langues_vivantes;
  return [...liste.map((l) => el("option", { value: l.code }, l.libelle)),
    ...(aConfirmerListe ? [el("option", { value: autre.code }, `${autre.libelle} (précisez)`)] : [])];
}

/** The label box of each language set to « Autre langue », shown with it. */
export function montrerLangueAutre(formulaire, regles) {
  const autre = regles.langues_vivantes.autre.code;
  montrer(formulaire.querySelector("#bloc-langue-autre"),
    formulaire.querySelector("#langue-vivante").value === autre && !formulaire.querySelector("#bloc-langue").hidden);
  for (const select of formulaire.querySelectorAll("[data-langue-autre]")) {
    montrer(formulaire.querySelector(`#${select.dataset.langueAutre}`), select.value === autre);
  }
}

/** « Je n'ai pas de prénom à l'état civil »: the first names' boxes go away while it is ticked. */
export function montrerPrenoms(formulaire) {
  const aucun = formulaire.querySelector("#sans-prenom").checked;
  montrer(formulaire.querySelector("#liste-prenoms"), !aucun);
  const ajouter = formulaire.querySelector("#ajouter-prenom");
  if (aucun) montrer(ajouter, false);
  else montrer(ajouter, !ajouter.dataset.plein);
  if (aucun) montrer(formulaire.querySelector("#prenoms-maximum"), false);
}

/** A birth date whose papers carry no day, or no day and no month: the question, and only the
 *  boxes the papers fill. */
export function montrerDateNaissance(formulaire) {
  const incomplete = formulaire.querySelector("#naissance-incomplete").checked;
  montrer(formulaire.querySelector("#bloc-naissance-precision"), incomplete);
  const precision = incomplete ? formulaire.querySelector("input[name=naissance_precision]:checked")?.value : null;
  montrer(formulaire.querySelector("#partie-naissance-jour"), !precision);
  montrer(formulaire.querySelector("#partie-naissance-mois"), precision !== "annee");
}

function optionsEps(regles) {
  // Each option is marked with the situation it belongs to (adapterEps shows only those):
  // the pairs when EPS is sat, « not this session » in progressive form without it.
  const options = [];
  if (regles.eps.dispense_autorisee) {
    options.push(option("radio", "eps", "dispense", "Dispensé(e) : je ne passe pas l'épreuve d'EPS"),
      el("p", { class: "choix__separateur", "data-eps": "choix" }, fr("ou l'une de ces combinaisons de 2 activités :")),
      el("p", { class: "choix__separateur", "data-eps": "hors-liste" }, fr("ou :")));
  }
  regles.eps.combinaisons.forEach((c, i) => {
    const paire = option("radio", "eps", `paire-${i}`, c.libelle);
    paire.dataset.eps = "choix";
    options.push(paire);
  });
  const aucune = option("radio", "eps", "aucune", "Je ne passe pas l'EPS à cette session : je la présenterai à une autre session");
  aucune.dataset.eps = "hors-liste";
  options.push(aucune);
  return options;
}

const NOTICE_DISPENSE_EPS = "Les candidats individuels peuvent, par la réglementation, choisir de ne pas "
  + "passer l'épreuve d'EPS : choisissez alors « Dispensé(e) »";

/** Whether EPS is sat at this session, from what the earlier steps say (rules._eps, through
 *  verification.situationEps): « conservee » (a kept grade replaces it), « hors-liste »
 *  (progressive form without it) or « choix ». */
function situationDuFormulaire(formulaire) {
  const forme = formulaire.querySelector("input[name=forme_passage]:checked")?.value ?? null;
  return situationEps({
    forme_passage: forme,
    unites_presentees: [...formulaire.querySelectorAll("input[name=unites_presentees]:checked")].map((c) => c.value),
    benefices: [...formulaire.querySelectorAll('#liste-benefices [data-role="unite"]')].map((s) => ({ unite: s.value })),
  });
}

/** The EPS step offers only what applies (issue 29, item 1): it comes after the form of
 *  sitting and the kept grades, and says why there is nothing, or less, to choose. A choice no
 *  longer offered is unticked (an unticked choice reads « EPS not sat ») and comes back if the
 *  situation does. */
export function adapterEps(formulaire, regles) {
  const situation = situationDuFormulaire(formulaire);
  const groupe = formulaire.querySelector("#groupe-eps");
  const titreEtape = (id) => `« ${formulaire.querySelector(id).lastChild.textContent.trim()} »`;
  const avecChoix = situation === "choix" || (situation === "hors-liste" && regles.eps.dispense_autorisee);
  montrer(groupe, avecChoix);
  for (const element of groupe.querySelectorAll("[data-eps]")) montrer(element, element.dataset.eps === situation);
  // Offered: not in an option of another situation (the step itself may be hidden).
  const offerte = (radio) => avecChoix && radio.closest("[data-eps]")?.hidden !== true;
  const cochee = groupe.querySelector("input[name=eps]:checked");
  if (cochee && !offerte(cochee)) {
    groupe.dataset.memoire = cochee.value;
    cochee.checked = false;
  } else if (!cochee && groupe.dataset.memoire) {
    const ancienne = groupe.querySelector(`input[name=eps][value="${groupe.dataset.memoire}"]`);
    if (ancienne && offerte(ancienne)) {
      ancienne.checked = true;
      delete groupe.dataset.memoire;
    }
  }

  const combinaisons = `l'une des ${regles.eps.combinaisons.length} combinaisons de 2 activités ci-dessous : `
    + "ce sont les seules autorisées.";
  const aides = {
    choix: regles.eps.dispense_autorisee ? `${NOTICE_DISPENSE_EPS}. Sinon, choisissez ${combinaisons}` : `Choisissez ${combinaisons}`,
    "hors-liste": `${NOTICE_DISPENSE_EPS} ; sinon, « Je ne passe pas l'EPS à cette session ».`,
    conservee: "",
  };
  formulaire.querySelector("#eps-aide").replaceChildren(fr(aides[situation]));
  const raisons = {
    choix: "",
    "hors-liste": "Vous passez les épreuves en forme progressive, sans l'EPS à cette session : vous "
      + `n'avez pas d'activités à choisir${avecChoix ? "" : ", ni rien d'autre"}. Pour passer l'EPS dès cette `
      + `session, ajoutez-la aux épreuves présentées, à l'étape ${titreEtape("#titre-forme")}.`,
    conservee: "Vous conservez votre note d'EPS d'une session antérieure : vous ne passez pas l'EPS à "
      + "cette session, il n'y a rien à choisir ici. Pour la repasser, retirez cette note conservée, "
      + `à l'étape ${titreEtape("#titre-dispenses")}.`,
  };
  const explication = formulaire.querySelector("#eps-situation");
  explication.replaceChildren(fr(raisons[situation]));
  montrer(explication, Boolean(raisons[situation]));
}

/** The chosen speciality, or null. */
export function specialiteChoisie(formulaire, regles) {
  return parCode(regles.specialites, formulaire.querySelector("#specialite").value);
}

/** Rebuild what depends on the speciality, keeping the answers that still apply. */
export function adapterASpecialite(formulaire, regles) {
  const specialite = specialiteChoisie(formulaire, regles);
  const rattrapage = specialite?.rattrapage ?? null;
  montrer(formulaire.querySelector("#bloc-rattrapage"), rattrapage !== null);
  const annees = formulaire.querySelector("#rattrapage-annee");
  const anneeChoisie = annees.value;
  annees.replaceChildren(annees.options[0]);
  if (rattrapage) {
    for (let annee = rattrapage.annee_max; annee >= rattrapage.annee_min; annee -= 1) {
      annees.append(el("option", { value: annee, selected: String(annee) === anneeChoisie }, String(annee)));
    }
  }

  montrer(formulaire.querySelector("#bloc-specialite-autre"), Boolean(specialite?.autre));
  const ouverture = formulaire.querySelector("#specialite-a-confirmer");
  ouverture.replaceChildren(...(specialite && specialite.a_confirmer.includes("ouverte_academie")
    ? ["Ouverture de cette spécialité dans l'académie à cette session : ", aConfirmer(regles),
      ". Le bureau vous écrit si elle n'est pas ouverte."]
    : []));
  montrer(ouverture, Boolean(ouverture.textContent));

  // shared_rules.unconfirmed: an unconfirmed compulsory language is offered, never refused.
  const exigee = specialite ? specialite.pour_juger.langue_vivante_obligatoire : false;
  const blocLangue = formulaire.querySelector("#bloc-langue");
  montrer(blocLangue, exigee !== false);
  // Required where the unit is confirmed (rules._langues); else left empty when there is none.
  if (exigee === true) blocLangue.dataset.statut = "obligatoire";
  else delete blocLangue.dataset.statut;
  // Issue 29, item 7: while unconfirmed, the label says the unit may not exist, and the choice
  // is « (facultatif) » (obligation.js), so that « obligatoire » is never read as « required ».
  formulaire.querySelector("label[for=langue-vivante]").firstChild.textContent = exigee === true
    ? "Langue vivante de l'épreuve obligatoire"
    : "Langue vivante de l'épreuve obligatoire, si votre spécialité en comporte une";
  const sansEpreuve = formulaire.querySelector("#langue-sans-epreuve");
  let explication = [];
  if (specialite && exigee === null) {
    explication = ["Épreuve obligatoire de langue vivante dans votre spécialité : ", aConfirmer(regles),
      ". Ce choix est donc facultatif : si votre spécialité en comporte une, choisissez la langue "
      + "ci-dessous ; sinon, ou si vous ne le savez pas, laissez-le vide. Vous pourrez le compléter en "
      + "modifiant votre dossier tant que le registre est ouvert."];
  } else if (specialite && exigee === false) {
    explication = ["Votre spécialité ne comporte pas d'épreuve obligatoire de langue vivante."];
  }
  sansEpreuve.replaceChildren(...explication);
  montrer(sansEpreuve, Boolean(sansEpreuve.textContent));

  // Its professional units: a list « à confirmer » when no source gives them (the session data).
  const professionnelles = formulaire.querySelector("#unites-professionnelles-a-confirmer");
  professionnelles.replaceChildren(...(specialite && specialite.a_confirmer.includes("unites_professionnelles")
    ? ["Liste des épreuves professionnelles de votre spécialité (", specialite.unites_professionnelles
      .map((u) => u.code.toUpperCase()).join(", "), ") ", aConfirmer(regles),
    " : choisissez celle de votre relevé de notes ; le bureau la vérifie sur la copie que vous enverrez."]
    : []));
  montrer(professionnelles, Boolean(professionnelles.textContent));
  const unites = specialite ? unitesOffertes(regles, specialite, regles.unites.map((u) => u.code)) : [];
  remplacerCases(formulaire.querySelector('[data-liste="unites"]'), "unites_presentees",
    unites.map((u) => [u.code, u.libelle]));
  remplacerFacultatives(formulaire, regles, specialite);
  for (const select of formulaire.querySelectorAll("[data-unites]")) remplirUnites(select, regles, specialite);
  montrerLangueAutre(formulaire, regles);
  marquerObligation(formulaire, regles);
}

function remplacerCases(conteneur, nom, choix) {
  const cochees = new Set([...conteneur.querySelectorAll("input:checked")].map((c) => c.value));
  conteneur.replaceChildren(...choix.map(([valeur, libelle]) => {
    const bloc = option("checkbox", nom, valeur, libelle);
    bloc.querySelector("input").checked = cochees.has(valeur);
    return bloc;
  }));
}

function remplacerFacultatives(formulaire, regles, specialite) {
  const conteneur = formulaire.querySelector('[data-liste="facultatives"]');
  const avant = new Map([...conteneur.querySelectorAll("input:checked")].map((c) => [c.value, {
    langue: formulaire.querySelector(`#facultative-${c.value}-langue`)?.value ?? "",
    libelle: formulaire.querySelector(`#facultative-${c.value}-langue-autre`)?.value ?? "" }]));
  const ouvertes = regles.unites_facultatives.filter((u) => specialite?.pour_juger.unites_facultatives.includes(u.code));
  conteneur.replaceChildren(...ouvertes.map((unite) => {
    const bloc = option("checkbox", "epreuves_facultatives", unite.code, unite.libelle);
    const caseACocher = bloc.querySelector("input");
    caseACocher.checked = avant.has(unite.code);
    bloc.dataset.facultative = unite.code;
    if (unite.avec_langue) {
      const idBloc = `bloc-facultative-${unite.code}`;
      caseACocher.dataset.langueDe = idBloc;
      const idAutre = `bloc-facultative-${unite.code}-langue-autre`;
      const select = el("select", { class: "controle", id: `facultative-${unite.code}-langue`, "data-langue-autre": idAutre },
        el("option", { value: "" }, "Choisissez la langue"), optionsLangues(regles));
      select.value = avant.get(unite.code)?.langue ?? "";
      const libelle = el("input", { class: "controle", type: "text", id: `facultative-${unite.code}-langue-autre`, autocomplete: "off" });
      libelle.value = avant.get(unite.code)?.libelle ?? "";
      bloc.append(el("div", { class: "champ groupe--conditionnel", id: idBloc, hidden: !caseACocher.checked,
        "data-langue": unite.code, "data-libelle": `${unite.libelle} : langue`, "data-champ": "epreuves_facultatives.*.langue" },
      el("label", { for: select.id }, "Langue de cette épreuve",
        ...(regles.langues_vivantes.a_confirmer ? [" (liste des langues ", aConfirmer(regles), ")"] : [])), select),
      el("div", { class: "champ groupe--conditionnel", id: idAutre, hidden: select.value !== regles.langues_vivantes.autre.code,
        "data-langue-autre-de": unite.code, "data-libelle": `${unite.libelle} : nom de la langue`,
        "data-champ": "epreuves_facultatives.*.langue_autre" },
      el("label", { for: libelle.id }, "Nom de cette langue"), libelle));
    }
    return bloc;
  }));
  if (!ouvertes.length && specialite) {
    conteneur.append(el("p", {}, "Votre spécialité ne propose pas d'épreuve facultative."));
  }
  if (specialite?.a_confirmer.includes("unites_facultatives") && ouvertes.length) {
    conteneur.append(el("p", { class: "aide" }, "Liste des épreuves facultatives de votre spécialité ",
      aConfirmer(regles), "."));
  }
}

/** The postcode warning (shared_rules.warnings), with its confirmation box: never a refusal. */
export function montrerAvertissementResidence(formulaire, regles) {
  const contact = {
    code_postal: formulaire.querySelector("#code-postal").value,
    departement: formulaire.querySelector("input[name=departement]:checked")?.value ?? "",
  };
  const message = avertissements({ session: regles.code, contact }, regles)["contact.code_postal"]?.[0] ?? "";
  formulaire.querySelector("#avertissement-code-postal").textContent = fr(message);
  montrer(formulaire.querySelector("#bloc-residence"), Boolean(message));
  if (!message) formulaire.querySelector("#confirmation-residence").checked = false;
}

/** Show the establishment that follows from the département of residence. */
export function montrerEtablissement(formulaire, regles) {
  const choisi = formulaire.querySelector("input[name=departement]:checked");
  const departement = choisi ? parCode(regles.departements, choisi.value) : null;
  const texte = formulaire.querySelector("#etablissement-choisi");
  texte.replaceChildren(departement
    ? el("span", {}, "Votre établissement d'inscription sera ",
      el("strong", {}, fr(`« ${departement.etablissement.libelle} »`)), ".")
    : fr("Choisissez d'abord votre département de résidence : votre établissement en dépend."));
}

// -- first names: add, remove, reorder ---------------------------------------------------------

function preparerPrenoms(formulaire, regles, surChangement) {
  const liste = formulaire.querySelector("#liste-prenoms");
  formulaire.querySelector("#ajouter-prenom").addEventListener("click", () => {
    const champ = ajouterPrenom(formulaire, regles, "");
    champ.focus();
    annoncer(`Case du ${ordinal(liste.children.length)} prénom ajoutée.`);
    surChangement();
  });
  liste.addEventListener("click", (evenement) => {
    const bouton = evenement.target.closest("button[data-action]");
    if (!bouton) return;
    const ligne = bouton.closest("li");
    const action = bouton.dataset.action;
    if (action === "retirer") {
      const suivante = ligne.nextElementSibling ?? ligne.previousElementSibling;
      ligne.remove();
      renumeroterPrenoms(formulaire, regles);
      (suivante?.querySelector("input") ?? formulaire.querySelector("#ajouter-prenom")).focus();
      annoncer("Prénom retiré.");
    } else {
      const voisine = action === "monter" ? ligne.previousElementSibling : ligne.nextElementSibling;
      if (!voisine) return;
      if (action === "monter") voisine.before(ligne);
      else voisine.after(ligne);
      renumeroterPrenoms(formulaire, regles);
      const rang = [...liste.children].indexOf(ligne) + 1;
      const actif = ligne.querySelector(`button[data-action="${action}"]:not([hidden])`)
        ?? ligne.querySelector("input");
      actif.focus();
      const valeur = ligne.querySelector("input").value.trim() || "Ce prénom";
      annoncer(`${valeur} est maintenant le ${ordinal(rang)} prénom.`);
    }
    surChangement();
  });
}

/** A new first-name row at the end of the list; returns its input. */
export function ajouterPrenom(formulaire, regles, valeur) {
  const liste = formulaire.querySelector("#liste-prenoms");
  const id = identifiant("prenom");
  const ligne = el("li", { class: "prenom champ" },
    el("label", { for: id }),
    el("div", { class: "prenom__ligne" },
      el("input", { class: "controle", type: "text", id, spellcheck: "false" }),
      el("div", { class: "prenom__actions" },
        el("button", { type: "button", class: "bouton bouton--petit", "data-action": "monter" }, "Monter"),
        el("button", { type: "button", class: "bouton bouton--petit", "data-action": "descendre" }, "Descendre"),
        el("button", { type: "button", class: "bouton bouton--petit bouton--retirer", "data-action": "retirer" }, "Retirer"))));
  ligne.querySelector("input").value = valeur;
  liste.append(ligne);
  renumeroterPrenoms(formulaire, regles);
  return ligne.querySelector("input");
}

function renumeroterPrenoms(formulaire, regles) {
  const lignes = [...formulaire.querySelectorAll("#liste-prenoms > li")];
  lignes.forEach((ligne, i) => {
    const rang = ordinal(i + 1);
    ligne.querySelector("label").textContent = `${rang} prénom`;
    const input = ligne.querySelector("input");
    input.setAttribute("autocomplete", i === 0 ? "given-name" : "additional-name");
    const boutons = Object.fromEntries([...ligne.querySelectorAll("button")].map((b) => [b.dataset.action, b]));
    boutons.monter.setAttribute("aria-label", `Monter le ${rang} prénom`);
    boutons.descendre.setAttribute("aria-label", `Descendre le ${rang} prénom`);
    boutons.retirer.setAttribute("aria-label", `Retirer le ${rang} prénom`);
    montrer(boutons.monter, i > 0);
    montrer(boutons.descendre, i < lignes.length - 1);
    montrer(boutons.retirer, lignes.length > 1);
  });
  const maximum = regles.limites.prenoms;
  const plein = lignes.length >= maximum;
  const ajouter = formulaire.querySelector("#ajouter-prenom");
  if (plein) ajouter.dataset.plein = "oui";
  else delete ajouter.dataset.plein;
  const note = formulaire.querySelector("#prenoms-maximum");
  note.textContent = plein ? fr(`Vous avez saisi ${maximum} prénoms : c'est le nombre maximal.`) : "";
  montrer(note, plein);
  montrerPrenoms(formulaire);
  marquerObligation(formulaire, regles);
}

// -- exemptions and kept grades: rows of a few fields ------------------------------------------

/** The units an exemption or a kept grade may name in this speciality: the general ones of
 *  the rules' list, and its professional ones (each on its own line: EP1, EP2…). */
function remplirUnites(select, regles, specialite) {
  const choisie = select.value;
  const { unites: codes, unites_professionnelles: professionnelles } = regles[select.dataset.unites];
  const offertes = specialite ? unitesOffertes(regles, specialite, codes, { professionnelles })
    : regles.unites.filter((u) => codes.includes(u.code));
  select.replaceChildren(el("option", { value: "" }, "Choisissez l'épreuve"),
    ...offertes.map((u) => el("option", { value: u.code }, u.libelle)));
  select.value = offertes.some((u) => u.code === choisie) ? choisie : "";
}

/** One field of a row; `liste` names the row's list in the rules (`dispenses`). */
function champLigne(liste, id, libelle, controle, aide) {
  const idAide = aide ? `${id}-aide` : null;
  if (idAide) controle.setAttribute("aria-describedby", idAide);
  return el("div", { class: "champ", "data-role": controle.dataset.role, "data-champ": `${liste}.*.${controle.dataset.role}` },
    el("label", { for: id }, libelle), aide ? el("p", { class: "aide", id: idAide }, fr(aide)) : null, controle);
}

/** The diploma year's hint, with the same bounds as the rules for this person (issue 29,
 *  item 8): from the birth year typed at step 2 (rules: no diploma before one's birth) to the
 *  year before the exam (« déjà titulaires »). */
function aideAnneeDiplome(formulaire, regles) {
  const naissance = formulaire.querySelector("#naissance-annee").value.trim();
  const max = regles.dispenses.annee_max;
  return /^\d{4}$/.test(naissance) && Number(naissance) <= max
    ? `En 4 chiffres, de ${naissance} à ${max}.`
    : `En 4 chiffres, par exemple 2015 ; ${max} au plus tard.`;
}

/** Every exemption row's year hint, after the birth year changed. */
function adapterAidesAnnees(formulaire, regles) {
  const aide = aideAnneeDiplome(formulaire, regles);
  for (const controle of formulaire.querySelectorAll('[data-ligne="dispense"] [data-role="annee"] .aide')) {
    controle.replaceChildren(fr(aide));
  }
}

/** A new exemption row. */
export function ajouterDispense(formulaire, regles, valeurs, { focus = false } = {}) {
  const id = identifiant("dispense");
  const unite = el("select", { class: "controle", id: `${id}-unite`, "data-unites": "dispenses", "data-role": "unite" });
  remplirUnites(unite, regles, specialiteChoisie(formulaire, regles));
  unite.value = valeurs.unite ?? "";
  const diplome = el("input", { class: "controle", type: "text", id: `${id}-diplome`, "data-role": "diplome" });
  diplome.value = valeurs.diplome ?? "";
  const annee = el("input", { class: "controle largeur-4", type: "text", inputmode: "numeric", id: `${id}-annee`,
    maxlength: 4, "data-role": "annee" });
  annee.value = valeurs.annee ?? "";
  const ligne = el("fieldset", { class: "ligne", "data-ligne": "dispense" }, el("legend"),
    champLigne("dispenses", unite.id, "Épreuve dont vous êtes dispensé(e)", unite),
    champLigne("dispenses", diplome.id, "Diplôme qui vous en dispense", diplome, "Par exemple : Baccalauréat professionnel Commerce."),
    champLigne("dispenses", annee.id, "Année d'obtention de ce diplôme", annee, aideAnneeDiplome(formulaire, regles)),
    el("button", { type: "button", class: "bouton bouton--secondaire bouton--retirer", "data-retirer": "" }));
  formulaire.querySelector("#liste-dispenses").append(ligne);
  renumeroterLignes(formulaire, regles);
  if (focus) unite.focus();
  return ligne;
}

/** A new kept-grade row. */
export function ajouterBenefice(formulaire, regles, valeurs, { focus = false } = {}) {
  const id = identifiant("benefice");
  const unite = el("select", { class: "controle", id: `${id}-unite`, "data-unites": "benefices", "data-role": "unite" });
  remplirUnites(unite, regles, specialiteChoisie(formulaire, regles));
  unite.value = valeurs.unite ?? "";
  const annee = el("select", { class: "controle", id: `${id}-annee`, "data-role": "annee" },
    el("option", { value: "" }, "Choisissez l'année"));
  for (let a = regles.benefices.annee_max; a >= regles.benefices.annee_min; a -= 1) {
    annee.append(el("option", { value: a }, String(a)));
  }
  annee.value = valeurs.annee === undefined ? "" : String(valeurs.annee);
  const note = el("input", { class: "controle largeur-5", type: "text", inputmode: "decimal", id: `${id}-note`,
    "data-role": "note" });
  note.value = valeurs.note === undefined ? "" : String(valeurs.note).replace(".", ",");
  const ligne = el("fieldset", { class: "ligne", "data-ligne": "benefice" }, el("legend"),
    champLigne("benefices", unite.id, "Épreuve", unite),
    champLigne("benefices", annee.id, "Session où vous avez obtenu cette note", annee),
    champLigne("benefices", note.id, "Note sur 20", note, "Par exemple 12,5."),
    el("button", { type: "button", class: "bouton bouton--secondaire bouton--retirer", "data-retirer": "" }));
  formulaire.querySelector("#liste-benefices").append(ligne);
  renumeroterLignes(formulaire, regles);
  if (focus) unite.focus();
  return ligne;
}

function retirerLigne(formulaire, regles, bouton) {
  const ligne = bouton.closest(".ligne");
  const type = ligne.dataset.ligne;
  const apres = ligne.nextElementSibling?.querySelector("select, input")
    ?? formulaire.querySelector(`#ajouter-${type}`);
  const titre = ligne.querySelector("legend").textContent;
  ligne.remove();
  renumeroterLignes(formulaire, regles);
  apres.focus();
  annoncer(`${titre} retirée.`);
}

const TITRES = { dispense: "Dispense", benefice: "Note conservée" };

function renumeroterLignes(formulaire, regles) {
  for (const type of Object.keys(TITRES)) {
    const lignes = [...formulaire.querySelectorAll(`[data-ligne="${type}"]`)];
    lignes.forEach((ligne, i) => {
      const titre = `${TITRES[type]} ${i + 1}`;
      ligne.querySelector("legend").textContent = titre;
      ligne.querySelector("[data-retirer]").textContent = `Retirer la ${titre.toLowerCase()}`;
    });
    const maximum = formulaire.querySelector(`#ajouter-${type}`);
    montrer(maximum, lignes.length < regles.limites.liste);
  }
  marquerObligation(formulaire, regles);
}
