//! Who signs a form for the visiting side (R6): the person signed in at the laptop, never a
//! name typed into a box. "Signing in another's name" is a ground for the blacklist (R11), so
//! the technician's, inspector's or supervisor's side of every signature carries the signed-in user's name and the certificate numbers the register holds
//! for them; only the enterprise principal's name is written on site — proposed from the
//! register, and a different name is printed beside the registered one.

use crate::document::{HandSignature, SignerRole};
use crate::sync::Role;
use crate::Message;

/// The signed-in user as they sign: their role at the laptop, their name (the register's, when
/// the server linked them to a person in it) and their certificates still valid, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    pub role: Role,
    pub name: String,
    pub certificates: Vec<String>,
}

impl Signer {
    /// Whether this user may sign in the capacity `as_`: a technician for an agency, an
    /// inspector for the bureau, a supervisor as an inspector or in approving; an administrator
    /// in any capacity but the principal's.
    pub fn may_sign_as(&self, as_: SignerRole) -> bool {
        use SignerRole as S;
        match self.role {
            Role::Technician => as_ == S::Technician,
            Role::Inspector => as_ == S::Inspector,
            Role::Supervisor => matches!(as_, S::Inspector | S::Supervisor),
            Role::Admin => as_ != S::Principal,
        }
    }

    /// Who signs a form (`document::required_roles`: one role of each group), narrowed to the
    /// capacity this user signs in: the window offers no choice the signing would refuse.
    pub fn narrow(&self, groups: Vec<Vec<SignerRole>>) -> Vec<Vec<SignerRole>> {
        groups
            .into_iter()
            .map(|group| {
                let mine: Vec<SignerRole> = group.iter().copied().filter(|r| self.may_sign_as(*r)).collect();
                match mine.first() {
                    Some(first) if !group.contains(&SignerRole::Principal) => vec![*first],
                    _ => group,
                }
            })
            .collect()
    }

    /// Puts this user into every signature but the principal's: their name and certificates,
    /// whatever the request said. A signature in a capacity the user does not hold is refused
    /// (nobody signs as an inspector while signed in as a technician). The principal claims no
    /// certificates.
    pub fn bind(&self, signatures: &mut [HandSignature]) -> Result<(), Message> {
        for s in signatures {
            if s.role == SignerRole::Principal {
                s.certificates.clear();
                continue;
            }
            if !self.may_sign_as(s.role) {
                return Err(Message::new(
                    format!("以“{}”身份登录时不能作为{}签字", self.role.label_zh(), s.role.label_zh()),
                    format!(
                        "Signed in as {}, you cannot sign as the {}",
                        self.role.label_en().to_lowercase(),
                        s.role.label_en().to_lowercase()
                    ),
                ));
            }
            s.name.clone_from(&self.name);
            s.certificates.clone_from(&self.certificates);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::required_roles;
    use crate::document::DocumentKind;
    use crate::visit::VisitKind;

    fn signer(role: Role) -> Signer {
        Signer { role, name: "陈明".into(), certificates: vec!["注册安全工程师 3301202300123".into()] }
    }

    fn signature(role: SignerRole, name: &str) -> HandSignature {
        HandSignature {
            role,
            name: name.into(),
            certificates: vec!["伪造证书 000".into()],
            width: 600,
            height: 200,
            strokes: vec![],
            refusal: None,
        }
    }

    #[test]
    fn the_visiting_side_is_the_signed_in_user_whatever_name_was_typed() {
        let mut sigs = [signature(SignerRole::Principal, "王伟"), signature(SignerRole::Technician, "李四")];
        signer(Role::Technician).bind(&mut sigs).expect("a technician signs as one");
        assert_eq!(sigs[1].name, "陈明");
        assert_eq!(sigs[1].certificates, ["注册安全工程师 3301202300123"]);
        assert_eq!(sigs[0].name, "王伟", "the principal's name is written on site");
        assert!(sigs[0].certificates.is_empty(), "the principal claims no certificates");
    }

    #[test]
    fn nobody_signs_in_a_capacity_they_do_not_hold() {
        let mut sigs = [signature(SignerRole::Inspector, "")];
        let refused = signer(Role::Technician).bind(&mut sigs).expect_err("a technician is no inspector");
        assert!(refused.zh.contains("检查人员签字"), "{}", refused.zh);
        assert!(signer(Role::Inspector).bind(&mut [signature(SignerRole::Supervisor, "")]).is_err());
        assert!(signer(Role::Supervisor).bind(&mut [signature(SignerRole::Supervisor, "")]).is_ok());
        assert!(signer(Role::Admin).bind(&mut [signature(SignerRole::Technician, "")]).is_ok());
    }

    #[test]
    fn a_reinspection_offers_the_one_capacity_the_user_signs_in() {
        let groups = required_roles(DocumentKind::Reinspection, Some(VisitKind::Reinspection));
        let principal = vec![SignerRole::Principal];
        assert_eq!(
            signer(Role::Inspector).narrow(groups.clone()),
            vec![principal.clone(), vec![SignerRole::Inspector]]
        );
        assert_eq!(
            signer(Role::Technician).narrow(groups.clone()),
            vec![principal.clone(), vec![SignerRole::Technician]]
        );
        assert_eq!(signer(Role::Admin).narrow(groups), vec![principal, vec![SignerRole::Technician]]);
    }
}
