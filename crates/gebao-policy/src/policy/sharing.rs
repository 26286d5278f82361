//! Chapter "how we share, entrust, transfer and publicly disclose your personal
//! information": other processors with separate consent (PIPL 23, SHR-01), SDKs (SHR-04),
//! entrusted processors (PIPL 21, SHR-02), the merger clause (PIPL 22, SHR-06), public
//! disclosure (PIPL 25, SHR-03) and deletion forwarded to recipients (PIPL 47, SHR-07).

use crate::catalogue::{common as c, sharing as k};
use crate::md::{Writer, bold};
use crate::text::{country, join_semi, label, upper_first};
use crate::view;
use gebao_core::Manifest;
use gebao_core::manifest::{Recipient, RecipientKind};

pub(super) fn write(w: &mut Writer, m: &Manifest) {
    let listed = view::recipients(m);
    let of = |kinds: &[RecipientKind]| -> Vec<&Recipient> {
        listed.iter().copied().filter(|r| kinds.contains(&r.kind)).collect()
    };
    let others = of(&[RecipientKind::ThirdParty, RecipientKind::Partner, RecipientKind::Affiliate]);
    let sdks = of(&[RecipientKind::Sdk]);
    let entrusted = of(&[RecipientKind::Entrusted]);
    let disclosed = of(&[RecipientKind::PublicDisclosure]);

    if others.is_empty() && sdks.is_empty() && entrusted.is_empty() {
        w.say(k::SHARING_NONE);
    } else {
        w.say(k::SHARING_INTRO);
    }
    processors(w, m, &others);
    sdk_list(w, m, &sdks);
    entrusted_list(w, m, &entrusted);
    transfer(w, m);
    disclosure(w, m, &disclosed);

    let all_forward_deletion = !m.recipients.is_empty() && m.recipients.iter().all(|r| r.deletion.is_some());
    w.para([Some(w.t(k::SHARING_LAW).to_owned()), all_forward_deletion.then(|| w.t(k::SHARING_DELETION).to_owned())]);
}

fn all_separate(list: &[&Recipient]) -> bool {
    list.iter().all(|r| r.separate_consent)
}

/// Third parties, partners and affiliates: processors in their own right.
fn processors(w: &mut Writer, m: &Manifest, list: &[&Recipient]) {
    if list.is_empty() {
        return;
    }
    let lang = w.lang;
    w.section(k::SEC_SHARE);
    w.para([Some(w.t(k::SHARE_INTRO).to_owned()), all_separate(list).then(|| w.t(k::SHARE_SEPARATE).to_owned())]);
    let rows: Vec<Vec<Option<String>>> = list
        .iter()
        .map(|r| {
            vec![
                Some(view::recipient(lang, r)),
                Some(label(lang, r.kind.label())),
                view::recipient_company(lang, r),
                view::recipient_purpose(lang, m, r),
                view::recipient_fields(lang, m, r),
                view::recipient_method(lang, r),
                Some(upper_first(&country(lang, &r.country))),
                Some(view::recipient_contact(lang, r)),
            ]
        })
        .collect();
    w.table(
        &[
            k::COL_RECIPIENT,
            k::COL_KIND,
            k::COL_COMPANY,
            k::COL_RECIPIENT_PURPOSE,
            k::COL_RECIPIENT_FIELDS,
            k::COL_METHOD,
            k::COL_LOCATION,
            k::COL_CONTACT,
        ],
        &rows,
    );
}

