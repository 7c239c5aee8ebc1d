"""Every message a candidate may read about their dossier, in French, saying what to do.

One module so that wording is reviewed in one place; the handler's own messages (closed
registry, storage unavailable…) live beside its error handlers and read dates from the session.
"""

from __future__ import annotations

# -- generic, by kind of field ------------------------------------------------------------------
OBLIGATOIRE = "Ce champ est obligatoire : renseignez-le."
NUL = "Ce champ ne peut pas être vide : renseignez-le."
CHAMP_INCONNU = "Ce champ n'est pas attendu par le formulaire : retirez-le."
OBJET_ATTENDU = "Ce groupe de champs est mal formé : reprenez la saisie depuis le formulaire."
TEXTE_ATTENDU = "Saisissez ce champ sous forme de texte."
TEXTE_TROP_LONG = "Ce texte est trop long : {max} caractères au plus."
TEXTE_CARACTERE = (
    "Ce texte contient un caractère qui ne peut pas être enregistré ({caractere}), sans doute "
    "venu d'un copier-coller : effacez-le, ou saisissez ce texte au clavier."
)
TEXTE_ILLISIBLE = (
    "Ce texte contient des caractères illisibles (mal encodés) : effacez-le et saisissez-le à "
    "nouveau."
)
LISTE_ATTENDUE = "Saisissez une liste de valeurs."
LISTE_TROP_LONGUE = "Cette liste est trop longue : {max} éléments au plus."
BOOLEEN_ATTENDU = "Répondez par oui ou par non."
ENTIER_ATTENDU = "Saisissez une année en chiffres, par exemple 2019."
ANNEE_ATTENDUE = "Saisissez l'année en 4 chiffres, par exemple 2015."
NOMBRE_ATTENDU = "Saisissez une note en chiffres, par exemple 12,5."
DATE_ATTENDUE = "Saisissez une date valide au format AAAA-MM-JJ, par exemple 2001-03-25."
CHOIX_INCONNU = "Choisissez une valeur dans la liste proposée."

# -- état civil ---------------------------------------------------------------------------------
NOM_NAISSANCE_OBLIGATOIRE = "Indiquez votre nom de naissance, tel qu'il figure à l'état civil."
PRENOMS_OBLIGATOIRES = (
    "Indiquez au moins un prénom, dans l'ordre de l'état civil. Si vous n'avez pas de prénom à "
    "l'état civil, cochez la case « Je n'ai pas de prénom à l'état civil »."
)
SANS_PRENOM_ET_PRENOMS = (
    "Vous avez coché « Je n'ai pas de prénom à l'état civil » : retirez les prénoms saisis, ou "
    "décochez cette case."
)
PRENOM_VIRGULE = (
    "Un seul prénom par case : retirez la virgule et saisissez le prénom suivant dans une autre "
    "case (« Ajouter un prénom »)."
)
PRENOM_VIDE = "Ce prénom est vide : saisissez-le ou retirez-le de la liste."
PRENOMS_TROP_NOMBREUX = "Indiquez {max} prénoms au plus."
NOM_CARACTERES = (
    "Utilisez uniquement des lettres (accents compris), des espaces, des traits d'union et des "
    "apostrophes, comme à l'état civil."
)
SEXE_CHOIX = "Indiquez « F » (féminin) ou « M » (masculin), comme à l'état civil."
DATE_NAISSANCE_OBLIGATOIRE = "Indiquez votre date de naissance."
DATE_NAISSANCE_ATTENDUE = (
    "Saisissez une date de naissance valide au format AAAA-MM-JJ, par exemple 2001-03-25 ; si "
    "vos papiers ne portent pas le jour, ou ni le jour ni le mois : AAAA-MM ou AAAA."
)
MINEUR = (
    "Seuls les candidats majeurs au {date} peuvent s'inscrire en candidat individuel : "
    "vous devez être né(e) le {date_limite} au plus tard."
)
COMMUNE_NAISSANCE_OBLIGATOIRE = "Indiquez votre commune de naissance."
PAYS_NAISSANCE_OBLIGATOIRE = "Indiquez votre pays de naissance."
LIEU_SANS_LETTRE = (
    "Écrivez ce nom de lieu en lettres, comme sur vos papiers (par exemple Limoges, ou "
    "Washington, D.C.)."
)

