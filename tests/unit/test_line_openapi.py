"""tests/unit/line_openapi.py: LINE's OpenAPI files as real JSON Schema validation,
including the discriminator-based subtypes (Message → TextMessage, Action →
PostbackAction, Event → MessageEvent, ...)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from line_openapi import (
    DOCUMENTED_LIMITS,
    LineSchemas,
    PayloadInvalid,
    SpecNotFound,
    compile_components,
    find_spec_dir,
    main,
    validate_messaging,
    validate_webhook,
)

ROOT = Path(__file__).resolve().parents[2]
RICH_MENU = ROOT / "maina_rasa" / "channels" / "line" / "richmenu.json"
MESSAGING = LineSchemas.messaging_api()
MESSAGING_SPEC_ONLY = LineSchemas.messaging_api(strict=False)
WEBHOOK = LineSchemas.webhook()

USER = "U" + "1" * 32
DESTINATION = "U" + "a" * 32


def postback(label="なくした", data="/lost_card", display="なくした"):
    action = {"type": "postback", "label": label, "data": data}
    if display is not None:
        action["displayText"] = display
    return action


def reply(*messages, token="token"):
    return {"replyToken": token, "messages": list(messages)}


def text(value="こんにちは", **extra):
    return dict({"type": "text", "text": value}, **extra)


def quick(*actions):
    return {"items": [{"type": "action", "action": a} for a in actions]}


def errors(name, payload, schemas=MESSAGING):
    return schemas.errors(name, payload)


# --------------------------------------------------------------------------
# Loading and compiling


def test_spec_files_are_found_and_every_schema_compiles():
    spec_dir = find_spec_dir()
    assert (spec_dir / "messaging-api.yml").is_file() and (spec_dir / "webhook.yml").is_file()
    for schemas in (MESSAGING, WEBHOOK, MESSAGING_SPEC_ONLY):
        names = schemas.names()
        assert len(names) > 20
        for name in names:
            validator = schemas.validator(name)
            Draft7Validator.check_schema(validator.schema)
    assert {"ReplyMessageRequest", "PushMessageRequest", "RichMenuRequest"} <= set(MESSAGING.names())
    assert "CallbackRequest" in WEBHOOK.names()
    with pytest.raises(KeyError):
        MESSAGING.validator("NoSuchSchema")


def test_spec_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LINE_OPENAPI_DIR", str(tmp_path))
    # an empty folder is skipped in favour of the shared one
    assert find_spec_dir() != tmp_path
    monkeypatch.setenv("LINE_OPENAPI_DIR", str(find_spec_dir()))
    assert find_spec_dir() == Path(str(find_spec_dir()))


def test_missing_spec_is_a_clear_error(monkeypatch, tmp_path):
    import line_openapi as module

    monkeypatch.setattr(module, "_candidate_dirs", lambda: iter([tmp_path]))
    with pytest.raises(SpecNotFound, match="LINE_OPENAPI_DIR"):
        module.find_spec_dir()


def test_discriminator_parents_become_dispatchers():
    schemas = MESSAGING.schemas
    message = schemas["Message"]
    branches = [b for b in message["allOf"] if "if" in b]
    values = {b["if"]["properties"]["type"]["const"]: b["then"]["$ref"] for b in branches}
    assert values["text"] == "#/components/schemas/TextMessage"
    assert values["flex"] == "#/components/schemas/FlexMessage"
    # the subtype extends the parent's base, not the dispatcher (no endless loop)
    text_message = schemas["TextMessage"]
    refs = [part.get("$ref") for part in text_message["allOf"][0]["allOf"]]  # strict wraps once
    assert "#/components/schemas/Message__base" in refs
    assert "#/components/schemas/Message" not in refs
    assert "discriminator" not in schemas["Message__base"]


def test_compile_converts_nullable_and_leaves_property_names_alone():
    compiled = compile_components(
        {
            "Thing": {
                "type": "object",
                "properties": {
                    "nullable": {"type": "string"},  # a property called "nullable"
                    "maybe": {"type": "string", "nullable": True},
                    "example": {"type": "integer"},
                },
            }
        },
        strict=False,
    )
    props = compiled["Thing"]["properties"]
    assert props["maybe"]["type"] == ["string", "null"]
    assert props["nullable"] == {"type": "string"}
    assert props["example"] == {"type": "integer"}


# --------------------------------------------------------------------------
# Messages (ReplyMessageRequest / PushMessageRequest)


def test_valid_reply_with_quick_reply():
    buttons = quick(postback(), postback("期限", "/ask_my_expiry", "期限"))
    payload = reply(text("こんにちは"), text("どうする？", quickReply=buttons))
    assert errors("ReplyMessageRequest", payload) == []
    MESSAGING.validate("ReplyMessageRequest", payload)
    validate_messaging("ReplyMessageRequest", payload)


def test_subtype_fields_are_really_checked():
    # a text message without text: invalid only because TextMessage is resolved
    assert any("'text' is a required property" in e for e in errors("ReplyMessageRequest", reply({"type": "text"})))
    found = errors("ReplyMessageRequest", reply({"type": "text"}), MESSAGING_SPEC_ONLY)
    assert any("'text' is a required property" in e for e in found)
    # unknown message type
    assert any("is not one of" in e for e in errors("ReplyMessageRequest", reply({"type": "hologram"})))
    # missing discriminator
    assert any("'type' is a required property" in e for e in errors("ReplyMessageRequest", reply({"text": "x"})))
    # image message needs both URLs
    image = {"type": "image", "originalContentUrl": "https://example.com/a.png"}
    assert any("previewImageUrl" in e for e in errors("ReplyMessageRequest", reply(image)))
    image["previewImageUrl"] = image["originalContentUrl"]
    assert errors("ReplyMessageRequest", reply(image)) == []
    # a wrong type inside a subtype field
    assert any("is not of type 'string'" in e for e in errors("ReplyMessageRequest", reply(text(5))))


def test_nested_discriminators_flex_message():
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {"type": "text", "text": "マイナちゃん"},
                {"type": "button", "action": {"type": "uri", "label": "市のサイト",
                                              "uri": "https://www.city.tomakomai.hokkaido.jp/"}},
            ],
        },
    }
    flex = {"type": "flex", "altText": "案内", "contents": bubble}
    assert errors("ReplyMessageRequest", reply(flex)) == []
    broken = copy.deepcopy(flex)
    del broken["contents"]["body"]["layout"]
    assert any("layout" in e for e in errors("ReplyMessageRequest", reply(broken)))
    broken = copy.deepcopy(flex)
    broken["contents"]["body"]["contents"][0] = {"type": "text", "text": 5}  # FlexText.text
    assert any("is not of type 'string'" in e for e in errors("ReplyMessageRequest", reply(broken)))
    broken = copy.deepcopy(flex)
    broken["contents"]["body"]["contents"][1]["action"] = {"type": "launch-rocket"}
    assert any("is not one of" in e for e in errors("ReplyMessageRequest", reply(broken)))


def test_spec_limits_messages_and_quick_reply_items():
    assert any("too long" in e for e in errors("ReplyMessageRequest", reply(*[text()] * 6)))
    assert any("should be non-empty" in e or "too short" in e for e in errors("ReplyMessageRequest", reply()))
    many = quick(*[postback(f"b{i}", f"/i{i}", f"b{i}") for i in range(14)])
    assert any("too long" in e for e in errors("ReplyMessageRequest", reply(text(quickReply=many))))
    found = errors("ReplyMessageRequest", reply(text(quickReply=many)), MESSAGING_SPEC_ONLY)
    assert any("too long" in e for e in found)
    long_data = postback(data="/" + "x" * 300)
    assert any("too long" in e for e in errors("ReplyMessageRequest", reply(text(quickReply=quick(long_data)))))


def test_documented_limits_only_in_strict_mode():
    cases = [
        reply(text("あ" * 5001)),  # text > 5000
        reply(text("")),  # empty text
        reply(text(quickReply=quick(postback(label="ラ" * 21, display="x")))),  # label > 20
        reply(text(quickReply=quick(postback(display=None)))),  # quick reply postback needs displayText
        reply(text(quickReply=quick(dict(postback(), text="also text")))),  # displayText and text
        reply(text(quickReply={"items": [{"action": postback()}]})),  # item type missing
        reply(text(quickReply={"items": []})),  # no buttons
        reply(text(quickReply=quick({"type": "richmenuswitch", "label": "x", "richMenuAliasId": "a", "data": "d"}))),
    ]
    for payload in cases:
        assert errors("ReplyMessageRequest", payload), payload
        assert errors("ReplyMessageRequest", payload, MESSAGING_SPEC_ONLY) == [], payload
    assert set(DOCUMENTED_LIMITS) <= set(MESSAGING.schemas)


def test_push_message_request():
    assert errors("PushMessageRequest", {"to": USER, "messages": [text()]}) == []
    assert any("'to' is a required property" in e for e in errors("PushMessageRequest", {"messages": [text()]}))


def test_payload_invalid_lists_errors_and_keeps_messages_short():
    with pytest.raises(PayloadInvalid) as caught:
        MESSAGING.validate("ReplyMessageRequest", reply(text("長" * 6000), {"type": "text"}))
    error = caught.value
    assert error.schema_name == "ReplyMessageRequest"
    assert len(error.errors) == 2
    assert all(len(e) < 260 for e in error.errors)
    assert "ReplyMessageRequest" in str(error)


# --------------------------------------------------------------------------
# Rich menu


def rich_menu():
    return json.loads(RICH_MENU.read_text("utf-8"))


def test_rich_menu_request():
    menu = rich_menu()
    assert errors("RichMenuRequest", menu) == []
    bad = copy.deepcopy(menu)
    bad["chatBarText"] = "とても長いチャットバーのテキストです"  # > 14 (spec)
    assert any("too long" in e for e in errors("RichMenuRequest", bad, MESSAGING_SPEC_ONLY))
    bad = copy.deepcopy(menu)
    bad["areas"][0]["action"] = {"type": "uri", "label": "x"}  # uri action without uri
    assert any("'uri' is a required property" in e for e in errors("RichMenuRequest", bad))
    bad = copy.deepcopy(menu)
    bad["areas"][0]["action"] = {"type": "teleport"}
    assert any("is not one of" in e for e in errors("RichMenuRequest", bad))
    bad = copy.deepcopy(menu)
    del bad["areas"]
    assert errors("RichMenuRequest", bad) and not errors("RichMenuRequest", bad, MESSAGING_SPEC_ONLY)
    bad = copy.deepcopy(menu)
    bad["size"]["width"] = 3000
    assert errors("RichMenuRequest", bad)
    bad = copy.deepcopy(menu)
    bad["areas"][0]["bounds"]["x"] = -1
    assert any("less than the minimum" in e for e in errors("RichMenuRequest", bad, MESSAGING_SPEC_ONLY))


# --------------------------------------------------------------------------
# Webhook (CallbackRequest)


def message_event(**message):
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000,
        "source": {"type": "user", "userId": USER},
        "webhookEventId": "01HXYZ",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": "r",
        "message": dict({"type": "text", "id": "1", "quoteToken": "q", "text": "こんにちは"}, **message),
    }


def test_callback_request():
    assert errors("CallbackRequest", {"destination": DESTINATION, "events": []}, WEBHOOK) == []
    body = {"destination": DESTINATION, "events": [message_event()]}
    assert errors("CallbackRequest", body, WEBHOOK) == []
    validate_webhook(body)
    # destination pattern
    assert errors("CallbackRequest", {"destination": "nope", "events": []}, WEBHOOK)
    # text message content needs quoteToken (TextMessageContent resolved)
    event = message_event()
    del event["message"]["quoteToken"]
    body = {"destination": DESTINATION, "events": [event]}
    assert any("quoteToken" in e for e in errors("CallbackRequest", body, WEBHOOK))
    # group source needs groupId (GroupSource resolved)
    event = message_event()
    event["source"] = {"type": "group"}
    body = {"destination": DESTINATION, "events": [event]}
    assert any("groupId" in e for e in errors("CallbackRequest", body, WEBHOOK))
    # unknown event types are not in the spec
    event = dict(message_event(), type="telepathy")
    assert errors("CallbackRequest", {"destination": DESTINATION, "events": [event]}, WEBHOOK)
    # postback/follow need their detail objects
    follow = dict(message_event(), type="follow")
    del follow["message"]
    body = {"destination": DESTINATION, "events": [follow]}
    assert any("follow" in e for e in errors("CallbackRequest", body, WEBHOOK))
    follow["follow"] = {"isUnblocked": True}
    assert errors("CallbackRequest", {"destination": DESTINATION, "events": [follow]}, WEBHOOK) == []


def test_event_mapping_covers_the_spec():
    branches = [b for b in WEBHOOK.schemas["Event"]["allOf"] if "if" in b]
    types = {b["if"]["properties"]["type"]["const"] for b in branches}
    assert {"message", "postback", "follow", "unfollow", "join", "leave", "unsend", "memberJoined"} <= types


# --------------------------------------------------------------------------
# Command line


def test_cli(tmp_path, capsys):
    good = tmp_path / "reply.json"
    good.write_text(json.dumps(reply(text())), "utf-8")
    assert main(["ReplyMessageRequest", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(reply({"type": "text"})), "utf-8")
    assert main(["ReplyMessageRequest", str(bad)]) == 1
    assert "'text' is a required property" in capsys.readouterr().err
    hook = tmp_path / "hook.json"
    hook.write_text(json.dumps({"destination": DESTINATION, "events": [message_event()]}), "utf-8")
    assert main(["CallbackRequest", str(hook), "--webhook"]) == 0
