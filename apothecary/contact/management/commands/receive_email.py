"""`manage.py receive_email < message.eml`: store one email as a message in the inbox, in its
conversation when it answers one of our replies. Made for a mail server's pipe alias, e.g. in
Postfix's aliases: `inbox: "|/srv/apothecary/.venv/bin/python /srv/apothecary/manage.py
receive_email"`. Bad input exits with status 1 and one line on stderr; nothing is stored.
Each stored email is logged by services.message_receive."""

import sys

from django.core.management.base import BaseCommand, CommandError

from apothecary.contact.inbound import MAX_BYTES, NotAnEmail, parse
from apothecary.contact.services import message_receive


class Command(BaseCommand):
    help = "Store one email read from standard input as a message in the contact inbox."
    stealth_options = ("stdin",)  # call_command(..., stdin=a binary stream), for tests

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=MAX_BYTES,
            help=f"Refuse larger emails (default {MAX_BYTES}).",
        )

    def handle(self, *args, max_bytes, **options):
        stream = options.get("stdin") or sys.stdin
        raw = getattr(stream, "buffer", stream).read(max_bytes + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            inbound = parse(raw, max_bytes=max_bytes)
        except NotAnEmail as error:
            # The one line on stderr is what the mail server logs and puts in its bounce.
            raise CommandError(f"email refused: {error}") from None
        message = message_receive(
            name=inbound.name,
            email=inbound.email,
            subject=inbound.subject,
            text=inbound.text,
            msgid=inbound.msgid,
            refers_to=inbound.refers_to,
        )
        self.stdout.write(f"Stored as message {message.pk}.")
