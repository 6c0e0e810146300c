//! Word-level precision, recall and F1 of an extracted text against a reference text: the measure
//! behind the extraction table in `docs/IMPORT.md`.
//!
//! Both texts are cut into words the same way: runs of letters and digits (combining marks and
//! the zero-width (non-)joiner stay inside a word, so Persian `شبکه‌های` is one word), lowercased;
//! each Chinese, Japanese or Korean character is a word of its own, since those scripts do not
//! separate words with spaces. The two bags of words are compared with multiplicity: a word that
//! appears three times in the reference and twice in the extraction counts two matches.

use std::collections::HashMap;

/// Precision, recall and F1 of one comparison, with the counts behind them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WordScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Words in the extraction.
    pub extracted: usize,
    /// Words in the reference.
    pub reference: usize,
    /// Words in both (with multiplicity).
    pub matched: usize,
}

/// Whether a character is written without spaces between words (each one counts as a word).
fn is_cjk(ch: char) -> bool {
    matches!(ch as u32,
        0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F // Han
        | 0xAC00..=0xD7AF // Hangul syllables
    )
}

fn joins_word(ch: char) -> bool {
    // ZWNJ, ZWJ, and combining marks (general category M, approximated by the common blocks).
    matches!(ch as u32, 0x200C | 0x200D | 0x0300..=0x036F | 0x064B..=0x065F | 0x0670 | 0x0900..=0x0903 | 0x093A..=0x094F)
}

/// The words of a text, lowercased.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for ch in text.chars() {
        if is_cjk(ch) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(ch.to_string());
        } else if ch.is_alphanumeric() || (!current.is_empty() && joins_word(ch)) {
            current.extend(ch.to_lowercase());
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Compares the words of `extracted` with those of `reference`.
pub fn word_score(extracted: &str, reference: &str) -> WordScore {
    let extracted_words = words(extracted);
    let reference_words = words(reference);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in &reference_words {
        *counts.entry(word).or_default() += 1;
    }
    let mut matched = 0;
    for word in &extracted_words {
        if let Some(n) = counts.get_mut(word.as_str())
            && *n > 0
        {
            *n -= 1;
            matched += 1;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { if a == 0 { 1.0 } else { 0.0 } } else { a as f64 / b as f64 };
    let precision = ratio(matched, extracted_words.len());
    let recall = ratio(matched, reference_words.len());
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    WordScore { precision, recall, f1, extracted: extracted_words.len(), reference: reference_words.len(), matched }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_mixed_scripts() {
        assert_eq!(
            words("Müller said: 🎉 👨‍👩‍👧 شبکه‌های اجتماعی 社交媒体, e\u{301}te\r\nDON'T"),
            ["müller", "said", "شبکه\u{200c}های", "اجتماعی", "社", "交", "媒", "体", "e\u{301}te", "don", "t"]
        );
    }

    #[test]
    fn precision_recall_f1() {
        let score = word_score("a b c d", "a b c e f");
        assert_eq!(score.matched, 3);
        assert!((score.precision - 0.75).abs() < 1e-9);
        assert!((score.recall - 0.6).abs() < 1e-9);
        assert!((score.f1 - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-9);
        // Multiplicity: two "a"s in the extraction match only one in the reference.
        assert_eq!(word_score("a a", "a").matched, 1);
        assert_eq!(word_score("", "").f1, 1.0);
        assert_eq!(word_score("x", "").f1, 0.0);
    }
}
