"""The API's OpenAPI 3.1 description, served at GET /api/openapi.json.

A test checks that every route of the app is described here and every path here is a route.
The candidates' routes are described here, the staff's in handler.staff.openapi, merged in:
like the app factory, this module sits above both sides.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from handler.dossier import suivi
from handler.platform.json_body import BAD_JSON
from handler.staff import openapi as staff_openapi
from shared_rules import birth_date, schemas

bp = Blueprint("openapi", __name__, url_prefix="/api")

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_CODES = {"type": "array", "items": _STRING}


#: shared_rules.birth_date: complete, or without the day, or without the day and the month.
_BIRTH_DATE = {**_STRING, "pattern": birth_date.PATTERN_JS,
               "description": "AAAA-MM-JJ ; AAAA-MM ou AAAA si les papiers ne portent pas le "
                              "jour, ou ni le jour ni le mois"}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


DOSSIER_SCHEMA: dict[str, Any] = _object({
    "session": {**_STRING, "description": "Code de la session, par ex. cap-limoges-2021-06"},
    "specialite": {**_STRING, "description": "Code de la spécialité (données de la session)"},
    "specialite_autre": {**_NULLABLE_STRING,
                         "description": "Avec la spécialité « autre » seulement : son intitulé"},
    "etat_civil": _object({
        "nom_naissance": {**_STRING, "maxLength": schemas.NOM_MAX},
        "nom_usage": _NULLABLE_STRING,
        "prenoms": {"type": "array", "items": _STRING, "maxItems": schemas.PRENOMS_MAX,
                    "description": "Tous les prénoms, dans l'ordre de l'état civil ; aucun "
                                   "avec sans_prenom"},
        "sans_prenom": {"type": "boolean",
                        "description": "Le candidat n'a pas de prénom à l'état civil"},
        "sexe": {"enum": ["F", "M"]},
        "date_naissance": _BIRTH_DATE,
        "commune_naissance": _STRING,
        "pays_naissance": _STRING,
    }, ["nom_naissance", "prenoms", "sexe", "date_naissance", "commune_naissance",
        "pays_naissance"]),
    "contact": _object({
        "email": {**_STRING, "format": "email"},
        "telephone": _NULLABLE_STRING,
        "adresse": _STRING,
        "code_postal": {**_STRING, "pattern": "^[0-9]{5}$"},
        "commune": _STRING,
        "departement": _STRING,
        "confirmation_residence": {"type": "boolean", "description": (
            "Le candidat confirme son département malgré l'avertissement sur le code postal")},
    }, ["email", "adresse", "code_postal", "commune", "departement"]),
    "etablissement": _NULLABLE_STRING,
    "forme_passage": {"enum": ["globale", "progressive"]},
    "unites_presentees": _CODES,
    "eps": _object({"dispense": {"type": "boolean"}, "activites": _CODES}, ["dispense"]),
    "langue_vivante": _NULLABLE_STRING,
    "langue_vivante_autre": {**_NULLABLE_STRING, "maxLength": schemas.LANGUE_AUTRE_MAX,
                             "description": "Avec la langue « autre » seulement : son nom"},
    "epreuves_facultatives": {"type": "array", "items": _object(
        {"unite": _STRING, "langue": _NULLABLE_STRING,
         "langue_autre": {**_NULLABLE_STRING, "maxLength": schemas.LANGUE_AUTRE_MAX}},
        ["unite"])},
    "dispenses": {"type": "array", "items": _object(
        {"unite": _STRING, "diplome": _STRING, "annee": {"type": "integer"}},
        ["unite", "diplome", "annee"])},
    "benefices": {"type": "array", "items": _object(
        {"unite": _STRING, "annee": {"type": "integer"}, "note": {"type": "number"}},
        ["unite", "annee", "note"])},
    "amenagement": _object({"demande": {"type": "boolean"},
                            "decision_anterieure": {"type": "boolean"},
                            "precisions": _NULLABLE_STRING}, ["demande"]),
    "rattrapage": {"oneOf": [{"type": "null"},
                             _object({"annee_echec": {"type": "integer"}}, ["annee_echec"])]},
    "attestation_exactitude": {"const": True},
}, ["session", "specialite", "etat_civil", "contact", "forme_passage", "eps",
    "attestation_exactitude"])

PIECE = _object({"code": _STRING, "libelle": _STRING}, ["code", "libelle"])

DOSSIER_ENREGISTRE = _object({
    "numero": {**_STRING, "description": "Numéro d'inscription, par ex. 7K3M-Q9PA-R"},
    "version": {"type": "integer", "minimum": 1},
    "cree_le": {**_STRING, "format": "date-time"},
    "modifie_le": {**_STRING, "format": "date-time"},
    "dossier": {"$ref": "#/components/schemas/Dossier"},
    "pieces": {"type": "array", "items": {"$ref": "#/components/schemas/Piece"}},
    "retour_tardif": {"type": "boolean"},
    "message_retour_tardif": _NULLABLE_STRING,
    "avertissements": {"type": "object", "additionalProperties": {"type": "array",
                                                                  "items": _STRING},
                       "description": "Ce que le candidat est invité à confirmer, par champ "
                                      "(jamais un refus), par ex. un code postal d'habitude "
                                      "celui d'un autre département"},
    "courriel": {"enum": ["envoye", "echec", "desactive"],
                 "description": "Courriel de confirmation de la version actuelle : envoyé, en "
                                "échec (il sera renvoyé à la prochaine consultation) ou "
                                "désactivé (service sans envoi de courriels)"},
    "suivi": _object({
        "statut": {"enum": list(suivi.ETATS)},
        "libelle": _STRING,
        "etat": _STRING | {"description": "L'état du dossier dans les mots du candidat (ceux des "
                                          "courriels)"},
        "a_faire": {"type": "array", "items": _STRING,
                    "description": "Ce que le candidat doit faire maintenant"},
        "adresse": {"type": "array", "items": _STRING,
                    "description": "Où envoyer les pièces manquantes ou la nouvelle "
                                   "confirmation (vide sinon)"},
        "pieces_manquantes": {"type": "array", "items": {"$ref": "#/components/schemas/Piece"}},
        "note": _NULLABLE_STRING,
        "nouvelle_confirmation_requise": {"type": "boolean"},
        "message": _NULLABLE_STRING,
    }, ["statut", "libelle", "etat", "a_faire", "adresse", "pieces_manquantes", "note",
        "nouvelle_confirmation_requise", "message"]) | {
            "description": "Suivi du dossier par le Rectorat ; après une modification d'un "
                           "dossier dont la confirmation signée a été reçue, "
                           "nouvelle_confirmation_requise et message disent d'en envoyer une "
                           "nouvelle"},
}, ["numero", "version", "cree_le", "modifie_le", "dossier", "pieces", "retour_tardif",
    "message_retour_tardif", "avertissements", "courriel", "suivi"])

RAPPEL = _object({
    "nom_naissance": {**_STRING, "maxLength": schemas.NOM_MAX,
                      "description": "Nom de naissance, tel qu'à l'état civil"},
    "prenom": {**_NULLABLE_STRING, "maxLength": schemas.NOM_MAX,
               "description": "Un des prénoms, tel qu'à l'état civil ; aucun pour une personne "
                              "qui n'en a pas"},
    "date_naissance": _BIRTH_DATE,
}, ["nom_naissance", "date_naissance"])

RAPPEL_ACCEPTE = _object({"message": {**_STRING, "description": "Le même message, qu'un "
                                                                "dossier existe ou non"}},
                         ["message"])

LIEN_ACCES = _object({
    "numero": {**_STRING, "maxLength": 100,
               "description": "Numéro d'inscription, casse, espaces et tirets indifférents"},
}, ["numero"])

ACCES = _object({
    "numero": {**_STRING, "maxLength": 100, "description": "Le numéro du lien reçu"},
    "jeton": {**_STRING, "maxLength": 100, "description": "Le jeton du lien reçu (après #)"},
}, ["numero", "jeton"])

DOSSIER_MODIFIE = _object({
    **DOSSIER_ENREGISTRE["properties"],
    "modifie": {"type": "boolean",
                "description": "false quand le dossier envoyé est identique à la version "
                               "actuelle : aucune nouvelle version, aucun courriel"},
}, [*DOSSIER_ENREGISTRE["required"], "modifie"])

PREUVE_ACCES = _object({"acces": _object({
    "jeton": {**_STRING, "description": "Preuve d'accès à envoyer dans l'en-tête "
                                        "X-Acces-Dossier au lieu de X-Date-Naissance"},
    "expire_le": {**_STRING, "format": "date-time"},
    "duree_secondes": {"type": "integer", "description": "Sa durée, d'ici à expire_le"},
}, ["jeton", "expire_le", "duree_secondes"])}, ["acces"])

DOSSIER_PAR_LIEN = _object({
    **DOSSIER_ENREGISTRE["properties"],
    "acces": _object({
        "jeton": {**_STRING, "description": "Preuve d'accès à envoyer dans l'en-tête "
                                            "X-Acces-Dossier au lieu de X-Date-Naissance"},
        "expire_le": {**_STRING, "format": "date-time"},
    }, ["jeton", "expire_le"]),
}, [*DOSSIER_ENREGISTRE["required"], "acces"])

ERREUR = _object({
    "code": {**_STRING, "description": "Code stable : dossier_invalide, deja_inscrit, "
             "inscriptions_fermees, modification_concurrente, cle_idempotence_reutilisee, "
             "dossier_introuvable, stockage_indisponible…"},
    "message": {**_STRING, "description": "Message en français qui dit quoi faire"},
    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": _STRING},
               "description": "Messages par chemin de champ (etat_civil.prenoms.0)"},
    "reference": {**_STRING, "description": "Erreur inattendue (500) seulement : sa référence, "
                  "aussi dans l'en-tête X-Request-Id et dans la ligne de journal de l'erreur"},
}, ["code", "message", "errors"])

SESSION_STATE = _object({
    "session": _STRING, "examen": _STRING, "academie": _STRING, "libelle_session": _STRING,
    "ouvert": {"type": "boolean"},
    "statut": {"enum": ["avant-ouverture", "ouvert", "clos"]},
    "ouverture": {**_STRING, "format": "date-time"},
    "cloture": {**_STRING, "format": "date-time"},
    "maintenant": {**_STRING, "format": "date-time"},
    "horloge_simulee": {"type": "boolean"},
    "date_limite_retour": {**_STRING, "format": "date"},
    "retour_modes": {"type": "array", "items": {"enum": ["papier", "en_ligne"]},
                     "description": "Comment reviennent la confirmation signée et les pièces : "
                                    "par courrier, déposées en ligne, ou les deux"},
    "retour_consigne": {**_NULLABLE_STRING,
                        "description": "Où le dépôt en ligne est ouvert : ce que le candidat fait"},
    "retour_tardif": {"type": "boolean"},
    "message_retour_tardif": _NULLABLE_STRING,
}, ["session", "ouvert", "statut", "ouverture", "cloture", "maintenant", "horloge_simulee"])


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Erreur"}}}}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_UNAVAILABLE = {**_error("Stockage momentanément indisponible (en-tête Retry-After)"),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
_TOO_MANY = {**_error("Trop d'essais infructueux pour ce numéro ou depuis ce client "
                      "(trop_de_tentatives, en-tête Retry-After)"),
             "headers": {"Retry-After": {"schema": {"type": "integer"}}}}
_NUMERO_INVALIDE = _error("Texte qui ne peut pas être un numéro d'inscription (numero_invalide) : "
                          "sa longueur, un caractère ou son caractère de contrôle, dit dans "
                          "le message")
_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Dossier"}}}}
_NUMERO = {"name": "numero", "in": "path", "required": True, "schema": _STRING,
           "description": "Numéro d'inscription, casse, espaces et tirets indifférents"}
_DATE_NAISSANCE = {"name": "X-Date-Naissance", "in": "header", "required": False,
                   "schema": {**_STRING, "pattern": birth_date.PATTERN_JS},
                   "description": "Date de naissance du candidat (preuve de propriété), telle "
                                  "que le dossier l'écrit (AAAA-MM-JJ, AAAA-MM ou AAAA) ; "
                                  "requise sans X-Acces-Dossier"}
_PREUVE_ACCES = {"name": "X-Acces-Dossier", "in": "header", "required": False,
                 "schema": _STRING,
                 "description": "Preuve d'accès donnée par POST /api/dossiers/acces (lien reçu "
                                "par courriel), au lieu de X-Date-Naissance ; 30 minutes"}
_ACCES_EXPIRE = _error("Preuve d'accès inconnue ou expirée (acces_expire)")
_BAD_BODY = {"400": _error(BAD_JSON), "413": _error("Corps de plus de 1 Mo"),
             "415": _error("Content-Type autre que JSON"),
             "422": _error("Dossier invalide : erreurs par champ")}

# -- the pieces returned online (handler.candidats.televersement) ------------------------------
_CODE_PIECE = {"name": "code", "in": "path", "required": True, "schema": _STRING,
               "description": "Code de la pièce (confirmation-signee, ou une pièce demandée)"}
_OWNER = [_NUMERO, _CODE_PIECE, _DATE_NAISSANCE, _PREUVE_ACCES]
_PIECES_ERRORS = {
    "400": _error("En-tête X-Date-Naissance manquant, ou JSON invalide"),
    "403": _ACCES_EXPIRE,
    "404": _error("Retour en ligne fermé pour cette session (retour_en_ligne_ferme), pièce non "
                  "demandée (piece_inconnue), ou numéro et date de naissance inconnus"),
    "422": _error("Demande invalide (numero_invalide, corps_invalide)"),
    "429": _TOO_MANY,
    "503": _UNAVAILABLE,
}
PIECE_EN_LIGNE = {"type": "object", "properties": {
    "code": _STRING, "libelle": _STRING,
    "etat": {"enum": ["a_deposer", "en_analyse", "deposee", "acceptee", "refusee",
                      "non_conforme", "infectee"]},
    "etat_libelle": _STRING, "motif": _NULLABLE_STRING,
    "fichier": {"type": ["object", "null"]}, "a_envoyer": {"type": "boolean"},
}, "required": ["code", "libelle", "etat", "etat_libelle", "motif", "fichier", "a_envoyer"]}
PIECES_EN_LIGNE = {"type": "object", "properties": {
    "numero": _STRING,
    "modes": {"type": "array", "items": {"enum": ["papier", "en_ligne"]}},
    "date_limite": {**_STRING, "format": "date"}, "date_limite_texte": _STRING,
    "retour_tardif": {"type": "boolean"},
    "taille_max": {"type": "integer"}, "taille_max_dossier": {"type": "integer"},
    "types": _CODES, "pieces": {"type": "array", "items": PIECE_EN_LIGNE},
}, "required": ["numero", "modes", "date_limite", "pieces", "taille_max", "types"]}
FORMULAIRE_TELEVERSEMENT = {"type": "object", "properties": {
    "url": _STRING, "champs": {"type": "object", "additionalProperties": _STRING},
    "cle": _STRING, "taille_max": {"type": "integer"}, "expire_dans": {"type": "integer"},
}, "required": ["url", "champs", "cle", "taille_max", "expire_dans"]}
LIEN_FICHIER = {"type": "object", "properties": {
    "url": _STRING, "type": _STRING, "expire_dans": {"type": "integer"}},
    "required": ["url", "type", "expire_dans"]}
PIECES_PATHS: dict[str, Any] = {
    "/api/dossiers/{numero}/pieces": {"get": {
        "summary": "Les pièces à déposer en ligne et leur état (session en ligne seulement)",
        "parameters": [_NUMERO, _DATE_NAISSANCE, _PREUVE_ACCES],
        "responses": {"200": _json("Les pièces", "PiecesEnLigne"), **_PIECES_ERRORS},
    }},
    "/api/dossiers/{numero}/pieces/{code}/formulaire": {"post": {
        "summary": "Un formulaire signé (POST présigné) pour envoyer un fichier de cette pièce "
                   "directement au stockage",
        "description": "Le fichier (PDF, JPEG ou PNG, 10 Mo au plus) est envoyé par le "
                       "navigateur à l'adresse `url` avec les `champs`, puis déclaré par "
                       "POST /api/dossiers/{numero}/pieces/{code}. Le format HEIC est refusé "
                       "avec la façon d'envoyer la photo autrement.",
        "parameters": _OWNER,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _object({
            "type": {"enum": ["application/pdf", "image/jpeg", "image/png"]},
            "taille": {"type": "integer", "minimum": 1}}, ["type", "taille"])}}},
        "responses": {"200": _json("Le formulaire", "FormulaireTeleversement"),
                      **_PIECES_ERRORS,
                      "413": _error("Corps de plus de 1 Mo"),
                      "415": _error("Content-Type autre que JSON"),
                      "422": _error("Type refusé ou taille au-delà de 10 Mo (fichier_refuse)"),
                      "429": {**_TOO_MANY, "description": _TOO_MANY["description"] + (
                          ", ou trop de formulaires depuis ce client (trop_de_televersements)")}},
    }},
    "/api/dossiers/{numero}/pieces/{code}": {"post": {
        "summary": "Déclarer le fichier envoyé : la pièce est « en cours d'analyse »",
        "parameters": _OWNER,
        "requestBody": {"required": True, "content": {"application/json": {"schema": _object({
            "cle": _STRING}, ["cle"])}}},
        "responses": {"202": _json("Les pièces, celle-ci en cours d'analyse", "PiecesEnLigne"),
                      **_PIECES_ERRORS,
                      "409": _error("Fichier absent (fichier_absent) ou pièce déjà acceptée "
                                    "(piece_acceptee)"),
                      "413": _error("Fichier de plus de 10 Mo (fichier_trop_gros), pièces du "
                                    "dossier au-delà de 50 Mo (total_depasse), ou corps de "
                                    "plus de 1 Mo"),
                      "415": _error("Content-Type autre que JSON"),
                      "422": _error("Clé d'un autre envoi (cle_invalide)")},
    }},
    "/api/dossiers/{numero}/pieces/{code}/retrait": {"post": {
        "summary": "Retirer une pièce déposée, jusqu'à la date limite de retour",
        "parameters": _OWNER,
        "responses": {"200": _json("Les pièces", "PiecesEnLigne"), **_PIECES_ERRORS,
                      "409": _error("Date limite passée (date_limite_passee) ou pièce déjà "
                                    "acceptée (piece_acceptee)")},
    }},
    "/api/dossiers/{numero}/pieces/{code}/fichier": {"get": {
        "summary": "Un lien court (2 minutes) pour voir le fichier déposé",
        "parameters": _OWNER,
        "responses": {"200": _json("Le lien", "LienFichier"), **_PIECES_ERRORS},
    }},
}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Pré-inscription des candidats individuels au CAP",
        "version": "1.0.0",
        "description": "API du service de pré-inscription (dossiers des candidats). Derrière "
                       "le réseau de diffusion du site, toute requête qui n'en vient pas (sans "
                       "son en-tête X-Origin-Verify) reçoit 403 acces_direct_refuse.",
    },
    "paths": {
        "/api/session": {"get": {
            "summary": "La session et l'état du registre",
            "responses": {"200": _json("État du registre", "EtatSession")},
        }},
        "/api/openapi.json": {"get": {
            "summary": "Cette description",
            "responses": {"200": {"description": "Document OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {}}}}},
        }},
        "/api/dossiers/verification": {"post": {
            "summary": "Vérifier un dossier sans l'enregistrer",
            "requestBody": _BODY,
            "responses": {"200": {"description": "Dossier valide",
                                  "content": {"application/json": {"schema": {}}}},
                          **_BAD_BODY},
        }},
        "/api/dossiers": {"post": {
            "summary": "Enregistrer un nouveau dossier",
            "parameters": [
                {"name": "Idempotency-Key", "in": "header", "required": False,
                 "schema": {**_STRING, "minLength": 8, "maxLength": 128}},
                {"name": "X-Champ-Piege", "in": "header", "required": False, "schema": _STRING,
                 "description": "Contenu du champ piège du formulaire (vide pour une personne)"},
                {"name": "X-Duree-Saisie", "in": "header", "required": False, "schema": _STRING,
                 "description": "Secondes passées à remplir le formulaire (au moins 3)"},
            ],
            "requestBody": _BODY,
            "responses": {
                "201": _json("Dossier enregistré", "DossierEnregistre"),
                "200": _json("Même envoi déjà enregistré (même Idempotency-Key)",
                             "DossierEnregistre"),
                **_BAD_BODY,
                "400": _error(f"{BAD_JSON}, clé d'idempotence invalide ou envoi refusé "
                              "(envoi_refuse : champ piège rempli, saisie trop rapide)"),
                "429": {**_error("Trop d'envois depuis ce client (trop_de_requetes), ou trop "
                                 "de « déjà inscrit » pour cette identité (trop_de_doublons)"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                "403": _error("Registre fermé (inscriptions_fermees)"),
                "410": _error("Le dossier de cette Idempotency-Key a été effacé depuis "
                              "(dossier_efface) : un nouvel envoi prend une nouvelle clé"),
                "409": _error("Déjà inscrit à cette session (deja_inscrit) ; l'adresse du "
                              "dossier existant en est avertie, une fois par jour au plus"),
                "503": _UNAVAILABLE,
            },
        }},
        "/api/dossiers/rappel": {"post": {
            "summary": "J'ai perdu mon numéro : l'envoyer à l'adresse électronique du dossier",
            "description": "Même réponse 202, qu'un dossier corresponde ou non. Limité par "
                           "client (429) et par identité (rien n'est envoyé au-delà, même "
                           "réponse).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Rappel"}}}},
            "responses": {
                "202": _json("Demande prise en compte", "RappelAccepte"),
                "400": _error(BAD_JSON), "413": _error("Corps de plus de 1 Mo"),
                "415": _error("Content-Type autre que JSON"),
                "422": _error("Demande invalide : erreurs par champ (demande_invalide)"),
                "429": {**_error("Trop de demandes depuis ce client (trop_de_requetes)"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                "503": _error("Courriels désactivés (courriel_indisponible) ou stockage "
                              "indisponible"),
            },
        }},
        "/api/dossiers/lien-acces": {"post": {
            "summary": "Recevoir un lien d'accès par courriel, à l'adresse du dossier",
            "description": "Même réponse 202, que le numéro corresponde à un dossier ou non. "
                           "Le lien (numéro et jeton après #) sert une fois, pendant 15 "
                           "minutes, même si le numéro est bloqué. Limité par client (429) et "
                           "par numéro (rien n'est envoyé au-delà, même réponse).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/LienAcces"}}}},
            "responses": {
                "202": _json("Demande prise en compte", "RappelAccepte"),
                "400": _error("JSON invalide"), "413": _error("Corps de plus de 1 Mo"),
                "415": _error("Content-Type autre que JSON"),
                "422": _error("Numéro absent (demande_invalide)"),
                "429": {**_error("Trop de demandes depuis ce client (trop_de_requetes)"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                "503": _error("Courriels désactivés (courriel_indisponible) ou stockage "
                              "indisponible"),
            },
        }},
        "/api/dossiers/acces": {"post": {
            "summary": "Ouvrir son dossier avec le lien reçu par courriel",
            "description": "Le dossier, comme GET /api/dossiers/{numero}, et une preuve "
                           "d'accès de 30 minutes pour le consulter, le modifier et imprimer "
                           "sa confirmation (en-tête X-Acces-Dossier).",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Acces"}}}},
            "responses": {
                "200": _json("Le dossier et la preuve d'accès", "DossierParLien"),
                "400": _error("JSON invalide"), "413": _error("Corps de plus de 1 Mo"),
                "415": _error("Content-Type autre que JSON"),
                "403": _error("Lien inconnu, expiré ou déjà utilisé (lien_invalide)"),
                "422": _error("Numéro ou jeton absent (demande_invalide)"),
                "503": _UNAVAILABLE,
            },
        }},
        "/api/dossiers/{numero}/preuve": {"post": {
            "summary": "Échanger la date de naissance contre une preuve d'accès",
            "description": "La date de naissance, vérifiée et comptée comme chaque "
                           "vérification, contre une preuve d'accès de 30 minutes (en-tête "
                           "X-Acces-Dossier) : « mon dossier » l'utilise pour déposer les "
                           "pièces en ligne. Une preuve ne se renouvelle pas : refusée ici.",
            "parameters": [_NUMERO, _DATE_NAISSANCE],
            "responses": {"200": _json("La preuve d'accès", "PreuveAcces"),
                          "400": _error("En-tête X-Date-Naissance manquant, ou preuve "
                                        "envoyée à sa place (date_naissance_requise)"),
                          "404": _error("Numéro ou date de naissance inconnus"),
                          "422": _NUMERO_INVALIDE,
                          "429": _TOO_MANY,
                          "503": _UNAVAILABLE},
        }},
        "/api/dossiers/{numero}/confirmation.pdf": {"get": {
            "summary": "La confirmation d'inscription à imprimer, signer et envoyer (PDF A4)",
            "parameters": [_NUMERO, _DATE_NAISSANCE, _PREUVE_ACCES],
            "responses": {
                "200": {"description": "Le PDF (Cache-Control: no-store), téléchargé sous le "
                                       "nom de l'en-tête Content-Disposition",
                        "headers": {"Content-Disposition": {"schema": _STRING}},
                        "content": {"application/pdf": {
                            "schema": {"type": "string", "contentMediaType": "application/pdf"}}}},
                "400": _error("En-tête X-Date-Naissance manquant"),
                "403": _ACCES_EXPIRE,
                "404": _error("Numéro ou date de naissance inconnus"),
                "422": _NUMERO_INVALIDE,
                "429": _TOO_MANY,
                "503": _UNAVAILABLE,
            },
        }},
        "/api/dossiers/{numero}": {
            "get": {
                "summary": "Consulter son dossier",
                "parameters": [_NUMERO, _DATE_NAISSANCE, _PREUVE_ACCES],
                "responses": {"200": _json("Le dossier", "DossierEnregistre"),
                              "400": _error("En-tête X-Date-Naissance manquant"),
                              "403": _ACCES_EXPIRE,
                              "404": _error("Numéro ou date de naissance inconnus"),
                              "422": _NUMERO_INVALIDE,
                              "429": _TOO_MANY,
                              "503": _UNAVAILABLE},
            },
            "put": {
                "summary": "Modifier son dossier (nouvelle version), avec un courriel de "
                           "confirmation",
                "parameters": [_NUMERO, _DATE_NAISSANCE, _PREUVE_ACCES,
                               {"name": "If-Match", "in": "header", "required": False,
                                "schema": _STRING,
                                "description": "Version lue, par ex. \"v2\" (ETag)"}],
                "requestBody": _BODY,
                "responses": {"200": _json("Dossier modifié, ou inchangé (modifie: false)",
                                           "DossierModifie"),
                              **_BAD_BODY,
                              "404": _error("Numéro ou date de naissance inconnus"),
                              "429": {**_TOO_MANY, "description": (
                                  _TOO_MANY["description"] + ", ou trop d'envois et de « déjà "
                                  "inscrit » depuis ce client ou pour cette identité "
                                  "(trop_de_doublons)")},
                              "400": _error("JSON invalide, ou If-Match autre qu'une version "
                                            "(if_match_invalide)"),
                              "403": _error("Registre fermé (inscriptions_fermees), preuve "
                                            "d'accès expirée (acces_expire), ou coordonnées "
                                            "verrouillées après une restitution par le bureau "
                                            "(coordonnees_verrouillees)"),
                              "410": _error("Dossier effacé pendant la modification "
                                            "(dossier_efface)"),
                              "409": _error("Modifié entre-temps (modification_concurrente) "
                                            "ou identité déjà inscrite (deja_inscrit)"),
                              "503": _UNAVAILABLE},
            },
        },
        **PIECES_PATHS,
    },
    "components": {"schemas": {
        "Dossier": DOSSIER_SCHEMA,
        "Piece": PIECE,
        "DossierEnregistre": DOSSIER_ENREGISTRE,
        "DossierModifie": DOSSIER_MODIFIE,
        "Rappel": RAPPEL,
        "RappelAccepte": RAPPEL_ACCEPTE,
        "LienAcces": LIEN_ACCES,
        "Acces": ACCES,
        "DossierParLien": DOSSIER_PAR_LIEN,
        "PreuveAcces": PREUVE_ACCES,
        "Erreur": ERREUR,
        "EtatSession": SESSION_STATE,
        "PiecesEnLigne": PIECES_EN_LIGNE,
        "FormulaireTeleversement": FORMULAIRE_TELEVERSEMENT,
        "LienFichier": LIEN_FICHIER,
    }},
}

staff_openapi.merge_into(DOCUMENT)


@bp.get("/openapi.json")
def document() -> Response:
    """The OpenAPI document."""
    return jsonify(DOCUMENT)
