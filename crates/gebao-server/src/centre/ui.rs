//! The privacy centre's own words, zh-CN first and English second. Everything else on its
//! pages comes from the manifest or the policy renderer.

use crate::labels::labels;
use gebao_core::text::Lang;

labels! {
    centre: "隐私中心", "Privacy Centre";
    intro: "在这里查看我们如何处理您的个人信息、与谁共享，以及您可以如何行使自己的权利。", "How we process your personal information, whom we share it with, and how you can exercise your rights.";
    policy: "隐私政策", "Privacy policy";
    policy_note: "现行版本：第 {n} 版，自 {date} 起生效", "In force: version {n}, effective {date}";
    collection: "个人信息收集清单", "Personal information we collect";
    collection_note: "我们收集哪些个人信息、在什么场景下、用于什么目的", "What we collect, in which function, for what purpose";
    sharing: "第三方共享清单", "Third parties we share with";
    sharing_note: "我们与哪些第三方（含第三方 SDK）共享哪些个人信息、为什么", "Which third parties (SDKs included) receive what, and why";
    permissions: "应用权限列表", "App permissions";
    permissions_note: "应用申请哪些设备权限、用于什么、如何关闭", "Which device permissions the app asks for, why, and how to turn them off";
    versions: "历史版本", "Earlier versions";
    versions_note: "以往每一版政策的全文，以及每次更新改变了什么", "The full text of every earlier version, and what each update changed";
    rights: "行使您的权利", "Exercising your rights";
    rights_note: "您可以查阅、复制、更正、补充、删除您的个人信息，撤回同意，注销账号，或要求我们解释处理规则。请通过以下方式联系我们：", "You can access, copy, correct, complete or delete your personal information, withdraw your consent, cancel your account, or ask us to explain how we process it. Contact us:";
    email: "电子邮件", "Email";
    phone: "电话", "Phone";
    in_app: "应用内", "In the app";
    web_form: "在线表单", "Web form";
    post: "通信地址", "Postal address";
    switch_label: "English", "中文";
    switch_code: "en", "zh-CN";
    back: "返回隐私中心", "Back to the Privacy Centre";
    notices: "公告", "Notices";
    notices_note: "停止运营公告，以及个人信息安全事件的公告：发生了什么、可能的影响，以及您可以采取的措施", "Notices that the service ends, and of personal-information incidents: what happened, what it may mean for you, and what you can do";
    notices_empty: "目前没有公告。", "There are no notices.";
    end_heading: "停止运营公告", "The service ends";
    end_banner: "本服务将于 {day} 停止运营，届时停止收集个人信息。", "This service stops on {day}; from then on no personal information is collected.";
    end_banner_past: "本服务已于 {day} 停止运营。", "This service stopped on {day}.";
    end_more: "查看停止运营公告", "Read the notice";
    end_day: "停止运营日（北京时间零时起）", "The service stops on (from 00:00 Beijing time)";
    end_status: "进展", "Status";
    notice_heading: "个人信息安全事件公告", "Personal-information incident notice";
    notice_published: "发布时间：", "Published: ";
    notice_found: "发现时间", "Found";
    notice_categories: "可能涉及的个人信息", "Personal information that may be involved";
    notice_cause: "事件原因", "Cause";
    notice_harm: "可能造成的影响", "Possible harm";
    notice_measures: "我们已采取的补救措施", "What we have done";
    notice_advice: "您可以采取的措施", "What you can do";
    notice_contact: "联系我们", "Contact us";
    version_n: "第 {n} 版", "Version {n}";
    changes_heading: "第 {n} 版的变化", "What changed in version {n}";
    effective: "生效日期：", "Effective: ";
    read: "查看全文", "Read";
    changes: "查看变化", "What changed";
    major: "重大变更", "Major change";
    minor: "一般变更", "Minor change";
    first: "首个版本", "First version";
    in_force: "现行版本", "In force";
    archived: "历史版本", "Archived";
    upcoming: "待生效", "Not yet in force";
    archived_banner: "这是第 {n} 版（自 {date} 起生效），不是现行版本。", "This is version {n} (effective {date}), not the version in force.";
    upcoming_banner: "这是第 {n} 版，将于 {date} 起生效。", "This is version {n}; it takes effect on {date}.";
    see_current: "查看现行版本", "Read the version in force";
    before: "原为", "Was";
    after: "现为", "Now";
    reconsent: "自本版本起，以下处理目的需要重新征得您的同意：", "From this version on, these purposes ask for your consent again:";
    no_changes: "本版本与上一版本相比，公开的政策内容没有变化。", "This version discloses nothing different from the one before.";
    first_version: "这是首个版本，没有可比较的上一版本。", "This is the first version: there is nothing to compare it with.";
    not_found: "页面不存在", "Page not found";
    not_found_note: "您要找的页面不存在或已移动。", "The page you asked for does not exist or has moved.";
    bad_lang: "不支持的语言：请使用 lang=zh-CN 或 lang=en。", "Unsupported language: use lang=zh-CN or lang=en.";
    home: "隐私中心首页", "Privacy Centre home";
    link_invalid: "链接无效或已过期", "This link does not work any more";
    link_invalid_note: "登录链接只能使用一次，并在几分钟后失效。请回到应用中，重新打开“隐私中心”。", "A sign-in link works once and only for a few minutes. Go back to the app and open the Privacy Centre again.";
    signed_out: "请先登录", "Please sign in first";
    signed_out_note: "为保护您的个人信息，请从应用中打开“隐私中心”，以查看和管理您的同意。", "To protect your personal information, open the Privacy Centre from the app to see and manage your consents.";
    forbidden: "操作未完成", "Not done";
    forbidden_note: "这个请求无法确认来自本页面，未做任何更改。请刷新页面后重试。", "This request could not be confirmed as coming from this page; nothing was changed. Reload the page and try again.";
    bad_form: "请求不完整", "Incomplete request";
    bad_form_note: "提交的内容不完整或无法识别，未做任何更改。请返回后重试。", "What was sent is incomplete or not understood; nothing was changed. Go back and try again.";
    unavailable: "暂时无法完成", "Not possible right now";
    unavailable_note: "服务暂时无法处理您的请求，未做任何更改。请稍后重试。", "The service cannot handle your request at the moment; nothing was changed. Please try again later.";
    my_consents: "我的同意", "My consents";
    my_consents_card: "查看并撤回您给予的同意（请从应用中打开以登录）", "See and withdraw the consents you gave (open it from the app to sign in)";
    my_consents_note: "这里列出您给予过的同意。您可以随时撤回，撤回与给予同样便捷；撤回不影响撤回前基于同意已进行的处理。", "These are the consents you have given. You can withdraw any of them at any time, as easily as you gave it; withdrawing does not affect processing already carried out on the basis of your consent.";
    granted: "已同意", "Given";
    withdrawn: "已撤回", "Withdrawn";
    withdraw: "撤回同意", "Withdraw";
    withdraw_label: "撤回对“{title}”的同意", "Withdraw the consent to “{title}”";
    withdrawn_done: "已撤回。自现在起，我们不再基于该同意处理您的个人信息。", "Withdrawn. From now on we no longer process your personal information on the basis of this consent.";
    no_consents: "您尚未给予需要同意的授权。", "You have not given any consent yet.";
    sign_out: "退出", "Sign out";
    consent_purpose: "处理目的的同意", "Consent to a purpose";
    consent_sensitive: "敏感个人信息的单独同意", "Separate consent for sensitive personal information";
    consent_provision: "向第三方提供的单独同意", "Separate consent to provide to a third party";
    consent_cross_border: "向境外提供的单独同意", "Separate consent to transfer abroad";
    consent_public: "公开披露的单独同意", "Separate consent to public disclosure";
    consent_cookie: "Cookie 类别", "Cookie category";
    consent_personalisation: "基于个人特征的个性化推荐", "Recommendations based on personal characteristics";
    personalisation: "个性化推荐", "Personalised recommendations";
    my_requests: "我的请求", "My requests";
    my_requests_note: "您可以在这里提出查阅、复制、更正、删除、限制处理、解释说明、注销账号和投诉等请求，并查看每个请求的进度。我们会在法定或承诺的期限内答复（按中国大陆工作日计算）。", "Here you can ask to access, copy, correct or delete your personal information, restrict its processing, have it explained, cancel your account or complain, and follow each request. We answer within the legal or promised time (counted in mainland-China working days).";
    new_request: "提出新的请求", "A new request";
    request_kind: "请求类型", "What you ask for";
    request_note: "说明（选填；投诉请写明内容）", "Details (optional; for a complaint, what it is about)";
    submit_request: "提交请求", "Send the request";
    correct_heading: "更正或补充我的信息", "Correct or complete my information";
    correct_field: "哪一项信息", "Which information";
    correct_value: "正确的内容", "What it should be";
    submit_correction: "提交更正请求", "Ask for the correction";
    request_filed: "请求已提交。我们已核验您的身份，并会在期限内答复。", "Your request was sent. Your identity is verified, and we will answer in time.";
    followed: "请求进度", "Your requests";
    no_requests: "您还没有提出过请求。", "You have not made any request yet.";
    received: "提出时间：", "Made: ";
    due_by: "答复期限：", "Answer due by: ";
    due_estimated: "{date}（预计，节假日安排尚未公布）", "{date} (estimated: the holiday calendar is not yet published)";
    refused_because: "未能办理的原因：{reason}", "Not done because: {reason}";
    request_done: "已办理完成。", "Done.";
    download_copy: "下载我的个人信息副本（ZIP：JSON、CSV 和可阅读的网页）", "Download my copy (ZIP: JSON, CSV and a readable page)";
    held_until: "依法保留部分信息至 {until}：{reason}。期满后删除。", "Some information is kept until {until} as the law requires ({reason}); it is deleted then.";
    not_filed: "请求未提交", "The request was not sent";
    sign_in: "登录隐私中心", "Sign in to the Privacy Centre";
    sign_in_note: "输入您在我们这里登记的手机号或电子邮箱，我们会向它发送一个 6 位验证码。也可以从应用中直接打开“隐私中心”。", "Enter the phone number or email address you registered with us and we send a 6-digit code to it. You can also open the Privacy Centre straight from the app.";
    contact: "手机号或电子邮箱", "Phone number or email address";
    send_code: "获取验证码", "Send me a code";
    contact_invalid: "请输入有效的手机号或电子邮箱。", "Enter a valid phone number or email address.";
    code_heading: "输入验证码", "Enter your code";
    code_sent: "如果该手机号或电子邮箱已登记，我们已向它发送 6 位验证码，10 分钟内有效，最多可尝试 5 次。", "If this phone number or email address is registered, a 6-digit code is on its way to it: it works for 10 minutes and for 5 tries.";
    code: "验证码", "Code";
    transfer_heading: "将我的个人信息转移给其他服务", "Send my personal information to another service";
    transfer_note: "您可以请求我们将您的个人信息副本转移至以下经我们核验的接收方（《个人信息保护法》第四十五条）。", "You can ask us to send a copy of your personal information to one of these receivers we have checked (PIPL article 45).";
    transfer_to: "接收方", "Receiver";
    submit_transfer: "提交转移请求", "Ask for the transfer";
    sent_to: "转移至：{to}", "To be sent to: {to}";
    wards: "我监护的未成年人", "Children in my care";
    sign_in_by_code: "用手机号或电子邮箱验证码登录", "Sign in with a code to your phone or email";
    ward_consents_note: "这里列出为该未成年人给予过的同意。您可以随时撤回，撤回与给予同样便捷；撤回不影响撤回前基于同意已进行的处理。", "These are the consents given for this child. You can withdraw any of them at any time, as easily as it was given; withdrawing does not affect processing already carried out on the basis of the consent.";
    ward_requests: "为该未成年人提出的请求", "Requests for this child";
    wards_note: "以下未满 {age} 周岁的未成年人登记由您担任监护人。您可以查看并撤回其同意，或代其提出和查看请求。", "You are the registered guardian of these children under {age}. You can see and withdraw their consents, and make and follow requests for them.";
    ward_title: "被监护人（用户 {id}）", "Your ward (user {id})";
    ward_note: "您以监护人身份查看。该未成年人未满 {age} 周岁，其个人信息的处理需要您的同意；撤回和请求都以您的名义记录。", "You are seeing this as the guardian: the child is under {age}, so processing their personal information needs your consent. Withdrawals and requests are recorded as yours.";
    code_format: "请输入 6 位数字验证码。", "Enter the 6-digit code.";
    sign_in_button: "登录", "Sign in";
    code_wrong: "验证码不正确，还可以再试 {left} 次。", "That code is not right; {left} tries left.";
    code_locked: "尝试次数过多，这个验证码已失效。请重新获取验证码。", "Too many tries: this code no longer works. Ask for a new one.";
    code_expired: "验证码已过期或已使用。请重新获取验证码。", "The code has expired or was used. Ask for a new one.";
    code_limited: "获取验证码过于频繁，请 15 分钟后再试。", "Too many codes were asked for; try again in 15 minutes.";
    code_unavailable: "暂不支持验证码登录。请从应用中打开“隐私中心”。", "Signing in by code is not available; open the Privacy Centre from the app.";
    new_code: "重新获取验证码", "Ask for a new code";
    changes_summary: "与第 {prev} 版相比，共 {count} 处变化，其中 {major} 处为重大变更。", "Compared with version {prev}: {count} changes, {major} of them major.";
}

#[cfg(test)]
mod tests {
    use super::ALL;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_label_is_chinese_then_english() {
        for (name, zh, en) in ALL {
            // The language switch names the other language.
            if *name == "switch_label" || *name == "switch_code" {
                continue;
            }
            assert!(has_cjk(zh), "`{name}` has no Chinese: {zh}");
            assert!(!has_cjk(en), "`{name}` has Chinese in its English text: {en}");
        }
    }
}
