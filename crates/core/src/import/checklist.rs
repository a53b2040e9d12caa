//! A checklist (检查表) from an Excel sheet laid out as bureaus write them: the title across
//! the top, the edition's facts beside their labels (检查表标识, 版本, 检查对象, 适用行业),
//! then one row per item under a header — 编号, 检查项目 (the section; merged down its rows or
//! written once), 检查内容, 检查依据, 隐患等级, 隐患类别, and where given 整改措施 and
//! 不符合情形. A row with only a heading ("一、资质管理") starts a section too. The result is
//! the same [`Template`] a JSON edition is, checked the same way; every problem is listed with
//! its row and column. The sheet's reading (merged cells filled in) is `safeserve-sheets`'.

use super::{column_letter, half_width, is_blank, label, labels, text, Cell};
use crate::checklist::{Item, Section, Template, TemplateTarget};
use crate::message::Message;

/// The labels of the edition's facts above the header, and what they fill.
const KEY: &str = "检查表标识";
const VERSION: &str = "版本";
const TARGET: &str = "检查对象";
const INDUSTRIES: &str = "适用行业";

/// The item columns: the field, the names a header may give it, and whether it must be there.
const COLUMNS: [(&str, &[&str], bool); 8] = [
    ("code", &["编号", "序号", "检查项编号"], true),
    ("section", &["检查项目", "检查类别", "检查部分"], false),
    ("text", &["检查内容", "检查项", "检查要求"], true),
    ("basis", &["检查依据", "依据"], true),
    ("level", &["隐患等级", "等级"], true),
    ("category", &["隐患类别", "类别"], true),
    ("measure", &["整改措施", "整改建议"], false),
    ("finding", &["不符合情形", "不符合时的情形"], false),
];

/// The heading of each item column, as the sheet SafeServe writes names them.
pub const HEADINGS: [&str; 8] =
    ["编号", "检查项目", "检查内容", "检查依据", "隐患等级", "隐患类别", "整改措施", "不符合情形"];

/// Where each item column sits in the header row.
struct Layout {
    at: [Option<usize>; 8],
}

impl Layout {
    fn find(cells: &[Cell]) -> Option<Layout> {
        let names: Vec<String> = cells.iter().map(|c| half_width(&text(c)).replace(' ', "")).collect();
        let mut at = [None; 8];
        for (i, (_, aliases, _)) in COLUMNS.iter().enumerate() {
            at[i] = names.iter().position(|n| aliases.contains(&n.as_str()));
        }
        // The content column is what makes a row the header.
        at[2].map(|_| Layout { at })
    }

    fn cell<'c>(&self, field: &str, cells: &'c [Cell]) -> (&'c Cell, usize) {
        let i = COLUMNS.iter().position(|(f, ..)| *f == field).unwrap_or(0);
        match self.at[i] {
            Some(col) => (cells.get(col).unwrap_or(&Cell::Empty), col),
            None => (&Cell::Empty, 0),
        }
    }
}

fn at(row: u32, col: usize, m: Message) -> Message {
    let place = format!("{}{row}", column_letter(col));
    Message::new(format!("第 {row} 行（{place}）：{}", m.zh), format!("Row {row} ({place}): {}", m.en))
}

