"""Paraphrases → one line with a count, and the topic each group is closest to.

Fifty ways of asking 「市役所に駐車場はある？」 should be one line of the report. The texts
(already masked, :mod:`maina.report.masking`) are compared on a *comparison form*: the NLU
normaliser (:func:`maina.normalize.normalize`: width, long vowels, kana/kanji spellings),
without the words every question has (「マイナンバーカード」, 「教えて」, a polite ending)
and punctuation. Character 1–3-grams of that form, weighted by TF-IDF, are clustered with
average-linkage agglomerative clustering on cosine distance (scikit-learn): two texts join
when their groups are on average closer than :data:`DISTANCE_THRESHOLD`.

Each group shows its most frequent wording, the other wordings by frequency, a count, first
and last day, and the closest answerable topic: the intent with the highest summed NLU
confidence over the group's messages (what the model thought it was nearest to), which is
where a clerk adds the group's wordings as training examples.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from maina.normalize import normalize

# Cosine distance below which average-linkage groups are merged (0 = same n-grams).
DISTANCE_THRESHOLD = 0.85
MAX_CLUSTERED = 2000  # distinct wordings clustered; rarer ones stay one line each
MAX_VARIANTS = 5

_FILLER = re.compile(
    "マイナンバーカード|マイナンバー|マイナちゃん|まいなちゃん|について|を?教えて(ください)?|"
    "を?知りたい(です)?|お願いします|ください"
)
_ENDING = re.compile(r"(ですか|ますか|でしょうか|ですが|んですけど|ですけど|けど|か|よね|よ|ね|の|な)+$")
_LEADING = re.compile(r"^(の|は|を|が|に|で|って|って、)+")
_PUNCT = re.compile(r"[\s、。，．,.!?！？…・「」『』（）()\[\]［］~ー]+")


def comparison_form(text: str) -> str:
    """What two wordings are compared on (see the module docstring)."""
    form = normalize(text)
    form = _FILLER.sub(" ", form)
    form = _PUNCT.sub(" ", form).strip()
    form = " ".join(_ENDING.sub("", _LEADING.sub("", part)) for part in form.split())
    return form.replace(" ", "") or normalize(text)


@dataclass
class Item:
    """One unanswered message: its masked text, day and NLU ranking."""

    text: str
    day: dt.date
    ranking: Sequence[Tuple[str, float]] = ()
    hint: Optional[str] = None  # a topic already known (e.g. the topic in play)


@dataclass
class Group:
    text: str
    count: int
    variants: List[Tuple[str, int]] = field(default_factory=list)
    closest_intent: str = ""
    topic: Optional[str] = None
    first_day: Optional[dt.date] = None
    last_day: Optional[dt.date] = None


def _labels(forms: List[str]) -> List[int]:
    if len(forms) < 2:
        return [0] * len(forms)
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(forms)
    distances = cosine_distances(vectors)
    model = AgglomerativeClustering(
        n_clusters=None, affinity="precomputed", linkage="average",
        distance_threshold=DISTANCE_THRESHOLD,
    )
    return [int(label) for label in model.fit_predict(distances)]


def group_items(
    items: Iterable[Item],
    allowed_intents: Optional[Iterable[str]] = None,
    topic_of_intent: Optional[Dict[str, str]] = None,
) -> List[Group]:
    """Groups of paraphrases, largest first (ties: earliest wording alphabetically)."""
    items = list(items)
    allowed = set(allowed_intents) if allowed_intents is not None else None
    by_form: Dict[str, List[Item]] = defaultdict(list)
    for item in items:
        by_form[comparison_form(item.text)].append(item)
    forms = sorted(by_form, key=lambda f: (-len(by_form[f]), f))
    clustered, rest = forms[:MAX_CLUSTERED], forms[MAX_CLUSTERED:]
    labels = _labels(clustered)
    offset = max(labels, default=-1) + 1
    labels += list(range(offset, offset + len(rest)))
    members: Dict[int, List[Item]] = defaultdict(list)
    for form, label in zip(clustered + rest, labels):
        members[label].extend(by_form[form])

    groups = []
    for group_items_ in members.values():
        wordings = Counter(item.text for item in group_items_)
        ordered = sorted(wordings.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
        scores: Counter = Counter()
        hints: Counter = Counter()
        for item in group_items_:
            for name, confidence in item.ranking:
                if allowed is None or name in allowed:
                    scores[name] += confidence
            if item.hint:
                hints[item.hint] += 1
        closest = min(scores, key=lambda n: (-scores[n], n)) if scores else ""
        topic = None
        if hints:
            topic = min(hints, key=lambda t: (-hints[t], t))
        elif closest and topic_of_intent:
            topic = topic_of_intent.get(closest)
        days = [item.day for item in group_items_]
        groups.append(Group(
            text=ordered[0][0], count=len(group_items_),
            variants=ordered[1:1 + MAX_VARIANTS], closest_intent=closest, topic=topic,
            first_day=min(days), last_day=max(days),
        ))
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups
