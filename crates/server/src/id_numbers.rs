//! People's ID numbers as each role receives them (PIPL: no more than the work needs). The
//! people register is kept by supervisors and administrators, who receive full numbers.
//! Technicians and inspectors receive each number masked (`330102********1234`) with a keyed
//! hash of it (HMAC-SHA256 under the server's own key, `id-number.key`): two records of one
//! person still match on their laptops, and nobody holding a laptop can work the number back
//! from the hash (the number space is small enough to try every number against a plain hash;
//! not against a key they do not hold).

use crate::scope::Role;
use anyhow::Context;
use hmac::{Hmac, Mac};
use safeserve_core::sync::{Entity, Pulled};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::path::Path;

/// The key's file in the data folder; part of every backup (`bureau::FILES`).
pub const KEY_FILE: &str = "id-number.key";

/// The key every laptop's hash of an ID number is made with. Losing it changes every hash
/// sent from then on, so it is backed up with the bureau's authority.
pub struct IdNumberKey([u8; 32]);

impl IdNumberKey {
    pub fn load_or_create(data: &Path) -> anyhow::Result<IdNumberKey> {
        let path = data.join(KEY_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes.try_into().map_err(|_| {
                    anyhow::anyhow!("身份证号密钥已损坏 / the ID-number key is damaged: {}", path.display())
                })?;
                Ok(IdNumberKey(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // Two version-4 UUIDs from the OS's random source, as the server's tokens are.
                let mut key = [0u8; 32];
                key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
                key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
                std::fs::create_dir_all(data)?;
                crate::bureau::write_private(&path, &key)?;
                Ok(IdNumberKey(key))
            }
            Err(e) => Err(e).with_context(|| format!("无法读取 / cannot read {}", path.display())),
        }
    }

    /// The keyed hash laptops match a person by, 64 hex digits.
    #[allow(clippy::expect_used, reason = "HMAC takes a key of any length: new_from_slice never fails")]
    pub fn keyed(&self, number: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(number.trim().to_uppercase().as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A pulled change as `role` receives it: a person's ID number masked, with its keyed hash,
    /// unless the role keeps the people register; so too inside a conflict over a person.
    pub fn shape(&self, role: Role, change: &mut Pulled) {
        if receives_full_numbers(role) {
            return;
        }
        let Some(raw) = change.body.as_ref() else { return };
        let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(raw.get()) else { return };
        let changed = match change.entity {
            Entity::Person => self.mask(&mut body),
            Entity::Conflict if body.get("entity").and_then(Value::as_str) == Some(Entity::Person.key()) => {
                let mut any = false;
                for side in ["kept", "lost"] {
                    if let Some(Value::Object(person)) = body.get_mut(side) {
                        any |= self.mask(person);
                    }
                }
                any
            }
            _ => false,
        };
        if changed {
            if let Ok(text) = serde_json::value::to_raw_value(&Value::Object(body)) {
                change.body = Some(text);
            }
        }
    }

    fn mask(&self, person: &mut Map<String, Value>) -> bool {
        let Some(number) = person.get("id_number").and_then(Value::as_str).map(str::to_owned) else { return false };
        person.insert("id_number".into(), Value::String(self.keyed(&number)));
        person.insert("id_masked".into(), Value::String(safeserve_core::mask_id_number(&number)));
        true
    }
}

/// Who keeps the people register, and so receives people's full ID numbers.
pub fn receives_full_numbers(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use safeserve_core::sync::Op;

    fn person_change(number: &str) -> Pulled {
        let body = serde_json::json!({ "id": "p1", "id_number": number, "name": "王伟" });
        Pulled {
            seq: 1,
            entity: Entity::Person,
            record_id: "p1".into(),
            op: Op::Upsert,
            hlc: 1,
            node: "n".into(),
            body: Some(serde_json::value::to_raw_value(&body).unwrap()),
        }
    }

    #[test]
    fn a_technician_receives_the_number_masked_with_a_keyed_hash_a_supervisor_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let key = IdNumberKey::load_or_create(dir.path()).unwrap();
        let number = "11010519491231002X";
        let mut shaped = person_change(number);
        key.shape(Role::Technician, &mut shaped);
        let body = shaped.body.unwrap().get().to_owned();
        assert!(!body.contains(number), "{body}");
        assert!(body.contains("110105********002X") && body.contains(&key.keyed(number)), "{body}");
        let mut full = person_change(number);
        key.shape(Role::Supervisor, &mut full);
        assert!(full.body.unwrap().get().contains(number));
        // The same key from the same folder: the hash laptops hold stays the same.
        assert_eq!(IdNumberKey::load_or_create(dir.path()).unwrap().keyed(number), key.keyed(number));
        assert_ne!(key.keyed(number), key.keyed("110105194912310038"));
    }
}
