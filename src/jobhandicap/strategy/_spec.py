"""The strategy specification: indicators, weights, normalisation, aggregation, thresholds."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal, TypeAlias, cast

import attrs
import numpy as np
import numpy.typing as npt

from jobhandicap.domain import StrategyType
from jobhandicap.errors import JobhandicapError

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Normalisation: TypeAlias = Literal["goalposts", "minmax", "rank", "zscore"]
Aggregation: TypeAlias = Literal["arithmetic", "geometric"]

#: The normalisation methods a :class:`StrategySpec` accepts.
NORMALISATIONS: Final[tuple[str, ...]] = ("goalposts", "minmax", "rank", "zscore")
#: The aggregation methods a :class:`StrategySpec` accepts.
AGGREGATIONS: Final[tuple[str, ...]] = ("arithmetic", "geometric")
#: The strategy classes, most proactive first (the values of ``jobhandicap.StrategyType``).
STRATEGY_TYPES: Final[tuple[str, ...]] = tuple(t.value for t in StrategyType)

# Scores are compared (ranked, classified) after rounding to this many decimals, so that
# floating-point noise from different but equivalent summation orders cannot split a tie.
COMPARE_DECIMALS: Final = 9
# Draws scored per block in strategy_sensitivity: bounds the temporary (draws x units) arrays.
BLOCK_CELLS: Final = 2_000_000
RESULT_COLUMNS: Final = ("score", "rank", "strategy", "coverage")
SENSITIVITY_COLUMNS: Final = (
    "nominal_rank",
    "median_rank",
    "rank_q05",
    "rank_q95",
    "p_proactive",
    "p_diffuse",
    "p_reactive",
)


# --------------------------------------------------------------------------------------------
# Converters: turn what can be turned into the stored type and leave anything else as it is,
# so that the checks in __attrs_post_init__ can name the indicator in their messages.


def as_float(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        return cast(float, value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return cast(float, value)


def _as_direction(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        return cast(int, value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return cast(int, value)
    return int(number) if number in (1.0, -1.0) else cast(int, value)


def _as_pair(value: Any) -> tuple[float, float]:
    if value is None or isinstance(value, str | bytes | Mapping):
        return cast(tuple[float, float], value)
    try:
        items = tuple(value)
    except TypeError:
        return cast(tuple[float, float], value)
    return cast(tuple[float, float], tuple(as_float(item) for item in items))


def _as_optional_pair(value: Any) -> tuple[float, float] | None:
    return None if value is None else _as_pair(value)


def _as_value_pairs(value: Any) -> tuple[tuple[str, float], ...] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return tuple((key, as_float(number)) for key, number in value.items())
    try:
        pairs = [tuple(item) for item in value]
    except TypeError:
        return cast(tuple[tuple[str, float], ...], value)
    if all(len(pair) == 2 for pair in pairs):
        return tuple((pair[0], as_float(pair[1])) for pair in pairs)
    return cast(tuple[tuple[str, float], ...], value)


def _as_indicators(value: Any) -> tuple[Indicator, ...]:
    if isinstance(value, Indicator | str):
        value = [value]
    try:
        items = list(value)
    except TypeError:
        return cast(tuple[Indicator, ...], value)
    return tuple(Indicator(item) if isinstance(item, str) else item for item in items)


def label_key(label: str) -> str:
    return label.strip().casefold()


def is_number(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


@attrs.frozen
class Indicator:
    """One organisational indicator of a proactive-strategy specification.

    Parameters
    ----------
    column
        The column of the profiles table that holds the indicator.
    weight
        Its nominal weight, a finite number > 0. Weights are relative: they are rescaled to sum
        to one over the indicators a unit has.
    direction
        ``1`` if higher values signal a more proactive strategy, ``-1`` if lower values do.
    goalposts
        ``(lower, upper)`` with ``lower < upper``: the fixed bounds used by goalposts
        normalisation (for example ``(1, 5)`` for a Likert item). ``None`` uses the observed
        range instead. Ignored by the other normalisations.
    label
        A human-readable name for tables and figures.
    values
        For a categorical (text) column: the number each category stands for, as a mapping
        ``{label: number}`` (or ``(label, number)`` pairs). Labels are matched ignoring case
        and surrounding blanks. The pairs are stored as a tuple so the indicator stays hashable;
        :attr:`value_map` gives them back as a dictionary.

    Raises
    ------
    JobhandicapError
        When an argument is invalid (empty column name, weight not > 0, direction not ±1,
        goalposts not two finite ordered numbers, values not a non-empty mapping of labels to
        finite numbers); the message names the indicator.

    See Also
    --------
    StrategySpec : a set of indicators with the normalisation and aggregation to use.

    Examples
    --------
    >>> Indicator("political_focus", goalposts=(1, 5))
    Indicator(column='political_focus', weight=1.0, direction=1, goalposts=(1.0, 5.0), ...)
    >>> Indicator("processing_days", direction=-1).direction
    -1
    >>> Indicator("model", values={"team": 1, "none": 0}).value_map
    {'team': 1.0, 'none': 0.0}
    """

    column: str
    weight: float = attrs.field(default=1.0, kw_only=True, converter=as_float)
    direction: int = attrs.field(default=1, kw_only=True, converter=_as_direction)
    goalposts: tuple[float, float] | None = attrs.field(
        default=None, kw_only=True, converter=_as_optional_pair
    )
    label: str | None = attrs.field(default=None, kw_only=True)
    values: tuple[tuple[str, float], ...] | None = attrs.field(
        default=None, kw_only=True, converter=_as_value_pairs
    )

    def __attrs_post_init__(self) -> None:
        column: object = self.column
        if not isinstance(column, str) or not column.strip():
            raise JobhandicapError(
                f"an indicator's column must be a non-empty column name (text), got {column!r}"
            )
        where = f"indicator {column!r}"
        weight: object = self.weight
        if not is_number(weight) or cast(float, weight) <= 0.0:
            raise JobhandicapError(
                f"the weight of {where} must be a finite number > 0, got {weight!r}; "
                "leave an indicator out of the specification rather than giving it weight 0"
            )
        direction: object = self.direction
        if isinstance(direction, bool) or direction not in (1, -1):
            raise JobhandicapError(
                f"the direction of {where} must be 1 (higher is more proactive) or -1 "
                f"(lower is more proactive), got {direction!r}"
            )
        goalposts: object = self.goalposts
        if goalposts is not None:
            ok = (
                isinstance(goalposts, tuple)
                and len(goalposts) == 2
                and all(is_number(g) for g in goalposts)
            )
            if not ok or not goalposts[0] < goalposts[1]:  # type: ignore[index]
                raise JobhandicapError(
                    f"the goalposts of {where} must be two finite numbers (lower, upper) with "
                    f"lower < upper, such as (1, 5) for a Likert item, or None; got {goalposts!r}"
                )
        label: object = self.label
        if label is not None and not isinstance(label, str):
            raise JobhandicapError(f"the label of {where} must be text or None, got {label!r}")
        self._check_values(where)

    def _check_values(self, where: str) -> None:
        values: object = self.values
        if values is None:
            return
        bad = JobhandicapError(
            f"the values of {where} must be a non-empty mapping from category labels (text) to "
            f"finite numbers, such as {{'specialised team': 1.0, 'general specialisation': 0.0}}; "
            f"got {values!r}"
        )
        if not isinstance(values, tuple) or not values:
            raise bad
        for pair in values:
            if not (
                isinstance(pair, tuple)
                and len(pair) == 2
                and isinstance(pair[0], str)
                and is_number(pair[1])
            ):
                raise bad
        keys = [label_key(key) for key, _ in values]
        if len(set(keys)) != len(keys):
            raise JobhandicapError(
                f"the values of {where} name a category twice (labels are compared ignoring "
                f"case and surrounding blanks): {[key for key, _ in values]!r}"
            )

    @property
    def value_map(self) -> dict[str, float] | None:
        """The category-to-number mapping as a dictionary (``None`` for a numeric column)."""
        return None if self.values is None else dict(self.values)

    def to_dict(self) -> dict[str, Any]:
        """Return the indicator as a JSON-compatible dictionary.

        Returns
        -------
        dict
            Keys ``column``, ``weight``, ``direction``, ``goalposts`` (list or None),
            ``label`` and ``values`` (dict or None).

        Examples
        --------
        >>> Indicator("written_strategy", goalposts=(0, 1)).to_dict()
        {'column': 'written_strategy', 'weight': 1.0, 'direction': 1, 'goalposts': [0.0, 1.0],
         'label': None, 'values': None}
        """
        return {
            "column": self.column,
            "weight": self.weight,
            "direction": self.direction,
            "goalposts": None if self.goalposts is None else list(self.goalposts),
            "label": self.label,
            "values": self.value_map,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Indicator:
        """Build an indicator from a dictionary as written by :meth:`to_dict`.

        Parameters
        ----------
        data
            A mapping with at least ``column``; the other keys are optional.

        Returns
        -------
        Indicator

        Raises
        ------
        JobhandicapError
            If ``data`` is not a mapping, lacks ``column``, has unknown keys or invalid values.

        Examples
        --------
        >>> Indicator.from_dict({"column": "staff_training", "goalposts": [0, 1]}).goalposts
        (0.0, 1.0)
        """
        known = ("column", "weight", "direction", "goalposts", "label", "values")
        if not isinstance(data, Mapping):
            raise JobhandicapError(f"an indicator must be given as a mapping, got {data!r}")
        unknown = [key for key in data if key not in known]
        if unknown:
            raise JobhandicapError(
                f"unknown indicator key(s) {unknown!r}; accepted keys are {list(known)!r}"
            )
        if "column" not in data:
            raise JobhandicapError(f"an indicator needs a 'column', got {dict(data)!r}")
        options = {key: data[key] for key in known[1:] if key in data}
        return cls(data["column"], **options)


@attrs.frozen
class StrategySpec:
    r"""A proactive-strategy specification: indicators, normalisation, aggregation, thresholds.

    Parameters
    ----------
    indicators
        The :class:`Indicator` objects (a bare column name stands for ``Indicator(name)``).
        At least one; each column at most once.
    normalisation
        ``"goalposts"`` (default), ``"minmax"``, ``"rank"`` or ``"zscore"``; see Notes.
    aggregation
        ``"arithmetic"`` (default) or ``"geometric"``; see Notes.
    min_coverage
        In (0, 1]: the share of the total weight a unit must have non-missing to be scored.
        With the nine equally weighted default indicators, 0.65 means six of nine.
    thresholds
        ``(lower, upper)`` in [0, 100] with ``lower <= upper``: the classification cut-offs.

    Raises
    ------
    JobhandicapError
        When an argument is invalid — with a message that says what would be accepted. Z-score
        normalisation with geometric aggregation is refused: z-scores are negative for every
        below-average unit and a geometric mean of non-positive values is undefined.

    Notes
    -----
    Let :math:`x_{ij}` be unit *i*'s value of indicator *j*, :math:`d_j = \pm 1` its direction
    and :math:`w_j` its weight. Normalisation maps each indicator onto [0, 100] (z-scores
    excepted):

    - goalposts: :math:`v = 100 \cdot \mathrm{clip}((x - l)/(u - l), 0, 1)`, reflected to
      :math:`100 - v` when :math:`d = -1`; an indicator without goalposts uses its observed
      minimum and maximum as :math:`l, u`;
    - minmax: with :math:`y = d x`, :math:`v = 100 (y - \min y)/(\max y - \min y)`;
    - rank: percentile rank :math:`v = 100 (r - 1)/(n - 1)` of :math:`y = d x` among the
      :math:`n` units that have the indicator, ties getting their average rank;
    - zscore: :math:`v = (y - \bar y)/s_y` with the :math:`n - 1` standard deviation.

    Aggregation rescales the weights over the indicators unit *i* has,
    :math:`\tilde w_{ij} = w_j m_{ij} / \sum_k w_k m_{ik}` (:math:`m_{ij} = 1` when present),
    and gives the arithmetic score :math:`S_i = \sum_j \tilde w_{ij} v_{ij}` or the geometric
    score :math:`S_i = \prod_j g_{ij}^{\tilde w_{ij}}` of :math:`g = 1 + 0.99 v \in [1, 100]`.
    A unit whose coverage :math:`\sum_j w_j m_{ij} / \sum_j w_j` is below ``min_coverage``
    gets no score. Classification on the 0–100 score: proactive when :math:`S \geq` upper,
    reactive when :math:`S <` lower, diffuse otherwise.

    References
    ----------
    .. [1] OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, sections 5–6.

    Examples
    --------
    >>> spec = StrategySpec(
    ...     [Indicator("a"), Indicator("b", weight=2, direction=-1)], normalisation="minmax"
    ... )
    >>> spec.columns
    ('a', 'b')
    >>> StrategySpec.from_json(spec.to_json()) == spec
    True
    >>> StrategySpec(["a"], normalisation="zscore", aggregation="geometric")
    Traceback (most recent call last):
    ...
    jobhandicap.errors.JobhandicapError: geometric aggregation needs positive values, ...
    """

    indicators: tuple[Indicator, ...] = attrs.field(converter=_as_indicators)
    normalisation: Normalisation = attrs.field(default="goalposts", kw_only=True)
    aggregation: Aggregation = attrs.field(default="arithmetic", kw_only=True)
    min_coverage: float = attrs.field(default=0.65, kw_only=True, converter=as_float)
    thresholds: tuple[float, float] = attrs.field(
        default=(40.0, 60.0), kw_only=True, converter=_as_pair
    )

    def __attrs_post_init__(self) -> None:
        indicators: object = self.indicators
        if not isinstance(indicators, tuple) or not indicators:
            raise JobhandicapError(
                f"a strategy specification needs at least one Indicator, got {indicators!r}"
            )
        for item in indicators:
            if not isinstance(item, Indicator):
                raise JobhandicapError(
                    f"the indicators of a strategy specification must be Indicator objects "
                    f"(or column names), got {item!r}"
                )
        columns = [indicator.column for indicator in self.indicators]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise JobhandicapError(
                f"each column may appear in one indicator only; repeated: {repeated!r}"
            )
        if self.normalisation not in NORMALISATIONS:
            raise JobhandicapError(
                f"unknown normalisation {self.normalisation!r}; use one of {list(NORMALISATIONS)}"
            )
        if self.aggregation not in AGGREGATIONS:
            raise JobhandicapError(
                f"unknown aggregation {self.aggregation!r}; use one of {list(AGGREGATIONS)}"
            )
        if self.normalisation == "zscore" and self.aggregation == "geometric":
            raise JobhandicapError(ZSCORE_GEOMETRIC)
        coverage: object = self.min_coverage
        if not is_number(coverage) or not 0.0 < cast(float, coverage) <= 1.0:
            raise JobhandicapError(
                f"min_coverage must be a share in (0, 1] of the total weight, got {coverage!r}"
            )
        thresholds: object = self.thresholds
        ok = (
            isinstance(thresholds, tuple)
            and len(thresholds) == 2
            and all(is_number(t) and 0.0 <= t <= 100.0 for t in thresholds)
            and thresholds[0] <= thresholds[1]
        )
        if not ok:
            raise JobhandicapError(
                "thresholds must be two numbers (lower, upper) on the 0-100 score scale with "
                f"lower <= upper, such as (40, 60); got {thresholds!r}"
            )

    @property
    def columns(self) -> tuple[str, ...]:
        """The indicator columns, in specification order."""
        return tuple(indicator.column for indicator in self.indicators)

    @property
    def weights(self) -> tuple[float, ...]:
        """The nominal indicator weights, in specification order."""
        return tuple(indicator.weight for indicator in self.indicators)

    def to_dict(self) -> dict[str, Any]:
        """Return the specification as a JSON-compatible dictionary.

        Returns
        -------
        dict
            Keys ``indicators`` (a list of :meth:`Indicator.to_dict` dictionaries),
            ``normalisation``, ``aggregation``, ``min_coverage`` and ``thresholds``.

        Examples
        --------
        >>> StrategySpec(["a"]).to_dict()["thresholds"]
        [40.0, 60.0]
        """
        return {
            "indicators": [indicator.to_dict() for indicator in self.indicators],
            "normalisation": self.normalisation,
            "aggregation": self.aggregation,
            "min_coverage": self.min_coverage,
            "thresholds": list(self.thresholds),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StrategySpec:
        """Build a specification from a dictionary as written by :meth:`to_dict`.

        Parameters
        ----------
        data
            A mapping with an ``indicators`` list; the other keys are optional and default as
            in the constructor.

        Returns
        -------
        StrategySpec

        Raises
        ------
        JobhandicapError
            If ``data`` is not a mapping, has unknown keys, lacks ``indicators`` or holds
            invalid values.

        Examples
        --------
        >>> StrategySpec.from_dict({"indicators": [{"column": "a"}], "aggregation": "geometric"})
        StrategySpec(indicators=(Indicator(column='a', ...),), normalisation='goalposts',
                     aggregation='geometric', min_coverage=0.65, thresholds=(40.0, 60.0))
        """
        known = ("indicators", "normalisation", "aggregation", "min_coverage", "thresholds")
        if not isinstance(data, Mapping):
            raise JobhandicapError(
                f"a strategy specification must be given as a mapping, got {data!r}"
            )
        unknown = [key for key in data if key not in known]
        if unknown:
            raise JobhandicapError(
                f"unknown strategy specification key(s) {unknown!r}; accepted keys are "
                f"{list(known)!r}"
            )
        if "indicators" not in data:
            raise JobhandicapError("a strategy specification needs an 'indicators' list")
        raw = data["indicators"]
        if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Iterable):
            raise JobhandicapError(
                f"'indicators' must be a list of indicator mappings, got {raw!r}"
            )
        indicators = [Indicator.from_dict(item) for item in raw]
        options = {key: data[key] for key in known[1:] if key in data}
        return cls(indicators, **options)

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the specification as JSON text (see :meth:`to_dict` for its layout).

        Parameters
        ----------
        indent
            Indentation passed to :func:`json.dumps`; ``None`` for one line.

        Returns
        -------
        str

        Examples
        --------
        >>> print(StrategySpec(["a"], min_coverage=1).to_json(indent=None))  # doctest: +ELLIPSIS
        {"indicators": [{"column": "a", "weight": 1.0, ...}], ..., "min_coverage": 1.0, ...}
        """
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> StrategySpec:
        """Read a specification from JSON text written by :meth:`to_json`.

        Parameters
        ----------
        text
            The JSON document.

        Returns
        -------
        StrategySpec

        Raises
        ------
        JobhandicapError
            If the text is not valid JSON or does not describe a valid specification.

        Examples
        --------
        >>> StrategySpec.from_json('{"indicators": [{"column": "a", "direction": -1}]}').columns
        ('a',)
        """
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as error:
            raise JobhandicapError(
                f"a strategy specification must be JSON text: {error}"
            ) from error
        return cls.from_dict(data)


