"""The diplomacy register: partners, people, agreements, engagements, follow-ups and shared challenges."""

from citydip.domains import NavItem

NAV = [
    NavItem("Partners", "/w/{ws}/partners", order=10),
    NavItem("Agreements", "/w/{ws}/agreements", order=20),
    NavItem("Engagements", "/w/{ws}/engagements", order=30),
    NavItem("Calendar", "/w/{ws}/calendar", order=35),
    NavItem("Follow-ups", "/w/{ws}/followups", order=40),
    NavItem("Map", "/w/{ws}/map", order=45),
    NavItem("Import", "/w/{ws}/register/import", order=50, min_role="editor"),
]
