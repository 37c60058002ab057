"""Paired entry (``paired_entry``, ODD 7.2): each entrant is drawn from its slot's own
stream, so two arms of a comparison that admit different numbers of entrants still admit
the same firm into a slot both fill."""

import numpy as np
import pytest
from scipy import stats

from econ import DataEconomy, Policy
from econ.agents.firms import ENTRANT_DRAWS
from econ.seeds import STREAMS, RandomStreams

COLUMNS = ("sector", "productivity", "capital", "capability", "data_stock")


def test_slot_uniforms_are_numpys_spawned_streams():
    for seed in (0, 1, 2**32 - 1, 2**32 + 5, 2**63 - 1, 2**130 + 7):
        streams = RandomStreams(seed)
        slots = np.array([0, 3, 999, 2**20 + 1])
        for quarter in (1, 40):
            got = streams.slot_uniforms("entrants", quarter, slots, 6)
            key = STREAMS.index("entrants")
            for row, slot in zip(got, slots, strict=True):
                want = np.random.SeedSequence(seed, spawn_key=(key, quarter, int(slot)))
                assert np.array_equal(row, np.random.default_rng(want).random(6))
    # A slot's draws do not depend on the other slots asked for.
    streams = RandomStreams(5)
    both = streams.slot_uniforms("entrants", 3, np.array([4, 9]), 5)
    assert np.array_equal(both[1], streams.slot_uniforms("entrants", 3, np.array([9]), 5)[0])
    assert streams.slot_uniforms("entrants", 3, np.array([], dtype=int), 5).shape == (0, 5)


def _entrants_by_quarter(policy, paired, quarters=16, **params):
    """{(quarter, slot): the entrant's characteristics} of one run."""
    model = DataEconomy(
        policy=policy, scenario="small", n_firms=400, seed=3, paired_entry=paired,
        spin_up_quarters=0, **params,
    )  # fmt: skip
    seen, counts = {}, []
    for q in range(quarters):
        model.step()
        table, view = model.firms.table, model.market.view
        entered = np.flatnonzero(table.active & (table.age == 0))
        counts.append(len(entered))
        for row in entered:
            traits = [float(getattr(table, c)[row]) for c in COLUMNS]
            seen[q, int(row)] = (*traits, view.product[row].tobytes(), view.fit[row].tobytes())
    return seen, counts


@pytest.mark.parametrize("paired", [True, False])
def test_a_slot_filled_in_both_arms_holds_the_same_entrant_only_when_paired(paired):
    # Arms that admit different numbers of entrants: more entry, and another policy.
    a, counts_a = _entrants_by_quarter(Policy(operators=1), paired)
    b, counts_b = _entrants_by_quarter(Policy(operators=3, openness=0.8), paired, entry_rate=0.03)
    assert counts_a != counts_b  # the arms admit different numbers: pairing is tested
    common = sorted(set(a) & set(b))
    assert len(common) >= 10
    same = [a[k] == b[k] for k in common]
    if paired:
        assert all(same)
    else:  # the earlier draws shift with the count: most common slots hold other firms
        assert sum(same) < len(same) / 2


def test_paired_entrants_follow_the_same_distributions():
    # Inversion gives the distributions numpy's samplers give: compared on many draws.
    model = DataEconomy(scenario="small", n_firms=400, seed=1, paired_entry=True)
    p, firms, n = model.params, model.firms, 20_000
    rows = np.arange(n) % len(firms.table.active)
    u = RandomStreams(9).slot_uniforms("entrants", 1, np.arange(n), len(ENTRANT_DRAWS))
    rng = np.random.default_rng(9)
    sd = p.productivity_dispersion
    b = 2.0 * (1 - p.initial_capability) / p.initial_capability
    for k in range(0, n, len(firms.table.active)):  # slot by slot: rows must be distinct
        chunk = slice(k, min(k + len(firms.table.active), n))
        firms.initialise_from_uniforms(rows[chunk], u[chunk], p, quarter=0)
    table = firms.table
    # The last writes of each slot: the final chunk's draws.
    last = slice(n - len(table.active), n)
    # Productivity: lognormal with sd ``productivity_dispersion`` (its scale aside).
    z = np.log(table.productivity[rows[last]])
    assert stats.kstest((z - z.mean()) / sd, "norm").pvalue > 0.01
    assert abs(np.std(z) - sd) < 0.1 * sd
    capital = table.capital[rows[last]] / (p.entrant_capital_share * 4.0 * p.mean_output_rmb)
    assert stats.ks_2samp(capital, rng.lognormal(-0.125, 0.5, 5000)).pvalue > 0.01
    capability = table.capability[rows[last]] / p.entrant_capability_share
    assert stats.ks_2samp(capability, rng.beta(2.0, b, 5000)).pvalue > 0.01
    sectors = np.bincount(table.sector[rows[last]], minlength=6) / len(table.active)
    assert np.allclose(sectors, 1 / 6, atol=0.06)


def test_paired_entry_is_on_by_default_and_runs_like_any_run():
    assert DataEconomy(scenario="small", n_firms=200, seed=1).params.paired_entry is True
    a = DataEconomy(scenario="small", n_firms=300, seed=4).run(6)
    b = DataEconomy(scenario="small", n_firms=300, seed=4, paired_entry=True).run(6)
    assert a.equals(b)
    c = DataEconomy(scenario="small", n_firms=300, seed=4, paired_entry=False).run(6)
    assert not a.equals(c)


def test_an_inert_lever_stays_bit_identical_with_paired_entry():
    # The Hong Kong bridge with the border closed does nothing: the same output, to the bit.
    def run(policy):
        return DataEconomy(
            policy=policy, scenario="small", n_firms=300, seed=2, paired_entry=True
        ).run(8)

    closed = Policy(openness=0.0, operators=2)
    assert run(closed).equals(run(closed.replace(hk_bridge=True)))
