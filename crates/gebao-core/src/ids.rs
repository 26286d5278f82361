//! Identifier newtypes. An id is parsed once at the edge (the manifest) and is valid from then on.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A personal-information field declared in `[[fields]]`.
    FieldId
);
id_type!(
    /// A processing purpose declared in `[[purposes]]`.
    PurposeId
);
id_type!(
    /// A business scenario (业务功能场景) declared in `[[scenarios]]`.
    ScenarioId
);
id_type!(
    /// A recipient (SDK, partner, processor, …) declared in `[[recipients]]`.
    RecipientId
);
id_type!(
    /// A dataset in the operator's own databases, declared in `[[datasets]]`.
    DatasetId
);
id_type!(
    /// A personal-information impact assessment record, declared in `[[pia]]`.
    PiaId
);
