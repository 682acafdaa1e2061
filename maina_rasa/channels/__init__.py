"""Input channels that mask My Numbers and validate input before Rasa builds a UserMessage.

Enable them in ``credentials.yml`` by module path, *instead of* the built-in ``rest:`` /
``socketio:`` keys (they keep the same names, so the URLs stay ``/webhooks/rest/webhook``
and ``/socket.io``)::

    maina_rasa.channels.rest.GuardedRestInput:
    maina_rasa.channels.socketio.GuardedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Shared helpers (texts, sanitising, metadata allow-list) are in
:mod:`maina_rasa.channels.common`. Submodules are not imported here on purpose.
"""
