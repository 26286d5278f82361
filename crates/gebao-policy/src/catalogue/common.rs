//! The policy's frame: title, dates, introduction, definitions, chapter titles, and the
//! labels shared by several chapters and lists.

catalogue! {
    TITLE_DEFAULT = "{product}个人信息保护政策" / "{product} Privacy Policy";
    META_VERSION = "版本：{version}" / "Version: {version}";
    META_VERSION_DATED = "版本：{date}版" / "Version: {date}";
    META_PUBLISHED = "发布日期：{date}" / "Published: {date}";
    META_EFFECTIVE = "生效日期：{date}" / "Effective: {date}";

    INTRO_WHO = "{product}（以下简称“本产品”）由{controller}（以下简称“我们”）运营。" / "{product} (the “Product”) is operated by {controller} (“we”, “us”).";
    INTRO_ADDRESS = "我们的地址为{address}。" / "Our address is {address}.";
    INTRO_COMMITMENT = "我们深知个人信息对您的重要性，将依照《中华人民共和国个人信息保护法》等法律法规和国家标准处理您的个人信息，并采取相应的安全保护措施。" / "We know how much your personal information matters to you. We process it in accordance with the Personal Information Protection Law of the People's Republic of China and other laws, regulations and national standards, and we protect it with appropriate security measures.";
    INTRO_SCOPE = "本政策说明我们如何收集、使用、存储、共享和保护您的个人信息，以及您享有哪些权利、如何行使这些权利。" / "This policy explains how we collect, use, store, share and protect your personal information, which rights you have, and how to exercise them.";
    INTRO_COVERS = "本政策适用于{scope}。" / "This policy applies to {scope}.";
    INTRO_READ = "请您在使用本产品前仔细阅读并充分理解本政策。敏感个人信息及与您的权益密切相关的内容以粗体标示，请您重点阅读。" / "Please read this policy carefully before you use the Product. Sensitive personal information and terms that closely affect your rights are shown in bold.";
    INTRO_URL = "本政策的最新版本发布于{url}。" / "The current version of this policy is published at {url}.";
    INTRO_PLACES = "您可以在以下位置随时查阅本政策：{places}。" / "You can read this policy at any time here: {places}.";
    INTRO_LANGUAGES = "本政策以简体中文和英文发布，两种文本不一致的，以简体中文文本为准。" / "This policy is published in Simplified Chinese and in English; if the two texts differ, the Simplified Chinese text prevails.";
    INTRO_CONTENTS = "本政策将帮助您了解以下内容：" / "This policy covers:";
    DEF_PI = "个人信息是以电子或者其他方式记录的与已识别或者可识别的自然人有关的各种信息，不包括匿名化处理后的信息。" / "Personal information is any information, recorded electronically or otherwise, that relates to an identified or identifiable natural person; it does not include anonymised information.";
    DEF_SENSITIVE = "敏感个人信息是一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害或者人身、财产安全受到危害的个人信息，包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，以及不满十四周岁未成年人的个人信息。" / "Sensitive personal information is personal information whose leak or unlawful use can easily harm a person's dignity or endanger their personal or property safety, including biometric data, religious beliefs, specific identities, medical and health data, financial accounts and whereabouts, as well as any personal information of children under 14.";

    CH_COLLECT = "我们如何收集和使用您的个人信息" / "How we collect and use your personal information";
    CH_COOKIES = "我们如何使用Cookie和同类技术" / "How we use cookies and similar technologies";
    CH_SHARING = "我们如何共享、委托处理、转让和公开披露您的个人信息" / "How we share, entrust, transfer and publicly disclose your personal information";
    CH_PROTECT = "我们如何保护您的个人信息" / "How we protect your personal information";
    CH_STORAGE = "我们如何存储您的个人信息" / "How we store your personal information";
    CH_RIGHTS = "您的权利及行使方式" / "Your rights and how to exercise them";
    CH_MINORS = "我们如何处理未成年人的个人信息" / "How we handle minors' personal information";
    CH_CHANGES = "本政策如何更新" / "How this policy changes";
    CH_CONTACT = "如何联系我们" / "How to contact us";

    TOC = "目录" / "Contents";
    YES = "是" / "Yes";
    NO = "否" / "No";
    LABELLED = "{label}：{value}" / "{label}: {value}";
    SESSION = "浏览器会话期间" / "Browser session";
    FIRST_PARTY = "我们（第一方）" / "Us (first party)";

    COUNTRY_CN = "中华人民共和国境内" / "mainland China";
    COUNTRY_UNSTATED = "未说明" / "not stated";
    NOT_STATED = "未说明" / "Not stated";
    COUNTRY_HK = "中国香港特别行政区" / "Hong Kong SAR, China";
    COUNTRY_MO = "中国澳门特别行政区" / "Macao SAR, China";
    COUNTRY_TW = "中国台湾地区" / "Taiwan, China";
    COUNTRY_US = "美国" / "the United States";
    COUNTRY_SG = "新加坡" / "Singapore";
    COUNTRY_JP = "日本" / "Japan";
    COUNTRY_KR = "韩国" / "South Korea";
    COUNTRY_DE = "德国" / "Germany";
    COUNTRY_IE = "爱尔兰" / "Ireland";
    COUNTRY_NL = "荷兰" / "the Netherlands";
    COUNTRY_GB = "英国" / "the United Kingdom";
    COUNTRY_FR = "法国" / "France";
    COUNTRY_UNNAMED = "未指明的境外国家或地区" / "a country or region outside mainland China that is not named";

    PLATFORM_ANDROID = "Android" / "Android";
    PLATFORM_IOS = "iOS" / "iOS";
    PLATFORM_HARMONYOS = "HarmonyOS" / "HarmonyOS";
    PLATFORM_WEB = "网页" / "Web";
    PLATFORM_MINI_PROGRAM = "小程序" / "Mini program";
}
