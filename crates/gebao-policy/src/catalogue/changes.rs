//! Chapter "how this policy changes", with the six major-change triggers of
//! `pipl-rules.md` part J (35273 5.5; CHG-02).

catalogue! {
    CHANGES_INTRO = "我们可能会适时修订本政策。未经您明确同意，我们不会削减您依据本政策所享有的权利。" / "We may revise this policy from time to time. We will not reduce your rights under this policy without your explicit consent.";
    CHANGES_PUBLISH = "本政策更新后，我们会在本产品中发布更新后的版本，并在其生效前提示您。" / "When we update this policy we publish the new version in the Product and point it out to you before it takes effect.";
    CHANGES_MAJOR_NOTIFY = "对于重大变更，我们会通过{channels}向您提供更为显著的通知，说明本政策的具体变更内容。" / "For major changes we give you a more prominent notice, by {channels}, that explains what has changed.";
    CHANGES_NEW_USE = "如我们需要将您的个人信息用于本政策未载明的其他目的，或者收集本政策未载明的个人信息，我们会事先告知您并重新征得您的同意。" / "Before we use your personal information for a purpose this policy does not state, or collect personal information it does not list, we will tell you and ask for your consent again.";
    CHANGES_RECONSENT = "重大变更涉及基于您的同意进行的处理的，我们会重新征得您的同意。" / "Where a major change affects processing based on your consent, we ask for your consent again.";
    CHANGES_MAJOR_INTRO = "本政策所指的重大变更包括但不限于：" / "Major changes include, among others:";
    MAJOR_SERVICE_MODEL = "我们的服务模式发生重大变化，如处理个人信息的目的、处理的个人信息种类、个人信息的使用方式等" / "a fundamental change of our service model, such as the purposes of processing, the kinds of personal information processed or the way it is used";
    MAJOR_OWNERSHIP = "我们在所有权结构、组织架构等方面发生重大变化，如业务调整、破产并购等引起的所有者变更" / "a major change of our ownership or organisation, such as a change of owner after a restructuring, bankruptcy, merger or acquisition";
    MAJOR_RECIPIENTS = "个人信息共享、转让或者公开披露的主要对象发生变化" / "a change of the main recipients of sharing, transfer or public disclosure";
    MAJOR_RIGHTS = "您参与个人信息处理方面的权利及其行使方式发生重大变化" / "a major change of your rights over the processing of your personal information or of how you exercise them";
    MAJOR_CONTACT = "我们负责个人信息安全的责任部门、联络方式及投诉渠道发生变化" / "a change of the department responsible for personal information security, of its contact details or of the complaint channels";
    MAJOR_PIA = "个人信息保护影响评估报告表明存在高风险" / "a personal information protection impact assessment reports a high risk";
    CHANGES_ARCHIVE = "您可以在{place}查阅本政策的历史版本。" / "Earlier versions of this policy are available at {place}.";
    CHANGES_ARCHIVE_TEXT = "本政策的历史版本：{place}。" / "Earlier versions of this policy: {place}.";
}
