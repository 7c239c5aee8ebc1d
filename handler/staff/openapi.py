"""The staff routes' part of the OpenAPI document (merged into handler.openapi.DOCUMENT)."""

from __future__ import annotations

from typing import Any

from handler.dossier import pieces, suivi
from handler.platform.json_body import BAD_JSON
from handler.staff import columns, exports, listing, lot
from shared_rules.schemas import EMAIL_MAX

_STRING = {"type": "string"}
_RETRY = {"Retry-After": {"schema": {"type": "integer"}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Erreur"}}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


#: Every staff operation can answer these.
AUTH_RESPONSES = {
    "401": {**_error("Ni session ouverte ni jeton valide : session expirée, fermée ou cookie "
                     "altéré, jeton absent ou invalide (authentification_requise)"),
            "headers": {"WWW-Authenticate": {"schema": _STRING}}},
    "429": {**_error("Trop de tentatives refusées depuis ce client ou avec ce jeton "
                     "(trop_de_tentatives)"),
            "headers": _RETRY},
    "503": {**_error("Stockage momentanément indisponible"), "headers": _RETRY},
}
SECURITY: list[dict[str, list[str]]] = [{"sessionGestionnaire": []}, {"jetonScript": []}]
SECURITY_SCHEMES = {
    "sessionGestionnaire": {
        "type": "apiKey", "in": "cookie", "name": "__Host-gestion",
        "description": "Session ouverte par « Se connecter » (fournisseur OpenID Connect de "
                       "l'académie) ; une demande qui modifie doit venir du site (en-tête "
                       "Origin), sinon 403 origine_refusee",
    },
    "jetonScript": {
        "type": "http", "scheme": "bearer",
        "description": "Jeton d'un script ou de la ligne de commande, jamais de la page ; le "
                       "service n'en connaît que le SHA-256 (STAFF_TOKEN_HASHES, "
                       "nom:rôle:empreinte)",
    },
}
_FORBIDDEN = {"403": _error("Rôle insuffisant (role_insuffisant), ou demande d'une session "
                            "venue d'un autre site (origine_refusee)")}


def operation(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A staff operation: authenticated, with the answers every staff route can give."""
    return {"summary": summary, "tags": ["gestion"], "security": SECURITY,
            "responses": {**responses, **AUTH_RESPONSES}, **extra}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


_NULLABLE = {"type": ["string", "null"]}
_INT = {"type": "integer"}
_WARNINGS = {"type": "object", "additionalProperties": {"type": "array", "items": _STRING},
             "description": "Avertissements montrés au candidat, par champ (jamais un refus) ; "
                            "dans la liste, seulement s'il y en a"}
_CONFIRMED = {"type": "boolean", "description": "Le candidat a confirmé sa résidence malgré "
                                                "l'avertissement"}
_STATUT = {"enum": list(suivi.STATUTS)}
_ETAT = {"enum": list(suivi.ETATS),
         "description": "Le statut lu par le bureau : a-revoir pour un dossier reçu ou définitif "
                        "puis modifié par le candidat"}
_ANY_OBJECT = {"type": "object"}
_COLONNES = {"type": "array", "items": {"enum": list(columns.CHOICES)}, "minItems": 1,
             "description": "Les colonnes du tableur (CSV, XLSX, ODS), dans l'ordre des "
                            "colonnes ; toutes par défaut"}
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BINARY = {"type": "string", "contentMediaType": _XLSX}

_AGENT = {**_NULLABLE, "description": "Gestionnaire à qui le dossier est attribué (son adresse), "
                                     "null : personne ; jamais montré au candidat"}
_NOTES = {"type": "array", "description": "Notes internes du bureau, jamais montrées au "
                                         "candidat, la plus ancienne d'abord",
          "items": _object({"texte": _STRING, "auteur": _STRING, "le": _STRING})}

SCHEMAS: dict[str, Any] = {
    "Gestionnaire": {**_object({
        "nom": {**_STRING, "description": "Adresse électronique de la personne connectée, ou "
                                          "nom du jeton d'un script"},
        "role": {"enum": ["lecture", "gestion", "administration"]}}),
        "additionalProperties": False},
    "Referentiel": _object({"session": _STRING,
                            "fuseau_horaire": {**_STRING, "description": "Fuseau IANA des "
                                               "heures affichées (Europe/Paris)"},
                            "statuts": {"type": "array"},
                            "specialites": {"type": "array"},
                            "departements": {"type": "array"}, "pieces": {"type": "array"},
                            "piece_autre": {"type": "object", "description": "La pièce « autre », "
                                            "précisée dans la note"},
                            "page_max": {**_INT, "description": "Plus haut numéro de page que "
                                         "la liste des dossiers accepte (paramètre page)"},
                            "agents": {"type": "array", "items": _STRING,
                                       "description": "Gestionnaires à qui attribuer un dossier "
                                                      "(comptes de rôle gestion ou "
                                                      "administration)"}}),
    "Tableau": _object({
        "total": _INT,
        **{key: {"type": "array", "items": _object({"code": _STRING, "libelle": _STRING,
                                                      "nombre": _INT})}
           for key in ("par_statut", "par_specialite", "par_departement", "par_jour")},
        "papiers": _object({"attendus": _INT, "recus": _INT, "en_attente": _INT})}),
    "Relances": _object({
        "aujourdhui": {**_STRING, "description": "Jour local de la session (AAAA-MM-JJ)"},
        "date_limite": {**_STRING, "description": "Date limite de retour des confirmations"},
        "date_limite_libelle": _STRING,
        "jours": {**_INT, "description": "RELANCE_JOURS : la fenêtre des relances "
                  "automatiques commence ce nombre de jours avant la date limite"},
        "fenetre": _object({"debut": _STRING, "fin": _STRING, "debut_libelle": _STRING,
                            "fin_libelle": _STRING}),
        "heure_automatique": {**_INT, "description": "Heure locale de l'envoi automatique "
                              "quotidien"},
        "envoi_possible": {"type": "boolean", "description": "Le bouton peut envoyer : date "
                           "limite non passée et courriels configurés"},
        "courriels_actifs": {"type": "boolean"},
        "terminees": {"type": "boolean", "description": "La date limite est passée"},
        "en_attente": {**_INT, "description": "Dossiers qui attendent leur confirmation "
                       "signée (pré-inscrits, ou modifiés après réception)"},
        "a_relancer": {**_INT, "description": "Ceux que le bouton relancerait maintenant (pas "
                       "encore relancés aujourd'hui)"},
        "a_relancer_automatiquement": {**_INT, "description": "Ceux que l'envoi automatique "
                                       "relance aujourd'hui (pas encore relancés depuis le "
                                       "début de la fenêtre) ; 0 hors de la fenêtre"},
        "deja_relances_aujourdhui": _INT,
        "exemple": {"type": ["object", "null"], "description": "Le courriel du premier "
                    "dossier à relancer (objet, texte), ou null",
                    "properties": {"objet": _STRING, "texte": _STRING}}}),
    "RelancesEnvoyees": _object({
        "envoyes": _INT,
        "deja_relances": {**_INT, "description": "Déjà relancés aujourd'hui (par l'envoi "
                          "automatique ou un autre gestionnaire au même moment)"},
        "echecs": {**_INT, "description": "Courriels refusés : renvoyés par le renvoi horaire"},
        "plus_attendus": {**_INT, "description": "Confirmation reçue ou dossier effacé depuis "
                          "la lecture de l'index"},
        "restants": {**_INT, "description": "Pas encore relancés faute de temps : redemander"}}),
    "ResumeDossier": _object({
        "numero": _STRING, "nom_naissance": _STRING, "nom_usage": _NULLABLE,
        "prenoms": {"type": "array", "items": _STRING}, "specialite": _STRING,
        "specialite_libelle": _STRING, "departement": _STRING, "departement_nom": _STRING,
        "cree_le": _STRING, "modifie_le": _STRING, "version": _INT, "statut": _ETAT,
        "statut_libelle": _STRING, "revision": _INT, "a_revoir": {"type": "boolean"},
        "homonyme_possible": {"type": "boolean", "description": "Un autre dossier porte les "
                              "mêmes nom et date de naissance"},
        "a_verifier": {"type": "array", "items": _STRING, "description": "Sujets des "
                       "avertissements gardés par le candidat, hors résidence"},
        "avertissements": _WARNINGS, "confirmation_residence": _CONFIRMED,
        "date_naissance": {**_NULLABLE, "description": "Telle qu'enregistrée (AAAA-MM-JJ, "
                           "AAAA-MM ou AAAA) ; null dans une entrée d'index antérieure"},
        "date_naissance_libelle": {**_NULLABLE, "description": "Comme l'imprime l'état civil : "
                                   "17/05/1998, 00/00/1996"},
        "amenagement_demande": {"type": "boolean", "description": "Le candidat demande un "
                                "aménagement d'épreuves"},
        "attribue_a": _AGENT,
        "pieces_a_examiner": {**_INT, "description": "Pièces déposées en ligne qui attendent "
                              "la décision du bureau (0 pour une session sur papier)"},
        "piece_infectee": {"type": "boolean", "description": "Un fichier déposé s'est révélé "
                           "infecté : isolé, jamais ouvert"}},
        ["numero", "nom_naissance", "nom_usage", "prenoms", "date_naissance",
         "date_naissance_libelle", "specialite", "specialite_libelle", "departement",
         "departement_nom", "cree_le", "modifie_le", "version", "statut", "statut_libelle",
         "revision", "a_revoir", "homonyme_possible", "a_verifier", "amenagement_demande",
         "attribue_a", "pieces_a_examiner", "piece_infectee"]),
    "ListeDossiers": _object({"total": _INT, "page": _INT, "par_page": _INT, "pages": _INT,
                              "dossiers": {"type": "array",
                                           "items": _ref("ResumeDossier")}}),
    "Suivi": _object({"statut": _ETAT, "statut_libelle": _STRING,
                      "statut_enregistre": _STATUT, "revision": _INT,
                      "version_confirmee": {"type": ["integer", "null"]},
                      "pieces_manquantes": {"type": "array", "items": _STRING},
                      "note": _NULLABLE, "historique": {"type": "array"},
                      "courriel": _ref("CourrielIncomplet")}),
    "CourrielIncomplet": {
        **_object({
            "statut": {"enum": ["envoye", "echec", "en-attente", "differe"]},
            "tentatives": _INT,
            "erreur": {**_NULLABLE, "description": "Code d'erreur de SES"},
            "dernier_essai": {**_NULLABLE, "description": "Instant ISO 8601 (UTC)"},
            "nouvel_essai_automatique": {
                "type": "boolean", "description": "Le renvoi horaire réessaiera ce courriel"}}),
        "type": ["object", "null"],
        "description": "Le courriel « dossier incomplet » de cette révision du suivi (null : "
                       "aucun, ou courriels désactivés)"},
    "DossierGestion": _object({
        "numero": _STRING, "version": _INT, "cree_le": _STRING, "modifie_le": _STRING,
        "version_papier": {"type": ["integer", "null"], "description": "Version lue sur la "
                           "confirmation papier (numéro demandé sous la forme 7K3M-Q9PA-R-V2)"},
        "dossier": _ANY_OBJECT, "pieces": {"type": "array"},
        "historique": {"type": "array", "description": "Versions antérieures, la plus récente "
                                                       "d'abord"},
        "suivi": _ref("Suivi"), "a_revoir": {"type": "boolean"},
        "avertissements": _WARNINGS, "confirmation_residence": _CONFIRMED,
        "homonymes": {"type": "array", "items": _STRING, "description": "Numéros des autres "
                      "dossiers aux mêmes nom et date de naissance (homonymes possibles)"},
        "notes_internes": _NOTES,
        "attribution": _ref("Attribution"),
        "recapitulatif": {"type": "array", "description": "Les groupes de « Vérifiez vos "
                          "réponses » : {titre, lignes: [[libellé, valeur]]}"},
        "versions": {"type": "array", "description": "Chaque version, la plus récente d'abord, "
                     "avec ses changements {groupe, libelle, avant, apres}"}}),
    "Attribution": _object({
        "agent": _AGENT,
        "revision": {**_INT, "description": "Révision de l'attribution, à renvoyer pour la "
                                            "changer"},
        "historique": {"type": "array", "description": "Changements, le plus récent d'abord",
                       "items": _object({"agent": _NULLABLE, "par": _STRING, "le": _STRING})}}),
    "ChangementAttribution": {**_object({
        "agent": {**_NULLABLE, "maxLength": EMAIL_MAX,
                  "description": "Un des agents du référentiel, ou null pour libérer le dossier"},
        "revision": {**_INT, "minimum": 0, "description": "Révision de l'attribution "
                                                          "consultée"}}),
        "additionalProperties": False},
    "ChangementStatut": {**_object({
        "statut": _STATUT,
        "version": {**_INT, "minimum": 1, "description": "Version du dossier consultée"},
        "revision": {**_INT, "minimum": 0, "description": "Révision du suivi consultée"},
        "pieces_manquantes": {"type": "array", "items": _STRING, "maxItems": 20},
        "note": {**_NULLABLE, "maxLength": 1000},
        "version_papier": {"type": ["integer", "null"], "minimum": 1, "maximum": 9999,
                           "description": "Version imprimée sur la confirmation signée reçue "
                                          "(obligatoire avec confirmation-recue)"}},
        ["statut", "version", "revision"]),
        "additionalProperties": False},
    "StatutChange": _object({"numero": {**_STRING, "description": "Le dossier changé"},
                             "suivi": _ref("Suivi"), "a_revoir": {"type": "boolean"},
                             "courriel": {"enum": ["envoye", "echec", "desactive", None]}}),
    "Effacement": {**_object({"confirmation": {**_STRING, "maxLength": 40,
                                               "description": "Le numéro, recopié"}}),
                   "additionalProperties": False},
    "EffacementFait": _object({"effacement": _object({
        "auteur": _STRING, "le": _STRING, "versions_supprimees": _INT,
        "versions_index_supprimees": {**_INT, "description": "Dont les versions de l'index "
                                                             "des dossiers qui le citaient"},
        "exports_supprimes": _INT})}),
    "Restitution": {**_object({
        "confirmation": {**_STRING, "maxLength": 40, "description": "Le numéro, recopié"},
        "action": {"enum": ["liberer", "remplacer-courriel"],
                   "description": "liberer : l'identité que porte le dossier est libérée, la "
                                  "personne peut s'inscrire elle-même ; remplacer-courriel : "
                                  "l'adresse du dossier devient la sienne"},
        "courriel": {**_STRING, "format": "email", "maxLength": EMAIL_MAX,
                     "description": "L'adresse de la personne dont l'identité a été vérifiée"}}),
        "additionalProperties": False},
    "RestitutionFaite": _object({"restitution": _object({
        "mode": {"enum": ["liberer", "remplacer-courriel"]}, "auteur": _STRING,
        "le": _STRING,
        "courriels": _object({
            "ancienne_adresse": {"enum": ["envoye", "echec", "desactive"]},
            "proprietaire": {"enum": ["envoye", "echec", "desactive"]}})})}),
    "DemandeExport": {**_object({
        "format": {"enum": list(exports.FORMATS),
                   "description": "pdf : les confirmations des dossiers en un seul PDF à "
                                  "imprimer, toujours en arrière-plan (comme zip) ; "
                                  "complets : un ZIP des « dossiers complets » en PDF, "
                                  "seulement si la session reçoit les pièces en ligne"},
        "filtres": {"type": "object", "description": "Les paramètres de la liste (specialite, "
                                                    "departement, statut, q, tri…)"},
        "numeros": {"type": "array", "items": {**_STRING, "maxLength": 40},
                    "description": "À la place des filtres : les numéros des dossiers choisis "
                                   "(autant qu'un ZIP en compte au plus), "
                                   "dans l'ordre du fichier ; ceux qu'aucun dossier ne porte "
                                   "(ou plus) sont comptés (ignores), pas exportés"},
        "colonnes": _COLONNES,
        "arriere_plan": {"type": "boolean",
                         "description": "Toujours en arrière-plan, même si l'export tient dans "
                                        "une réponse"}}, ["format"]),
        "additionalProperties": False},
    "Export": _object({
        "id": _STRING, "format": {"enum": ["csv", "xlsx", "zip"]},
        "statut": {"enum": ["en-attente", "en-cours", "pret", "echec", "annule"]},
        "raison": {**_NULLABLE, "description": "Pourquoi l'export a été annulé (un de ses "
                   "dossiers a été effacé)"},
        "etape": {"enum": ["assemblage", "interrompu", None],
                  "description": "assemblage : les parties d'un grand ZIP sont réunies ; "
                                 "interrompu : plus de nouvelles depuis 20 minutes (échec)"},
        "parties": {**_INT, "description": "Parties d'un grand ZIP ou PDF préparées côte à "
                                           "côte (0 : d'un seul tenant)"},
        "nombre": _INT, "fait": _INT, "lien": _NULLABLE,
        "expire_dans": {"type": ["integer", "null"]}, "fichier": _NULLABLE,
        "ignores": {**_INT, "description": "Numéros demandés qu'aucun dossier ne porte"}}),
    "Preferences": _object({
        "colonnes": {**_COLONNES, "type": ["array", "null"]},
        "revision": {**_INT, "description": "Enregistrements faits (0 : jamais)"},
        "colonnes_disponibles": {"type": "array", "items": _object({
            "cle": {"enum": list(columns.CHOICES)}, "libelle": _STRING})}}),
}

_NUMERO = {"name": "numero", "in": "path", "required": True, "schema": _STRING}
_FILTERS = [
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in [
        ("specialite", {"type": "array", "items": _STRING}, "Code(s) de spécialité"),
        ("departement", {"type": "array", "items": _STRING}, "Code(s) de département"),
        ("statut", {"type": "array", "items": _STRING},
         "Statut(s) de suivi, ou a-revoir (modifié après la confirmation), homonyme-possible "
         "(mêmes nom et date de naissance qu'un autre dossier), a-verifier (avec des "
         "avertissements), et là où les pièces se déposent en ligne pieces-a-examiner "
         "(déposées, à accepter ou refuser), piece-infectee (un fichier infecté isolé)"),
        ("cree_du", {**_STRING, "format": "date"}, "Créé à partir de ce jour"),
        ("cree_au", {**_STRING, "format": "date"}, "Créé jusqu'à ce jour inclus"),
        ("modifie_du", {**_STRING, "format": "date"}, "Modifié à partir de ce jour"),
        ("modifie_au", {**_STRING, "format": "date"}, "Modifié jusqu'à ce jour inclus"),
        ("q", {**_STRING, "maxLength": listing.RECHERCHE_MAX},
         "Recherche libre : nom, prénom, numéro, adresse électronique ou téléphone (écrit "
         "comme on veut : 06 12 34 56 78, +33 6 12 34 56 78)"),
        ("amenagement", {"enum": [listing.AMENAGEMENT_DEMANDE]},
         "Seulement les dossiers dont le candidat demande un aménagement d'épreuves"),
        ("attribution", _STRING, f"{listing.MOI} (mes dossiers), {listing.AUCUN} (non "
                                 "attribués) ou l'adresse d'un gestionnaire"),
        ("tri", _STRING, f"{', '.join(listing.SORTS)} ; précédé de - pour l'ordre "
                         "décroissant"),
    ]]
_PAGES = [{"name": "page", "in": "query", "required": False,
           "schema": {**_INT, "minimum": 1, "maximum": listing.PAGE_MAX}},
          {"name": "par_page", "in": "query", "required": False,
           "schema": {**_INT, "minimum": 1, "maximum": listing.PAR_PAGE_MAX}}]
_NOT_FOUND = {"404": _error("Aucun dossier ne porte ce numéro (dossier_introuvable)")}
_BAD_JSON = {"400": _error(BAD_JSON), "413": _error("Corps de plus de 1 Mo"),
             "415": _error("Content-Type autre que JSON")}

PATHS: dict[str, Any] = {
    "/api/staff/moi": {"get": operation(
        "Qui est connecté (ou détient ce jeton), et son rôle",
        {"200": _json("Le gestionnaire et son rôle ; sans jeton ni cookie de session : "
                      "{\"connecte\": false}", {"oneOf": [
                          _ref("Gestionnaire"),
                          {**_object({"connecte": {"const": False}}),
                           "additionalProperties": False}]})},
        # Asked with no credential at all, it answers that nobody is signed in: optional.
        security=[*SECURITY, {}])},
    "/api/staff/referentiel": {"get": operation(
        "Statuts, spécialités, départements et pièces (données de la session)",
        {"200": _json("Les codes et leurs libellés", _ref("Referentiel"))})},
    "/api/staff/tableau": {"get": operation(
        "Tableau de bord : nombre de dossiers par statut, spécialité, département et jour de "
        "création, confirmations signées attendues et reçues (index de résumés)",
        {"200": _json("Les chiffres", _ref("Tableau"))})},
    "/api/staff/tableau.csv": {"get": operation(
        "Le tableau de bord en CSV pour Excel (UTF-8 avec BOM, « ; »)",
        {"200": {"description": "Rubrique, code, libellé, nombre",
                 "content": {"text/csv": {"schema": {"type": "string"}}}}})},
    "/api/staff/relances": {
        "get": operation(
            "Relances des candidats dont la confirmation signée n'est pas arrivée : combien le "
            "bouton relancerait maintenant, combien l'ont été aujourd'hui, la fenêtre des "
            "relances automatiques et le courriel d'un exemple",
            {"200": _json("L'aperçu", _ref("Relances"))}),
        "post": operation(
            "Relancer maintenant les dossiers qui attendent leur confirmation signée et n'ont "
            "pas été relancés aujourd'hui (rôle gestion ou administration ; jamais deux "
            "relances le même jour à un candidat)",
            {"200": _json("Les nombres", _ref("RelancesEnvoyees")), **_FORBIDDEN,
             "409": _error("Date limite de retour passée (relances_terminees) ou courriels "
                           "non configurés (courriels_desactives)")})},
    "/api/staff/dossiers": {"get": operation(
        "Liste des dossiers, filtrée, triée et paginée (index de résumés)",
        {"200": _json("Une page de la liste", _ref("ListeDossiers")),
         "422": _error("Filtre invalide (filtre_invalide)")},
        parameters=[*_FILTERS, *_PAGES])},
    "/api/staff/dossiers/{numero}": {"get": operation(
        "Un dossier, toutes ses versions et son suivi",
        {"200": _json("Le dossier", _ref("DossierGestion")), **_NOT_FOUND},
        parameters=[_NUMERO])},
    "/api/staff/dossiers/{numero}/confirmation.pdf": {"get": operation(
        "La confirmation PDF d'une version du dossier (la dernière par défaut)",
        {"200": {"description": "Le PDF, tel que le candidat l'a reçu",
                 "content": {"application/pdf": {"schema": _BINARY}}},
         **_NOT_FOUND, "404": _error("Dossier ou version inconnus (dossier_introuvable, "
                                     "version_introuvable)")},
        parameters=[_NUMERO, {"name": "version", "in": "query", "required": False,
                              "schema": _INT}])},
    "/api/staff/dossiers/{numero}/notes": {"post": operation(
        "Ajouter une note interne au dossier, jamais montrée au candidat (rôle gestion ou "
        "administration)",
        {"201": _json("Toutes les notes du dossier, la plus ancienne d'abord",
                      _object({"numero": _STRING, "notes_internes": _NOTES})),
         **_NOT_FOUND, **_BAD_JSON, **_FORBIDDEN,
         "409": _error("Trop de notes (notes_pleines) ou d'autres ajoutées au même moment "
                       "(notes_concurrentes)"),
         "422": _error("Note invalide (note_invalide)")},
        parameters=[_NUMERO],
        requestBody={"required": True, "content": {"application/json": {"schema": {
            **_object({"texte": {**_STRING, "maxLength": 2000}}),
            "additionalProperties": False}}}})},
    "/api/staff/dossiers/{numero}/attribution": {"post": operation(
        "Attribuer un dossier à un gestionnaire, ou le libérer (rôle gestion ou "
        "administration) ; jamais montré au candidat",
        {"200": _json("Attribution enregistrée", _object({"numero": _STRING,
                                                           "attribution": _ref("Attribution")})),
         **_NOT_FOUND, **_BAD_JSON, **_FORBIDDEN,
         "409": _error("Attribution changée entre-temps par un autre gestionnaire "
                       "(attribution_concurrente)"),
         "422": _error("Demande invalide ou gestionnaire inconnu (attribution_invalide)")},
        parameters=[_NUMERO],
        requestBody={"required": True, "content": {"application/json": {
            "schema": _ref("ChangementAttribution")}}})},
    "/api/staff/dossiers/{numero}/suivi": {"post": operation(
        "Changer le statut de suivi d'un dossier (rôle gestion ou administration)",
        {"200": _json("Statut enregistré", _ref("StatutChange")), **_NOT_FOUND, **_BAD_JSON,
         **_FORBIDDEN,
         "409": _error("Dossier ou suivi modifié entre-temps (dossier_modifie, "
                       "suivi_concurrent), transition refusée (transition_refusee), "
                       "confirmation papier d'une version antérieure (confirmation_ancienne) "
                       "ou confirmation antérieure à la dernière modification "
                       "(confirmation_perimee)"),
         "422": _error("Demande invalide (statut_invalide)")},
        parameters=[_NUMERO],
        requestBody={"required": True, "content": {"application/json": {
            "schema": _ref("ChangementStatut")}}})},
    "/api/staff/dossiers/{numero}/effacement": {"post": operation(
        "Effacer un dossier, toutes ses versions et ce qui s'y rattache (RGPD ; rôle "
        "administration)",
        {"200": _json("Dossier effacé ; l'effacement est journalisé sans donnée personnelle",
                      _ref("EffacementFait")), **_NOT_FOUND, **_BAD_JSON, **_FORBIDDEN,
         "422": _error("Numéro non recopié à l'identique (effacement_invalide)")},
        parameters=[_NUMERO],
        requestBody={"required": True, "content": {"application/json": {
            "schema": _ref("Effacement")}}})},
    "/api/staff/dossiers/{numero}/restitution": {"post": operation(
        "Rendre un dossier usurpé à la personne dont il porte l'identité, après vérification "
        "de celle-ci (rôle administration)",
        {"200": _json("Fait, journalisé sans donnée personnelle ; les deux adresses sont "
                      "averties", _ref("RestitutionFaite")), **_NOT_FOUND, **_BAD_JSON,
         **_FORBIDDEN,
         "409": _error("Le dossier ne détient pas son identité (identite_non_detenue) ou a été "
                       "modifié entre-temps (dossier_modifie)"),
         "422": _error("Demande invalide (restitution_invalide)")},
        parameters=[_NUMERO],
        requestBody={"required": True, "content": {"application/json": {
            "schema": _ref("Restitution")}}})},
    "/api/staff/guichet/scans": {"post": operation(
        "Guichet de réception : enregistrer la confirmation signée scannée (code-barres ou "
        "numéro et version), pour la version imprimée (rôle gestion ou administration)",
        {"201": _json("Réception enregistrée : à qui est le papier, les pièces à vérifier ; le "
                      "courriel au candidat part avec l'envoi automatique suivant, une fois "
                      "l'annulation close (courriel « differe »)",
                      _object({"resultat": {"enum": ["enregistree"]}, "message": _STRING,
                               "personne": {"type": "object"}, "revision": _INT,
                               "statut_precedent": _STRING,
                               "pieces_manquantes": {"type": "array", "items": _STRING},
                               "courriel": {"enum": ["differe", None]}})),
         "404": _error("Aucun dossier ne porte ce numéro (dossier_introuvable)"),
         **_BAD_JSON, **_FORBIDDEN,
         "409": _error("Rien n'est enregistré, le message dit pourquoi et `personne` à qui est "
                       "le papier : déjà reçue (deja_recue), papier d'une version antérieure "
                       "(confirmation_ancienne), statut qui ne le permet pas "
                       "(transition_refusee), suivi changé au même moment (suivi_concurrent)"),
         "422": _error("Pas une référence de confirmation (reference_illisible), numéro sans "
                       "sa version (version_papier_requise), corps invalide (scan_invalide)")},
        requestBody={"required": True, "content": {"application/json": {"schema": {
            **_object({"reference": {**_STRING, "maxLength": 60}}),
            "additionalProperties": False}}}})},
    "/api/staff/guichet/annulations": {"post": operation(
        "Guichet de réception : annuler un scan, le dossier reprend son statut d'avant (rôle "
        "gestion ou administration)",
        {"200": _json("Scan annulé", _object({"numero": _STRING, "revision": _INT,
                                             "statut": _ETAT, "statut_libelle": _STRING,
                                             "message": _STRING})),
         **_NOT_FOUND, **_BAD_JSON, **_FORBIDDEN,
         "409": _error("Le suivi a changé depuis ce scan (annulation_impossible)"),
         "422": _error("Corps invalide (annulation_invalide)")},
        requestBody={"required": True, "content": {"application/json": {"schema": {
            **_object({"numero": _STRING, "revision": _INT}),
            "additionalProperties": False}}}})},
    "/api/staff/lots": {"post": operation(
        f"Le même changement de statut pour plusieurs dossiers ({lot.LOT_MAX} au plus par "
        "demande) : "
        "confirmation reçue ou dossier incomplet, chacun enregistré, notifié et répondu à part "
        "(rôle gestion ou administration)",
        {"200": _json("Un résultat par dossier, dans l'ordre", _object({
            "resultats": {"type": "array", "items": _object({
                "numero": _STRING, "enregistre": {"type": "boolean"}, "statut": _STATUT,
                "code": _STRING, "message": _STRING}, ["numero", "enregistre"])},
            "enregistres": _INT, "refuses": _INT})),
         **_BAD_JSON, **_FORBIDDEN,
         "422": _error("Demande invalide (lot_invalide, statut_invalide)")},
        requestBody={"required": True, "content": {"application/json": {"schema": {
            **_object({"statut": {"enum": ["confirmation-recue", "incomplete"]},
                       "pieces_manquantes": {"type": "array", "items": _STRING},
                       "note": _NULLABLE,
                       "dossiers": {"type": "array", "minItems": 1, "maxItems": lot.LOT_MAX,
                                    "items": _object({"numero": _STRING, "version": _INT,
                                                      "revision": _INT})}},
                      ["statut", "dossiers"]),
            "additionalProperties": False}}}})},
    "/api/staff/selection": {"get": operation(
        "Tous les dossiers d'une recherche (les filtres de la liste), avec la version et la "
        "révision qu'un changement en lot demande",
        {"200": _json("La sélection", _object({"nombre": _INT, "dossiers": {
            "type": "array", "items": _object({"numero": _STRING, "version": _INT,
                                               "revision": _INT})}})),
         "422": _error(f"Filtre invalide (filtre_invalide) ou recherche de plus de "
                       f"{lot.SELECTION_MAX} dossiers (selection_trop_grande)")},
        parameters=[*_FILTERS])},
    "/api/staff/journal": {"get": operation(
        "Le journal d'audit d'un jour (effacements et restitutions), du plus récent au plus "
        "ancien ; un numéro tapé est reconnu par son empreinte (rôle administration)",
        {"200": _json("Les enregistrements du jour", _object({
            "jour": _STRING, "nombre": _INT, "recherche_possible": {"type": "boolean"},
            "enregistrements": {"type": "array", "items": {"type": "object"}}})),
         **_FORBIDDEN,
         "422": _error("Date ou numéro illisible (filtre_invalide)")},
        parameters=[{"name": "jour", "in": "query", "required": False,
                     "schema": {**_STRING, "format": "date"}},
                    {"name": "numero", "in": "query", "required": False, "schema": _STRING}])},
    "/api/staff/exports": {"post": operation(
        "Exporter la liste filtrée ou les dossiers choisis (CSV, XLSX, ODS, ZIP des dossiers et "
        "de leurs confirmations, ou PDF des confirmations à imprimer)",
        {"200": {"description": "Le fichier, quand il tient dans une réponse (CSV, XLSX ou ODS "
                                "de 1 000 dossiers au plus)",
                 "headers": {"Content-Disposition": {"schema": _STRING},
                             "X-Nombre-Dossiers": {"schema": _INT},
                             "X-Nombre-Ignores": {"schema": _INT}},
                 "content": {"text/csv": {"schema": _STRING}, _XLSX: {"schema": _BINARY},
                             exports.FORMATS["ods"][0]: {"schema": _BINARY}}},
         "202": {**_json("Export lancé en arrière-plan : suivre son état à l'adresse Location",
                         _ref("Export")), "headers": {"Location": {"schema": _STRING}}},
         **_BAD_JSON, **_FORBIDDEN,
         "422": _error("Demande ou filtre invalide (export_invalide, filtre_invalide), ou ZIP "
                       "ou PDF trop volumineux (export_trop_volumineux)")},
        requestBody={"required": True, "content": {"application/json": {
            "schema": _ref("DemandeExport")}}})},
    "/api/staff/preferences": {
        "get": operation(
            "Les préférences de la personne connectée : les colonnes choisies pour les "
            "tableurs (tout rôle : ce sont les siennes)",
            {"200": _json("Ses préférences, et les colonnes possibles", _ref("Preferences"))}),
        "put": operation(
            "Enregistrer les colonnes choisies par la personne connectée, gardées d'un "
            "ordinateur à l'autre (null : toutes)",
            {"200": _json("Ses préférences enregistrées", _ref("Preferences")), **_BAD_JSON,
             **_FORBIDDEN,
             "409": _error("Enregistrées au même moment depuis une autre fenêtre "
                           "(preferences_concurrentes)"),
             "422": _error("Colonne inconnue (preferences_invalides)")},
            requestBody={"required": True, "content": {"application/json": {"schema": {
                **_object({"colonnes": {**_COLONNES, "type": ["array", "null"]}}),
                "additionalProperties": False}}}})},
    "/api/staff/exports/{job_id}": {"get": operation(
        "L'état d'un export en arrière-plan, avec un lien de téléchargement de courte durée",
        {"200": _json("État de l'export", _ref("Export")),
         "404": _error("Export inconnu ou expiré (export_introuvable)")},
        parameters=[{"name": "job_id", "in": "path", "required": True, "schema": _STRING}])},
}


#: A French page for a browser (Accept: text/html), the error envelope otherwise.
_HTML = {"text/html": {"schema": _STRING},
         "application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}}
#: The browser's sign-in routes (handler.staff.oidc): redirects and French pages, no JSON.
PATHS.update({
    "/api/staff/connexion": {"get": {
        "summary": "Se connecter : redirection vers le fournisseur d'identité de l'académie "
                   "(code d'autorisation, PKCE S256, state et nonce)",
        "tags": ["gestion"],
        "responses": {"302": {"description": "Vers le point d'autorisation du fournisseur",
                              "headers": {"Location": {"schema": _STRING}}},
                      "503": {"description": "Connexion non configurée ou fournisseur "
                                             "injoignable", "content": _HTML}}}},
    "/api/staff/connexion/retour": {"get": {
        "summary": "Retour du fournisseur : vérifie state, échange le code, vérifie le jeton "
                   "d'identité, ouvre la session (cookie __Host-gestion)",
        "tags": ["gestion"],
        "parameters": [{"name": "code", "in": "query", "schema": _STRING},
                       {"name": "state", "in": "query", "schema": _STRING}],
        "responses": {"302": {"description": "Session ouverte : vers gestion.html",
                              "headers": {"Location": {"schema": _STRING},
                                          "Set-Cookie": {"schema": _STRING}}},
                      "400": {"description": "Connexion refusée (state, code ou jeton "
                                             "d'identité invalide)", "content": _HTML},
                      "403": {"description": "Compte sans accès à l'espace gestionnaire",
                              "content": _HTML},
                      "429": {"description": "Trop de tentatives", "content": _HTML},
                      "503": {"description": "Connexion indisponible", "content": _HTML}}}},
    "/api/staff/deconnexion": {"post": {
        "summary": "Se déconnecter : ferme la session, puis le fournisseur met fin à la sienne",
        "tags": ["gestion"],
        "responses": {"200": _json("Pour le script de la page : où aller ensuite (point "
                                   "end_session du fournisseur, ou gestion.html)",
                                   _object({"redirection": _STRING})),
                      "303": {"description": "Pour un formulaire (Accept: text/html) : vers le "
                                             "point end_session du fournisseur, ou gestion.html",
                              "headers": {"Location": {"schema": _STRING}}},
                      "403": _error("Demande venue d'un autre site (origine_refusee)")}}},
})


_PIECE_CODE = {"name": "code", "in": "path", "required": True, "schema": _STRING,
               "description": "La pièce : confirmation-signee, ou une pièce demandée au dossier"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
SCHEMAS.update({
    "PieceBureau": _object({
        "code": _STRING, "libelle": _STRING,
        "etat": {"enum": [pieces.A_DEPOSER, pieces.EN_ANALYSE, pieces.DEPOSEE, pieces.ACCEPTEE,
                          pieces.REFUSEE, pieces.NON_CONFORME, pieces.INFECTEE]},
        "etat_libelle": _STRING,
        "motif": {**_NULLABLE, "description": "Pourquoi la pièce est refusée (par la "
                                               "vérification du fichier ou par le bureau)"},
        "decision": {"type": ["object", "null"], "properties": {
            "par": _STRING, "le": {**_STRING, "format": "date-time"}}},
        "decidable": {"type": "boolean", "description": "Un fichier vérifié peut être accepté "
                                                         "ou refusé"},
        "a_annoncer": {"type": "boolean", "description": "Refus pas encore envoyé au candidat "
                                                          "par courriel"},
        "en_analyse_depuis": _NULLABLE_TIME,
        "fichier": {"type": ["object", "null"], "properties": {
            "type": _STRING, "taille": _INT, "pages": {"type": ["integer", "null"]},
            "depose_le": {**_STRING, "format": "date-time"}, "tardif": {"type": "boolean"},
            "url": {**_STRING, "description": "Lien présigné court (GET, affichage dans la "
                                              "page) ; jamais pour un fichier infecté"}}},
        "alerte": {"type": ["object", "null"], "description": "Fichier infecté : isolé, jamais "
                                                              "ouvert, sans lien",
                   "properties": {"signature": _NULLABLE, "texte": _STRING}},
    }),
    "PiecesBureau": _object({
        "numero": _STRING,
        "revision": {**_INT, "description": "Révision des pièces, à renvoyer avec une décision"},
        "motifs": {"type": "array", "items": _STRING,
                   "description": "Motifs de refus proposés (texte libre accepté aussi)"},
        "motif_max": _INT, "expire_dans": _INT,
        "pieces": {"type": "array", "items": _ref("PieceBureau")},
        "courriel": {"type": ["object", "null"], "description": "Le courriel des refus à "
                     "envoyer au candidat, un pour les refus faits ensemble",
                     "properties": {"pieces": {"type": "array", "items": _STRING},
                                    "a_partir_de": {**_STRING, "format": "date-time"},
                                    "tentatives": _INT, "erreur": _NULLABLE}},
    }),
})
PATHS.update({
    "/api/staff/dossiers/{numero}/pieces": {"get": operation(
        "Les pièces déposées en ligne d'un dossier : état, fichier à afficher, alerte d'un "
        "fichier infecté",
        {"200": _json("Chaque pièce attendue", _ref("PiecesBureau")),
         "404": _error("Dossier inconnu (dossier_introuvable) ou session sans dépôt en ligne "
                       "(retour_en_ligne_ferme)")},
        parameters=[_NUMERO])},
    "/api/staff/dossiers/{numero}/pieces/{code}/decision": {"post": operation(
        "Accepter ou refuser une pièce déposée en ligne (rôle gestion ou administration) ; "
        "le statut de suivi en découle",
        {"200": _json("Les pièces après la décision, et le suivi s'il a changé", {"allOf": [
            _ref("PiecesBureau"), _object({"suivi": {
                "type": ["object", "null"], "description": "Le statut qui découle des pièces, "
                "null s'il n'a pas changé",
                "properties": {"statut": _STATUT, "revision": _INT}}})]}),
         **_BAD_JSON, **_FORBIDDEN,
         "404": _error("Dossier ou pièce inconnus (dossier_introuvable, piece_inconnue), ou "
                       "session sans dépôt en ligne (retour_en_ligne_ferme)"),
         "409": _error("Pièces modifiées depuis leur lecture (pieces_modifiees), ou pièce sans "
                       "fichier vérifié (piece_non_decidable)"),
         "422": _error("Décision invalide, motif manquant pour un refus (decision_invalide)")},
        parameters=[_NUMERO, _PIECE_CODE],
        requestBody={"required": True, "content": {"application/json": {"schema": {
            **_object({"decision": {"enum": [pieces.ACCEPTEE, pieces.REFUSEE]},
                       "motif": {**_NULLABLE, "maxLength": pieces.MOTIF_MAX,
                                 "description": "Obligatoire pour un refus : un des motifs "
                                                "proposés, ou un texte libre"},
                       "revision": {**_INT, "minimum": 0}}, ["decision", "revision"]),
            "additionalProperties": False}}}})},
    "/api/staff/dossiers/{numero}/pieces/dossier-complet": {"post": operation(
        "Le « dossier complet » en un PDF : la confirmation du dossier puis chaque pièce "
        "acceptée (une photo ou un scan par page A4), par un lien court",
        {"200": _json("Le lien vers le PDF", _object({
            "url": _STRING, "pieces_acceptees": _INT, "pieces_attendues": _INT,
            "complet": {"type": "boolean", "description": "Toutes les pièces sont acceptées"},
            "taille": _INT, "expire_dans": _INT})),
         "404": _error("Dossier inconnu (dossier_introuvable) ou session sans dépôt en ligne "
                       "(retour_en_ligne_ferme)")},
        parameters=[_NUMERO])},
})


def merge_into(document: dict[str, Any]) -> None:
    """Add the staff's paths, schemas and security scheme to the API's document."""
    document["paths"].update(PATHS)
    document["components"]["schemas"].update(SCHEMAS)
    document["components"].setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
