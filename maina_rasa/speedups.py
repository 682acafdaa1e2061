"""Per-turn work in Rasa 3.6 that gives the same result every time, done once (issue 6).

``apply()`` is called when :mod:`maina_rasa.tracker_store` is loaded (endpoints.yml), i.e. in
every ``rasa run`` of the project; it is idempotent and changes no answer.

* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate(result, schema)`` on
  every action-server answer. ``jsonschema.validate`` first checks the *schema* against the
  JSON-Schema meta-schema, then builds a validator, then checks the answer. The schema is a
  constant, so checking it and building the validator on every call is wasted: in the profile
  (bench/profile.md) this was ~13 % of the Rasa process's time while the lifecycle calculator
  was active (each turn of the form calls the action server one to three times). Here the
  validator is built once; the answer is still validated on every call, and an invalid answer
  raises the same ``ValidationError`` (``best_match`` of the same errors, same message suffix).
* ``LogisticRegressionClassifier`` (config.yml) computes ``X @ coef_.T`` with X sparse on
  every message; scikit-learn's ``coef_`` is C-ordered, so ``coef_.T`` is not, and SciPy
  copies the whole 78 × 10,000 matrix (6 MB) into C order before multiplying a single row:
  ~8 % of a turn. Storing ``coef_`` in Fortran order once (same values) makes ``coef_.T``
  C-ordered, so SciPy uses it in place. The products are computed by the same loop in the
  same order: probabilities are bit-for-bit the same.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

_MARK = "_maina_cached_validator"
_validator: Dict[str, Any] = {}


def _validator_for(schema: Dict[Text, Any]) -> Any:
    cached = _validator.get("validator")
    if cached is None or _validator.get("schema") != schema:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        cached = cls(schema)
        _validator.update(schema=schema, validator=cached)
    return cached


def apply() -> Optional[bool]:
    """Installs both savings; True if installed now or before, None without Rasa."""
    _fortran_order_coefficients()
    try:
        from jsonschema import exceptions
        from rasa.core.actions import action as rasa_action
    except ImportError:
        return None
    remote = rasa_action.RemoteAction
    if getattr(remote._validate_action_result, _MARK, False):
        return True
    original = remote._validate_action_result

    def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
        validator = _validator_for(self.action_response_format_spec())
        error = exceptions.best_match(validator.iter_errors(result))
        if error is None:
            return True
        # Rasa's own wording of the failure (it appends to the message and re-raises).
        return original(self, result)

    setattr(_validate_action_result, _MARK, True)
    _validate_action_result.__doc__ = original.__doc__
    remote._validate_action_result = _validate_action_result
    return True


def _fortran_order_coefficients() -> None:
    try:
        from rasa.nlu.classifiers.logistic_regression_classifier import (
            LogisticRegressionClassifier,
        )
    except ImportError:
        return
    if getattr(LogisticRegressionClassifier.process, _MARK, False):
        return
    original = LogisticRegressionClassifier.process

    def process(self: Any, messages: Any) -> Any:
        coef = getattr(self.clf, "coef_", None)
        if coef is not None and not coef.flags.f_contiguous:
            import numpy as np

            self.clf.coef_ = np.asfortranarray(coef)
        return original(self, messages)

    setattr(process, _MARK, True)
    process.__doc__ = original.__doc__
    LogisticRegressionClassifier.process = process
