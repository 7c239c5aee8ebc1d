"""The handler: entry points here (app factory, Lambda handlers, local server, mail retry), the
candidates' side (candidats) and the staff's (staff) above the dossier they share (dossier), the
platform (platform) and the rules (shared_rules); contracts in pyproject.toml."""
