"""A bare error body saved without its request (`{"error": {...}}`), as test suites keep them.

No URL says which API failed, so the body's own dialect does: Anthropic wraps its error in
`{"type": "error"}`, Google's carry an upper-case `status` and a numeric `code`, and the rest
(OpenAI and the many servers that copy it) are left `unknown` rather than guessed. Either way
the error is the interaction's error, not an empty answer.
"""

from __future__ import annotations

from app.apis.base import Decoded, Exchange, response_only
from app.apis.chat_parts import api_error
from app.apis.native_parts import obj


class ErrorBody:
    name = "error"

    def detect(self, ex: Exchange) -> bool:
        return response_only(ex, "error") and api_error(ex.response_json) is not None

    def decode(self, ex: Exchange) -> Decoded:
        doc = obj(ex.response_json)
        error = obj(doc.get("error"))
        if doc.get("type") == "error":
            out = Decoded(api="anthropic.messages", provider="anthropic")
        elif isinstance(error.get("code"), int) and str(error.get("status", "")).isupper():
            out = Decoded(api="gemini.generate", provider="google")
        else:
            out = Decoded(api="unknown")
        out.error = api_error(doc)
        return out


DECODER = ErrorBody()
