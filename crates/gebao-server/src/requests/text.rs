//! The catalogue of texts about rights requests: problem details and the messages sent to
//! users through the notifier. zh-CN first, English second, always both; values from the
//! request or the manifest are quoted with backticks.

use crate::messages::{Text, list, t};
use gebao_core::calendar::DueError;
use gebao_core::requests::{RequestKind, RequestState, TransitionError};

// --- problems ---------------------------------------------------------------------------

pub fn request_not_found(id: &str) -> Text {
    t(format!("没有请求 `{id}`"), format!("there is no request `{id}`"))
}

pub fn transition(e: &TransitionError) -> Text {
    match e {
        TransitionError::Terminal { state, event } => t(
            format!("请求已{}，不能再“{}”", state.label().zh, event.label().zh),
            format!("the request is already {}: it cannot take `{}`", state.label().en, event.as_str()),
        ),
        TransitionError::Illegal { from, event } => t(
            format!("请求处于“{}”状态时不能“{}”", from.label().zh, event.label().zh),
            format!("a request that is {} cannot take `{}`", from.label().en, event.as_str()),
        ),
        TransitionError::AlreadyVerified => t(
            "身份已核验通过，不能以 identity-unverified 为由拒绝，请选择其他理由",
            "identity has been verified: refusing as `identity-unverified` is not possible; choose another ground",
        ),
        TransitionError::ReasonNotAllowed { kind, reason } => t(
            format!("拒绝理由 `{reason}` 不适用于“{}”请求", kind.label().zh),
            format!("the refusal ground `{reason}` does not apply to {} requests", kind.as_str()),
        ),
    }
}

pub fn not_in_state(state: RequestState, action: &str) -> Text {
    t(
        format!("请求处于“{}”状态，不能{action}", state.label().zh),
        format!("the request is {}: `{action}` is not possible now", state.label().en),
    )
}

pub fn changed_meanwhile() -> Text {
    t("该请求刚被他人更新，请重新读取后再试", "the request was changed meanwhile: read it again and retry")
}

pub fn requester_role_needs_other() -> Text {
    t(
        "监护人或近亲属代为提出请求时，`requester.id` 须不同于 `subject`",
        "a guardian or close relative acting for the subject has an id other than `subject`",
    )
}

pub fn interest_required() -> Text {
    t(
        "近亲属为自身合法、正当利益提出请求时须写明该利益（《个人信息保护法》第四十九条）",
        "a close relative states their own legitimate interest (PIPL art. 49) in `requester.interest`",
    )
}

pub fn relative_kind(kind: RequestKind) -> Text {
    t(
        format!(
            "近亲属只能对死者的个人信息行使查阅、复制、更正、删除权利，不能提出“{}”请求（《个人信息保护法》第四十九条）",
            kind.label().zh
        ),
        format!(
            "a close relative may access, copy, correct or delete a deceased person's information, not request {} (PIPL art. 49)",
            kind.as_str()
        ),
    )
}

pub fn received_in_future() -> Text {
    t("`received_at` 不能晚于当前时间", "`received_at` cannot be in the future")
}

pub fn subject_cancelled(id: &str) -> Text {
    t(
        format!("主体 `{id}` 的账号已注销，只能提出投诉"),
        format!("the account of subject `{id}` is cancelled: only a complaint can be filed"),
    )
}

pub fn deadline(e: &DueError) -> Text {
    match e {
        DueError::Indefinite => t(
            "清单中该权利的答复期限不能是“长期”，请在清单中写明期限",
            "the manifest gives this right an indefinite response deadline: state one in the manifest",
        ),
        DueError::TooLong { deadline } => t(
            format!("清单中该权利的答复期限 {deadline} 过长，请核对清单"),
            format!("the manifest's response deadline {deadline} is far too long: check the manifest"),
        ),
    }
}

pub fn details_not_for_kind(key: &str, kind: RequestKind) -> Text {
    t(
        format!("“{}”请求不接受 `details.{key}`", kind.label().zh),
        format!("a {} request takes no `details.{key}`", kind.as_str()),
    )
}

pub fn details_required(key: &str, kind: RequestKind) -> Text {
    t(
        format!("“{}”请求须给出 `details.{key}`", kind.label().zh),
        format!("a {} request needs `details.{key}`", kind.as_str()),
    )
}

