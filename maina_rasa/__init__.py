"""Rasa glue for マイナちゃん: custom channels, NLU components and NLG.

Domain logic lives in :mod:`maina` (no Rasa imports); this package adapts it to Rasa 3.6.
No submodule with components is imported here, so that importing one does not pull in the
others. The one exception is the tiny :mod:`maina_rasa.runtime`, applied at import: in a
Rasa process (which loads its processor before any of our code) it installs the per-turn
action-server timeout ``MAINA_ACTION_TIMEOUT``; elsewhere it does nothing and imports nothing.
"""
from maina_rasa import runtime as _runtime

_runtime.apply(import_rasa=False)
