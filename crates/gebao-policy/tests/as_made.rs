//! The policy says what the manifest says, no more and no less (issue 10, part 4): "立即" is a
//! moment, a deadline's clock starts where the manifest says, a retention floor stays a floor,
//! storage that may be abroad is not rendered as storage abroad, a recipient's unstated place
//! is not invented, and the scope, version and transfer clauses are there.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

use gebao_core::Manifest;
use gebao_core::duration::Duration;
use gebao_core::manifest::DeadlineStart;
use gebao_policy::{Document, Format, Lang, render};

fn clean() -> Manifest {
    gebao_core::load_manifest(include_str!("../../gebao-core/src/rules/testdata/clean.toml"))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn policy(m: &Manifest, lang: Lang) -> String {
    render(m, Document::Policy, lang, Format::Markdown)
}

fn both(m: &Manifest) -> (String, String) {
    (policy(m, Lang::ZhCn), policy(m, Lang::En))
}

#[test]
fn immediately_is_a_moment_not_a_period() {
    let mut m = clean();
    m.rights.cancellation.as_mut().unwrap().erase_within = Some(Duration::parse("立即").unwrap());
    let (zh, en) = both(&m);
    assert!(zh.contains("账号注销后，我们会立即删除您的个人信息"), "{zh}");
    assert!(en.contains("After cancellation we immediately delete or anonymise"), "{en}");
    assert!(!zh.contains("在立即内") && !en.contains("within immediately"));
}

#[test]
fn deadlines_count_from_receipt_unless_the_manifest_says_verification() {
    let mut m = clean();
    let (zh, en) = both(&m);
    assert!(zh.contains("我们会在收到您的请求后15个工作日内答复。"), "{zh}");
    assert!(en.contains("We reply within 15 working days of receiving your request."), "{en}");
    assert!(!zh.contains("验证身份后") && !en.contains("verifying your identity."));

    m.rights.copy.as_mut().unwrap().deadline_from = Some(DeadlineStart::Verification);
    let (zh, en) = both(&m);
    assert_eq!(zh.matches("我们会在验证您的身份后15个工作日内答复。").count(), 1, "{zh}");
    assert_eq!(en.matches("We reply within 15 working days of verifying your identity.").count(), 1, "{en}");

    m.rights.deadline_from = DeadlineStart::Verification;
    let zh = policy(&m, Lang::ZhCn);
    assert!(zh.contains("我们会在验证您的身份后15个工作日内答复您的问题。"), "the contact chapter follows [rights]");
}

#[test]
fn a_retention_floor_stays_a_floor() {
    let mut m = clean();
    let logs = m.purposes.iter_mut().find(|p| p.id.as_str() == "security_logs").unwrap();
    let r = logs.retention.as_mut().unwrap();
    r.period = Some(Duration::parse("6 months").unwrap());
    r.at_least = true;
    let (zh, en) = both(&m);
    assert!(zh.contains("保存期限：自收集之日起不少于6个月。"), "{zh}");
    assert!(zh.contains("| 自收集之日起不少于6个月 |"), "{zh}");
    assert!(zh.contains("不再需要保存时，我们会对上述信息进行"), "{zh}");
    assert!(en.contains("Retention: at least 6 months from collection."), "{en}");
    assert!(en.contains("| At least 6 months from collection |"), "{en}");
}

#[test]
fn storage_that_may_be_abroad_is_not_storage_abroad() {
    let mut m = clean();
    m.storage.countries = vec!["CN".into(), "ZZ".into()];
    m.storage.description = None;
    m.storage.abroad_possible = true;
    let (zh, en) = both(&m);
    assert!(zh.contains("您的个人信息可能存储于中华人民共和国境外"), "{zh}");
    assert!(!zh.contains("您的个人信息存储于中华人民共和国境外"), "{zh}");
    assert!(en.contains("Your personal information may be stored outside mainland China"), "{en}");
    m.storage.abroad_possible = false;
    assert!(policy(&m, Lang::ZhCn).contains("您的个人信息存储于中华人民共和国境外"));
}

#[test]
fn an_unstated_place_of_processing_is_not_invented() {
    let mut m = clean();
    for r in &mut m.recipients {
        r.country = String::new();
    }
    let zh = render(&m, Document::SharingList, Lang::ZhCn, Format::Markdown);
    let en = render(&m, Document::SharingList, Lang::En, Format::Markdown);
    assert!(zh.contains("| 未说明 |") && !zh.contains("中华人民共和国境内"), "{zh}");
    assert!(en.contains("| Not stated |") && !en.contains("Mainland China"), "{en}");
}

#[test]
fn every_processor_has_a_contact_column() {
    let mut m = clean();
    for r in &mut m.recipients {
        r.contact = None;
    }
    let zh = policy(&m, Lang::ZhCn);
    let sdk = zh.split("### （一）第三方SDK").nth(1).unwrap();
    let header = sdk.lines().find(|l| l.starts_with("| 名称")).unwrap();
    assert!(header.contains("| 联系方式 |"), "{header}");
    assert!(sdk.lines().nth(6).is_some_and(|row| row.contains("| 未说明 |")), "{sdk}");
}

#[test]
fn sdk_policies_are_pointed_to_only_when_linked() {
    let mut m = clean();
    let zh = policy(&m, Lang::ZhCn);
    assert!(zh.contains("详情请阅读下表所列的SDK隐私政策。"));
    for r in &mut m.recipients {
        r.policy_url = None;
    }
    let (zh, en) = both(&m);
    assert!(!zh.contains("隐私政策。详情") && !zh.contains("详情请阅读"), "{zh}");
    assert!(!en.contains("see the SDK privacy policies"), "{en}");
}

#[test]
fn the_transfer_clause_names_its_triggers_and_the_recipients_duty() {
    let mut m = clean();
    m.changes.ownership_transfer = None;
    let (zh, en) = both(&m);
    assert!(zh.contains(
        "因合并、分立、解散、被宣告破产等原因需要转移您的个人信息的，我们会向您告知接收方的名称或者姓名和联系方式。"
    ));
    assert!(zh.contains("接收方应当继续履行个人信息处理者的义务。"));
    assert!(en.contains("because of a merger, division, dissolution, bankruptcy or a similar reason"));
    assert!(!zh.contains("我们会在转移前通知您"));
}

#[test]
fn scope_and_version_are_stated() {
    let mut m = clean();
    m.policy.scope = Some("示例社区App及示例网站".into());
    m.policy.scope_en = Some("the Example Community app and the Example website".into());
    m.policy.version = None;
    let (zh, en) = both(&m);
    assert!(zh.contains("本政策适用于示例社区App及示例网站。"), "{zh}");
    assert!(en.contains("This policy applies to the Example Community app and the Example website."), "{en}");
    let published = m.policy.published.unwrap().format("%Y年%-m月%-d日").to_string();
    assert!(zh.contains(&format!("- 版本：{published}版")), "{zh}");
}

#[test]
fn a_channel_that_says_via_is_not_doubled() {
    let mut m = clean();
    m.rights.cancellation.as_mut().unwrap().channel = Some("通过客服热线申请".into());
    let zh = policy(&m, Lang::ZhCn);
    assert!(zh.contains("您可以通过“客服热线申请”行使该权利。"), "{zh}");
    assert!(!zh.contains("通过“通过"));
}

#[test]
fn a_permission_without_a_stated_use_says_so() {
    let mut m = clean();
    m.permissions[0].purpose = String::new();
    let zh = render(&m, Document::PermissionList, Lang::ZhCn, Format::Markdown);
    let camera = zh.lines().find(|l| l.starts_with("| 相机")).unwrap();
    assert!(camera.starts_with("| 相机（摄像头） | 未说明 |"), "{camera}");
}

#[test]
fn a_promise_of_new_consent_for_new_uses_is_printed_only_when_made() {
    let mut m = clean();
    assert!(!policy(&m, Lang::ZhCn).contains("本政策未载明的其他目的"));
    m.changes.new_use_consent = true;
    let (zh, en) = both(&m);
    assert!(zh.contains("如我们需要将您的个人信息用于本政策未载明的其他目的，或者收集本政策未载明的个人信息，我们会事先告知您并重新征得您的同意。"));
    assert!(en.contains("Before we use your personal information for a purpose this policy does not state"));
}
