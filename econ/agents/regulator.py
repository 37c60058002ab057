"""The regulator: holds the policy and enforces it each quarter (ODD 7.6-7.7).

It audits operators, records incidents and fines, revokes and re-issues licences, sets the
effective strictness of cross-border review and, if the policy says so, adapts: it tightens
review after incidents and loosens it again after calm quarters.
"""

from __future__ import annotations

import mesa
import numpy as np

from econ import equations as eq
from econ import kernels
from econ.agents.operators import OperatorTable, audit_probability
from econ.policy import Policy
from econ.scenarios import Scenario

__all__ = ["Regulator", "poisson_draws"]


def poisson_draws(rate: np.ndarray | float, u: np.ndarray | float) -> np.ndarray:
    """Poisson counts by inversion of one uniform each.

    A higher rate never gives fewer events for the same uniform, so paired runs stay paired
    (common random numbers). One compiled pass (:func:`econ.kernels.poisson_counts`):
    ``scipy.stats.poisson.ppf(u, max(rate, 0))``, with no event for a NaN or negative count.

    Parameters
    ----------
    rate : numpy.ndarray or float
        Expected events (negative rates count as 0).
    u : numpy.ndarray or float
        One uniform in [0, 1) per rate.

    Returns
    -------
    numpy.ndarray
        Event counts, integers (one ``numpy.int64`` for two scalars).
    """
    rate, u = np.asarray(rate, dtype=float), np.asarray(u, dtype=float)
    if rate.shape != u.shape:
        rate, u = np.broadcast_arrays(rate, u)
    out = np.empty(rate.shape, dtype=int)
    kernels.poisson_counts(rate.ravel(), u.ravel(), out.reshape(-1))
    return out if out.ndim else out[()]


def _cuts(scenario: Scenario) -> tuple[float, float, float, float]:
    """E9's ``(a, b, c, d)``: how infrastructure, security, review and the bridge cut risk."""
    p = scenario
    return (
        p.incident_infrastructure_cut,
        p.incident_security_decay,
        p.incident_review_cut,
        p.incident_bridge_cut,
    )


