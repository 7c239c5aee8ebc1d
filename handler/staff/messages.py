"""The staff's messages, in French: what went wrong and what to do."""

from __future__ import annotations

# The follow-up's and the assignment's refusals, raised by dossier.suivi and dossier.attribution.
from handler.dossier.messages import (
    AGENT_INCONNU as AGENT_INCONNU,
)
from handler.dossier.messages import (
    ATTRIBUTION_INVALIDE as ATTRIBUTION_INVALIDE,
)
from handler.dossier.messages import (
    CONFIRMATION_PERIMEE as CONFIRMATION_PERIMEE,
)
from handler.dossier.messages import (
    DOSSIER_INTROUVABLE as DOSSIER_INTROUVABLE,
)
from handler.dossier.messages import (
    DOSSIER_MODIFIE as DOSSIER_MODIFIE,
)
from handler.dossier.messages import (
    PIECE_NON_DEMANDEE as PIECE_NON_DEMANDEE,
)
from handler.dossier.messages import (
    STATUT_INVALIDE as STATUT_INVALIDE,
)
from handler.dossier.messages import (
    SUIVI_CONCURRENT as SUIVI_CONCURRENT,
)
from handler.dossier.messages import (
    TRANSITION_REFUSEE as TRANSITION_REFUSEE,
)
from handler.platform.messages import nombre as nombre  # counts, as French writes them

AUTHENTIFICATION_REQUISE = (
    "Accès réservé aux gestionnaires : connectez-vous (« Se connecter » sur la page de l'espace "
    "gestionnaire) ; un script présente son jeton (en-tête Authorization: Bearer …)."
)
TROP_DE_TENTATIVES = (
    "Trop de tentatives refusées depuis votre connexion : réessayez dans {attente}."
)
VERSION_INTROUVABLE = "Ce dossier n'a pas de version portant ce numéro."
FILTRE_INVALIDE = "Les critères de recherche comportent des erreurs : corrigez-les."
DATES_INVERSEES = (
    "La date « du » est postérieure à la date « au » : aucune date ne peut être dans cet "
    "intervalle. Inversez-les ou corrigez l'une d'elles."
)
PIECE_AUTRE_NOTE = "Vous avez coché « Autre pièce » : précisez dans la note la pièce qui manque."
NOTES_PLEINES = (
    "Ce dossier a déjà {maximum} notes internes, le nombre maximal : aucune autre ne peut être "
    "ajoutée. Signalez-le à l'administrateur du service."
)
NOTE_INVALIDE = "La note n'est pas valide : corrigez-la."
NOTES_CONCURRENTES = "D'autres notes sont ajoutées en ce moment : réessayez dans un instant."
MOTIF_OBLIGATOIRE = (
    "Indiquez le motif dans la note : le candidat le lira dans le courriel et sur « mon dossier »."
)
EFFACEMENT_CONCURRENT = (
    "Le dossier est modifié sans cesse en ce moment et n'a pas pu être marqué pour l'effacement : "
    "réessayez dans un instant."
)
EFFACEMENT_CONFIRMATION = (
    "Le numéro recopié n'est pas celui de ce dossier : pour l'effacer, recopiez son numéro "
    "d'inscription."
)
EFFACEMENT_CONSEQUENCES = (
    "l'effacement supprime définitivement toutes ses versions, son suivi, ses courriels et ses "
    "liens d'accès ; les exports qui le contiennent sont annulés ; le journal n'en garde que "
    "l'empreinte du numéro, l'auteur et la date. Rien ne pourra être récupéré."
)
RESTITUTION_INVALIDE = (
    "La restitution comporte des erreurs : corrigez les champs signalés (numéro recopié, "
    "action, adresse électronique de la personne dont l'identité a été vérifiée)."
)
RESTITUTION_CONFIRMATION = (
    "Le numéro recopié n'est pas celui de ce dossier : pour le restituer, recopiez son numéro "
    "d'inscription."
)
IDENTITE_NON_DETENUE = (
    "Ce dossier ne détient plus l'identité qu'il porte (elle a déjà été libérée, ou un autre "
    "dossier la détient) : il n'y a rien à libérer. Effacez-le s'il a été déposé par un tiers."
)
RESTITUTION_CONCURRENTE = (
    "Le dossier a été modifié pendant la restitution : rechargez-le, vérifiez-le, puis "
    "recommencez."
)
EXPORT_INVALIDE = "La demande d'export comporte des erreurs : corrigez les champs signalés."
EXPORT_INTROUVABLE = "Cet export n'existe pas ou a expiré : relancez-le."
EXPORT_TROP_GRAND = (
    "Cet export {format} compterait {nombre} dossiers, au-delà des {maximum} qu'un export peut "
    "produire (chaque dossier y a sa confirmation PDF) : filtrez la liste, par exemple par "
    "spécialité ou par département, puis relancez-le."
)
EXPORT_FILTRES_ET_NUMEROS = (
    "Donnez soit les filtres de la liste, soit les numéros des dossiers choisis, pas les deux."
)
EXPORT_NUMEROS_TROP = "Choisissez au plus {maximum} dossiers pour un export."
EXPORT_NUMERO_MALFORME = (
    "« {numero} » n'est pas un numéro d'inscription valide (9 caractères, par exemple "
    "7K3M-Q9PA-R) : corrigez-le ou retirez-le de la sélection."
)
COLONNE_INCONNUE = "Colonne inconnue : « {cle} »."
COLONNES_AUCUNE = "Choisissez au moins une colonne."
#: The name each background format is given in messages.
FORMAT_LIBELLES = {"zip": "ZIP", "pdf": "PDF des confirmations"}
PREFERENCES_INVALIDES = (
    "Le choix des colonnes comporte des erreurs : corrigez les champs signalés."
)
PREFERENCES_CONCURRENTES = (
    "Vos préférences sont enregistrées en ce moment depuis une autre fenêtre : réessayez dans "
    "un instant."
)
EXPORTS_INDISPONIBLES = (
    "Les exports en arrière-plan ne sont pas disponibles sur ce service : filtrez la liste pour "
    "qu'elle tienne dans un export immédiat, ou utilisez l'outil en ligne de commande."
)
ROLE_INSUFFISANT = (
    "Votre rôle ne permet pas cette action : elle demande le rôle « {role} ». Demandez-le à "
    "l'administrateur du service si votre travail l'exige."
)
ORIGINE_REFUSEE = (
    "Demande refusée : elle ne vient pas de l'espace gestionnaire du service. Rechargez la page "
    "de l'espace gestionnaire, puis recommencez."
)