/// Third-party SDKs embedded in the app.
fn sdk_list(w: &mut Writer, m: &Manifest, list: &[&Recipient]) {
    if list.is_empty() {
        return;
    }
    let lang = w.lang;
    w.section(k::SEC_SDK);
    // Point to the SDKs' own policies only where the table links to them.
    let linked = list.iter().any(|r| r.policy_url.as_deref().is_some_and(|u| !u.trim().is_empty()));
    w.para([
        Some(w.t(k::SDK_INTRO).to_owned()),
        linked.then(|| w.t(k::SDK_POLICIES).to_owned()),
        all_separate(list).then(|| w.t(k::SDK_SEPARATE).to_owned()),
    ]);
    let rows: Vec<Vec<Option<String>>> = list
        .iter()
        .map(|r| {
            vec![
                Some(view::recipient(lang, r)),
                view::recipient_company(lang, r),
                view::recipient_purpose(lang, m, r),
                view::recipient_fields(lang, m, r),
                view::recipient_method(lang, r),
                Some(view::recipient_contact(lang, r)),
                view::plain(&r.policy_url),
            ]
        })
        .collect();
    w.table(
        &[
            k::COL_RECIPIENT,
            k::COL_COMPANY,
            k::COL_RECIPIENT_PURPOSE,
            k::COL_RECIPIENT_FIELDS,
            k::COL_METHOD,
            k::COL_CONTACT,
            k::COL_POLICY,
        ],
        &rows,
    );
}

/// Entrusted processors acting for us.
fn entrusted_list(w: &mut Writer, m: &Manifest, list: &[&Recipient]) {
    if list.is_empty() {
        return;
    }
    let lang = w.lang;
    w.section(k::SEC_ENTRUSTED);
    w.say(k::ENTRUSTED_INTRO);
    let rows: Vec<Vec<Option<String>>> = list
        .iter()
        .map(|r| {
            let contract = r.contract.as_ref();
            let on_end = contract.and_then(|ct| ct.on_end).map(|e| view::on_end(lang, e).to_owned());
            vec![
                Some(view::recipient(lang, r)),
                view::recipient_company(lang, r),
                view::recipient_purpose(lang, m, r),
                view::recipient_fields(lang, m, r),
                contract.and_then(|ct| crate::text::md_opt(lang, &ct.period, &ct.period_en)),
                on_end,
            ]
        })
        .collect();
    w.table(
        &[
            k::COL_RECIPIENT,
            k::COL_COMPANY,
            k::COL_RECIPIENT_PURPOSE,
            k::COL_RECIPIENT_FIELDS,
            k::COL_TERM,
            k::COL_ON_END,
        ],
        &rows,
    );
}

/// Transfer on a merger, division, dissolution or bankruptcy (PIPL 22).
fn transfer(w: &mut Writer, m: &Manifest) {
    w.section(k::SEC_TRANSFER);
    let t = m.changes.ownership_transfer.as_ref();
    // PIPL 22 binds whatever the policy says: the triggers, the recipient's name or name and
    // contact told to the user, the recipient bound by the duties. The manifest's promises
    // (notice before the transfer, new consent on a change of purpose) come on top.
    w.para([
        Some(w.t(k::TRANSFER_TRIGGERS).to_owned()),
        t.filter(|t| t.notify_before).map(|_| w.t(k::TRANSFER_NOTIFY_BEFORE).to_owned()),
        Some(w.t(k::TRANSFER_DUTY).to_owned()),
        t.filter(|t| t.reconsent_on_purpose_change).map(|_| w.t(k::TRANSFER_RECONSENT).to_owned()),
        Some(w.t(k::TRANSFER_OTHERWISE).to_owned()),
    ]);
}

/// Public disclosure (PIPL 25).
fn disclosure(w: &mut Writer, m: &Manifest, list: &[&Recipient]) {
    let lang = w.lang;
    w.section(k::SEC_DISCLOSURE);
    if list.is_empty() {
        w.say(k::DISCLOSURE_NONE);
        return;
    }
    w.say(if all_separate(list) { k::DISCLOSURE_SEPARATE_INTRO } else { k::DISCLOSURE_INTRO });
    let items: Vec<String> = list
        .iter()
        .map(|r| {
            let details: Vec<String> = [view::recipient_fields(lang, m, r), view::recipient_purpose(lang, m, r)]
                .into_iter()
                .flatten()
                .collect();
            let name = bold(&view::recipient(lang, r));
            w.f(c::LABELLED, &[("label", &name), ("value", &join_semi(lang, &details))]).unwrap_or(name)
        })
        .collect();
    w.bullets(&items);
}
