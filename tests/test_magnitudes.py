"""Issue #11 mechanisms: one national scale, costly levers, and a security channel that can
decide the cross-border question (trust thresholds, partners' reciprocity and retaliation)."""

import numpy as np
import pytest

from econ import DataEconomy, Policy
from econ import equations as eq
from econ.calibration import national_scale
from econ.categories import is_abroad
from econ.scenarios import get_scenario

from .conftest import small


def test_national_scale_is_fixed_by_the_scenario_not_by_behaviour_or_policy():
    base = small().calibration.firms_represented
    # Returns to data and demand elasticity change the simulated market, not the scale.
    assert small(data_elasticity=0.04).calibration.firms_represented == base
    assert small(fit_tail_index=1.8).calibration.firms_represented == base
    assert small(Policy(pricing="market", openness=1.0)).calibration.firms_represented == base
    assert small(seed=9).calibration.firms_represented == base
    # It is national output over the output of the firms active at start.
    scenario = get_scenario("small")
    active = (400 - round(400 * 0.02) - round(400 * 0.05)) * scenario.initial_active_share
    assert base == pytest.approx(scenario.national_output_rmb / 4 / (5e6 * active))
    # Twice the firms, half the scale; twice the national output, twice the scale.
    assert national_scale(scenario.replace(n_firms=800)) == pytest.approx(base / 2, rel=0.01)
    assert national_scale(
        scenario.replace(national_output_rmb=2 * scenario.national_output_rmb)
    ) == pytest.approx(2 * base)


def test_output_at_start_is_near_the_national_target():
    # The scale is set on the initial economy, the start of the spin-up.
    df = DataEconomy(scenario="small", seed=1, spin_up_quarters=0).run(1)
    target = get_scenario("small").national_output_rmb / 4
    assert df["output"].iloc[0] == pytest.approx(target, rel=0.15)
    assert df["welfare_share"].iloc[0] == pytest.approx(
        df["welfare"].iloc[0] / df["output"].iloc[0]
    )


def test_lever_costs_come_off_welfare_and_nothing_else():
    policy = Policy(infrastructure=0.5, registration=True, hk_bridge=True, openness=0.5)
    free = small(policy, infrastructure_cost_rmb=0, registration_cost_rmb=0, bridge_cost_rmb=0,
                 review_cost_rmb=0, audit_cost_rmb=0).run(6)  # fmt: skip
    paid = small(policy).run(6)
    assert (free["policy_cost"] == 0).all() and (paid["policy_cost"] > 0).all()
    others = [c for c in paid.columns if c not in ("welfare", "policy_cost", "welfare_share")]
    assert paid[others].equals(free[others])
    np.testing.assert_allclose(free["welfare"] - paid["welfare"], paid["policy_cost"], rtol=1e-9)


def test_each_lever_cost_scales_with_its_lever():
    costs = {"infrastructure": 10.0, "registration": 3.0, "review": 5.0, "audit": 2.0,
             "bridge": 7.0}  # fmt: skip
    assert eq.policy_cost(0.5, True, 0.2, 3, True, costs) == pytest.approx(5 + 3 + 1 + 6 + 7)
    assert eq.policy_cost(0.0, False, 0.0, 0, False, costs) == 0.0
    # Review and the bridge cost nothing while the border is closed.
    closed = small(Policy(openness=0.0, hk_bridge=True, review_strictness=1.0)).run(3)
    shut = small(Policy(openness=0.0)).run(3)
    assert closed["policy_cost"].equals(shut["policy_cost"])


def test_trust_erodes_with_a_trickle_and_collapses_with_a_wave():
    erode = eq.trust_update(0.9, 0.05, 0.01, 1.0, pressure=0.1, collapse_threshold=0.25,
                            collapse=0.3)  # fmt: skip
    wave = eq.trust_update(0.9, 0.05, 0.01, 1.0, pressure=0.3, collapse_threshold=0.25,
                           collapse=0.3)  # fmt: skip
    assert erode == pytest.approx(0.9 + 0.05 * 0.1 - 0.01)
    assert wave == pytest.approx(erode * 0.7)
    assert eq.incident_pressure(0.2, 1.0) == pytest.approx(0.75 * 0.2 + 0.25)


def _imports(model: DataEconomy, quarters: int, last: int) -> float:
    """Fees mainland firms paid for cross-border licences over the ``last`` quarters."""
    mainland = ~is_abroad(model.firms.table.region)
    paid = 0.0
    for q in range(quarters):
        model.step()
        if q >= quarters - last:
            c = model.clearing
            paid += float(np.where(c.cross_border, c.paid, 0.0)[mainland].sum())
    return paid


def test_a_wave_of_incidents_collapses_trust_in_the_model():
    risky = Policy(openness=1.0, review_strictness=0.0, operators=3, infrastructure=0.0)
    for seed in (2, 3):
        calm = small(risky, trust_collapse_threshold=1000.0, seed=seed)
        wave = small(risky, trust_collapse_threshold=0.01, seed=seed)
        calm_imports, wave_imports = _imports(calm, 20, 4), _imports(wave, 20, 4)
        calm_df, wave_df = (
            calm.datacollector.get_model_vars_dataframe(),
            (wave.datacollector.get_model_vars_dataframe()),
        )
        assert calm_df["trust"].min() > 0.8
        assert wave_df["trust"].min() < 0.3
        # Welfare, not the paid market: as trust goes, operators under the revenue cap lose
        # uses and raise their price toward allowed revenue (E7b), so sales in RMB can even
        # rise. How far welfare falls depends on the value of the trust-scaled data, so on
        # the estimated returns to data and product size: 2-5% at the 2026-11-30 estimates,
        # 10% at the one before. The test asks for a fall beyond 1%, not for its size.
        last = slice(-4, None)
        assert wave_df["welfare"].iloc[last].mean() < 0.99 * calm_df["welfare"].iloc[last].mean()
        # Trust scales what mainland firms get from foreign data (E4), so their imports
        # collapse (by over 99% at this estimate). Hong Kong and foreign firms' purchases of
        # mainland data are not trust-scaled, so total cross-border flows fall far less.
        assert wave_imports < 0.5 * calm_imports


def test_partners_reciprocate_openness_and_retaliate_after_incidents():
    # Reciprocity: toward 1 - w (1 - openness); closure fragments the partners' side.
    assert eq.partner_openness(0.65, 1.0, 0.5, 1.0, 0.0, 0.0) == pytest.approx(1.0)
    assert eq.partner_openness(0.65, 0.0, 0.5, 1.0, 0.0, 0.0) == pytest.approx(0.5)
    assert eq.partner_openness(0.65, 0.0, 0.5, 0.25, 0.0, 0.0) == pytest.approx(0.6125)
    # Retaliation: incidents cut partners' openness.
    assert eq.partner_openness(0.8, 0.6, 0.5, 0.0, 0.1, 2.0) == pytest.approx(0.6)
    closed = small(Policy(openness=0.0)).run(12)["partner_openness"]
    opened = small(Policy(openness=1.0)).run(12)["partner_openness"]
    assert closed.iloc[-1] < 0.55 < 0.95 < opened.iloc[-1]


def test_partners_openness_limits_cross_border_trade():
    policy = Policy(openness=1.0, operators=2)
    start = {"partner_reciprocity": 1.0, "partner_retaliation": 0.0, "spin_up_quarters": 0}
    mirror = small(policy, **start)
    ignore = small(policy, **{**start, "partner_reciprocity": 0.0})
    # Partners start at their response to today's openness (0.3): 0.3 if they mirror it.
    assert mirror.partner_openness == pytest.approx(0.3)
    assert ignore.partner_openness == pytest.approx(1.0)
    first = mirror.run(1)["cross_border_volume"].iloc[0]
    assert first < ignore.run(1)["cross_border_volume"].iloc[0]
