//! The serde visitor that writes a frame onto a [`Tape`]: one pass of serde_json, with the depth
//! limit and duplicate keys checked as the values arrive.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::{offset, same, str_of, Slot, Tape, Text};

/// The serde visitor that writes one value (and everything under it) onto the tape.
pub(super) struct Build<'t, 's> {
    pub(super) tape: &'t mut Tape,
    pub(super) text: &'s str,
    pub(super) depth: usize,
    pub(super) max_depth: usize,
}

impl<'s> Build<'_, 's> {
    fn child<E: de::Error>(&mut self) -> Result<Build<'_, 's>, E> {
        if self.depth >= self.max_depth {
            return Err(E::custom("nesting over the depth limit"));
        }
        Ok(Build {
            tape: self.tape,
            text: self.text,
            depth: self.depth + 1,
            max_depth: self.max_depth,
        })
    }

    /// A string serde_json handed over: borrowed from the text when it had no escapes.
    fn text(&mut self, s: &str, borrowed: bool) -> Text {
        let start = (s.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if borrowed && start <= self.text.len() && s.len() <= self.text.len() - start {
            return Text {
                start: offset(start),
                len: offset(s.len()),
                decoded: false,
            };
        }
        self.tape.decode(s)
    }

    fn push(&mut self, slot: Slot) {
        self.tape.slots.push(slot);
    }
}

impl<'de> DeserializeSeed<'de> for Build<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(mut self, v: bool) -> Result<(), E> {
        self.push(Slot::Bool(v));
        Ok(())
    }
    fn visit_i64<E>(mut self, v: i64) -> Result<(), E> {
        self.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_u64<E>(mut self, v: u64) -> Result<(), E> {
        self.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        let n = Number::from_f64(v).ok_or_else(|| E::custom("number out of range"))?;
        self.push(Slot::Number(n));
        Ok(())
    }
    fn visit_borrowed_str<E>(mut self, v: &'de str) -> Result<(), E> {
        let t = self.text(v, true);
        self.push(Slot::String(t));
        Ok(())
    }
    fn visit_str<E>(mut self, v: &str) -> Result<(), E> {
        let t = self.text(v, false);
        self.push(Slot::String(t));
        Ok(())
    }
    fn visit_unit<E>(mut self) -> Result<(), E> {
        self.push(Slot::Null);
        Ok(())
    }
    fn visit_none<E>(mut self) -> Result<(), E> {
        self.push(Slot::Null);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let at = self.tape.open();
        let mut len = 0usize;
        loop {
            let child = self.child()?;
            if seq.next_element_seed(child)?.is_none() {
                break;
            }
            len += 1;
        }
        self.tape.close_array(at, len);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let at = self.tape.open();
        let base = self.tape.names.len();
        let mut len = 0usize;
        let mut seen = Seen::default();
        while let Some((key, bit)) = map.next_key_seed(KeySeed { build: &mut self })? {
            let child = self.child()?;
            map.next_value_seed(child)?;
            if let Some(name) = seen.repeated(self.tape, self.text, key, bit, base, len) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`",
                    crate::violation::shorten(&name, 40)
                )));
            }
            len += 1;
        }
        self.tape.names.truncate(base);
        self.tape.close_object(at, len);
        Ok(())
    }
}

/// Writes a member name.
struct KeySeed<'b, 't, 's> {
    build: &'b mut Build<'t, 's>,
}

/// A member name as written: where it is, and its bit in [`Seen`]'s mask.
type Name = (Text, u64);

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_, '_> {
    type Value = Name;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_, '_> {
    type Value = Name;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name, E> {
        let t = self.build.text(v, true);
        self.build.push(Slot::Key(t));
        Ok((t, mask_bit(v.as_bytes())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Name, E> {
        let t = self.build.text(v, false);
        self.build.push(Slot::Key(t));
        Ok((t, mask_bit(v.as_bytes())))
    }
}

/// The names of the object being read, to refuse one named twice as soon as it is read. The
/// first names go on the tape's scratch stack behind a 64-bit mask of (length, first byte, last
/// byte), so a name is compared in full only with earlier names that share those; past them, a
/// set of names is kept (allocated only for objects that large).
#[derive(Default)]
struct Seen {
    mask: u64,
    names: Option<std::collections::HashSet<String>>,
}

fn mask_bit(name: &[u8]) -> u64 {
    let first = name.first().copied().unwrap_or(0) as usize;
    let last = name.last().copied().unwrap_or(0) as usize;
    1 << ((name.len() * 7 + first * 3 + last) % 64)
}

impl Seen {
    const INLINE: usize = 16;

    /// The name `t`, when one of the `before` members read earlier (their names from `base` on
    /// the tape's scratch stack) has it too.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn repeated(
        &mut self,
        tape: &mut Tape,
        text: &str,
        t: Text,
        bit: u64,
        base: usize,
        before: usize,
    ) -> Option<String> {
        if before < Self::INLINE && self.mask & bit == 0 {
            // the common case: no earlier name shares the bit
            self.mask |= bit;
            tape.names.push(t);
            return None;
        }
        let name = str_of(text, &tape.decoded, t);
        if before < Self::INLINE {
            let clash = tape.names[base..].iter().any(|b| {
                b.len == t.len && same(str_of(text, &tape.decoded, *b).as_bytes(), name.as_bytes())
            });
            self.mask |= bit;
            tape.names.push(t);
            return clash.then(|| name.to_owned());
        }
        let names = self.names.get_or_insert_with(|| {
            tape.names[base..]
                .iter()
                .map(|b| str_of(text, &tape.decoded, *b).to_owned())
                .collect()
        });
        (!names.insert(name.to_owned())).then(|| name.to_owned())
    }
}
