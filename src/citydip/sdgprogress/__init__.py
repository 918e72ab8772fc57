"""SDG progress of a workspace's indicators: computed from stored data and options, badges, summary pages."""

from citydip.domains import NavItem

NAV = [NavItem("SDG progress", "/w/{ws}/progress", order=71)]
