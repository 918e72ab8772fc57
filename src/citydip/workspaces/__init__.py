"""Workspaces (one city's office) and networks of workspaces."""

from citydip.domains import NavItem

NAV = [
    NavItem("Dashboard", "/w/{ws}/", order=0),
    NavItem("Members", "/w/{ws}/members", order=900),
    NavItem("Settings", "/w/{ws}/settings", order=960, min_role="owner"),
]
