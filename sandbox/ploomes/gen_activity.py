"""Tasks, interaction records, e-mails and attachments.

E-mail threads: ``/Emails`` rows carry ``MessageId`` (RFC 5322 style), ``InReplyTo`` (the
parent's MessageId), ``ReplyToEmailId`` (the parent's Id) and ``ThreadId`` (the Id of the
first e-mail of the thread; equal to ``Id`` on a thread's first message). Replies share the
thread's contact and deal, get a ``RE:`` subject and alternate direction (``Incoming``).
Emails come in blocks of three ranks; the first 1–3 of a block form one thread.

Tasks: by default each names its owner (``OwnerId``, also its first ``Users[]`` row). The
opt-in ``ownerless_tasks`` (a share, 0..1, set on the generator before its tasks are read)
shapes that share of tasks as the API doc's sample does: no ``OwnerId`` property, one to
three assignees in ``Users[]`` only. Other tasks, and every seed without it, are unchanged.
"""

from datetime import timedelta
from urllib.parse import quote

from . import lookups, refdata
from .files import content_type, file_bytes
from .gen_people import ACCOUNT_DOMAIN, STATE_BY_UF, big_text, html_text
from .layout import BASE, CHILD_BASE, STRIDE
from .rng import REFERENCE, days_before, fmt_dt, mix, moment, rng, unit
from .schema import ATTACHMENT, EMAIL, INTERACTION, TASK, blank

TYPE_IDS = [40001201 + i for i in range(len(lookups.TASK_TYPES))]
CALL, EMAIL_TYPE, MEETING, VISIT, TODO, WHATSAPP = TYPE_IDS
INTERACTION_KINDS = [None] + TYPE_IDS  # None = a plain note
INTERACTION_WEIGHTS = [40, 25, 5, 12, 8, 3, 7]
ATTACHMENT_NAMES = {
    "Contacts": ["Contrato social.pdf", "Cartão CNPJ.pdf", "logo.png", "cadastro.csv"],
    "Deals": ["Proposta comercial v{n}.pdf", "Orçamento revisão {n}.pdf", "planilha de custos.csv"],
    "Orders": ["Pedido de compra {n}.pdf", "Comprovante de pagamento.png"],
    "Tasks": ["checklist.txt", "roteiro da visita.pdf"],
    "InteractionRecords": ["foto da visita {n}.png", "ata de reunião.txt", "gravação-resumo.txt"],
    "Emails": ["anexo {n}.pdf", "tabela de preços.csv", "imagem001.png"],
}


