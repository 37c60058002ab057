"""Policy levers of the data economy (ODD section 7, "Submodels: policy").

A :class:`Policy` is an immutable, validated bundle of every lever a government can pull in
the model. Its defaults are China's policy in force in 2024-25: free open data, pilot
authorised operation under a revenue cap of cost plus reasonable profit with free use for
public governance and welfare (NDRC/NDA 2025 No. 65), registration on, openness at today's
level. Each lever is described once, in :data:`LEVERS`, with its unit, default and bound;
validation, documentation and the dashboard all read that table. ``PolicyError`` is
:class:`econ.parameters.ParameterError` under the name policy code raises it by.
"""

from __future__ import annotations

from econ.parameters import Parameter as Lever
from econ.parameters import ParameterError as PolicyError
from econ.parameters import ParameterSet

__all__ = ["LEVERS", "OPERATOR_CAPS", "PRICING_REGIMES", "Policy", "PolicyError"]

#: Values of the ``pricing`` lever.
PRICING_REGIMES = ("free", "conditional_free", "cost_recovery", "market")
#: Values of the ``operator_cap`` lever.
OPERATOR_CAPS = ("none", "price", "revenue")
PRIVATE_DATA_REGIMES = ("broad", "hoard", "ban")


#: Every policy lever by name, with its unit, default, bounds and meaning (one
#: :class:`~econ.parameters.Parameter` each); ``Policy.describe()`` renders it as a table.
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in [
        Lever(
            "pricing",
            "free",
            "regime",
            "Pricing regime of open public data: free for all (open-data platforms today); "
            "free for public-interest users and a fee for commercial users; a flat "
            "cost-recovery fee for all; or a revenue-maximising price set by each holder.",
            choices=PRICING_REGIMES,
            kind=str,
        ),
        Lever(
            "price_level",
            1.0,
            "x reference price",
            "Fee for paying users under 'conditional_free' and 'cost_recovery', as a multiple "
            "of the scenario's reference price (reference_price_rmb per licence-quarter). "
            "Ignored by 'free' and 'market'.",
            low=0.0,
            high=5.0,
        ),
        Lever(
            "operators",
            2,
            "licences",
            "Number of authorised-operation licences for sensitive public data (0 turns "
            "authorised operation off; the default is a pilot).",
            low=0,
            high=5,
            kind=int,
        ),
        Lever(
            "revenue_share",
            0.3,
            "share of operator revenue",
            "Share of authorised operators' revenue paid to the public data holders.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "operator_cap",
            "revenue",
            "regime",
            "How operator prices are regulated: not at all; a price cap (price_cap); or a "
            "revenue cap of cost plus reasonable profit with the excess clawed back next "
            "quarter and free public-interest use (NDRC/NDA 2025 notice).",
            choices=OPERATOR_CAPS,
            kind=str,
        ),
        Lever(
            "price_cap",
            3.0,
            "x reference price",
            "Maximum operator price per licence-quarter, as a multiple of the reference price.",
            low=0.0,
            high=20.0,
        ),
        Lever(
            "reasonable_profit",
            0.1,
            "share of cost",
            "Under the revenue cap: allowed revenue is cost times (1 + reasonable_profit).",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "audit_rate",
            0.25,
            "probability per operator-quarter",
            "Probability that the regulator audits each operator in a quarter.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "penalty",
            1.0,
            "x operator quarterly revenue",
            "Fine for an operator found non-compliant in an audit, as a multiple of its "
            "quarterly revenue.",
            low=0.0,
            high=10.0,
        ),
        Lever(
            "registration",
            True,
            "on/off",
            "Public data resource registration and disclosure: widens what firms see, cuts "
            "search cost and makes holders' supply visible.",
            kind=bool,
        ),
        Lever(
            "exchange_fee",
            1.0,
            "x the exchanges' cost of a trade",
            "Fee traders pay per exchange-traded licence, as a multiple of the exchanges' cost "
            "of a trade (exchange_cost_rmb): 1 covers it, below 1 the state subsidises the "
            "rest (0 makes exchange trading free), above 1 the exchanges earn a margin.",
            low=0.0,
            high=3.0,
        ),
        Lever(
            "infrastructure",
            0.3,
            "level in [0, 1]",
            "Data circulation infrastructure, the cold chain's platforms and standards: lowers "
            "the compliance cost and incident risk of circulating sensitive and cross-border "
            "data.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "privacy_computing",
            0.0,
            "level in [0, 1]",
            "Privacy computing at scale, a cold-chain measure (multi-party computation, trusted "
            "execution, federated learning): operators' sensitive data is used without being "
            "seen, so fewer incidents, at extra compute per sensitive use and a fiscal cost. "
            "0 is today's pilots only.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "traceability",
            0.0,
            "level in [0, 1]",
            "Data identification and traceability at scale, a cold-chain measure (data "
            "identifiers, ledgers): cheaper verification of what is traded, so a lower "
            "transaction cost of every licence, at a fiscal cost. 0 is today's pilots only.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "openness",
            0.3,
            "level in [0, 1]",
            "Cross-border openness: the probability scale at which transfers are approved "
            "(0 closes the border).",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "hk_bridge",
            False,
            "on/off",
            "Hong Kong as a bridge with security standards aligned to both sides.",
            kind=bool,
        ),
        Lever(
            "review_strictness",
            0.5,
            "level in [0, 1]",
            "Strictness of the security review of cross-border transfers: refuses risky "
            "transfers and adds compliance cost, and cuts incident risk.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "adaptive_regulator",
            False,
            "on/off",
            "The regulator tightens review after incidents and loosens it after calm quarters.",
            kind=bool,
        ),
        Lever(
            "private_data",
            "broad",
            "regime",
            "Private data trading: broad trading; firms hoard data in their own sector; or a "
            "ban on private data sales (Jones & Tonetti 2020).",
            choices=PRIVATE_DATA_REGIMES,
            kind=str,
        ),
        Lever(
            "compute_growth_east",
            0.10,
            "per year",
            "Annual growth of compute capacity in the eastern hub nodes.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "compute_growth_west",
            0.20,
            "per year",
            "Annual growth of compute capacity in the western hub nodes.",
            low=0.0,
            high=1.0,
        ),
        Lever(
            "east_west_network",
            0.5,
            "level in [0, 1]",
            "Quality of the east-west network: cuts the latency cost of computing in the West "
            "(1 removes it).",
            low=0.0,
            high=1.0,
        ),
    ]
}


class Policy(ParameterSet):
    """An immutable, validated set of policy levers (ODD 7.1).

    Build one with keyword arguments (``Policy(pricing="free", operators=2)``) or from a plain
    dict (``Policy.from_dict(d)``); ``to_dict()`` goes back. Every lever has a default; see
    :data:`LEVERS` or ``Policy.describe()`` for units and bounds.

    Parameters
    ----------
    **values : object
        A value for any lever in :data:`LEVERS`; the others keep their defaults.

    Raises
    ------
    econ.parameters.ParameterError
        For a misspelt lever or an out-of-range value, naming the lever and what is allowed
        (``econ.PolicyError`` is the same class).
    """

    PARAMETERS = LEVERS
