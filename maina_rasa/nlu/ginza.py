"""GiNZA without the parts we don't use: SudachiPy tokens and static word vectors only.

Rasa's stock SpacyNLP runs the whole ja_ginza pipeline (tok2vec, parser, NER, morphologizer,
bunsetu...) on every message: ~15 ms per short message here. Intent classification only
needs tokens and the static word vectors, which the tokenizer and vocabulary provide alone
(~0.2 ms, identical vectors). These two components load ja_ginza once per process with every
pipe excluded.
"""
from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4)
def load_lite(model_name: str = DEFAULT_MODEL) -> Any:
    """ja_ginza with no pipeline components: tokenizer + vocabulary vectors."""
    import spacy

    info = spacy.info(model_name)
    pipes = list(info.get("pipeline", [])) if isinstance(info, dict) else []
    return spacy.load(model_name, exclude=pipes)


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
        self._vocab = load_lite(self._config["model"]).vocab
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
