"""The policy workbench composes the models: each number equals the model's own, bad input is named."""

from __future__ import annotations

import math

import pytest

from alignlessons.models import deployment, offense_defense, plans, policy, racing, research, transition


def test_defaults_match_direct_model_calls():
    r = policy.evaluate()
    w = policy.WORLD_DEFAULTS
    assert r["p_disaster_race"] == pytest.approx(
        racing.disaster_probability(
            n_teams=w["n_teams"], capability_weight=w["capability_weight"], enmity=w["enmity"], information="none"
        )
    )
    dep = {
        k: w[k]
        for k in (
            "p_misaligned_now",
            "p_misaligned_floor",
            "halving_months",
            "lead_months",
            "hazard_per_month",
            "p_other_misaligned",
        )
    }
    assert r["p_catastrophe"] == pytest.approx(deployment.p_catastrophe(12.0, **dep))
    assert r["action_risk"] + r["inaction_risk"] == pytest.approx(r["p_catastrophe"])
    assert r["plan_success"] == pytest.approx(0.8**6)
    assert r["alignment_progress_share"] == pytest.approx(30 / 130)  # a uniform assistant keeps the split
    assert r["peak_gap"] == pytest.approx(transition.peak_gap(transition.staged_schedule(4, spacing=1.0)))
    assert r["p_dangerous_prevails"] == pytest.approx(offense_defense.p_dangerous_prevails(0.75))


def test_each_lever_moves_its_own_model_only():
    base = policy.evaluate()
    merged = policy.evaluate({"coalition_size": 3})
    assert merged["p_disaster_race"] == 0.0
    assert merged["p_catastrophe"] == base["p_catastrophe"] and merged["peak_gap"] == base["peak_gap"]
    sudden = policy.evaluate({"release_steps": 1})
    assert sudden["peak_gap"] > base["peak_gap"] and sudden["delayed_benefit"] == 0.0
    assert sudden["p_disaster_race"] == base["p_disaster_race"]
    more = policy.evaluate({"alignment_share": 0.6})
    assert more["alignment_progress_share"] == pytest.approx(78 / 130)
    assert more["catch_up_year"] == 0.0 and math.isinf(base["catch_up_year"])
    late = policy.evaluate({"wait_months": 36})
    assert late["inaction_risk"] > base["inaction_risk"]


@pytest.mark.parametrize("info", racing.INFORMATION)
def test_information_regime_is_passed_through(info):
    r = policy.evaluate({"information": info, "coalition_size": 2}, {"n_teams": 4, "enmity": 0.8})
    assert r["p_disaster_race"] == pytest.approx(
        racing.with_merge_and_assist(n_teams=4, coalition_size=2, capability_weight=1.0, enmity=0.8, information=info)
    )


def test_world_settings_reach_the_models():
    r = policy.evaluate(
        {"alignment_share": 0.5},
        {
            "alignment_multiplier": 6.0,
            "research_staff": 200,
            "step_probabilities": [0.9, 0.5],
            "correlation": 1.0,
            "offense_advantage": 3.0,
            "n_attempts": 4,
        },
    )
    c, a = research.cumulative_progress(
        10.0,
        capabilities_researchers=100,
        alignment_researchers=100,
        multiplier=3.0,
        alignment_multiplier=6.0,
        assistant_year=5.0,
    )
    assert r["alignment_progress_share"] == pytest.approx(a / (a + c))
    assert r["plan_success"] == pytest.approx(plans.success_probability([0.9, 0.5], correlation=1.0))
    assert r["p_dangerous_prevails"] == pytest.approx(
        offense_defense.p_dangerous_prevails(0.75, offense_advantage=3.0, n_attempts=4)
    )


@pytest.mark.parametrize(
    "policy_in, world_in, words",
    [
        ({"wait_months": -1}, None, "wait_months"),
        ({"information": "secret"}, None, "information"),
        ({"coalition_size": 4}, None, "coalition_size"),
        ({"alignment_share": 1.0}, None, "alignment_share"),
        ({"alignment_share": 0.999}, None, "alignment_share"),
        ({"release_steps": 0}, None, "release_steps"),
        ({"release_steps": 4, "release_spacing": 5.0}, None, "spacing"),
        ({"safe_share": 1.5}, None, "safe_share"),
        ({"speed": 1}, None, "unknown policy"),
        (None, {"p_misaligned_floor": 0.5}, "p_misaligned_floor"),
        (None, {"planet": 1}, "unknown world"),
    ],
)
def test_bad_settings_raise_value_errors_naming_them(policy_in, world_in, words):
    with pytest.raises(ValueError, match=words):
        policy.evaluate(policy_in, world_in)


def test_table_and_report_show_every_result():
    r = policy.evaluate({"wait_months": 0})
    t = policy.table(r)
    assert list(t["quantity"]) == list(policy.RESULT_LESSONS)
    text = policy.report(r, name="Test policy")
    assert text.startswith("Test policy") and f"{r['p_catastrophe']:.1%}" in text
    assert "never" in text  # the default alignment share never catches up
    with pytest.raises(ValueError, match="evaluate"):
        policy.table({"p_catastrophe": 0.1})
