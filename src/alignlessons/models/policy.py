"""A policy put through every model at once: the synthesis lesson's workbench.

Nothing new is modelled here. :func:`evaluate` takes one *policy* (the levers a lab and an
agency control) and one *world* (the assumptions nobody controls), calls the existing models
with them and returns their numbers side by side. Each lever feeds exactly one model:

==========================  ===========================  ==========================================
lever (policy)              model                        what comes back
==========================  ===========================  ==========================================
``wait_months``             :mod:`.deployment`           action, inaction and total risk for Magma
``information``             :mod:`.racing`               P(disaster) in the race
``coalition_size``          :mod:`.racing` (merge)       P(disaster) with a merge-and-assist coalition
``alignment_share``         :mod:`.research`             alignment's share of progress; catch-up year
``release_steps``,          :mod:`.transition`           peak adaptation gap, total harm, delay
``release_spacing``
``safe_share``              :mod:`.offense_defense`      P(dangerous side prevails)
``step_probabilities``      :mod:`.plans`                P(the six-step plan succeeds)
==========================  ===========================  ==========================================

Modelling choices (say them beside any result):

* The models do **not** feed each other. Waiting longer does not change the race, a bigger
  alignment share does not raise any plan step's probability, and the resource share in
  Phase 2 does not depend on who deployed first. The workbench puts separate arguments side by
  side; it is not a model of the whole world.
* ``alignment_share`` splits a fixed research staff (default 130 = Hilton's 100 capabilities +
  30 alignment researchers) between the two fields; headcounts are rounded to whole people and
  at least one person stays on capabilities (the research model needs one).
* ``step_probabilities`` are the learner's credences for Akash's six steps; the policy does not
  move them unless the learner does.
* Every default is illustrative and is the default of the underlying model, except
  ``n_teams=3`` and ``enmity=0.5`` (the racing model has no defaults), ``wait_months=12`` and
  ``release_steps=4``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from . import _validate as v
from . import deployment, offense_defense, plans, racing, research, transition

__all__ = ["POLICY_DEFAULTS", "WORLD_DEFAULTS", "RESULT_LESSONS", "evaluate", "table", "report"]

#: The levers a lab and an agency choose, with their defaults.
POLICY_DEFAULTS = MappingProxyType(
    {
        "wait_months": 12.0,  # deployment: months Magma waits before deploying
        "information": "none",  # racing: what labs learn about each other's capabilities
        "coalition_size": 1,  # racing: labs that merge instead of racing (1 = no coalition)
        "alignment_share": 30 / 130,  # research: share of the research staff on alignment
        "release_steps": 4,  # transition: capability released in this many equal steps
        "release_spacing": 1.0,  # transition: years between releases
        "safe_share": 0.75,  # offense_defense: safe side's share of resources in Phase 2
    }
)

#: The assumptions about the world that no policy controls, with their defaults.
WORLD_DEFAULTS = MappingProxyType(
    {
        "n_teams": 3,
        "enmity": 0.5,
        "capability_weight": 1.0,
        "p_misaligned_now": 0.3,
        "p_misaligned_floor": 0.05,
        "halving_months": 6.0,
        "lead_months": 12.0,
        "hazard_per_month": 1 / 12,
        "p_other_misaligned": 0.5,
        "research_staff": 130,
        "multiplier": research.ASSISTANT_MULTIPLIER,
        "alignment_multiplier": None,
        "assistant_year": 5.0,
        "horizon_years": 10.0,
        "required_ratio": 1.0,
        "adaptation_rate": transition.RATE,
        "harm_exponent": 1.0,
        "offense_advantage": 1.0,
        "decisiveness": 1.0,
        "n_attempts": 1,
        "step_probabilities": (0.8,) * plans.N_STEPS,
        "correlation": 0.0,
    }
)

#: For each result, the model and the lesson where it is taught.
RESULT_LESSONS = MappingProxyType(
    {
        "p_disaster_race": ("racing", "03"),
        "action_risk": ("deployment", "04"),
        "inaction_risk": ("deployment", "04"),
        "p_catastrophe": ("deployment", "04"),
        "optimal_wait": ("deployment", "04"),
        "plan_success": ("plans", "02"),
        "alignment_progress_share": ("research", "02, 05"),
        "catch_up_year": ("research", "02"),
        "peak_gap": ("transition", "01"),
        "cumulative_harm": ("transition", "01"),
        "delayed_benefit": ("transition", "01"),
        "p_dangerous_prevails": ("offense_defense", "04"),
    }
)

_DESCRIPTIONS = {
    "p_disaster_race": "P(disaster) in the race (racing, with any merge-and-assist coalition)",
    "action_risk": "Magma's action risk at the chosen wait (its own AI is misaligned)",
    "inaction_risk": "inaction risk at the chosen wait (a rival deploys first, misaligned)",
    "p_catastrophe": "total P(catastrophe) at the chosen wait (action + inaction)",
    "optimal_wait": "the wait (months) that minimises the deployment model's risk",
    "plan_success": "P(all six steps of the plan succeed)",
    "alignment_progress_share": "alignment's share of all research progress at the horizon",
    "catch_up_year": "year alignment progress first matches the required ratio (inf = never)",
    "peak_gap": "peak adaptation gap (share of the final capability society has not adapted to)",
    "cumulative_harm": "total harm from the adaptation gap (capability-years)",
    "delayed_benefit": "benefit held back by staging the release (capability-years)",
    "p_dangerous_prevails": "P(dangerous AI prevails at least once) in Phase 2",
}


def _merge(defaults: Mapping[str, Any], given: Mapping[str, Any] | None, what: str) -> dict:
    given = dict(given or {})
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(f"unknown {what} setting(s) {unknown}; known: {', '.join(defaults)}")
    return {**defaults, **given}


def evaluate(policy: Mapping[str, Any] | None = None, world: Mapping[str, Any] | None = None) -> dict:
    """Every model's numbers for one policy in one world.

    Parameters
    ----------
    policy : mapping, optional
        Any of the keys of :data:`POLICY_DEFAULTS` (missing keys take the defaults):
        ``wait_months`` >= 0; ``information`` one of ``"none", "private", "public"``;
        ``coalition_size`` whole number in [1, n_teams]; ``alignment_share`` in [0, 1) (at least
        one researcher stays on capabilities); ``release_steps`` whole number in [1, 1000];
        ``release_spacing`` in years (the last release must fall inside the 10-year horizon of
        the transition model); ``safe_share`` in [0, 1].
    world : mapping, optional
        Any of the keys of :data:`WORLD_DEFAULTS`, passed to the model named in the table above.

    Returns
    -------
    dict
        ``policy`` and ``world`` (the full settings used) and one float per key of
        :data:`RESULT_LESSONS`. ``optimal_wait`` and ``catch_up_year`` may be ``inf``.

    Raises
    ------
    ValueError
        naming the setting, the value and the allowed range (from this function or from the
        model that received it).
    """
    p = _merge(POLICY_DEFAULTS, policy, "policy")
    w = _merge(WORLD_DEFAULTS, world, "world")

    wait = v.real("wait_months", p["wait_months"], lo=0.0, allow_array=False)
    info = v.choice("information", p["information"], racing.INFORMATION)
    n_teams = v.integer("n_teams", w["n_teams"], lo=2, hi=100)
    coalition = v.integer("coalition_size", p["coalition_size"], lo=1, hi=n_teams)
    share = v.real("alignment_share", p["alignment_share"], lo=0.0, hi=1.0, hi_open=True, allow_array=False)
    staff = v.integer("research_staff", w["research_staff"], lo=2, hi=1_000_000)
    steps = v.integer("release_steps", p["release_steps"], lo=1, hi=1000)
    spacing = v.real("release_spacing", p["release_spacing"], lo=0.0, hi=1e4, allow_array=False)
    safe = v.real("safe_share", p["safe_share"], lo=0.0, hi=1.0, allow_array=False)
    horizon = v.real("horizon_years", w["horizon_years"], lo=0.0, lo_open=True, hi=1000.0, allow_array=False)

    # racing (lesson 03): the information regime and a merge-and-assist coalition
    p_race = racing.with_merge_and_assist(
        n_teams=n_teams,
        coalition_size=coalition,
        capability_weight=w["capability_weight"],
        enmity=w["enmity"],
        information=info,
    )

    # deployment (lesson 04): Magma's wait
    dep = {k: w[k] for k in deployment.PARAMETERS}
    action = deployment.action_risk(wait, **dep)
    inaction = deployment.inaction_risk(wait, **dep)
    best = deployment.optimal_wait(**dep)

    # plans (lesson 02): the six-step chain
    success = plans.success_probability(w["step_probabilities"], correlation=w["correlation"])

    # research (lessons 02, 05): the split of a fixed research staff
    h_a = int(round(share * staff))
    h_c = staff - h_a
    if h_c < 1:
        raise ValueError(
            f"alignment_share must leave at least one of the {staff} researchers on "
            f"capabilities, i.e. be below {(staff - 0.5) / staff:.4g}; got {share:g}"
        )
    heads = dict(
        capabilities_researchers=h_c,
        alignment_researchers=h_a,
        multiplier=w["multiplier"],
        alignment_multiplier=w["alignment_multiplier"],
        assistant_year=w["assistant_year"],
    )
    cap, ali = research.cumulative_progress(horizon, **heads)
    catch_up = research.catch_up_year(required_ratio=w["required_ratio"], **heads)

    # transition (lesson 01): the release cadence
    schedule = transition.staged_schedule(steps, spacing=spacing)
    rate = w["adaptation_rate"]
    peak = transition.peak_gap(schedule, rate=rate)
    harm = transition.cumulative_harm(schedule, rate=rate, exponent=w["harm_exponent"])
    delay = transition.delayed_benefit(schedule)

    # offense-defense (lesson 04): the safe side's resource share in Phase 2
    prevails = offense_defense.p_dangerous_prevails(
        safe, offense_advantage=w["offense_advantage"], decisiveness=w["decisiveness"], n_attempts=w["n_attempts"]
    )

    return {
        "policy": p,
        "world": w,
        "p_disaster_race": float(p_race),
        "action_risk": float(action),
        "inaction_risk": float(inaction),
        "p_catastrophe": float(action + inaction),
        "optimal_wait": float(best),
        "plan_success": float(success),
        "alignment_progress_share": float(ali / (ali + cap)),
        "catch_up_year": float(catch_up),
        "peak_gap": float(peak),
        "cumulative_harm": float(harm),
        "delayed_benefit": float(delay),
        "p_dangerous_prevails": float(prevails),
    }


def table(result: Mapping[str, Any]) -> pd.DataFrame:
    """A tidy table of an :func:`evaluate` result: ``quantity, value, model, lesson, meaning``."""
    missing = [k for k in RESULT_LESSONS if k not in result]
    if missing:
        raise ValueError(f"result must come from policy.evaluate(); it lacks {missing}")
    rows = [
        {
            "quantity": k,
            "value": float(result[k]),
            "model": RESULT_LESSONS[k][0],
            "lesson": RESULT_LESSONS[k][1],
            "meaning": _DESCRIPTIONS[k],
        }
        for k in RESULT_LESSONS
    ]
    return pd.DataFrame(rows)


def _fmt(key: str, value: float) -> str:
    if not math.isfinite(value):
        return "never" if key == "catch_up_year" else "wait indefinitely"
    if key in ("optimal_wait",):
        return f"{value:.1f} months"
    if key == "catch_up_year":
        return f"year {value:.1f}"
    if key in ("cumulative_harm", "delayed_benefit"):
        return f"{value:.2f}"
    return f"{value:.1%}"


def report(result: Mapping[str, Any], *, name: str = "My policy") -> str:
    """A one-page plain-text summary of a policy, the world it assumes and every model's numbers."""
    rows = table(result)
    p, w = result["policy"], result["world"]
    h_a = int(round(p["alignment_share"] * w["research_staff"]))
    lines = [
        name,
        "=" * len(name),
        "",
        "The policy (what a lab and an agency choose):",
        f"  - wait {p['wait_months']:g} months before deploying (deployment model, lesson 04)",
        f"  - information about capabilities: {p['information']} (racing model, lesson 03)",
        f"  - merge-and-assist coalition of {p['coalition_size']} of {w['n_teams']} labs (lesson 03)",
        f"  - {h_a} of {w['research_staff']} researchers on alignment (research model, lessons 02 and 05)",
        f"  - release in {p['release_steps']} step(s), {p['release_spacing']:g} year(s) apart "
        "(transition model, lesson 01)",
        f"  - safe side holds {p['safe_share']:.0%} of resources in Phase 2 (offense-defense, lesson 04)",
        "",
        "The world it assumes (illustrative; the documents give none of these numbers):",
        f"  - {w['n_teams']} labs, enmity {w['enmity']:g}, capability weight {w['capability_weight']:g}",
        f"  - Magma's P(misaligned) {w['p_misaligned_now']:g} now, floor {w['p_misaligned_floor']:g}, "
        f"halving {w['halving_months']:g} months; lead {w['lead_months']:g} months, rival hazard "
        f"{w['hazard_per_month']:.3g}/month, rival P(misaligned) {w['p_other_misaligned']:g}",
        f"  - offence advantage {w['offense_advantage']:g}, {w['n_attempts']} attempt(s); "
        f"plan steps {', '.join(f'{x:g}' for x in w['step_probabilities'])}",
        "",
        "What the models say:",
    ]
    for row in rows.itertuples():
        lines.append(f"  - {row.meaning}: {_fmt(row.quantity, row.value)} [{row.model}, lesson {row.lesson}]")
    lines += ["", "The models are separate: no lever here changes another model's inputs."]
    return "\n".join(lines)
