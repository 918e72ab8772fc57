"""The register's tables (the ``models`` room): imported here so the metadata is complete."""

from citydip.register.agreements.models import (
    Agreement,
    AgreementChallenge,
    AgreementDocument,
    AgreementParty,
    AgreementSdg,
)
from citydip.register.calendar.models import CalendarFeed
from citydip.register.challenges.models import Challenge
from citydip.register.engagements.models import (
    Engagement,
    EngagementAgreement,
    EngagementChallenge,
    EngagementPartner,
    EngagementSdg,
    Gift,
    Participant,
)
from citydip.register.followups.models import FollowUp
from citydip.register.partners.models import Partner, Person

__all__ = [
    "Agreement",
    "AgreementChallenge",
    "AgreementDocument",
    "AgreementParty",
    "AgreementSdg",
    "CalendarFeed",
    "Challenge",
    "Engagement",
    "EngagementAgreement",
    "EngagementChallenge",
    "EngagementPartner",
    "EngagementSdg",
    "FollowUp",
    "Gift",
    "Participant",
    "Partner",
    "Person",
]
