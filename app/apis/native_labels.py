"""Traffic beside the conversations of Gemini, Bedrock, Ollama and Cohere: embeddings, token
counts, model lists, reranking, OAuth token exchanges, Gemini Interactions runs, Ollama's
"is running" probe.

None of it is a conversation, so it is never shown as one: each exchange gets api `unknown`, the
provider, the model when the URL or body names it, and a one-line `summary` saying what happened
(`embed: 3 inputs -> 3 vectors x 768 dims`). An HTTP error keeps its summary and gains the error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import api_error
from app.apis.gemini import error_of, provider_for
from app.apis.native_parts import obj

Summarize = Callable[[Exchange, dict[str, Any], dict[str, Any]], str]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _embed_summary(inputs: int, vectors: list[Any]) -> str:
    dims = {len(v) for v in vectors if isinstance(v, list)}
    shape = f" x {dims.pop()} dims" if len(dims) == 1 else ""
    return f"embed: {plural(inputs, 'input')} -> {plural(len(vectors), 'vector')}{shape}"


# --- Gemini --------------------------------------------------------------------------------


def _gemini_embed(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    if isinstance(req.get("requests"), list):  # batchEmbedContents
        inputs = len(req["requests"])
        vectors = [obj(e).get("values") for e in resp.get("embeddings") or []]
    else:
        inputs = 1 if req else 0
        single = obj(resp.get("embedding")).get("values")
        vectors = [single] if single is not None else []
    return _embed_summary(inputs, vectors)


def _gemini_count(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    total = resp.get("totalTokens", resp.get("total_tokens"))
    return f"count tokens: {total} tokens" if total is not None else "count tokens"


def model_list(key: str) -> Summarize:
    def summarize(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
        models = resp.get(key)
        return (
            f"model list: {plural(len(models), 'model')}"
            if isinstance(models, list)
            else ("model list")
        )

    return summarize


def fixed(text: str) -> Summarize:
    return lambda ex, req, resp: text


def _gemini_interaction(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    who = req.get("agent") or resp.get("agent")
    status = resp.get("status")
    return (
        "interaction"
        + (f" with agent {who}" if isinstance(who, str) else "")
        + (f": {status}" if isinstance(status, str) else "")
    )


# --- Ollama --------------------------------------------------------------------------------


def _ollama_embed(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    if "embeddings" in resp or "input" in req:  # /api/embed: input may be a string or a list
        given = req.get("input")
        inputs = len(given) if isinstance(given, list) else int(given is not None)
        return _embed_summary(inputs, list(resp.get("embeddings") or []))
    vector = resp.get("embedding")  # legacy /api/embeddings: one prompt, one vector
    return _embed_summary(int("prompt" in req), [vector] if vector is not None else [])


def _ollama_named(verb: str) -> Summarize:
    def summarize(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
        name = req.get("model") or req.get("name")
        status = resp.get("status")
        tail = f" ({status})" if isinstance(status, str) else ""
        return f"{verb} {name}{tail}" if name else verb

    return summarize


def _ollama_running(ex: Exchange) -> bool:
    return ex.raw.request.method == "GET" and ex.response_text.startswith("Ollama is running")


# --- Cohere and Bedrock --------------------------------------------------------------------


def _cohere_embed(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    given = req.get("texts") or req.get("inputs") or req.get("images") or []
    vectors = resp.get("embeddings")
    if isinstance(vectors, dict):  # v2 groups vectors by type: {"float": [[...], ...]}
        vectors = next(iter(vectors.values()), [])
    return _embed_summary(len(given) if isinstance(given, list) else 1, list(vectors or []))


def _cohere_rerank(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    docs = req.get("documents")
    results = resp.get("results")
    n_docs = len(docs) if isinstance(docs, list) else 0
    n_res = len(results) if isinstance(results, list) else 0
    return f"rerank: {plural(n_docs, 'document')} -> {plural(n_res, 'result')}"


def _bedrock_count(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    total = resp.get("inputTokens")
    return f"count tokens: {total} input tokens" if total is not None else "count tokens"


@dataclass(frozen=True, slots=True)
class Rule:
    """A path pattern; group 1, when present, is the model named in the URL. `when` narrows a
    path too generic to claim alone (`GET /`) by what the exchange holds."""

    pattern: re.Pattern[str]
    summarize: Summarize
    when: Callable[[Exchange], bool] | None = None

    def matches(self, ex: Exchange) -> bool:
        return self.pattern.search(ex.path) is not None and (self.when is None or self.when(ex))


@dataclass(slots=True)
class LabelDecoder:
    name: str
    provider: str
    rules: tuple[Rule, ...]
    hosts: tuple[str, ...] = ()  # when set, only these hosts (paths alone are too generic)

    def _rule(self, ex: Exchange) -> Rule | None:
        if self.hosts and not any(h in ex.host for h in self.hosts):
            return None
        return next((r for r in self.rules if r.matches(ex)), None)

    def detect(self, ex: Exchange) -> bool:
        return self._rule(ex) is not None

    def decode(self, ex: Exchange) -> Decoded:
        rule = self._rule(ex)
        provider = provider_for(ex) if self.provider == "google" else self.provider
        out = Decoded(api="unknown", provider=provider)
        req, resp = obj(ex.request_json), obj(ex.response_json)
        match = rule.pattern.search(ex.path) if rule else None
        if match and match.groups() and match.group(1):
            out.model = unquote(match.group(1))
        model = req.get("model")
        if out.model is None and isinstance(model, str):
            out.model = model
        if rule is not None:
            out.summary = rule.summarize(ex, req, resp)
        google = error_of(resp) if self.provider == "google" else None  # Google's own shape
        out.error = google or api_error(resp, ex.status)
        if out.error is not None and out.summary:
            out.summary += " -> error"
        return out


GEMINI_OTHER = LabelDecoder(
    "gemini.other",
    "google",
    (
        Rule(re.compile(r"/([^/:]+):(?:batchEmbedContents|embedContent)$"), _gemini_embed),
        Rule(re.compile(r"/([^/:]+):countTokens$"), _gemini_count),
        Rule(re.compile(r"/v1(?:beta\d*)?/models$"), model_list("models")),
        Rule(re.compile(r"/publishers/google/models$"), model_list("publisherModels")),
        Rule(re.compile(r"^/token$|/oauth2/v\d/token$"), fixed("Google OAuth token exchange")),
        Rule(re.compile(r"/v1(?:beta\d*)?/interactions(?:/[^/:]+)?$"), _gemini_interaction),
    ),
    hosts=("googleapis.com",),
)

OLLAMA_OTHER = LabelDecoder(
    "ollama.other",
    "ollama",
    (
        Rule(re.compile(r"/api/embed(?:dings)?$"), _ollama_embed),
        Rule(re.compile(r"/api/tags$"), model_list("models")),
        Rule(re.compile(r"/api/ps$"), model_list("models")),
        Rule(re.compile(r"/api/show$"), _ollama_named("model info:")),
        Rule(re.compile(r"/api/pull$"), _ollama_named("pull")),
        Rule(re.compile(r"/api/push$"), _ollama_named("push")),
        Rule(re.compile(r"/api/create$"), _ollama_named("create")),
        Rule(re.compile(r"/api/delete$"), _ollama_named("delete")),
        Rule(re.compile(r"/api/copy$"), fixed("copy model")),
        Rule(re.compile(r"/api/version$"), fixed("server version")),
        Rule(re.compile(r"^/$"), fixed("server status: Ollama is running"), _ollama_running),
    ),
)

COHERE_OTHER = LabelDecoder(
    "cohere.other",
    "cohere",
    (
        Rule(re.compile(r"/v[12]/embed$"), _cohere_embed),
        Rule(re.compile(r"/v[12]/rerank$"), _cohere_rerank),
        Rule(re.compile(r"/v1/models$"), model_list("models")),
    ),
    hosts=("cohere",),
)

BEDROCK_OTHER = LabelDecoder(
    "bedrock.other",
    "bedrock",
    (Rule(re.compile(r"/model/([^/]+)/count-tokens$"), _bedrock_count),),
)
