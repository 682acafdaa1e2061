"""The lite GiNZA loader gives exactly the tokens and vectors of spacy.load("ja_ginza")."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

spacy = pytest.importorskip("spacy")
pytest.importorskip("ja_ginza")

from maina.normalize import normalize  # noqa: E402
from maina_rasa.nlu import ginza  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def examples():
    texts = []
    for folder in ("data/nlu", "tests/nlu"):
        for path in sorted((ROOT / folder).glob("*.yml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                match = re.match(r"^\s+- (.+)$", line)
                if match:
                    texts.append(match.group(1))
    texts += [normalize(t) for t in texts]
    # spaCy symbol names are looked up by symbol ID, not by hash
    return texts + ["X", "NOUN", "ADJ", "LIKE_URL", "Xってなに", "ｶｰﾄﾞ", "2026年11月25日", "😀"]


def test_tokens_and_vectors_identical_to_full_vocab_loading() -> None:
    info = spacy.info(ginza.DEFAULT_MODEL)
    full = spacy.load(ginza.DEFAULT_MODEL, exclude=list(info["pipeline"]))
    lite, vectors = ginza.load_lite(), ginza.load_vectors()
    assert vectors.vectors_length == full.vocab.vectors_length
    texts = examples()
    assert len(texts) > 1000
    for text in texts:
        expected = [(t.text, t.idx, t.lemma_, t.tag_) for t in full(text)]
        assert [(t.text, t.idx, t.lemma_, t.tag_) for t in lite(text)] == expected, text
        for word, *_ in expected:
            a, b = full.vocab.get_vector(word), vectors.get_vector(word)
            assert a.dtype == b.dtype and np.array_equal(a, b), (text, word)
