"""Big kept answers compressed once, not once a request.

A kept answer (a gap page, a network, the map's places: see ``AsyncReads.read_kept_json``)
is the same bytes until the graph changes, and the map of a district is ~5 MB of JSON:
gzip at level 6 took ~100 ms of the event loop for every request of it. An answer of at
least :data:`MIN_BYTES` is compressed the first time a client that takes gzip asks, in a
worker thread, and the result is kept (:data:`KEPT` answers, by a digest of the bytes)
for the next. Smaller answers are left to the app's gzip middleware, which leaves an
answer that already says its ``Content-Encoding`` alone.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

MIN_BYTES = 64 * 1024
#: how many compressed answers are kept (the newest used; at most ~1 MB each for a district)
KEPT = 32
LEVEL = 6

_kept: OrderedDict[bytes, bytes] = OrderedDict()
_lock = threading.Lock()


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` field admits gzip (not at ``q=0``).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip("")
    (True, False, False)
    >>> accepts_gzip("*"), accepts_gzip("identity, *;q=0.5")
    (True, True)
    """
    for coding in accept_encoding.lower().split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip() not in ("gzip", "*"):
            continue
        weight = params.strip()
        try:
            return float(weight.removeprefix("q=")) > 0 if weight.startswith("q=") else True
        except ValueError:
            return False
    return False


def gzipped(body: bytes) -> bytes:
    """``body`` compressed, from the kept ones when it was compressed before.

    >>> import gzip as g; data = b'{"places": []}' * 10_000
    >>> g.decompress(gzipped(data)) == data, gzipped(data) is gzipped(data)
    (True, True)
    """
    digest = hashlib.blake2b(body, digest_size=16).digest()
    with _lock:
        packed = _kept.get(digest)
        if packed is not None:
            _kept.move_to_end(digest)
            return packed
    packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    with _lock:
        _kept[digest] = packed
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return packed


class KeptJSON(Response):
    """A kept answer's JSON: sent compressed once (:func:`gzipped`) to a client that takes
    gzip, as it is to one that does not."""

    media_type = "application/json"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if len(self.body) >= MIN_BYTES:
            vary = self.headers.get("vary")
            self.headers["vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
            if accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
                self.body = await to_thread.run_sync(gzipped, bytes(self.body))
                self.headers["content-encoding"] = "gzip"
                self.headers["content-length"] = str(len(self.body))
        await super().__call__(scope, receive, send)
