//! Chapter "how we store your personal information": place, retention, cross-border,
//! backups and the end of the service.

catalogue! {
    SEC_LOCATION = "存储地点" / "Where we store it";
    STORAGE_PLACE = "我们在运营中收集和产生的个人信息存储于{place}。" / "The personal information we collect and generate in our operations is stored in {place}.";

    SEC_RETENTION = "保存期限" / "How long we keep it";
    RETENTION_INTRO = "我们仅在实现处理目的所必要的最短时间内保存您的个人信息，法律、行政法规另有规定的除外。各处理目的的保存期限如下：" / "We keep your personal information only for the shortest time the purpose needs, unless laws or administrative regulations require longer. The retention periods are:";
    COL_PURPOSE = "处理目的" / "Purpose";
    COL_RETENTION = "保存期限" / "Retention period";
    COL_AT_END = "期限届满后" / "At the end";
    COL_LEGAL = "法定要求" / "Legal requirement";
    RETENTION_FROM = "{start}{period}" / "{period} {start}";
    RETENTION_AT_LEAST = "不少于{period}" / "at least {period}";
    RETENTION_KEPT = "长期保存" / "No fixed end";
    RETENTION_HOLD = "法律、行政法规规定的保存期限未届满，或者删除个人信息从技术上难以实现的，我们会停止除存储和采取必要的安全保护措施之外的处理。" / "Where a retention period set by law has not yet ended, or deletion is technically infeasible, we stop all processing other than storage and necessary security measures.";

    SEC_CROSS_BORDER = "个人信息出境" / "Transfers outside mainland China";
    XB_NONE = "我们不会向中华人民共和国境外提供您的个人信息。" / "We do not provide your personal information outside mainland China.";
    XB_FUTURE = "如确需向境外提供，我们会事先告知您境外接收方的情况并取得您的单独同意，并依法履行安全评估、标准合同或者认证等程序。" / "Should that ever be necessary, we will first tell you about the overseas recipient, ask for your separate consent, and complete the security assessment, standard contract or certification the law requires.";
    XB_STORAGE = "您的个人信息存储于中华人民共和国境外：{places}。" / "Your personal information is stored outside mainland China: {places}.";
    XB_STORAGE_POSSIBLE = "您的个人信息可能存储于中华人民共和国境外：{places}。" / "Your personal information may be stored outside mainland China: {places}.";
    XB_MECHANISM = "出境依据：{mechanism}。" / "Legal mechanism: {mechanism}.";
    XB_SEPARATE = "我们会在出境前取得您的单独同意。" / "We ask for your separate consent before the transfer.";
    XB_RECIPIENTS = "我们向以下境外接收方提供您的个人信息：" / "We provide your personal information to the following recipients outside mainland China:";
    XB_RIGHTS = "您可以通过以下方式向境外接收方行使本政策所述的权利：{how}。" / "You can exercise the rights described in this policy against the recipient as follows: {how}.";
    COL_MECHANISM = "出境依据" / "Legal mechanism";
    COL_RIGHTS_HOW = "向其行使权利的方式" / "How to exercise your rights against it";
    XB_STANDARD = "我们会采取必要措施，保障在中华人民共和国境外处理个人信息的活动达到中华人民共和国法律规定的个人信息保护标准。" / "We take the necessary measures to ensure that personal information processed outside mainland China is protected to the standard Chinese law requires.";

    SEC_BACKUPS = "备份" / "Backups";
    BACKUPS = "您的个人信息被删除后，可能仍会在备份系统中保留一段时间，我们会在{time}内将其从备份系统中清除。" / "After your personal information is deleted it may remain in backups for a while; we remove it from the backups within {time}.";

    SEC_TERMINATION = "停止运营" / "If we stop the service";
    TERM_STOP = "如我们停止运营本产品，我们会立即停止收集您的个人信息。" / "If we stop operating the Product, we stop collecting your personal information at once.";
    TERM_NOTICE_BY = "我们会至少提前{notice}通过{channels}将停止运营的决定通知您。" / "We will tell you at least {notice} in advance, by {channels}.";
    TERM_NOTICE = "我们会至少提前{notice}将停止运营的决定通知您。" / "We will tell you at least {notice} in advance.";
    TERM_BY = "我们会通过{channels}将停止运营的决定通知您。" / "We will tell you by {channels}.";
    TERM_THEN = "停止运营后，我们会对所持有的您的个人信息进行{disposal}。" / "After the service stops, the personal information we hold about you is {disposal}.";
}
