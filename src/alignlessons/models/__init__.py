"""Pure numpy models of the dynamics the course documents argue about.

One module per idea; no widgets, no altair, no I/O. Every public function validates its
inputs and raises ``ValueError`` naming the parameter, its value and the allowed range.

==================  =========================================================================
``racing``          Armstrong, Bostrom & Shulman (2016): safety in an AI race; merge-and-assist
``unilateralist``   Bostrom, Douglas & Sandberg (2016): the unilateralist's curse
``plans``           a plan as a chain of steps (alignment-plan-critique's six steps)
``research``        capabilities vs. alignment effort with AI-assistant multipliers
``takeoff``         continuous vs. discontinuous progress; Christiano's slow-takeoff test
``transition``      gradual vs. sudden deployment and society's adaptation gap
``deployment``      Karnofsky's action vs. inaction risk for Magma; Phases 1–3
``offense_defense`` a contest success function for safe vs. dangerous AI resources
``evidence``        updating on shared evidence; warnings that may come too late
``policy``          one policy through every model at once (composition only; lesson 06)
==================  =========================================================================
"""

from . import (
    deployment,
    evidence,
    offense_defense,
    plans,
    policy,  # composes the models above (it imports them itself)
    racing,
    research,
    takeoff,
    transition,
    unilateralist,
)

__all__ = [
    "deployment",
    "evidence",
    "offense_defense",
    "plans",
    "racing",
    "research",
    "takeoff",
    "transition",
    "unilateralist",
    "policy",
]
