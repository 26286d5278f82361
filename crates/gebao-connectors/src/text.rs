//! The fixed sentences of this crate that people read, zh-CN first, English second.

use gebao_core::text::Text;

/// Title of the human-readable copy of a subject's data.
pub const EXPORT_TITLE: Text = Text::new("您的个人信息副本", "A copy of your personal information");
/// Introduction of the copy.
pub const EXPORT_INTRO: Text = Text::new(
    "以下是我们在各数据库中保存的与您有关的全部个人信息，按数据集和数据表列出。机器可读的版本见同一压缩包中的 data.json 和 CSV 文件，可用于转移至其他个人信息处理者。",
    "Below is all the personal information about you that we hold in our databases, by dataset and table. The machine-readable version is in data.json and the CSV files of the same archive, for transfer to another handler.",
);
/// Label of the subject id line.
pub const SUBJECT: Text = Text::new("用户标识", "User id");
/// Label of the generation time.
pub const GENERATED_AT: Text = Text::new("生成时间", "Generated at");
/// Shown for a table with no rows of the subject.
pub const NO_ROWS: Text = Text::new("无记录", "No records");
/// Label of the key column of a table.
pub const RECORD_ID: Text = Text::new("记录编号", "Record id");
/// Label of the column that links a row to the subject.
pub const SUBJECT_LINK: Text = Text::new("用户标识", "User id");
/// Label of the column that links a row to its parent row.
pub const PARENT_LINK: Text = Text::new("关联记录", "Related record");
/// A held row whose purpose declares no legal minimum.
pub const HELD_BY_PURPOSE: Text =
    Text::new("依法保留：限制处理，未删除", "kept under legal hold: restricted instead of deleted");
/// A row kept because its parent row is held.
pub const HELD_WITH_PARENT: Text = Text::new(
    "所属记录依法保留，本记录一并保留：限制处理，未删除",
    "kept with the held record it belongs to: restricted instead of deleted",
);
/// A row kept because held rows refer to it; its personal information is erased.
pub const KEPT_FOR_REFERENCE: Text = Text::new(
    "依法保留的记录引用了本记录：已删除其中的个人信息，仅保留标识",
    "held records refer to this record: its personal information is erased and only its id is kept",
);
/// The SQLite write-ahead log was emptied after an erasure.
pub const WAL_TRUNCATED: Text = Text::new(
    "预写日志（WAL）已清空：其中不再留有被删除数据的旧副本",
    "the write-ahead log (WAL) was emptied: it holds no earlier copy of the erased data",
);
/// The SQLite write-ahead log could not be emptied after an erasure.
pub const WAL_NOT_TRUNCATED: Text = Text::new(
    "删除已提交，但预写日志（WAL）仍被其他连接占用，未能清空：被删除数据的旧副本可能留在 -wal 文件中，直到下一次检查点；请稍后再次执行该请求（重复执行不会改变已删除的数据）",
    "the erasure is committed, but other connections kept the write-ahead log (WAL) in use, so it was not emptied: earlier copies of the erased data may stay in the -wal file until the next checkpoint; run the request again later (running it again changes nothing already erased)",
);

/// Every entry, for the completeness test.
#[cfg(test)]
pub const ALL: [Text; 13] = [
    EXPORT_TITLE,
    EXPORT_INTRO,
    SUBJECT,
    GENERATED_AT,
    NO_ROWS,
    RECORD_ID,
    SUBJECT_LINK,
    PARENT_LINK,
    HELD_BY_PURPOSE,
    HELD_WITH_PARENT,
    KEPT_FOR_REFERENCE,
    WAL_TRUNCATED,
    WAL_NOT_TRUNCATED,
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_text_has_both_languages() {
        for t in super::ALL {
            assert!(!t.zh.trim().is_empty() && !t.en.trim().is_empty(), "{t:?}");
        }
    }
}
