"""Entity sets (URL paths) and entity types (properties and navigation properties).

A navigation is ``Nav(target type, many, resolve)`` where ``resolve(record)`` returns the
related record, list of records or None. Navigations are never part of a record: the
query layer resolves them for ``$expand`` and for paths in ``$filter``/``$orderby``.
"""

from collections import namedtuple

from . import schema
from .fields import OWNER_COLUMN, VALUE_COLUMNS
from .layout import ATTACHMENT_KINDS, BASE, STRIDE, TAGLINK_BASE
from .store import ChildSet, DeletedDeals, GeneratedSet, StaticSet

Nav = namedtuple("Nav", "target many resolve")
EntityType = namedtuple("EntityType", "props navs")
GENERATED = {  # set -> (count attribute, make method, type)
    "Users": ("users", "make_user", "User"),
    "Contacts": ("contacts", "make_contact", "Contact"),
    "Deals": ("deals", "make_deal", "Deal"),
    "Quotes": ("quotes", "make_quote", "Quote"),
    "Orders": ("orders", "make_order", "Order"),
    "Tasks": ("tasks", "make_task", "Task"),
    "InteractionRecords": ("interactions", "make_interaction", "InteractionRecord"),
    "Emails": ("emails", "make_email", "Email"),
    "Attachments": ("attachments", "make_attachment", "Attachment"),
    "Products": ("products", "make_product", "Product"),
}
EXTRA_SET_TYPES = {
    "Deals/GetDeletedDeals": "Deal", "Self": "User", "Quotes@Products": "QuoteProduct",
    "Orders@Products": "OrderProduct", "Products@Parts": "ProductPart",
}


