"""How long browsers and CloudFront may keep each file of the built site: one rule for the
local server (handler/local_server.py) and the publication (infra/README.md, « Publish the
site », whose `aws s3` filters a test compares with this rule).

- A file whose name carries its content's hash (Material's `bundle.a5f9d56c.min.js`, ours
  written by site/finalize.py) never changes under that name: one year, `immutable`.
- Everything else (pages, rules.json, the search index, images) may change at the next
  publication: the browser revalidates at each use (`max-age=0`, an ETag makes that a 304),
  CloudFront keeps it a day (`s-maxage`, its managed policy CachingOptimized's default TTL) until
  the publication's invalidation.
"""

from __future__ import annotations

import re

HASHED_NAME = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, s-maxage=86400"


def cache_control(path: str) -> str:
    """The Cache-Control header of a site file, from its path."""
    return IMMUTABLE if HASHED_NAME.search(path) else REVALIDATE
