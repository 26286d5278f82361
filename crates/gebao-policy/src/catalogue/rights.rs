//! Chapter "your rights and how to exercise them".

catalogue! {
    RIGHTS_INTRO = "根据《中华人民共和国个人信息保护法》等法律法规，您对您的个人信息享有以下权利。" / "Under the Personal Information Protection Law and other laws and regulations, you have the following rights over your personal information.";

    RIGHT_ACCESS_TITLE = "查阅您的个人信息" / "Access your personal information";
    RIGHT_ACCESS = "您有权查阅我们处理的您的个人信息。" / "You have the right to see the personal information we process about you.";
    RIGHT_COPY_TITLE = "复制您的个人信息" / "Get a copy of your personal information";
    RIGHT_COPY = "您有权复制您的个人信息，获取个人信息副本。" / "You have the right to a copy of your personal information.";
    RIGHT_PORTABILITY_TITLE = "转移您的个人信息" / "Move your personal information";
    RIGHT_PORTABILITY = "符合国家网信部门规定条件的，您有权请求将您的个人信息转移至您指定的个人信息处理者。" / "Where the conditions set by the national cyberspace authority are met, you have the right to have your personal information transferred to a processor you name.";
    PORTABILITY_CONDITIONS = "转移需满足以下条件：" / "Transfer is possible when these conditions are met:";
    RIGHT_CORRECTION_TITLE = "更正、补充您的个人信息" / "Correct or complete your personal information";
    RIGHT_CORRECTION = "您发现您的个人信息不准确或者不完整的，有权请求我们更正、补充。" / "If your personal information is inaccurate or incomplete, you have the right to have it corrected or completed.";
    RIGHT_DELETION_TITLE = "删除您的个人信息" / "Delete your personal information";
    RIGHT_DELETION = "有下列情形之一的，我们会主动删除您的个人信息；我们未删除的，您有权请求删除：" / "We delete your personal information on our own initiative in the following cases; if we have not done so, you have the right to ask us to:";
    DELETION_PURPOSE = "处理目的已实现、无法实现或者为实现处理目的不再必要" / "the purpose has been achieved or cannot be achieved, or the information is no longer needed for it";
    DELETION_STOPPED = "我们停止提供产品或者服务，或者保存期限已届满" / "we stop providing the product or service, or the retention period has ended";
    DELETION_WITHDRAWN = "您撤回同意" / "you withdraw your consent";
    DELETION_UNLAWFUL = "我们违反法律、行政法规或者违反约定处理个人信息" / "we process personal information in breach of laws, administrative regulations or our agreement with you";
    DELETION_OTHER = "法律、行政法规规定的其他情形" / "other cases provided by laws and administrative regulations";
    RIGHT_RESTRICTION_TITLE = "限制或者拒绝处理" / "Restrict or refuse processing";
    RIGHT_RESTRICTION = "您有权限制或者拒绝我们对您的个人信息进行处理，法律、行政法规另有规定的除外。" / "You have the right to restrict or refuse our processing of your personal information, unless laws or administrative regulations provide otherwise.";
    RIGHT_WITHDRAWAL_TITLE = "撤回同意" / "Withdraw your consent";
    RIGHT_WITHDRAWAL = "对于基于您的同意进行的处理，您有权随时撤回同意。撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力。" / "Where we process personal information on the basis of your consent, you can withdraw that consent at any time. Withdrawal does not affect processing carried out with your consent before you withdrew it.";
    WITHDRAWAL_PATHS = "各项功能的撤回方式如下：" / "Where to withdraw consent for each function:";
    RIGHT_CANCELLATION_TITLE = "注销账号" / "Cancel your account";
    RIGHT_CANCELLATION = "您有权注销您的账号。注销账号是不可逆的操作，注销后我们将停止为您提供产品或者服务。" / "You have the right to cancel your account. Cancellation cannot be undone; afterwards we stop providing the product or service to you.";
    CANCEL_CONDITIONS = "注销账号需满足以下条件：" / "To cancel your account:";
    CANCEL_BLOCKERS = "存在以下情形的，请您先处理完毕再申请注销：" / "If any of the following applies, please settle it before asking to cancel:";
    CANCEL_ERASE = "账号注销后，我们会在{time}内删除您的个人信息或者对其进行匿名化处理，法律、行政法规另有规定的除外。" / "After cancellation we delete or anonymise your personal information within {time}, unless laws or administrative regulations provide otherwise.";
    CANCEL_ERASE_NOW = "账号注销后，我们会立即删除您的个人信息或者对其进行匿名化处理，法律、行政法规另有规定的除外。" / "After cancellation we immediately delete or anonymise your personal information, unless laws or administrative regulations provide otherwise.";
    RIGHT_EXPLANATION_TITLE = "要求解释说明" / "Ask for an explanation";
    RIGHT_EXPLANATION = "您有权要求我们对我们的个人信息处理规则进行解释说明。" / "You have the right to ask us to explain our rules for processing personal information.";
    RIGHT_COMPLAINT_TITLE = "投诉举报" / "Complain";
    RIGHT_COMPLAINT = "您有权就我们的个人信息处理活动进行投诉、举报。" / "You have the right to complain about or report our processing of personal information.";
    COMPLAINT_CHANNELS = "投诉举报渠道：" / "Complaint channels:";

    RIGHT_CHANNEL = "您可以通过“{channel}”行使该权利。" / "You can exercise this right at “{channel}”.";
    RIGHT_SELF_SERVICE = "您可以自行操作，无需等待我们处理。" / "You can do this yourself, without waiting for us.";
    RIGHT_DEADLINE = "我们会在收到您的请求后{time}内答复。" / "We reply within {time} of receiving your request.";
    RIGHT_DEADLINE_ASSIST = "如需我们协助，我们会在收到您的请求后{time}内答复。" / "If you need our help, we reply within {time} of receiving your request.";
    RIGHT_DEADLINE_VERIFIED = "我们会在验证您的身份后{time}内答复。" / "We reply within {time} of verifying your identity.";
    RIGHT_DEADLINE_VERIFIED_ASSIST = "如需我们协助，我们会在验证您的身份后{time}内答复。" / "If you need our help, we reply within {time} of verifying your identity.";
    RIGHT_DEADLINE_NOW = "我们会在收到您的请求后立即答复。" / "We reply as soon as we receive your request.";
    RIGHT_DEADLINE_VERIFIED_NOW = "我们会在验证您的身份后立即答复。" / "We reply as soon as we have verified your identity.";

    SEC_ADM = "自动化决策" / "Automated decision-making";
    ADM_INTRO = "我们在以下功能中利用您的个人信息进行自动化决策：" / "We use your personal information for automated decision-making in the following functions:";
    ADM_FAIR = "我们保证自动化决策的透明度和结果公平、公正，不会对您在交易价格等交易条件上实行不合理的差别待遇。" / "We keep automated decisions transparent and their results fair, and we never treat you unreasonably differently in prices or other terms of a transaction.";
    ADM_EXPLAIN = "您可以通过“{path}”了解其说明。" / "You can read how it works at “{path}”.";
    ADM_OPT_OUT = "您可以通过“{path}”拒绝或者关闭。" / "You can refuse it or turn it off at “{path}”.";
    ADM_IMMEDIATE = "关闭后立即生效。" / "Turning it off takes effect at once.";
    ADM_NON_PERSONAL = "我们同时提供不针对您个人特征的选项。" / "We also offer an option that is not based on your personal characteristics.";
    ADM_TAGS = "您可以查看、选择或者删除用于该功能的用户标签。" / "You can see, choose or delete the user tags it uses.";
    ADM_SIGNIFICANT = "通过自动化决策作出对您个人权益有重大影响的决定的，您有权要求我们予以说明，并有权拒绝我们仅通过自动化决策的方式作出决定。" / "Where an automated decision significantly affects your rights and interests, you have the right to ask us to explain it and to refuse a decision made solely by automated means.";
    ADM_FILING = "算法备案编号：{number}。" / "Algorithm filing number: {number}.";

    SEC_REQUESTS = "我们如何响应您的请求" / "How we handle your requests";
    REQ_VERIFY = "为保障您的账号安全，我们在处理您的请求前可能会先验证您的身份。" / "To keep your account safe, we may verify your identity before acting on a request.";
    REQ_FREE = "对于您合理的请求，我们原则上不收取费用。" / "We do not normally charge for reasonable requests.";
    REQ_REPEAT_CHARGE = "同类请求在{period}内超过{free}次的，我们会视情况收取{fee}。" / "For more than {free} requests of the same kind within {period}, we may charge {fee}.";
    REQ_REPEAT_REFUSE = "同类请求在{period}内超过{free}次的，我们可能予以拒绝并说明理由。" / "We may refuse more than {free} requests of the same kind within {period}, and will tell you why.";
    FEE_COST = "处理请求的成本费用" / "the cost of handling them";
    FEE_OTHER = "一定的费用" / "a fee";
    REQ_REFUSE_INTRO = "在以下情形中，我们可能无法响应您的请求：" / "We may be unable to act on a request when:";
    REFUSE_IDENTITY = "无法验证您的身份" / "we cannot verify your identity";
    REFUSE_OTHERS = "响应请求将泄露他人的个人信息或者损害他人的合法权益" / "acting on it would reveal another person's personal information or harm their lawful rights";
    REFUSE_LEGAL = "法律、行政法规规定我们须继续保存相关信息" / "laws or administrative regulations require us to keep the information";
    REFUSE_STATE = "与国家安全、公共安全、公共卫生、刑事侦查、起诉、审判和判决执行等直接相关" / "it is directly related to national security, public safety, public health, or criminal investigation, prosecution, trial or enforcement of judgments";
    REQ_REFUSE_REASON = "我们拒绝您的请求时，会向您说明理由。" / "If we refuse a request, we tell you why.";

    SEC_DECEASED = "已故用户的个人信息" / "Deceased users";
    DECEASED = "用户不幸去世的，其近亲属为了自身的合法、正当利益，可以对死者的相关个人信息行使查阅、复制、更正、删除等权利，死者生前另有安排的除外。" / "If a user dies, their close relatives may, for their own lawful and legitimate interests, access, copy, correct or delete the deceased's personal information, unless the deceased arranged otherwise.";
    DECEASED_CHANNEL = "近亲属可以通过“{channel}”提出请求。" / "Close relatives can make the request at “{channel}”.";
}
