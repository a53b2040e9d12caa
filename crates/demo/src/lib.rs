//! `safeserve-demo` is SafeServe's demo generator: a deterministic, believable Hangzhou of agencies, people, enterprises
//! and contracts, for the run command (small) and for benchmarks (large). The same size, seed
//! and reference date always give the same registers.
//!
//! What it plants on purpose, so every screen has something true to show: agencies that fail
//! R1 in one or several ways (small office, too few qualified staff, missing documents, not on
//! the platform, no high-risk specialist, untested technicians); certificates that are expired
//! or about to expire; people listed full-time by two agencies and certificate numbers held by
//! people of two agencies (R15); low-priced and government-commissioned contracts.
//!
//! It writes through the store's bulk loader (`safeserve_store::bulk`) and its public acts
//! (signing, grading), so the store itself needs neither images nor random numbers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "the demo generator works from fixed and generated data; a failure is a bug in it, found by its tests"
)]

pub mod documents;
mod hangzhou;
mod photos;
mod supervision;
mod visits;

use chrono::{Days, NaiveDate, NaiveTime};
use hangzhou::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use safeserve_core::contract;
use safeserve_core::grading::GradeRules;
use safeserve_core::register::*;
use safeserve_core::sync::Role;
use safeserve_core::*;
use safeserve_store::bulk::ContractWritten;
use safeserve_store::views::{NewUser, RegisterCounts};
use safeserve_store::{Store, StoreError};
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoSize {
    Small,
    Large,
}

impl DemoSize {
    fn agencies(self) -> usize {
        match self {
            DemoSize::Small => 40,
            DemoSize::Large => 1_400,
        }
    }

    fn enterprises(self) -> usize {
        match self {
            DemoSize::Small => 2_000,
            DemoSize::Large => 100_000,
        }
    }
}

pub const DEFAULT_SEED: u64 = 20_261_123;

/// The password of every demo user: a demo database is for trying SafeServe, never for records.
pub const DEMO_PASSWORD: &str = "safeserve";

/// The demo's users, one per role, each signing in with [`DEMO_PASSWORD`]: sign-in name, name
/// and role.
pub const DEMO_USERS: [(&str, &str, Role); 4] = [
    ("technician", "演示技术人员", Role::Technician),
    ("inspector", "演示检查人员", Role::Inspector),
    ("supervisor", "演示监管负责人", Role::Supervisor),
    ("admin", "演示管理员", Role::Admin),
];

/// Encrypts a generated demo database as a laptop keeps its own: under a random key sealed for
/// each of [`DEMO_USERS`] with [`DEMO_PASSWORD`], so any of them signs in.
pub fn encrypt_for_laptop(path: &Path) -> Result<(), StoreError> {
    safeserve_store::encryption::encrypt_for_users(path, None).map(drop)
}

/// Share of checklist items a demo visit finds failing: about four hazards a visit, which puts
/// a million hazards in the large database.
const FAIL_RATE: f64 = 0.25;

struct Gen {
    rng: ChaCha8Rng,
    clock_ms: u64,
    credit_codes: HashSet<String>,
    id_numbers: HashSet<String>,
}

impl Gen {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut n = self.rng.random_range(0..total);
        for (item, w) in items {
            if n < *w {
                return item;
            }
            n -= w;
        }
        unreachable!("weights sum to total")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// Ids and creation times advance together, so `seq`, id and `created_at` all sort alike.
    fn stamp(&mut self) -> (u64, [u8; 10], String) {
        self.clock_ms += self.rng.random_range(1_000..60_000);
        let bytes: [u8; 10] = self.rng.random();
        let at = chrono::DateTime::from_timestamp_millis(self.clock_ms as i64).expect("in range").to_rfc3339();
        (self.clock_ms, bytes, at)
    }

    fn brand(&mut self) -> String {
        let a = *self.pick(BRAND_CHARS);
        let mut b = *self.pick(BRAND_CHARS);
        while b == a {
            b = *self.pick(BRAND_CHARS);
        }
        format!("{a}{b}")
    }

