"""Paging bounds, defined once for every layer: the API's routes declare them and the
repositories (``db/``) check them for callers that are not the API (the CLI, the planners).

Every list the API answers (entities, links, gap pages, the audit trail, supporters,
follow-ups, weak points) takes ``limit`` up to :data:`MAX_PAGE` rows; entity, gap and
follow-up lists take ``skip`` up to :data:`MAX_SKIP`. The supporters list has a smaller
``skip`` bound of its own (``db/support.py``): its page is a slice of a Cypher list, whose
bounds are 32-bit.
"""

from __future__ import annotations

#: The largest page (``limit``) of any list route. 1,000: what the supporters route and
#: the gap repository have always allowed; the other lists allowed 500, so every request
#: that was answered still is.
MAX_PAGE = 1_000
#: The most rows an entity, gap or follow-up list may pass over (``skip``).
MAX_SKIP = 10_000_000
