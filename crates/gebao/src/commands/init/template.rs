//! The starter manifest: the necessary PI of the chosen app type for its basic function,
//! network logs kept for the legal six months, every right with a 15-working-day deadline,
//! and the organisational declarations the rules ask for. Comments tell the operator what
//! to change.

use chrono::NaiveDate;
use gebao_core::app_types::AppType;
use gebao_core::taxonomy::Category;
use std::fmt::Write;

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

struct StarterField {
    id: String,
    name: String,
    category: Category,
}

/// The fields of the basic function: one per necessary item and category of the NEC entry;
/// an account phone number for types outside the 39.
fn basic_fields(app_type: AppType) -> Vec<StarterField> {
    let Some(entry) = app_type.necessary_pi() else {
        return vec![StarterField { id: "phone".into(), name: "手机号码".into(), category: Category::Phone }];
    };
    let mut out: Vec<StarterField> = Vec::new();
    for (i, item) in entry.items.iter().enumerate() {
        for c in item.categories {
            let name = if item.categories.len() > 1 {
                format!("{}（{}）", item.text, c.name(gebao_core::text::Lang::ZhCn))
            } else {
                item.text.to_owned()
            };
            out.push(StarterField { id: format!("{}_{}", c.id().replace('-', "_"), i + 1), name, category: *c });
        }
    }
    out
}