# -- contact -----------------------------------------------------------------------------------
EMAIL_OBLIGATOIRE = (
    "Une adresse électronique doit impérativement être renseignée : le service vous écrit à "
    "cette adresse."
)
EMAIL_INVALIDE = "Saisissez une adresse électronique valide, par exemple prenom.nom@exemple.fr."
EMAIL_CARACTERES_CONTROLE = (
    "Cette adresse électronique contient des caractères invisibles (caractères de contrôle) : "
    "saisissez-la de nouveau au clavier, sans copier-coller."
)
EMAIL_GUILLEMETS = (
    "Les guillemets ne sont pas acceptés dans une adresse électronique : saisissez une adresse "
    "de la forme prenom.nom@exemple.fr."
)
EMAIL_ACCENTS = (
    "Les lettres accentuées et les caractères non latins ne sont pas acceptés avant le @ : nos "
    "courriels ne pourraient pas vous parvenir. Vérifiez votre adresse, ou indiquez-en une autre."
)
EMAIL_DOMAINE_LITTERAL = (
    "Une adresse IP entre crochets n'est pas acceptée après le @ : indiquez le nom de domaine "
    "de votre messagerie, par exemple exemple.fr."
)
EMAIL_DOMAINE_SANS_POINT = (
    "Après le @, le nom de domaine de votre messagerie comporte un point, par exemple "
    "exemple.fr : vérifiez votre adresse."
)
TELEPHONE_INVALIDE = (
    "Saisissez un numéro de téléphone à 10 chiffres (par exemple 05 55 12 34 56) ou au format "
    "international (+33 5 55 12 34 56)."
)
ADRESSE_OBLIGATOIRE = "Indiquez votre adresse (numéro et voie)."
CODE_POSTAL_OBLIGATOIRE = "Indiquez le code postal de votre commune de résidence, par exemple 87000."
CODE_POSTAL_INVALIDE = "Saisissez un code postal à 5 chiffres, par exemple 87000."
# Warnings, never refusals: the candidate confirms (contact.confirmation_residence).
CODE_POSTAL_AUTRE_DEPARTEMENT = (
    "Ce code postal est d'habitude celui {de} : confirmez-vous que vous résidez {en} ? "
    "Si oui, cochez la case de confirmation ; sinon, corrigez le code postal ou le département."
)
CODE_POSTAL_VOISIN = (
    "Ce code postal est d'habitude celui {de}, hors de l'académie de {academie} : "
    "confirmez-vous que vous résidez {en} ? Si oui, cochez la case de confirmation. Seuls les "
    "candidats qui résident dans l'académie ({departements}) peuvent s'inscrire ici : si vous "
    "résidez ailleurs, inscrivez-vous auprès de l'académie de votre lieu de résidence."
)
CODE_POSTAL_HORS_ACADEMIE = (
    "Ce code postal n'est d'habitude pas celui d'une commune de l'académie de {academie} : "
    "seuls les candidats qui résident dans l'académie ({departements}) peuvent s'inscrire ici. "
    "Si vous résidez bien {en}, cochez la case de confirmation ; sinon, inscrivez-vous auprès "
    "de l'académie de votre lieu de résidence."
)
COMMUNE_OBLIGATOIRE = "Indiquez votre commune de résidence."
DEPARTEMENT_OBLIGATOIRE = "Choisissez votre département de résidence."
DEPARTEMENT_HORS_ACADEMIE = (
    "Seuls les candidats qui résident dans l'académie de {academie} ({departements}) peuvent "
    "s'inscrire ici. Inscrivez-vous auprès de l'académie de votre lieu de résidence."
)

