"""City SDG index and dashboards (SDSN method): library, stored runs per workspace or network, pages."""

from citydip.domains import NavItem

NAV = [NavItem("SDG index", "/w/{ws}/index", order=72)]
