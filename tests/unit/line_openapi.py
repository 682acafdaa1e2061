"""Validate LINE Messaging API payloads against LINE's own OpenAPI descriptions (tests only).

Used by the fake LINE API of the tests (tests/unit/fake_line_server.py) and the LINE tests;
not part of the bot: the running channel needs no spec files.

LINE publishes its API as OpenAPI 3 (``messaging-api.yml`` for what we send,
``webhook.yml`` for what LINE sends us).  Plain ``jsonschema`` cannot use those
files as they are, because LINE models its polymorphic objects (Message,
Action, Event, Source, ...) with OpenAPI's ``discriminator``:

    Message:            {properties: {type: ...}, discriminator: {propertyName: type,
                         mapping: {text: TextMessage, image: ImageMessage, ...}}}
    TextMessage:        {allOf: [{$ref: Message}, {properties: {text: ...}}]}

JSON Schema ignores ``discriminator``, so ``items: {$ref: Message}`` would only
check the common ``type``/``quickReply`` fields and accept a text message
without ``text``.  This module compiles the components into a plain JSON Schema
(Draft 7) document in which:

* every schema that has a discriminator (the *parent*) becomes a dispatcher:
  the discriminator property is required, must be one of the mapping keys, and
  ``if type == k then $ref <subtype k>`` is applied for every mapping entry;
* the parent's original body is kept as ``<Parent>__base``, and the subtypes'
  ``allOf: [$ref Parent]`` are pointed at that base (otherwise a subtype would
  dispatch to itself forever);
* OpenAPI's ``nullable: true`` becomes ``type: [T, "null"]``.

On top of the spec, ``strict=True`` (the default) also applies a few limits that
LINE documents in its API reference but that are not in the OpenAPI files (text
message 5000 characters, action label 20, quick reply ``displayText`` required,
rich menu fields required, ...); see ``DOCUMENTED_LIMITS``.

The spec files are not vendored: they are looked up in ``$LINE_OPENAPI_DIR``,
then in ``<repo>/../shared/line-openapi`` (the project's shared folder).
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional

import yaml
from jsonschema import Draft7Validator

MESSAGING_API = "messaging-api.yml"
WEBHOOK = "webhook.yml"

_REF_PREFIX = "#/components/schemas/"
_BASE_SUFFIX = "__base"

# Limits from LINE's Messaging API reference (developers.line.biz/en/reference/
# messaging-api/) that the OpenAPI files do not encode.  Each entry is an extra
# JSON Schema that the component must also satisfy when ``strict`` is on.
DOCUMENTED_LIMITS: Dict[str, Dict[str, Any]] = {
    # Text message: "Max character limit: 5000".
    "TextMessage": {
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 5000}}
    },
    # Quick reply: items is required, 1..13 buttons (13 is also in the spec).
    "QuickReply": {
        "required": ["items"],
        "properties": {"items": {"minItems": 1, "maxItems": 13}},
    },
    # Quick reply button: type "action" and action are required; the label is
    # required (max 20); a postback action needs displayText; a rich menu
    # switch action cannot be used in a quick reply.
    "QuickReplyItem": {
        "required": ["type", "action"],
        "properties": {
            "type": {"const": "action"},
            "action": {
                "required": ["type", "label"],
                "properties": {
                    "label": {"type": "string", "minLength": 1, "maxLength": 20},
                    "type": {"not": {"const": "richmenuswitch"}},
                },
                "if": {"properties": {"type": {"const": "postback"}}},
                "then": {"required": ["displayText"]},
            },
        },
    },
    # Postback action: data is required (max 300 is in the spec), label max 20,
    # displayText max 300; displayText and text cannot both be set.
    "PostbackAction": {
        "required": ["data"],
        "properties": {
            "label": {"type": "string", "maxLength": 20},
            "displayText": {"type": "string", "minLength": 1, "maxLength": 300},
        },
        "not": {"required": ["displayText", "text"]},
    },
    # Message action: label max 20, text required (max 300).
    "MessageAction": {
        "required": ["text"],
        "properties": {
            "label": {"type": "string", "maxLength": 20},
            "text": {"type": "string", "minLength": 1, "maxLength": 300},
        },
    },
    # URI action: label max 20, uri required (max 1000).
    "URIAction": {
        "required": ["uri"],
        "properties": {
            "label": {"type": "string", "maxLength": 20},
            "uri": {"type": "string", "minLength": 1, "maxLength": 1000},
        },
    },
    # Rich menu object: all top-level properties are required; at most 20 areas.
    "RichMenuRequest": {
        "required": ["size", "selected", "name", "chatBarText", "areas"],
        "properties": {"areas": {"minItems": 1, "maxItems": 20}},
    },
    # Rich menu size: width 800..2500 px, height at least 250 px.
    "RichMenuSize": {
        "required": ["width", "height"],
        "properties": {
            "width": {"minimum": 800, "maximum": 2500},
            "height": {"minimum": 250},
        },
    },
    "RichMenuArea": {"required": ["bounds", "action"]},
    "RichMenuBounds": {"required": ["x", "y", "width", "height"]},
}


class SpecNotFound(FileNotFoundError):
    """The LINE OpenAPI files could not be found."""


class PayloadInvalid(ValueError):
    """A payload does not satisfy the named schema; ``errors`` lists why."""

    def __init__(self, schema_name: str, errors: List[str]) -> None:
        self.schema_name = schema_name
        self.errors = errors
        shown = "\n  ".join(errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(f"payload is not a valid {schema_name}:\n  {shown}{more}")


def _candidate_dirs() -> Iterable[Path]:
    env = os.environ.get("LINE_OPENAPI_DIR")
    if env:
        yield Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    yield repo_root.parent / "shared" / "line-openapi"
    yield repo_root / "shared" / "line-openapi"


def find_spec_dir() -> Path:
    """Returns the folder holding LINE's OpenAPI files or raises ``SpecNotFound``."""
    tried = []
    for candidate in _candidate_dirs():
        tried.append(str(candidate))
        if (candidate / MESSAGING_API).is_file():
            return candidate
    raise SpecNotFound(
        "LINE OpenAPI files (messaging-api.yml, webhook.yml) not found; set "
        "LINE_OPENAPI_DIR. Tried: " + ", ".join(tried)
    )


