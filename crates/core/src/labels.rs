//! Enums with a stable stored key and Chinese and English labels, as printed on forms.

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $key:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name {
            $(#[serde(rename = $key)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier stored in the database.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }
        }

        impl $crate::labels::Labelled for $name {
            const NAME: &'static str = stringify!($name);
            const VARIANTS: &'static [Self] = Self::ALL;
            fn key(self) -> &'static str {
                $name::key(self)
            }
            fn label_zh(self) -> &'static str {
                $name::label_zh(self)
            }
            fn label_en(self) -> &'static str {
                $name::label_en(self)
            }
        }
    };
}

pub(crate) use labelled_enum;

/// An enum whose variants carry a stored key and labels in both languages.
pub trait Labelled: Sized + Copy + 'static {
    /// The Rust (and TypeScript) name of the type.
    const NAME: &'static str;
    const VARIANTS: &'static [Self];
    fn key(self) -> &'static str;
    fn label_zh(self) -> &'static str;
    fn label_en(self) -> &'static str;
}

/// `Record<Name, Message>` of every variant's labels, as TypeScript, for `ui/src/bindings`:
/// the interface shows the labels the forms print, typed once here.
#[expect(clippy::expect_used, reason = "a string always serialises to JSON")]
pub fn typescript<T: Labelled>() -> String {
    let constant = screaming_snake(T::NAME);
    let mut ts = format!("export const {constant}_LABELS: Record<{}, Message> = {{\n", T::NAME);
    for v in T::VARIANTS {
        let (zh, en) = (serde_json::to_string(v.label_zh()), serde_json::to_string(v.label_en()));
        let (zh, en) = (zh.expect("a string serialises"), en.expect("a string serialises"));
        ts.push_str(&format!("  {}: {{ zh: {zh}, en: {en} }},\n", v.key()));
    }
    ts.push_str("};\n");
    ts
}

/// `CertificateKind` → `CERTIFICATE_KIND`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        access, audit, backtrace, blacklist, coverage, document, grading, hazard, import, records, register, standing,
        sync, visit,
    };

    /// Every labelled enum, each with its TypeScript table.
    macro_rules! tables {
        ($($t:ty),+ $(,)?) => {
            vec![$((<$t as Labelled>::NAME, typescript::<$t>())),+]
        };
    }

    fn all() -> Vec<(&'static str, String)> {
        tables![
            access::Act,
            audit::AuditAct,
            backtrace::HazardStanding,
            blacklist::BlacklistGround,
            blacklist::SubjectKind,
            coverage::Measure,
            document::DocumentKind,
            document::SignerRole,
            document::Verdict,
            grading::Grade,
            grading::DeductionKind,
            grading::RaterKind,
            hazard::HazardLevel,
            hazard::HazardCategory,
            hazard::HazardEventKind,
            hazard::HazardGap,
            hazard::HazardStatus,
            import::ImportKind,
            records::RecordKind,
            register::Industry,
            register::ServiceType,
            register::StaffRole,
            register::CertificateKind,
            register::ManagementDocument,
            register::EnterpriseSize,
            standing::AgencyActKind,
            sync::Entity,
            sync::Role,
            sync::SyncPhase,
            visit::VisitKind,
            visit::ItemResult,
        ]
    }

    /// Writes `ui/src/bindings/labels.ts` beside the ts-rs bindings (the test command then
    /// fails if the committed file differs): the interface never types a label itself.
    #[test]
    fn export_labels_to_the_ui() {
        fn declared_in(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .expect("source folder")
                .map(|f| f.expect("entry").path())
                .map(|p| {
                    if p.is_dir() {
                        declared_in(&p)
                    } else {
                        std::fs::read_to_string(&p).expect("source").matches("\nlabelled_enum! {").count()
                    }
                })
                .sum()
        }
        let declared = declared_in(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
        let tables = all();
        assert_eq!(declared, tables.len(), "a labelled enum is missing from the list above");

        let mut ts = String::from(
            "// The labels of SafeServe's enums in both languages, generated from the Rust enums\n\
             // (crates/core/src/labels.rs) when the tests run. Do not edit: change the Rust label.\n\n\
             import type { Message } from './Message';\n",
        );
        let mut names: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        for name in names {
            ts.push_str(&format!("import type {{ {name} }} from './{name}';\n"));
        }
        for (_, table) in &tables {
            ts.push('\n');
            ts.push_str(table);
        }
        let dir = std::env::var_os("TS_RS_EXPORT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings"));
        let path = dir.join("labels.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(ts.as_str()) {
            std::fs::write(&path, ts).expect("write labels.ts");
        }
    }

    #[test]
    fn a_table_names_every_variant_by_its_stored_key() {
        let ts = typescript::<register::EnterpriseSize>();
        assert!(ts.starts_with("export const ENTERPRISE_SIZE_LABELS: Record<EnterpriseSize, Message> = {\n"), "{ts}");
        assert!(ts.contains("  micro: { zh: \"微型\", en: \"Micro\" },\n"), "{ts}");
    }
}
