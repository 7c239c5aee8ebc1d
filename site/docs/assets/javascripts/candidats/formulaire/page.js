// Entry of the form's pages (formulaire.html, mon-dossier.html): see application.js.
import { demarrer } from "./application.js";

const racine = document.getElementById("application");
if (racine) demarrer(racine);
