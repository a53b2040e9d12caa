//! The `users` table: who signs in to this laptop, with what role, and their password as an
//! Argon2id hash. A run of wrong passwords makes each next try wait longer, counted in the
//! database so quitting the app does not reset it. The hash is what a plain database (one
//! made before laptops were encrypted) signs in with; an encrypted one is opened by the
//! password itself, through its key file (`base/keys.rs`).

use crate::base::keys::wait_after;
use crate::base::views::{NewUser, UserView};
use crate::registers::people::certificates;
use crate::{Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use safeserve_core::signer::Signer;
use safeserve_core::sync::Role;
use safeserve_core::{Message, PersonId};

use crate::base::keys::check_new_password;
fn hash(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(StoreError::PasswordHash)
}

fn matches(password: &str, phc: &str) -> Result<bool, StoreError> {
    let parsed = PasswordHash::new(phc).map_err(StoreError::PasswordHash)?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Invalid { field, message: Message::new(zh, en) }
}

fn user(r: &Row<'_>) -> rusqlite::Result<UserView> {
    let role: String = r.get(3)?;
    let person = match r.get_ref(4)? {
        rusqlite::types::ValueRef::Null => None,
        _ => Some(crate::base::rows::parse_id(r, 4)?),
    };
    Ok(UserView {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        role: crate::known(("角色", "role"), &role, Role::from_key)?,
        person_id: person,
    })
}

const COLUMNS: &str = "id, name, display_name, role, person_id";

impl Store {
    /// Everyone who may sign in to this laptop, by name.
    pub fn users(&self) -> Result<Vec<UserView>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))?;
        let rows = stmt.query_map([], user)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A user by id.
    pub fn user(&self, id: &str) -> Result<UserView, StoreError> {
        self.conn
            .query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], user)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "user", id: id.to_owned() })
    }

    /// Adds a user who signs in with `form.password` (stored only as its Argon2id hash).
    pub fn add_user(&mut self, form: &NewUser, created_at: &str) -> Result<UserView, StoreError> {
        let (name, display_name) = (form.name.trim(), form.display_name.trim());
        if name.is_empty() {
            return Err(invalid("name", "请填写登录名", "Enter a sign-in name"));
        }
        if display_name.is_empty() {
            return Err(invalid("display_name", "请填写姓名", "Enter the user's name"));
        }
        check_new_password(&form.password)?;
        let taken: bool =
            self.conn.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE name = ?1)", [name], |r| r.get(0))?;
        if taken {
            return Err(invalid(
                "name",
                format!("登录名“{name}”已被使用"),
                format!("The sign-in name {name} is taken"),
            ));
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.conn.execute(
            "INSERT INTO users(id, name, display_name, role, person_id, password, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                name,
                display_name,
                form.role.key(),
                form.person_id.map(|p| p.to_string()),
                hash(&form.password)?,
                created_at
            ],
        )?;
        self.user(&id)
    }

    /// The user whose name and password these are. A wrong password (or an unknown name: the
    /// two are not told apart) counts against the name; after three in a row each next try
    /// waits, doubling up to five minutes, and a try during the wait is refused unchecked.
    pub fn sign_in(&mut self, name: &str, password: &str, now_ms: i64) -> Result<UserView, StoreError> {
        let found: Option<(String, String, u32, i64)> = self
            .conn
            .query_row("SELECT id, password, failed, retry_after_ms FROM users WHERE name = ?1", [name.trim()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((id, phc, failed, retry_after_ms)) = found else {
            // The same work as for a known name, so the answer's time does not tell names apart.
            let _ = matches(password, &hash("not a password")?);
            return Err(StoreError::SignIn { retry_after_secs: None });
        };
        if now_ms < retry_after_ms {
            let secs = u64::try_from(retry_after_ms - now_ms).unwrap_or(0).div_ceil(1000);
            return Err(StoreError::SignIn { retry_after_secs: Some(secs) });
        }
        if matches(password, &phc)? {
            self.conn.execute("UPDATE users SET failed = 0, retry_after_ms = 0 WHERE id = ?1", [&id])?;
            return self.user(&id);
        }
        let failed = failed.saturating_add(1);
        let wait = wait_after(failed);
        let retry_after = now_ms.saturating_add(i64::try_from(wait * 1000).unwrap_or(i64::MAX));
        self.conn.execute(
            "UPDATE users SET failed = ?2, retry_after_ms = ?3 WHERE id = ?1",
            params![id, failed, retry_after],
        )?;
        Err(StoreError::SignIn { retry_after_secs: (wait > 0).then_some(wait) })
    }

    /// Gives a user the role the server knows them by, and the person in the register the
    /// server says they are, once this laptop is enrolled to them: from then on the server's
    /// word decides what they may do here and in whose name they sign.
    pub fn bind_user(&mut self, id: &str, role: Role, person: Option<PersonId>) -> Result<UserView, StoreError> {
        let n = self.conn.execute(
            "UPDATE users SET role = ?2, person_id = ?3 WHERE id = ?1",
            params![id, role.key(), person.map(|p| p.to_string())],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "user", id: id.to_owned() });
        }
        self.user(id)
    }

    /// `user` as they sign the visiting side of a document on `today`: the register's name and
    /// the certificates still valid that day when the user is linked to a person this laptop
    /// holds; otherwise the name they were made with, and no certificates — never a name
    /// typed at signing.
    pub fn signer(&self, user: &UserView, today: NaiveDate) -> Result<Signer, StoreError> {
        let mut signer = Signer { role: user.role, name: user.display_name.clone(), certificates: Vec::new() };
        let Some(person) = user.person_id.map(|p| p.to_string()) else { return Ok(signer) };
        let registered: Option<String> =
            self.conn.query_row("SELECT name FROM people WHERE id = ?1", [&person], |r| r.get(0)).optional()?;
        if let Some(name) = registered {
            signer.name = name;
            signer.certificates = certificates(&self.conn, &person)?
                .into_iter()
                .filter(|c| c.is_valid_on(today))
                .map(|c| format!("{} {}", c.kind.label_zh(), c.number))
                .collect();
        }
        Ok(signer)
    }
}
