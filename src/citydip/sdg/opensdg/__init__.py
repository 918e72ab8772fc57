"""Open SDG data repositories as files: read, check, and write them (published site files, repository
inputs, SDMX). Pure library, no database: storage maps the model in :mod:`citydip.sdg.opensdg.model`.

* :func:`read_repository` -- a repository folder or zip into a :class:`Repository`, one
  :class:`IndicatorResult` (indicator + problems) per indicator;
* :func:`check_repository` -- the same read as a :class:`CheckReport` (``cli.app``: the ``check`` command);
* :func:`export_opensdg` -- the files an Open SDG site reads, per language;
* :func:`export_inputs` -- the repository files again (read -> export -> read gives an equal model);
* :func:`export_sdmx` -- SDMX-ML and SDMX-CSV with the UN global SDG dimensions.
"""

from citydip.sdg.opensdg.checker import CheckReport, check_repository
from citydip.sdg.opensdg.inputs_export import export_inputs
from citydip.sdg.opensdg.model import (
    DataTable,
    Indicator,
    IndicatorResult,
    Observation,
    Problem,
    Repository,
    snapshot,
)
from citydip.sdg.opensdg.reader import read_repository
from citydip.sdg.opensdg.sdmx_export import export_sdmx
from citydip.sdg.opensdg.site_export import export_opensdg

__all__ = [
    "CheckReport",
    "DataTable",
    "Indicator",
    "IndicatorResult",
    "Observation",
    "Problem",
    "Repository",
    "check_repository",
    "export_inputs",
    "export_opensdg",
    "export_sdmx",
    "read_repository",
    "snapshot",
]
