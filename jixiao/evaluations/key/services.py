"""Writes common to key evaluations and ex-ante assessments: creating one with its scoring
panel, and moving it through its workflow. The stages of the work have their own modules
(`plan`, `registry`, `work`, `report`, `exante`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from jixiao.core.workflow import perform

from .models import KeyEvaluation, PanelIndicator, ScoringPanel
from .workflow import EX_ANTE_WORKFLOW, KEY_WORKFLOW


def panel_create(indicators: Iterable) -> ScoringPanel:
    """A panel with these indicators: objects or dicts with level1, level2, level3, weight,
    standard and rule (the framework's `IndicatorSpec`s)."""
    panel = ScoringPanel.objects.create()
    rows = []
    for order, spec in enumerate(indicators):
        get = spec.get if isinstance(spec, dict) else lambda k, s=spec: getattr(s, k, "")
        rows.append(
            PanelIndicator(
                panel=panel,
                order=order,
                level1=get("level1"),
                level2=get("level2") or "",
                level3=get("level3"),
                weight=Decimal(str(get("weight"))),
                standard=get("standard") or "",
                rule=get("rule") or "",
            )
        )
    PanelIndicator.objects.bulk_create(rows)
    return panel


@transaction.atomic
def evaluation_create(*, indicators: Iterable, **fields) -> KeyEvaluation:
    """A new key evaluation (立项) with its framework. `fields` are the model's: region, year,
    subject, kind, unit, and optionally project, special_kind, commissioner, amount,
    selection_score, selection_note, agency."""
    return KeyEvaluation.objects.create(panel=panel_create(indicators), **fields)


def key_transition(*, actor, evaluation, name: str, comment: str = "", attest: bool = False):
    return perform(
        obj=evaluation,
        name=name,
        actor=actor,
        workflow=KEY_WORKFLOW,
        comment=comment,
        attest=attest,
    )


def exante_transition(*, actor, assessment, name: str, comment: str = "", attest: bool = False):
    return perform(
        obj=assessment,
        name=name,
        actor=actor,
        workflow=EX_ANTE_WORKFLOW,
        comment=comment,
        attest=attest,
    )
