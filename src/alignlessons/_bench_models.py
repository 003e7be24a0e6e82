"""Benchmark cases for `python -m alignlessons.bench models`: per model, one call a slider step
makes and one sweep a chart needs."""

from __future__ import annotations

import time

import numpy as np

from .models import deployment, evidence, offense_defense, plans, racing, research, takeoff, transition, unilateralist


def cases() -> list:
    """(model name, one slider step, one chart sweep) per model; built on call, not at import."""
    steps6 = [0.9, 0.7, 0.6, 0.5, 0.4, 0.3]
    years = np.linspace(0, 30, 121)
    _, path = takeoff.output_path("hyperbolic")
    schedule = transition.staged_schedule(4)
    return [
        (
            "racing",
            lambda: racing.disaster_probability(n_teams=5, capability_weight=1.0, enmity=0.5, information="public"),
            racing.sweep,
        ),
        (
            "unilateralist",
            lambda: (unilateralist.p_any_acts(5, 0.0), unilateralist.conforming_threshold(5)),
            unilateralist.sweep,
        ),
        (
            "plans",
            lambda: (
                plans.success_probability(steps6, correlation=0.3),
                plans.most_sensitive_step(steps6, correlation=0.3),
            ),
            plans.sweep,
        ),
        ("research", lambda: (research.cumulative_progress(years), research.catch_up_year()), research.sweep),
        ("takeoff", lambda: (takeoff.p_all_aligned(10), takeoff.is_slow_takeoff(path, dt=0.25)), takeoff.sweep),
        ("transition", lambda: (transition.adaptation_gap(schedule), transition.cost(schedule)), transition.sweep),
        ("deployment", lambda: (deployment.p_catastrophe(18.0), deployment.optimal_wait()), deployment.sweep),
        (
            "offense_defense",
            lambda: offense_defense.p_dangerous_prevails(0.75, offense_advantage=3, n_attempts=5),
            offense_defense.sweep,
        ),
        (
            "evidence",
            lambda: (
                evidence.posterior_after(6, 10, prior=0.3, p_signal_if_h=0.6, p_signal_if_not_h=0.3),
                evidence.p_warning_in_time(),
            ),
            evidence.sweep,
        ),
    ]


def racing_throughput(n_draws: int = 5_000_000) -> tuple[int, float]:
    racing.simulate(n_teams=5, capability_weight=1.0, enmity=0.5, information="private", n_draws=100_000, seed=1)
    t0 = time.perf_counter()
    racing.simulate(n_teams=5, capability_weight=1.0, enmity=0.5, information="private", n_draws=n_draws, seed=2)
    return n_draws, time.perf_counter() - t0
