//! `gebao init`: writes a starter manifest for an app type that passes `gebao check`.

use crate::{Outcome, out};
use anyhow::{Context, Result, bail};
use gebao_core::app_types::AppType;
use gebao_core::diagnostic::did_you_mean;
use gebao_core::text::Lang;
use std::path::PathBuf;

mod from_apk;
mod template;

#[derive(clap::Args)]
pub struct Args {
    /// The app type: one of the 39 types of the necessary-PI rules (e.g. 网络社区 or
    /// online-community), or `other`. See `--list-types`.
    #[arg(long, short = 't', required_unless_present = "list_types")]
    app_type: Option<String>,
    /// The operator's legal name.
    #[arg(long, default_value = "示例科技有限公司")]
    controller: String,
    /// The product's name.
    #[arg(long, default_value = "示例应用")]
    product: String,
    /// Where to write the manifest.
    #[arg(long, short = 'o', default_value = crate::input::DEFAULT_MANIFEST)]
    output: PathBuf,
    /// Print to standard output instead of writing a file.
    #[arg(long)]
    stdout: bool,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
    /// The policy's publication date (YYYY-MM-DD); defaults to today in Asia/Shanghai.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// List the app types and exit.
    #[arg(long)]
    list_types: bool,
    /// Draft from an Android package: its SDKs become recipients and its permissions
    /// permissions and scenarios, each marked for you to complete.
    #[arg(long, value_name = "FILE.apk")]
    from_apk: Option<PathBuf>,
    /// The SDK catalogue for --from-apk (default: the built-in one).
    #[arg(long, value_name = "FILE", requires = "from_apk")]
    catalogue: Option<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    if args.list_types {
        for t in AppType::NEC.into_iter().chain([AppType::Other]) {
            let needs = match t.necessary_pi() {
                Some(e) if e.needs_no_pi() => {
                    if lang == Lang::ZhCn {
                        "基本功能无须个人信息"
                    } else {
                        "basic function needs no PI"
                    }
                }
                Some(_) => "",
                None => "",
            };
            out::line(format!("{:<8} {:<40} {needs}", t.name_zh(), t.name_en()))?;
        }
        return Ok(Outcome::Ok);
    }
    let raw = args.app_type.as_deref().unwrap_or_default();
    let app_type = parse_app_type(raw, lang)?;
    let date = args.date.unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive());
    let mut text = template::starter(app_type, &args.controller, &args.product, date);
    if let Some(apk) = &args.from_apk {
        let max = gebao_scan::Limits::default().max_entry_bytes;
        let human = super::check::Format::Human;
        let Some(scan) = super::scan::scan_or_report(apk, args.catalogue.as_deref(), max, human, lang)? else {
            return Ok(Outcome::BadInput);
        };
        text.push_str(&from_apk::sections(&scan, &apk.display().to_string()));
    }
    if args.stdout {
        out::line(text.trim_end())?;
        return Ok(Outcome::Ok);
    }
    if args.output.exists() && !args.force {
        bail!(if lang == Lang::ZhCn {
            format!("`{}` 已存在：如需覆盖请加 --force，或用 -o 指定其他文件", args.output.display())
        } else {
            format!("`{}` exists: pass --force to overwrite it, or -o to write elsewhere", args.output.display())
        });
    }
    std::fs::write(&args.output, text).with_context(|| format!("cannot write `{}`", args.output.display()))?;
    let p = args.output.display();
    out::line(if lang == Lang::ZhCn {
        format!(
            "已生成 {p}（{}）。下一步：修改其中的公司信息，然后运行 `gebao check {p}` 和 `gebao render {p}`",
            app_type.name_zh()
        )
    } else {
        format!(
            "wrote {p} ({}). Next: edit the company details, then run `gebao check {p}` and `gebao render {p}`",
            app_type.name_en()
        )
    })?;
    Ok(Outcome::Ok)
}

fn parse_app_type(raw: &str, lang: Lang) -> Result<AppType> {
    if let Ok(t) = serde_json::from_value::<AppType>(serde_json::Value::String(raw.trim().to_owned())) {
        return Ok(t);
    }
    let names: Vec<&str> = AppType::NEC.iter().flat_map(|t| [t.name_zh(), t.name_en()]).chain(["other"]).collect();
    let hint = did_you_mean(raw, names.iter().copied())
        .map(|b| if lang == Lang::ZhCn { format!("是否想写 `{b}`？") } else { format!("did you mean `{b}`?") })
        .unwrap_or_else(|| {
            if lang == Lang::ZhCn {
                "运行 `gebao init --list-types` 查看全部类型".into()
            } else {
                "run `gebao init --list-types` to see them all".into()
            }
        });
    bail!(if lang == Lang::ZhCn {
        format!("未知的应用类型 `{raw}`：{hint}")
    } else {
        format!("unknown app type `{raw}`: {hint}")
    })
}
