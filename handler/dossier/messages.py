"""The follow-up's and the assignment's refusals, in French, for the staff member changing a
dossier's status or its agent (raised by dossier.suivi and dossier.attribution; the staff's other
messages are handler.staff.messages)."""

from __future__ import annotations

DOSSIER_INTROUVABLE = "Aucun dossier ne porte ce numéro : il a peut-être été effacé."
STATUT_INVALIDE = "Le changement de statut comporte des erreurs : corrigez les champs signalés."
PIECE_NON_DEMANDEE = (
    "Pièce non demandée à ce dossier : {pieces}. Cochez seulement les pièces que ce candidat "
    "doit fournir, ou « Autre pièce » en précisant laquelle dans la note."
)
TRANSITION_REFUSEE = (
    "Un dossier au statut « {depuis} » ne peut pas passer au statut « {vers} ». Statuts possibles "
    "depuis « {depuis} » : {possibles}."
)
DOSSIER_MODIFIE = (
    "Le candidat a modifié son dossier entre-temps (version {actuelle}, vous avez consulté la "
    "version {vue}) : rechargez le dossier, vérifiez-le, puis recommencez."
)
SUIVI_CONCURRENT = (
    "Le statut de ce dossier a été changé entre-temps par un autre gestionnaire : rechargez le "
    "dossier, puis recommencez si nécessaire."
)
VERSION_PAPIER_REQUISE = (
    "Indiquez la version imprimée sur la confirmation signée reçue (sous son code-barres, "
    "« …-V2 », ou en haut de la page : « version 2 »)."
)
VERSION_PAPIER_INCONNUE = (
    "Ce dossier n'a pas de version {papier} : il en est à la version {actuelle}. Vérifiez la "
    "version imprimée sur la confirmation."
)
CONFIRMATION_ANCIENNE = (
    "Papier de la version {papier}, dossier en version {actuelle} : le candidat a modifié son "
    "dossier depuis. Demandez-lui la nouvelle confirmation (version {actuelle}), signée ; la "
    "réception n'est pas enregistrée."
)
CONFIRMATION_PERIMEE = (
    "Le dossier a été modifié par le candidat après la réception de sa confirmation signée "
    "(version {confirmee}, dossier en version {actuelle}) : attendez la nouvelle confirmation "
    "et enregistrez-la (« Confirmation reçue ») avant de rendre l'inscription définitive."
)
ANNULATION_IMPOSSIBLE = (
    "Ce scan ne peut plus être annulé d'ici : le suivi du dossier a changé depuis. Ouvrez le "
    "dossier pour corriger son statut."
)
# The assignment's refusals (raised by dossier.attribution and the staff's route).
ATTRIBUTION_CONCURRENTE = (
    "L'attribution de ce dossier a été changée entre-temps par un autre gestionnaire "
    "(maintenant : {actuel}) : rechargez le dossier, puis recommencez si nécessaire."
)
ATTRIBUTION_INVALIDE = "L'attribution comporte des erreurs : corrigez les champs signalés."
AGENT_INCONNU = (
    "Ce gestionnaire n'est pas un compte de l'espace gestionnaire pouvant traiter des "
    "dossiers : choisissez un gestionnaire de la liste."
)
PERSONNE = "personne"
