//! Sample documents of every kind, with realistic Chinese content, and camera-like photos.
//! Shared by the tests and the benchmark (`#[path]`-included there).
#![allow(dead_code)]

use safeserve_core::document::*;
use safeserve_core::DocumentId;
use safeserve_report::PhotoSource;
use std::collections::HashMap;
use uuid::Uuid;

/// A deterministic xorshift generator: the same samples every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A camera-like JPEG: smooth gradients and shapes with sensor noise, so it compresses like a
/// photo (1200×900 at quality 85 gives ~150–250 KB).
pub fn camera_jpeg(seed: u64, width: usize, height: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut px = vec![0u8; width * height * 3];
    let (r0, g0, b0) = (rng.below(120) as f32 + 60.0, rng.below(120) as f32 + 60.0, rng.below(120) as f32 + 60.0);
    let cx = rng.below(width as u64) as f32;
    let cy = rng.below(height as u64) as f32;
    let radius = (rng.below(300) + 150) as f32;
    for y in 0..height {
        for x in 0..width {
            let fx = x as f32 / width as f32;
            let fy = y as f32 / height as f32;
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let blob = if d < radius { 50.0 * (1.0 - d / radius) } else { 0.0 };
            let stripes = 18.0 * ((x as f32 * 0.05 + y as f32 * 0.013).sin());
            let n = (rng.next() % 25) as f32 - 12.0;
            let i = (y * width + x) * 3;
            px[i] = (r0 + 60.0 * fx + blob + stripes + n).clamp(0.0, 255.0) as u8;
            px[i + 1] = (g0 + 50.0 * fy - blob * 0.5 + n * 0.8).clamp(0.0, 255.0) as u8;
            px[i + 2] = (b0 + 40.0 * (1.0 - fx) + stripes * 0.5 + n * 0.9).clamp(0.0, 255.0) as u8;
        }
    }
    let mut c = turbojpeg::Compressor::new().expect("turbojpeg");
    c.set_quality(85).expect("quality");
    c.set_subsamp(turbojpeg::Subsamp::Sub2x2).expect("subsampling");
    let image =
        turbojpeg::Image { pixels: &px[..], width, pitch: width * 3, height, format: turbojpeg::PixelFormat::RGB };
    c.compress_to_vec(image).expect("encode")
}

/// Photos by SHA-256, as the media store would serve them.
#[derive(Default)]
pub struct Photos {
    pub files: HashMap<String, Vec<u8>>,
}

impl Photos {
    /// Makes `n` photos of `w`×`h` and returns their facts.
    pub fn make(&mut self, n: usize, w: usize, h: usize, seed: u64) -> Vec<PhotoFacts> {
        (0..n)
            .map(|i| {
                let bytes = camera_jpeg(seed + i as u64, w, h);
                let sha = sha256_hex(&bytes);
                self.files.insert(sha.clone(), bytes);
                PhotoFacts {
                    sha256: sha,
                    width: w as u32,
                    height: h as u32,
                    taken_at: format!("2026-11-23T09:{:02}:00+08:00", 10 + i % 50),
                }
            })
            .collect()
    }
}

impl PhotoSource for Photos {
    fn jpeg(&self, photo: &PhotoFacts) -> Result<Vec<u8>, String> {
        self.files.get(&photo.sha256).cloned().ok_or_else(|| "照片文件不在本机 (not on this device)".to_string())
    }
}

pub const ENTERPRISE: &str = "杭州富阳永盛五金制品有限公司";
pub const AGENCY: &str = "浙江安泰安全技术服务有限公司";
/// Outside GB2312: drawn from the system's full Noto CJK.
pub const PRINCIPAL: &str = "王喆";
pub const LONG_DESCRIPTION: &str = "抛光打磨车间湿式除尘系统未设置泄爆装置，除尘器进风管道未设置隔爆阀，除尘器灰斗积尘未按规定每班清理，现场积尘厚度约3mm，车间内使用非防爆型电气设备（照明灯具、插座），打磨工位与除尘器间距不足，一旦发生粉尘爆炸，可能造成群死群伤";

