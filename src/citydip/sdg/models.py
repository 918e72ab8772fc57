"""The SDG tables (the ``models`` room): a workspace's SDG localization data (Open SDG compatible).

Every table is a tenant table keyed ``(workspace_id, id)``; children reference their indicator with a
composite foreign key (``tenant_fk``). Rows that a public SDG site may show carry ``visibility``
(``Shareable``): an indicator and all of its rows share one visibility, which the service keeps in step, so
the tenancy safety net alone decides what an anonymous visitor reads.

How an Open SDG repository maps onto the tables:

* ``sdgloc_sites``: one row per workspace: languages, metadata schema, builder settings (config_data.yml
  minus its inputs);
* ``sdgloc_indicators``: one per indicator (``code`` is Open SDG's id ``1-1-1``; ``global_code`` links the
  UN framework in ``sdg_indicators`` when the number is a global indicator, else the indicator is
  ``local``); ``data_columns`` keeps the data file's column order (None when there is no data file),
  ``config`` the indicator-config (progress options at ``config["progress_calculation_options"]``);
  ``placeholder`` is set when the data is the starter template's dummy file: such rows are stored so an
  export reproduces the repository, but pages, SDMX and progress never treat them as real data;
* ``sdgloc_metadata``: statistical metadata (Open SDG / SDMX concept fields as JSON), one row per
  language: ``language == ""`` holds the repository's own metadata, other rows the per-language overrides
  (``meta/<lang>/``);
* ``sdgloc_translations``: the repository's ``translations/<lang>/<group>.yml`` texts;
* ``sdgloc_series``, ``sdgloc_units``, ``sdgloc_dimensions`` (disaggregation dimensions with their values
  in order): catalogues derived from the observations, rebuilt whenever an indicator's data changes;
* ``sdgloc_observations``: one row per data row. ``year`` is the label as written (``2015-16``),
  ``year_num`` its first year for sorting; ``value`` the number (None for an empty cell) and ``value_text``
  the cell as written; ``disaggregation`` maps dimension -> value (non-empty cells only) and ``dis_key`` is
  its canonical text (``""`` for the headline, the row where every disaggregation is blank);
  ``attributes`` holds every other non-empty cell by column name (Units, Series, GeoCode, COMMENT_OBS ...)
  so the original row can be rebuilt exactly; ``seq`` keeps file order. Inserted in bulk (Core
  executemany), never one ORM object per row;
* ``sdgloc_local_targets``: a city's own target for an indicator: reworded text (``text``) and/or a
  numeric goal (``value`` by ``year``) drawn as the chart's target line.
"""

from citydip.sdg.indicators.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgLocalTarget,
    SdgMetadata,
    SdgSite,
    SdgTranslation,
)
from citydip.sdg.observations.models import SdgDimension, SdgObservation, SdgSeries, SdgUnit

__all__ = [
    "BASE_LANGUAGE",
    "REPORTING_STATUSES",
    "CityIndicator",
    "SdgDimension",
    "SdgLocalTarget",
    "SdgMetadata",
    "SdgObservation",
    "SdgSeries",
    "SdgSite",
    "SdgTranslation",
    "SdgUnit",
]
