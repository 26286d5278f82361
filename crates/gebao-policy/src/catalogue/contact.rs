//! Chapter "how to contact us" (PIPL 17(1), 50, 52, 53).

catalogue! {
    CONTACT_INTRO = "如您对本政策或者您的个人信息有任何疑问、意见或者建议，可以通过以下方式与我们联系：" / "If you have any question, comment or suggestion about this policy or your personal information, you can contact us:";
    LABEL_CONTROLLER = "个人信息处理者" / "Personal information processor";
    LABEL_ADDRESS = "地址" / "Address";
    CONTACT_OFFICER = "我们指定{officer}负责个人信息保护工作，您可以通过以下方式与其联系：" / "{officer} is responsible for personal information protection; you can reach them as follows:";
    CONTACT_REPRESENTATIVE = "我们在中华人民共和国境内的代表为{name}，您可以通过以下方式与其联系：" / "Our representative in mainland China is {name}; you can reach them as follows:";
    CONTACT_COMPLAINTS = "如需投诉或者举报，您可以通过以下渠道联系我们：" / "To make a complaint or report a concern, use:";
    CONTACT_REPLY = "我们会在收到您的问题后{time}内答复。" / "We reply within {time} of receiving your question.";
    CONTACT_REPLY_VERIFIED = "我们会在验证您的身份后{time}内答复您的问题。" / "We reply to your question within {time} of verifying your identity.";
    CONTACT_REPLY_NOW = "我们会在收到您的问题后立即答复。" / "We reply as soon as we receive your question.";
    CONTACT_REPLY_VERIFIED_NOW = "我们会在验证您的身份后立即答复您的问题。" / "We reply to your question as soon as we have verified your identity.";
    CONTACT_REMEDY = "如您对我们的答复不满意，或者认为我们的个人信息处理活动损害了您的合法权益，您可以向网信、电信、公安、市场监管等履行个人信息保护职责的部门投诉、举报；我们拒绝您行使权利的请求的，您可以依法向人民法院提起诉讼。" / "If you are not satisfied with our reply, or believe that our processing harms your lawful rights, you can complain to the authorities responsible for personal information protection, such as the cyberspace, telecommunications, public security and market regulation authorities; if we refuse a request to exercise your rights, you can sue in a people's court.";
}
