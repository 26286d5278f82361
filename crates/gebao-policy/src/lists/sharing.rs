//! 第三方共享清单: SDKs, other processors, entrusted processors and public disclosure, each
//! with company, purpose, fields, method, location, contact and policy link (PIPL 23;
//! SHR-01/04; 41391).

use super::head;
use crate::catalogue::{common as c, lists as k, sharing as sh};
use crate::md::{Rendered, Writer};
use crate::text::{country, label, md_opt, upper_first};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{Recipient, RecipientKind};
use gebao_core::text::{Lang, Text};

pub(crate) fn render(m: &Manifest, lang: Lang) -> Rendered {
    let mut w = Writer::new(lang);
    let title = head(&mut w, m, k::SHARING_TITLE, k::SHARING_LIST_INTRO);
    let listed = view::recipients(m);
    if listed.is_empty() {
        w.say(k::SHARING_LIST_EMPTY);
    }
    let groups: [(Text, &[RecipientKind]); 4] = [
        (sh::SEC_SDK, &[RecipientKind::Sdk]),
        (k::SEC_LIST_OTHERS, &[RecipientKind::ThirdParty, RecipientKind::Partner, RecipientKind::Affiliate]),
        (sh::SEC_ENTRUSTED, &[RecipientKind::Entrusted]),
        (k::SEC_LIST_DISCLOSURE, &[RecipientKind::PublicDisclosure]),
    ];
    for (heading, kinds) in groups {
        let list: Vec<&Recipient> = listed.iter().copied().filter(|r| kinds.contains(&r.kind)).collect();
        if list.is_empty() {
            continue;
        }
        w.plain_section(heading);
        let several_kinds = kinds.len() > 1;
        let rows: Vec<Vec<Option<String>>> = list
            .iter()
            .map(|r| {
                vec![
                    Some(view::recipient(lang, r)),
                    several_kinds.then(|| label(lang, r.kind.label())),
                    view::recipient_company(lang, r),
                    view::recipient_purpose(lang, m, r),
                    view::recipient_fields(lang, m, r),
                    view::recipient_method(lang, r),
                    Some(upper_first(&country(lang, &r.country))),
                    md_opt(lang, &r.contact, &r.contact_en),
                    view::plain(&r.policy_url),
                    (r.kind != RecipientKind::Entrusted)
                        .then(|| w.t(if r.separate_consent { c::YES } else { c::NO }).to_owned()),
                    r.contract.as_ref().and_then(|ct| md_opt(lang, &ct.period, &ct.period_en)),
                    r.contract.as_ref().and_then(|ct| ct.on_end).map(|e| view::on_end(lang, e).to_owned()),
                ]
            })
            .collect();
        w.table(
            &[
                sh::COL_RECIPIENT,
                sh::COL_KIND,
                sh::COL_COMPANY,
                sh::COL_RECIPIENT_PURPOSE,
                sh::COL_RECIPIENT_FIELDS,
                sh::COL_METHOD,
                sh::COL_LOCATION,
                sh::COL_CONTACT,
                sh::COL_POLICY,
                sh::COL_SEPARATE,
                sh::COL_TERM,
                sh::COL_ON_END,
            ],
            &rows,
        );
    }
    Rendered { title, markdown: w.finish() }
}
