"""The handler's own messages to candidates, in French (the dossier's are in shared_rules)."""

from __future__ import annotations

ACCES_DIRECT_REFUSE = (
    "Ce service ne répond qu'à travers son site : ouvrez le formulaire de pré-inscription à son "
    "adresse habituelle."
)
DOSSIER_INVALIDE = "Votre dossier comporte des erreurs : corrigez les champs signalés."
DEJA_INSCRIT = (
    "Un dossier existe déjà à vos nom, prénom et date de naissance pour cette session : la "
    "réglementation n'autorise qu'une inscription par session. Pour changer de spécialité ou "
    "corriger votre dossier, modifiez-le avec votre numéro d'inscription. Si vous ne l'avez "
    "plus, ou si vous pensez qu'il s'agit d'une autre personne, contactez le {destinataire}."
)
INSCRIPTIONS_PAS_ENCORE_OUVERTES = (
    "Le service de pré-inscription n'est pas encore ouvert : il le sera du {ouverture} au "
    "{cloture}."
)
INSCRIPTIONS_CLOSES = (
    "Le service de pré-inscription est fermé depuis le {cloture} : les dossiers ne peuvent plus "
    "être déposés ni modifiés. Pour toute question, contactez le {destinataire}."
)
DOSSIER_INTROUVABLE = (
    "Aucun dossier ne correspond à ce numéro d'inscription et à cette date de naissance : "
    "vérifiez-les (le numéro figure sur votre confirmation d'inscription)."
)
NOUVELLE_CONFIRMATION = (
    "Le Rectorat avait déjà reçu votre confirmation signée : puisque vous avez modifié votre "
    "dossier, imprimez la nouvelle confirmation, vérifiez-la, datez-la, signez-la et envoyez-la "
    "au {destinataire}. Elle remplace la précédente."
)
DATE_NAISSANCE_ENTETE = (
    "Indiquez votre date de naissance (AAAA-MM-JJ) pour consulter ou modifier votre dossier."
)
MODIFICATION_CONCURRENTE = (
    "Votre dossier a été modifié entre-temps, peut-être depuis un autre appareil : rechargez-le, "
    "vérifiez-le, puis enregistrez à nouveau vos modifications."
)
VERSION_ATTENDUE = (
    "Votre dossier a changé depuis que vous l'avez ouvert (version {actuelle}) : rechargez-le, "
    "vérifiez-le, puis enregistrez à nouveau vos modifications."
)
CLE_IDEMPOTENCE_REUTILISEE = (
    "Cette demande porte le même identifiant qu'un envoi précédent mais un contenu différent : "
    "rechargez la page et envoyez à nouveau votre dossier."
)
CLE_IDEMPOTENCE_INVALIDE = "L'en-tête Idempotency-Key doit compter de 8 à 128 caractères simples."
SESSION_AUTRE = "Ce service enregistre les candidatures de la session {session} uniquement."
CORPS_TROP_GROS = "La demande est trop volumineuse (1 Mo au plus) : vérifiez votre saisie."
JSON_ATTENDU = "La demande doit être envoyée au format JSON (Content-Type: application/json)."
JSON_INVALIDE = "La demande n'est pas un JSON valide : rechargez la page et recommencez."
STOCKAGE_INDISPONIBLE = (
    "Le service est momentanément indisponible et votre demande n'a pas été enregistrée : "
    "réessayez dans quelques instants."
)
ERREUR_INTERNE = (
    "Une erreur inattendue s'est produite et votre demande n'a pas été enregistrée : réessayez "
    "dans quelques instants."
)
RESSOURCE_INTROUVABLE = "Cette adresse n'existe pas."
METHODE_NON_AUTORISEE = "Cette opération n'est pas possible à cette adresse."
RAPPEL_DEMANDE = (
    "Si un dossier correspond à ces nom, prénom et date de naissance, son numéro d'inscription "
    "vient d'être envoyé à l'adresse électronique indiquée dans ce dossier. Consultez votre "
    "messagerie, y compris les courriers indésirables. Si rien n'arrive dans l'heure, vérifiez "
    "votre saisie et recommencez, ou contactez le {destinataire}."
)
RAPPEL_PRENOM_OBLIGATOIRE = (
    "Indiquez votre premier prénom, tel qu'il figure à l'état civil."
)
TROP_DE_DEMANDES = (
    "Trop de demandes depuis votre connexion. Patientez quelques minutes, puis réessayez."
)
COURRIEL_INDISPONIBLE = (
    "L'envoi de courriels n'est pas disponible sur ce service : pour retrouver votre numéro "
    "d'inscription, contactez le {destinataire}."
)
DEMANDE_INVALIDE = "Votre demande comporte des erreurs : corrigez les champs signalés."
TROP_DE_TENTATIVES = (
    "Trop d'essais infructueux pour ce numéro d'inscription : par sécurité, réessayez dans "
    "{minutes} minute(s). Vérifiez votre numéro (il figure sur votre confirmation) et votre date "
    "de naissance. Si vous avez perdu votre numéro, demandez qu'il vous soit renvoyé."
)
ENVOI_REFUSE = (
    "Votre envoi n'a pas pu être accepté. Si vous remplissez le formulaire vous-même, rechargez "
    "la page, vérifiez vos réponses puis envoyez-les de nouveau."
)
TROP_DE_DOUBLONS_CLIENT = (
    "Trop de dossiers envoyés depuis votre connexion, dont des inscriptions refusées parce qu'un "
    "dossier existait déjà aux mêmes nom, prénom et date de naissance : réessayez dans {duree}. "
    "Si un dossier a été déposé à votre nom sans vous, contactez le {destinataire}."
)
TROP_DE_DOUBLONS_IDENTITE = (
    "Trop de tentatives d'inscription aujourd'hui à ces nom, prénom et date de naissance : par "
    "sécurité, elles sont suspendues pendant {duree}. Si ce dossier est le vôtre, "
    "modifiez-le avec votre numéro d'inscription (« J'ai perdu mon numéro » vous le renvoie) ; "
    "sinon, contactez le {destinataire}."
)