const HAZARDS: [(&str, &str, &str, &str, &str); 10] = [
    (
        "粉尘防爆",
        LONG_DESCRIPTION,
        "抛光打磨车间",
        "《工贸企业粉尘防爆安全规定》第十三条；GB 15577-2018 第 6.3 条",
        "立即停止打磨作业，加装泄爆片和隔爆阀，更换防爆电气设备，建立每班清灰制度并记录",
    ),
    (
        "有限空间",
        "污水处理池有限空间作业未执行作业审批，未配备气体检测仪和正压式空气呼吸器",
        "污水处理站",
        "《工贸企业有限空间作业安全规定》第十二条",
        "建立有限空间作业审批制度，配备四合一气体检测仪、通风设备和应急救援器材，作业前检测",
    ),
    (
        "消防安全",
        "成品仓库安全出口被货物堵塞，应急照明灯具损坏2处",
        "成品仓库",
        "《中华人民共和国消防法》第二十八条",
        "清理安全出口通道，修复应急照明，落实每日防火巡查",
    ),
    (
        "电气安全",
        "配电箱未张贴警示标志，箱内接线凌乱，部分电缆绝缘层破损",
        "二号车间东侧",
        "GB 50054-2011 第 4.2 条",
        "更换破损电缆，整理接线，张贴“当心触电”警示标志",
    ),
    (
        "机械防护",
        "冲床（型号 JB23-63）光电保护装置失效，双手按钮被短接",
        "冲压车间 3 号工位",
        "GB 17120-2012 第 5.2 条",
        "恢复双手按钮，维修光电保护装置，安排专人每日点检",
    ),
    (
        "特种设备",
        "叉车（车牌号 浙A·F2315）未按期检验，司机未持证上岗",
        "装卸区",
        "《特种设备安全法》第四十条",
        "立即停用叉车，送检合格后方可使用；安排司机参加培训取得 N1 证书",
    ),
    (
        "安全管理",
        "未建立安全生产风险分级管控和隐患排查治理双重预防机制，隐患台账记录不全",
        "安全管理办公室",
        "《安全生产法》第四十一条",
        "制定双重预防机制制度，建立隐患排查治理台账，每月开展一次全面排查",
    ),
    (
        "危化品",
        "油漆、稀释剂等危险化学品与普通物料混存，未设置专用储存柜",
        "原料仓库",
        "GB 15603-2022 第 5 条",
        "设置防爆型危化品储存柜，分类分区存放，张贴安全技术说明书",
    ),
    (
        "作业环境",
        "车间通道划线不清，物料占用通道，地面油污未及时清理",
        "一号车间",
        "GB/T 33000-2016 第 5.5 条",
        "重新划定通道线，清理占道物料，设置油污收集桶",
    ),
    (
        "劳动防护",
        "打磨工未佩戴防尘口罩和护目镜，劳动防护用品发放记录不全",
        "抛光打磨车间",
        "《用人单位劳动防护用品管理规范》第十四条",
        "按规定发放并督促佩戴防尘口罩、护目镜，完善发放台账",
    ),
];

/// `n` hazards, the first `major` of them major, already in R8 order (major first).
pub fn hazards(n: usize, major: usize) -> Vec<HazardFacts> {
    (0..n)
        .map(|i| {
            let (category, description, location, basis, measure) = HAZARDS[i % HAZARDS.len()];
            let is_major = i < major;
            HazardFacts {
                number: i as u32 + 1,
                id: format!("h{i}"),
                major: is_major,
                level: if is_major { "重大隐患" } else { "一般隐患" }.into(),
                category: category.into(),
                description: if i >= HAZARDS.len() {
                    format!("{description}（第 {} 处）", i / HAZARDS.len() + 1)
                } else {
                    description.into()
                },
                location: location.into(),
                basis: basis.into(),
                measure: measure.into(),
                deadline: format!("2026-12-{:02}", 1 + i % 28),
                responsible: ["王喆", "陈建国", "刘芳"][i % 3].into(),
                state: "待整改".into(),
                photos_before: vec![],
                photos_after: vec![],
                verdict: String::new(),
            }
        })
        .collect()
}