/// The edition the rows describe, or every problem found in them.
pub fn read(rows: &[(u32, Vec<Cell>)]) -> Result<Template, Vec<Message>> {
    let Some((header, layout)) =
        rows.iter().enumerate().find_map(|(i, (_, cells))| Layout::find(cells).map(|l| (i, l)))
    else {
        return Err(vec![Message::new(
            format!("没有找到检查表的表头：应有一行列名，包括 {}", HEADINGS.join("、")),
            format!("No checklist header was found: a row naming the columns, among them {}", HEADINGS.join(", ")),
        )]);
    };
    let mut problems = Vec::new();
    for (i, (field, aliases, required)) in COLUMNS.iter().enumerate() {
        if *required && layout.at[i].is_none() && *field != "text" {
            problems.push(Message::new(
                format!("表头缺少“{}”列", aliases[0]),
                format!("The header has no \"{}\" column", aliases[0]),
            ));
        }
    }

    // Above the header: the title (the first text that is not a label) and the labelled facts.
    let (mut title, mut key, mut version, mut target, mut industries) = (None, None, None, None, Vec::new());
    for (row, cells) in &rows[..header] {
        let mut cols = cells.iter().enumerate().filter(|(_, c)| !text(c).is_empty());
        while let Some((col, c)) = cols.next() {
            let name = text(c).trim_end_matches(['：', ':']).to_owned();
            if ![KEY, VERSION, TARGET, INDUSTRIES].contains(&name.as_str()) {
                // A merged title repeats in every cell it spans: only the first is the title.
                if title.is_none() {
                    title = Some(text(c));
                }
                continue;
            }
            let Some((vcol, value)) = cols.next() else {
                // A checklist for every industry may leave its industries empty.
                if name == INDUSTRIES {
                    continue;
                }
                problems.push(at(
                    *row,
                    col,
                    Message::new(format!("“{name}”后没有填写"), format!("Nothing follows \"{name}\"")),
                ));
                continue;
            };
            match name.as_str() {
                KEY => key = Some(half_width(&text(value)).to_lowercase()),
                VERSION => match half_width(&text(value)).trim_start_matches(['v', 'V']).parse::<u32>() {
                    Ok(v) => version = Some(v),
                    Err(_) => problems.push(at(
                        *row,
                        vcol,
                        Message::new(
                            format!("版本应为正整数：{}", text(value)),
                            format!("The version is a whole number: {}", text(value)),
                        ),
                    )),
                },
                TARGET => match text(value).as_str() {
                    "企业" | "生产经营单位" | "enterprise" => target = Some(TemplateTarget::Enterprise),
                    "服务机构" | "机构" | "agency" => target = Some(TemplateTarget::Agency),
                    other => problems.push(at(
                        *row,
                        vcol,
                        Message::new(
                            format!("检查对象应为“企业”或“服务机构”：{other}"),
                            format!("The target is 企业 (enterprise) or 服务机构 (agency): {other}"),
                        ),
                    )),
                },
                _ if matches!(text(value).as_str(), "不限" | "全部" | "所有行业") => industries = Vec::new(),
                _ => match labels(value) {
                    Ok(v) => industries = v,
                    Err(m) => problems.push(at(*row, vcol, m)),
                },
            }
        }
    }
    for (value, name) in [(key.is_none(), KEY), (version.is_none(), VERSION), (target.is_none(), TARGET)] {
        if value && !problems.iter().any(|p| p.zh.contains(name)) {
            problems.push(Message::new(
                format!("表头上方缺少“{name}”（在它右边一格填写）"),
                format!("\"{name}\" is missing above the header (its value goes in the cell to its right)"),
            ));
        }
    }

    // The items, in sections as they come.
    let mut sections: Vec<Section> = Vec::new();
    let mut heading: Option<String> = None;
    for (row, cells) in &rows[header + 1..] {
        if is_blank(cells) {
            continue;
        }
        let (content, content_col) = layout.cell("text", cells);
        if text(content).is_empty() {
            // A heading row: its first text starts a section (a merged heading repeats it).
            heading = cells.iter().map(text).find(|t| !t.is_empty());
            continue;
        }
        let (section_cell, _) = layout.cell("section", cells);
        let section = Some(text(section_cell)).filter(|s| !s.is_empty()).or_else(|| heading.clone());
        let field = |name: &str| {
            let (c, col) = layout.cell(name, cells);
            (text(c), col, c)
        };
        let (code, code_col, _) = field("code");
        let code = half_width(&code);
        let mut wrong = |col: usize, m: Message| problems.push(at(*row, col, m));
        if code.is_empty() {
            wrong(code_col, Message::new("缺少检查项编号", "The item has no code"));
        }
        let Some(section) = section else {
            wrong(content_col, Message::new("此项不在任何检查项目之下", "The item is under no section"));
            continue;
        };
        let (basis, basis_col, _) = field("basis");
        if basis.is_empty() {
            wrong(basis_col, Message::new("缺少检查依据", "The item has no legal basis"));
        }
        let (_, level_col, level_cell) = field("level");
        let level = label(level_cell).map_err(|m| wrong(level_col, m));
        let (_, category_col, category_cell) = field("category");
        let category = label(category_cell).map_err(|m| wrong(category_col, m));
        let (Ok(level), Ok(category)) = (level, category) else { continue };
        let item = Item {
            code,
            text: text(content),
            basis,
            level,
            category,
            measure: field("measure").0,
            finding: field("finding").0,
        };
        match sections.last_mut() {
            Some(s) if s.title == section => s.items.push(item),
            _ => sections.push(Section { title: section, items: vec![item] }),
        }
    }
    let template = Template {
        key: key.unwrap_or_default(),
        version: version.unwrap_or_default(),
        title: title.unwrap_or_default(),
        target: target.unwrap_or(TemplateTarget::Enterprise),
        industries,
        sections,
    };
    if problems.is_empty() {
        problems = template.problems();
    }
    if problems.is_empty() {
        Ok(template)
    } else {
        Err(problems)
    }
}

