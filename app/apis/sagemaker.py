"""Text generation served by Hugging Face TGI: self-hosted (`/generate`, `/generate_stream`)
and behind Amazon SageMaker endpoints (`/endpoints/{name}/invocations`).

Both take `{inputs, parameters}` and answer in TGI's shapes (read by `other_llms.hf_read`),
or in the older SageMaker JumpStart ones (`text_inputs`, `generated_texts`, Llama-2 chat's
`inputs: [[{role, content}]]`). SageMaker's response stream wraps the container's own SSE bytes
in AWS event-stream `PayloadPart` frames, split anywhere; the frames are joined back into the
SSE text the container sent and decoded like a direct TGI stream.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import unquote

from app.apis import openai_chat
from app.apis.base import Decoded, Exchange, make_exchange
from app.apis.native_parts import obj
from app.apis.other_llms import hf_read
from app.apis.prompt_decoder import PromptDecoder, user_prompt
from app.model import Message
from app.streams import detect_framing, frame

_ENDPOINT = re.compile(r"/endpoints/([^/]+)/(invocations|invocations-response-stream)$")
_TGI = re.compile(r"/(generate|generate_stream)$")


def _prompt(req: dict[str, Any]) -> list[Message]:
    inputs = req.get("inputs", req.get("text_inputs"))
    if isinstance(inputs, list) and inputs and isinstance(inputs[0], list):
        return openai_chat.request_messages(inputs[0])  # JumpStart Llama-2 chat dialogs
    if "messages" in req:
        return openai_chat.request_messages(req.get("messages"))
    return user_prompt(inputs)


def _endpoint(ex: Exchange, req: dict[str, Any]) -> str | None:
    match = _ENDPOINT.search(ex.path)
    return unquote(match.group(1)) if match else None


TGI = PromptDecoder(
    "tgi.generate",
    "tgi",
    lambda ex: _TGI.search(ex.path) is not None and "inputs" in obj(ex.request_json),
    _prompt,
    hf_read,
)
_SAGEMAKER_TEXT = PromptDecoder(
    "sagemaker.invoke",
    "sagemaker",
    lambda ex: "sagemaker" in ex.host and _ENDPOINT.search(ex.path) is not None,
    _prompt,
    hf_read,
    _endpoint,
)


class SageMakerInvoke:
    name = "sagemaker.invoke"

    def detect(self, ex: Exchange) -> bool:
        return _SAGEMAKER_TEXT.detect(ex)

    def decode(self, ex: Exchange) -> Decoded:
        return _SAGEMAKER_TEXT.decode(_unwrapped(ex))


def _unwrapped(ex: Exchange) -> Exchange:
    """The exchange with an event-stream body replaced by the payload bytes it carries."""
    body = ex.raw.response.body or b""
    if detect_framing(body, ex.response_content_type) != "aws-eventstream":
        return ex
    inner = "".join(fr.data for fr in frame(body, "aws-eventstream").frames).encode()
    kept = [(k, v) for k, v in ex.raw.response.headers if k.lower() != "content-type"]
    headers = (*kept, ("Content-Type", "text/event-stream"))
    response = dataclasses.replace(ex.raw.response, body=inner, headers=headers)
    return make_exchange(dataclasses.replace(ex.raw, response=response))


SAGEMAKER = SageMakerInvoke()
