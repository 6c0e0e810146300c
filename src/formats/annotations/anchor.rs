//! Re-anchoring a span on a text that differs a little from the one it was made on, the way
//! annotation servers do (Hypothesis: position first, checked against the quote; then the quote
//! searched for, ranked by its context and closeness to the old position; then a fuzzy search).
//!
//! 1. The old position, if the text there equals the quote.
//! 2. The old position moved by the shift the previous span needed (an insertion early in the
//!    text moves everything after it by the same amount), if the quote is there.
//! 3. Every exact occurrence of the quote (nearest the old position first, at most
//!    [`MAX_CANDIDATES`]), ranked by how much of the prefix and suffix match and how near it is.
//! 4. An approximate match (edit distance at most a quarter of the quote) near the old position,
//!    ranked the same way.
//!
//! Offsets are code points.

use crate::model::Document;

/// Exact occurrences looked at per quote.
pub const MAX_CANDIDATES: usize = 2000;
/// Quotes longer than this are not searched approximately (only exactly).
pub const MAX_FUZZY_CHARS: usize = 2000;
/// How far around the old position the approximate search looks (code points).
pub const FUZZY_WINDOW: usize = 4000;

/// What to look for.
#[derive(Clone, Debug, Default)]
pub struct Quote<'a> {
    pub exact: &'a str,
    pub prefix: &'a str,
    pub suffix: &'a str,
    /// Where it was (code points), if known.
    pub start: Option<usize>,
}

/// How a span was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// At its old position.
    Unchanged,
    /// The same text, somewhere else.
    Moved,
    /// Slightly different text (approximate match).
    Fuzzy,
}

/// Finds quotes in one document; remembers the last shift for the next quote.
pub struct Anchorer<'d> {
    document: &'d Document,
    shift: isize,
    chars: Option<Vec<char>>,
}

impl<'d> Anchorer<'d> {
    pub fn new(document: &'d Document) -> Self {
        Self { document, shift: 0, chars: None }
    }

    fn at(&self, start: usize, quote: &str) -> bool {
        let end = start + quote.chars().count();
        self.document.slice(start..end) == Some(quote)
    }

    /// The code point range of the quote in the document, and how it was found.
    pub fn anchor(&mut self, quote: &Quote) -> Option<(usize, usize, Placement)> {
        let length = quote.exact.chars().count();
        if length == 0 {
            return None;
        }
        if let Some(start) = quote.start {
            if self.at(start, quote.exact) {
                return Some((start, start + length, Placement::Unchanged));
            }
            let shifted = start as isize + self.shift;
            if self.shift != 0 && shifted >= 0 && self.at(shifted as usize, quote.exact) {
                return Some((shifted as usize, shifted as usize + length, Placement::Moved));
            }
        }
        let found = self.exact_candidates(quote).or_else(|| self.fuzzy(quote));
        if let (Some((start, _, _)), Some(old)) = (found, quote.start) {
            self.shift = start as isize - old as isize;
        }
        found
    }

    /// Similarity of the text before `start` with the prefix (0 to 1), from the nearest char.
    fn context_score(&self, start: usize, end: usize, quote: &Quote) -> f64 {
        let document = self.document;
        let prefix_chars = quote.prefix.chars().count();
        let suffix_chars = quote.suffix.chars().count();
        let mut score = 0.0;
        let mut weight = 0.0;
        if prefix_chars > 0 {
            let before = document.slice(start.saturating_sub(prefix_chars)..start).unwrap_or_default();
            let common = before.chars().rev().zip(quote.prefix.chars().rev()).take_while(|(a, b)| a == b).count();
            score += common as f64 / prefix_chars as f64;
            weight += 1.0;
        }
        if suffix_chars > 0 {
            let after_end = (end + suffix_chars).min(document.char_len());
            let after = document.slice(end..after_end).unwrap_or_default();
            let common = after.chars().zip(quote.suffix.chars()).take_while(|(a, b)| a == b).count();
            score += common as f64 / suffix_chars as f64;
            weight += 1.0;
        }
        if weight == 0.0 { 0.0 } else { score / weight }
    }

    fn position_score(&self, start: usize, quote: &Quote) -> f64 {
        match quote.start {
            None => 0.0,
            Some(old) => {
                let length = self.document.char_len().max(1) as f64;
                1.0 - (start.abs_diff(old) as f64 / length).min(1.0)
            }
        }
    }

    /// Ranks a candidate like Hypothesis: quote 50, prefix and suffix 20 each, position 2.
    fn rank(&self, start: usize, end: usize, quote_similarity: f64, quote: &Quote) -> f64 {
        50.0 * quote_similarity + 40.0 * self.context_score(start, end, quote) + 2.0 * self.position_score(start, quote)
    }

