"""Scalar properties of every generated record type, in the reference's order.

Every record carries all of them, ``null`` when empty (the API sends explicit nulls).
"""


def _props(text):
    return tuple(text.split())


CONTACT = _props("""
    Id TypeId Name LegalName Register CNPJ CPF IdentityDocument StatusId CompanyId LastCompanyId
    OwnerId OriginId RelationshipId LineOfBusinessId NumberOfEmployeesId ClassId RoleId
    DepartmentId Email Website Skype Facebook Note Birthday NextAnniversary PreviousAnniversary
    StreetAddress StreetAddressNumber StreetAddressLine2 Neighborhood ZipCode ForeignZipCode
    CityId StateId CountryId CurrencyId EmailMarketing HasConsent CNAECode CNAEName CNAESecondary
    Latitude Longitude AvatarUrl Key LeadId LastInteractionRecordId LastDealId LastOrderId
    LastDocumentId FirstTaskId FirstTaskDate HasScheduledTasks TasksOrdination ImportId
    CreateImportationId UpdateImportationId ImportationIdCreate ImportationIdUpdate
    PublicFormIdCreate PublicFormIdUpdate Editable Deletable CreatorId UpdaterId CreateDate
    LastUpdateDate""")
PHONE = _props("Id ContactId PhoneNumber SearchPhoneNumber TypeId CountryId")
USER = _props("""
    Id Name Email Suspended ProfileId RoleId Phone AvatarUrl Facebook LinkedIn Birthday Language
    LanguageId Integration NativeIntegration AccountOwner LastLogin LastSeen LastSeenRoute
    LastSeenPlatform UserKey CreatorId UpdaterId CreateDate UpdateDate LastUpdateDate Editable""")
DEAL = _props("""
    Id Title ContactId ContactName PersonId PersonName PipelineId StageId StatusId LossReasonId
    OwnerId Amount CurrencyId StartAmount StartCurrencyId StartDate FinishDate OriginId DealNumber
    DaysInStage HoursInStage Length LastStageId LastQuoteId IsLastQuoteApproved WonQuoteId
    LastOrderId LastDocumentId LastInteractionRecordId FirstTaskId FirstTaskDate FirstTaskNoTime
    HasScheduledTasks TasksOrdination ContactProductId LeadId OriginDealId Read ReevId Editable
    Deletable CreatorId UpdaterId CreateDate LastUpdateDate CreateImportId UpdateImportId
    ImportationIdCreate ImportationIdUpdate PublicFormIdCreate PublicFormIdUpdate""")
PRODUCT = _props("""
    Id Name Code GroupId FamilyId MeasurementUnit UnitPrice CurrencyId ImageUrl Suspended Editable
    Deletable CreatorId UpdaterId CreateDate LastUpdateDate CreateImportId UpdateImportId""")
PRODUCT_GROUP = _props("Id Name FamilyId FixedPrice Default LastUpdateDate")
PRODUCT_FAMILY = _props("Id Name LastUpdateDate")
PRODUCT_PART = _props("""
    Id ProductId ProductPartId GroupId GroupPartId ListPartId Default Required MinimumQuantity
    MaximumQuantity DefaultQuantity CurrencyId MinimumUnitPrice MaximumUnitPrice DefaultUnitPrice
    LastUpdateDate""")
QUOTE = _props("""
    Id QuoteNumber ReviewNumber LastReview LastReviewId DealId ContactId ContactName PersonId
    PersonName OwnerId Date ExpirationDate Amount Discount CurrencyId ApprovalStatusId
    ApprovalLevelId Approver TemplateId DocumentUrl Title Description Notes DeliveryTime
    PaymentMethod InstallmentsNumber FreightModal FreightCost ExternallyAccepted
    ExternalSharingDate LastExternallyOpeningDate Shared Key CreatorId UpdaterId CreateDate
    LastUpdateDate Editable""")
QUOTE_SECTION = _props("Id QuoteId Code Discount CurrencyId Total")
QUOTE_PRODUCT = _props("""
    Id QuoteId SectionId DealId ContactId OwnerId QuoteDate ProductId ProductName Quantity
    UnitPrice Discount Total CurrencyId ContactProductId Ordination""")
LINE_PART = _props("Id PartId ProductId ProductName Code Quantity UnitPrice Discount Total")
ORDER = _props("""
    Id OrderNumber Date ContactId ContactName PersonId PersonName DealId StageId Amount Discount
    CurrencyId OwnerId TemplateId Description InternalComments DocumentUrl OriginQuoteId AgentId
    Commission CommissionAmount ApprovalStatusId ApprovalLevelId ExternallyAccepted Key Shared
    CreatorId UpdaterId CreateDate LastUpdateDate Editable Deletable""")
ORDER_SECTION = _props("Id OrderId Code Discount CurrencyId Total")
ORDER_PRODUCT = _props("""
    Id OrderId SectionId DealId ContactId OwnerId OrderDate ProductId ProductName Quantity
    UnitPrice Discount Total CurrencyId ContactProductId Bonus Ordination""")
TASK = _props("""
    Id Title Description TypeId DateTime EndTime NoTime Length Finished FinishDate FinisherId
    ContactId ContactName DealId OwnerId Address Latitude Longitude RepeatIntervalLength
    RepeatIntervalUnitId OriginTaskId EmailReminderId InteractionRecordId CreatorId UpdaterId
    CreateDate LastUpdateDate Editable Finishable""")
TASK_USER = _props("Id TaskId UserId")
TASK_CONTACT = _props("Id TaskId ContactId Name Email")
INTERACTION = _props("""
    Id ContactId DealId Date Content TypeId Length OriginalTaskId TotalVoiceCallId Latitude
    Longitude VerifiedCheckIn CreatorId UpdaterId CreateDate LastUpdateDate Editable""")
EMAIL = _props("""
    Id Subject Body From FromName To Cc Date Incoming StatusId ContactId DealId MessageId
    InReplyTo ReplyToEmailId ThreadId CreatorId CreateDate LastUpdateDate""")
ATTACHMENT = _props("""
    Id ItemId EntityId ContactId DealId OrderId QuoteId TaskId InteractionRecordId EmailId LeadId
    DocumentId ProductId FileName ContentType ContentLength Url Listable IsSensitiveData
    CreatorId""")


def blank(props):
    """A record with every property present and null."""
    return dict.fromkeys(props)