/// A handwritten-looking signature: a few looping strokes with varying pressure.
pub fn signature(role: SignerRole, name: &str, seed: u64) -> HandSignature {
    let mut rng = Rng::new(seed);
    let strokes = (0..3)
        .map(|s| {
            let x0 = 60 + s * 170;
            let amp = 40 + rng.below(40) as i32;
            Stroke {
                points: (0..40)
                    .map(|k| {
                        let t = k as f32 / 39.0;
                        let x = x0 as f32 + 150.0 * t + 25.0 * (t * 12.0).sin();
                        let y = 120.0 + amp as f32 * (t * 9.0 + s as f32).sin() - 30.0 * t;
                        let p = 300 + (500.0 * (t * std::f32::consts::PI).sin()) as i32;
                        [x as i32, y as i32, p]
                    })
                    .collect(),
            }
        })
        .collect();
    HandSignature { role, name: name.into(), certificates: vec![], width: 600, height: 240, strokes, refusal: None }
}

fn party_subject() -> Party {
    Party {
        name: ENTERPRISE.into(),
        credit_code: "91330183MA2H7Q5K3B".into(),
        address: "浙江省杭州市富阳区银湖街道富闲路 9 号".into(),
        principal: PRINCIPAL.into(),
    }
}

fn party_agency() -> Party {
    Party {
        name: AGENCY.into(),
        credit_code: "91330106MA27XY2D4P".into(),
        address: "浙江省杭州市西湖区文三路 90 号".into(),
        principal: "周明".into(),
    }
}

fn people() -> Vec<PersonFacts> {
    vec![
        PersonFacts {
            name: "李堃".into(),
            id_number: "330102********1234".into(),
            certificates: vec![CertificateFacts {
                kind: "注册安全工程师（化工安全）".into(),
                number: "ZJ2023110456".into(),
                expires_on: "2028-06-30".into(),
            }],
        },
        PersonFacts {
            name: "张伟".into(),
            id_number: "330106********5678".into(),
            certificates: vec![
                CertificateFacts {
                    kind: "中级注册安全工程师（金属冶炼安全）".into(),
                    number: "2021330100001234".into(),
                    expires_on: "2027-12-31".into(),
                },
                CertificateFacts {
                    kind: "高级工程师（安全工程）".into(),
                    number: "浙高职 2019-0456".into(),
                    expires_on: String::new(),
                },
            ],
        },
    ]
}

fn visit() -> VisitFacts {
    VisitFacts {
        id: "v1".into(),
        kind: "技术服务（第 3 次）".into(),
        started_at: "2026-11-23T09:05:00+08:00".into(),
        ended_at: "2026-11-23T11:40:00+08:00".into(),
        place: "杭州市富阳区银湖街道".into(),
        checklist: "工贸企业安全隐患排查表（第 2 版）".into(),
    }
}

pub fn content(kind: DocumentKind) -> DocumentContent {
    DocumentContent {
        subject: party_subject(),
        issuer: party_agency(),
        place: "杭州富阳永盛五金制品有限公司会议室".into(),
        ..DocumentContent::blank(kind, "2026-11-23T11:45:00+08:00".into())
    }
}

/// Freezes content into a signed document (the device signature is not checked here).
pub fn sign(content: DocumentContent, n: u128) -> SignedDocument {
    let id = DocumentId(Uuid::from_u128(0x0194_0000_0000_7000_8000_0000_0000_0000 + n));
    let hash_hex = sha256_hex(&content.canonical_bytes());
    let hash: [u8; 32] = unhex(&hash_hex).unwrap().try_into().unwrap();
    SignedDocument {
        id,
        kind: content.kind,
        version: 1,
        content,
        content_hash: hash_hex,
        device_key: "00".repeat(32),
        signature: "00".repeat(64),
        verification_code: verification_code(id.0, &hash),
    }
}

fn two_signatures() -> Vec<HandSignature> {
    vec![signature(SignerRole::Principal, PRINCIPAL, 1), signature(SignerRole::Technician, "李堃", 2)]
}

