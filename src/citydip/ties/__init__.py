"""The public sister-city graph and city-network memberships: imports, city pages, review, adoption."""

from citydip.domains import NavItem

NAV = [NavItem("Tie review", "/reference/ties/review", order=950, section="admin")]
