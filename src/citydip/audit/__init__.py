"""The audit log: who changed what, when, before and after."""

from citydip.domains import NavItem

NAV = [NavItem("Audit log", "/w/{ws}/audit", order=950)]
