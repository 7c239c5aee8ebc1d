"""The handler's own messages to candidates, in French (the dossier's are in shared_rules)."""

from __future__ import annotations

ACCES_DIRECT_REFUSE = (
    "Ce service ne répond qu'à travers son site : ouvrez le formulaire de pré-inscription à son "
    "adresse habituelle."
)
DOSSIER_INVALIDE = "Votre dossier comporte des erreurs : corrigez les champs signalés."
DEJA_INSCRIT = (
    "Un dossier existe déjà à vos nom, prénoms, date et lieu de naissance pour cette session : "
    "la réglementation n'autorise qu'une inscription par session. Pour changer de spécialité ou "
    "corriger votre dossier, modifiez-le avec votre numéro d'inscription. Si vous ne l'avez "
    "plus, demandez-le avec « J'ai perdu mon numéro d'inscription », sur la page « Consulter ou "
    "modifier mon dossier » : il sera envoyé à l'adresse électronique de votre dossier. Si vous "
    "pensez qu'il s'agit d'une autre personne, contactez le {destinataire}."
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
    "Indiquez votre date de naissance (AAAA-MM-JJ ; AAAA-MM ou AAAA si vos papiers ne portent "
    "pas le jour, ou ni le jour ni le mois) pour consulter ou modifier votre dossier."
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
DOSSIER_EFFACE = (
    "Le dossier enregistré lors de votre premier envoi a été effacé depuis par le bureau des "
    "examens. Pour vous pré-inscrire, envoyez à nouveau votre dossier : il recevra un nouveau "
    "numéro."
)
NUMERO_LONGUEUR = (
    "Un numéro d'inscription compte 9 caractères, par exemple 7K3M-Q9PA-R (les tirets sont "
    "facultatifs) : vous en avez saisi {longueur}. Recopiez-le depuis votre confirmation "
    "d'inscription ou le courriel reçu."
)
NUMERO_CARACTERES = (
    "Un numéro d'inscription ne contient que des chiffres et des lettres (sans U) : retirez "
    "{caracteres}."
)
NUMERO_CONTROLE = (
    "Ce numéro contient une faute de frappe : son dernier caractère, qui sert de contrôle, ne "
    "correspond pas aux huit autres. Recopiez-le depuis votre confirmation d'inscription ou le "
    "courriel reçu."
)
DOSSIER_EN_EFFACEMENT = (
    "Ce dossier vient d'être effacé à la demande du bureau des examens : il ne peut plus être "
    "consulté ni modifié. Pour toute question, écrivez à {destinataire}."
)
COORDONNEES_VERROUILLEES = (
    "Le bureau des examens a rattaché ce dossier à l'adresse électronique de la personne dont il "
    "porte l'identité : ses coordonnées ne peuvent plus être modifiées avec la seule date de "
    "naissance. Pour les modifier, demandez un lien d'accès par courriel sur cette page : il "
    "arrive à cette adresse, et l'ouvrir permet de nouveau de les modifier. Les autres rubriques "
    "restent modifiables."
)
COORDONNEES_VERROUILLEES_CHAMP = (
    "Coordonnées verrouillées par le bureau des examens : ouvrez d'abord le lien d'accès envoyé "
    "à l'adresse du dossier."
)
CLE_IDEMPOTENCE_INVALIDE = "L'en-tête Idempotency-Key doit compter de 8 à 128 caractères simples."
SESSION_AUTRE = "Ce service enregistre les candidatures de la session {session} uniquement."
CORPS_TROP_GROS = "La demande est trop volumineuse (1 Mo au plus) : vérifiez votre saisie."
JSON_ATTENDU = "La demande doit être envoyée au format JSON (Content-Type: application/json)."
JSON_INVALIDE = "La demande n'est pas un JSON valide : rechargez la page et recommencez."
JSON_TROP_IMBRIQUE = (
    "La demande est mal formée (plus de {maximum} niveaux de listes ou d'objets imbriqués) : "
    "rechargez la page et recommencez."
)
JSON_CLE_INVALIDE = (
    "La demande contient un nom de champ illisible (mal encodé) : rechargez la page et "
    "recommencez."
)
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
# Shared with the browser's check of « J'ai perdu mon numéro » (exported with the rules).
TROP_DE_DEMANDES = (
    "Trop de demandes de numéro d'inscription depuis votre connexion. Patientez quelques "
    "minutes, puis réessayez."
)
TROP_D_ENVOIS = (
    "Trop de dossiers envoyés depuis votre connexion. Patientez quelques minutes, puis "
    "réessayez."
)
IF_MATCH_INVALIDE = (
    "L'en-tête If-Match doit indiquer la version lue de votre dossier, par exemple \"v2\" : "
    "rechargez votre dossier, puis enregistrez à nouveau vos modifications."
)
COURRIEL_INDISPONIBLE = (
    "L'envoi de courriels n'est pas disponible sur ce service : pour retrouver votre numéro "
    "d'inscription, contactez le {destinataire}."
)
DEMANDE_INVALIDE = "Votre demande comporte des erreurs : corrigez les champs signalés."
TROP_DE_TENTATIVES = (
    "Trop d'essais infructueux pour ce numéro d'inscription : par sécurité, réessayez dans "
    "{minutes}. Vérifiez votre numéro (il figure sur votre confirmation) et votre date "
    "de naissance. Si ce dossier est le vôtre, vous pouvez aussi recevoir un lien d'accès à "
    "l'adresse électronique indiquée dans le dossier. Si vous avez perdu votre numéro, demandez "
    "qu'il vous soit renvoyé."
)
TROP_DE_TENTATIVES_CLIENT = (
    "Trop d'essais infructueux depuis votre connexion, tous numéros d'inscription confondus : "
    "par sécurité, réessayez dans {minutes}. Vérifiez votre numéro (il figure sur "
    "votre confirmation) et votre date de naissance."
)
TENTATIVE_NON_COMPTEE = (
    "De nombreuses demandes arrivent en même temps pour ce numéro d'inscription et la vôtre n'a "
    "pas pu être traitée : réessayez dans quelques instants."
)
TROP_DE_LIENS = (
    "Trop de demandes de lien d'accès depuis votre connexion. Patientez quelques minutes, puis "
    "réessayez."
)
LIEN_ACCES_DEMANDE = (
    "Si ce numéro d'inscription correspond à un dossier, un lien d'accès vient d'être envoyé à "
    "l'adresse électronique indiquée dans ce dossier. Il est valable {minutes} minutes et ne "
    "sert qu'une fois. Consultez votre messagerie, y compris les courriers indésirables. Si "
    "rien n'arrive dans l'heure, vérifiez votre numéro et recommencez, ou contactez le "
    "{destinataire}."
)
LIEN_ACCES_INDISPONIBLE = (
    "L'envoi de courriels n'est pas disponible sur ce service : pour accéder à votre dossier, "
    "réessayez plus tard avec votre date de naissance ou contactez le {destinataire}."
)
LIEN_NUMERO_OBLIGATOIRE = (
    "Indiquez votre numéro d'inscription (il figure sur votre confirmation d'inscription)."
)
LIEN_ACCES_INVALIDE = (
    "Ce lien d'accès n'est plus valable : il ne sert qu'une fois et pendant 15 minutes. "
    "Demandez-en un nouveau avec le bouton « Recevoir un lien d'accès par courriel » de la page "
    "« Consulter ou modifier mon dossier »."
)
ACCES_EXPIRE = (
    "Votre accès par lien a pris fin (il dure 30 minutes) : rouvrez votre dossier avec votre "
    "date de naissance, ou demandez un nouveau lien d'accès. Vos dernières modifications non "
    "enregistrées sont à refaire."
)
ENVOI_REFUSE = (
    "Votre envoi n'a pas pu être accepté. Si vous remplissez le formulaire vous-même, rechargez "
    "la page, vérifiez vos réponses puis envoyez-les de nouveau."
)
TROP_DE_DOUBLONS_CLIENT = (
    "Trop de dossiers envoyés depuis votre connexion, dont des inscriptions refusées parce qu'un "
    "dossier existait déjà aux mêmes nom, prénoms, date et lieu de naissance : réessayez dans "
    "{duree}. Si un dossier a été déposé à votre nom sans vous, contactez le {destinataire}."
)
TROP_DE_DOUBLONS_IDENTITE = (
    "Trop de tentatives d'inscription aujourd'hui à ces nom, prénoms, date et lieu de naissance : "
    "par sécurité, elles sont suspendues pendant {duree}. Si ce dossier est le vôtre, "
    "modifiez-le avec votre numéro d'inscription (« J'ai perdu mon numéro » vous le renvoie) ; "
    "sinon, contactez le {destinataire}."
)


def nombre(value: int) -> str:
    """A count as French writes it: « 25 000 » (a narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", "\u202f")


CHAMPS_INCONNUS = "Ces champs ne sont pas attendus : {champs}. Retirez-les."
AUTRES_ERREURS = ("… et {nombre} autres erreurs, non détaillées : corrigez d'abord celles-ci, "
                  "puis renvoyez la demande.")


def mega_octets(size: int) -> str:
    """A size in Mo as a person reads it: « 10 Mo », « 2,4 Mo »."""
    value = size / (1024 * 1024)
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',')}\u00a0Mo"


# -- the pieces returned online (handler.candidats.televersement) ------------------------------
RETOUR_EN_LIGNE_FERME = (
    "Pour cette session, la confirmation signée et les pièces justificatives ne se déposent pas "
    "en ligne : envoyez-les par courrier au {destinataire}, comme l'indique la notice."
)
PIECE_INCONNUE = "Cette pièce n'est pas demandée pour votre dossier."
TROP_DE_TELEVERSEMENTS = (
    "Trop d'envois en peu de temps depuis cette connexion : attendez quelques minutes puis "
    "recommencez."
)
PIECE_HEIC = (
    "Les photos au format HEIC (iPhone, iPad) ne sont pas acceptées. Sur l'appareil, choisissez "
    "Réglages > Appareil photo > Formats > « Le plus compatible » puis reprenez la photo, ou "
    "envoyez une capture d'écran de la photo, ou numérisez le document en PDF (application "
    "Notes ou Fichiers > « Scanner des documents »)."
)
PIECE_TYPE_REFUSE = (
    "Ce type de fichier n'est pas accepté : envoyez un PDF, ou une photo ou un scan en JPEG ou "
    "PNG."
)
PIECE_TAILLE_REQUISE = "La taille du fichier manque : choisissez de nouveau le fichier."
PIECE_TROP_GROSSE = (
    "Le fichier fait {taille} : la limite est de {limite} par pièce. Réduisez-le (une photo ou "
    "un scan en qualité moyenne suffit) puis envoyez-le de nouveau."
)
PIECE_CLE_INVALIDE = (
    "Cet envoi ne correspond pas à la pièce demandée : choisissez de nouveau le fichier."
)
PIECE_RETRAIT_TARDIF = (
    "La date limite de retour des pièces ({date}) est passée : une pièce déposée ne peut plus "
    "être retirée ni remplacée. Pour toute question, contactez le bureau des examens."
)
PIECE_SANS_FICHIER = "Aucun fichier n'a encore été déposé pour cette pièce."
