"""GiNZA without the parts we don't use: SudachiPy tokens and static word vectors only.

Rasa's stock SpacyNLP runs the whole ja_ginza pipeline (tok2vec, parser, NER, morphologizer,
bunsetu...) on every message: ~15 ms per short message here. Intent classification only
needs tokens and the static word vectors, which the tokenizer and vocabulary provide alone
(~0.2 ms, identical vectors). These two components load ja_ginza's tokenizer settings and its
vector table once per process, and none of its pipes.

Memory (issue 6): the model's vocabulary (600,000 strings, a 480,000-key Python dict for the
vectors) cost ~220 MB per process; the tokenizer does not need it and the vectors are read
into a compact sorted-key table (:class:`StaticVectors`). Tokens and vectors are identical
to those of ``spacy.load("ja_ginza")`` (checked on every training and test example by
tests/unit/test_ginza_lite.py).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

DEFAULT_MODEL = "ja_ginza"


def _model_data(model_name: str) -> Path:
    """The directory of an installed spaCy model package that holds its config.cfg."""
    import spacy

    package = Path(spacy.util.get_package_path(model_name))
    for candidate in [package, *sorted(package.iterdir())]:
        if candidate.is_dir() and (candidate / "config.cfg").exists():
            return candidate
    raise OSError(f"no config.cfg in the spaCy package {model_name!r} ({package})")


@functools.lru_cache(maxsize=4)
def load_lite(model_name: str = DEFAULT_MODEL) -> Any:
    """ja_ginza's tokenizer alone: a blank pipeline with the model's tokenizer settings.

    Same tokens, lemmas and tags as ``spacy.load(model_name)`` (the tokenizer is SudachiPy
    with the model's split mode; no pipe changes them, and the excluded pipes are not
    loaded), but without the model's vocabulary: its 600,000 strings and the 480,000-key
    vector table cost ~220 MB of memory per process and are only needed for vectors, which
    :func:`load_vectors` looks up in a compact table.
    """
    import spacy

    data = _model_data(model_name)
    config = spacy.util.load_config(data / "config.cfg")
    tokenizer = config["nlp"]["tokenizer"]
    nlp = spacy.blank(config["nlp"]["lang"], config={"nlp": {"tokenizer": tokenizer}})
    if (data / "tokenizer").exists():
        nlp.tokenizer.from_disk(data / "tokenizer")
    return nlp


class StaticVectors:
    """A spaCy model's static word vectors (default mode) without its vocabulary.

    ``get_vector(word)`` returns what ``spacy.load(model).vocab.get_vector(word)`` returns:
    the row of the word's key (spaCy's symbol ID for its ~800 symbol names, else the 64-bit
    murmur hash of the text) or zeros. Keys live in a sorted uint64 array (~6 MB) instead of
    a Python dict (~70 MB) and a StringStore (~150 MB).
    """

    def __init__(self, data: np.ndarray, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys)
        self.data = data
        self.keys = keys[order]
        self.rows = rows[order]
        self.vectors_length = int(data.shape[1])
        self._zeros = np.zeros((self.vectors_length,), dtype=data.dtype)
        from spacy.strings import hash_string
        from spacy.symbols import IDS

        self._hash = hash_string
        self._symbols = IDS

    def key(self, word: str) -> int:
        symbol = self._symbols.get(word)
        return int(symbol) if symbol is not None else int(self._hash(word))

    def row(self, word: str) -> Optional[int]:
        key = np.uint64(self.key(word))
        i = int(np.searchsorted(self.keys, key))
        if i < len(self.keys) and self.keys[i] == key:
            return int(self.rows[i])
        return None

    def get_vector(self, word: str) -> np.ndarray:
        row = self.row(word)
        return np.array(self.data[row]) if row is not None else self._zeros.copy()


@functools.lru_cache(maxsize=4)
def load_vectors(model_name: str = DEFAULT_MODEL) -> StaticVectors:
    import srsly
    import srsly.msgpack

    vocab = _model_data(model_name) / "vocab"
    mode = srsly.read_json(vocab / "vectors.cfg").get("mode", "default") \
        if (vocab / "vectors.cfg").exists() else "default"
    if mode != "default":
        raise ValueError(f"{model_name}: vectors mode {mode!r} is not supported")
    # Memory-mapped: the page cache holds the 24 MB table once for every process on the host.
    data = np.load(vocab / "vectors", mmap_mode="r")
    # key2row is a msgpack map {key: row}: streamed into two arrays, never a 480k-entry dict
    # (whose memory the allocator would keep after it is freed).
    unpacker = srsly.msgpack.Unpacker(raw=False, max_buffer_size=0)
    unpacker.feed((vocab / "key2row").read_bytes())
    size = unpacker.read_map_header()
    keys = np.empty(size, dtype=np.uint64)
    rows = np.empty(size, dtype=np.int64)
    for i in range(size):
        keys[i] = unpacker.unpack()
        rows[i] = unpacker.unpack()
    return StaticVectors(data, keys, rows)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class GinzaTokenizer(Tokenizer):
    """SudachiPy (via ja_ginza) tokens with lemma and part-of-speech, no neural pipes."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "model": DEFAULT_MODEL,
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._nlp = load_lite(config.get("model", DEFAULT_MODEL))

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy", "ginza"]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        if not text:
            return []
        tokens = [
            Token(t.text, t.idx, lemma=t.lemma_, data={"pos": t.tag_})
            for t in self._nlp(text)
            if t.text.strip()
        ]
        return self._apply_token_pattern(tokens)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class GinzaVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense features from ja_ginza's static word vectors (same values as SpacyFeaturizer)."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [GinzaTokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model": DEFAULT_MODEL, "pooling": "mean"}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._vocab = load_vectors(self._config["model"])
        self._dim = self._vocab.vectors_length

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "GinzaVectorFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def _vector(self, word: str) -> np.ndarray:
        # Vocab.get_vector returns zeros for unknown words, as Token.vector does.
        return self._vocab.get_vector(word)

    def _set_features(self, message: Message) -> None:
        tokens: Optional[List[Token]] = message.get(TOKENS_NAMES[TEXT])
        if not tokens:
            return
        sequence = np.array([self._vector(t.text) for t in tokens])
        sentence = self.aggregate_sequence_features(sequence, self._config["pooling"])
        alias = self._identifier
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        message.add_features(Features(sentence, FEATURE_TYPE_SENTENCE, TEXT, alias))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._set_features(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