pub fn field_unknown(id: &str) -> Text {
    t(format!("清单未声明个人信息字段 `{id}`"), format!("the manifest declares no field `{id}`"))
}

pub fn purpose_not_automated(id: &str, known: &[String]) -> Text {
    let k = list(known);
    t(
        format!("目的 `{id}` 未声明自动化决策；声明了自动化决策的目的：{k}"),
        format!("purpose `{id}` declares no automated decision; purposes that do: {k}"),
    )
}

pub fn url_invalid(field: &str) -> Text {
    t(format!("`{field}` 须为 http:// 或 https:// 网址"), format!("`{field}` must be an http:// or https:// URL"))
}

pub fn text_invalid(field: &str, max: usize) -> Text {
    t(format!("`{field}` 须为 1 至 {max} 个字符"), format!("`{field}` must be 1 to {max} characters"))
}

pub fn no_notifier() -> Text {
    t(
        "未配置通知服务（GEBAO_NOTIFIER_URL），无法发送验证码；请改用运营者核验",
        "no notifier is configured (GEBAO_NOTIFIER_URL), so no code can be sent; use operator-asserted verification",
    )
}

pub fn no_contact(id: &str) -> Text {
    t(
        format!("请求人 `{id}` 未登记手机号码或电子邮箱，无法发送验证码"),
        format!("requester `{id}` has no phone number or email address on record to send a code to"),
    )
}

pub fn otp_not_pending() -> Text {
    t("该请求没有待核验的验证码，请先发送验证码", "no one-time code is pending for this request: send one first")
}

pub fn otp_format() -> Text {
    t("验证码须为 6 位数字", "the code is 6 digits")
}

pub fn otp_wrong(left: u32) -> Text {
    t(format!("验证码错误，还可尝试 {left} 次"), format!("wrong code; {left} attempt(s) left"))
}

pub fn otp_expired(left: u32) -> Text {
    t(
        format!("验证码已过期，请重新发送（还可尝试 {left} 次）"),
        format!("the code has expired: send a new one ({left} attempt(s) left)"),
    )
}

pub fn otp_locked() -> Text {
    t(
        "验证码错误次数过多，身份核验失败，请求已按“无法核验身份”拒绝",
        "too many wrong codes: identity verification failed and the request is refused as `identity-unverified`",
    )
}

pub fn attempts_exhausted() -> Text {
    t("验证尝试次数已用完", "no verification attempts are left")
}

pub fn execute_not_for_kind(kind: RequestKind) -> Text {
    t(
        format!("“{}”请求在身份核验后即时生效，无须执行", kind.label().zh),
        format!("a {} request takes effect when identity is verified: there is nothing to execute", kind.as_str()),
    )
}

pub fn blockers_unknown() -> Text {
    t(
        "尚未收到运营者对注销障碍的答复；已再次询问，请稍后重试",
        "the operator has not yet answered whether anything blocks the cancellation; asked again, retry later",
    )
}

pub fn blockers_pending(ids: &[String]) -> Text {
    let k = list(ids);
    t(
        format!("注销尚有未解决的障碍：{k}；已通知用户，并再次询问运营者"),
        format!("the cancellation is still blocked by {k}; the user was told and the operator asked again"),
    )
}

pub fn reply_required() -> Text {
    t("办结投诉须给出答复 `reply`", "closing a complaint needs a `reply`")
}

pub fn connectors_config(e: &gebao_connectors::Error) -> Text {
    use gebao_core::text::Lang;
    t(
        format!("无法使用清单声明的数据集：{}", e.message(Lang::ZhCn)),
        format!("the manifest's datasets cannot be used: {}", e.message(Lang::En)),
    )
}

pub fn connections_missing(names: &[String]) -> Text {
    let k = names.join(", ");
    t(
        format!(
            "清单的数据集引用了本服务器未配置的连接 {k}：请在服务器配置的 [connections] 中添加，或设置对应的环境变量"
        ),
        format!(
            "the manifest's datasets name connections this server does not have: {k}; add them to [connections] in the server configuration, or set the variables"
        ),
    )
}

pub fn bundle_not_for_kind(kind: RequestKind) -> Text {
    t(
        format!("“{}”请求没有副本可供下载，只有查阅、复制、转移请求有", kind.label().zh),
        format!("a {} request has no copy to download; access, copy and portability requests do", kind.as_str()),
    )
}

