//! Views of manifest items as the text a reader sees: names in the right language, escaped,
//! sensitive fields in bold, retention periods and notice channels in words.

use crate::catalogue::{common as c, storage as st};
use crate::md::{bold, esc};
use crate::text::{dedup, join, md, pick, upper_first};
use gebao_core::Manifest;
use gebao_core::duration::Duration;
use gebao_core::ids::FieldId;
use gebao_core::manifest::{Field, NoticeChannel, Purpose, Recipient, Retention, Scenario};
use gebao_core::text::Lang;

/// The policy's title as plain text: the manifest's, or 《{product}个人信息保护政策》.
pub(crate) fn policy_title(m: &Manifest, lang: Lang) -> String {
    let own = m.policy.title.as_deref().filter(|t| !t.trim().is_empty());
    match own {
        Some(zh) => lang
            .pick(zh, m.policy.title_en.as_deref())
            .trim()
            .trim_start_matches('《')
            .trim_end_matches('》')
            .to_owned(),
        None => {
            gebao_core::text::fill(c::TITLE_DEFAULT.get(lang), &[("product", product(m, lang))]).unwrap_or_default()
        }
    }
}

/// The product's name (plain text).
pub(crate) fn product(m: &Manifest, lang: Lang) -> &str {
    pick(lang, &m.controller.product, &m.controller.product_en)
}

/// The controller's legal name (plain text).
pub(crate) fn controller(m: &Manifest, lang: Lang) -> &str {
    pick(lang, &m.controller.name, &m.controller.name_en)
}

/// A field's name, escaped; in bold when it is sensitive personal information.
pub(crate) fn field(lang: Lang, f: &Field) -> String {
    let name = name_or_id(lang, &f.name, &f.name_en, f.id.as_str());
    if f.is_sensitive() { bold(&name) } else { name }
}

/// The named fields that the manifest declares, in the given order.
pub(crate) fn fields<'a>(m: &'a Manifest, ids: &[FieldId]) -> Vec<&'a Field> {
    dedup(ids.iter().filter_map(|id| m.field(id.as_str())))
}

/// Field names joined as a list, sensitive ones in bold; `None` when there are none.
pub(crate) fn field_list(lang: Lang, fields: &[&Field]) -> Option<String> {
    let names: Vec<String> = fields.iter().map(|f| field(lang, f)).collect();
    (!names.is_empty()).then(|| join(lang, &names))
}

/// The fields collected in a scenario: its own list, or all fields of its purposes.
pub(crate) fn scenario_fields<'a>(m: &'a Manifest, s: &'a Scenario) -> Vec<&'a Field> {
    match &s.fields {
        Some(ids) => fields(m, ids),
        None => dedup(
            s.purposes
                .iter()
                .filter_map(|p| m.purpose(p.as_str()))
                .flat_map(|p| p.fields.iter())
                .filter_map(|id| m.field(id.as_str())),
        ),
    }
}

/// A purpose's name, escaped.
pub(crate) fn purpose(lang: Lang, p: &Purpose) -> String {
    name_or_id(lang, &p.name, &p.name_en, p.id.as_str())
}

/// A scenario's name, escaped.
pub(crate) fn scenario(lang: Lang, s: &Scenario) -> String {
    name_or_id(lang, &s.name, &s.name_en, s.id.as_str())
}

/// A recipient's name, escaped.
pub(crate) fn recipient(lang: Lang, r: &Recipient) -> String {
    name_or_id(lang, &r.name, &r.name_en, r.id.as_str())
}

/// Notice channels in words: "弹窗、推送通知" / "a pop-up window, push notifications".
pub(crate) fn notice_channels(lang: Lang, channels: &[NoticeChannel]) -> Option<String> {
    let names: Vec<String> =
        dedup(channels.iter().copied()).into_iter().map(|ch| ch.label().get(lang).to_owned()).collect();
    (!names.is_empty()).then(|| crate::text::join_and(lang, &names))
}

/// A duration in words: "15个工作日" / "15 working days".
pub(crate) fn duration(lang: Lang, d: &Duration) -> String {
    d.display(lang)
}

