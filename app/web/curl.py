"""The recorded request as a curl command a reader can paste, without any secret in it.

Secret headers are left out and replaced by a variable the reader fills in; the URL is already
masked by the decoder. Transport headers curl sets itself are dropped.
"""

from __future__ import annotations

import shlex

from app.model import Interaction
from app.secrets import is_secret_header

_SKIP = {"content-length", "host", "accept-encoding", "connection", "transfer-encoding"}
_PREFIX = {"authorization": "Bearer ", "proxy-authorization": "Bearer "}
# A body past this size is not inlined: the page would carry it twice (8 MB of base64 became a
# 16 MB page); the command reads it from a file the reader saves from the JSON view instead.
INLINE_BODY_LIMIT = 100_000


def curl_command(inter: Interaction) -> str:
    lines = [f"curl -X {shlex.quote(inter.method)} {shlex.quote(inter.url)}"]
    hinted = False
    for name, value in inter.request_headers:
        lname = name.lower()
        if lname in _SKIP:
            continue
        if is_secret_header(name):
            if not hinted:  # one credential is enough to say where the key goes
                fixed = shlex.quote(f"{name}: {_PREFIX.get(lname, '')}")
                lines.append(f'-H {fixed}"$API_KEY"')
                hinted = True
            continue
        lines.append(f"-H {shlex.quote(f'{name}: {value}')}")
    if inter.request_body and len(inter.request_body) > INLINE_BODY_LIMIT:
        size = f"{len(inter.request_body):,}"
        lines.append(f"--data-binary @request-body.json  # the {size}-character request body")
    elif inter.request_body:
        lines.append(f"--data-raw {shlex.quote(inter.request_body)}")
    return " \\\n  ".join(lines)
