//! Sensitive PI: separate consent, encryption, face recognition (PIPL 28–32, 51; FACE;
//! GB/T 35273 6.3).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Field, Manifest};
use crate::taxonomy::Category;
use crate::text::Text as B;
use std::collections::BTreeMap;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Sen01,
        severity: Error,
        source: "PIPL 29",
        binding: "PIPL 29",
        force: Force::Law,
        title: B::new(
            "基于同意处理敏感个人信息的，取得个人的单独同意",
            "Processing sensitive PI on consent needs a separate consent",
        ),
        message: B::new(
            "处理目的 `{purpose}` 基于同意处理敏感个人信息（{fields}），但没有取得单独同意",
            "purpose `{purpose}` processes sensitive PI ({fields}) on consent without a separate consent",
        ),
        hint: B::new(
            "设置 consent.separate = true，并以独立的一步征得同意（obtained_by = \"prompt\"）",
            "set `consent.separate = true` and ask in a step of its own (`obtained_by = \"prompt\"`)",
        ),
    },
    Rule {
        id: RuleId::Sen02,
        severity: Error,
        source: "35273 6.3; PIPL 51",
        binding: "PIPL 51",
        force: Force::Law,
        title: B::new("敏感个人信息加密存储", "Sensitive PI is stored encrypted"),
        message: B::new(
            "{category}（{fields}）是敏感个人信息，但没有声明加密存储",
            "{category} ({fields}) is sensitive PI but is not declared encrypted at rest",
        ),
        hint: B::new(
            "在 [protection.encryption] 中设置 sensitive_at_rest = true，或把 \"{category_id}\" 加入 categories",
            "set `sensitive_at_rest = true` in [protection.encryption], or add \"{category_id}\" to its `categories`",
        ),
    },
    Rule {
        id: RuleId::Sen03,
        severity: Error,
        source: "FACE",
        binding: "FACE",
        force: Force::DepartmentalRule,
        title: B::new(
            "人脸识别取得单独同意，并提供其他验证方式，不作为唯一验证方式",
            "Face recognition: a separate consent, and another way to verify so that face is never the only one",
        ),
        message: B::new("人脸识别：{what}", "face recognition: {what}"),
        hint: B::new(
            "在 [protection.face] 中填写 alternative（如短信验证码、人工审核），并为使用人脸信息的处理目的设置 consent.separate = true",
            "fill in `alternative` in [protection.face] (e.g. an SMS code or a manual review) and set `consent.separate = true` on the purposes that use face data",
        ),
    },
    Rule {
        id: RuleId::Sen04,
        severity: Error,
        source: "FACE 15",
        binding: "FACE 15",
        force: Force::DepartmentalRule,
        title: B::new(
            "存储人脸信息达到10万人的，30个工作日内向省级以上网信部门备案",
            "Stored face data of 100,000 individuals is filed with the provincial CAC within 30 working days",
        ),
        message: B::new("人脸信息备案：{what}", "face data filing: {what}"),
        hint: B::new(
            "在 [protection.face] 中填写 individuals_stored；达到10万人的，自达到之日起30个工作日内向所在地省级以上网信部门备案（附个人信息保护影响评估报告），变更的也在30个工作日内办理变更，并填写 filed",
            "fill in `individuals_stored` in [protection.face]; at 100,000 or more, file with the provincial CAC within 30 working days of reaching it (with the impact assessment), re-file changes within 30 working days, and set `filed`",
        ),
    },
    Rule {
        id: RuleId::Sen05,
        severity: Warning,
        source: "35273 6.3",
        binding: "35273 6.3",
        force: Force::RecommendedStandard,
        title: B::new(
            "生物识别原始数据在验证后不予保留，只保留模板或摘要",
            "Raw biometric data is not kept after verification: templates or digests only",
        ),
        message: B::new(
            "验证完成后仍保留人脸原始图像（raw_images_kept = true）",
            "raw face images are kept after verification (`raw_images_kept = true`)",
        ),
        hint: B::new(
            "验证完成后删除原始图像，只保留特征模板或摘要，并设置 raw_images_kept = false",
            "delete raw images once verified, keep only templates or digests, and set `raw_images_kept = false`",
        ),
    },
];

/// FACE 15: filing is due once stored face data covers this many individuals.
const FACE_FILING_THRESHOLD: u64 = 100_000;

/// Words that mark a biometric field as face data.
const FACE_WORDS: [&str; 6] = ["face", "facial", "人脸", "面部", "脸部", "刷脸"];

