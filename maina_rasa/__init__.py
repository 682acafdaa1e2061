"""Rasa glue for マイナちゃん: custom channels, NLU components, NLG, stores and start-up.

Domain logic lives in :mod:`maina` (no Rasa imports); this package adapts it to Rasa 3.6.
Importing it does nothing: no submodule is imported here and nothing of Rasa is changed.
The changes to Rasa's own code are in :mod:`maina_rasa.patches`, installed explicitly at
start-up by :mod:`maina_rasa.startup`.
"""
