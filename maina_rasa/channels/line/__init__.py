"""Everything about LINE in one folder.

* ``channel.py`` — the input channel (credentials.yml: ``maina_rasa.channels.line.channel.LineInput``):
  signed webhook, background turns, redelivery detection (shared in the cluster), one reply call.
* ``api.py`` — webhook signatures and the Messaging API client (reply, push, rich menu; retries).
* ``messages.py`` — one Rasa turn as at most five LINE messages with quick replies.
* ``richmenu.py`` with ``richmenu.json`` and ``richmenu.png`` — the rich menu: draw, check,
  register (``python -m maina_rasa.channels.line.richmenu``).

The texts the channel says itself are channel texts with the others, in Japanese and English
(:data:`maina_rasa.channels.common.CHANNEL_TEXTS`, keys ``line_*``). Checks against LINE's own
OpenAPI files live with the tests (tests/unit/line_openapi.py). Set-up: docs/line.md.
"""