class ActivityMixin:
    """Activity records (mixed into ``Generator``)."""

    #: Share of tasks without ``OwnerId``, their people only in ``Users[]`` (opt-in; see above).
    ownerless_tasks = 0.0

    # -- tasks --------------------------------------------------------------------------
    def _link(self, tag, rank, deal_share):
        """(contact rank, deal rank or None) an activity is about."""
        r = rng(self.seed, tag, rank)
        if r.random() < deal_share:
            d = r.randrange(self.n.deals)
            return self.deal_parties(d)[0], d
        return r.randrange(self.n.contacts), None

    def task_finished(self, t):
        """Task 0 is done, task 1 is open, the rest 60/40."""
        return t == 0 or (t != 1 and unit(self.seed, "task-finished", t) < 0.6)

    def task_ownerless(self, t):
        """Whether task ``t`` has no ``OwnerId`` (the ``ownerless_tasks`` opt-in)."""
        return self.ownerless_tasks > 0 and unit(self.seed, "task-ownerless", t) < self.ownerless_tasks

    def make_task(self, t):
        """One ``/Tasks`` row; an ownerless one has no ``OwnerId`` property."""
        rec = self._owned_task(t)
        if self.task_ownerless(t):
            del rec["OwnerId"]
        return rec

    def _owned_task(self, t):
        """Task ``t`` as it is without the opt-in."""
        r = rng(self.seed, "task", t)
        contact, deal = self._link("task-link", t, 0.7)
        type_id = r.choice(TYPE_IDS)
        finished = self.task_finished(t)
        when = moment(r, days_before(700), days_before(1)) if finished \
            else moment(r, days_before(30), days_before(-60))
        due = min(when, REFERENCE)
        created = moment(r, due - timedelta(days=30), due)
        length = r.choice((15, 30, 45, 60, 90, 120))
        no_time = r.random() < 0.15
        done = min(when + timedelta(minutes=r.randint(5, 600)), REFERENCE) if finished else None
        rec = blank(TASK)
        rec.update(
            Id=BASE["Tasks"] + t, Title=r.choice(refdata.TASK_TITLES),
            Description=r.choice(refdata.NOTE_SENTENCES) if r.random() < 0.7 else None,
            TypeId=type_id,
            DateTime=fmt_dt(when.replace(hour=0, minute=0, second=0, microsecond=0) if no_time else when),
            EndTime=None if no_time else fmt_dt(when + timedelta(minutes=length)), NoTime=no_time,
            Length=length, Finished=finished, FinishDate=None if done is None else fmt_dt(done),
            FinisherId=self.pick_user(r) if finished else None,
            ContactId=BASE["Contacts"] + contact, ContactName=self.identity(contact).name,
            DealId=None if deal is None else BASE["Deals"] + deal, OwnerId=self.pick_user(r),
            CreatorId=self.pick_user(r), UpdaterId=self.pick_user(r), CreateDate=fmt_dt(created),
            LastUpdateDate=fmt_dt(moment(r, done or created, REFERENCE)), Editable=True,
            Finishable=not finished,
        )
        if type_id == VISIT:
            k, (city, uf, _, _) = self.pick_city(r)
            _, lat, lon, _, _ = STATE_BY_UF[uf]
            rec.update(Address=f"{r.choice(refdata.STREETS)}, {r.randint(1, 999)} - {city}/{uf}",
                       Latitude=round(lat + r.uniform(-0.1, 0.1), 6),
                       Longitude=round(lon + r.uniform(-0.1, 0.1), 6))
        return rec

    def task_users(self, t, record):
        """Assignees ``{Id, TaskId, UserId}``: the owner, sometimes a second user; an
        ownerless task's would-be owner and up to two more."""
        if self.task_ownerless(t):
            users = [self._owned_task(t)["OwnerId"]]
            r = rng(self.seed, "task-assignees", t)
            for _ in range(r.randint(0, 2)):
                other = self.pick_user(r)
                if other not in users:
                    users.append(other)
        else:
            users = [record["OwnerId"]]
            r = rng(self.seed, "task-users", t)
            if r.random() < 0.3:
                other = self.pick_user(r)
                if other not in users:
                    users.append(other)
        return [{"Id": CHILD_BASE["TaskUsers"] + t * STRIDE["TaskUsers"] + j, "TaskId": record["Id"],
                 "UserId": uid} for j, uid in enumerate(users)]

    def task_contacts(self, t, record):
        """Extra participants ``{Id, TaskId, ContactId, Name, Email}``."""
        r = rng(self.seed, "task-contacts", t)
        if r.random() >= 0.3:
            return []
        c = r.randrange(self.n.contacts)
        ident = self.identity(c)
        return [{"Id": CHILD_BASE["TaskContacts"] + t * STRIDE["TaskContacts"], "TaskId": record["Id"],
                 "ContactId": BASE["Contacts"] + c, "Name": ident.name, "Email": ident.email}]

    # -- interaction records ------------------------------------------------------------
    def make_interaction(self, i):
        """One ``/InteractionRecords`` row; the first seven ranks cover every kind."""
        r = rng(self.seed, "interaction", i)
        kind = INTERACTION_KINDS[i] if i < len(INTERACTION_KINDS) \
            else r.choices(INTERACTION_KINDS, INTERACTION_WEIGHTS)[0]
        contact, deal = self._link("interaction-link", i, 0.6)
        when = moment(r, days_before(900), REFERENCE - timedelta(minutes=10))
        created = moment(r, when, min(when + timedelta(hours=2), REFERENCE))
        rec = blank(INTERACTION)
        rec.update(
            Id=BASE["InteractionRecords"] + i, ContactId=BASE["Contacts"] + contact,
            DealId=None if deal is None else BASE["Deals"] + deal, Date=fmt_dt(when),
            Content=self._interaction_content(r, i, kind), TypeId=kind, CreatorId=self.pick_user(r),
            UpdaterId=self.pick_user(r), CreateDate=fmt_dt(created),
            LastUpdateDate=fmt_dt(moment(r, created, REFERENCE)), Editable=True,
        )
        if kind in (CALL, MEETING, WHATSAPP):
            rec["Length"] = r.randint(1, 45) if kind != MEETING else r.choice((30, 45, 60, 90, 120))
        if kind == CALL and r.random() < 0.1:
            rec["TotalVoiceCallId"] = 70000000 + r.randrange(10**6)
        if kind == VISIT:
            k, (_, uf, _, _) = self.pick_city(r)
            _, lat, lon, _, _ = STATE_BY_UF[uf]
            rec.update(Latitude=round(lat + r.uniform(-0.1, 0.1), 6),
                       Longitude=round(lon + r.uniform(-0.1, 0.1), 6), VerifiedCheckIn=r.random() < 0.7)
        if kind is not None and r.random() < 0.3:
            t = r.randrange(self.n.tasks)
            rec["OriginalTaskId"] = BASE["Tasks"] + t if self.task_finished(t) else None
        return rec

    def _interaction_content(self, r, i, kind):
        if self.dirty("big-note", "interaction", i):
            return big_text(r)
        if self.dirty("html-note", "interaction", i):
            return html_text(r)
        prefix = {CALL: "Ligação: ", MEETING: "Reunião: ", VISIT: "Visita: ", WHATSAPP: "WhatsApp: ",
                  EMAIL_TYPE: "E-mail: ", TODO: "Tarefa concluída: "}.get(kind, "")
        return prefix + " ".join(r.choice(refdata.NOTE_SENTENCES) for _ in range(r.randint(1, 3)))

    # -- e-mails ------------------------------------------------------------------------
    def email_thread(self, e):
        """(root rank, parent rank or None) of e-mail ``e``."""
        if e >= self.n.emails:
            return e, None
        block, pos = divmod(e, 3)
        length = 3 if block == 0 else rng(self.seed, "thread-len", block).choices((1, 2, 3), (5, 3, 2))[0]
        if pos >= length:
            return e, None
        return 3 * block, (e - 1 if pos else None)

    def _message_id(self, e):
        return f"<{mix(self.seed, 'msg', e):016x}@mail.{ACCOUNT_DOMAIN}>"

    def make_email(self, e):
        """One ``/Emails`` row (see the module docstring for threads)."""
        root, parent = self.email_thread(e)
        rt = rng(self.seed, "email-thread", root)
        contact, deal = self._link("email-link", root, 0.5)
        owner = self.pick_user(rt)
        subject = rt.choice(refdata.EMAIL_SUBJECTS)
        start = moment(rt, days_before(800), days_before(3))
        outgoing_first = rt.random() < 0.6
        pos = e - root
        r = rng(self.seed, "email", e)
        when = min(start + timedelta(hours=pos * rt.randint(2, 30), minutes=r.randint(0, 59)), REFERENCE)
        incoming = outgoing_first == bool(pos % 2)
        ident = self.identity(contact)
        user_email = self.make_user(owner - BASE["Users"])["Email"] or f"vendas@{ACCOUNT_DOMAIN}"
        contact_addr = ident.email or f"contato{contact}@{refdata.EMAIL_PROVIDERS[0]}"
        user_name = self.user_name(owner - BASE["Users"])
        sender, recipient = (contact_addr, user_email) if incoming else (user_email, contact_addr)
        greeting = ident.name.strip().split(" ")[0] if not incoming and ident.name.strip() else user_name.split()[0]
        body = (f"<p>Olá {greeting},</p><p>{r.choice(refdata.NOTE_SENTENCES)}</p>"
                f"<p>Atenciosamente,<br>{ident.name if incoming else user_name}</p>")
        if parent is not None:
            body += f"<blockquote>{rng(self.seed, 'email', parent).choice(refdata.NOTE_SENTENCES)}</blockquote>"
        rec = blank(EMAIL)
        rec.update(
            Id=BASE["Emails"] + e, Subject=("RE: " * min(pos, 1)) + subject, Body=body, From=sender,
            FromName=ident.name if incoming else user_name, To=recipient,
            Cc=f"financeiro@{ident.domain}" if r.random() < 0.15 else None, Date=fmt_dt(when),
            Incoming=incoming, StatusId=2 if incoming else (3 if r.random() < 0.03 else 1),
            ContactId=BASE["Contacts"] + contact, DealId=None if deal is None else BASE["Deals"] + deal,
            MessageId=self._message_id(e), InReplyTo=None if parent is None else self._message_id(parent),
            ReplyToEmailId=None if parent is None else BASE["Emails"] + parent,
            ThreadId=BASE["Emails"] + root, CreatorId=owner, CreateDate=fmt_dt(when),
            LastUpdateDate=fmt_dt(moment(r, when, REFERENCE)),
        )
        return rec

    # -- attachments --------------------------------------------------------------------
    def attachment_name(self, a):
        """FileName of attachment rank ``a`` (accents and spaces included)."""
        kind = self.attachment_parent(a)[0]
        r = rng(self.seed, "attachment-name", a)
        return r.choice(ATTACHMENT_NAMES[kind]).format(n=r.randint(1, 9))

    def make_attachment(self, a):
        """One ``/Attachments`` row; ``Url`` serves exactly ``ContentLength`` bytes."""
        kind, column, eid, parent = self.attachment_parent(a)
        parent_id = BASE[kind] + parent
        name = self.attachment_name(a)
        aid = BASE["Attachments"] + a
        rec = blank(ATTACHMENT)
        rec.update({
            "Id": aid, "ItemId": parent_id, "EntityId": eid, column: parent_id, "FileName": name,
            "ContentType": content_type(name), "ContentLength": len(file_bytes(self.seed, aid, name)),
            "Url": self.files_url(f"{aid}/{quote(name)}"), "Listable": True, "IsSensitiveData": False,
            "CreatorId": self.pick_user(rng(self.seed, "attachment", a)),
        })
        return rec
