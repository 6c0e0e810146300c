//! Cutting the text into blocks: one per line, and very long lines (a 2 MB paragraph) cut
//! further at a sentence or word end every few thousand characters, so that each block is laid
//! out as one galley quickly.

use std::ops::Range;

/// Lines longer than this are laid out in pieces, cut at a sentence or word end.
pub(super) const MAX_BLOCK_CHARS: usize = 3000;

/// A piece of the text laid out as one galley: a line, or part of a very long line.
#[derive(Clone, Debug)]
pub(super) struct Block {
    pub(super) chars: Range<usize>,
    pub(super) bytes: Range<usize>,
    /// Whether a paragraph gap follows (false inside a cut long line).
    pub(super) ends_paragraph: bool,
}

/// Cuts the text into blocks.
pub(super) fn blocks_of(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut char_pos = 0;
    let mut byte_pos = 0;
    for line in text.split('\n') {
        if line.len() <= MAX_BLOCK_CHARS {
            // Short line: its char count is at most its byte length, so no cut is needed.
            let chars = if line.is_ascii() { line.len() } else { line.chars().count() };
            blocks.push(Block {
                chars: char_pos..char_pos + chars,
                bytes: byte_pos..byte_pos + line.len(),
                ends_paragraph: true,
            });
            char_pos += chars;
        } else {
            let mut rest = line;
            let mut rest_byte = byte_pos;
            loop {
                let cut = cut_point(rest);
                let piece = &rest[..cut];
                let chars = piece.chars().count();
                let last = cut == rest.len();
                blocks.push(Block {
                    chars: char_pos..char_pos + chars,
                    bytes: rest_byte..rest_byte + cut,
                    ends_paragraph: last,
                });
                char_pos += chars;
                rest_byte += cut;
                rest = &rest[cut..];
                if last {
                    break;
                }
            }
        }
        char_pos += 1;
        byte_pos += line.len() + 1;
    }
    blocks
}

/// Byte length of the first piece of a long line: up to `MAX_BLOCK_CHARS` characters, ending
/// after a sentence end or a space when there is one in the last third.
fn cut_point(line: &str) -> usize {
    let Some((limit, _)) = line.char_indices().nth(MAX_BLOCK_CHARS) else { return line.len() };
    let window = &line[..limit];
    let floor = limit * 2 / 3;
    if let Some(at) = window.rfind(". ").filter(|&at| at >= floor) {
        return at + 2;
    }
    if let Some(at) = window.rfind(' ').filter(|&at| at >= floor) {
        return at + 1;
    }
    limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_into_blocks_that_cover_the_text_exactly() {
        let sentence = "Social media threatens national security, the study says. ";
        let long_line: String = sentence.repeat(400);
        let unbroken: String = "ü".repeat(7000);
        let text = format!("Title\n\n{long_line}\n{unbroken}\nend");
        let blocks = blocks_of(&text);
        let mut next_char = 0;
        let mut next_byte = 0;
        for block in &blocks {
            assert_eq!(block.chars.start, next_char);
            assert_eq!(block.bytes.start, next_byte);
            let piece = &text[block.bytes.clone()];
            assert_eq!(piece.chars().count(), block.chars.len());
            assert!(block.chars.len() <= MAX_BLOCK_CHARS);
            next_char = block.chars.end + usize::from(block.ends_paragraph);
            next_byte = block.bytes.end + usize::from(block.ends_paragraph);
        }
        assert_eq!(next_byte, text.len() + 1);
        assert_eq!(next_char, text.chars().count() + 1);
        // The long prose line is cut after sentence ends.
        let prose: Vec<&Block> = blocks.iter().filter(|b| text[b.bytes.clone()].starts_with("Social")).collect();
        assert!(prose.len() > 1);
        for block in &prose[..prose.len() - 1] {
            assert!(text[block.bytes.clone()].ends_with(". "));
        }
    }
}
