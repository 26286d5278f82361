//! Chapter "how we use cookies and similar technologies".

catalogue! {
    COOKIES_INTRO = "Cookie是网站保存在您浏览器中的小型文本文件，本地存储、像素标签等是与之类似的技术。下文按类别说明我们使用的Cookie及同类技术。" / "Cookies are small text files that a website stores in your browser; local storage and pixel tags are similar technologies. Below we describe, by category, the cookies and similar technologies we use.";
    COOKIE_CATEGORY = "{category}Cookie" / "{category} cookies";
    COOKIE_STRICT = "这类Cookie是网站正常运行和保障安全所必需的，无法关闭。" / "These cookies are needed for the website to work and to stay secure; they cannot be switched off.";
    COOKIE_FUNCTIONAL = "这类Cookie用于记住您的选择和偏好，为您提供更便捷的功能。" / "These cookies remember your choices and preferences to make the website easier to use.";
    COOKIE_ANALYTICS = "这类Cookie用于统计网站的访问和使用情况，帮助我们改进服务。" / "These cookies count visits and usage so that we can improve the service.";
    COOKIE_ADVERTISING = "这类Cookie用于向您展示更相关的广告并衡量广告效果。" / "These cookies show you more relevant advertising and measure how it performs.";
    COOKIE_CONSENT = "我们仅在取得您的同意后设置这类Cookie，您可以随时撤回同意。" / "We set these cookies only after you consent, and you can withdraw your consent at any time.";
    COL_COOKIE_NAME = "名称" / "Name";
    COL_COOKIE_PROVIDER = "提供方" / "Provider";
    COL_COOKIE_PURPOSE = "用途" / "Purpose";
    COL_COOKIE_LIFETIME = "有效期" / "Lifetime";
    COOKIE_BROWSER = "您可以通过浏览器设置拒绝或删除Cookie；拒绝必要类Cookie可能导致网站的部分功能无法正常使用。" / "You can refuse or delete cookies in your browser settings; refusing strictly necessary cookies may stop parts of the website from working.";
    SEC_SIGNALS = "浏览器隐私信号" / "Browser privacy signals";
    DNT_HONOURED = "如果您的浏览器发出“请勿追踪”（Do Not Track）信号，我们会尊重该信号，不在该浏览器上设置非必要Cookie或进行跟踪。" / "If your browser sends a Do Not Track signal, we honour it: we set no non-essential cookies and do no tracking in that browser.";
    DNT_IGNORED = "目前我们不响应浏览器发出的“请勿追踪”（Do Not Track）信号。" / "We do not currently respond to Do Not Track signals.";
    GPC_HONOURED = "如果您的浏览器发出全球隐私控制（Global Privacy Control）信号，我们会尊重该信号，不在该浏览器上设置非必要Cookie或进行跟踪。" / "If your browser sends a Global Privacy Control signal, we honour it: we set no non-essential cookies and do no tracking in that browser.";
    GPC_IGNORED = "目前我们不响应浏览器发出的全球隐私控制（Global Privacy Control）信号。" / "We do not currently respond to Global Privacy Control signals.";
}
