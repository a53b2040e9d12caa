//! Chinese substring search over the registers, fast for queries of any length.
//!
//! SQLite's FTS5 trigram tokenizer answers substrings of 3+ characters, but a 1- or
//! 2-character query (`化工`, `杭州`) silently matches nothing there, and a `LIKE` scan costs
//! hundreds of milliseconds on a large register. So each register has two contentless FTS5
//! indexes over the same text, both keyed by the record's `seq` (its creation order):
//! `*_tri` for 3+ characters and `*_gram`, whose tokens are every 1- and 2-character gram of
//! the text. A query is split on spaces into terms, every term must match, and results come
//! name matches first, then matches elsewhere, each newest first (`ORDER BY rowid DESC`, which
//! FTS5 serves straight from its index).

use rusqlite::{params, Connection};

/// Which register an index belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Enterprise,
    Agency,
    Person,
}

impl Register {
    pub(crate) fn from_prefix(p: &str) -> Option<Register> {
        [Register::Enterprise, Register::Agency, Register::Person].into_iter().find(|r| r.prefix() == p)
    }

    pub(crate) fn prefix(self) -> &'static str {
        match self {
            Register::Enterprise => "enterprise",
            Register::Agency => "agency",
            Register::Person => "person",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Register::Enterprise => "enterprises",
            Register::Agency => "agencies",
            Register::Person => "people",
        }
    }
}

/// Seqs for a list screen: the newest records when `text` is empty, else the matches of [`find`].
pub(crate) fn newest_or_find(
    conn: &Connection,
    register: Register,
    text: &str,
    limit: usize,
) -> rusqlite::Result<Vec<i64>> {
    if text.trim().is_empty() {
        let mut stmt =
            conn.prepare_cached(&format!("SELECT seq FROM {} ORDER BY seq DESC LIMIT ?1", register.table()))?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        rows.collect()
    } else {
        find(conn, register, text, limit, |_| Ok(true))
    }
}

/// Lower-cased runs of letters and digits: punctuation and spaces split terms and grams, as
/// FTS5's unicode61 tokenizer splits them.
fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().flat_map(char::to_lowercase).collect())
}

/// Every distinct 1- and 2-character gram of `text`, space-separated, as the gram index's
/// document text.
pub fn grams(text: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::with_capacity(text.len() * 4);
    for run in runs(text) {
        for i in 0..run.len() {
            for len in 1..=2 {
                if i + len <= run.len() {
                    let g: String = run[i..i + len].iter().collect();
                    if seen.insert(g.clone()) {
                        out.push_str(&g);
                        out.push(' ');
                    }
                }
            }
        }
    }
    out
}

/// Adds a record's text to its register's indexes. `name` ranks above `other`. `codes`
/// (credit codes, certificate numbers) are found by 3+ characters only: a 1- or 2-character
/// piece of a code identifies nothing, and leaving codes out keeps the gram index small.
pub(crate) fn index(
    conn: &Connection,
    register: Register,
    seq: i64,
    name: &str,
    other: &str,
    codes: &str,
) -> rusqlite::Result<()> {
    let p = register.prefix();
    conn.prepare_cached(&format!("INSERT INTO {p}_tri(rowid, name, other) VALUES (?1, ?2, ?3)"))?.execute(params![
        seq,
        name,
        format!("{other} {codes}")
    ])?;
    conn.prepare_cached(&format!("INSERT INTO {p}_gram(rowid, name, other) VALUES (?1, ?2, ?3)"))?.execute(params![
        seq,
        grams(name),
        grams(other)
    ])?;
    Ok(())
}

/// Rebuilds a record's entries in its register's indexes after the row changed.
pub(crate) fn reindex(conn: &Connection, register: Register, seq: i64) -> rusqlite::Result<()> {
    unindex(conn, register, seq)?;
    index_row(conn, register, seq)
}

/// Removes a record's entries from its register's indexes.
pub(crate) fn unindex(conn: &Connection, register: Register, seq: i64) -> rusqlite::Result<()> {
    let p = register.prefix();
    for kind in ["tri", "gram"] {
        conn.prepare_cached(&format!("DELETE FROM {p}_{kind} WHERE rowid = ?1"))?.execute([seq])?;
    }
    Ok(())
}

