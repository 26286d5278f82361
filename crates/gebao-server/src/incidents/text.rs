//! What the incident functions say, zh-CN first and English second.

use crate::messages::{Text, t};
use gebao_core::incidents::Grade;

pub fn text_invalid(field: &str, max: usize) -> Text {
    t(
        format!("`{field}` 须为不超过 {max} 字的文字，不含控制字符"),
        format!("`{field}` must be text of at most {max} characters without control characters"),
    )
}

pub fn in_future(field: &str) -> Text {
    t(format!("`{field}` 不能晚于现在"), format!("`{field}` cannot be later than now"))
}

pub fn too_many_categories(max: usize) -> Text {
    t(format!("个人信息种类至多 {max} 项"), format!("at most {max} categories of personal information"))
}

pub fn affected_negative() -> Text {
    t("受影响人数不能为负数", "the number of individuals affected cannot be negative")
}

pub fn occurred_after_found() -> Text {
    t("发生时间不能晚于发现时间（found_at）", "it cannot have happened after it was found (`found_at`)")
}

pub fn not_found(id: &str) -> Text {
    t(format!("没有安全事件 `{id}`"), format!("there is no incident `{id}`"))
}

pub fn closed(id: &str) -> Text {
    t(format!("安全事件 `{id}` 已结案，不能再更改"), format!("incident `{id}` is closed and cannot change"))
}

pub fn changed_meanwhile() -> Text {
    t("该事件在此期间已被他人更改：请重新读取后再试", "the incident was changed meanwhile: read it again and retry")
}

pub fn nothing_to_change() -> Text {
    t("没有要更改的内容", "nothing to change")
}

pub fn report_before_found() -> Text {
    t("报告时间不能早于发现时间", "a report cannot be made before the incident was found")
}

pub fn initial_first() -> Text {
    t("请先记录首次报告（kind = initial）", "record the initial report first (`kind: initial`)")
}

pub fn initial_once() -> Text {
    t("首次报告已记录：后续报告请用 follow-up 或 final", "the initial report is recorded: use `follow-up` or `final`")
}

pub fn report_before_close(grade: Grade) -> Text {
    t(
        format!(
            "{}级事件须向监管部门报告（《国家网络安全事件报告管理办法》第四条）：请先记录报告，再结案",
            grade.label().zh
        ),
        format!(
            "an incident graded {} must be reported to the regulator (INCID art. 4): record the report, then close it",
            grade.label().en
        ),
    )
}

/// The operator's alert: the report is due soon, or late.
pub fn clock_alert(id: &str, title: &str, overdue: bool, due: &str, to: &str) -> Text {
    if overdue {
        t(
            format!("安全事件「{title}」（{id}）应在 {due} 前向{to}报告，现已逾期：请立即报告并记录"),
            format!(
                "incident \"{title}\" ({id}) was to be reported to {to} by {due} and is now late: report it at once and record it"
            ),
        )
    } else {
        t(
            format!("安全事件「{title}」（{id}）须在 {due} 前向{to}报告"),
            format!("incident \"{title}\" ({id}) must be reported to {to} by {due}"),
        )
    }
}

pub fn notice_incomplete(missing: &str) -> Text {
    t(
        format!("告知内容不完整（《个人信息保护法》第五十七条）：请先填写 {missing}"),
        format!("the notice is incomplete (PIPL 57): fill in {missing} first"),
    )
}

pub fn subjects_count(max: usize) -> Text {
    t(format!("请列出 1 至 {max} 个用户 ID"), format!("list between 1 and {max} user ids"))
}

pub fn no_notifier() -> Text {
    t(
        "本服务器既未配置通知服务（notifier_url），也未配置邮件中继（[smtp]），无法告知个人：请配置后重试",
        "this server has neither a notifier (`notifier_url`) nor an SMTP relay (`[smtp]`) to tell individuals through: configure one, then retry",
    )
}

pub fn already_published() -> Text {
    t("该事件的公告已发布", "the notice of this incident is already published")
}
