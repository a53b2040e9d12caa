//! Record ids: UUIDv7 newtypes, so ids sort in creation order and one kind of id cannot be
//! passed where another is expected. Making a new id needs a time and random bytes from the
//! caller: the core reads no clock.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(export)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A UUIDv7 id from a Unix time in milliseconds and 10 random bytes.
            pub fn from_parts(unix_millis: u64, random: &[u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_millis, random).into_uuid())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(AgencyId);
id_type!(PersonId);
id_type!(EnterpriseId);
id_type!(ContractId);
id_type!(VisitId);
id_type!(HazardId);
id_type!(DocumentId);