pub fn bundle_not_ready() -> Text {
    t("身份核验通过后才能下载副本", "the copy can be downloaded once identity is verified")
}

pub fn outbox_not_found(id: &str) -> Text {
    t(format!("没有投递项 `{id}`"), format!("there is no outbox item `{id}`"))
}

pub fn outbox_not_delivered(id: &str) -> Text {
    t(
        format!("投递项 `{id}` 尚未送达，不能确认"),
        format!("outbox item `{id}` has not been delivered yet and cannot be acknowledged"),
    )
}

pub fn due_within_invalid(v: &str) -> Text {
    t(
        format!("`due_within` 的值 `{v}` 无效，应为如 `3d`（天）、`2wd`（工作日）或 `12h`（小时）"),
        format!(
            "`due_within` has the invalid value `{v}`: use e.g. `3d` (days), `2wd` (working days) or `12h` (hours)"
        ),
    )
}

pub fn state_unknown(v: &str) -> Text {
    let all: Vec<String> = RequestState::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    t(format!("未知的请求状态 `{v}`；可用：{}", list(&all)), format!("unknown request state `{v}`; use {}", list(&all)))
}

pub fn kind_unknown(v: &str) -> Text {
    let all: Vec<String> = RequestKind::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    t(format!("未知的请求类型 `{v}`；可用：{}", list(&all)), format!("unknown request kind `{v}`; use {}", list(&all)))
}

// --- messages to users, through the notifier -------------------------------------------

pub fn otp_message(code: &str, minutes: u64, product: &str) -> Text {
    t(
        format!("【{product}】您正在办理个人信息权利请求，验证码 {code}，{minutes} 分钟内有效。如非本人操作，请忽略。"),
        format!(
            "[{product}] Your code for your personal-information request is {code}, valid for {minutes} minutes. Ignore this if it was not you."
        ),
    )
}

pub fn sign_in_message(code: &str, minutes: i64, product: &str) -> Text {
    t(
        format!("【{product}】您正在登录隐私中心，验证码 {code}，{minutes} 分钟内有效。如非本人操作，请忽略。"),
        format!(
            "[{product}] Your code to sign in to the Privacy Centre is {code}, valid for {minutes} minutes. Ignore this if it was not you."
        ),
    )
}

pub fn blockers_message(kind: RequestKind, blockers: &[(String, String)]) -> Text {
    let zh: Vec<&str> = blockers.iter().map(|b| b.0.as_str()).collect();
    let en: Vec<&str> = blockers.iter().map(|b| b.1.as_str()).collect();
    t(
        format!("您的“{}”请求暂无法完成：{}。请先处理上述事项，处理后我们将继续办理。", kind.label().zh, zh.join("；")),
        format!(
            "Your {} request cannot be completed yet: {}. Please deal with this first; we will then continue.",
            kind.label().en,
            en.join("; ")
        ),
    )
}

pub fn completed_message(kind: RequestKind) -> Text {
    t(format!("您的“{}”请求已办结。", kind.label().zh), format!("Your {} request has been completed.", kind.label().en))
}

pub fn refused_message(kind: RequestKind, explanation: (&str, &str), remedy: (&str, &str)) -> Text {
    t(
        format!("您的“{}”请求未能满足：{}{}", kind.label().zh, explanation.0, remedy.0),
        format!("Your {} request was not met: {} {}", kind.label().en, explanation.1, remedy.1),
    )
}

pub fn fee_text(free: u32, per: &str, per_en: &str) -> Text {
    t(
        format!(
            "您在{per}内提出同类请求已超过 {free} 次，本次请求将收取不超过处理成本的费用（GB/T 35273—2020 第8.7条）。"
        ),
        format!(
            "You have made more than {free} requests of this kind in {per_en}: this one is charged at most the cost of handling it (GB/T 35273-2020, 8.7)."
        ),
    )
}

pub fn deadline_message(kind: RequestKind, id: &str, overdue: bool, due: &str) -> Text {
    if overdue {
        t(
            format!("“{}”请求 `{id}` 已超过答复期限（{due}）", kind.label().zh),
            format!("{} request `{id}` is overdue (due {due})", kind.label().en),
        )
    } else {
        t(
            format!("“{}”请求 `{id}` 将于 {due} 到期（2 个工作日内）", kind.label().zh),
            format!("{} request `{id}` is due on {due} (within 2 working days)", kind.label().en),
        )
    }
}
