//! Values that YAML allows in several shapes, read so that serde_yaml's errors keep their
//! exact position.
//!
//! A value like `run: cmd` / `run: [argv]` / `run: {cmd: ..}` is read by hand through
//! [`Shaped`] rather than `#[serde(untagged)]`, because an untagged enum forgets why each
//! shape failed and can only say "did not match any variant"; here the map shape keeps
//! serde's own precise errors. Scalars are parsed inside the deserializer
//! ([`ParseVisitor`]), so an error names the exact key and position rather than the
//! enclosing map.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::Duration;

use regex::Regex;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::duration;
use crate::version::VersionReq;

/// A value with a string shape, an optional list shape and an optional map shape.
pub trait Shaped: Sized {
    /// What the value may be, for type errors.
    const EXPECTING: &'static str;
    /// The map shape (`IgnoredAny` when there is none).
    type Map: DeserializeOwned;

    /// Builds the value from its string shape.
    fn from_str(text: &str) -> Result<Self, String>;

    /// Builds the value from its list shape.
    fn from_seq(_items: Vec<String>) -> Result<Self, String> {
        Err(format!("a list is not allowed here; expected {}", Self::EXPECTING))
    }

    /// Builds the value from its map shape.
    fn from_map(_map: Self::Map) -> Result<Self, String> {
        Err(format!("a map is not allowed here; expected {}", Self::EXPECTING))
    }
}

/// Deserializes any [`Shaped`] value: `Shape::<T>::deserialize(d).map(|s| s.0)`.
pub struct Shape<T>(pub T);

/// Implements `Deserialize` for [`Shaped`] types.
macro_rules! deserialize_shaped {
    ($($ty:ty),*) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::spec::shape::Shape::<$ty>::deserialize(deserializer).map(|shape| shape.0)
            }
        }
    )*};
}
pub(crate) use deserialize_shaped;

impl<'de, T: Shaped> Deserialize<'de> for Shape<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor<T>(PhantomData<T>);
        impl<'de, T: Shaped> Visitor<'de> for ShapeVisitor<T> {
            type Value = Shape<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Shape<T>, E> {
                T::from_str(v).map(Shape).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Shape<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Shape<T>, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Shape<T>, E> {
                Err(quote_the_number(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape<T>, A::Error> {
                let items = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                T::from_seq(items).map(Shape).map_err(de::Error::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shape<T>, A::Error> {
                let map = T::Map::deserialize(de::value::MapAccessDeserializer::new(map))?;
                T::from_map(map).map(Shape).map_err(de::Error::custom)
            }
        }
        deserializer.deserialize_any(ShapeVisitor(PhantomData))
    }
}

/// A regex, compiled when the check file loads.
#[derive(Debug, Clone)]
pub struct Pattern(pub Regex);

impl Pattern {
    fn parse(text: &str) -> Result<Pattern, String> {
        Regex::new(text).map(Pattern).map_err(|err| {
            let reason = match &err {
                regex::Error::Syntax(detail) => {
                    detail.lines().last().unwrap_or("").trim_start_matches("error: ").to_string()
                }
                other => other.to_string(),
            };
            format!("invalid regex `{text}`: {reason}; escape special characters with `\\`")
        })
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParseVisitor { expecting: "a regex", parse: Pattern::parse })
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.0.as_str())
    }
}

/// A key link's pattern, compiled with fancy-regex: plan authors write JavaScript regexes,
/// with look-around and back-references. A plan's pattern that does not compile keeps its
/// error, which fails that key link only; in a check file it is a load error. A plan's
/// pattern is compiled when its link is checked, not when the plan is read: `init` and
/// `--list` never pay for a thousand heavy patterns.
#[derive(Debug, Clone)]
pub struct LinkPattern {
    /// The pattern as written.
    pub text: String,
    compiled: OnceLock<Result<fancy_regex::Regex, String>>,
}

/// The most a key link's regex may compile to: the regex crate's own default, said here so
/// that the error can say it (a Unicode `\w{20}` takes over 512 KiB; `\w{400}` is refused).
pub const LINK_SIZE_LIMIT: usize = 10 << 20;

impl LinkPattern {
    /// The pattern `text`, compiled when first asked for.
    pub fn new(text: &str) -> LinkPattern {
        LinkPattern { text: text.to_string(), compiled: OnceLock::new() }
    }

    /// The compiled regex, or why it does not compile (with a hint); a pattern written
    /// again anywhere in the run is compiled once.
    pub fn regex(&self) -> &Result<fancy_regex::Regex, String> {
        self.compiled.get_or_init(|| compile(&self.text))
    }
}

fn compile(text: &str) -> Result<fancy_regex::Regex, String> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Result<fancy_regex::Regex, String>>>> =
        LazyLock::new(Default::default);
    if let Some(known) = COMPILED.lock().ok().and_then(|known| known.get(text).cloned()) {
        return known;
    }
    let regex = fancy_regex::RegexBuilder::new(text).delegate_size_limit(LINK_SIZE_LIMIT).build().map_err(|fancy| {
        match regex::RegexBuilder::new(text).size_limit(LINK_SIZE_LIMIT).build() {
            Err(regex::Error::CompiledTooBig(_)) => format!(
                "the regex `{}` compiles to more than 10 MiB; a key link's pattern names the link: write a shorter one (`[A-Za-z0-9_]` for `\\w` is far smaller)",
                crate::text::shorten(text, 80)
            ),
            // The regex crate says best what is wrong with a pattern both refuse.
            _ => match Pattern::parse(text) {
                Err(why) => why,
                Ok(_) => format!("invalid regex `{text}`: {fancy}; escape special characters with `\\`"),
            },
        }
    });
    if let Ok(mut known) = COMPILED.lock()
        && known.len() < 10_000
    {
        known.insert(text.to_string(), regex.clone());
    }
    regex
}

impl<'de> Deserialize<'de> for LinkPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |text: &str| {
            let pattern = LinkPattern::new(text);
            match pattern.regex() {
                Ok(_) => Ok(pattern),
                Err(why) => Err(why.clone()),
            }
        };
        deserializer.deserialize_any(ParseVisitor { expecting: "a regex", parse })
    }
}

