"""The life of a critique: its states, the actions between them, and who may take each.

    draft --submit--> submitted --withdraw--> withdrawn
    draft --discard--> (deleted)
    draft --save--> draft

Only the reviewer acts on their critique. Anything not in TRANSITIONS is refused.
`critique/services.py` calls `transition()` inside its transactions; the state
column's database constraint refuses any state not listed here.
"""

from dataclasses import dataclass

from .choices import CritiqueState


class ActionRefused(Exception):
    """The action is not allowed; str(error) says why and what to do instead."""


@dataclass(frozen=True)
class Transition:
    action: str
    source: CritiqueState
    target: CritiqueState | None  # None: the critique is deleted
    refusal: str


TRANSITIONS = {
    (t.action, t.source): t
    for t in (
        Transition(
            "save",
            CritiqueState.DRAFT,
            CritiqueState.DRAFT,
            "A submitted critique cannot be changed. Withdraw it if it is wrong.",
        ),
        Transition(
            "submit",
            CritiqueState.DRAFT,
            CritiqueState.SUBMITTED,
            "Only a draft can be submitted.",
        ),
        Transition(
            "discard",
            CritiqueState.DRAFT,
            None,
            "Only a draft can be discarded; withdraw a submitted critique instead.",
        ),
        Transition(
            "withdraw",
            CritiqueState.SUBMITTED,
            CritiqueState.WITHDRAWN,
            "Only a submitted critique can be withdrawn.",
        ),
    )
}
ACTIONS = sorted({action for action, _source in TRANSITIONS})
# Each transition's refusal is written for the other live state; a withdrawn
# critique is finished, whatever is tried on it.
WITHDRAWN_REFUSAL = "This critique was withdrawn, so it can no longer be changed."


def allowed(action: str, state: str) -> bool:
    return (action, state) in TRANSITIONS


def transition(action: str, state: str) -> CritiqueState | None:
    """The state `action` leads to from `state`; raises ActionRefused if not allowed."""
    try:
        return TRANSITIONS[(action, state)].target
    except KeyError:
        if state == CritiqueState.WITHDRAWN and action in ACTIONS:
            raise ActionRefused(WITHDRAWN_REFUSAL) from None
        refusals = [
            t.refusal for (name, _s), t in TRANSITIONS.items() if name == action
        ]
        raise ActionRefused(
            refusals[0] if refusals else f"Unknown action: {action}."
        ) from None
