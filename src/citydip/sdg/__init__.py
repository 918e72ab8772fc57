"""SDG localization data: indicators, Open SDG import and export, public SDG pages, progress methods."""

from citydip.domains import NavItem

NAV = [NavItem("SDG data", "/w/{ws}/sdg/", order=70)]
