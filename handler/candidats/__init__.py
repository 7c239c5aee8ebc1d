"""The candidates' side: register, consult and modify a dossier, reminders, access links, spam
and duplicate guards; may use handler.dossier, handler.platform and shared_rules, never staff."""
