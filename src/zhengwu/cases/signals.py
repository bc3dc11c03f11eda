"""``case_acted``: sent inside the transaction of every action on a case, after the case and its
new event are saved (``zhengwu.cases.services.act``), with ``case`` and ``action`` (the table
action). Apps above cases (joint handling, licences) follow their cases through it; a receiver
calls its own app's services and may raise a domain error, which undoes the action."""

from django.dispatch import Signal

case_acted = Signal()
