"""Record makers for calls, meetings, e-mails, tasks and files, each tied to a deal or contact."""

from datetime import datetime, timedelta

from sandbox.ploomes import refdata
from sandbox.ploomes.files import content_type, file_bytes
from sandbox.ploomes.rng import REFERENCE, moment, rng

from .layout import record_id
from .values import after, iso
from .vocab import ACCOUNT_DOMAIN, DIRECTIONS, DISPOSITIONS, FILE_NAMES, MEETING_PLACES, MEETING_TITLES

NOTE_EXTRAS = ['Cliente disse: "manda por e-mail".', "Valores: R$ 1.200,00; prazo 30/60/90.",
               "Pendências:\n- medidas\n- aprovação do sócio"]


def _context(acc, r, kind, n):
    """(deal or None, contact or None, user id, rng for its instants) an activity refers to."""
    deal = acc.get("deals", record_id("deals", r.randint(1, acc.sizes["deals"])))
    contact_id = deal["contact_id"] if deal else None
    if contact_id is None or r.random() < 0.1:
        contact_id = record_id("contacts", r.randint(1, acc.sizes["contacts"]))
    user = deal["owner_id"] if deal and r.random() < 0.8 else r.randint(1, acc.sizes["users"])
    if r.random() < 0.1:
        deal = None
    return deal, acc.get("contacts", contact_id), user, rng(acc.seed, "bloomr-when", kind, n)


def _notes(r):
    """Free text with commas, semicolons, quotes and line breaks (CSV quoting must cope)."""
    parts = [r.choice(refdata.NOTE_SENTENCES) for _ in range(r.randint(1, 3))]
    if r.random() < 0.3:
        parts.append(r.choice(NOTE_EXTRAS))
    return "\n".join(parts) if r.random() < 0.3 else " ".join(parts)


def _start(r, deal):
    """When an activity happened: after its deal was created, before the reference instant."""
    start = datetime.fromisoformat(deal["created_at"]) if deal else REFERENCE - timedelta(days=400)
    return after(r, start, 200)


def _full_name(contact):
    return " ".join(filter(None, (contact["first_name"], contact["last_name"])))


def _stamped(r, at):
    """created_at shortly after ``at``; updated_at at or after it."""
    created = after(r, at, 1)
    return {"created_at": iso(created), "updated_at": iso(after(r, created, 30))}


def make_calls(acc, n):
    """A phone call logged against a contact (and usually a deal)."""
    r = rng(acc.seed, "bloomr-call", n)
    deal, contact, user, when = _context(acc, r, "call", n)
    started = _start(when, deal)
    disposition = r.choice(DISPOSITIONS)
    return {"id": record_id("calls", n), "contact_id": contact["id"] if contact else None,
            "deal_id": deal["id"] if deal else None, "user_id": user, "started_at": iso(started),
            "duration_seconds": r.randint(30, 2400) if disposition == "connected" else r.randint(0, 40),
            "direction": r.choice(DIRECTIONS), "disposition": disposition,
            "notes": _notes(r) if r.random() < 0.8 else None, **_stamped(when, started)}


def make_meetings(acc, n):
    """A meeting with its attendees: the contact, the owner and sometimes a guest."""
    r = rng(acc.seed, "bloomr-meeting", n)
    deal, contact, user, when = _context(acc, r, "meeting", n)
    starts = _start(when, deal).replace(minute=r.choice([0, 30]), second=0)
    attendees = []
    if contact:
        attendees.append({"email": contact["email"], "name": _full_name(contact), "contact_id": contact["id"]})
    member = acc.get("users", user)
    if member:
        attendees.append({"email": member["email"], "name": member["name"], "contact_id": None})
    if r.random() < 0.2:
        attendees.append({"email": f"convidado{n}@gmail.com", "name": None, "contact_id": None})
    return {"id": record_id("meetings", n), "title": r.choice(MEETING_TITLES), "starts_at": iso(starts),
            "ends_at": iso(starts + timedelta(minutes=r.choice([30, 60, 90]))),
            "location": r.choice(MEETING_PLACES), "attendees": attendees, "user_id": user,
            "deal_id": deal["id"] if deal else None, "notes": _notes(r) if r.random() < 0.6 else None,
            **_stamped(when, starts)}


def make_emails(acc, n):
    """An e-mail between the owner and the contact; the deal's e-mails on a subject share a thread."""
    r = rng(acc.seed, "bloomr-email", n)
    deal, contact, user, when = _context(acc, r, "email", n)
    member = acc.get("users", user)
    ours = member["email"] if member else f"vendas@{ACCOUNT_DOMAIN}"
    theirs = contact["email"] if contact else None
    inbound = r.random() < 0.4 and theirs
    subject = r.choice(refdata.EMAIL_SUBJECTS)
    sent = _start(when, deal)
    greeting = contact["first_name"] if contact and contact["first_name"] else "tudo bem"
    body = (f"<p>Olá, {greeting}!</p><p>{r.choice(refdata.NOTE_SENTENCES)}</p>"
            f"<p>Abraços,<br>{member['name'] if member else 'Equipe comercial'}</p>")
    thread = f"th_{(deal or {'id': 'solo'})['id']}_{refdata.EMAIL_SUBJECTS.index(subject)}"
    return {"id": record_id("emails", n), "subject": f"Re: {subject}" if inbound else subject,
            "from": theirs if inbound else ours, "to": [ours if inbound else theirs or ours],
            "cc": [f"financeiro@{ACCOUNT_DOMAIN}"] if r.random() < 0.2 else [], "body_html": body,
            "sent_at": iso(sent), "thread_id": thread, "contact_id": contact["id"] if contact else None,
            "deal_id": deal["id"] if deal else None, "user_id": user, **_stamped(when, sent)}


def make_tasks(acc, n):
    """A to-do for a team member; past ones are mostly done."""
    r = rng(acc.seed, "bloomr-task", n)
    deal, contact, user, when = _context(acc, r, "task", n)
    created = _start(when, deal)
    due = created + timedelta(days=r.randint(1, 30))
    return {"id": record_id("tasks", n), "title": r.choice(refdata.TASK_TITLES),
            "due_date": due.date().isoformat(), "done": due < REFERENCE and r.random() < 0.8,
            "assignee_id": user, "deal_id": deal["id"] if deal else None,
            "contact_id": contact["id"] if contact else None,
            "notes": _notes(r) if r.random() < 0.4 else None,
            "created_at": iso(created), "updated_at": iso(moment(when, created, REFERENCE))}


def make_files(acc, n):
    """An attachment on a contact, company or deal; its bytes are served by the sandbox."""
    r = rng(acc.seed, "bloomr-file", n)
    kind = r.choice(["contacts", "companies", "deals"])
    target = record_id(kind, r.randint(1, acc.sizes[kind]))
    rid = record_id("files", n)
    name = r.choice(FILE_NAMES)
    created = moment(r, REFERENCE - timedelta(days=600), REFERENCE)
    return {"id": rid, "name": name, "size": len(file_bytes(acc.seed, rid, name)),
            "content_type": content_type(name), "url": f"{acc.base_url}/files/{rid}/download",
            "owner_object": kind[:-1] if kind != "companies" else "company", "owner_id": target,
            "created_at": iso(created), "updated_at": iso(created)}
