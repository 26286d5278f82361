//! The catalogue of texts the API returns in problem details: zh-CN first, English second,
//! always both. Values from the request or the manifest are quoted with backticks.

use gebao_store::Scope;

/// A text in both languages, made at run time: the one bilingual type of gebao-core.
pub type Text = gebao_core::text::Text<String>;

/// A text from its two languages.
pub(crate) fn t(zh: impl Into<String>, en: impl Into<String>) -> Text {
    Text { zh: zh.into(), en: en.into() }
}

/// Values quoted with backticks, comma-separated; a dash for none.
pub(crate) fn list(items: &[String]) -> String {
    if items.is_empty() { "—".into() } else { items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ") }
}

/// The title of each kind of problem.
pub fn title(slug: &str) -> Text {
    match slug {
        "bad-request" => t("请求格式错误", "Bad request"),
        "unsupported-media-type" => t("不支持的内容类型", "Unsupported media type"),
        "payload-too-large" => t("请求体过大", "Payload too large"),
        "headers-too-large" => t("请求头过大", "Request header fields too large"),
        "invalid-field" => t("字段取值无效", "Invalid field"),
        "unauthorized" => t("未认证", "Unauthorized"),
        "forbidden" => t("权限不足", "Forbidden"),
        "not-found" => t("未找到", "Not found"),
        "method-not-allowed" => t("不支持的请求方法", "Method not allowed"),
        "conflict" => t("与当前状态冲突", "Conflict"),
        "gone" => t("已注销并删除", "Gone"),
        "unavailable" => t("服务暂不可用", "Service unavailable"),
        "origin-refused" => t("来源未获允许", "Origin not allowed"),
        "too-many-requests" => t("请求过于频繁", "Too many requests"),
        _ => t("服务器内部错误", "Internal server error"),
    }
}

pub fn not_json() -> Text {
    t(
        "请求体必须是 JSON，并带有 `Content-Type: application/json`",
        "the body must be JSON, sent with `Content-Type: application/json`",
    )
}

pub fn too_large(limit: usize) -> Text {
    t(format!("请求体超过上限 {limit} 字节"), format!("the body exceeds the limit of {limit} bytes"))
}

pub fn unauthorized() -> Text {
    t(
        "需要有效的 API 密钥：`Authorization: Bearer gbk_…`（密钥未知、格式错误或已吊销）",
        "a valid API key is needed: `Authorization: Bearer gbk_…` (the key is missing, unknown, malformed or revoked)",
    )
}

pub fn forbidden(scope: Scope) -> Text {
    let s = scope.as_str();
    t(
        format!("此 API 密钥没有所需的权限范围 `{s}`"),
        format!("this API key lacks the scope `{s}` that the route needs"),
    )
}

pub fn method_not_allowed() -> Text {
    t("此路径不支持该请求方法", "this path does not accept that method")
}

pub fn no_route() -> Text {
    t("没有这个 API 路径", "there is no such API path")
}

pub fn unavailable() -> Text {
    t(
        "服务暂不可用（正在启动、正在停止或数据库不可达），请稍后重试",
        "the service is unavailable (starting, stopping or the database is unreachable); retry later",
    )
}

pub fn internal() -> Text {
    t("服务器内部错误；请凭请求 ID 联系运营者", "internal server error; quote the request id to the operator")
}

pub fn store_not_found() -> Text {
    t("所请求的记录不存在", "the requested record does not exist")
}

pub fn store_conflict() -> Text {
    t("请求与已存储的数据冲突", "the request conflicts with stored data")
}

pub fn manifest_invalid(n: usize) -> Text {
    t(format!("清单有 {n} 处错误，见 `errors`"), format!("the manifest has {n} error(s); see `errors`"))
}

pub fn empty_body() -> Text {
    t("请求体为空，应为 JSON", "the body is empty; JSON was expected")
}

pub fn malformed_json(line: usize, column: usize, msg: &str) -> Text {
    t(
        format!("JSON 语法错误（第 {line} 行第 {column} 列）：{msg}"),
        format!("JSON syntax error at line {line}, column {column}: {msg}"),
    )
}

pub fn missing_field(field: &str) -> Text {
    t(format!("缺少必填字段 `{field}`"), format!("the field `{field}` is required"))
}

pub fn unknown_field(field: &str, msg: &str) -> Text {
    t(format!("未知字段 `{field}`：{msg}"), format!("unknown field `{field}`: {msg}"))
}

pub fn wrong_value(field: &str, msg: &str) -> Text {
    t(format!("字段 `{field}` 的值无效：{msg}"), format!("invalid value of `{field}`: {msg}"))
}

pub fn bad_param(name: &str, value: &str, expected: &str) -> Text {
    t(
        format!("参数 `{name}` 的值 `{value}` 无效，应为 {expected}"),
        format!("parameter `{name}` has the invalid value `{value}`; expected {expected}"),
    )
}

pub fn bad_query(msg: &str) -> Text {
    t(format!("查询参数无效：{msg}"), format!("invalid query parameters: {msg}"))
}

pub fn query_param_invalid(name: &str, msg: &str) -> Text {
    t(format!("查询参数 `{name}` 无效：{msg}"), format!("invalid query parameter `{name}`: {msg}"))
}

pub fn path_not_utf8(name: &str) -> Text {
    t(
        format!("路径参数 `{name}` 解码后不是有效的 UTF-8"),
        format!("path parameter `{name}` is not valid UTF-8 once percent-decoded"),
    )
}

pub fn bad_path(msg: &str) -> Text {
    t(format!("路径参数无效：{msg}"), format!("invalid path parameters: {msg}"))
}

pub fn headers_too_large(limit: usize) -> Text {
    t(
        format!("请求行与请求头合计超过上限 {limit} 字节"),
        format!("the request line and headers together exceed the limit of {limit} bytes"),
    )
}

pub fn policy_moved(latest: Option<i64>) -> Text {
    let n = latest.unwrap_or(0);
    t(
        format!("在此期间已发布了第 {n} 版政策，变更对比已不再准确：请基于最新版本重新预览后再发布"),
        format!(
            "version {n} was published meanwhile, so the comparison no longer holds: preview again against the latest version, then publish"
        ),
    )
}

pub fn version_not_found(n: i64) -> Text {
    t(format!("没有第 {n} 版政策"), format!("there is no policy version {n}"))
}

// --- subjects -------------------------------------------------------------------------

pub fn subject_not_found(id: &str) -> Text {
    t(
        format!("主体 `{id}` 未登记：请先 `POST /v1/subjects`"),
        format!("subject `{id}` is not registered: `POST /v1/subjects` first"),
    )
}

pub fn id_invalid(what: &str) -> Text {
    t(
        format!("`{what}` 须为 1 至 128 个字符，不含空白或控制字符"),
        format!("`{what}` must be 1 to 128 characters without whitespace or control characters"),
    )
}

pub fn birth_date_range() -> Text {
    t("出生日期不能晚于今天，也不能早于 1900-01-01", "the date of birth cannot be after today or before 1900-01-01")
}

pub fn age_and_birth_date() -> Text {
    t("`birth_date` 与 `age` 只能给出其一", "give either `birth_date` or `age`, not both")
}

pub fn age_range() -> Text {
    t("年龄须在 0 至 150 之间", "the age must be between 0 and 150")
}

pub fn guardian_self() -> Text {
    t("监护人不能是主体本人", "a subject cannot be its own guardian")
}

pub fn phone_invalid() -> Text {
    t(
        "手机号码须含 5 至 20 位数字，只可含数字、空格、`+`、`-`、括号",
        "a phone number has 5 to 20 digits and only digits, spaces, `+`, `-` and brackets",
    )
}

pub fn email_invalid() -> Text {
    t("电子邮箱格式无效", "not a valid email address")
}

pub fn lookup_needs_one() -> Text {
    t("请只给出 `phone` 或 `email` 其中之一", "give exactly one of `phone` or `email`")
}

pub fn subject_cancelled(id: &str) -> Text {
    t(format!("主体 `{id}` 已注销，不能再变更"), format!("subject `{id}` is cancelled and cannot change any more"))
}

pub fn reason_invalid() -> Text {
    t("`reason` 不得超过 500 个字符", "`reason` must be at most 500 characters")
}

// --- consents -------------------------------------------------------------------------

pub fn purpose_unknown(id: &str, known: &[String]) -> Text {
    let k = list(known);
    t(
        format!("当前政策没有目的 `{id}`；基于同意的目的：{k}"),
        format!("the current policy has no purpose `{id}`; consent-based purposes: {k}"),
    )
}

pub fn purpose_not_consent(id: &str, basis: &str) -> Text {
    t(
        format!("目的 `{id}` 的合法性基础是 `{basis}` 而非同意，无须也无法同意或撤回"),
        format!("purpose `{id}` rests on `{basis}`, not on consent: there is nothing to grant or withdraw"),
    )
}

pub fn sensitive_not_needed(id: &str) -> Text {
    t(
        format!("目的 `{id}` 不处理敏感个人信息，也未声明单独同意"),
        format!("purpose `{id}` uses no sensitive personal information and declares no separate consent"),
    )
}

pub fn recipient_unknown(id: &str, known: &[String]) -> Text {
    let k = list(known);
    t(
        format!("当前政策没有接收方 `{id}`；已声明：{k}"),
        format!("the current policy has no recipient `{id}`; declared: {k}"),
    )
}

pub fn recipient_needs_no_consent(id: &str) -> Text {
    t(
        format!("接收方 `{id}` 是受托处理者，无须单独同意（个人信息保护法第二十一条）"),
        format!("recipient `{id}` is an entrusted processor and needs no consent of its own (PIPL 21)"),
    )
}

pub fn recipient_kind_not_needed(id: &str, kind: &str, needed: &[String]) -> Text {
    let k = list(needed);
    t(
        format!("接收方 `{id}` 不需要 `{kind}` 类单独同意；需要：{k}"),
        format!("recipient `{id}` needs no `{kind}` consent; it needs: {k}"),
    )
}

pub fn recipient_kind_ambiguous(id: &str, needed: &[String]) -> Text {
    let k = list(needed);
    t(
        format!("接收方 `{id}` 需要多项单独同意（{k}），请用 `separate` 指明"),
        format!("recipient `{id}` needs several separate consents ({k}); name one with `separate`"),
    )
}

pub fn separate_kind_unknown(kind: &str) -> Text {
    t(
        format!("未知的单独同意类型 `{kind}`：应为 `provision`、`cross-border` 或 `public-disclosure`"),
        format!("unknown separate consent `{kind}`: use `provision`, `cross-border` or `public-disclosure`"),
    )
}

pub fn cookie_unknown(cat: &str) -> Text {
    t(
        format!("未知的 Cookie 类别 `{cat}`：应为 `functional`、`analytics` 或 `advertising`"),
        format!("unknown cookie category `{cat}`: use `functional`, `analytics` or `advertising`"),
    )
}

pub fn cookie_essential() -> Text {
    t("必要类 Cookie 无须同意", "strictly necessary cookies need no consent")
}

pub fn cookie_not_declared(cat: &str) -> Text {
    t(format!("当前政策未声明 `{cat}` 类 Cookie"), format!("the current policy declares no `{cat}` cookie"))
}

pub fn personalisation_none() -> Text {
    t("当前政策没有个性化推荐目的", "the current policy has no personalised purpose")
}

pub fn policy_version_unknown(v: i64, latest: i64) -> Text {
    t(
        format!("没有第 {v} 版政策（最新为第 {latest} 版）"),
        format!("there is no policy version {v} (the latest is {latest})"),
    )
}

pub fn channel_invalid() -> Text {
    t("`channel` 须为 1 至 64 个可见字符", "`channel` must be 1 to 64 visible characters")
}

pub fn grant_cancelled(id: &str) -> Text {
    t(format!("主体 `{id}` 已注销，不能再给予同意"), format!("subject `{id}` is cancelled and cannot grant consent"))
}

// --- decisions, audit, policy ---------------------------------------------------------

pub fn batch_too_large(max: usize) -> Text {
    t(format!("一次最多 {max} 个判定"), format!("at most {max} decisions per batch"))
}

pub fn too_many_fields(max: usize) -> Text {
    t(format!("一次判定最多 {max} 个字段"), format!("at most {max} fields per decision"))
}

pub fn limit_range(max: i64) -> Text {
    t(format!("`limit` 须在 1 至 {max} 之间"), format!("`limit` must be between 1 and {max}"))
}

pub fn not_ready() -> Text {
    t("尚未就绪", "not ready")
}

pub fn subject_erased(id: &str) -> Text {
    t(
        format!("主体 `{id}` 的账号已注销，其个人信息已删除；如需继续服务，请重新注册（将作为新用户，不恢复原有记录）"),
        format!(
            "the account of subject `{id}` was cancelled and its personal information erased; registering the id again starts a new subject and restores nothing"
        ),
    )
}

pub fn evidence_too_large(max: usize) -> Text {
    t(
        format!("`evidence` 超过 {max} 字节：请记录界面版本、文本摘要等引用，而不是文档本身（同意记录不可修改）"),
        format!(
            "`evidence` exceeds {max} bytes: record a reference (the UI version, the text's hash), not the document itself (the ledger cannot be edited)"
        ),
    )
}

// --- the consent banner's public route -------------------------------------------------

pub fn banner_origin_refused(origin: Option<&str>) -> Text {
    match origin {
        Some(o) => t(
            format!("来源 `{o}` 不在 `[banner] origins` 中：只有配置的网站可以记录访客的选择"),
            format!(
                "the origin `{o}` is not in `[banner] origins`: only the configured sites may record visitors' choices"
            ),
        ),
        None => t(
            "请求没有 `Origin`：访客的选择只能由配置的网站上的横幅记录",
            "the request has no `Origin`: visitors' choices are recorded only by the banner on a configured site",
        ),
    }
}

pub fn banner_too_many(seconds: u64) -> Text {
    t(
        format!("此地址记录的选择过多，请 {seconds} 秒后再试"),
        format!("too many choices recorded from this address; try again in {seconds} s"),
    )
}

pub fn banner_visitor_invalid() -> Text {
    t(
        "`visitor` 应为横幅生成的随机标识：32 至 64 位小写十六进制数字",
        "`visitor` must be the random id the banner makes: 32 to 64 lower-case hex digits",
    )
}

pub fn banner_version_stale(given: i64, current: i64) -> Text {
    t(
        format!("横幅展示的是第 {given} 版政策，现行为第 {current} 版：请重新加载页面后再选择"),
        format!(
            "the banner showed policy version {given}, but version {current} is in force: reload the page and choose again"
        ),
    )
}

pub fn banner_choices_count(max: usize) -> Text {
    t(
        format!("`choices` 应有 1 至 {max} 项，每个类别一项"),
        format!("`choices` must have 1 to {max} items, one per category"),
    )
}

pub fn banner_choice_repeated(cat: &str) -> Text {
    t(format!("类别 `{cat}` 重复出现"), format!("the category `{cat}` appears twice"))
}

pub fn banner_version_missing() -> Text {
    t(
        "缺少 `policy_version`：横幅所展示的政策版本",
        "`policy_version` is missing: the policy version the banner showed",
    )
}