/// A retention period in words for a table cell: "自账号注销之日起30日", the way it is
/// determined, or "长期保存"; `None` when the manifest says nothing.
pub(crate) fn retention_period(lang: Lang, r: &Retention) -> Option<String> {
    match r.period {
        Some(Duration::Indefinite) => Some(st::RETENTION_KEPT.get(lang).to_owned()),
        Some(d) => {
            let period = duration(lang, &d);
            // A floor ("不少于六个月") stays a floor: "不少于6个月", never a fixed term.
            let period = if r.at_least {
                gebao_core::text::fill(st::RETENTION_AT_LEAST.get(lang), &[("period", &period)])?
            } else {
                period
            };
            gebao_core::text::fill(
                st::RETENTION_FROM.get(lang),
                &[("start", r.from.label().get(lang)), ("period", &period)],
            )
            .map(|cell| upper_first(&cell))
        }
        None => crate::text::md_opt(lang, &r.method, &r.method_en),
    }
}

/// What a permission is used for; a permission whose use the policy does not state says so
/// rather than show an empty cell.
pub(crate) fn permission_purpose(lang: Lang, p: &gebao_core::manifest::Permission) -> String {
    let text = md(lang, &p.purpose, &p.purpose_en);
    if text.trim().is_empty() { c::NOT_STATED.get(lang).to_owned() } else { text }
}

/// Whether a field appears in a scenario.
pub(crate) fn scenario_uses(m: &Manifest, s: &Scenario, f: &Field) -> bool {
    scenario_fields(m, s).iter().any(|g| g.id == f.id)
}

/// What a recipient does with the data: its own words, or the names of our purposes it serves.
pub(crate) fn recipient_purpose(lang: Lang, m: &Manifest, r: &Recipient) -> Option<String> {
    if let Some(text) = crate::text::md_opt(lang, &r.purpose, &r.purpose_en) {
        return Some(crate::text::clause(&text));
    }
    let names: Vec<String> =
        r.purposes.iter().filter_map(|id| m.purpose(id.as_str())).map(|p| purpose(lang, p)).collect();
    (!names.is_empty()).then(|| join(lang, &names))
}

/// The fields a recipient receives, sensitive ones in bold.
pub(crate) fn recipient_fields(lang: Lang, m: &Manifest, r: &Recipient) -> Option<String> {
    field_list(lang, &fields(m, &r.fields))
}

/// The company behind a recipient.
pub(crate) fn recipient_company(lang: Lang, r: &Recipient) -> Option<String> {
    crate::text::md_opt(lang, &r.company, &r.company_en)
}

/// How to reach a recipient. PIPL 23 has users told the contact of every other processor
/// that receives their PI, so a missing one says "未说明" rather than leave the column out.
pub(crate) fn recipient_contact(lang: Lang, r: &Recipient) -> String {
    crate::text::md_opt(lang, &r.contact, &r.contact_en).unwrap_or_else(|| c::NOT_STATED.get(lang).to_owned())
}

/// How a recipient processes the data.
pub(crate) fn recipient_method(lang: Lang, r: &Recipient) -> Option<String> {
    crate::text::md_opt(lang, &r.method, &r.method_en).map(|t| crate::text::clause(&t))
}

/// A plain optional manifest string (no English variant in the model), escaped.
pub(crate) fn plain(text: &Option<String>) -> Option<String> {
    text.as_deref().map(esc).filter(|s| !s.trim().is_empty())
}

/// A name in the reader's language, escaped; the item's id when the name is a placeholder.
fn name_or_id(lang: Lang, zh: &str, en: &Option<String>, id: &str) -> String {
    let name = md(lang, zh, en);
    if name.trim().is_empty() { esc(id) } else { name }
}

/// What happens to entrusted data when the entrustment ends.
pub(crate) fn on_end(lang: Lang, e: gebao_core::manifest::OnEnd) -> &'static str {
    use crate::catalogue::sharing as sh;
    match e {
        gebao_core::manifest::OnEnd::Return => sh::ON_END_RETURN,
        gebao_core::manifest::OnEnd::Delete => sh::ON_END_DELETE,
    }
    .get(lang)
}

/// The recipients to list: a recipient whose name is a template placeholder ("XXX 服务供应商")
/// is a row left over from a template, not a recipient, and is left out.
pub(crate) fn recipients(m: &Manifest) -> Vec<&Recipient> {
    m.recipients.iter().filter(|r| !crate::md::is_placeholder(&r.name)).collect()
}

/// Whether a manifest text is a statement of its own rather than a short value (a place, a
/// path, a link) to put into a catalogue sentence.
pub(crate) fn is_statement(text: &str) -> bool {
    let t = text.trim();
    t.contains(['。', '；', ';']) || ["我们", "您的", "We ", "Our ", "Your "].iter().any(|p| t.starts_with(p))
}
