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
