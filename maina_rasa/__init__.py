"""Rasa glue for マイナちゃん: custom channels, NLU components and NLG.

Domain logic lives in :mod:`maina` (no Rasa imports); this package adapts it to Rasa 3.6.
Nothing is imported here so that importing one submodule does not pull in the others.
"""
