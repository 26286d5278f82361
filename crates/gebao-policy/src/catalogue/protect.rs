//! Chapter "how we protect your personal information", incidents included.

catalogue! {
    PROTECT_INTRO = "我们采取符合业界标准的安全措施保护您的个人信息，防止其被未经授权访问、公开披露、使用、篡改、损毁或者丢失。" / "We protect your personal information with security measures that meet industry standards, against unauthorised access, disclosure, use, alteration, damage and loss.";
    PROTECT_MEASURES = "我们采取的措施包括：" / "Our measures include:";
    PROTECT_AT_REST = "敏感个人信息在存储时均经过加密。" / "Sensitive personal information is encrypted at rest.";
    PROTECT_IN_TRANSIT = "我们使用TLS等加密技术保护数据在网络传输中的安全。" / "We use TLS and similar encryption to protect data in transit.";
    PROTECT_CATEGORIES = "以下类别的个人信息在存储时也经过加密：{categories}。" / "The following kinds of personal information are also encrypted at rest: {categories}.";
    PROTECT_CERTS = "我们已取得以下认证或者测评：{certs}。" / "We hold the following certifications and assessments: {certs}.";
    PROTECT_ACCOUNT = "请您妥善保管您的账号和密码。如您发现个人信息可能已经泄露，请立即与我们联系，以便我们及时采取相应措施。" / "Please keep your account and password safe. If you find that your personal information may have leaked, contact us at once so that we can act.";

    SEC_INCIDENT = "个人信息安全事件的处置" / "Security incidents";
    INCIDENT_REMEDY = "如发生或者可能发生个人信息泄露、篡改、丢失等安全事件，我们会立即启动应急预案、采取补救措施，并依法向{regulator}报告。" / "If personal information is or may be leaked, altered or lost, we start our incident response plan at once, take remedial measures, and report to {regulator} as the law requires.";
    INCIDENT_REPORT_WITHIN = "较大及以上级别的网络安全事件，我们会在发现后{time}内报告。" / "We report incidents graded serious or above within {time} of discovering them.";
    INCIDENT_NOTIFY = "我们会通过{channels}及时告知您事件涉及的个人信息种类、原因和可能造成的危害，我们已采取的补救措施，您可以采取的减轻危害的措施，以及我们的联系方式。" / "We will promptly tell you, by {channels}, which kinds of personal information are involved, the cause and the possible harm, the remedial measures we have taken, what you can do to reduce the harm, and how to contact us.";
    INCIDENT_ANNOUNCE = "难以逐一告知时，我们会以公告的形式发布警示信息。" / "Where we cannot reach everyone individually, we publish a public notice.";
    INCIDENT_CONTACT = "安全事件处置联系方式：{contact}。" / "Incident response contact: {contact}.";
}