pub fn starter(app_type: AppType, controller: &str, product: &str, date: NaiveDate) -> String {
    let fields = basic_fields(app_type);
    let sensitive = fields.iter().any(|f| f.category.pipl_sensitive(false));
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(w, "# gebao 个人信息保护清单（starter manifest）。");
    let _ = writeln!(w, "# 请把示例的公司信息、联系方式和期限改为贵公司的真实情况，然后运行 `gebao check`。");
    let _ = writeln!(w, "# Reference: docs/manifest.md; editor completion: `gebao schema > gebao.schema.json`.");
    let _ = writeln!(w, "schema_version = 1\n");

    let _ =
        writeln!(w, "[policy]\nversion = \"1.0\"\npublished = {date}\neffective = {date}\nlanguages = [\"zh-CN\"]\n");
    let _ = writeln!(
        w,
        "[policy.display]\n# 首次运行时弹窗展示，且从主界面4次点击内可达（APP19）\nfirst_run_popup = true\ntaps_from_home = 3\nplaces = [\"首次启动弹窗\", \"我的-设置-隐私政策\"]\n"
    );

    let _ = writeln!(
        w,
        "[controller]\nname = {}\nproduct = {}\napp_type = {}",
        q(controller),
        q(product),
        q(app_type.name_zh())
    );
    let _ = writeln!(w, "# address = \"公司注册地址\"（写在政策的“如何联系我们”中）\n");
    let _ = writeln!(w, "[controller.contact]\nemail = \"privacy@example.com\"\nin_app = \"我的-设置-帮助与反馈\"\n");
    let _ = writeln!(
        w,
        "[controller.officer]\nname = \"个人信息保护负责人\"\ncontact = {{ email = \"dpo@example.com\" }}\n"
    );
    let _ = writeln!(w, "[controller.complaints]\nemail = \"report@example.com\"\n");
    let _ = writeln!(
        w,
        "[organisation]\n# 处理个人信息的人数，以及定期合规审计（PIPL 54）\nindividuals = 10000\naudit_every = \"1 year\"\n"
    );
    let _ = writeln!(
        w,
        "[storage]\ncountries = [\"CN\"]\ndescription = \"中华人民共和国境内\"\nbackups_purged_within = \"30 days\"\n"
    );

    for f in &fields {
        let _ = writeln!(w, "[[fields]]\nid = {}\nname = {}\ncategory = {}", q(&f.id), q(&f.name), q(f.category.id()));
        if f.category.pipl_sensitive(false) {
            let _ = writeln!(
                w,
                "necessity = {}",
                q(&format!(
                    "{}的基本功能必需（《常见类型移动互联网应用程序必要个人信息范围规定》）",
                    app_type.name_zh()
                ))
            );
            let _ = writeln!(w, "impact = \"泄露可能导致财产损失或身份被冒用；我们加密存储并严格控制访问\"");
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(
        w,
        "[[fields]]\nid = \"network_log\"\nname = \"网络日志（IP地址、访问时间）\"\ncategory = \"network-identity\"\nsource = \"automatic\"\n"
    );

    if !fields.is_empty() {
        let ids: Vec<String> = fields.iter().map(|f| q(&f.id)).collect();
        let _ = writeln!(w, "[[purposes]]\nid = \"basic_service\"\nname = \"基本业务功能\"");
        let _ = writeln!(w, "description = {}", q(&format!("提供{}的基本功能服务", app_type.name_zh())));
        let _ = writeln!(
            w,
            "function = \"basic\"\nbasis = \"contract\"\nbasis_note = \"为订立、履行您作为一方当事人的服务合同所必需\""
        );
        let _ = writeln!(w, "fields = [{}]", ids.join(", "));
        let _ =
            writeln!(w, "retention = {{ period = \"30 days\", from = \"account-cancellation\", then = \"delete\" }}");
        if sensitive {
            let _ = writeln!(w, "pia = \"pia-basic\"");
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(
        w,
        "[[purposes]]\nid = \"security_logs\"\nname = \"网络安全日志\"\ndescription = \"记录网络日志以保障网络安全\"\nfunction = \"basic\"\nbasis = \"legal-obligation\""
    );
    let _ = writeln!(w, "basis_note = \"《网络安全法》要求网络日志留存不少于六个月\"\nfields = [\"network_log\"]");
    let _ =
        writeln!(w, "retention = {{ period = \"6 months\", legal_minimum = \"network-logs\", then = \"delete\" }}\n");

    if !fields.is_empty() {
        let _ = writeln!(
            w,
            "[[scenarios]]\nid = \"basic\"\nname = \"使用基本功能\"\npurposes = [\"basic_service\", \"security_logs\"]"
        );
        let _ = writeln!(
            w,
            "prompt = {}\n",
            q(&format!("为向您提供{}服务，我们需要收集必要的个人信息", app_type.name_zh()))
        );
    }

    let _ = writeln!(
        w,
        "[rights]\nchannel = \"我的-设置-隐私-个人信息管理\"\n# 由人工处理的更正、删除、注销和投诉，承诺时限不得超过15个工作日（APP19）\ndeadline = \"15 working days\"\n"
    );
    for k in ["access", "copy", "correction", "deletion", "restriction", "withdrawal", "explanation"] {
        let _ = writeln!(w, "[rights.{k}]");
    }
    let _ = writeln!(
        w,
        "[rights.portability]\nportability_conditions = [\"已验证身份\", \"基于同意或合同收集的信息\", \"技术可行\", \"不损害他人合法权益\"]"
    );
    let _ = writeln!(
        w,
        "[rights.cancellation]\nchannel = \"我的-设置-账号与安全-注销账号\"\nerase_within = \"15 working days\""
    );
    let _ = writeln!(w, "[rights.complaint]\nchannel = \"report@example.com\"\n");
    let _ = writeln!(w, "[rights.deceased]\nrelatives = true\n");

    let _ = writeln!(
        w,
        "[minors]\naudience = \"general\"\nguardian_consent_age = 14\nguardian_consent = \"verified\"\nteen_rule = \"own-consent\""
    );
    let _ = writeln!(
        w,
        "children_rules = \"《儿童个人信息保护规则》\"\nguardian_contact = \"children@example.com\"\nannual_audit = true\nstaff_access_controlled = true"
    );
    let _ = writeln!(w, "refusal_consequence = \"监护人拒绝同意的，儿童将无法注册账号\"\n");
    let _ = writeln!(
        w,
        "[minors.officer]\nname = \"儿童个人信息保护专员\"\ncontact = {{ email = \"children@example.com\" }}\n"
    );

    let _ = writeln!(
        w,
        "[protection]\nmeasures = [\"access-control\", \"encryption\", \"de-identification\", \"training\", \"logging\"]"
    );
    let _ = writeln!(w, "encryption = {{ sensitive_at_rest = true, in_transit = true }}\n");
    let _ = writeln!(
        w,
        "[protection.incident]\ncontact = \"security@example.com\"\nregulator = \"所在地省级网信部门\"\nnotify = [\"push\", \"sms\", \"announcement\"]\nreport_within = \"4 hours\"\n"
    );

    if sensitive {
        let _ =
            writeln!(w, "[[pia]]\nid = \"pia-basic\"\ndate = {date}\npurposes = [\"basic_service\"]\nrisk = \"low\"\n");
    }
    let _ = writeln!(
        w,
        "[changes]\nnotify = [\"pop-up\", \"push\"]\nreconsent_on_major = true\narchive = \"我的-设置-隐私政策-历史版本\"\n"
    );
    let _ = writeln!(w, "[changes.ownership_transfer]\nnotify_recipient = true\nreconsent_on_purpose_change = true\n");
    let _ = writeln!(
        w,
        "[termination]\nnotice = \"30 days\"\nnotify = [\"push\", \"announcement\"]\nstop_collection = true\nthen = \"delete\""
    );
    s
}
