//! The three lists: personal information collection list, third-party sharing list and app
//! permission list (NDSMR; GB/T 41391; NOT-09).

catalogue! {
    COLLECTION_TITLE = "{product}个人信息收集清单" / "{product}: Personal Information Collection List";
    COLLECTION_INTRO = "本清单列明{product}收集的个人信息，是《{policy}》的组成部分。" / "This list sets out the personal information that {product} collects. It forms part of the {policy}.";
    COLLECTION_EMPTY = "本产品不收集个人信息。" / "The Product collects no personal information.";
    COL_FIELD = "个人信息" / "Personal information";
    COL_CATEGORY = "类别" / "Category";
    COL_SENSITIVE = "敏感个人信息" / "Sensitive";
    COL_SOURCE = "收集方式" / "How it is collected";
    COL_SCENARIOS = "业务功能场景" / "Functions";

    SHARING_TITLE = "{product}第三方共享个人信息清单" / "{product}: Third-Party Sharing List";
    SHARING_LIST_INTRO = "本清单列明{product}向第三方提供、委托第三方处理的个人信息，以及嵌入的第三方SDK收集的个人信息，是《{policy}》的组成部分。" / "This list sets out the personal information that {product} provides to third parties or entrusts them with, and that embedded third-party SDKs collect. It forms part of the {policy}.";
    SHARING_LIST_EMPTY = "我们不向第三方提供您的个人信息，也未嵌入收集个人信息的第三方SDK。" / "We do not provide your personal information to third parties, and no embedded third-party SDK collects it.";
    SEC_LIST_OTHERS = "其他个人信息处理者" / "Other processors";
    SEC_LIST_DISCLOSURE = "公开披露" / "Public disclosure";

    PERMISSIONS_TITLE = "{product}应用权限列表" / "{product}: App Permission List";
    PERMISSIONS_LIST_INTRO = "本列表列明{product}可能申请的设备权限及其用途，是《{policy}》的组成部分。我们仅在您使用相关功能时申请权限，您可以拒绝，也可以随时在系统设置中关闭。" / "This list sets out the device permissions {product} may ask for and what they are used for. It forms part of the {policy}. We ask for a permission only when you use the function that needs it; you can refuse, and you can turn it off at any time in your device's settings.";
    PERMISSIONS_LIST_EMPTY = "本产品不申请任何设备权限。" / "The Product asks for no device permissions.";
    COL_PLATFORMS = "适用平台" / "Platforms";
    COL_PROMPT = "申请时的提示" / "What we show when asking";
}
