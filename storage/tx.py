"""The repositories, bound to one connection inside one transaction."""

from __future__ import annotations

from storage.broadcasts import BroadcastsRepo
from storage.contributor_updates import ContributorUpdatesRepo
from storage.conversations import ConversationsRepo
from storage.coordinator_links import CoordinatorLinksRepo
from storage.copies import AlertCopiesRepo, CopiesRepo
from storage.followup import FollowUpRepo
from storage.groups import GroupsRepo
from storage.items import ItemsRepo
from storage.journal import JournalRepo
from storage.outbox import OutboxRepo
from storage.payments import PaymentsRepo
from storage.people import PeopleRepo
from storage.prompts import PromptsRepo
from storage.readers import LeadsRepo, ObserversRepo
from storage.replicas import Claimer, ReplicasRepo
from storage.reports import ReportsRepo
from storage.risk_alerts import RiskAlertsRepo
from storage.sessions import SessionsRepo
from storage.steps import Sealing, StepsRepo
from storage.types import Executor


class Tx:
    """The repositories, bound to one connection inside one transaction."""

    def __init__(
        self, conn: Executor, sealer: Sealing | None = None, claimer: Claimer | None = None
    ) -> None:
        self.conn = conn
        self.claimer = claimer
        self.journal = JournalRepo(conn, claimer)
        self.people = PeopleRepo(conn)
        self.groups = GroupsRepo(conn)
        self.coordinator_links = CoordinatorLinksRepo(conn)
        self.steps = StepsRepo(conn, sealer)
        self.outbox = OutboxRepo(conn, claimer)
        self.replicas = ReplicasRepo(conn)
        self.broadcasts = BroadcastsRepo(conn)
        # Input at arm's length (storage/items.py, prompts.py, readers.py, risk_alerts.py)
        self.items = ItemsRepo(conn)
        self.prompts = PromptsRepo(conn)
        self.observers = ObserversRepo(conn)
        self.leads = LeadsRepo(conn)
        self.risk_alerts = RiskAlertsRepo(conn)
        self.followup = FollowUpRepo(conn)
        self.contributor_updates = ContributorUpdatesRepo(conn)
        self.sessions = SessionsRepo(conn)
        self.conversations = ConversationsRepo(conn)
        # Where each item's words went (storage/copies.py)
        self.copies = CopiesRepo(conn)
        self.alert_copies = AlertCopiesRepo(conn)
        # Involvement payment: policies, choices, payee references, claims
        self.payments = PaymentsRepo(conn)
        # The figures of /report (storage/reports.py)
        self.reports = ReportsRepo(conn)
