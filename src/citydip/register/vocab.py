"""The register's controlled vocabularies: record types, statuses, fields of cooperation, challenges.

Each list is ``(code, English label)``; codes are stored, labels go through ``_()`` when shown.
"""

from __future__ import annotations

from collections.abc import Sequence

Choices = Sequence[tuple[str, str]]

PARTNER_KINDS: Choices = (
    ("city", "City"),
    ("national_government", "National government"),
    ("consulate", "Consulate or embassy"),
    ("international_organization", "International organization"),
    ("city_network", "City network"),
    ("company", "Company"),
    ("university", "University"),
    ("civil_society", "Civil society"),
)

AGREEMENT_KINDS: Choices = (
    ("sister_city", "Sister city"),
    ("friendship_city", "Friendship city"),
    ("mou", "Memorandum of understanding"),
    ("cooperation", "Cooperation agreement"),
    ("network_membership", "Network membership"),
)

AGREEMENT_STATUSES: Choices = (
    ("proposed", "Proposed"),
    ("active", "Active"),
    ("dormant", "Dormant"),
    ("expired", "Expired"),
    ("terminated", "Terminated"),
)

COOPERATION_FIELDS: Choices = (
    ("economy_trade", "Economy and trade"),
    ("climate", "Climate"),
    ("culture", "Culture"),
    ("education_students", "Education and students"),
    ("public_safety", "Public safety"),
    ("health", "Health"),
    ("migration_inclusion", "Migration and inclusion"),
    ("tourism", "Tourism"),
    ("resilience", "Resilience"),
)

ENGAGEMENT_KINDS: Choices = (
    ("incoming_delegation", "Incoming delegation"),
    ("outgoing_mission", "Outgoing mission"),
    ("meeting", "Meeting"),
    ("courtesy_call", "Courtesy call"),
    ("summit", "Summit or conference"),
    ("training", "Training"),
    ("exchange", "Exchange programme"),
    ("virtual_meeting", "Virtual meeting"),
)

ENGAGEMENT_STATUSES: Choices = (
    ("planned", "Planned"),
    ("confirmed", "Confirmed"),
    ("held", "Held"),
    ("cancelled", "Cancelled"),
)

PROTOCOL_ITEMS: Choices = (
    ("interpretation", "Interpretation"),
    ("security", "Security"),
    ("dietary", "Dietary needs"),
    ("flags", "Flags and precedence"),
    ("press", "Press"),
    ("gifts", "Gifts"),
)

PROTOCOL_STATES: Choices = (
    ("not_needed", "Not needed"),
    ("todo", "To do"),
    ("done", "Done"),
)

PARTICIPANT_SIDES: Choices = (("ours", "Our side"), ("theirs", "Their side"))

GIFT_DIRECTIONS: Choices = (("given", "Given"), ("received", "Received"))

FOLLOWUP_STATUSES: Choices = (
    ("open", "Open"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
)
OPEN_FOLLOWUP_STATUSES = ("open", "in_progress")

VISIBILITIES: Choices = (("private", "Private"), ("network", "Network"), ("public", "Public"))

# The shared list of challenges a tie can address (seeded into the ``challenges`` table).
DEFAULT_CHALLENGES: Choices = (
    ("climate_mitigation", "Climate mitigation"),
    ("climate_adaptation", "Climate adaptation"),
    ("earthquakes", "Earthquakes"),
    ("flooding", "Flooding"),
    ("wildfire", "Wildfire"),
    ("extreme_heat", "Extreme heat"),
    ("economic_shocks", "Economic shocks"),
    ("epidemics", "Epidemics"),
    ("terrorism_extremism", "Terrorism and violent extremism"),
    ("transnational_crime", "Transnational crime"),
    ("migration_refugees", "Migration and refugees"),
    ("inequality", "Inequality"),
)


def codes(choices: Choices) -> tuple[str, ...]:
    """The codes of a vocabulary."""
    return tuple(code for code, _label in choices)


def label(choices: Choices, code: str) -> str:
    """The English label of a code (the code itself when unknown)."""
    return next((text for key, text in choices if key == code), code)
