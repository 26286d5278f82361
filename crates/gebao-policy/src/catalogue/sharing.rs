//! Chapter "how we share, entrust, transfer and publicly disclose your personal information",
//! and the columns of the sharing list.

catalogue! {
    SHARING_INTRO = "我们仅在实现本政策所述目的所必需的范围内向他人提供您的个人信息，并要求接收方采取严格的保护措施。" / "We provide your personal information to others only as far as the purposes in this policy require, and we require recipients to protect it strictly.";
    SHARING_NONE = "我们不会向其他个人信息处理者提供您的个人信息，也不会委托他人处理您的个人信息。" / "We do not provide your personal information to other processors, and we do not entrust anyone with processing it.";
    SHARING_LAW = "在为履行法定职责或者法定义务所必需等法律、行政法规规定的情形下，我们可能依法提供您的个人信息而无需取得您的同意。" / "Where laws or administrative regulations so provide, for example where it is necessary to fulfil a statutory duty or obligation, we may provide your personal information without your consent.";
    SHARING_DELETION = "您要求删除个人信息时，我们会通知从我们这里获得您个人信息的接收方一并删除。" / "When you ask us to delete your personal information, we tell every recipient that received it from us to delete it too.";

    SEC_SHARE = "向其他个人信息处理者提供" / "Providing to other processors";
    SHARE_INTRO = "我们会向以下个人信息处理者提供您的个人信息，它们将以自己的名义处理这些信息。" / "We provide your personal information to the following processors, which process it in their own name.";
    SHARE_SEPARATE = "在提供前，我们会向您告知接收方的名称、联系方式、处理目的、处理方式和个人信息的种类，并取得您的单独同意。" / "Before doing so we tell you the recipient's name, contact details, purpose, processing method and the kinds of personal information involved, and we ask for your separate consent.";

    SEC_SDK = "第三方SDK" / "Third-party SDKs";
    SDK_INTRO = "为实现部分功能，本产品中嵌入了以下第三方软件开发工具包（SDK）。SDK的提供方会按照下表所列的目的和方式处理您的个人信息。" / "To provide some functions, the Product embeds the following third-party software development kits (SDKs). Their providers process your personal information for the purposes and in the ways listed below.";
    SDK_POLICIES = "详情请阅读下表所列的SDK隐私政策。" / "For details, see the SDK privacy policies linked in the table.";
    SDK_SEPARATE = "在SDK收集您的个人信息前，我们会取得您的单独同意。" / "We ask for your separate consent before an SDK collects your personal information.";

    SEC_ENTRUSTED = "委托处理" / "Entrusted processing";
    ENTRUSTED_INTRO = "我们委托以下受托方代表我们处理您的个人信息。我们与受托方约定委托处理的目的、期限、处理方式、个人信息的种类和保护措施，并对其处理活动进行监督；受托方不得超出约定处理您的个人信息。" / "We entrust the following processors with processing your personal information on our behalf. We agree with each of them on the purpose, term, method, kinds of personal information and protection measures, and we supervise their processing; they may not process your personal information beyond what we agreed.";
    ON_END_RETURN = "返还个人信息" / "Personal information returned";
    ON_END_DELETE = "删除个人信息" / "Personal information deleted";

    SEC_TRANSFER = "转让" / "Transfer";
    TRANSFER_TRIGGERS = "因合并、分立、解散、被宣告破产等原因需要转移您的个人信息的，我们会向您告知接收方的名称或者姓名和联系方式。" / "If your personal information has to be transferred because of a merger, division, dissolution, bankruptcy or a similar reason, we will tell you the recipient's name and contact details.";
    TRANSFER_NOTIFY_BEFORE = "我们会在转移前通知您。" / "We will tell you before the transfer.";
    TRANSFER_DUTY = "接收方应当继续履行个人信息处理者的义务。" / "The recipient must continue to meet our obligations as a personal information processor.";
    TRANSFER_RECONSENT = "接收方变更原先的处理目的、处理方式的，应当重新取得您的同意。" / "If the recipient changes the original purpose or method of processing, it must ask for your consent again.";
    TRANSFER_OTHERWISE = "除上述情形外，我们不会转让您的个人信息。" / "Apart from that, we do not transfer your personal information.";

    SEC_DISCLOSURE = "公开披露" / "Public disclosure";
    DISCLOSURE_NONE = "我们不会公开披露您的个人信息，法律、行政法规另有规定的除外。" / "We do not publicly disclose your personal information unless laws or administrative regulations require it.";
    DISCLOSURE_SEPARATE_INTRO = "我们仅在取得您的单独同意后，公开披露以下个人信息：" / "We publicly disclose the following personal information only with your separate consent:";
    DISCLOSURE_INTRO = "我们会公开披露以下个人信息：" / "We publicly disclose the following personal information:";

    COL_RECIPIENT = "名称" / "Name";
    COL_KIND = "类型" / "Type";
    COL_COMPANY = "提供方" / "Company";
    COL_RECIPIENT_PURPOSE = "目的" / "Purpose";
    COL_RECIPIENT_FIELDS = "个人信息" / "Personal information";
    COL_METHOD = "处理方式" / "Processing method";
    COL_LOCATION = "处理地点" / "Location";
    COL_CONTACT = "联系方式" / "Contact";
    COL_POLICY = "隐私政策" / "Privacy policy";
    COL_SEPARATE = "单独同意" / "Separate consent";
    COL_TERM = "委托期限" / "Term";
    COL_ON_END = "委托结束后" / "When the entrustment ends";
}