# -- établissement, session, spécialité ----------------------------------------------------------
SESSION_INCONNUE = "Cette session d'examen n'existe pas : reprenez l'inscription depuis le formulaire."
SPECIALITE_OBLIGATOIRE = "Choisissez la spécialité de CAP que vous présentez."
SPECIALITE_INCONNUE = "Cette spécialité n'est pas proposée à cette session : choisissez-en une dans la liste."
SPECIALITE_AUTRE_OBLIGATOIRE = (
    "Vous avez choisi « Ma spécialité n'est pas dans la liste » : écrivez l'intitulé exact de "
    "votre spécialité de CAP. Le bureau vérifiera qu'elle est ouverte à cette session."
)
SPECIALITE_AUTRE_INUTILE = (
    "Vous avez choisi une spécialité de la liste : effacez l'intitulé écrit à la main, ou "
    "choisissez « Ma spécialité n'est pas dans la liste »."
)
ETABLISSEMENT_CNED = (
    "Les candidats majeurs ne peuvent pas choisir le CNED ou l'enseignement à distance : "
    "votre établissement est « {attendu} », selon votre département de résidence."
)
ETABLISSEMENT_DIFFERENT = (
    "Votre établissement d'inscription dépend de votre département de résidence : choisissez "
    "« {attendu} »."
)
RATTRAPAGE_OBLIGATOIRE = (
    "Cette session de rattrapage est réservée aux candidats ayant échoué à une session de "
    "{annee_min} à {annee_max} : indiquez l'année de cette session."
)
RATTRAPAGE_ANNEE = "Indiquez une année de {annee_min} à {annee_max}."
RATTRAPAGE_SUCCESSEUR = (
    "Cette session de rattrapage est réservée aux candidats qui ont échoué à une session de "
    "{annee_min} à {annee_max} (notice). Si vous avez échoué avant {annee_min}, choisissez la "
    "spécialité « {successeur} », qui a remplacé ce CAP."
)
RATTRAPAGE_INUTILE = (
    "Ce renseignement ne concerne que la session de rattrapage du CAP Petite enfance : "
    "retirez-le."
)

# -- forme de passage, unités ------------------------------------------------------------------
FORME_CHOIX = "Choisissez « globale » (recommandée) ou « progressive »."
UNITES_PROGRESSIVE = (
    "En forme progressive, indiquez au moins une épreuve que vous passez à cette session."
)
UNITES_GLOBALE = (
    "En forme globale, vous passez toutes les épreuves : ne sélectionnez pas d'épreuves "
    "une à une, ou choisissez la forme progressive."
)
UNITE_INCONNUE = "Cette épreuve n'existe pas pour ce diplôme : choisissez-en une dans la liste."
UNITE_EN_DOUBLE = "Cette épreuve figure deux fois : retirez le doublon."

# -- EPS --------------------------------------------------------------------------------------
EPS_DISPENSE_SANS_ACTIVITE = (
    "Vous avez choisi d'être dispensé(e) d'EPS : ne choisissez aucune activité, ou retirez la "
    "dispense."
)
EPS_DEUX_ACTIVITES = (
    "Choisissez exactement 2 activités d'EPS formant l'une des combinaisons autorisées, ou "
    "choisissez « dispensé »."
)
EPS_ACTIVITE_INCONNUE = "Cette activité d'EPS n'est pas proposée : choisissez-en une dans la liste."
EPS_COMBINAISON_REFUSEE = (
    "Cette combinaison d'activités n'est pas autorisée. Combinaisons possibles : {combinaisons}."
)
EPS_DISPENSE_ET_NOTE = (
    "Vous conservez votre note d'EPS : vous ne passez pas cette épreuve, retirez la dispense "
    "d'EPS, ou retirez la note conservée."
)
EPS_ACTIVITES_ET_NOTE = (
    "Vous conservez votre note d'EPS : vous ne passez pas cette épreuve, ne choisissez pas "
    "d'activités, ou retirez la note conservée."
)
EPS_NON_PRESENTEE = (
    "En forme progressive, vous ne passez pas l'EPS à cette session : ne choisissez pas "
    "d'activités, ou ajoutez l'EPS aux épreuves que vous passez."
)
#: What the recaps print when no EPS activity is chosen (EPS not sat this session).
EPS_NON_PASSEE_LIBELLE = "Pas d'épreuve d'EPS à cette session"
EPS_DISPENSE_REFUSEE = "La dispense d'EPS n'est pas possible à cette session : choisissez 2 activités."