/// The rows [`read`] reads for `template`: what SafeServe writes when a bureau asks for an
/// edition as a sheet to start the next one from. Each row's cells are text.
pub fn rows_of(template: &Template) -> Vec<Vec<String>> {
    let target = match template.target {
        TemplateTarget::Enterprise => "企业",
        TemplateTarget::Agency => "服务机构",
    };
    let industries: Vec<&str> = template.industries.iter().map(|i| crate::labels::Labelled::label_zh(*i)).collect();
    let mut out = vec![
        vec![template.title.clone()],
        vec![
            KEY.to_owned(),
            template.key.clone(),
            VERSION.to_owned(),
            template.version.to_string(),
            TARGET.to_owned(),
            target.to_owned(),
            INDUSTRIES.to_owned(),
            if industries.is_empty() { "不限".to_owned() } else { industries.join("、") },
        ],
        vec![],
        HEADINGS.iter().map(|h| (*h).to_owned()).collect(),
    ];
    for s in &template.sections {
        for i in &s.items {
            out.push(vec![
                i.code.clone(),
                s.title.clone(),
                i.text.clone(),
                i.basis.clone(),
                i.level.label_zh().to_owned(),
                i.category.label_zh().to_owned(),
                i.measure.clone(),
                i.finding.clone(),
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<(u32, Vec<Cell>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| {
                let cells = cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text((*c).to_owned()) });
                (i as u32 + 1, cells.collect())
            })
            .collect()
    }

    #[test]
    fn every_shipped_edition_reads_back_from_its_sheet() {
        let shipped = [
            include_str!("../../../../assets/templates/agency-inspection.v1.json"),
            include_str!("../../../../assets/templates/enterprise-general.v1.json"),
            include_str!("../../../../assets/templates/dust-explosion.v1.json"),
            include_str!("../../../../assets/templates/dust-explosion.v2.json"),
        ];
        for json in shipped {
            let template = Template::parse(json).unwrap();
            let sheet: Vec<(u32, Vec<Cell>)> = rows_of(&template)
                .into_iter()
                .enumerate()
                .map(|(i, r)| (i as u32 + 1, r.into_iter().map(Cell::Text).collect()))
                .collect();
            assert_eq!(read(&sheet).unwrap(), template, "{}", template.key);
        }
    }

    #[test]
    fn a_bureaus_sheet_with_heading_rows_and_typing_slips_reads_or_names_each_problem() {
        let sheet = rows(&[
            &["粉尘涉爆企业专项检查表", "粉尘涉爆企业专项检查表"],
            &["检查表标识：", "dust-check", "版本", "２", "检查对象", "企业", "适用行业", "粉尘涉爆"],
            &["编号", "检查项目", "检查内容", "检查依据", "隐患等级", "隐患类别", "整改措施"],
            &["一、除尘系统", "一、除尘系统", "", "", "", "", ""],
            &[
                "D-01",
                "",
                "除尘器设置泄爆装置",
                "《工贸企业粉尘防爆安全规定》第十二条",
                "重大隐患",
                "粉尘防爆",
                "加装泄爆片",
            ],
            &["D-02", "", "除尘系统按规定清灰", "《工贸企业粉尘防爆安全规定》第十四条", "一般隐患", "粉尘防爆", ""],
            &["E-01", "二、电气", "防爆区域使用防爆电气", "GB 12476.1", "major", "electrical", ""],
        ]);
        let t = read(&sheet).unwrap();
        assert_eq!((t.key.as_str(), t.version, t.title.as_str()), ("dust-check", 2, "粉尘涉爆企业专项检查表"));
        assert_eq!(t.industries, vec![crate::register::Industry::DustExplosion]);
        let titles: Vec<&str> = t.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["一、除尘系统", "二、电气"]);
        assert_eq!(t.sections[0].items.len(), 2);
        assert_eq!(t.item("D-01").unwrap().measure, "加装泄爆片");

        let broken = rows(&[
            &["检查表", ""],
            &["检查表标识", "x-1", "版本", "二", "检查对象", "企业"],
            &["编号", "检查项目", "检查内容", "检查依据", "隐患等级", "隐患类别"],
            &["1", "一、人员", "持证上岗", "", "较大隐患", "消防安全"],
            &["", "一、人员", "培训记录", "某规定", "一般隐患", "消防安全"],
        ]);
        let problems = read(&broken).unwrap_err();
        let all: Vec<&str> = problems.iter().map(|p| p.zh.as_str()).collect();
        assert!(all.iter().any(|p| p.contains("第 2 行（D2）") && p.contains("版本")), "{all:?}");
        assert!(all.iter().any(|p| p.contains("第 4 行（D4）") && p.contains("检查依据")), "{all:?}");
        assert!(all.iter().any(|p| p.contains("第 4 行（E4）") && p.contains("较大隐患")), "{all:?}");
        assert!(all.iter().any(|p| p.contains("第 5 行（A5）") && p.contains("编号")), "{all:?}");

        assert!(read(&rows(&[&["随便一张表"], &["甲", "乙"]])).unwrap_err()[0].zh.contains("表头"));
    }
}
