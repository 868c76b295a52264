//! JSON Schemas of the hand-read shapes, for `envtruth schema` and editors.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use super::shape::{Entries, LinkPattern, OneOrMany, Pattern, Span, Text};
use super::{CLAIM_KEYS, CheckFile, Claim, Day, ProbeSet, ShellMap, ShellSpec, WaiverSpec, Word};
use crate::version::VersionReq;

/// Implements JsonSchema with a name and a schema built from the generator.
macro_rules! schema {
    ($ty:ty, $name:literal, |$generator:ident| $body:expr) => {
        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
            fn json_schema($generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                $body
            }
        }
    };
}
pub(crate) use schema;

schema!(ShellSpec, "Shell", |generator| json_schema!({
    "description": "Where the commands run: `nix` (default, `nix develop .`), `direnv`, `venv` (`.venv`), `host`, `{nix: INSTALLABLE, pure: true}`, `{direnv: DIR}` or `{venv: DIR}`.",
    "anyOf": [{"enum": ["nix", "direnv", "venv", "host"]}, generator.subschema_for::<ShellMap>()]
}));
schema!(VersionReq, "VersionRequirement", |_generator| json_schema!({
    "description": "`any`, a version prefix (\"3.12\"), or comparisons (\">=0.4, <1\"). Quote versions.",
    "type": ["string", "integer"]
}));
schema!(Pattern, "Regex", |_generator| json_schema!({"type": "string", "format": "regex"}));
schema!(LinkPattern, "LinkPattern", |_generator| json_schema!({
    "type": "string",
    "description": "A regex as JavaScript writes it (look-around and back-references work)."
}));
schema!(Span, "Duration", |_generator| json_schema!({
    "type": "string",
    "pattern": "^([0-9]+(ms|s|m|h|d))+$",
    "description": "A duration with a unit: `500ms`, `30s`, `5m`, `1h`, `30d`, `1m30s`."
}));
schema!(Day, "Day", |_generator| json_schema!({
    "type": "string",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "description": "A day, YYYY-MM-DD (UTC)."
}));
schema!(Text, "Text", |_generator| json_schema!({"type": ["string", "integer", "boolean"]}));

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("OneOrMany_{}", T::schema_name()))
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<T>();
        json_schema!({"anyOf": [one.clone(), {"type": "array", "items": one}]})
    }
}

impl<T: JsonSchema> JsonSchema for Entries<T> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("Map_{}", T::schema_name()))
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "object", "additionalProperties": generator.subschema_for::<T>()})
    }
}

/// A truth or prohibition: its statement, its own keys, then one property per probe kind
/// of the registry.
impl<P: ProbeSet, W: Word> JsonSchema for Claim<P, W> {
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("{}Spec", capitalized(W::KEY)))
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let own: [(&str, Schema); 7] = [
            ("id", generator.subschema_for::<String>()),
            ("after", generator.subschema_for::<Vec<String>>()),
            ("manual", generator.subschema_for::<String>()),
            ("timeout", generator.subschema_for::<Span>()),
            ("python", generator.subschema_for::<String>()),
            ("extra", generator.subschema_for::<bool>()),
            ("waiver", generator.subschema_for::<WaiverSpec>()),
        ];
        let mut properties = Map::new();
        let statement =
            described(generator.subschema_for::<String>(), "The statement, as the plan words it.");
        properties.insert(W::KEY.into(), statement);
        for ((key, schema), (_, description)) in own.into_iter().zip(CLAIM_KEYS) {
            properties.insert(key.into(), described(schema, description));
        }
        for (key, schema) in P::schemas(generator) {
            properties.insert(key.into(), schema.into());
        }
        json_schema!({
            "description": format!("One {}: its statement and the probes that must all pass.", W::KEY),
            "type": "object",
            "properties": Value::Object(properties),
            "required": [W::KEY],
            "additionalProperties": false
        })
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

fn described(schema: Schema, description: &str) -> Value {
    let mut value: Value = schema.into();
    if let Value::Object(map) = &mut value {
        map.insert("description".into(), description.into());
    }
    value
}

/// The JSON Schema of check files, from the same types the loader reads.
pub fn json_schema<P: ProbeSet>() -> String {
    let schema = schemars::schema_for!(CheckFile<P>);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