# -- langues, épreuves facultatives -------------------------------------------------------------
LANGUE_OBLIGATOIRE = "Cette spécialité comporte une épreuve de langue vivante : choisissez la langue."
LANGUE_SANS_EPREUVE = (
    "Cette spécialité ne comporte pas d'épreuve obligatoire de langue vivante : retirez ce "
    "choix, ou choisissez la langue vivante en épreuve facultative."
)
LANGUE_NON_PASSEE = (
    "Vous demandez une dispense ou conservez une note pour la langue vivante : ne choisissez "
    "pas de langue pour l'épreuve obligatoire, ou retirez la dispense ou la note conservée."
)
LANGUE_NON_PRESENTEE = (
    "En forme progressive, vous ne passez pas la langue vivante à cette session : ne "
    "choisissez pas de langue, ou ajoutez la langue vivante aux épreuves que vous passez."
)
LANGUE_INCONNUE = "Cette langue n'est pas proposée : choisissez-en une dans la liste."
LANGUE_AUTRE_OBLIGATOIRE = "Vous avez choisi « Autre langue » : écrivez le nom de la langue."
LANGUE_AUTRE_INUTILE = (
    "Vous avez choisi une langue de la liste : effacez la langue écrite à la main, ou "
    "choisissez « Autre langue »."
)
FACULTATIVE_FERMEE = "Cette épreuve facultative n'est pas ouverte dans votre spécialité."
FACULTATIVE_LANGUE_OBLIGATOIRE = "Choisissez la langue de l'épreuve facultative."
FACULTATIVE_SANS_LANGUE = "Cette épreuve ne se passe pas dans une langue : retirez la langue."
#: The libellé of the « autre » language choice (the form's option, the recaps' prefix).
LANGUE_AUTRE_LIBELLE = "Autre langue"

# -- dispenses, bénéfices, aménagement ---------------------------------------------------------
DISPENSE_UNITE = "On ne peut pas demander de dispense pour cette épreuve : choisissez-en une dans la liste."
DISPENSE_LANGUE_SANS_EPREUVE = (
    "Votre spécialité ne comporte pas d'épreuve obligatoire de langue vivante : retirez cette "
    "dispense."
)
DISPENSE_DIPLOME_OBLIGATOIRE = "Indiquez le diplôme qui vous donne droit à cette dispense."
DISPENSE_UNITE_OBLIGATOIRE = "Choisissez l'épreuve dont vous demandez la dispense."
DISPENSE_ANNEE_OBLIGATOIRE = "Indiquez l'année d'obtention de ce diplôme, en 4 chiffres."
BENEFICE_UNITE_OBLIGATOIRE = "Choisissez l'épreuve dont vous conservez la note."
BENEFICE_ANNEE_OBLIGATOIRE = (
    "Indiquez l'année de la session où vous avez obtenu cette note, en 4 chiffres."
)
BENEFICE_NOTE_OBLIGATOIRE = "Indiquez la note obtenue, sur 20 (par exemple 12 ou 12,5)."
DISPENSE_ANNEE = (
    "La notice parle des candidats « déjà titulaires » d'un diplôme : indiquez une année "
    "d'obtention de {annee_max} au plus tard."
)
DIPLOME_AVANT_NAISSANCE = (
    "Vous êtes né(e) en {naissance} : ce diplôme ne peut pas avoir été obtenu en {annee}. "
    "Vérifiez l'année d'obtention."
)
BENEFICE_UNITE = "Cette épreuve ne peut pas faire l'objet d'une note conservée : choisissez-en une dans la liste."
BENEFICE_ANNEE = (
    "Les notes se conservent 5 ans : indiquez une session de {annee_min} à {annee_max}."
)
NOTE_HORS_BAREME = "Une note est comprise entre 0 et 20 : vérifiez la note."
BENEFICE_NOTE = (
    "Seules les notes égales ou supérieures à {note_minimale} sur 20 peuvent être conservées : "
    "vérifiez la note ou retirez cette ligne."
)
BENEFICE_DEJA_DISPENSE = (
    "Vous demandez déjà une dispense pour cette épreuve : gardez la dispense ou la note "
    "conservée, pas les deux."
)
DISPENSE_ET_PRESENTEE = (
    "Vous passez cette épreuve à cette session : retirez cette dispense, ou retirez l'épreuve "
    "de celles que vous passez."
)
BENEFICE_ET_PRESENTEE = (
    "Vous passez cette épreuve à cette session : retirez cette note conservée, ou retirez "
    "l'épreuve de celles que vous passez."
)