impl fmt::Display for LinkPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.text)
    }
}

impl<'de> Deserialize<'de> for VersionReq {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let expecting = "a version requirement (`any`, `3.12`, `>=0.4, <1`)";
        deserializer.deserialize_any(ParseVisitor { expecting, parse: VersionReq::parse })
    }
}

/// A duration written with a unit (`30s`, `5m`).
#[derive(Debug, Clone, Copy)]
pub struct Span(pub Duration);

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parse = |text: &str| match duration::parse(text)? {
            zero if zero.is_zero() => Err(format!("`{text}` is no time at all; give a time of at least 1ms")),
            span => Ok(Span(span)),
        };
        deserializer.deserialize_any(ParseVisitor { expecting: "a duration like `30s` or `5m`", parse })
    }
}

/// Parses a scalar inside the deserializer, so serde_yaml's error names the exact
/// key and position rather than the enclosing map.
struct ParseVisitor<T> {
    expecting: &'static str,
    parse: fn(&str) -> Result<T, String>,
}

impl<T> Visitor<'_> for ParseVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(quote_the_number(v))
    }
}

/// A string that may be written as a YAML string, integer or boolean.
///
/// Floats are refused: YAML reads `3.10` as the number 3.1, and a version or
/// value silently changed is worse than an error that says to quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Err(quote_the_number(v))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

fn quote_the_number<E: de::Error>(v: f64) -> E {
    E::custom(format!(
        "this is the number {v}, not text: YAML reads `3.10` as 3.1, so write versions and values in quotes, e.g. \"3.10\""
    ))
}

/// A value written either as one item or as a list.
#[derive(Debug, Clone)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one value or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::StrDeserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::I64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::U64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::BoolDeserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany<T>, E> {
                T::deserialize(de::value::F64Deserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

/// A YAML mapping read in file order, with duplicate keys refused.
#[derive(Debug, Clone)]
pub struct Entries<T>(pub Vec<(String, T)>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for EntriesVisitor<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names to conditions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some(key) = map.next_key::<Text>()? {
                    if entries.iter().any(|(k, _)| *k == key.0) {
                        return Err(de::Error::custom(format!(
                            "`{}` is listed twice; merge its conditions into one entry",
                            key.0
                        )));
                    }
                    entries.push((key.0, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::LinkPattern;

    #[test]
    fn a_link_pattern_compiles_when_asked_and_a_huge_one_says_why() {
        let huge = LinkPattern::new(r"\w{400}");
        assert_eq!(huge.text, r"\w{400}");
        let why = huge.regex().as_ref().expect_err("over the limit");
        assert!(why.contains("compiles to more than 10 MiB") && why.contains("[A-Za-z0-9_]"), "{why}");
        assert!(LinkPattern::new(r"from app\.settings import (load|read)").regex().is_ok());
        assert!(LinkPattern::new(r"(?<=import )load").regex().is_ok());
    }
}