    fn person_name(&mut self) -> String {
        let mut s = self.pick(SURNAMES).to_string();
        s.push(*self.pick(GIVEN_CHARS));
        if self.chance(0.6) {
            s.push(*self.pick(GIVEN_CHARS));
        }
        s
    }

    fn phone(&mut self) -> String {
        let second = *self.pick(&['3', '5', '7', '8', '9']);
        format!("1{second}{:09}", self.rng.random_range(0..1_000_000_000u32))
    }

    fn credit_code(&mut self, division: &str, kind: &str) -> String {
        const ORG: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        loop {
            let mut body = format!("{kind}{division}MA2");
            for _ in 0..6 {
                body.push(*self.pick(ORG) as char);
            }
            let code = CreditCode::complete(&body).expect("generated from the alphabet");
            if self.credit_codes.insert(code.as_str().to_owned()) {
                return code.as_str().to_owned();
            }
        }
    }

    /// A new person holding `certificates`, and when they were registered.
    fn person(&mut self, certificates: Vec<Certificate>) -> (Person, String) {
        let (ms, bytes, at) = self.stamp();
        let person = Person {
            id: PersonId::from_parts(ms, &bytes),
            id_number: self.id_number(),
            name: self.person_name(),
            phone: self.phone(),
            certificates,
        };
        (person, at)
    }

    /// A valid-form synthetic ID number: a Zhejiang county, a birth date, a sequence.
    fn id_number(&mut self) -> String {
        loop {
            let (county, _, _, _) = *self.pick(DISTRICTS);
            let born = NaiveDate::from_ymd_opt(1962, 1, 1).unwrap() + Days::new(self.rng.random_range(0..13_000));
            let body = format!("{county}{}{:03}", born.format("%Y%m%d"), self.rng.random_range(0..1000));
            let id = IdNumber::complete(&body).expect("17 digits with a real date");
            if self.id_numbers.insert(id.expose().to_owned()) {
                return id.expose().to_owned();
            }
        }
    }
}

