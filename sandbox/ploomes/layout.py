"""Id ranges, counts per scale and the index arithmetic that links generated records."""

import math

from . import lookups

BASE = {
    "Users": lookups.USER_BASE, "Contacts": 40120000, "Deals": 140500000, "Quotes": 240700000,
    "Orders": 340900000, "Tasks": 441100000, "InteractionRecords": 541200000,
    "Emails": 641300000, "Attachments": 741400000, "Products": 40030000,
    "Products@Families": 40040001, "Products@Groups": 40041001, "Products@Parts": 40050000,
    "Quotes@Products": 260000000, "Orders@Products": 360000000,
}
CHILD_BASE = {"Phones": 900000000, "QuoteSections": 250000000, "OrderSections": 350000000,
              "TaskUsers": 450000000, "TaskContacts": 460000000}
STRIDE = {"Phones": 4, "Quotes@Products": 16, "QuoteSections": 4, "Orders@Products": 16,
          "OrderSections": 4, "TaskUsers": 4, "TaskContacts": 4, "Products@Parts": 4,
          "OtherProperties": 32, "Tags": 4}
OP_BASE = {1: 1000000000, 2: 1100000000, 4: 1200000000, 7: 1300000000, 10: 1400000000,
           12: 1500000000, 36: 1600000000}
TAGLINK_BASE = {1: 840000000, 2: 850000000, 12: 860000000, 36: 870000000}
ATTACHMENT_KINDS = [  # (parent set, owner column, EntityId or None when undocumented)
    ("Contacts", "ContactId", 1), ("Deals", "DealId", 2), ("Orders", "OrderId", 4),
    ("Tasks", "TaskId", 12), ("InteractionRecords", "InteractionRecordId", 36),
    ("Emails", "EmailId", None),
]


def spread(i, small, big):
    """Map index ``i`` of ``small`` items evenly onto ``big`` items."""
    return i * big // small


def spread_inverse(j, small, big):
    """The ``i`` with ``spread(i, small, big) == j``, or None."""
    i = -(-j * small // big)
    return i if i < small and i * big // small == j else None


class Counts:
    """How many records of each entity a given scale (number of contacts) produces."""

    def __init__(self, scale):
        n = max(1, int(scale))
        self.contacts = n
        self.companies = (n + 3) // 4
        self.users = min(300, max(5, n // 50))
        self.products = min(5000, max(10, n // 10))
        self.deals = max(10, round(0.6 * n))
        self.deleted_deals = max(2, self.deals // 50)
        self.quote_groups = 3 * max(1, round(0.1 * self.deals))
        self.quotes = 2 * self.quote_groups
        self.orders = min(self.quote_groups, max(1, round(0.15 * self.deals)))
        self.tasks = max(10, self.deals)
        self.interactions = max(20, 2 * self.deals)
        self.emails = max(6, round(0.5 * self.deals))
        self.attachments = sum(count for _, count in self.attachment_segments().values())

    def attachment_segments(self):
        """Parent set -> (number of parents, number of attachments): ~10% of each kind."""
        parents = {"Contacts": self.contacts, "Deals": self.deals, "Orders": self.orders,
                   "Tasks": self.tasks, "InteractionRecords": self.interactions, "Emails": self.emails}
        return {kind: (parents[kind], math.ceil(parents[kind] / 10)) for kind, _, _ in ATTACHMENT_KINDS}