class Catalog:
    """Every entity set and entity type of one sandbox account."""

    def __init__(self, gen, key):
        self.gen = gen
        self.sets, self.set_types, self.types = {}, {}, {}
        self._generated_sets()
        self._static_sets(key)
        self._build_types()

    # -- sets ---------------------------------------------------------------------------
    def _generated_sets(self):
        g, n = self.gen, self.gen.n
        for name, (count, make, type_name) in GENERATED.items():
            next_rank = n.deals + n.deleted_deals if name == "Deals" else None
            self.sets[name] = GeneratedSet(BASE[name], getattr(n, count), getattr(g, make), next_rank)
            self.set_types[name] = type_name
        self.sets["Deals/GetDeletedDeals"] = DeletedDeals(self.sets["Deals"], n.deals, n.deleted_deals)
        self.sets["Products@Parts"] = ChildSet(
            self.sets["Products"], BASE["Products"], BASE["Products@Parts"], STRIDE["Products@Parts"],
            lambda p: g.product_parts(p["Id"] - BASE["Products"]), "ProductId")
        self.sets["Quotes@Products"] = ChildSet(
            self.sets["Quotes"], BASE["Quotes"], BASE["Quotes@Products"], STRIDE["Quotes@Products"],
            lambda q: g.quote_items(q)[1], "QuoteId")
        self.sets["Orders@Products"] = ChildSet(
            self.sets["Orders"], BASE["Orders"], BASE["Orders@Products"], STRIDE["Orders@Products"],
            lambda o: g.order_items(o)[1], "OrderId")
        self._indexes()

    def _indexes(self):
        """Inverse mappings the planner uses instead of scanning (``Prop eq N``)."""
        g = self.gen

        def attachments_of(kind):
            def ids(parent_id):
                parent = parent_id - BASE[kind]
                a = g.attachment_rank(kind, parent) if parent >= 0 else None
                return [] if a is None else [BASE["Attachments"] + a]
            return ids

        def people_of(company_id):
            company = company_id - BASE["Contacts"]
            return [BASE["Contacts"] + p for p in g.company_people(company)] \
                if company >= 0 and company % 4 == 0 else []
        self.sets["Attachments"].indexes.update(
            {column: attachments_of(kind) for kind, column, _ in ATTACHMENT_KINDS})
        self.sets["Quotes"].indexes["DealId"] = self._deal_quote_ids
        self.sets["Orders"].indexes["DealId"] = self._deal_order_ids
        self.sets["Contacts"].indexes["CompanyId"] = people_of

    def _static_sets(self, key):
        g = self.gen
        me = g.make_user(0)
        me["UserKey"] = key
        tables = dict(g.lookups)
        tables.update({
            "Self": [me], "Products@Groups": g.groups(), "Products@Families": g.families(),
            "Fields": g.fields.records(), "Fields@Types": g.fields.type_records(),
            "Fields@Entities": g.fields.entity_records(), "Fields@OptionsTables": g.fields.tables,
            "Fields@OptionsTables@Options": g.fields.options,
        })
        self.hidden = {name: StaticSet(rows) for name, rows in tables.items() if name.startswith("_")}
        for name, rows in tables.items():
            if not name.startswith("_"):
                self.sets[name] = StaticSet(rows)
                self.set_types[name] = name
        self.set_types.update(EXTRA_SET_TYPES)

    # -- navigation helpers -------------------------------------------------------------
    def ref(self, set_name, fk):
        """Single-valued navigation through a foreign key."""
        view = self.sets[set_name]
        return Nav(self.set_types[set_name], False,
                   lambda rec: None if rec.get(fk) is None else view.get(rec[fk]))

    def backref(self, set_name, fk, source=None):
        """Collection of rows of a static table whose ``fk`` is this record's Id."""
        table = source or self.sets[set_name]
        index = {}
        for row in table.records:
            index.setdefault(row[fk], []).append(row)
        return Nav(self.set_types.get(set_name, set_name), True, lambda rec: index.get(rec["Id"], []))

    def children(self, target, fn):
        """Collection computed from the record (and its rank) by the generator."""
        return Nav(target, True, fn)

    def reverse(self, set_name, column):
        """Records of ``set_name`` whose ``column`` is this record's Id (through the view's index)."""
        view = self.sets[set_name]
        return Nav(self.set_types[set_name], True,
                   lambda rec: [r for r in view.lookup(column, rec["Id"]) if r[column] == rec["Id"]])

    def other_properties(self, eid, kind, population=None):
        """OtherProperties rows of a record of ``kind`` (EntityId ``eid``)."""
        g = self.gen
        return self.children(f"OtherProperty:{OWNER_COLUMN[eid]}", lambda rec: g.other_properties(
            eid, rec["Id"] - BASE[kind], rec,
            population(rec["Id"] - BASE[kind]) if population else None))

    def tags(self, eid, kind):
        """Tag link rows of a record."""
        g = self.gen
        return self.children(f"TagLink:{OWNER_COLUMN[eid]}",
                             lambda rec: g.tag_links(eid, rec["Id"] - BASE[kind], rec["Id"]))

    @staticmethod
    def nothing(target):
        """A collection the sandbox never fills (e.g. custom fields of quote lines)."""
        return Nav(target, True, lambda rec: [])

    # -- types --------------------------------------------------------------------------
    def _build_types(self):
        t = self.types
        for name in self.sets:
            if self.set_types[name] == name:
                t[name] = EntityType(tuple(self.sets[name].records[0]) if self.sets[name].records else (), {})
        for column in list(OWNER_COLUMN.values()) + ["UserId", "SectionId", "LineId", "GroupId", "FamilyId"]:
            t[f"OtherProperty:{column}"] = EntityType(("Id", "FieldId", "FieldKey", column) + VALUE_COLUMNS,
                                                     {"CurrencyValue": self.ref("Currencies", "CurrencyValueId")})
        for eid in TAGLINK_BASE:
            t[f"TagLink:{OWNER_COLUMN[eid]}"] = EntityType(("Id", "TagId", OWNER_COLUMN[eid]),
                                                           {"Tag": self.ref("Tags", "TagId")})
        self._people_types()
        self._sales_types()
        self._activity_types()
        self._lookup_navs()

    def _audit(self):
        return {"Owner": self.ref("Users", "OwnerId"), "Creator": self.ref("Users", "CreatorId"),
                "Updater": self.ref("Users", "UpdaterId"), "Currency": self.ref("Currencies", "CurrencyId")}

    def _people_types(self):
        g = self.gen
        self.types["User"] = EntityType(schema.USER, {
            "Profile": self.ref("Users@Profiles", "ProfileId"), "Role": self.ref("Roles", "RoleId"),
            "Account": Nav("Account", False, lambda rec: self.sets["Account"].records[0]),
            "OtherProperties": self.nothing("OtherProperty:UserId"),
        })
        self.types["Phone"] = EntityType(schema.PHONE, {
            "Type": self.ref("PhoneTypes", "TypeId"), "Country": self.ref("Cities@Countries", "CountryId")})
        self.types["Contact"] = EntityType(schema.CONTACT, {
            **self._audit(),
            "Phones": self.children("Phone", lambda rec: g.phones(rec["Id"] - BASE["Contacts"], rec)),
            "OtherProperties": self.other_properties(1, "Contacts", g.contact_population),
            "Tags": self.tags(1, "Contacts"), "Attachments": self.reverse("Attachments", "ContactId"),
            "Company": self.ref("Contacts", "CompanyId"), "Contacts": self.reverse("Contacts", "CompanyId"),
            "City": self.ref("Cities", "CityId"), "State": self.ref("Cities@Countries@States", "StateId"),
            "Country": self.ref("Cities@Countries", "CountryId"), "Status": self.ref("Contacts@Status", "StatusId"),
            "Type": self.ref("Contacts@Types", "TypeId"), "Origin": self.ref("Contacts@Origins", "OriginId"),
            "Class": self.ref("Contacts@Classes", "ClassId"),
            "Relationship": self.ref("Contacts@Relationships", "RelationshipId"),
            "LineOfBusiness": self.ref("Contacts@LinesOfBusiness", "LineOfBusinessId"),
            "NumberOfEmployees": self.ref("Contacts@NumbersOfEmployees", "NumberOfEmployeesId"),
            "Role": self.ref("Roles", "RoleId"), "Department": self.ref("Departments", "DepartmentId"),
        })

    def _line_types(self, prefix, line_set, section_props, line_props, parent_set, parent_col, items):
        g = self.gen
        self.types[f"{prefix}Product"] = EntityType(line_props, {
            "Parts": self.children("LinePart", lambda line: g.line_parts(line, line_set)),
            "Product": self.ref("Products", "ProductId"),
            "OtherProperties": self.nothing("OtherProperty:LineId"),
            prefix: self.ref(parent_set, parent_col),
        })
        self.types[f"{prefix}Section"] = EntityType(section_props, {
            "Products": self.children(f"{prefix}Product", lambda sec: [
                line for line in items(self.sets[parent_set].get(sec[parent_col]))[1]
                if line["SectionId"] == sec["Id"]]),
            "OtherProperties": self.nothing("OtherProperty:SectionId"),
        })

    def _sales_types(self):
        g = self.gen
        self.types["LinePart"] = EntityType(schema.LINE_PART, {"Product": self.ref("Products", "ProductId")})
        self._line_types("Quote", "Quotes@Products", schema.QUOTE_SECTION, schema.QUOTE_PRODUCT,
                         "Quotes", "QuoteId", g.quote_items)
        self._line_types("Order", "Orders@Products", schema.ORDER_SECTION, schema.ORDER_PRODUCT,
                         "Orders", "OrderId", g.order_items)
        parties = {"Contact": self.ref("Contacts", "ContactId"), "Person": self.ref("Contacts", "PersonId"),
                   "Deal": self.ref("Deals", "DealId")}
        self.types["Deal"] = EntityType(schema.DEAL, {
            **self._audit(), "Contact": parties["Contact"], "Person": parties["Person"],
            "Pipeline": self.ref("Deals@Pipelines", "PipelineId"), "Stage": self.ref("Deals@Stages", "StageId"),
            "Status": self.ref("Deals@Status", "StatusId"), "LossReason": self.ref("Deals@LossReasons", "LossReasonId"),
            "Origin": self.ref("Contacts@Origins", "OriginId"), "Tags": self.tags(2, "Deals"),
            "OtherProperties": self.other_properties(2, "Deals"), "Attachments": self.reverse("Attachments", "DealId"),
            "LastQuote": self.ref("Quotes", "LastQuoteId"), "LastOrder": self.ref("Orders", "LastOrderId"),
            "Quotes": self.reverse("Quotes", "DealId"), "Orders": self.reverse("Orders", "DealId"),
        })
        self.types["Quote"] = EntityType(schema.QUOTE, {
            **self._audit(), **parties,
            "Sections": self.children("QuoteSection", lambda rec: g.quote_items(rec)[0]),
            "Products": self.children("QuoteProduct", lambda rec: g.quote_items(rec)[1]),
            "OtherProperties": self.other_properties(7, "Quotes"),
            "ApprovalStatus": self.ref("Quotes@ApprovalStatus", "ApprovalStatusId"),
        })
        self.types["Order"] = EntityType(schema.ORDER, {
            **self._audit(), **parties,
            "Sections": self.children("OrderSection", lambda rec: g.order_items(rec)[0]),
            "Products": self.children("OrderProduct", lambda rec: g.order_items(rec)[1]),
            "OtherProperties": self.other_properties(4, "Orders"), "Stage": self.ref("Orders@Stages", "StageId"),
            "OriginQuote": self.ref("Quotes", "OriginQuoteId"), "Attachments": self.reverse("Attachments", "OrderId"),
        })
        self.types["Product"] = EntityType(schema.PRODUCT, {
            "Group": self.ref("Products@Groups", "GroupId"), "Family": self.ref("Products@Families", "FamilyId"),
            "OtherProperties": self.other_properties(10, "Products"),
            "Parts": self.children("ProductPart", lambda rec: g.product_parts(rec["Id"] - BASE["Products"])),
            "Lists": self.nothing("ProductList"),
            "Creator": self.ref("Users", "CreatorId"), "Currency": self.ref("Currencies", "CurrencyId"),
        })
        self.types["ProductList"] = EntityType(("ListId",), {})
        self.types["ProductPart"] = EntityType(schema.PRODUCT_PART, {
            "Product": self.ref("Products", "ProductId"), "ProductPart": self.ref("Products", "ProductPartId"),
            "Group": self.ref("Products@Groups", "GroupId")})

    def _deal_quote_ids(self, deal_id):
        g = self.gen
        grp = g.deal_group(deal_id - BASE["Deals"])
        return [] if grp is None else [BASE["Quotes"] + g.quote_rank(grp, rev)
                                      for rev in range(1, g.revisions(grp) + 1)]

    def _deal_order_ids(self, deal_id):
        g = self.gen
        grp = g.deal_group(deal_id - BASE["Deals"])
        o = None if grp is None else g.group_order(grp)
        return [] if o is None else [BASE["Orders"] + o]

    def _activity_types(self):
        g = self.gen
        self.types["TaskUser"] = EntityType(schema.TASK_USER, {"User": self.ref("Users", "UserId")})
        self.types["TaskContact"] = EntityType(schema.TASK_CONTACT, {"Contact": self.ref("Contacts", "ContactId")})
        self.types["Task"] = EntityType(schema.TASK, {
            **self._audit(),
            "Users": self.children("TaskUser", lambda rec: g.task_users(rec["Id"] - BASE["Tasks"], rec)),
            "Contacts": self.children("TaskContact", lambda rec: g.task_contacts(rec["Id"] - BASE["Tasks"], rec)),
            "Tags": self.tags(12, "Tasks"), "OtherProperties": self.other_properties(12, "Tasks"),
            "Type": self.ref("Tasks@Types", "TypeId"), "Contact": self.ref("Contacts", "ContactId"),
            "Deal": self.ref("Deals", "DealId"), "Attachments": self.reverse("Attachments", "TaskId"),
            "Finisher": self.ref("Users", "FinisherId"),
        })
        self.types["InteractionRecord"] = EntityType(schema.INTERACTION, {
            "Type": self.ref("Tasks@Types", "TypeId"),
            "Attachments": self.reverse("Attachments", "InteractionRecordId"),
            "Tags": self.tags(36, "InteractionRecords"),
            "OtherProperties": self.other_properties(36, "InteractionRecords"),
            "Deal": self.ref("Deals", "DealId"), "Contact": self.ref("Contacts", "ContactId"),
            "Creator": self.ref("Users", "CreatorId"), "Updater": self.ref("Users", "UpdaterId"),
            "OriginalTask": self.ref("Tasks", "OriginalTaskId"),
        })
        self.types["Email"] = EntityType(schema.EMAIL, {
            "Attachments": self.reverse("Attachments", "EmailId"), "Contact": self.ref("Contacts", "ContactId"),
            "Deal": self.ref("Deals", "DealId"), "Status": self.ref("Emails@Status", "StatusId"),
            "Creator": self.ref("Users", "CreatorId"), "ReplyToEmail": self.ref("Emails", "ReplyToEmailId"),
        })
        self.types["Attachment"] = EntityType(schema.ATTACHMENT, {"Creator": self.ref("Users", "CreatorId")})

    def _lookup_navs(self):
        t = self.types
        t["Deals@Pipelines"].navs["Stages"] = self.backref("Deals@Stages", "PipelineId")
        t["Deals@Pipelines"].navs["LossReasons"] = self.backref("Deals@LossReasons", "PipelineId")
        t["Deals@Stages"].navs["Pipeline"] = self.ref("Deals@Pipelines", "PipelineId")
        t["Deals@LossReasons"].navs["Pipeline"] = self.ref("Deals@Pipelines", "PipelineId")
        t["Cities"].navs.update(State=self.ref("Cities@Countries@States", "StateId"),
                                Country=self.ref("Cities@Countries", "CountryId"))
        t["Cities@Countries"].navs["States"] = self.backref("Cities@Countries@States", "CountryId")
        t["Cities@Countries@States"].navs["Country"] = self.ref("Cities@Countries", "CountryId")
        t["Fields"].navs.update(Type=self.ref("Fields@Types", "TypeId"),
                                OptionsTable=self.ref("Fields@OptionsTables", "OptionsTableId"),
                                Entity=self.ref("Fields@Entities", "EntityId"))
        t["Fields@OptionsTables"].navs["Options"] = self.backref("Fields@OptionsTables@Options", "TableId")
        t["Fields@OptionsTables@Options"].navs["Table"] = self.ref("Fields@OptionsTables", "TableId")
        t["Products@Groups"].navs.update(Family=self.ref("Products@Families", "FamilyId"),
                                         OtherProperties=self.nothing("OtherProperty:GroupId"))
        t["Products@Families"].navs.update(Groups=self.backref("Products@Groups", "FamilyId"),
                                           OtherProperties=self.nothing("OtherProperty:FamilyId"))
        t["TeamUser"] = EntityType(("Id", "TeamId", "UserId"), {"User": self.ref("Users", "UserId")})
        t["Teams"].navs["Users"] = Nav("TeamUser", True, self.backref(
            "_TeamUsers", "TeamId", self.hidden["_TeamUsers"]).resolve)
        t["AutomationAction"] = EntityType(("Id", "AutomationId", "ActionId", "Ordination", "Parameters"),
                                           {"Action": self.ref("Automations@Actions@Actions", "ActionId")})
        t["Automations"].navs.update(
            Actions=Nav("AutomationAction", True, self.backref(
                "_AutomationActions", "AutomationId", self.hidden["_AutomationActions"]).resolve),
            Trigger=self.ref("Automations@Triggers", "TriggerId"), Creator=self.ref("Users", "CreatorId"))
        t["Tags"].navs["Entity"] = self.ref("Fields@Entities", "EntityId")

    def type_of(self, set_name):
        """The entity type served by a set."""
        return self.set_types[set_name]
