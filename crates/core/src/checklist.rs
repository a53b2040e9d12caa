//! Checklist templates (检查表): versioned data, not code. Each item carries its legal basis
//! (依据) and the hazard level a failure implies by default. A visit pins the template key and
//! version it used, so a later edition of a template never changes an old record.

use crate::hazard::{HazardCategory, HazardLevel};
use crate::message::Message;
use crate::register::Industry;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

/// Who a template is used on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TemplateTarget {
    Agency,
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Template {
    /// Stable name, e.g. `enterprise-general`.
    pub key: String,
    pub version: u32,
    pub title: String,
    pub target: TemplateTarget,
    /// Industries the template is written for; empty means any.
    #[serde(default)]
    pub industries: Vec<Industry>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Section {
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Item {
    /// Unique within the template, e.g. `FIRE-03`; results are stored under it.
    pub code: String,
    pub text: String,
    /// Legal basis (依据), e.g. 《中华人民共和国消防法》第十六条.
    pub basis: String,
    /// The level of the hazard a failure proposes.
    pub level: HazardLevel,
    pub category: HazardCategory,
    /// The usual rectification measure, proposed with the hazard.
    #[serde(default)]
    pub measure: String,
    /// What a failure means, as the hazard it proposes is first described: an item reads as
    /// what must hold (so 符合 means safe), its finding as the situation found. Optional; left
    /// out of the stored edition when empty, so earlier editions keep their exact bytes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[ts(optional, as = "Option<String>")]
    pub finding: String,
}

impl Item {
    /// How a hazard found by failing this item is first described: the item's finding when it
    /// has one; items written as "none of the following" (不存在以下情形：…, first editions)
    /// describe the situation itself; others are quoted.
    pub fn failure_description(&self) -> String {
        if !self.finding.trim().is_empty() {
            return self.finding.trim().to_owned();
        }
        match self.text.strip_prefix("不存在以下情形：") {
            Some(situation) => situation.to_owned(),
            None => format!("不符合要求：{}", self.text),
        }
    }
}

impl Template {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items().find(|i| i.code == code)
    }

    /// Reads a template file and checks it; every problem is listed, not just the first.
    pub fn parse(json: &str) -> Result<Template, Vec<Message>> {
        let template: Template = serde_json::from_str(json).map_err(|e| {
            vec![Message::new(
                format!("检查表文件格式不正确（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
                format!("The checklist file is not valid (line {}, column {}): {e}", e.line(), e.column()),
            )]
        })?;
        let problems = template.problems();
        if problems.is_empty() {
            Ok(template)
        } else {
            Err(problems)
        }
    }

    /// What makes the template unusable, in the user's words.
    pub fn problems(&self) -> Vec<Message> {
        let mut out = Vec::new();
        let key_ok =
            !self.key.is_empty() && self.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            out.push(Message::new(
                format!("检查表标识「{}」只能使用小写字母、数字和连字符", self.key),
                format!("Template key \"{}\" may only use lower-case letters, digits and hyphens", self.key),
            ));
        }
        if self.version == 0 {
            out.push(Message::new("版本号必须从 1 开始", "The version must be 1 or more"));
        }
        if self.title.trim().is_empty() {
            out.push(Message::new("检查表缺少标题", "The template has no title"));
        }
        if self.items().next().is_none() {
            out.push(Message::new("检查表没有任何检查项", "The template has no items"));
        }
        let mut seen = HashSet::new();
        for (s, section) in self.sections.iter().enumerate() {
            if section.title.trim().is_empty() {
                out.push(Message::new(format!("第 {} 部分缺少标题", s + 1), format!("Section {} has no title", s + 1)));
            }
            for item in &section.items {
                if !seen.insert(item.code.as_str()) {
                    out.push(Message::new(
                        format!("检查项编号「{}」重复", item.code),
                        format!("Item code \"{}\" is used twice", item.code),
                    ));
                }
                if item.code.trim().is_empty() {
                    out.push(Message::new(
                        format!("「{}」部分有检查项缺少编号", section.title),
                        format!("An item in \"{}\" has no code", section.title),
                    ));
                }
                if item.text.trim().is_empty() {
                    out.push(Message::new(
                        format!("检查项 {} 缺少检查内容", item.code),
                        format!("Item {} has no text", item.code),
                    ));
                }
                if item.basis.trim().is_empty() {
                    out.push(Message::new(
                        format!("检查项 {} 缺少依据", item.code),
                        format!("Item {} has no legal basis", item.code),
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"key":"t","version":1,"title":"测试","target":"enterprise","sections":[
        {"title":"消防","items":[{"code":"F-1","text":"灭火器有效","basis":"《消防法》第十六条","level":"general","category":"fire"}]}]}"#;

    #[test]
    fn a_good_template_parses() {
        let t = Template::parse(GOOD).unwrap();
        assert_eq!(t.item("F-1").unwrap().level, HazardLevel::General);
    }

    #[test]
    fn every_problem_is_listed() {
        let bad = GOOD.replace("\"version\":1", "\"version\":0").replace("《消防法》第十六条", " ").replace(
            r#"{"code":"F-1""#,
            r#"{"code":"F-1","text":"x","basis":"y","level":"major","category":"fire"},{"code":"F-1""#,
        );
        let problems = Template::parse(&bad).unwrap_err();
        let zh: Vec<_> = problems.iter().map(|m| m.zh.as_str()).collect();
        assert!(zh.iter().any(|m| m.contains("版本号")), "{zh:?}");
        assert!(zh.iter().any(|m| m.contains("重复")), "{zh:?}");
        assert!(zh.iter().any(|m| m.contains("缺少依据")), "{zh:?}");
    }

    #[test]
    fn a_malformed_file_says_where() {
        let problems = Template::parse("{\"key\": \"t\",\n \"version\": \"one\"}").unwrap_err();
        assert!(problems[0].zh.contains("第 2 行"), "{}", problems[0]);
        let unknown = GOOD.replace("\"title\":\"测试\"", "\"title\":\"测试\",\"colour\":1");
        assert!(Template::parse(&unknown).is_err(), "unknown fields are refused, not ignored");
    }
}
