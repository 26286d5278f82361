//! Chapter "how we collect and use your personal information".

catalogue! {
    COLLECT_INTRO = "我们仅会出于本政策所述的目的，收集和使用实现该目的所必需的个人信息。" / "We collect and use only the personal information needed for the purposes described in this policy.";

    SEC_OVERVIEW = "业务功能与个人信息一览" / "Functions and the personal information they use";
    OVERVIEW_INTRO = "下表列明您使用本产品各项业务功能时我们收集的个人信息及其处理目的，敏感个人信息以粗体标示。" / "The table below lists, for each function of the Product, the personal information we collect and why. Sensitive personal information is shown in bold.";
    COL_SCENARIO = "业务功能场景" / "Function";
    COL_FIELDS = "收集的个人信息" / "Personal information collected";
    COL_PERMISSIONS = "申请的设备权限" / "Device permissions";
    COL_PURPOSES = "处理目的" / "Purposes";
    NO_PERMISSION = "不申请权限" / "No permission";

    SEC_BASIC = "基本业务功能" / "Basic functions";
    BASIC_INTRO = "基本业务功能是实现本产品主要服务所必需的功能。如您拒绝提供基本业务功能所必需的个人信息，我们将无法向您提供相应的服务。" / "Basic functions are the functions needed to provide the Product's main service. If you refuse to provide the personal information a basic function needs, we cannot provide that service to you.";
    SEC_ADDITIONAL = "扩展业务功能" / "Additional functions";
    ADDITIONAL_INTRO = "扩展业务功能是基本业务功能以外、用于改善您的使用体验的功能。您可以选择是否提供扩展业务功能所需的个人信息；拒绝提供或者撤回同意仅会使您无法使用相应的扩展业务功能，不会影响您使用基本业务功能。" / "Additional functions improve your experience beyond the basic functions. You choose whether to provide the personal information they need; refusing or withdrawing consent only means that you cannot use that additional function, and never affects the basic functions.";

    PURPOSE_FIELDS = "为此，我们会处理以下个人信息：{fields}。" / "For this we process the following personal information: {fields}.";
    PURPOSE_BASIS = "处理的合法性基础：{basis}。" / "Legal basis: {basis}.";
    PURPOSE_SEPARATE = "我们会在您使用该功能前单独征得您的同意。" / "We ask for your separate consent before you use this function.";
    PURPOSE_WITHDRAW = "您可以通过“{path}”撤回同意。" / "You can withdraw your consent at “{path}”.";
    PURPOSE_AUTOMATED = "该功能涉及自动化决策：{text}。" / "This function uses automated decision-making: {text}.";
    PURPOSE_PERSONALISED = "该功能会根据您的个人特征向您提供个性化的内容，您可以按照本政策“您的权利及行使方式”部分的说明关闭。" / "This function personalises content from your characteristics; you can turn personalisation off as described under “Your rights and how to exercise them”.";

    SENSITIVE_NOTE = "{field}属于敏感个人信息。" / "Sensitive personal information: {field}.";
    SENSITIVE_NECESSITY = "处理的必要性：{text}。" / "Why it is necessary: {text}.";
    SENSITIVE_IMPACT = "对您个人权益的影响：{text}。" / "Impact on your rights and interests: {text}.";

    RETENTION_PERIOD = "保存期限：{start}{period}。" / "Retention: {period} {start}.";
    RETENTION_INDEFINITE = "保存期限：长期保存。" / "Retention: kept with no fixed end.";
    RETENTION_METHOD = "保存期限的确定方式：{method}。" / "How the retention period is determined: {method}.";
    RETENTION_LEGAL = "法定要求：{rule}。" / "Legal requirement: {rule}.";
    RETENTION_THEN = "期限届满后，我们会对上述信息进行{disposal}。" / "When the period ends, the information is {disposal}.";
    RETENTION_THEN_FLOOR = "不再需要保存时，我们会对上述信息进行{disposal}。" / "Once it no longer needs to be kept, the information is {disposal}.";

    SEC_NO_CONSENT = "依法无需取得您同意的处理" / "Processing that does not require your consent";
    NO_CONSENT_INTRO = "根据《中华人民共和国个人信息保护法》第十三条，以下处理活动依据同意以外的合法性基础进行，无需取得您的同意：" / "Under Article 13 of the Personal Information Protection Law, the following processing relies on a legal basis other than consent and does not require your consent:";
    NO_CONSENT_ITEM = "{purpose}：{basis}。" / "{purpose}: {basis}.";

    SEC_PERMISSIONS = "设备权限" / "Device permissions";
    PERMISSIONS_INTRO = "为提供相关功能，我们会在您使用该功能时申请以下设备权限。您可以拒绝授权，也可以随时在设备的系统设置中关闭已授予的权限；关闭后，我们将不再通过该权限收集个人信息，但不影响此前基于您的授权已进行的处理。" / "To provide some functions, we ask for the following device permissions when you use those functions. You can refuse, and you can turn a granted permission off at any time in your device's settings; we then stop collecting personal information through it, which does not affect processing already done with your permission.";
    COL_PERMISSION = "权限" / "Permission";
    COL_PERMISSION_PURPOSE = "用途" / "Used for";
    COL_USED_IN = "使用场景" / "Used in";
    COL_TURN_OFF = "关闭方式" / "How to turn it off";
}