AMENAGEMENT_DECISION_SANS_DEMANDE = (
    "Vous indiquez une décision d'aménagement antérieure sans demander d'aménagement : "
    "cochez la demande d'aménagement ou retirez cette indication."
)

# -- warnings: never a refusal (shared_rules.warnings); the candidate may keep the answer -------
DATE_NAISSANCE_INVRAISEMBLABLE = (
    "Cette date de naissance est antérieure à {annee} : vérifiez l'année. Si c'est bien celle de "
    "vos papiers, gardez-la : le bureau la vérifiera."
)
DATE_NAISSANCE_SANS_JOUR = (
    "Vos papiers ne portent pas le jour de votre naissance : le bureau le vérifiera sur la "
    "copie de votre pièce d'identité."
)
DATE_NAISSANCE_SANS_JOUR_NI_MOIS = (
    "Vos papiers ne portent ni le jour ni le mois de votre naissance : le bureau le vérifiera "
    "sur la copie de votre pièce d'identité."
)
MAJORITE_INCERTAINE = (
    "Selon le jour de votre naissance, que vos papiers ne portent pas, vous pourriez ne pas "
    "être majeur(e) au {date} : le bureau vérifiera votre âge."
)
SANS_PRENOM = (
    "Vous indiquez ne pas avoir de prénom à l'état civil : le bureau le vérifiera sur la copie "
    "de votre pièce d'identité."
)
NOM_INHABITUEL = (
    "Ce nom commence ou finit par un trait d'union, une apostrophe ou une espace, ou en "
    "enchaîne plusieurs : vérifiez qu'il est écrit exactement comme sur vos papiers."
)
DIPLOME_TROP_TOT = (
    "En {annee}, vous n'aviez pas encore {age} ans : vérifiez l'année d'obtention de ce "
    "diplôme. Si elle est exacte, gardez-la : le bureau la vérifiera."
)
BENEFICE_TROP_TOT = (
    "En {annee}, vous n'aviez pas encore {age} ans : vérifiez l'année de cette session. Si elle "
    "est exacte, gardez-la : le bureau la vérifiera."
)
FACULTATIVE_MEME_LANGUE = (
    "Vous avez choisi la même langue pour l'épreuve obligatoire et pour l'épreuve facultative : "
    "vérifiez ce choix. Le bureau vous écrira si ce n'est pas possible."
)
LANGUE_HORS_LISTE = (
    "La langue « {langue} » n'est pas dans la liste du formulaire : le bureau vérifiera qu'elle "
    "peut être évaluée dans l'académie, et vous écrira sinon."
)
SPECIALITE_AUTRE_DANS_LA_LISTE = (
    "« {libelle} » figure dans la liste des spécialités : si c'est la vôtre, choisissez-la "
    "plutôt que « Ma spécialité n'est pas dans la liste »."
)

# -- certification ------------------------------------------------------------------------------
ATTESTATION_EXACTITUDE = (
    "Cochez la case pour certifier que vos nom et prénoms sont saisis exactement comme à l'état "
    "civil : le diplôme sera établi selon votre saisie."
)

# -- the return deadline ------------------------------------------------------------------------
#: Notice B: « au plus tard pour le mercredi 18 novembre 2020 »: the confirmation must have
#: arrived by then (issue 24: « envoyez … au plus tard le 18 » made a letter posted on the 18th
#: late). The one sentence the site, the PDF and the emails say it with.
DELAI_RETOUR = (
    "Elle doit parvenir au {destinataire} au plus tard le {date_limite} : c'est la date de "
    "réception qui compte, postez-la plusieurs jours avant."
)

# -- the notice's inconsistency about the return deadline --------------------------------------
CONFLIT_DATE_RETOUR = (
    "Attention : la notice demande que la confirmation d'inscription parvienne au Rectorat au "
    "plus tard le {date_limite}, alors que le service de pré-inscription reste ouvert jusqu'au {cloture}. "
    "Cette version de votre dossier a été enregistrée (pré-inscription ou modification) le "
    "{date_limite_courte} ou après : envoyez votre "
    "confirmation signée et les pièces le plus rapidement possible, et contactez le {destinataire}, "
    "pour savoir si elle sera acceptée."
)
