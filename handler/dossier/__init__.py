"""One dossier, as both sides see it: number, summary and PDF, emails, follow-up, summary index;
may use handler.platform and shared_rules, never candidats or staff."""