def _openapi_to_jsonschema(node: Any) -> Any:
    """Recursively converts the OpenAPI-3.0-only keywords of a schema."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _openapi_to_jsonschema(value) for key, value in node.items()}
    # Only a literal ``nullable: true`` is the keyword; a property *named*
    # "nullable" would be a schema (a dict). Annotations (example,
    # externalDocs, ...) are ignored by jsonschema and left alone.
    if out.get("nullable") is True:
        del out["nullable"]
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
    return out


def compile_components(
    schemas: Mapping[str, Any], strict: bool = True
) -> Dict[str, Any]:
    """Compiles OpenAPI component schemas into plain JSON Schema definitions.

    Returns a new mapping name → schema whose ``$ref``s point into
    ``#/components/schemas/`` of the same document (see module docstring).
    """
    out: Dict[str, Any] = {
        name: _openapi_to_jsonschema(copy.deepcopy(schema))
        for name, schema in schemas.items()
    }
    parents = {
        name: schema["discriminator"]
        for name, schema in out.items()
        if isinstance(schema, dict) and isinstance(schema.get("discriminator"), dict)
    }

    # 1. Subtypes extend the parent's *base*, not the dispatcher.
    for parent, disc in parents.items():
        parent_ref = _REF_PREFIX + parent
        for target in disc.get("mapping", {}).values():
            sub = out.get(target.rsplit("/", 1)[-1])
            if not isinstance(sub, dict):
                continue
            for item in sub.get("allOf", []):
                if isinstance(item, dict) and item.get("$ref") == parent_ref:
                    item["$ref"] = _REF_PREFIX + parent + _BASE_SUFFIX

    # 2. Parents become dispatchers over their mapping.
    for parent, disc in parents.items():
        base = {k: v for k, v in out[parent].items() if k != "discriminator"}
        out[parent + _BASE_SUFFIX] = base
        prop = disc["propertyName"]
        mapping = disc.get("mapping", {})
        branches: List[Dict[str, Any]] = [
            {"$ref": _REF_PREFIX + parent + _BASE_SUFFIX},
            {"required": [prop]},
            {"properties": {prop: {"enum": sorted(mapping)}}},
        ]
        for value, target in sorted(mapping.items()):
            branches.append(
                {
                    "if": {"properties": {prop: {"const": value}}, "required": [prop]},
                    "then": {"$ref": target},
                }
            )
        out[parent] = {"description": f"{parent} (by {prop})", "allOf": branches}

    # 3. Limits documented by LINE but missing from the spec.
    if strict:
        for name, extra in DOCUMENTED_LIMITS.items():
            if name in out:
                out[name] = {"allOf": [out[name], copy.deepcopy(extra)]}
    return out


@functools.lru_cache(maxsize=8)
def _load_components(spec_file: str, strict: bool) -> Dict[str, Any]:
    with open(spec_file, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return compile_components(document["components"]["schemas"], strict=strict)


class LineSchemas:
    """Compiled component schemas of one LINE OpenAPI file."""

    def __init__(self, spec_file: Path, strict: bool = True) -> None:
        self.spec_file = Path(spec_file)
        self.strict = strict
        self.schemas = _load_components(str(self.spec_file.resolve()), strict)
        self._validators: Dict[str, Draft7Validator] = {}

    @classmethod
    def messaging_api(
        cls, spec_dir: Optional[Path] = None, strict: bool = True
    ) -> "LineSchemas":
        return cls(Path(spec_dir or find_spec_dir()) / MESSAGING_API, strict)

    @classmethod
    def webhook(cls, spec_dir: Optional[Path] = None, strict: bool = True) -> "LineSchemas":
        return cls(Path(spec_dir or find_spec_dir()) / WEBHOOK, strict)

    def names(self) -> List[str]:
        return sorted(n for n in self.schemas if not n.endswith(_BASE_SUFFIX))

    def validator(self, name: str) -> Draft7Validator:
        if name not in self.schemas:
            raise KeyError(f"{name} is not a component schema of {self.spec_file.name}")
        if name not in self._validators:
            document = {
                "allOf": [{"$ref": _REF_PREFIX + name}],
                "components": {"schemas": self.schemas},
            }
            self._validators[name] = Draft7Validator(document)
        return self._validators[name]

    def errors(self, name: str, payload: Any) -> List[str]:
        """All validation errors, innermost first, as ``path: message`` strings."""
        found: List[str] = []

        def walk(error: Any) -> None:
            if error.context:
                for sub in error.context:
                    walk(sub)
                return
            path = "/".join(str(p) for p in error.absolute_path) or "(root)"
            message = error.message
            if len(message) > 200:  # messages quote the value: keep them short
                message = message[:120] + " … " + message[-60:]
            found.append(f"{path}: {message}")

        for error in self.validator(name).iter_errors(payload):
            walk(error)
        return sorted(set(found))

    def is_valid(self, name: str, payload: Any) -> bool:
        return self.validator(name).is_valid(payload)

    def validate(self, name: str, payload: Any) -> None:
        """Raises ``PayloadInvalid`` unless ``payload`` is a valid ``name``."""
        errors = self.errors(name, payload)
        if errors:
            raise PayloadInvalid(name, errors)


def validate_messaging(name: str, payload: Any, strict: bool = True) -> None:
    """Validates against a component of messaging-api.yml, e.g. ReplyMessageRequest."""
    LineSchemas.messaging_api(strict=strict).validate(name, payload)


def validate_webhook(payload: Any, name: str = "CallbackRequest", strict: bool = True) -> None:
    """Validates a webhook body (or another webhook.yml component)."""
    LineSchemas.webhook(strict=strict).validate(name, payload)


def main(argv: Optional[List[str]] = None) -> int:
    """``python tests/unit/line_openapi.py SCHEMA FILE.json [--webhook]``."""
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("schema", help="component name, e.g. ReplyMessageRequest")
    parser.add_argument("file", help="JSON file to validate ('-' for stdin)")
    parser.add_argument("--webhook", action="store_true", help="use webhook.yml")
    parser.add_argument("--spec-only", action="store_true", help="skip DOCUMENTED_LIMITS")
    args = parser.parse_args(argv)
    raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    factory = LineSchemas.webhook if args.webhook else LineSchemas.messaging_api
    try:
        factory(strict=not args.spec_only).validate(args.schema, json.loads(raw))
    except PayloadInvalid as error:
        print(error, file=sys.stderr)
        return 1
    print(f"ok: valid {args.schema}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
