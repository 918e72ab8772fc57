"""Reports: the Voluntary Local Review draft (HTML and PDF) and the texts it is written from."""

from citydip.domains import NavItem

NAV = [NavItem("Reports", "/w/{ws}/reports", order=74)]
