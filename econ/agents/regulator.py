"""The regulator: holds the policy and enforces it each quarter (ODD 7.6-7.7).

It audits operators, records incidents and fines, revokes and re-issues licences, sets the
effective strictness of cross-border review and, if the policy says so, adapts: it tightens
review after incidents and loosens it again after calm quarters.
"""

from __future__ import annotations

import mesa
import numpy as np

from econ import equations as eq

__all__ = ["Regulator"]


class Regulator(mesa.Agent):
    """The national data regulator (one per model)."""

    def __init__(self, model: mesa.Model) -> None:
        super().__init__(model)
        self.extra_strictness = 0.0
        self.incidents = 0
        self.audits = 0
        self.revocations = 0
        self.fines_rmb = 0.0

    @property
    def review_strictness(self) -> float:
        """Strictness of cross-border review in force: the policy's plus any tightening."""
        return min(1.0, self.model.policy.review_strictness + self.extra_strictness)

    def enforce(self, sensitive_transfers: float, bridge_alignment: float) -> int:
        """Draw incidents (E9), audit operators, fine, revoke and adapt. Returns incidents."""
        model, policy, p, rng = self.model, self.model.policy, self.model.params, self.model.rng
        o = model.operator_state
        # Operators' incidents: exposure is the sensitive licences they served.
        op_rate = eq.incident_rate(
            p.incident_rate, o.uses * o.licensed, policy.infrastructure, o.security, 0.0, 0.0
        )
        o.incidents = rng.poisson(op_rate)
        cb_rate = eq.incident_rate(
            p.cross_border_incident_rate,
            sensitive_transfers,
            policy.infrastructure,
            0.0,
            self.review_strictness,
            bridge_alignment,
        )
        cross_border_incidents = int(rng.poisson(cb_rate))
        # Audits find non-compliance with probability 1 - security.
        audited = o.licensed & (rng.random(len(o)) < policy.audit_rate)
        non_compliant = audited & (rng.random(len(o)) < 1.0 - o.security)
        o.penalty = np.where(non_compliant, policy.penalty * o.revenue, 0.0)
        o.profit -= o.penalty
        revoke = non_compliant & (o.incidents > 0)
        o.licensed &= ~revoke
        o.relicense_in = np.where(revoke, p.relicense_quarters, o.relicense_in)
        self._relicense()
        self.incidents = int(o.incidents.sum()) + cross_border_incidents
        self.audits = int(audited.sum())
        self.revocations = int(revoke.sum())
        self.fines_rmb = float(o.penalty.sum())
        if policy.adaptive_regulator:
            step = 0.1 if self.incidents else -0.025
            self.extra_strictness = float(
                np.clip(self.extra_strictness + step, 0.0, 1.0 - policy.review_strictness)
            )
        return self.incidents

    def _relicense(self) -> None:
        """Re-issue revoked licences once their delay has passed."""
        o = self.model.operator_state
        waiting = ~o.licensed & (np.arange(len(o)) < self.model.policy.operators)
        o.relicense_in = np.where(waiting, np.maximum(o.relicense_in - 1, 0), 0)
        reissue = waiting & (o.relicense_in == 0)
        o.licensed |= reissue  # a new licensee prices under the same (common) cap factor
