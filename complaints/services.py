"""The public import path of the complaints workflow: every change to a complaint is a service (docs/design.md).

The services live in complaints/workflow/, one module per family of actions (core: the rules, the actor checks
and the one event writer; intake; sources; steps; clock; repeats; review; records; casework; feedback; redress;
rules; escalations; care; firstcontact; groups; sellers; mediation). Each module's `__all__` names what it offers
here, so a new family of actions is one line in each list below. Views, admin forms, reception, compliance and
management commands import them from here.
"""

from .review import review_window_ends
from .workflow import (  # each module's __all__ is what it offers here
    care,
    casework,
    clock,
    core,
    escalations,
    feedback,
    firstcontact,
    groups,
    intake,
    mediation,
    records,
    redress,
    repeats,
    review,
    review_rules,
    rules,
    sellers,
    sources,
    steps,
    timing,
    transitions,
)
from .workflow.care import *  # noqa: F403
from .workflow.casework import *  # noqa: F403
from .workflow.clock import *  # noqa: F403
from .workflow.core import *  # noqa: F403
from .workflow.escalations import *  # noqa: F403
from .workflow.feedback import *  # noqa: F403
from .workflow.firstcontact import *  # noqa: F403
from .workflow.groups import *  # noqa: F403
from .workflow.intake import *  # noqa: F403
from .workflow.mediation import *  # noqa: F403
from .workflow.records import *  # noqa: F403
from .workflow.redress import *  # noqa: F403
from .workflow.repeats import *  # noqa: F403
from .workflow.review import *  # noqa: F403
from .workflow.review_rules import *  # noqa: F403
from .workflow.rules import *  # noqa: F403
from .workflow.sellers import *  # noqa: F403
from .workflow.sources import *  # noqa: F403
from .workflow.steps import *  # noqa: F403
from .workflow.timing import *  # noqa: F403
from .workflow.transitions import *  # noqa: F403

__all__ = ["review_window_ends"]
for _module in (
    care,
    casework,
    clock,
    core,
    escalations,
    feedback,
    firstcontact,
    groups,
    intake,
    mediation,
    records,
    redress,
    repeats,
    review,
    review_rules,
    rules,
    sellers,
    sources,
    steps,
    timing,
    transitions,
):
    __all__ += _module.__all__
del _module
