//! Demo signed documents: the hazard lists (and rectification notices) of the visits whose
//! hazards have photos, signed by the enterprise's principal and the first technician with
//! strokes drawn from the seed, one of them corrected once, and an enterprise file bundling one
//! enterprise's documents, signed by the key [`super::generate_signed_by`] is given (by default
//! the demo device's, derived from the seed; only its public key is kept).

use super::Gen;
use chrono::{DateTime, FixedOffset};
use ed25519_dalek::SigningKey;
use rand::Rng;
use safeserve_core::document::{DocumentKind, HandSignature, SignedDocument, SignerRole, Stroke};
use safeserve_core::{EnterpriseId, VisitId};
use safeserve_store::bulk::{BulkLoad, LoadedVisit};
use safeserve_store::views::DocumentRequest;
use safeserve_store::{Store, StoreError};
use sha2::{Digest, Sha256};

/// The pad the signing screen draws on, in its units.
const PAD: (u32, u32) = (600, 200);

/// The demo device's key: the same seed gives the same key, so the demo is reproducible.
pub fn demo_key(seed: u64) -> SigningKey {
    let mut h = Sha256::new();
    h.update(b"SafeServe demo device");
    h.update(seed.to_le_bytes());
    SigningKey::from_bytes(&h.finalize().into())
}

/// A handwritten-looking signature: one looping stroke per character and an underline.
fn strokes(g: &mut Gen, chars: usize) -> Vec<Stroke> {
    let mut out = Vec::new();
    let step = (PAD.0 as i32 - 80) / chars.max(1) as i32;
    for c in 0..chars as i32 {
        let (x0, amp) = (40 + c * step, g.rng.random_range(30..60));
        let turns = g.rng.random_range(2.0..4.0f64);
        let points = (0..24)
            .map(|i| {
                let t = i as f64 / 23.0;
                let x = x0 as f64 + t * step as f64 * 0.8 + (t * turns * std::f64::consts::TAU).sin() * 12.0;
                let y = 100.0 + (t * turns * std::f64::consts::TAU).cos() * amp as f64 * (1.0 - t * 0.5);
                [x as i32, y as i32, 400 + (t * 500.0) as i32]
            })
            .collect();
        out.push(Stroke { points });
    }
    out.push(Stroke { points: vec![[30, 170, 300], [PAD.0 as i32 / 2, 176, 600], [PAD.0 as i32 - 40, 168, 300]] });
    out
}

fn signature(g: &mut Gen, role: SignerRole, name: &str) -> HandSignature {
    HandSignature {
        role,
        name: name.into(),
        certificates: Vec::new(),
        width: PAD.0,
        height: PAD.1,
        strokes: strokes(g, name.chars().count()),
        refusal: None,
    }
}

/// A paper of a visit, signed by the enterprise's principal and the first technician.
fn visit_paper(g: &mut Gen, kind: DocumentKind, visit: VisitId, principal: &str, technician: &str) -> DocumentRequest {
    DocumentRequest {
        kind,
        visit_id: Some(visit),
        enterprise_id: None,
        signatures: vec![
            signature(g, SignerRole::Principal, principal),
            signature(g, SignerRole::Technician, technician),
        ],
        replaces: None,
        correction_reason: String::new(),
    }
}

/// Signs as the demo device, with the id's random part drawn from the seed.
struct Signer<'a> {
    key: &'a SigningKey,
    now: DateTime<FixedOffset>,
    signed: usize,
}

impl Signer<'_> {
    fn sign(&mut self, g: &mut Gen, store: &mut Store, req: &DocumentRequest) -> Result<SignedDocument, StoreError> {
        let random: [u8; 10] = g.rng.random();
        let doc = store.sign_document(req, self.key, "演示设备 Demo device", self.now, &random, &|_| Vec::new())?;
        self.signed += 1;
        Ok(doc)
    }
}

/// The visits whose papers are signed, found while the load is open.
pub(super) struct ToSign {
    /// Ended visits with photographed hazards: their hazard lists (every third one's
    /// rectification notice too).
    lists: Vec<LoadedVisit>,
    /// A few first visits elsewhere in the city: their service plans.
    plans: Vec<LoadedVisit>,
}

impl ToSign {
    pub fn find(load: &BulkLoad<'_>) -> Result<Self, StoreError> {
        Ok(ToSign { lists: load.visits_with_photos()?, plans: load.newest_service_plans(3)? })
    }
}

pub(super) fn generate(
    g: &mut Gen,
    store: &mut Store,
    to_sign: &ToSign,
    key: &SigningKey,
    now: DateTime<FixedOffset>,
) -> Result<usize, StoreError> {
    let mut signer = Signer { key, now, signed: 0 };
    let mut first: Option<EnterpriseId> = None;
    for (i, LoadedVisit { id, enterprise_id, principal, technician }) in to_sign.lists.iter().enumerate() {
        let kinds: &[DocumentKind] = if i % 3 == 0 {
            &[DocumentKind::HazardList, DocumentKind::RectificationNotice]
        } else {
            &[DocumentKind::HazardList]
        };
        for &kind in kinds {
            let req = visit_paper(g, kind, *id, principal, technician);
            let doc = signer.sign(g, store, &req)?;
            if first.is_none() {
                first = Some(enterprise_id.parse().expect("stored ids parse"));
                // The first hazard list was signed again to correct it: both versions are kept.
                let again = visit_paper(g, kind, *id, principal, technician);
                let correction = DocumentRequest {
                    replaces: Some(doc.id),
                    correction_reason: "原清单责任人签名不清，重新签字".into(),
                    ..again
                };
                signer.sign(g, store, &correction)?;
            }
        }
    }
    for LoadedVisit { id, principal, technician, .. } in &to_sign.plans {
        let req = visit_paper(g, DocumentKind::ServicePlan, *id, principal, technician);
        signer.sign(g, store, &req)?;
    }
    if let Some(enterprise) = first {
        let req = DocumentRequest {
            kind: DocumentKind::EnterpriseFile,
            visit_id: None,
            enterprise_id: Some(enterprise),
            signatures: vec![],
            replaces: None,
            correction_reason: String::new(),
        };
        signer.sign(g, store, &req)?;
    }
    Ok(signer.signed)
}
