//! Checklist templates in the database. The editions shipped in `assets/templates/` are
//! installed into every database SafeServe opens; others are imported from a file after
//! validation, sent to the server and pulled by every laptop (migration 0018). An edition,
//! once stored, is never replaced: visits pin key and version.

use crate::base::views::TemplateSummary;
use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::checklist::{Template, TemplateTarget};
use safeserve_core::Message;

/// The editions shipped with this build.
const BUILTIN: &[&str] = &[
    include_str!("../../../../assets/templates/agency-inspection.v1.json"),
    include_str!("../../../../assets/templates/enterprise-general.v1.json"),
    include_str!("../../../../assets/templates/dust-explosion.v1.json"),
    include_str!("../../../../assets/templates/dust-explosion.v2.json"),
];

#[expect(clippy::expect_used, reason = "the shipped templates are compiled in, and a unit test parses each")]
pub(crate) fn builtin() -> Vec<Template> {
    BUILTIN.iter().map(|json| Template::parse(json).expect("shipped templates are valid")).collect()
}

fn target_key(t: TemplateTarget) -> &'static str {
    match t {
        TemplateTarget::Agency => "agency",
        TemplateTarget::Enterprise => "enterprise",
    }
}

/// Stores `t` unless that edition is already there. Returns whether it was new; an edition
/// with the same key and version but other content is refused.
pub(crate) fn install(conn: &Connection, t: &Template, now: &str) -> Result<bool, StoreError> {
    let body = serde_json::to_string(t)?;
    let existing: Option<String> = conn
        .query_row("SELECT body FROM templates WHERE key = ?1 AND version = ?2", params![t.key, t.version], |r| {
            r.get(0)
        })
        .optional()?;
    match existing {
        Some(b) if b == body => Ok(false),
        Some(_) => Err(StoreError::Invalid {
            field: "template",
            message: Message::new(
                format!("检查表「{}」第 {} 版已存在且内容不同；修改后的检查表请使用新的版本号", t.title, t.version),
                format!(
                    "Edition {} of \"{}\" exists with other content; give a changed template a new version",
                    t.version, t.key
                ),
            ),
        }),
        None => {
            conn.execute(
                "INSERT INTO templates(key, version, title, target, body, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t.key, t.version, t.title, target_key(t.target), body, now],
            )?;
            Ok(true)
        }
    }
}

/// Installs the shipped editions a database lacks; an edition already there is left alone.
pub(crate) fn install_builtin(conn: &Connection, now: &str) -> Result<(), StoreError> {
    for t in builtin() {
        let body = serde_json::to_string(&t)?;
        conn.prepare_cached(
            "INSERT OR IGNORE INTO templates(key, version, title, target, body, imported_at, shipped) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
        )?
        .execute(params![t.key, t.version, t.title, target_key(t.target), body, now])?;
    }
    Ok(())
}

pub(crate) fn load(conn: &Connection, key: &str, version: u32) -> Result<Template, StoreError> {
    let body: String = conn
        .prepare_cached("SELECT body FROM templates WHERE key = ?1 AND version = ?2")?
        .query_row(params![key, version], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "template", id: format!("{key} v{version}") })?;
    Ok(serde_json::from_str(&body)?)
}

impl Store {
    /// Validates and stores a template file's content.
    pub fn import_template(&mut self, json: &str, now: &str) -> Result<(TemplateSummary, bool), StoreError> {
        self.publish_template(Template::parse(json), now)
    }

    /// An edition as read from a JSON file or a checklist workbook, stored once its reading
    /// found no problem (every problem is in the refusal); `false` when that edition was
    /// already here. It travels to every laptop at the next sync.
    pub fn publish_template(
        &mut self,
        read: Result<Template, Vec<Message>>,
        now: &str,
    ) -> Result<(TemplateSummary, bool), StoreError> {
        let t = read.map_err(|problems| StoreError::Invalid {
            field: "template",
            message: Message::new(
                problems.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("；"),
                problems.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "),
            ),
        })?;
        let new = install(&self.conn, &t, now)?;
        Ok((summary_of(&t), new))
    }

    /// The latest edition of each template.
    pub fn templates(&self) -> Result<Vec<TemplateSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, max(version) FROM templates GROUP BY key ORDER BY target DESC, key")?;
        let keys = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
        let mut out = Vec::new();
        for k in keys {
            let (key, version) = k?;
            out.push(summary_of(&load(&self.conn, &key, version)?));
        }
        Ok(out)
    }

    pub fn template(&self, key: &str, version: u32) -> Result<Template, StoreError> {
        load(&self.conn, key, version)
    }
}

fn summary_of(t: &Template) -> TemplateSummary {
    TemplateSummary {
        key: t.key.clone(),
        version: t.version,
        title: t.title.clone(),
        target: t.target,
        industries: t.industries.clone(),
        items: t.items().count() as u32,
    }
}