/// One district's townships and parks, as the generator places things.
struct Place {
    code: &'static str,
    name: &'static str,
    townships: Vec<(String, &'static str)>,
    parks: Vec<String>,
    weight: u32,
}

fn places() -> Vec<Place> {
    DISTRICTS
        .iter()
        .map(|(code, name, towns, weight)| Place {
            code,
            name,
            townships: towns.iter().enumerate().map(|(i, t)| (format!("{code}{:03}", i + 1), *t)).collect(),
            parks: towns
                .iter()
                .step_by(3)
                .map(|t| {
                    format!(
                        "{}{}小微企业园",
                        name.trim_end_matches(['区', '县', '市']),
                        t.trim_end_matches(['街', '道', '镇'])
                    )
                })
                .collect(),
            weight: *weight,
        })
        .collect()
}

/// Plans an agency's R1 shortcomings before its data is drawn, so the data shows them.
#[derive(Default)]
struct Shortfalls {
    office: bool,
    staff: bool,
    documents: bool,
    platform: bool,
    specialist: bool,
    untested: bool,
}

/// R2: what an agency publishes as its yearly reference fees, at the level of a micro enterprise
/// (so a low-priced contract for a small client shows, while larger clients pay more).
fn reference_fees(rng: &mut ChaCha8Rng) -> contract::ReferenceFees {
    [
        (ServiceType::SafetyManagement, rng.random_range(2_500..5_000) * 100),
        (ServiceType::PublicityTraining, rng.random_range(800..1_500) * 100),
        (ServiceType::ProfessionalTechnical, rng.random_range(3_000..8_000) * 100),
    ]
    .into_iter()
    .collect()
}

/// R3 terms as contracts in the field are written: most complete, some without payment or
/// breach clauses, a few with a clause shifting safety duties away (flagged by the check).
fn contract_terms(rng: &mut ChaCha8Rng, c: &Contract, township: &str) -> ContractWritten {
    let roll = rng.random_range(0..100);
    let mut terms = contract::ContractTerms {
        method: "现场检查、资料核查与座谈相结合".into(),
        requirements: "按约定频次到场服务，每次出具书面隐患清单，重大隐患当日报告".into(),
        place: "委托单位生产经营场所，现场服务".into(),
        acceptance_method: "每季度由委托单位书面确认服务记录".into(),
        payment: "合同签订后 15 日内支付 50%，服务期满验收后结清".into(),
        breach_liability: "一方违约的，按《中华人民共和国民法典》承担违约责任".into(),
        clauses: String::new(),
    };
    match roll {
        0..6 => terms.payment.clear(),
        6..10 => terms.breach_liability.clear(),
        10..13 => {
            terms.clauses = "乙方仅对所出具报告的格式负责，委托单位发生生产安全事故的，乙方不承担任何责任。".into()
        }
        _ => {}
    }
    // Filed with the enterprise's township when the register says it was filed, on its start.
    ContractWritten {
        terms,
        filed_with: c.filed.then(|| township.to_owned()),
        filed_on: c.filed.then(|| c.starts_on.to_string()),
    }
}

/// Writes a demo database at `path`, its documents signed by the seed's demo device. It is
/// built beside the target and moved into place only when complete, so an interrupted run
/// never leaves a half-made database under that name.
pub fn generate(path: &Path, size: DemoSize, seed: u64, as_of: NaiveDate) -> Result<RegisterCounts, StoreError> {
    generate_signed_by(path, size, seed, as_of, &documents::demo_key(seed))
}

/// [`generate`], the documents signed by `signer`: a laptop's demo is signed by the laptop
/// itself, the only key a laptop never enrolled believes (the demo device's key can be derived
/// by anyone from the seed, so no laptop may trust it).
pub fn generate_signed_by(
    path: &Path,
    size: DemoSize,
    seed: u64,
    as_of: NaiveDate,
    signer: &ed25519_dalek::SigningKey,
) -> Result<RegisterCounts, StoreError> {
    let partial = path.with_extension("partial");
    for p in [&partial, &partial.with_extension("partial-wal"), &partial.with_extension("partial-shm")] {
        let _ = std::fs::remove_file(p);
    }
    let mut store = Store::open(&partial)?;
    // The demo's records are nobody's edits: they are not queued for the server.
    store.set_recording(false)?;
    let photo_files = store.photo_files();
    let _ = std::fs::remove_dir_all(photo_files.root());
    let templates = visits::Templates::load(&store)?;
    let start = as_of.and_time(NaiveTime::MIN).and_utc().timestamp_millis() as u64 - 3 * 365 * 86_400_000;
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        clock_ms: start,
        credit_codes: HashSet::new(),
        id_numbers: HashSet::new(),
    };
    // Contract terms and published fees draw from a stream of their own, so the registers and
    // visits stay what the seed has always made.
    let mut terms_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7465_726d_735f_7632);
    let places = places();
    let load = store.bulk_load()?;
    for p in &places {
        load.division(p.code, p.name, None)?;
        for (code, name) in &p.townships {
            load.division(code, name, Some(p.code))?;
        }
    }

    // Agencies and their staff.
    let place_weights: Vec<(usize, u32)> = places.iter().enumerate().map(|(i, p)| (i, p.weight)).collect();
    let mut agency_ids: Vec<(AgencyId, usize, Vec<Industry>)> = Vec::new(); // (id, place index, high-risk served)
    let mut people_by_agency: Vec<Vec<(PersonId, Vec<Certificate>)>> = Vec::new();
    let mut names: std::collections::HashMap<PersonId, String> = std::collections::HashMap::new();
    for _ in 0..size.agencies() {
        let pi = *g.weighted(&place_weights);
        let place = &places[pi];
        let mut s = Shortfalls::default();
        if g.chance(0.4) {
            s.office = g.chance(0.35);
            s.staff = g.chance(0.35);
            s.documents = g.chance(0.35);
            s.platform = g.chance(0.25);
            s.specialist = g.chance(0.3);
            s.untested = g.chance(0.35);
            if !(s.office || s.staff || s.documents || s.platform || s.specialist || s.untested) {
                s.staff = true;
            }
        }
        let high_risk: Vec<Industry> = if g.chance(0.35) || s.specialist {
            let first = *g.pick(&[
                Industry::Chemical,
                Industry::HazardousChemicals,
                Industry::Metallurgy,
                Industry::DustExplosion,
                Industry::AmmoniaRefrigeration,
                Industry::Mining,
            ]);
            vec![first]
        } else {
            vec![]
        };
        let (ms, bytes, at) = g.stamp();
        let id = AgencyId::from_parts(ms, &bytes);
        let city = if g.chance(0.3) { "浙江" } else { "杭州" };
        let name = format!("{city}{}{}", g.brand(), g.pick(AGENCY_SUFFIXES));
        let (town_code, town) = g.pick(&place.townships).clone();
        let mut documents = ManagementDocument::ALL.to_vec();
        if s.documents {
            let n = g.rng.random_range(1..4);
            for _ in 0..n {
                let i = g.rng.random_range(0..documents.len());
                documents.remove(i);
            }
        }
        let agency = Agency {
            id,
            credit_code: g.credit_code(&town_code[..6], "91"),
            name,
            address: format!("杭州市{}{}{}{}号", place.name, town, g.pick(ROADS), g.rng.random_range(1..999)),
            office_area_m2: if s.office {
                g.rng.random_range(35..100) as f64
            } else {
                g.rng.random_range(100..600) as f64
            },
            division: DivisionCode::parse(place.code).expect("static"),
            service_types: {
                let mut v = vec![ServiceType::SafetyManagement];
                if g.chance(0.7) {
                    v.push(ServiceType::ProfessionalTechnical);
                }
                if g.chance(0.5) {
                    v.push(ServiceType::PublicityTraining);
                }
                v
            },
            high_risk_industries: high_risk.clone(),
            platform_registered: !s.platform,
            documents,
        };
        load.agency(&agency, &reference_fees(&mut terms_rng), &at)?;

        // Staff: about 20 on average; a short-staffed agency has only 2–4 qualified.
        let qualified = if s.staff { g.rng.random_range(2..5) } else { g.rng.random_range(6..26) };
        let others = g.rng.random_range(0..5);
        let mut staff = Vec::new();
        for j in 0..(qualified + others) {
            let is_qualified = j < qualified;
            let role = match j {
                0 => StaffRole::TechnicalLead,
                1 => StaffRole::ProcessControlLead,
                _ if !is_qualified && g.chance(0.6) => StaffRole::PartTime,
                _ => StaffRole::Technician,
            };
            let mut certs = Vec::new();
            if is_qualified {
                let specialist = j == 0 && !high_risk.is_empty() && !s.specialist;
                let kind = if specialist {
                    *g.pick(&[CertificateKind::MidTitle, CertificateKind::SeniorTitle])
                } else {
                    *g.pick(&[
                        CertificateKind::RegisteredSafetyEngineer,
                        CertificateKind::RegisteredSafetyEngineer,
                        CertificateKind::SafetyAssessor,
                        CertificateKind::RegisteredFireEngineer,
                        CertificateKind::MidTitle,
                    ])
                };
                let specialty = if specialist {
                    Some(high_risk[0].qualifying_specialties()[0].to_owned())
                } else if kind.is_engineering_title() {
                    Some((*g.pick(&["安全工程", "机械工程", "电气工程", "消防工程"])).to_owned())
                } else {
                    None
                };
                // Most valid for years; some about to expire; a few already expired (which
                // can push an agency under R1 by itself, as happens in life).
                let days: i64 = if g.chance(0.04) {
                    -g.rng.random_range(1..400)
                } else if g.chance(0.05) {
                    g.rng.random_range(1..60)
                } else {
                    g.rng.random_range(120..1800)
                };
                certs.push(Certificate {
                    kind,
                    number: format!("{}{:08}", kind_prefix(kind), g.rng.random_range(0..100_000_000u32)),
                    issuer: issuer(kind).to_owned(),
                    specialty,
                    expires_on: as_of.checked_add_signed(chrono::Duration::days(days)),
                    level: None,
                    issued_on: None,
                });
            }
            let (person, at) = g.person(certs.clone());
            load.person(&person, &at)?;
            load.employment(&Employment {
                person: person.id,
                agency: id,
                role,
                full_time: role != StaffRole::PartTime,
                started_on: None,
                ended_on: None,
            })?;
            if role != StaffRole::PartTime {
                let untested = s.untested && j >= 2 && g.chance(0.3);
                if !untested || g.chance(0.5) {
                    let passed = !untested && g.chance(0.97);
                    let score = if passed { g.rng.random_range(60..100) } else { g.rng.random_range(30..60) };
                    let taken_on = as_of - Days::new(g.rng.random_range(10..500));
                    load.capability_test(&CapabilityTest { person: person.id, taken_on, score, passed })?;
                }
            }
            names.insert(person.id, person.name.clone());
            staff.push((person.id, certs));
        }
        agency_ids.push((id, pi, high_risk));
        people_by_agency.push(staff);
    }
    // The demo's technician is a person of the register with certificates in force, as an
    // enrolled technician is: the documents they sign carry that person's name and numbers.
    // (An agency's first and third staff may lend a certificate or work at a second agency
    // below; the second is no part of those patterns.)
    let demo_technician = people_by_agency
        .iter()
        .filter_map(|staff| staff.get(1))
        .find(|(_, certs)| !certs.is_empty() && certs.iter().all(|c| c.is_valid_on(as_of)))
        .map(|(id, _)| *id);

    // R15 patterns: some people full-time at a second agency; some certificate numbers held by
    // a person of another agency as well (证书挂靠).
    let n_agencies = agency_ids.len();
    for _ in 0..(n_agencies / 20).max(2) {
        let (a, b) = (g.rng.random_range(0..n_agencies), g.rng.random_range(0..n_agencies));
        if a == b || people_by_agency[a].len() < 3 {
            continue;
        }
        let (person, _) = people_by_agency[a][2].clone();
        load.employment(&Employment {
            person,
            agency: agency_ids[b].0,
            role: StaffRole::Technician,
            full_time: true,
            started_on: None,
            ended_on: None,
        })?;
    }
    // The last person holding another's certificate is the one the supervision records list.
    let mut last_borrower = None;
    for _ in 0..(n_agencies / 25).max(2) {
        let (a, b) = (g.rng.random_range(0..n_agencies), g.rng.random_range(0..n_agencies));
        let Some((_, certs)) = people_by_agency[a].first().cloned() else { continue };
        if a == b || certs.is_empty() {
            continue;
        }
        let (borrower, at) = g.person(certs);
        load.person(&borrower, &at)?;
        last_borrower = Some(borrower.id);
        load.employment(&Employment {
            person: borrower.id,
            agency: agency_ids[b].0,
            role: StaffRole::Technician,
            full_time: true,
            started_on: None,
            ended_on: None,
        })?;
    }

    // Enterprises and their contracts.
    let agencies_by_place: Vec<Vec<usize>> =
        (0..places.len()).map(|pi| (0..n_agencies).filter(|&a| agency_ids[a].1 == pi).collect()).collect();
    let high_risk_agencies: Vec<usize> = (0..n_agencies).filter(|&a| !agency_ids[a].2.is_empty()).collect();
    let visit_staff: Vec<Vec<visits::Staff>> = people_by_agency
        .iter()
        .map(|staff| {
            staff
                .iter()
                .filter(|(_, certs)| !certs.is_empty())
                .map(|(id, certs)| visits::Staff::new(*id, names[id].clone(), certs, as_of))
                .collect()
        })
        .collect::<Result<_, _>>()?;
    // Each agency's clients with their principals (who rate it), in the order contracted.
    let mut clients: Vec<Vec<(EnterpriseId, String)>> = vec![Vec::new(); n_agencies];
    for _ in 0..size.enterprises() {
        let pi = *g.weighted(&place_weights);
        let place = &places[pi];
        let (town_code, town) = g.pick(&place.townships).clone();
        let key: &&str = g.weighted(INDUSTRY_WEIGHTS);
        let industry = Industry::from_key(key).expect("static keys");
        let enterprise_size = *g.weighted(&[
            (EnterpriseSize::Micro, 45),
            (EnterpriseSize::Small, 40),
            (EnterpriseSize::Medium, 12),
            (EnterpriseSize::Large, 3),
        ]);
        let small = matches!(enterprise_size, EnterpriseSize::Micro | EnterpriseSize::Small);
        let park = if small && g.chance(0.3) { Some(g.pick(&place.parks).clone()) } else { None };
        let word = *g.pick(industry_words(industry.key()));
        let local = if g.chance(0.5) { place.name.trim_end_matches(['区', '县', '市']) } else { "" };
        let suffix = *g.pick(&["有限公司", "有限公司", "有限公司", "股份有限公司", "厂"]);
        let (ms, bytes, at) = g.stamp();
        let e = Enterprise {
            id: EnterpriseId::from_parts(ms, &bytes),
            credit_code: g.credit_code(&town_code[..6], "91"),
            name: format!("杭州{local}{}{word}{suffix}", g.brand()),
            address: format!("杭州市{}{}{}{}号", place.name, town, g.pick(ROADS), g.rng.random_range(1..999)),
            division: DivisionCode::parse(&town_code).expect("generated 9 digits"),
            industry,
            size: enterprise_size,
            park,
            principal: g.person_name(),
            safety_contact: g.person_name(),
            phone: g.phone(),
        };
        load.enterprise(&e, &at)?;

        let n_contracts = match g.rng.random_range(0..100) {
            0..25 => 0,
            25..75 => 1,
            _ => 2, // a current contract and an earlier, expired one
        };
        for k in 0..n_contracts {
            let pool = if industry.is_high_risk() && !high_risk_agencies.is_empty() && g.chance(0.8) {
                &high_risk_agencies
            } else if !agencies_by_place[pi].is_empty() && g.chance(0.8) {
                &agencies_by_place[pi]
            } else {
                continue;
            };
            let a = *g.pick(pool);
            let reference_yuan: i64 = match enterprise_size {
                EnterpriseSize::Micro => g.rng.random_range(3_000..8_000),
                EnterpriseSize::Small => g.rng.random_range(6_000..20_000),
                EnterpriseSize::Medium => g.rng.random_range(20_000..60_000),
                EnterpriseSize::Large => g.rng.random_range(50_000..150_000),
            };
            let fee_yuan =
                if g.chance(0.05) { reference_yuan * g.rng.random_range(20..40) / 100 } else { reference_yuan };
            let back = if k == 0 { g.rng.random_range(0..330) } else { g.rng.random_range(400..720) };
            let starts_on = as_of - Days::new(back);
            let government_commissioned = g.chance(0.1);
            let visits_per_year = *g.pick(&[4, 6, 12]);
            let (ms, bytes, at) = g.stamp();
            let contract = Contract {
                id: ContractId::from_parts(ms, &bytes),
                agency: agency_ids[a].0,
                enterprise: e.id,
                service_types: if government_commissioned {
                    vec![ServiceType::ProfessionalTechnical]
                } else {
                    vec![ServiceType::SafetyManagement, ServiceType::PublicityTraining]
                },
                content: (*g.pick(CONTRACT_CONTENTS)).to_owned(),
                visits_per_year,
                starts_on,
                ends_on: starts_on + Days::new(364),
                fee_fen: fee_yuan * 100,
                acceptance_standard: "按约定频次完成现场服务，每次出具书面隐患清单并经企业主要负责人签字确认"
                    .to_owned(),
                filed: g.chance(0.85),
                government_commissioned,
            };
            let terms = contract_terms(&mut terms_rng, &contract, e.division.as_str());
            load.contract(&contract, &terms, &at)?;
            clients[a].push((e.id, e.principal.clone()));
            let served = visits::Served {
                enterprise: &e.id.to_string(),
                industry,
                starts_on,
                ends_on: starts_on + Days::new(364),
                visits_per_year,
                staff: &visit_staff[a],
            };
            visits::generate(&mut g, &load, &templates, &served, as_of, FAIL_RATE)?;
        }
    }
    photos::generate(&mut g, &load, &photo_files)?;
    load.practice_notices_for_contracts("演示数据", &format!("{as_of}T08:00:00+08:00"))?;
    let served: Vec<(AgencyId, Vec<(EnterpriseId, String)>)> =
        agency_ids.iter().map(|(id, _, _)| *id).zip(clients).collect();
    supervision::generate(&load, seed, as_of, &served, last_borrower)?;
    let to_sign = documents::ToSign::find(&load)?;
    load.finish()?;
    let signed_at = as_of
        .and_time(NaiveTime::from_hms_opt(17, 30, 0).expect("valid time"))
        .and_local_timezone(safeserve_core::shanghai())
        .single()
        .expect("fixed offset");
    documents::generate(&mut g, &mut store, &to_sign, signer, signed_at)?;
    // One grading of every agency with the shipped rules, so the demo opens with grades, a
    // ranking and a history.
    store.grade_agencies(&GradeRules::shipped(), as_of, &format!("{as_of}T18:00:00+08:00"))?;
    for (name, display_name, role) in DEMO_USERS {
        let user = NewUser {
            name: name.into(),
            display_name: display_name.into(),
            role,
            person_id: if role == Role::Technician { demo_technician } else { None },
            password: DEMO_PASSWORD.into(),
        };
        store.add_user(&user, &format!("{as_of}T08:00:00+08:00"))?;
    }
    let counts = store.counts()?;
    store.set_recording(true)?;
    drop(store);
    // Photos first: a database is never in place without the photo files it names.
    let photos_dir = Store::photo_files_of(path);
    let _ = std::fs::remove_dir_all(photos_dir.root());
    if photo_files.root().exists() {
        std::fs::rename(photo_files.root(), photos_dir.root())
            .map_err(|source| StoreError::Unavailable { path: photos_dir.root().to_owned(), source })?;
    }
    std::fs::rename(&partial, path).map_err(|source| StoreError::Unavailable { path: path.to_owned(), source })?;
    Ok(counts)
}

fn kind_prefix(kind: CertificateKind) -> &'static str {
    match kind {
        CertificateKind::RegisteredSafetyEngineer => "ZJAQ",
        CertificateKind::SafetyAssessor => "AQPJ",
        CertificateKind::RegisteredFireEngineer => "XFGC",
        CertificateKind::MidTitle => "ZC-Z",
        CertificateKind::SeniorTitle => "ZC-G",
    }
}

fn issuer(kind: CertificateKind) -> &'static str {
    match kind {
        CertificateKind::RegisteredSafetyEngineer => "应急管理部",
        CertificateKind::SafetyAssessor => "浙江省应急管理厅",
        CertificateKind::RegisteredFireEngineer => "应急管理部消防救援局",
        CertificateKind::MidTitle | CertificateKind::SeniorTitle => "浙江省人力资源和社会保障厅",
    }
}