/// A hazard list: `n` hazards (2 major), photos on the first hazards.
pub fn hazard_list(photos: &mut Photos, n: usize, photo_count: usize, w: usize, h: usize) -> SignedDocument {
    let mut c = content(DocumentKind::HazardList);
    c.visit = Some(visit());
    c.people = people();
    c.hazards = hazards(n, 2);
    let shots = photos.make(photo_count, w, h, 100);
    for (i, p) in shots.into_iter().enumerate() {
        let k = (i / 2) % c.hazards.len();
        c.hazards[k].photos_before.push(p);
    }
    c.signatures = two_signatures();
    sign(c, 1)
}

pub fn inspection_record(photos: &mut Photos) -> SignedDocument {
    let mut c = content(DocumentKind::InspectionRecord);
    c.issuer = Party {
        name: "杭州市富阳区应急管理局".into(),
        credit_code: "11330183002496532K".into(),
        address: "杭州市富阳区江滨西大道 57 号".into(),
        principal: "赵立新".into(),
    };
    c.visit = Some(VisitFacts { kind: "执法检查".into(), ..visit() });
    c.people = people();
    let texts = [
        ("1.1", "安全生产责任制", "是否建立全员安全生产责任制并公示", "《安全生产法》第二十二条", "符合", ""),
        (
            "1.2",
            "安全生产责任制",
            "主要负责人是否每年组织制定安全生产教育培训计划",
            "《安全生产法》第二十一条",
            "不符合",
            "未见 2026 年度培训计划",
        ),
        ("2.1", "粉尘防爆", "除尘系统是否按规定设置泄爆、隔爆装置", "GB 15577-2018", "不符合", "见隐患 1"),
        ("2.2", "粉尘防爆", "是否建立粉尘清扫制度并记录", "《工贸企业粉尘防爆安全规定》", "不符合", "记录缺失 11 月份"),
        ("3.1", "有限空间", "有限空间是否设置明显的安全警示标志", "《工贸企业有限空间作业安全规定》", "符合", ""),
        ("4.1", "消防", "灭火器是否在有效期内并定期检查", "GB 50140-2005", "符合", "抽查 12 具"),
        ("5.1", "电气", "临时用电是否办理审批", "GB 50194-2014", "不适用", "本次未见临时用电"),
    ];
    c.items = texts
        .iter()
        .map(|(code, section, text, basis, result, note)| ItemFacts {
            code: (*code).into(),
            section: (*section).into(),
            text: (*text).into(),
            basis: (*basis).into(),
            result: (*result).into(),
            note: (*note).into(),
            photos: vec![],
        })
        .collect();
    c.items[2].photos = photos.make(1, 800, 600, 300);
    c.hazards = hazards(3, 1);
    c.signatures = vec![signature(SignerRole::Inspector, "赵立新", 3), signature(SignerRole::Principal, PRINCIPAL, 4)];
    sign(c, 2)
}

pub fn rectification_notice() -> SignedDocument {
    let mut c = content(DocumentKind::RectificationNotice);
    c.title = "安全生产事故隐患整改通知书".into();
    c.visit = Some(visit());
    c.hazards = hazards(6, 2);
    c.signatures = two_signatures();
    sign(c, 3)
}

pub fn reinspection(photos: &mut Photos) -> SignedDocument {
    let mut c = content(DocumentKind::Reinspection);
    c.title = "隐患整改复查意见书".into();
    c.visit = Some(VisitFacts {
        kind: "整改复查".into(),
        started_at: "2026-12-10T14:00:00+08:00".into(),
        ended_at: "2026-12-10T15:10:00+08:00".into(),
        ..visit()
    });
    c.signed_at = "2026-12-10T15:20:00+08:00".into();
    c.hazards = hazards(3, 1);
    let before = photos.make(3, 1200, 900, 400);
    let after = photos.make(3, 1200, 900, 500);
    for (i, h) in c.hazards.iter_mut().enumerate() {
        h.photos_before.push(before[i].clone());
        h.photos_after.push(after[i].clone());
        h.state = "已整改".into();
        h.verdict = if i == 2 {
            "整改不到位：应急照明仍有 1 处损坏，限 3 日内完成".into()
        } else {
            "整改合格，予以销号".into()
        };
    }
    c.signatures = two_signatures();
    sign(c, 4)
}

