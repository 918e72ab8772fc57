"""Practice exchange: each city's library of practices, searchable by keywords and meaning across languages."""

from citydip.domains import NavItem

NAV = [
    NavItem("Practices", "/w/{ws}/practices", order=60),
]
