"""axe-core rules disabled in the site's accessibility checks, each with its reason.

Empty: every rule of axe-core runs on every page. A rule may be added here only with the reason
it does not apply (or the issue that will fix it), so the exception is reviewed like code.
"""

from __future__ import annotations

#: rule id -> why it is disabled
DISABLED_RULES: dict[str, str] = {}
