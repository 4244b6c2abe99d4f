//! Message catalogues: Simplified Chinese (the default) and English. Every string a page shows comes
//! from `locales/*.txt` (`key = text` lines); the locale is passed explicitly, never process-global.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" => Some(Self::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Self::En),
            _ => None,
        }
    }

    /// The first language of an Accept-Language header that we speak (weights are ordered by browsers).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header.split(',').find_map(|part| {
            let tag = part.split(';').next()?.trim().to_ascii_lowercase();
            if tag.starts_with("zh") {
                Some(Self::ZhCn)
            } else if tag.starts_with("en") {
                Some(Self::En)
            } else {
                None
            }
        })
    }

    /// The text for `key`; a missing key shows itself (and a unit test keeps that from shipping).
    pub fn t(self, key: &'static str) -> &'static str {
        catalogue(self).get(key).copied().unwrap_or(key)
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn fill(self, key: &'static str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The text for a key built at run time (e.g. `org.kind.` + a kind), or the key itself.
    pub fn t_dyn(self, key: &str) -> String {
        catalogue(self)
            .get(key)
            .map(|text| (*text).to_string())
            .unwrap_or_else(|| key.to_string())
    }
}

type Catalogue = HashMap<&'static str, &'static str>;

static ZH_CN: LazyLock<Catalogue> =
    LazyLock::new(|| parse(include_str!("../../locales/zh-CN.txt")));
static EN: LazyLock<Catalogue> = LazyLock::new(|| parse(include_str!("../../locales/en.txt")));

pub fn catalogue(locale: Locale) -> &'static Catalogue {
    match locale {
        Locale::ZhCn => &ZH_CN,
        Locale::En => &EN,
    }
}

fn parse(text: &'static str) -> Catalogue {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim(), value.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh: BTreeSet<_> = catalogue(Locale::ZhCn).keys().collect();
        let en: BTreeSet<_> = catalogue(Locale::En).keys().collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "only in zh-CN: {only_zh:?}");
        assert!(only_en.is_empty(), "only in en: {only_en:?}");
    }

    /// A translation names the same placeholders as the original, or a number would go missing.
    #[test]
    fn both_catalogues_use_the_same_placeholders() {
        let names = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect()
        };
        for (key, zh) in catalogue(Locale::ZhCn) {
            let en = catalogue(Locale::En).get(key).copied().unwrap_or_default();
            assert_eq!(names(zh), names(en), "placeholders of {key}");
        }
        assert_eq!(
            Locale::ZhCn.fill("pager.current", &[("page", "3".into())]),
            "第 3 页"
        );
        assert_eq!(
            Locale::En.fill("pager.current", &[("page", "3".into())]),
            "Page 3"
        );
    }

    /// Every literal key used in templates and code must exist, so no page shows a raw key.
    #[test]
    fn every_key_used_exists_in_the_catalogue() {
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in files_under(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for key in literal_keys(&text) {
                    if !catalogue(Locale::ZhCn).contains_key(key.as_str()) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }

    fn literal_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in ["t(\"", "tr(\"", "tf(\""] {
            let mut rest = text;
            while let Some(start) = rest.find(marker) {
                let after = &rest[start + marker.len()..];
                // `ctx.t("…")`, not the tail of another name such as `attachment("…")`.
                let a_call_of_t = rest[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                if let Some(end) = after.find('"').filter(|_| a_call_of_t) {
                    let key = &after[..end];
                    // Keys look like `nav.home`; skip anything else that merely ends in t("…").
                    if key.contains('.') && !key.ends_with('.') && !key.contains(' ') {
                        keys.push(key.to_string());
                    }
                }
                rest = &rest[start + marker.len()..];
            }
        }
        keys
    }

    fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(files_under(&path));
            } else {
                files.push(path);
            }
        }
        files
    }

    #[test]
    fn accept_language_picks_the_first_language_we_speak() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Locale::ZhCn)
        );
        assert_eq!(Locale::from_accept_language("fr-FR,de;q=0.5"), None);
    }
}
