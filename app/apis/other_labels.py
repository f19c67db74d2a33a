"""Traffic around the APIs of `other_llms`, `replicate` and OpenAI that is not a conversation:
model and version lookups, IBM Cloud tokens, watsonx spaces, projects and instances, and the
set-up of an OpenAI Realtime WebRTC call.

As in `native_labels`, each gets api `unknown`, its provider, the model when the URL names it,
and a one-line `summary`, so a recording that mixes them with generations reads as a sequence
of steps rather than as unknown requests.
"""

from __future__ import annotations

import re
from typing import Any

from app.apis.base import Exchange
from app.apis.native_labels import LabelDecoder, Rule, fixed, model_list, plural
from app.apis.native_parts import obj


def _spaces(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    spaces = resp.get("resources")
    return f"space list: {plural(len(spaces), 'space')}" if isinstance(spaces, list) else "spaces"


def _version(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    version = ex.path.rstrip("/").rsplit("/", 1)[-1]
    return f"model version {version[:12]}"


def _hf_model(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    task = resp.get("pipeline_tag")
    revision = re.search(r"/revision/([^/]+)/?$", ex.path)
    return (
        "model info"
        + (f" at revision {revision.group(1)}" if revision else "")
        + (f" ({task})" if isinstance(task, str) else "")
    )


def _ibm_project(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    name = obj(resp.get("entity")).get("name")
    return f"project {name!r}" if isinstance(name, str) else "project"


def _ibm_instance(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    entity = obj(resp.get("entity"))
    plan, status = obj(entity.get("plan")).get("name"), entity.get("status")
    details = ", ".join(str(v) for v in (plan and f"plan {plan}", status) if v)
    return "service instance" + (f" ({details})" if details else "")


_SESSION_MODEL = re.compile(rb'"model"\s*:\s*"([^"]+)"')


def _realtime_call(ex: Exchange, req: dict[str, Any], resp: dict[str, Any]) -> str:
    """The request is multipart (an SDP offer and a session JSON part), so JSON parsing saw
    nothing: the model is read from the session part's text."""
    match = _SESSION_MODEL.search(ex.raw.request.body or b"")
    model = f" with {match.group(1).decode('utf-8', 'replace')}" if match else ""
    return f"realtime WebRTC call set up{model} (SDP offer -> answer)"


REPLICATE_OTHER = LabelDecoder(
    "replicate.other",
    "replicate",
    (
        Rule(re.compile(r"^/v1/models/([^/]+/[^/]+)/versions/[^/]+/?$"), _version),
        Rule(re.compile(r"^/v1/models/([^/]+/[^/]+)/?$"), fixed("model info")),
        Rule(re.compile(r"^/v1/models/?$"), model_list("results")),
        Rule(re.compile(r"^/v1/predictions/[^/]+/cancel/?$"), fixed("cancel prediction")),
    ),
    hosts=("api.replicate.com",),
)

HUGGINGFACE_OTHER = LabelDecoder(
    "huggingface.other",
    "huggingface",
    (Rule(re.compile(r"^/api/models/(.+?)(?:/revision/[^/]+)?/?$"), _hf_model),),
    hosts=("huggingface.co",),
)

WATSONX_OTHER = LabelDecoder(
    "watsonx.other",
    "ibm",
    (
        Rule(re.compile(r"/foundation_model_specs$"), model_list("resources")),
        Rule(re.compile(r"^/identity/token$|^/oidc/token$"), fixed("IBM Cloud IAM token")),
        Rule(re.compile(r"^/v2/spaces$"), _spaces),
        Rule(re.compile(r"^/v2/projects/[^/]+$"), _ibm_project),
        Rule(re.compile(r"^/ml/v4/instances/[^/]+$"), _ibm_instance),
    ),
    hosts=("cloud.ibm.com",),
)

OPENAI_OTHER = LabelDecoder(
    "openai.info",
    "openai",
    (
        Rule(re.compile(r"^/v1/models/([^/]+)$"), fixed("model info")),
        Rule(re.compile(r"^/v1/realtime/calls$"), _realtime_call),
        Rule(
            re.compile(r"^/v1/realtime/(?:client_secrets|sessions)$"),
            fixed("realtime session credentials"),
        ),
    ),
    hosts=("api.openai.com",),
)