ZSCORE_GEOMETRIC: Final = (
    "geometric aggregation needs positive values, but z-scores are negative for every "
    "below-average unit, so z-score normalisation cannot be aggregated geometrically; use "
    "goalposts, minmax or rank normalisation (rescaled to [1, 100] before the geometric mean) "
    "or arithmetic aggregation"
)

_LIKERT = (1.0, 5.0)
_YES_NO = (0.0, 1.0)

#: The default proactive-strategy specification (see the module documentation for the table).
DEFAULT_SPEC: Final[StrategySpec] = StrategySpec(
    [
        Indicator(
            "political_focus",
            goalposts=_LIKERT,
            label="Local political focus on disability employment",
        ),
        Indicator(
            "management_priority",
            goalposts=_LIKERT,
            label="Management priority of the disability area",
        ),
        Indicator("employer_outreach", goalposts=_LIKERT, label="Outreach to employers"),
        Indicator(
            "external_collaboration",
            goalposts=_LIKERT,
            label="Collaboration with external partners",
        ),
        Indicator("written_strategy", goalposts=_YES_NO, label="Written strategy"),
        Indicator("screening_at_intake", goalposts=_YES_NO, label="Screening at intake"),
        Indicator(
            "key_person_model",
            goalposts=_YES_NO,
            label="Key-person model",
            values={
                "specialised team": 1.0,
                "spread specialisation": 0.5,
                "general specialisation": 0.0,
            },
        ),
        Indicator("staff_training", goalposts=_YES_NO, label="Share of staff trained"),
        Indicator(
            "target_groups_covered",
            goalposts=(0.0, 14.0),
            label="Benefit target groups covered",
        ),
    ],
    normalisation="goalposts",
    aggregation="arithmetic",
    min_coverage=0.65,
    thresholds=(40.0, 60.0),
)
