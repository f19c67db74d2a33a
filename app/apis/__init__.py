"""The decoder registry: pick the API of each raw exchange and decode it into an Interaction.

Decoders are tried in order; the first whose `detect` says yes decodes. Whatever a decoder does,
the exchange comes out as an Interaction: a decoder that raises leaves the raw view and a
visible warning, never an error page. Masking and cost estimates are done here, once, so no
decoder can forget them.
"""

from __future__ import annotations

import base64
import dataclasses

from app import secrets, usage
from app.apis import (
    anthropic,
    batches,
    bedrock_converse,
    bedrock_invoke,
    bedrock_rag,
    cloudflare,
    cohere,
    cohere_v1,
    error_body,
    gemini,
    native_labels,
    ollama,
    openai_assistants,
    openai_audio,
    openai_chat,
    openai_legacy,
    openai_realtime,
    openai_responses,
    other_labels,
    other_llms,
    replicate,
    sagemaker,
)
from app.apis.base import Decoded, Decoder, Exchange, header, make_exchange, url_error
from app.formats.base import RawInteraction
from app.model import ApiError, Chunk, Interaction, Note

# Order matters only where two decoders could both claim an exchange: the more specific first.
DECODERS: tuple[Decoder, ...] = (
    openai_realtime.DECODER,
    batches.DECODER,
    openai_audio.DECODER,
    anthropic.BEDROCK_INVOKE,
    bedrock_invoke.DECODER,
    anthropic.DECODER,
    openai_responses.DECODER,
    openai_chat.DECODER,
    openai_legacy.COMPLETIONS,
    openai_legacy.EMBEDDINGS,
    openai_legacy.OTHER,
    gemini.DECODER,
    native_labels.GEMINI_OTHER,
    bedrock_converse.DECODER,
    native_labels.BEDROCK_OTHER,
    ollama.CHAT,
    ollama.GENERATE,
    native_labels.OLLAMA_OTHER,
    cohere.DECODER,
    cohere_v1.CHAT,
    cohere_v1.GENERATE,
    native_labels.COHERE_OTHER,
    openai_assistants.DECODER,
    other_labels.OPENAI_OTHER,
    other_llms.ANTHROPIC_COMPLETE,
    other_llms.ALEPH_ALPHA,
    other_llms.WATSONX,
    other_labels.WATSONX_OTHER,
    other_llms.HUGGINGFACE,
    sagemaker.TGI,
    sagemaker.SAGEMAKER,
    other_labels.HUGGINGFACE_OTHER,
    replicate.DECODER,
    other_labels.REPLICATE_OTHER,
    bedrock_rag.DECODER,
    cloudflare.DECODER,
    error_body.DECODER,
)


def detect(ex: Exchange) -> Decoder | None:
    for dec in DECODERS:
        try:
            if dec.detect(ex):
                return dec
        except Exception:  # a broken detector must not hide the other decoders
            continue
    return None


def decode_interaction(raw: RawInteraction) -> Interaction:
    """The Interaction every output shows: decoded, then masked as a whole (app.secrets)."""
    return secrets.mask_interaction(decode_unmasked(raw))


def decode_unmasked(raw: RawInteraction) -> Interaction:
    """Decoded with every secret still in clear: for lint, which reports them, and nothing else.

    Never raises: one interaction that breaks decoding is that interaction's error, and the
    rest of its file is decoded as usual."""
    try:
        return _decode_unmasked(raw)
    except Exception as exc:
        return Interaction(
            index=raw.index,
            id=raw.id,
            method=raw.request.method,
            url=raw.request.url,
            status=raw.response.status,
            duration_ms=raw.duration_ms,
            recorded_at=raw.recorded_at,
            request_headers=raw.request.headers,
            response_headers=raw.response.headers,
            error=ApiError("undecodable", f"could not be decoded ({type(exc).__name__}: {exc})"),
        )


