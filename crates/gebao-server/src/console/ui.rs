//! The console's own words, zh-CN first and English second.

use crate::labels::labels;
use gebao_core::text::Lang;

labels! {
    console: "个人信息保护工作台", "Privacy console";
    switch_label: "English", "中文";
    switch_code: "en", "zh-CN";
    sign_in: "登录", "Sign in";
    sign_in_note: "仅限经授权的工作人员。请输入登录名、密码和身份验证器应用中的 6 位动态验证码。", "Authorised staff only. Enter your login name, your password and the 6-digit code of your authenticator app.";
    name: "登录名", "Login name";
    password: "密码", "Password";
    code: "动态验证码", "Authenticator code";
    sign_in_failed: "登录失败：登录名、密码或动态验证码有误，或账号暂不可用。连续失败 5 次后账号将锁定 15 分钟。", "Sign-in failed: the name, password or code is wrong, or the account is not available. Five failures in a row lock the account for 15 minutes.";
    sign_out: "退出登录", "Sign out";
    signed_in_as: "当前用户：{name}（{role}）", "Signed in as {name} ({role})";
    expired: "请重新登录", "Please sign in again";
    expired_note: "您尚未登录，或会话已过期（闲置 30 分钟或登录满 8 小时）。", "You are not signed in, or your session ended (30 minutes idle or 8 hours after signing in).";
    forbidden: "无权执行此操作", "Not allowed";
    forbidden_note: "您的角色（{role}）无权执行此操作，未做任何更改。此次尝试已记入审计日志。", "Your role ({role}) may not do this; nothing was changed. The attempt is recorded in the audit log.";
    bad_form: "请求无效", "Invalid request";
    bad_form_note: "表单已过期、不完整，或并非来自本页面，未做任何更改。请返回并刷新页面后重试。", "The form expired, is incomplete or did not come from this page; nothing was changed. Go back, reload the page and try again.";
    not_found: "未找到", "Not found";
    not_found_note: "您要找的页面或请求不存在。", "The page or request you asked for does not exist.";
    conflict: "无法执行", "Not possible";
    unavailable: "暂时无法完成", "Not possible right now";
    unavailable_note: "服务暂时无法处理，未做任何更改。请稍后重试。", "The service cannot do this at the moment; nothing was changed. Please try again later.";
    back: "返回", "Back";
    nav_requests: "请求队列", "Request queue";
    nav_staff: "工作人员", "Staff";
    nav_audit: "审计日志", "Audit log";
    nav_figures: "同意统计", "Consent figures";
    figures_heading: "同意统计", "Consent figures";
    figures_note: "每个用户（及网站访客）在每项同意中只计一次：按其最新一条记录及该记录所依据的政策版本统计。只有人数，不列出任何人。", "Each user (and website visitor) counts once per consent: by their latest record in it and the policy version that record was given under. Counts only; nobody is named.";
    figures_empty: "同意记录簿中还没有记录。", "The consent ledger has no records yet.";
    col_consent: "同意事项", "Consent";
    col_version: "政策版本", "Policy version";
    col_granted: "已同意", "Granted";
    col_withdrawn: "已撤回", "Withdrawn";
    audit_heading: "审计日志（最近 200 条）", "Audit log (latest 200 entries)";
    audit_note: "每一次写入和管理操作都记入防篡改的审计链；用户以化名出现，不含联系方式。完整校验请运行 gebao audit verify。", "Every write and administrative action is in the tamper-evident audit chain; users appear by pseudonym, never with a contact point. Run gebao audit verify for a full check.";
    col_detail: "详情", "Detail";
    queue: "待处理请求", "Open requests";
    queue_note: "按答复期限排序；期限按中国大陆工作日、北京时间计算。", "Sorted by due date; deadlines count mainland-China working days, Beijing time.";
    queue_empty: "没有待处理的请求。", "No open requests.";
    col_request: "请求", "Request";
    col_kind: "类型", "Kind";
    col_state: "状态", "State";
    col_received: "提出时间", "Received";
    col_due: "答复期限", "Due";
    col_left: "剩余工作日", "Working days left";
    overdue: "已逾期", "Overdue";
    due_soon: "即将到期", "Due soon";
    estimated: "（预计）", " (estimated)";
    request_heading: "请求 {id}", "Request {id}";
    subject: "个人信息主体", "Subject";
    requester: "提出人", "Requester";
    channel: "渠道", "Channel";
    contacts: "联系方式", "Contact points";
    no_contacts: "未登记联系方式。", "No contact point registered.";
    phone: "手机号", "Phone";
    email: "电子邮箱", "Email";
    unmask: "查看完整联系方式", "Show in full";
    unmask_reason: "查看原因（将记入审计日志）", "Why (recorded in the audit log)";
    unmasked_note: "完整联系方式仅本次显示，查看记录及原因已记入审计日志。", "Shown in full this once; the view and its reason are in the audit log.";
    verification: "身份核验", "Identity verification";
    verified_at: "已核验：{at}（{method}）", "Verified {at} ({method})";
    not_verified: "尚未核验", "Not verified yet";
    verify: "确认身份（运营方已核验）", "Confirm identity (checked by the operator)";
    details: "请求内容", "What is asked";
    history: "处理记录", "History";
    col_time: "时间", "Time";
    col_event: "事件", "Event";
    col_actor: "操作人", "By";
    col_note: "备注", "Note";
    deliveries: "通知与传播", "Notices and propagation";
    no_deliveries: "尚无。", "None yet.";
    col_target: "对象", "To";
    col_ack: "确认", "Acknowledged";
    acknowledge: "记录对方已确认", "Record the acknowledgement";
    ack_reference: "对方的编号（选填）", "Their reference (optional)";
    actions: "处理", "Actions";
    dry_run: "预演（不做任何更改）", "Dry run (changes nothing)";
    approve: "批准", "Approve";
    refuse: "拒绝", "Refuse";
    refuse_ground: "法定理由", "Legal ground";
    note: "备注（选填，至多 1000 字）", "Note (optional, at most 1,000 characters)";
    execute: "执行", "Carry out";
    execute_confirm: "执行将按预演更改运营方数据库，无法撤销。", "Carrying it out changes the operator's databases as the dry run shows; it cannot be undone.";
    reply: "答复（投诉）", "Reply (complaint)";
    refusal: "拒绝理由：{reason}", "Refused: {reason}";
    remedy: "告知用户的救济途径：", "The user is told their remedy:";
    plan_heading: "预演结果", "Dry run";
    col_dataset: "数据集", "Dataset";
    col_table: "表", "Table";
    col_op: "操作", "Operation";
    col_rows: "行数", "Rows";
    col_sql: "语句", "Statement";
    col_params: "参数", "Values";
    col_key: "键", "Key";
    col_until: "保留至", "Kept until";
    col_reason: "原因", "Why";
    held_rows: "依法保留的行", "Rows kept under a legal hold";
    erased_fields: "删除的字段：", "Fields erased: ";
    kept_fields: "保留的字段：", "Fields kept: ";
    nothing_to_change: "无需更改。", "Nothing to change.";
    recipients: "将通知删除的接收方", "Recipients to be told to delete";
    col_recipient: "接收方", "Recipient";
    col_via: "方式", "Via";
    col_fields: "字段", "Fields";
    col_held: "依法保留、不通知", "Kept, not told";
    nav_policy: "政策版本", "Policy versions";
    policy_heading: "隐私政策版本", "Privacy policy versions";
    policy_note: "每一版政策及其生效日期；重大变更会让相关的基于同意的目的重新征求同意（《个人信息保护法》第十四条）。", "Every version of the policy and its effective date; a major change makes the consent-based purposes it touches ask for consent again (PIPL art. 14).";
    in_force: "现行", "In force";
    scheduled: "待生效", "Scheduled";
    archived: "已归档", "Archived";
    col_effective: "生效日期", "Effective";
    col_published: "发布时间", "Published";
    col_change: "变更", "Change";
    col_reconsent: "需重新同意的目的", "Purposes asking again";
    major_change: "重大变更", "Major change";
    minor_change: "一般变更", "Minor change";
    first_short: "首版", "First version";
    effective_past: "生效日期早于今天：发布后立即生效，请确认已按政策承诺提前告知用户。", " The effective date is before today: it takes effect as soon as it is published; make sure users were told in advance as the policy promises.";
    publish_new: "发布新版本", "Publish a new version";
    version_heading: "第 {n} 版", "Version {n}";
    first_version: "这是第一版，没有可对比的上一版。", "This is the first version; there is nothing to compare with.";
    no_changes: "与上一版相比没有变更。", "No changes from the previous version.";
    public_changes: "政策文本中的变更（用户可见）", "Changes in the policy text (users see these)";
    internal_changes: "内部配置的变更（不写入政策文本）", "Changes to internal settings (not in the policy text)";
    before: "原", "Before";
    after: "新", "After";
    read_text: "阅读这一版的政策全文", "Read this version of the policy";
    reconsent_list: "自这一版起需重新征求同意的目的：", "Purposes that ask for consent again from this version on:";
    publish_heading: "发布新版本", "Publish a new version";
    publish_note: "先预览：检查结果、重大变更及需重新同意的目的都会列出，预览不做任何更改。确认后才发布，发布记入审计日志。", "Preview first: the findings, whether the change is major and the purposes that will ask for consent again are listed; the preview changes nothing. Only the confirmation publishes, and it is recorded in the audit log.";
    manifest_label: "清单（gebao.toml）", "Manifest (gebao.toml)";
    effective_label: "生效日期（选填，默认取清单中的 policy.effective，否则为今天）", "Effective date (optional: the manifest's policy.effective, else today)";
    reason_label: "发布原因（将记入审计日志）", "Why (recorded in the audit log)";
    preview: "预览", "Preview";
    publish: "确认发布", "Publish";
    publish_confirm: "发布后，生效日期到来时新版本即取代现行版本；重大变更将让上列目的重新征求同意。", "Once published, the version replaces the one in force on its effective date; a major change makes the purposes above ask for consent again.";
    manifest_too_large: "清单过大（至多 512 KB）：请精简后重试，或通过 API 发布。", "The manifest is too large (at most 512 KB): shorten it or publish it through the API.";
    manifest_empty: "请填写清单内容。", "Enter the manifest.";
    effective_invalid: "生效日期格式应为 YYYY-MM-DD，例如 2027-01-01。", "The effective date must be YYYY-MM-DD, e.g. 2027-01-01.";
    publish_reason_needed: "请填写发布原因（至多 500 字），它将记入审计日志。", "Enter why (at most 500 characters); it goes into the audit log.";
    manifest_invalid: "清单无法加载，未做任何更改。请按下列提示修改后再预览。", "The manifest does not load; nothing was changed. Fix what is listed below and preview again.";
    line_column: "第 {line} 行第 {column} 列", "line {line}, column {column}";
    publish_blocked: "检查发现错误级问题，不能发布。请修改清单后重新预览。", "The check found error-level problems, so this cannot be published. Fix the manifest and preview again.";
    severity_error: "错误", "Error";
    severity_warning: "警告", "Warning";
    severity_info: "提示", "Info";
    preview_first: "将发布为第 {n} 版（首版），{date} 生效。", "Will be published as version {n} (the first), effective {date}.";
    preview_major: "将发布为第 {n} 版，{date} 生效。这是重大变更。", "Will be published as version {n}, effective {date}. This is a major change.";
    preview_minor: "将发布为第 {n} 版，{date} 生效。这是一般变更，不需要重新征求同意。", "Will be published as version {n}, effective {date}. This is a minor change; no consent is asked again.";
    findings_heading: "检查结果（gebao check）", "Findings (gebao check)";
    no_findings: "没有发现问题。", "No findings.";
    col_rule: "规则", "Rule";
    col_place: "位置", "Where";
    col_message: "问题与修改建议", "Problem and fix";
    warnings_heading: "本服务器无法执行的内容", "What this server cannot carry out";
    staff_heading: "工作人员账号", "Staff accounts";
    staff_note: "账号通过命令行 gebao staff 添加、停用和重置。", "Accounts are added, disabled and reset with the command line, gebao staff.";
    col_name: "登录名", "Login";
    col_display: "姓名", "Name";
    col_role: "角色", "Role";
    col_created: "创建时间", "Created";
    active: "有效", "Active";
    locked: "已锁定", "Locked";
    disabled: "已停用", "Disabled";
    role_privacy_officer: "个人信息保护负责人", "Privacy officer";
    role_support: "客服", "Support";
    role_auditor: "审计员", "Auditor";
    role_admin: "管理员", "Administrator";
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
            if *name == "switch_label" || *name == "switch_code" {
                continue;
            }
            assert!(has_cjk(zh), "`{name}` has no Chinese: {zh}");
            assert!(!has_cjk(en), "`{name}` has Chinese in its English text: {en}");
        }
    }
}
