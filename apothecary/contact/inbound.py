"""Reading one email that came in (manage.py receive_email): the sender, the subject, the
ids it answers and its plain-text body without the quoted message below "On ... wrote:".

Parsed with the standard library's email package (policy.default). Anything that is not an
email we can store raises NotAnEmail with one line saying why."""

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses

from django.core.validators import validate_email
from django.forms import ValidationError

MAX_BYTES = 1_000_000  # larger is refused: a reply to the shop is text, not attachments
MSGID = re.compile(r"<[^<>\s]{1,250}>")
# The line a mail program writes above the message it quotes: "On Mon, 7 Dec 2026, Ada
# <ada@example.com> wrote:" (it may be wrapped over two lines).
QUOTE_INTRO = re.compile(r"^On\s[^\n]{1,200}(?:\n[^\n]{1,200})?\swrote:[ \t]*$", re.MULTILINE)


class NotAnEmail(Exception):
    pass


@dataclass(frozen=True)
class Inbound:
    name: str
    email: str
    subject: str
    text: str
    msgid: str
    refers_to: list[str]  # In-Reply-To and References, oldest first, In-Reply-To last


def _msgids(value) -> list[str]:
    return MSGID.findall(str(value or ""))


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        raise NotAnEmail("the email has no plain-text part")
    try:
        return part.get_content()
    except (LookupError, UnicodeError) as error:
        raise NotAnEmail(f"its text cannot be decoded: {error}") from error


def without_quote(text: str) -> str:
    """The text above the first "On ... wrote:" line: the quoted message below it goes."""
    text = text.replace("\r\n", "\n")
    match = QUOTE_INTRO.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    return text.strip()


def parse(raw: bytes, *, max_bytes: int = MAX_BYTES) -> Inbound:
    if not raw.strip():
        raise NotAnEmail("nothing was given on standard input")
    if len(raw) > max_bytes:
        raise NotAnEmail(f"the email has {len(raw)} bytes, more than the {max_bytes} allowed")
    message = email.message_from_bytes(raw, policy=policy.default)
    if message.defects and not message.keys():
        raise NotAnEmail("this is not an email: no headers")
    try:
        senders = getaddresses([str(message.get("From", ""))])
    except (ValueError, IndexError) as error:
        raise NotAnEmail(f"its From header cannot be read: {error}") from error
    name, address = senders[0] if len(senders) == 1 else ("", "")
    try:
        validate_email(address)
    except ValidationError:
        raise NotAnEmail("the email has no single valid From address") from None
    text = without_quote(_plain_text(message))
    if not text:
        raise NotAnEmail("the email's text is empty")
    references = _msgids(message.get("References"))
    in_reply_to = _msgids(message.get("In-Reply-To"))
    own = _msgids(message.get("Message-ID"))
    return Inbound(
        name=" ".join(name.split()),
        email=address,
        subject=str(message.get("Subject", "")),
        text=text,
        msgid=own[0] if own else "",
        refers_to=[*references, *in_reply_to],
    )