def _decode_unmasked(raw: RawInteraction) -> Interaction:
    ex = make_exchange(raw)
    dec = detect(ex)
    warnings: list[Note] = []
    decoded: Decoded | None = None
    if dec is not None:
        try:
            decoded = dec.decode(ex)
        except Exception as exc:  # shown raw, with the reason, rather than failing the file
            warnings.append(Note(f"{dec.name} decoder failed: {type(exc).__name__}: {exc}"))
            decoded = Decoded(api=dec.name)
    if decoded is None:
        decoded = Decoded(api="unknown", provider=provider_from_host(ex.host))
    error = decoded.error
    bad_url = url_error(raw.request.url)
    if bad_url is not None:
        error = ApiError("bad_url", bad_url)
    status = raw.response.status
    if error is None and status is not None and status >= 400:
        error = ApiError(type=f"http_{status}", message=_snippet(ex.response_text))
    use = usage.with_cost(decoded.usage, decoded.model, decoded.provider, raw.recorded_at)
    return Interaction(
        index=raw.index,
        id=raw.id,
        method=raw.request.method,
        url=raw.request.url,
        status=status,
        duration_ms=raw.duration_ms,
        recorded_at=raw.recorded_at,
        api=decoded.api,
        provider=decoded.provider or provider_from_host(ex.host),
        upstream_provider=decoded.upstream_provider,
        model=decoded.model,
        streaming=decoded.streaming,
        request_headers=raw.request.headers,
        response_headers=raw.response.headers,
        messages=tuple(decoded.messages),
        tools=tuple(decoded.tools),
        response=decoded.response,
        finish_reason=decoded.finish_reason,
        finish_reason_raw=decoded.finish_reason_raw,
        usage=use,
        chunks=tuple(_timed(decoded, raw)),
        error=error,
        summary=decoded.summary,
        warnings=tuple(decoded.warnings) + tuple(warnings),
        request_body=body_text(raw.request.body),
        response_body=body_text(raw.response.body),
        response_id=decoded.response_id,
        previous_response_id=decoded.previous_response_id,
        alternatives=tuple(decoded.alternatives),
        logprobs=tuple(decoded.logprobs),
        response_format=decoded.response_format,
    )


def _timed(decoded: Decoded, raw: RawInteraction) -> list[Chunk]:
    """Attach recorded per-chunk offsets when the recorder kept them and counts agree."""
    times = raw.chunk_times
    if not times or len(times) != len(decoded.chunks):
        return list(decoded.chunks)
    return [dataclasses.replace(c, t_ms=t) for c, t in zip(decoded.chunks, times, strict=True)]


def body_text(body: bytes | None) -> str | None:
    """A body as text for the raw view: UTF-8 when it is, else base64 with a marker."""
    if body is None:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(body).decode("ascii")


def _snippet(text: str, limit: int = 500) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


# Hosts -> provider names, for exchanges no decoder claims and for decoders that ask.
_HOSTS = (
    ("openrouter.ai", "openrouter"),
    ("openai.azure.com", "azure"),
    ("azure.com", "azure"),
    ("api.openai.com", "openai"),
    ("anthropic.com", "anthropic"),
    ("generativelanguage.googleapis.com", "google"),
    ("aiplatform.googleapis.com", "vertex"),
    ("bedrock", "bedrock"),
    ("api.groq.com", "groq"),
    ("api.x.ai", "xai"),
    ("api.mistral.ai", "mistral"),
    ("api.deepseek.com", "deepseek"),
    ("api.together", "together"),
    ("api.cohere", "cohere"),
    ("api.perplexity.ai", "perplexity"),
    ("ai-gateway.vercel.sh", "vercel"),
    ("api.writer.com", "writer"),
    ("huggingface.co", "huggingface"),
    ("cloudflare.com", "cloudflare"),
    ("api.replicate.com", "replicate"),
)


def provider_from_host(host: str) -> str | None:
    for needle, name in _HOSTS:
        if needle in host:
            return name
    return None


__all__ = [
    "DECODERS",
    "Decoded",
    "Exchange",
    "decode_interaction",
    "decode_unmasked",
    "header",
    "provider_from_host",
]