/// Indexes a record not yet in its register's indexes, from the row as stored: the one place
/// that says which text of a record is searchable (inserts, edits and synced records all come
/// here).
pub(crate) fn index_row(conn: &Connection, register: Register, seq: i64) -> rusqlite::Result<()> {
    let (name, other, codes): (String, String, String) = match register {
        Register::Enterprise => conn
            .prepare_cached(
                "SELECT name, address, industry, coalesce(park, ''), principal, credit_code FROM enterprises WHERE seq = ?1",
            )?
            .query_row([seq], |r| {
                let industry: String = r.get(2)?;
                let label = safeserve_core::register::Industry::from_key(&industry).map(|i| i.label_zh()).unwrap_or("");
                let other = format!("{} {} {} {}", r.get::<_, String>(1)?, label, r.get::<_, String>(3)?, r.get::<_, String>(4)?);
                Ok((r.get(0)?, other, r.get(5)?))
            })?,
        Register::Agency => conn
            .prepare_cached("SELECT name, address, credit_code FROM agencies WHERE seq = ?1")?
            .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?,
        Register::Person => conn
            .prepare_cached(
                "SELECT name, phone || coalesce((SELECT group_concat(' ' || number, '') FROM certificates c \
                 WHERE c.person_id = p.id), '') FROM people p WHERE seq = ?1",
            )?
            .query_row([seq], |r| Ok((r.get(0)?, String::new(), r.get(1)?)))?,
    };
    index(conn, register, seq, &name, &other, &codes)
}

/// Merges each index into one b-tree after a bulk load, so queries read one segment.
pub(crate) fn optimize(conn: &Connection) -> rusqlite::Result<()> {
    for r in [Register::Enterprise, Register::Agency, Register::Person] {
        for kind in ["tri", "gram"] {
            let t = format!("{}_{kind}", r.prefix());
            conn.execute(&format!("INSERT INTO {t}({t}) VALUES ('optimize')"), [])?;
        }
    }
    Ok(())
}

fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A query compiled to FTS5 MATCH expressions: one for the trigram index (terms of 3+
/// characters) and one for the gram index (terms of 1–2).
#[derive(Debug, Default, PartialEq)]
struct Compiled {
    tri: Vec<String>,
    gram: Vec<String>,
}

fn compile(query: &str) -> Compiled {
    let mut c = Compiled::default();
    for run in runs(query) {
        let term: String = run.iter().collect();
        if run.len() >= 3 {
            c.tri.push(quote(&term));
        } else {
            c.gram.push(quote(&term));
        }
    }
    c
}

/// Seqs of `register` records matching `query`, name matches first, each group newest first.
/// `accept` filters candidates (e.g. by district) and is asked in result order, so a
/// selective filter reads further down the index rather than the whole register.
pub fn find(
    conn: &Connection,
    register: Register,
    query: &str,
    limit: usize,
    mut accept: impl FnMut(i64) -> rusqlite::Result<bool>,
) -> rusqlite::Result<Vec<i64>> {
    let c = compile(query);
    if c.tri.is_empty() && c.gram.is_empty() {
        return Ok(Vec::new());
    }
    let p = register.prefix();
    let mut out: Vec<i64> = Vec::new();
    for name_only in [true, false] {
        let expr = |terms: &[String]| {
            let joined = terms.join(" AND ");
            if name_only {
                format!("{{name}} : ({joined})")
            } else {
                joined
            }
        };
        let sql = match (c.tri.is_empty(), c.gram.is_empty()) {
            (false, true) => format!("SELECT rowid FROM {p}_tri WHERE {p}_tri MATCH ?1 ORDER BY rowid DESC"),
            (true, false) => format!("SELECT rowid FROM {p}_gram WHERE {p}_gram MATCH ?2 ORDER BY rowid DESC"),
            _ => format!(
                "SELECT rowid FROM {p}_tri WHERE {p}_tri MATCH ?1 \
                 AND rowid IN (SELECT rowid FROM {p}_gram WHERE {p}_gram MATCH ?2) ORDER BY rowid DESC"
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let tri = expr(&c.tri);
        let gram = expr(&c.gram);
        let mut rows = match (c.tri.is_empty(), c.gram.is_empty()) {
            (false, true) => stmt.query(params![tri])?,
            (true, false) => stmt.query(params![rusqlite::types::Null, gram])?,
            _ => stmt.query(params![tri, gram])?,
        };
        let already = out.len();
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            if !name_only && out[..already].contains(&seq) {
                continue;
            }
            if accept(seq)? {
                out.push(seq);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

impl crate::Store {
    /// Searches every register at once (for the CLI and a global search box): enterprises,
    /// then agencies, then people, each ranked as in [`find`].
    pub fn search_all(
        &self,
        text: &str,
        limit: usize,
        today: chrono::NaiveDate,
    ) -> Result<Vec<crate::base::views::SearchHit>, crate::StoreError> {
        use crate::base::views::{EnterpriseQuery, HitKind, SearchHit};
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let q = EnterpriseQuery { text: text.to_owned(), limit: Some(limit as u32), ..Default::default() };
        let mut hits: Vec<SearchHit> = self
            .search_enterprises(&q)?
            .into_iter()
            .map(|e| SearchHit {
                kind: HitKind::Enterprise,
                id: e.id.to_string(),
                title: e.name,
                subtitle: format!("{} · {} · {}", e.credit_code, e.division_name, e.industry.label_zh()),
            })
            .collect();
        hits.extend(self.search_agencies(text, limit, today)?.into_iter().map(|a| SearchHit {
            kind: HitKind::Agency,
            id: a.id.to_string(),
            title: a.name,
            subtitle: format!(
                "{} · {} · {}",
                a.credit_code,
                a.division_name,
                if a.qualified { "符合 R1".to_owned() } else { format!("R1 不符合 {} 项", a.unmet_count) }
            ),
        }));
        hits.extend(self.search_people(text, limit, today)?.into_iter().map(|p| SearchHit {
            kind: HitKind::Person,
            id: p.id.to_string(),
            title: p.name,
            subtitle: format!(
                "{} · {}",
                p.id_number_masked,
                p.employments.iter().map(|e| e.agency_name.as_str()).collect::<Vec<_>>().join("、")
            ),
        }));
        hits.truncate(limit);
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../../migrations/0001_registers.sql")).unwrap();
        c
    }

    #[test]
    fn grams_cover_single_characters_and_pairs_within_runs() {
        assert_eq!(grams("杭州市"), "杭 杭州 州 州市 市 ");
        assert_eq!(grams("A-b"), "a b ", "punctuation splits, case folds");
    }

    #[test]
    fn short_and_long_queries_find_the_same_record() {
        let c = db();
        index(&c, Register::Enterprise, 1, "杭州恒达化工有限公司", "西湖区转塘街道", "").unwrap();
        index(&c, Register::Enterprise, 2, "杭州瑞丰纺织有限公司", "萧山区", "").unwrap();
        let all = |_| Ok(true);
        assert_eq!(find(&c, Register::Enterprise, "化", 50, all).unwrap(), vec![1], "1 character");
        assert_eq!(find(&c, Register::Enterprise, "化工", 50, all).unwrap(), vec![1], "2 characters");
        assert_eq!(find(&c, Register::Enterprise, "恒达化工", 50, all).unwrap(), vec![1], "4 characters");
        assert_eq!(find(&c, Register::Enterprise, "杭州", 50, all).unwrap(), vec![2, 1], "newest first");
        assert_eq!(find(&c, Register::Enterprise, "转塘 化工", 50, all).unwrap(), vec![1], "terms combine");
        assert!(find(&c, Register::Enterprise, "钢铁", 50, all).unwrap().is_empty());
        assert!(find(&c, Register::Enterprise, "  ", 50, all).unwrap().is_empty());
    }

    #[test]
    fn name_matches_rank_above_newer_address_matches() {
        let c = db();
        index(&c, Register::Enterprise, 1, "西湖化工有限公司", "萧山区", "").unwrap();
        index(&c, Register::Enterprise, 2, "瑞丰纺织有限公司", "西湖区", "").unwrap();
        let all = |_| Ok(true);
        assert_eq!(find(&c, Register::Enterprise, "西湖", 50, all).unwrap(), vec![1, 2]);
        assert_eq!(find(&c, Register::Enterprise, "西湖化", 50, all).unwrap(), vec![1]);
    }

    #[test]
    fn quotes_in_queries_are_not_syntax() {
        let c = db();
        index(&c, Register::Agency, 1, "A\"B安全", "", "").unwrap();
        assert!(find(&c, Register::Agency, "\"安全\" OR", 50, |_| Ok(true)).is_ok());
    }

    #[test]
    fn filter_is_applied_in_result_order_until_the_limit() {
        let c = db();
        for seq in 1..=10 {
            index(&c, Register::Person, seq, "张三", "", "").unwrap();
        }
        let even = find(&c, Register::Person, "张", 3, |s| Ok(s % 2 == 0)).unwrap();
        assert_eq!(even, vec![10, 8, 6]);
    }
}
