//! The bilingual label tables of the server's pages (the privacy centre's and the console's
//! `ui.rs`): one declaration per label, its zh-CN and English text side by side.

/// Declares `Ui`, the labels in one language (`Ui::of(lang)`), and, for the tests, `ALL`:
/// every label as (name, zh-CN, English).
macro_rules! labels {
    ($($name:ident: $zh:expr, $en:expr;)*) => {
        /// The labels, in one language.
        #[derive(Debug, Clone, Copy)]
        pub struct Ui {
            $(pub $name: &'static str,)*
        }

        impl Ui {
            pub fn of(lang: Lang) -> Ui {
                match lang {
                    Lang::ZhCn => Ui { $($name: $zh,)* },
                    Lang::En => Ui { $($name: $en,)* },
                }
            }
        }

        /// Every label: (name, zh-CN, English), for the tests.
        #[cfg(test)]
        const ALL: &[(&str, &str, &str)] = &[$((stringify!($name), $zh, $en),)*];
    };
}

pub(crate) use labels;
