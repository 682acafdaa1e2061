"""The project's NLU components in config.yml: those that learn nothing share one base (issue 13)."""
from __future__ import annotations

import importlib
from pathlib import Path

import yaml

from maina_rasa.nlu.base import StatelessComponent

ROOT = Path(__file__).resolve().parents[2]
# GiNZA's tokenizer and featurizer load a vocabulary: configured, not stateless
CONFIGURED = {"GinzaTokenizer", "GinzaVectorFeaturizer"}


def _project_components():
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    for entry in pipeline:
        module, _, name = entry["name"].rpartition(".")
        if module.startswith("maina_rasa."):
            yield name, getattr(importlib.import_module(module), name)


def test_every_project_component_that_learns_nothing_has_the_one_base():
    components = dict(_project_components())
    assert {"JapaneseNormalizer", "LanguageDetector", "JapaneseDateExtractor", "CaseExtractor",
            "OtherLanguageRouter"} <= set(components)
    for name, component in components.items():
        if name not in CONFIGURED:
            assert issubclass(component, StatelessComponent), name
            assert isinstance(component.create({}, None, None, None), component)