pub fn service_plan() -> SignedDocument {
    let mut c = content(DocumentKind::ServicePlan);
    c.title = "安全生产技术服务细化方案".into();
    c.plan = vec![
        PlanRow {
            name: "李堃".into(),
            specialty: "化工安全".into(),
            grade: "注册安全工程师 / 中级职称".into(),
            duty: "项目负责人，组织隐患排查，审核隐患清单".into(),
        },
        PlanRow {
            name: "张伟".into(),
            specialty: "金属冶炼安全".into(),
            grade: "注册安全工程师 / 高级工程师".into(),
            duty: "粉尘防爆、机械防护专项检查".into(),
        },
        PlanRow {
            name: "孙晓燕".into(),
            specialty: "电气安全".into(),
            grade: "中级职称".into(),
            duty: "电气、消防检查，资料整理".into(),
        },
    ];
    c.assessment = "该企业主要从事五金制品的冲压、抛光打磨和喷涂，现有员工 86 人，属于涉爆粉尘企业和有限空间作业企业。\n企业已设立安全管理机构，配备专职安全管理人员 1 名，但双重预防机制尚未建立，粉尘清扫、有限空间作业审批等制度执行不到位。建议本年度服务以粉尘防爆和有限空间为重点，每季度开展一次全面排查。".into();
    c.signatures = vec![signature(SignerRole::Principal, PRINCIPAL, 5), signature(SignerRole::Technician, "李堃", 6)];
    sign(c, 5)
}

pub fn letter() -> SignedDocument {
    let mut c = content(DocumentKind::Letter);
    c.title = "关于浙江安泰安全技术服务有限公司技术服务质量问题的函".into();
    c.issuer = Party {
        name: "杭州市应急管理局".into(),
        credit_code: "113301000024986740".into(),
        address: "杭州市上城区解放东路 18 号".into(),
        principal: "".into(),
    };
    c.subject = party_agency();
    c.letter = Some(LetterFacts {
        reference: "杭应急函〔2026〕12号".into(),
        issuer: "杭州市应急管理局".into(),
        recipient: AGENCY.into(),
        findings: vec![
            "你单位 2026 年 10 月为杭州富阳永盛五金制品有限公司出具的隐患清单，未发现该企业除尘系统未设置泄爆装置的重大事故隐患，与我局执法检查结果明显不符。".into(),
            "部分服务记录显示同一技术人员同一时段在两家企业现场服务，服务记录真实性存疑。".into(),
            "服务人员张伟的注册安全工程师证书专业与所服务企业行业不匹配。".into(),
        ],
        demands: vec![
            "立即对上述问题开展自查，对相关服务人员进行约谈和培训。".into(),
            "对 2026 年度已服务的工贸企业隐患清单进行全面复核，重新出具漏报重大隐患企业的隐患清单。".into(),
            "完善服务质量内部审核制度，确保服务记录真实、完整、可追溯。".into(),
        ],
        reply_by: "2026-12-10".into(),
        dated: "2026-11-23".into(),
        contact: "安全生产基础处 陈明，0571-85062123".into(),
    });
    c.signatures = vec![];
    sign(c, 6)
}

/// The documents an enterprise file bundles, and its cover.
pub fn enterprise_file(docs: &[SignedDocument]) -> SignedDocument {
    let mut c = content(DocumentKind::EnterpriseFile);
    c.title = "一企一档".into();
    c.bundled = docs
        .iter()
        .map(|d| DocumentRef {
            id: d.id.0.to_string(),
            kind: d.kind,
            version: d.version,
            signed_at: d.content.signed_at.clone(),
            content_hash: d.content_hash.clone(),
            verification_code: d.verification_code.clone(),
        })
        .collect();
    sign(c, 7)
}

/// Every kind with its sample document and the photos they need.
pub fn all_samples() -> (Vec<SignedDocument>, Photos) {
    let mut photos = Photos::default();
    let docs = vec![
        hazard_list(&mut photos, 14, 6, 1200, 900),
        inspection_record(&mut photos),
        rectification_notice(),
        reinspection(&mut photos),
        service_plan(),
        letter(),
    ];
    let cover = enterprise_file(&docs[..5]);
    let mut all = docs;
    all.push(cover);
    (all, photos)
}