class Regulator(mesa.Agent):
    """The national data regulator (one per model); it holds the policy in force.

    Its state after each quarter: ``extra_strictness`` (adaptive tightening of review, in
    [0, 1]), ``incidents``, ``audits`` and ``revocations`` (counts) and ``fines_rmb`` (RMB).

    Parameters
    ----------
    model : mesa.Model
        The model.
    policy : Policy
        The policy in force.
    """

    def __init__(self, model: mesa.Model, policy: Policy) -> None:
        super().__init__(model)
        self.policy = policy
        self.extra_strictness = 0.0
        self.incidents = 0
        self.cross_border_incidents = 0
        self.expected_incidents = 0.0  # the quarter's Poisson rates: nationally, the count
        self.expected_cross_border_incidents = 0.0  # is the rate (law of large numbers)
        self.audits = 0
        self.revocations = 0
        self.fines_rmb = 0.0

    @property
    def review_strictness(self) -> float:
        """Strictness of cross-border review in force: the policy's plus any tightening."""
        return min(1.0, self.policy.review_strictness + self.extra_strictness)

    def enforce(
        self,
        operators: OperatorTable,
        scenario: Scenario,
        sensitive_transfers: float,
        bridge_alignment: float,
        incident_rng: np.random.Generator | np.ndarray,
        cross_border_rng: np.random.Generator | np.ndarray,
        audit_rng: np.random.Generator | np.ndarray,
        operator_transfer_share: float = 0.0,
    ) -> int:
        """Draw incidents (E9), audit operators, fine, revoke and adapt.

        Each stochastic part draws a fixed number of uniforms from its own generator. One
        compiled pass (:func:`econ.kernels.enforce`); :meth:`enforce_reference` is the numpy
        reference, with the same arguments, draws and result.

        Parameters
        ----------
        operators : OperatorTable
            The operators' state; its incidents, penalties, profit and licences are updated.
        scenario : Scenario
            The scenario's parameters.
        sensitive_transfers : float
            Approved cross-border transfers of sensitive data this quarter (simulated economy).
        bridge_alignment : float
            Share of those transfers under standards aligned through Hong Kong, in [0, 1].
        incident_rng : numpy.random.Generator or numpy.ndarray
            The ``operator_incidents`` stream this quarter (a generator, or its PCG64 state
            words from ``RandomStreams.quarter_state``, advanced in place; so for the others).
        cross_border_rng : numpy.random.Generator or numpy.ndarray
            The ``cross_border_incidents`` stream this quarter.
        audit_rng : numpy.random.Generator or numpy.ndarray
            The ``audits`` stream this quarter.
        operator_transfer_share : float, default 0.0
            Share of the sensitive transfers that are operators' products, which privacy
            computing covers abroad as at home.

        Returns
        -------
        int
            Security incidents this quarter, operators' and cross-border.
        """
        o, policy, p = operators, self.policy, scenario
        streams = (incident_rng, cross_border_rng, audit_rng)
        words = [kernels.stream_words(rng) for rng in streams]
        generators = [rng for rng in streams if not isinstance(rng, np.ndarray)]
        if any(w is None for w in words) or len({id(g) for g in generators}) < len(generators):
            # Not three PCG64 streams (another bit generator, or one generator for two
            # streams, which the reference draws from in turn): numpy's draws.
            return self.enforce_reference(
                o, p, sensitive_transfers, bridge_alignment, *streams, operator_transfer_share
            )
        incidents = np.empty(len(o), dtype=int)
        # E9's exp(-b z) in numpy, as every exp and power the kernels read.
        security_factor = np.exp(-p.incident_security_decay * o.security)
        cross_border, expected, expected_cross_border, audits, revocations, fines = (
            kernels.enforce(
                o.uses, o.licensed, o.security, security_factor, o.revenue, o.relicense_in,
                o.penalty, o.profit,
                incidents, p.incident_rate, p.cross_border_incident_rate,
                float(sensitive_transfers), float(policy.infrastructure),
                float(self.review_strictness), float(bridge_alignment), _cuts(p),
                float(policy.privacy_computing), p.privacy_computing_incident_cut,
                float(operator_transfer_share), float(audit_probability(policy, p)),
                float(policy.penalty), int(p.relicense_quarters), int(policy.operators), *words,
            )
        )  # fmt: skip
        for rng, state in zip(streams, words, strict=True):
            if state is not rng:  # a generator: it moves on by the draws made from its words
                kernels.set_pcg64_words(rng, state)
        o.incidents = incidents
        return self._record(
            int(incidents.sum()) + cross_border, cross_border, expected + expected_cross_border,
            expected_cross_border, audits, revocations, fines, p,
        )  # fmt: skip

    def enforce_reference(
        self,
        operators: OperatorTable,
        scenario: Scenario,
        sensitive_transfers: float,
        bridge_alignment: float,
        incident_rng: np.random.Generator | np.ndarray,
        cross_border_rng: np.random.Generator | np.ndarray,
        audit_rng: np.random.Generator | np.ndarray,
        operator_transfer_share: float = 0.0,
    ) -> int:
        """:meth:`enforce` in numpy: the reference of :func:`econ.kernels.enforce`, with the
        same arguments, draws and result.

        Parameters
        ----------
        operators : OperatorTable
            The operators' state.
        scenario : Scenario
            The scenario's parameters.
        sensitive_transfers : float
            Approved cross-border transfers of sensitive data this quarter.
        bridge_alignment : float
            Share of those transfers under standards aligned through Hong Kong, in [0, 1].
        incident_rng, cross_border_rng, audit_rng : numpy.random.Generator or numpy.ndarray
            The quarter's ``operator_incidents``, ``cross_border_incidents`` and ``audits``
            streams, or their PCG64 state words.
        operator_transfer_share : float, default 0.0
            Share of the sensitive transfers that are operators' products.

        Returns
        -------
        int
            Security incidents this quarter, operators' and cross-border.
        """
        o, policy, p = operators, self.policy, scenario
        cuts = _cuts(p)
        # Operators' incidents: exposure is the sensitive licences they served.
        # Privacy computing covers operators' licences (the data they process), wherever the
        # user is: below, their share of the cross-border flow too.
        op_rate = eq.incident_rate(
            p.incident_rate, o.uses * o.licensed, policy.infrastructure, o.security, 0.0, 0.0,
            cuts, policy.privacy_computing, p.privacy_computing_incident_cut,
        )  # fmt: skip
        o.incidents = poisson_draws(op_rate, kernels.uniforms(incident_rng, len(o)))
        cb_rate = eq.incident_rate(
            p.cross_border_incident_rate,
            sensitive_transfers,
            policy.infrastructure,
            0.0,
            self.review_strictness,
            bridge_alignment,
            cuts,
            policy.privacy_computing * operator_transfer_share,
            p.privacy_computing_incident_cut,
        )
        cross_border_incidents = int(poisson_draws(cb_rate, kernels.uniform(cross_border_rng)))
        # Audits reach E28's share of licences (traceability extends them) and find
        # non-compliance with probability 1 - security.
        audit_rate = audit_probability(policy, p)
        audit_u, finding_u = (
            kernels.uniforms(audit_rng, len(o)),
            kernels.uniforms(audit_rng, len(o)),
        )
        # Five slots: one compiled pass instead of twenty numpy calls (audit_reference).
        audits, revocations, fines = kernels.audit(
            o.licensed, o.incidents, o.security, o.revenue, audit_u, finding_u,
            float(audit_rate), float(policy.penalty), int(p.relicense_quarters),
            int(policy.operators), o.relicense_in, o.penalty, o.profit,
        )  # fmt: skip
        return self._record(
            int(o.incidents.sum()) + cross_border_incidents, cross_border_incidents,
            op_rate.sum() + cb_rate, cb_rate, audits, revocations, fines, p,
        )  # fmt: skip

    def _record(
        self,
        incidents: int,
        cross_border: int,
        expected: float,
        expected_cross_border: float,
        audits: int,
        revocations: int,
        fines: float,
        scenario: Scenario,
    ) -> int:
        """Keep the quarter's counts and adapt review strictness to them; the incidents."""
        policy = self.policy
        self.incidents = int(incidents)
        self.cross_border_incidents = int(cross_border)
        self.expected_incidents = float(expected)
        self.expected_cross_border_incidents = float(expected_cross_border)
        self.audits = int(audits)
        self.revocations = int(revocations)
        self.fines_rmb = float(fines)
        if policy.adaptive_regulator:
            # Tighten after a quarter with incidents, loosen after a calm one.
            if self.incidents:
                step = scenario.regulator_tighten_step
            else:
                step = -scenario.regulator_loosen_step
            self.extra_strictness = float(
                np.clip(self.extra_strictness + step, 0.0, 1.0 - policy.review_strictness)
            )
        return self.incidents

    def audit_reference(
        self,
        o: OperatorTable,
        scenario: Scenario,
        audit_u: np.ndarray,
        finding_u: np.ndarray,
    ) -> tuple[int, int, float]:
        """The audits of :meth:`enforce` in numpy: the reference of :func:`econ.kernels.audit`.

        Audited slots are non-compliant with probability 1 - security and fined; those with
        incidents lose their licence, and revoked slots are re-issued after their delay.

        Parameters
        ----------
        o : OperatorTable
            The operators' state; penalties, profit, licences and delays are updated.
        scenario : Scenario
            The scenario's parameters (``relicense_quarters``).
        audit_u, finding_u : numpy.ndarray
            One uniform per slot for the audit, one for its finding.

        Returns
        -------
        tuple
            Audits, revocations and fines (RMB).
        """
        policy = self.policy
        audited = o.licensed & (audit_u < audit_probability(policy, scenario))
        non_compliant = audited & (finding_u < 1.0 - o.security)
        o.penalty = np.where(non_compliant, policy.penalty * o.revenue, 0.0)
        o.profit -= o.penalty
        revoke = non_compliant & (o.incidents > 0)
        o.licensed &= ~revoke
        # The delay counts whole quarters out of the market: _relicense below already counts
        # this one down, so a slot is re-issued relicense_quarters enforcements from now.
        o.relicense_in = np.where(revoke, scenario.relicense_quarters + 1, o.relicense_in)
        self._relicense(o)
        return int(audited.sum()), int(revoke.sum()), float(o.penalty.sum())

    def _relicense(self, o: OperatorTable) -> None:
        """Re-issue revoked licences once their delay has passed."""
        waiting = ~o.licensed & (np.arange(len(o)) < self.policy.operators)
        o.relicense_in = np.where(waiting, np.maximum(o.relicense_in - 1, 0), 0)
        o.licensed |= waiting & (o.relicense_in == 0)  # a new licensee prices under the cap