# The reception desk (handler.staff.guichet).
GUICHET_INVALIDE = "Le scan n'a pas pu être lu : recommencez."
REFERENCE_ILLISIBLE = (
    "Ce n'est pas le code-barres d'une confirmation : scannez celui qui est en bas de la "
    "confirmation signée, ou tapez le numéro et la version imprimés dessous (par exemple "
    "7K3M-Q9PA-R-V2)."
)
REFERENCE_SANS_VERSION = (
    "Ce numéro n'indique pas la version de la confirmation : scannez son code-barres, ou "
    "ajoutez la version imprimée dessous (par exemple 7K3M-Q9PA-R-V2)."
)
PAPIER_INCONNU = (
    "Aucun dossier ne porte ce numéro : vérifiez le papier (est-ce bien une confirmation de "
    "cette session ?) et tapez le numéro imprimé sous le code-barres."
)
RECUE_LE = "le {le} par {auteur}"
DEJA_RECUE = (
    "Déjà reçue : la confirmation de la version {version} a été enregistrée {recue} (statut "
    "« {statut} »). Rien n'a été changé ; mettez ce papier de côté s'il s'agit d'un doublon."
)
RECEPTION_ENREGISTREE = "Confirmation signée reçue, enregistrée (version {version})."
SCAN_ANNULE = "Scan annulé : le dossier est revenu au statut « {statut} »."
ANNULATION_INVALIDE = "L'annulation n'a pas pu être lue : recommencez depuis le guichet."
PIECES_OU_NOTE = "Cochez les pièces manquantes ou expliquez ce qui manque dans la note."

# Bulk actions on the list (handler.staff.lot).
LOT_INVALIDE = "L'action sur la sélection comporte des erreurs : corrigez-les."
LOT_STOCKAGE = (
    "Le stockage n'a pas répondu pour ce dossier : rien n'a été changé ; relancez l'action sur "
    "lui dans quelques instants."
)
SELECTION_TROP_GRANDE = (
    "Cette recherche compte {nombre} dossiers, plus que les {maximum} qu'une sélection peut "
    "prendre : affinez-la (par spécialité, département, statut ou dates)."
)
RELANCES_TERMINEES = (
    "La date limite de retour des confirmations signées ({date_limite}) est passée : les "
    "relances sont terminées. Les dossiers qui attendent encore la leur sont dans la liste, "
    "statut « Pré-inscrit »."
)
COURRIELS_DESACTIVES = (
    "Aucun courriel ne part de ce service (MAIL_FROM n'est pas configuré) : aucune relance ne "
    "peut être envoyée. Signalez-le à l'administrateur du service."
)
# The command line's reminders (python -m handler.staff relances).
RELANCES_APERCU = (
    "Relances, {aujourdhui} : {en_attente} dossier(s) attendent leur confirmation signée ; "
    "{a_relancer} à relancer aujourd'hui, dont {automatiques} par l'envoi automatique ; {deja} "
    "déjà relancé(s) aujourd'hui."
)
RELANCES_FENETRE = (
    "Relances automatiques : une par dossier, chaque jour à {heure} h (heure de Paris) du "
    "{debut} au {fin}, date limite de retour (RELANCE_JOURS = {jours})."
)
RELANCES_ENVOYEES = (
    "Relances envoyées : {envoyes} ; déjà relancés aujourd'hui : {deja_relances} ; échecs "
    "(renvoyés par le renvoi horaire des courriels) : {echecs} ; confirmation reçue ou dossier "
    "effacé entre-temps : {plus_attendus} ; restants faute de temps : {restants}."
)
# The audit log on the page (handler.staff.journal).
JOUR_INVALIDE = "Indiquez une date au format AAAA-MM-JJ (par exemple 2020-11-19)."
NUMERO_ILLISIBLE = (
    "Ce n'est pas un numéro d'inscription : il s'écrit comme 7K3M-Q9PA-R (neuf caractères)."
)
# The pieces returned online, judged by the bureau (handler.staff.pieces_bureau).
DECISION_INVALIDE = "La décision n'est pas valide : corrigez-la."
MOTIF_REFUS_OBLIGATOIRE = (
    "Indiquez le motif du refus : le candidat le lira dans le courriel et sur « mon dossier »."
)
PIECES_HORS_LIGNE = (
    "Les pièces de cette session ne sont pas déposées en ligne : elles arrivent par courrier."
)
PIECE_NON_DEMANDEE_EN_LIGNE = "Cette pièce n'est pas demandée à ce dossier."
PIECE_INFECTEE = (
    "Fichier infecté : isolé, jamais ouvert. « Mon dossier » demande au candidat d'envoyer un "
    "autre fichier."
)