/// Biometric fields that hold face data: named so, or, when the manifest declares face
/// recognition but names no field so, every biometric field.
fn face_fields(m: &Manifest) -> Vec<&Field> {
    let biometric: Vec<&Field> = m.fields.iter().filter(|f| f.category == Category::Biometric).collect();
    let named: Vec<&Field> = biometric
        .iter()
        .copied()
        .filter(|f| {
            let text = format!("{} {} {}", f.id, f.name, f.name_en.as_deref().unwrap_or_default()).to_lowercase();
            FACE_WORDS.iter().any(|w| text.contains(w))
        })
        .collect();
    if named.is_empty() && m.protection.face.is_some() { biometric } else { named }
}

fn list(ids: &[&str]) -> String {
    ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    // SEN-01 (PIPL 29)
    for (i, p) in m.purposes.iter().enumerate() {
        if !p.needs_consent() || p.consent.separate {
            continue;
        }
        let sensitive: Vec<&str> = m.sensitive_fields_of(p).map(|f| f.id.as_str()).collect();
        if !sensitive.is_empty() {
            cx.report(
                RuleId::Sen01,
                format!("purposes[{i}].consent.separate"),
                &[("purpose", p.id.as_str()), ("fields", &list(&sensitive))],
            );
        }
    }

    // SEN-02 (35273 6.3; PIPL 51): per category, since encryption is declared per category.
    let enc = &m.protection.encryption;
    if !enc.sensitive_at_rest {
        let mut open: BTreeMap<Category, Vec<&str>> = BTreeMap::new();
        for f in m.fields.iter().filter(|f| f.is_sensitive() && m.purposes_using(&f.id).next().is_some()) {
            if !enc.categories.contains(&f.category) {
                open.entry(f.category).or_default().push(f.id.as_str());
            }
        }
        for (cat, fields) in open {
            let label = cat.label();
            cx.report_bilingual(
                RuleId::Sen02,
                "protection.encryption.categories",
                &[("fields", &list(&fields)), ("category_id", cat.id())],
                &[("category", label.zh, label.en)],
            );
        }
    }

    face(cx);
}

