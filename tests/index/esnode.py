"""A test-side HTTP node for elasticsearch-py against osmem-server.

elasticsearch-py sends ``application/vnd.elasticsearch+json; compatible-with=N`` (and the
x-ndjson form for bulk); osmem-server answers 406 to those. This node rewrites the two
headers back to the plain media types. Real Elasticsearch needs nothing of the kind, so it
lives with the tests, not in the product.
"""

from __future__ import annotations

import re
from typing import Any

from elastic_transport import Urllib3HttpNode

_COMPAT = re.compile(r"application/vnd\.elasticsearch\+([a-z-]+)(;\s*compatible-with=\d+)?")


class PlainJsonNode(Urllib3HttpNode):
    def perform_request(self, method: str, target: str, body: bytes | None = None, **kwargs: Any) -> Any:
        headers = kwargs.get("headers")
        if headers is not None:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = _COMPAT.sub(r"application/\1", value)
            kwargs["headers"] = headers
        return super().perform_request(method, target, body, **kwargs)
