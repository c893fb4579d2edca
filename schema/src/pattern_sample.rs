//! A string matching a JSON Schema `pattern`, for samples: a project name that must not be
//! blank (`\S`), a topic that must name a declared prefix (`^(?:task:.+|chat:.+)$`). The
//! pattern is parsed by `regex-syntax` (the `regex` crate's parser) and walked: literals are
//! copied, a class gives one of its characters (a letter or digit where it has one),
//! repetitions their least count, alternations one branch chosen by the sample's generator.

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::sample::Rng;

/// Deeper patterns are not sampled (a sample is a convenience, never a reason to recurse
/// without bound).
const MAX_DEPTH: usize = 64;

/// A string the pattern matches; `None` when it cannot be parsed (or is too deep), and the
/// caller samples without it.
pub(crate) fn matching(pattern: &str, rng: &mut Rng) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    write(&hir, rng, &mut out, 0).then_some(out)
}

fn write(hir: &Hir, rng: &mut Rng, out: &mut String, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                out.push_str(text);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match one_of(class) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Repetition(rep) => (0..rep.min).all(|_| write(&rep.sub, rng, out, depth + 1)),
        HirKind::Capture(capture) => write(&capture.sub, rng, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().all(|p| write(p, rng, out, depth + 1)),
        HirKind::Alternation(branches) => {
            let n = u64::try_from(branches.len()).unwrap_or(u64::MAX).max(1);
            let pick = usize::try_from(rng.below(n)).unwrap_or(0);
            branches
                .get(pick)
                .is_some_and(|b| write(b, rng, out, depth + 1))
        }
    }
}

/// A character of the class: a lowercase letter, else a digit, else its first printable one.
fn one_of(class: &Class) -> Option<char> {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(u) => u.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .map(|r| (char::from(r.start()), char::from(r.end())))
            .collect(),
    };
    let contains = |c: char| ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c));
    ['a', 'x', '0']
        .into_iter()
        .find(|c| contains(*c))
        .or_else(|| {
            ranges
                .iter()
                .map(|(lo, hi)| (*lo).max('!').min(*hi))
                .find(|c| !c.is_control() && contains(*c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(pattern: &str, seed: u64) -> String {
        matching(pattern, &mut Rng::new(seed)).unwrap_or_else(|| panic!("{pattern}"))
    }

    #[test]
    fn samples_match_their_patterns() {
        for pattern in [
            r"\S",
            r"^(?:task:.+|chat:.+|user:.+)$",
            r"^[0-9]+$",
            r"^0x[0-9a-f]{40}$",
            r"^[A-Z]{3}-\d{2,4}$",
            r"^(?:price\..+/live)$",
            r"^\p{Lu}",
        ] {
            let matcher = jsonschema::validator_for(&serde_json::json!({"pattern": pattern}))
                .expect("compiles");
            for seed in 0..8 {
                let s = sample(pattern, seed);
                assert!(matcher.is_valid(&serde_json::json!(s)), "{pattern}: {s:?}");
            }
        }
    }

    #[test]
    fn alternation_branches_are_all_reached() {
        let seen: std::collections::BTreeSet<String> =
            (0..64).map(|seed| sample("^(?:ab|cd|ef)$", seed)).collect();
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn a_pattern_that_does_not_parse_gives_none() {
        assert_eq!(matching("(", &mut Rng::new(1)), None);
    }
}
