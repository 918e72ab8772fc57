"""``export_sdmx``: indicator data as SDMX (SDMX-ML 2.1 structure + structure-specific data, and SDMX-CSV 2.0)
with the dimension names of the UN global SDG data structure where the data maps onto them.

Columns map as follows: ``Series``/``SERIES`` -> ``SERIES`` (or a series code made from the indicator id),
``GeoCode`` -> ``REF_AREA`` (else the ``ref_area`` given), Year -> ``TIME_PERIOD`` (period labels such as
``2015-16`` keep their start year and the label goes to ``TIME_DETAIL``), Sex/Age/Urbanisation/Income/
Education/Occupation/Disability/Activity/Product disaggregations -> ``SEX``, ``AGE``, ``URBANISATION``,
``INCOME_WEALTH_QUANTILE``, ``EDUCATION_LEV``, ``OCCUPATION``, ``DISABILITY_STATUS``, ``ACTIVITY``,
``PRODUCT``; Units -> ``UNIT_MEASURE``, Unit multiplier -> ``UNIT_MULT``, Observation status ->
``OBS_STATUS``, ``COMMENT_OBS``/``COMMENT_TS``/``DATA_LAST_UPDATE`` as attributes. Other
disaggregations (race, tenure ...) go to ``CUST_BREAKDOWN`` as ``column: value`` (joined with ``; `` when a
row has several), as the global structure intends for breakdowns it does not define. A blank disaggregation
is the total, coded ``_T``. Codes are built from the cell text; each code list keeps the original text as the
code's name. The dimension list is always the global one, in its order, so every export has the same
structure.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citydip.sdg.opensdg.model import Indicator, is_disaggregation_column
from citydip.sdg.opensdg.site_export import RepositoryLike
from citydip.sdg.opensdg.values import parse_number

GLOBAL_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "SEX": ("sex", "gender"),
    "AGE": ("age", "age group", "age groups", "age range", "age band"),
    "URBANISATION": ("urbanisation", "urbanization", "urbanicity", "urban/rural", "location"),
    "INCOME_WEALTH_QUANTILE": (
        "income",
        "income quintile",
        "wealth quintile",
        "income group",
        "income level",
    ),
    "EDUCATION_LEV": ("education", "education level", "education attainment", "educational attainment"),
    "OCCUPATION": ("occupation",),
    "DISABILITY_STATUS": ("disability", "disability status"),
    "ACTIVITY": ("activity", "economic activity", "industry"),
    "PRODUCT": ("product",),
    "COMPOSITE_BREAKDOWN": ("composite_breakdown", "composite breakdown"),
    "CUST_BREAKDOWN": ("cust_breakdown", "custom breakdown"),
}
_BY_NAME = {alias: dim for dim, aliases in GLOBAL_BREAKDOWNS.items() for alias in (*aliases, dim.lower())}
#: The UN global SDG data structure's dimensions, in its order.
DIMENSIONS = (
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
    "TIME_PERIOD",
)
_BREAKDOWNS = DIMENSIONS[4:-1]
_ATTRIBUTE_COLUMNS = {
    "Units": "UNIT_MEASURE",
    "UNIT_MEASURE": "UNIT_MEASURE",
    "Unit multiplier": "UNIT_MULT",
    "Observation status": "OBS_STATUS",
    "COMMENT_OBS": "COMMENT_OBS",
    "COMMENT_TS": "COMMENT_TS",
    "DATA_LAST_UPDATE": "DATA_LAST_UPDATE",
}
ATTRIBUTES = (
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
    "TIME_DETAIL",
    "COMMENT_OBS",
    "COMMENT_TS",
    "DATA_LAST_UPDATE",
)
_CODED_ATTRIBUTES = ("UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS")
_TOTAL_WORDS = {"total", "all", "both sexes", "all ages", "both", "overall"}
_SEX = {"female": "F", "females": "F", "women": "F", "woman": "F", "girls": "F", "male": "M", "males": "M"}
_SEX |= {"men": "M", "man": "M", "boys": "M"}
_URBAN = {"urban": "U", "rural": "R"}
_OBS_STATUS = (
    ("normal", "A"),
    ("break", "B"),
    ("definition differs", "D"),
    ("estimat", "E"),
    ("forecast", "F"),
    ("imput", "I"),
    ("missing", "M"),
    ("provisional", "P"),
)
NAMES = {
    "FREQ": "Frequency",
    "REPORTING_TYPE": "Reporting type",
    "SERIES": "Series",
    "REF_AREA": "Reference area",
    "TIME_PERIOD": "Time period",
    "OBS_VALUE": "Observation value",
    "SEX": "Sex",
    "AGE": "Age",
    "URBANISATION": "Urbanisation",
    "INCOME_WEALTH_QUANTILE": "Income or wealth quantile",
    "EDUCATION_LEV": "Education level",
    "OCCUPATION": "Occupation",
    "DISABILITY_STATUS": "Disability status",
    "ACTIVITY": "Activity",
    "PRODUCT": "Product",
    "COMPOSITE_BREAKDOWN": "Composite breakdown",
    "CUST_BREAKDOWN": "Custom breakdown",
    "UNIT_MEASURE": "Unit of measure",
    "UNIT_MULT": "Unit multiplier",
    "OBS_STATUS": "Observation status",
    "TIME_DETAIL": "Time detail",
    "COMMENT_OBS": "Observation comment",
    "COMMENT_TS": "Time series comment",
    "DATA_LAST_UPDATE": "Data last update",
}
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})[ -](0[1-9]|1[0-2])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_FIRST_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def slug(text: str, limit: int = 40) -> str:
    """An SDMX identifier made from free text (letters, digits and underscores, upper case)."""
    out = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()
    if not out:
        out = "X"
    if out[0].isdigit():
        out = "C" + out
    if len(out) > limit:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6].upper()  # noqa: S324 - not security
        out = out[: limit - 7] + "_" + digest
    return out


def time_of(label: str) -> tuple[str, str, str | None] | None:
    """(TIME_PERIOD, FREQ, TIME_DETAIL) for a Year cell, or None when it holds no usable time."""
    text = label.strip()
    if _YEAR.match(text):
        return text, "A", None
    match = _QUARTER.match(text)
    if match:
        return f"{match.group(1)}-Q{match.group(2)}", "Q", None
    match = _MONTH.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}", "M", None
    if _DATE.match(text):
        return text, "D", None
    match = _FIRST_YEAR.search(text)
    if match:
        return match.group(1), "A", text
    return None


def dimension_for(column: str) -> str | None:
    """The global SDG dimension a disaggregation column maps to, or None (it goes to CUST_BREAKDOWN)."""
    return _BY_NAME.get(column.strip().lower())


class _Codes:
    """One code list being built: text -> code id, with names."""

    def __init__(self, dim: str) -> None:
        self.dim = dim
        self.by_text: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def code(self, text: str) -> str:
        """The code for a cell text (totals, sex and urbanisation words get the standard codes)."""
        if text in self.by_text:
            return self.by_text[text]
        low = text.strip().lower()
        if low in _TOTAL_WORDS:
            cid = "_T"
        elif self.dim == "SEX" and low in _SEX:
            cid = _SEX[low]
        elif self.dim == "URBANISATION" and low in _URBAN:
            cid = _URBAN[low]
        elif self.dim == "OBS_STATUS":
            cid = next((c for word, c in _OBS_STATUS if word in low), slug(text))
        else:
            cid = slug(text)
        taken = {c for t, c in self.by_text.items() if t != text}
        if cid in taken and self.names.get(cid) != text:
            cid = slug(f"{cid}_{hashlib.sha1(text.encode('utf-8')).hexdigest()[:6]}")  # noqa: S324
        self.by_text[text] = cid
        self.names.setdefault(cid, text)
        return cid

    def total(self) -> str:
        """The total code ``_T`` (added to the list)."""
        self.names.setdefault("_T", "Total")
        return "_T"


@dataclass
class SdmxSummary:
    """What ``export_sdmx`` wrote and what it left out."""

    files: list[str]
    observations: int
    series: int
    dimensions: list[str]
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class _Obs:
    key: dict[str, str]
    value: float
    attrs: dict[str, str]


def _collect(
    indicators: Iterable[Indicator],
    ref_area: str,
    codes: dict[str, _Codes],
    series_names: dict[str, str],
    skipped: dict[str, int],
) -> list[_Obs]:
    observations: list[_Obs] = []
    seen: set[tuple[tuple[str, str], ...]] = set()

    def code(dim: str, text: str) -> str:
        return codes.setdefault(dim, _Codes(dim)).code(text)

    for ind in indicators:
        table = ind.data
        if table is None or ind.placeholder:
            continue
        cols = table.columns
        vi = len(cols) - 1
        series_col = next((i for i, c in enumerate(cols) if c in ("Series", "SERIES")), None)
        unit_col = next((i for i, c in enumerate(cols) if c in ("Units", "UNIT_MEASURE")), None)
        geo_col = cols.index("GeoCode") if "GeoCode" in cols else None
        dims: list[tuple[int, str]] = []
        local: list[tuple[int, str]] = []
        for i, column in enumerate(cols[1:vi], start=1):
            if not is_disaggregation_column(column):
                continue
            dim = dimension_for(column)
            if dim is None or dim == "CUST_BREAKDOWN" or any(d == dim for _, d in dims):
                local.append((i, column))
            else:
                dims.append((i, dim))
        attr_cols = [(i, _ATTRIBUTE_COLUMNS[c]) for i, c in enumerate(cols) if c in _ATTRIBUTE_COLUMNS]
        units_per_series: dict[str, set[str]] = {}
        if unit_col is not None:
            for row in table.rows:
                sname = row[series_col] if series_col is not None else ""
                units_per_series.setdefault(sname, set()).add(row[unit_col])
        base = slug("SDG_" + ind.id, 30)
        name = ind.name or ind.number
        for row in table.rows:
            value = parse_number(row[vi])
            when = time_of(row[0])
            if value is None or when is None:
                skipped["no value or no time"] = skipped.get("no value or no time", 0) + 1
                continue
            period, freq, detail = when
            sname = row[series_col] if series_col is not None else ""
            series_id = base + ("_" + slug(sname, 30) if sname else "")
            label = f"{name} - {sname}" if sname else str(name)
            if unit_col is not None and len(units_per_series.get(sname, ())) > 1 and row[unit_col]:
                series_id += "_" + slug(row[unit_col], 30)
                label += f" ({row[unit_col]})"
            series_id = slug(series_id, 60)
            series_names.setdefault(series_id, label)
            key = {
                "FREQ": freq,
                "REPORTING_TYPE": "N",
                "SERIES": series_id,
                "REF_AREA": code("REF_AREA", row[geo_col])
                if geo_col is not None and row[geo_col]
                else ref_area,
                "TIME_PERIOD": period,
            }
            for i, dim in dims:
                if row[i]:
                    key[dim] = code(dim, row[i])
            custom = "; ".join(f"{column}: {row[i]}" for i, column in local if row[i])
            if custom:
                key["CUST_BREAKDOWN"] = code("CUST_BREAKDOWN", custom)
            attrs = {
                name_: code(name_, row[i]) if name_ in _CODED_ATTRIBUTES else row[i]
                for i, name_ in attr_cols
                if row[i]
            }
            if detail:
                attrs["TIME_DETAIL"] = detail
            ident = tuple(sorted(key.items()))
            if ident in seen:
                skipped["duplicate key"] = skipped.get("duplicate key", 0) + 1
                continue
            seen.add(ident)
            observations.append(_Obs(key, value, attrs))
    return observations


def export_sdmx(
    repo: RepositoryLike,
    out_dir: str | Path,
    *,
    ref_area: str = "CITY",
    agency: str = "CITYDIP",
    dataflow: str = "DF_SDG_LOCAL",
    indicator_ids: Sequence[str] | None = None,
) -> SdmxSummary:
    """Write ``structure.xml`` (code lists, concepts, DSD, dataflow), ``data.xml`` and ``data.csv``.

    ``ref_area`` is the area code used when the data has no GeoCode (agree one with the statistics office).
    Placeholder data, rows without a value and rows without a time are left out (counted in ``skipped``).
    """
    import sdmx  # imported here: it pulls in pandas, which nothing else in this package needs
    from sdmx import message
    from sdmx.format.csv.common import Attributes
    from sdmx.format.csv.v2 import FormatOptions
    from sdmx.model import common, v21

    base = Path(out_dir)
    base.mkdir(parents=True, exist_ok=True)
    ids = list(indicator_ids) if indicator_ids is not None else list(repo.indicators)
    codes: dict[str, _Codes] = {}
    series_names: dict[str, str] = {}
    skipped: dict[str, int] = {}
    ref = slug(ref_area, 30)
    codes.setdefault("REF_AREA", _Codes("REF_AREA")).names.setdefault(ref, ref_area)
    observations = _collect((repo.indicators[i] for i in ids), ref, codes, series_names, skipped)
    dim_ids = list(DIMENSIONS)
    for dim in _BREAKDOWNS:
        total = codes.setdefault(dim, _Codes(dim)).total()
        for o in observations:
            o.key.setdefault(dim, total)

    maint: dict[str, Any] = {"maintainer": common.Agency(id=agency), "version": "1.0"}
    concepts = common.ConceptScheme(id="CS_SDG_LOCAL", name="SDG concepts", **maint)
    lists: dict[str, common.Codelist] = {}

    def codelist(dim: str, entries: dict[str, str]) -> common.Codelist:
        cl = common.Codelist(id=f"CL_{dim}", name=NAMES.get(dim, dim.replace("_", " ").title()), **maint)
        for cid, text in entries.items():
            cl.setdefault(id=cid, name=text)
        lists[dim] = cl
        return cl

    codelist("FREQ", {"A": "Annual", "Q": "Quarterly", "M": "Monthly", "D": "Daily"})
    codelist("REPORTING_TYPE", {"N": "National/local reporting"})
    codelist("SERIES", series_names)
    for dim, built in codes.items():
        codelist(dim, built.names)

    dsd = v21.DataStructureDefinition(id="DSD_SDG_LOCAL", name="Local SDG indicators", **maint)
    for order, dim in enumerate(dim_ids):
        concept = concepts.setdefault(id=dim, name=NAMES.get(dim, dim.replace("_", " ").title()))
        if dim == "TIME_PERIOD":
            dsd.dimensions.append(v21.TimeDimension(id=dim, order=order, concept_identity=concept))
            continue
        rep = common.Representation(enumerated=lists[dim]) if dim in lists else None
        dsd.dimensions.append(
            v21.Dimension(id=dim, order=order, concept_identity=concept, local_representation=rep)
        )
    measure = v21.PrimaryMeasure(
        id="OBS_VALUE", concept_identity=concepts.setdefault(id="OBS_VALUE", name="Value")
    )
    dsd.measures.append(measure)
    attributes: dict[str, Any] = {}
    for attr in ATTRIBUTES:
        concept = concepts.setdefault(id=attr, name=NAMES[attr])
        rep = common.Representation(enumerated=lists[attr]) if attr in lists else None
        attributes[attr] = common.DataAttribute(
            id=attr,
            concept_identity=concept,
            local_representation=rep,
            related_to=v21.PrimaryMeasureRelationship(),
        )
        dsd.attributes.append(attributes[attr])
    flow = v21.DataflowDefinition(id=dataflow, name="Local SDG indicator data", structure=dsd, **maint)

    structure = message.StructureMessage()
    structure.add(concepts)
    for cl in lists.values():
        structure.add(cl)
    structure.add(dsd)
    structure.add(flow)

    dataset = v21.StructureSpecificDataSet(described_by=flow, structured_by=dsd)
    sdmx_obs = []
    for o in observations:
        key = dsd.make_key(common.Key, {d: o.key[d] for d in dim_ids})
        attached = {a: common.AttributeValue(value=v, value_for=attributes[a]) for a, v in o.attrs.items()}
        sdmx_obs.append(
            v21.Observation(dimension=key, value=o.value, value_for=measure, attached_attribute=attached)
        )
    dataset.add_obs(sdmx_obs)
    data = message.DataMessage(dataflow=flow, data=[dataset])

    (base / "structure.xml").write_bytes(sdmx.to_xml(structure, pretty_print=True))
    (base / "data.xml").write_bytes(sdmx.to_xml(data, pretty_print=True))
    sdmx.to_csv(dataset, path=base / "data.csv", format_options=FormatOptions(), attributes=Attributes.all)
    return SdmxSummary(
        files=["structure.xml", "data.xml", "data.csv"],
        observations=len(observations),
        series=len(series_names),
        dimensions=dim_ids,
        skipped=skipped,
    )
