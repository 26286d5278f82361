//! NEC art. 5 data. Rows marked `Verified` were read in the regulation's text; the others
//! are marked `Unconfirmed` and `gebao check` says so when it relies on them.

use super::{AppType, Confirmation, NecEntry, NecessaryItem};
use crate::taxonomy::Category as C;

const PHONE: NecessaryItem = NecessaryItem { text: "注册用户移动电话号码", categories: &[C::Phone] };

pub static NECESSARY_PI: &[NecEntry] = &[
    NecEntry {
        app_type: AppType::OnlineCommunity,
        basic_function: "博客、论坛、社区等话题讨论、信息分享和关注互动",
        items: &[PHONE],
        confirmation: Confirmation::Verified(&["toudeng.cc/archives/35252", "czwb.bohaitoday.com 2021-03-23"]),
    },
];
