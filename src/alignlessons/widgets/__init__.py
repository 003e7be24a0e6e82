"""ipywidgets explorers: each is thin glue between a model and a chart.

Every explorer has labelled, keyboard-operable controls, named presets, a live sentence and a
chart whose data are replaced in place. A ``*_kernel_free()`` companion returns an altair
chart with Vega-Lite sliders over a precomputed grid, for readers without a kernel.
"""

from .deployment import DeploymentExplorer, deployment_explorer, deployment_kernel_free
from .evidence import (
    EvidenceExplorer,
    WarningExplorer,
    evidence_explorer,
    evidence_kernel_free,
    warning_explorer,
    warning_kernel_free,
)
from .offense_defense import OffenseDefenseExplorer, offense_defense_explorer, offense_defense_kernel_free
from .plans import PlansExplorer, plans_explorer, plans_kernel_free
from .policy import PolicyExplorer, policy_explorer, policy_kernel_free
from .racing import RacingExplorer, racing_explorer, racing_kernel_free
from .research import ResearchExplorer, research_explorer, research_kernel_free
from .takeoff import TakeoffExplorer, takeoff_explorer, takeoff_kernel_free
from .transition import TransitionExplorer, transition_explorer, transition_kernel_free
from .unilateralist import UnilateralistExplorer, unilateralist_explorer, unilateralist_kernel_free

#: Every explorer with its kernel-free companion (used by the benchmark and the tests).
EXPLORERS = {
    "racing": (racing_explorer, racing_kernel_free),
    "unilateralist": (unilateralist_explorer, unilateralist_kernel_free),
    "plans": (plans_explorer, plans_kernel_free),
    "research": (research_explorer, research_kernel_free),
    "takeoff": (takeoff_explorer, takeoff_kernel_free),
    "transition": (transition_explorer, transition_kernel_free),
    "deployment": (deployment_explorer, deployment_kernel_free),
    "offense_defense": (offense_defense_explorer, offense_defense_kernel_free),
    "evidence": (evidence_explorer, evidence_kernel_free),
    "warning": (warning_explorer, warning_kernel_free),
    "policy": (policy_explorer, policy_kernel_free),
}

__all__ = [
    "EXPLORERS",
    "DeploymentExplorer",
    "EvidenceExplorer",
    "OffenseDefenseExplorer",
    "PlansExplorer",
    "PolicyExplorer",
    "RacingExplorer",
    "ResearchExplorer",
    "TakeoffExplorer",
    "TransitionExplorer",
    "UnilateralistExplorer",
    "WarningExplorer",
    "deployment_explorer",
    "deployment_kernel_free",
    "evidence_explorer",
    "evidence_kernel_free",
    "offense_defense_explorer",
    "offense_defense_kernel_free",
    "plans_explorer",
    "plans_kernel_free",
    "policy_explorer",
    "policy_kernel_free",
    "racing_explorer",
    "racing_kernel_free",
    "research_explorer",
    "research_kernel_free",
    "takeoff_explorer",
    "takeoff_kernel_free",
    "transition_explorer",
    "transition_kernel_free",
    "unilateralist_explorer",
    "unilateralist_kernel_free",
    "warning_explorer",
    "warning_kernel_free",
]