    fn exact_candidates(&self, quote: &Quote) -> Option<(usize, usize, Placement)> {
        let text = &self.document.text;
        let index = self.document.index();
        let length = quote.exact.chars().count();
        let old_byte = quote.start.and_then(|s| index.char_to_byte(text, s.min(index.char_len())));
        let mut occurrences: Vec<usize> = text.match_indices(quote.exact).map(|(byte, _)| byte).collect();
        if occurrences.is_empty() {
            return None;
        }
        if let Some(old) = old_byte {
            occurrences.sort_by_key(|byte| byte.abs_diff(old));
        }
        occurrences.truncate(MAX_CANDIDATES);
        let mut best: Option<(f64, usize)> = None;
        for byte in occurrences {
            let Some(start) = index.byte_to_char(text, byte) else { continue };
            let score = self.rank(start, start + length, 1.0, quote);
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, start));
            }
        }
        best.map(|(_, start)| (start, start + length, Placement::Moved))
    }

    /// Approximate search (Sellers' edit distance, tracking where each match starts) in a window
    /// around the old position, or the whole text when it is short or the position unknown.
    fn fuzzy(&mut self, quote: &Quote) -> Option<(usize, usize, Placement)> {
        let pattern: Vec<char> = quote.exact.chars().collect();
        let m = pattern.len();
        if !(4..=MAX_FUZZY_CHARS).contains(&m) {
            return None;
        }
        let max_errors = m / 4;
        let total = self.document.char_len();
        let (from, to) = match quote.start.map(|old| old.min(total)) {
            Some(old) if total > 2 * FUZZY_WINDOW + m => {
                let from = old.saturating_sub(FUZZY_WINDOW + m);
                (from, (old + FUZZY_WINDOW + 2 * m).min(total))
            }
            _ => (0, total),
        };
        if total > 1_000_000 && quote.start.is_none() {
            return None;
        }
        let chars = self.chars.get_or_insert_with(|| self.document.text.chars().collect());
        let window = &chars[from..to];
        // cost[i], start[i]: best edit distance of pattern[..i] ending at the current char.
        let mut cost: Vec<usize> = (0..=m).collect();
        let mut start: Vec<usize> = vec![0; m + 1];
        let mut matches: Vec<(usize, usize, usize)> = Vec::new(); // (errors, start, end)
        for (j, &ch) in window.iter().enumerate() {
            let mut diagonal_cost = cost[0];
            let mut diagonal_start = start[0];
            cost[0] = 0;
            start[0] = j + 1;
            for i in 1..=m {
                let substitution = diagonal_cost + usize::from(pattern[i - 1] != ch);
                let deletion = cost[i] + 1; // skip a text char
                let insertion = cost[i - 1] + 1; // skip a pattern char
                let (old_cost, old_start) = (cost[i], start[i]);
                let (best_cost, best_start) = if substitution <= deletion && substitution <= insertion {
                    (substitution, diagonal_start)
                } else if deletion <= insertion {
                    (deletion, old_start)
                } else {
                    (insertion, start[i - 1])
                };
                diagonal_cost = old_cost;
                diagonal_start = old_start;
                cost[i] = best_cost;
                start[i] = best_start;
            }
            if cost[m] <= max_errors {
                matches.push((cost[m], from + start[m], from + j + 1));
            }
        }
        let fewest = matches.iter().map(|m| m.0).min()?;
        let mut best: Option<(f64, usize, usize)> = None;
        for &(errors, s, e) in matches.iter().filter(|m| m.0 == fewest) {
            if e <= s {
                continue;
            }
            let score = self.rank(s, e, 1.0 - errors as f64 / m as f64, quote);
            if best.is_none_or(|(b, _, _)| score > b) {
                best = Some((score, s, e));
            }
        }
        best.map(|(_, s, e)| (s, e, Placement::Fuzzy))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::new("d1", "t", text.to_owned())
    }

    fn chars_of(text: &str, needle: &str) -> usize {
        text[..text.find(needle).unwrap()].chars().count()
    }

    #[test]
    fn unchanged_moved_and_shifted() {
        let old = "Anna Müller 🙂 said taxes will fall.";
        let new = "Heute: Anna Müller 🙂 said taxes will fall.";
        let d = doc(new);
        let mut anchorer = Anchorer::new(&d);
        let q = Quote { exact: "Anna Müller", prefix: "", suffix: " 🙂 said", start: Some(chars_of(old, "Anna")) };
        let (s, e, how) = anchorer.anchor(&q).unwrap();
        assert_eq!((d.slice(s..e).unwrap(), how), ("Anna Müller", Placement::Moved));
        let q = Quote { exact: "taxes", prefix: "said ", suffix: " will", start: Some(chars_of(old, "taxes")) };
        let (s, e, how) = anchorer.anchor(&q).unwrap();
        assert_eq!((d.slice(s..e).unwrap(), how), ("taxes", Placement::Moved), "by the remembered shift");
    }

    #[test]
    fn context_picks_the_right_occurrence() {
        let d = doc("the cat sat. the dog sat. the cat ran.");
        let mut anchorer = Anchorer::new(&d);
        let q = Quote { exact: "the cat", prefix: "sat. ", suffix: " ran", start: None };
        let (s, _, _) = anchorer.anchor(&q).unwrap();
        assert_eq!(s, chars_of(&d.text, "the cat ran"));
    }

    #[test]
    fn fuzzy_finds_slightly_changed_text_with_unicode() {
        let d = doc("Intro. Die Regierung 👨‍👩‍👧 wird die Steuern senken, sagte شبکه‌های.");
        let mut anchorer = Anchorer::new(&d);
        let q = Quote {
            exact: "wird die Steuer senken", prefix: "👨‍👩‍👧 ", suffix: ", sagte", start: Some(25)
        };
        let (s, e, how) = anchorer.anchor(&q).unwrap();
        assert_eq!(how, Placement::Fuzzy);
        assert_eq!(d.slice(s..e).unwrap(), "wird die Steuern senken");
    }

    #[test]
    fn text_that_is_gone_is_not_found() {
        let d = doc("Completely different words here.");
        let mut anchorer = Anchorer::new(&d);
        let q = Quote { exact: "taxes will fall", prefix: "", suffix: "", start: Some(3) };
        assert!(anchorer.anchor(&q).is_none());
    }
}