/// SEN-03 (FACE), SEN-04 (FACE 15), SEN-05 (35273 6.3).
fn face(cx: &mut Ctx<'_>) {
    let m = cx.m;
    let faces = face_fields(m);
    let used: Vec<&Field> = faces.iter().copied().filter(|f| m.purposes_using(&f.id).next().is_some()).collect();

    match &m.protection.face {
        None if !used.is_empty() => {
            let ids: Vec<&str> = used.iter().map(|f| f.id.as_str()).collect();
            let zh =
                format!("使用了人脸信息（{}），但没有在 [protection.face] 中声明人脸识别以外的验证方式", list(&ids));
            let en =
                format!("face data is used ({}) but [protection.face] declares no other way to verify", list(&ids));
            cx.report_bilingual(RuleId::Sen03, "protection", &[], &[("what", &zh, &en)]);
        }
        None => {}
        Some(face) => {
            if !filled(face.alternative.as_deref()) {
                cx.report_bilingual(
                    RuleId::Sen03,
                    "protection.face.alternative",
                    &[],
                    &[(
                        "what",
                        "没有提供人脸识别以外的验证方式，人脸识别成了唯一的验证方式",
                        "no way to verify other than face recognition is offered, so face is the only method",
                    )],
                );
            }
            match face.individuals_stored {
                // FACE 15 binds at 100,000: an undeclared count is a question, not an error.
                None => cx.report_at(RuleId::Sen04, Info, "protection.face.individuals_stored", &[], &[("what", "请确认存储人脸信息的人数是否达到10万人（清单没有声明 individuals_stored）", "confirm whether face data of 100,000 individuals or more is stored (the manifest does not declare `individuals_stored`)")]),
                Some(n) if n >= FACE_FILING_THRESHOLD && face.filed.is_none() => {
                    let zh = format!("存储了 {n} 人的人脸信息，已达到10万人，但没有记录备案日期（filed）");
                    let en = format!("face data of {n} individuals is stored, 100,000 or more, but no filing date (`filed`) is recorded");
                    cx.report_bilingual(RuleId::Sen04, "protection.face.filed", &[], &[("what", &zh, &en)]);
                }
                Some(_) => {}
            }
            if face.raw_images_kept {
                cx.report(RuleId::Sen05, "protection.face.raw_images_kept", &[]);
            }
        }
    }

    // Separate consent for face data: SEN-01 already reports purposes whose face fields are
    // sensitive; this catches face data whose sensitivity was overridden.
    for (i, p) in m.purposes.iter().enumerate() {
        if !p.needs_consent() || p.consent.separate || m.sensitive_fields_of(p).next().is_some() {
            continue;
        }
        if let Some(f) = used.iter().find(|f| p.fields.contains(&f.id)) {
            let zh = format!("处理目的 `{}` 基于同意处理人脸信息 `{}`，但没有取得单独同意", p.id, f.id);
            let en = format!("purpose `{}` processes face data `{}` on consent without a separate consent", p.id, f.id);
            cx.report_bilingual(RuleId::Sen03, format!("purposes[{i}].consent.separate"), &[], &[("what", &zh, &en)]);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};
    use crate::taxonomy::Category;

    /// Adds a face field used by the consent-based, separately consented `nearby` purpose.
    fn with_face(m: &mut Manifest) {
        let mut f = m.fields[3].clone();
        f.id = "face_image".into();
        f.name = "人脸图像".into();
        f.name_en = Some("Face image".into());
        f.category = Category::Biometric;
        m.fields.push(f);
        m.purposes[3].fields.push("face_image".into());
    }

    fn face(alternative: Option<&str>, individuals: Option<u64>) -> FaceRecognition {
        FaceRecognition {
            alternative: alternative.map(Into::into),
            individuals_stored: individuals,
            filed: None,
            raw_images_kept: false,
        }
    }

    /// Face recognition declared as FACE asks.
    fn compliant_face(m: &mut Manifest) {
        with_face(m);
        m.protection.face = Some(face(Some("短信验证码"), Some(5_000)));
    }

    #[test]
    fn sen_01() {
        assert_rule(RuleId::Sen01, |m| m.purposes[3].consent.separate = false);
        // Sensitive data on a basis other than consent needs no consent at all.
        assert_quiet(RuleId::Sen01, |m| {
            m.purposes[3].consent.separate = false;
            m.purposes[3].basis = LegalBasis::LegalObligation;
        });
    }

    #[test]
    fn sen_02() {
        assert_rule(RuleId::Sen02, |m| m.protection.encryption.sensitive_at_rest = false);
        assert_quiet(RuleId::Sen02, |m| {
            m.protection.encryption.sensitive_at_rest = false;
            m.protection.encryption.categories = vec![Category::Location];
        });
    }

    #[test]
    fn sen_03() {
        assert_rule(RuleId::Sen03, with_face);
        assert_rule(RuleId::Sen03, |m| {
            compliant_face(m);
            if let Some(f) = &mut m.protection.face {
                f.alternative = None;
            }
        });
        // Face data whose sensitivity was overridden still needs a separate consent.
        assert_rule(RuleId::Sen03, |m| {
            compliant_face(m);
            let n = m.fields.len() - 1;
            m.fields[n].sensitive = Some(false);
            m.purposes[3].fields.retain(|f| f.as_str() == "face_image");
            m.purposes[3].consent.separate = false;
        });
        assert_quiet(RuleId::Sen03, compliant_face);
    }

    #[test]
    fn sen_04() {
        assert_rule(RuleId::Sen04, |m| {
            compliant_face(m);
            m.protection.face = Some(face(Some("短信验证码"), Some(150_000)));
        });
        // FACE 15 binds at 100,000: an undeclared count is a question (info), not an error.
        let f = crate::rules::tests::findings_of(RuleId::Sen04, |m| {
            compliant_face(m);
            m.protection.face = Some(face(Some("短信验证码"), None));
        });
        assert!(f.len() == 1 && f[0].severity == crate::rules::Severity::Info, "{f:#?}");
        assert!(f[0].message_zh.contains("请确认") && f[0].message_en.contains("confirm"), "{f:#?}");
        assert_quiet(RuleId::Sen04, |m| {
            compliant_face(m);
            let mut f = face(Some("短信验证码"), Some(150_000));
            f.filed = chrono::NaiveDate::from_ymd_opt(2025, 12, 1);
            m.protection.face = Some(f);
        });
        assert_quiet(RuleId::Sen04, compliant_face);
    }

    #[test]
    fn sen_05() {
        assert_rule(RuleId::Sen05, |m| {
            compliant_face(m);
            if let Some(f) = &mut m.protection.face {
                f.raw_images_kept = true;
            }
        });
        assert_quiet(RuleId::Sen05, compliant_face);
    }
}
