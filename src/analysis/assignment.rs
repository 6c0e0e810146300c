//! An assignment to hand out, made from an instructor's key: the same documents and codebook, the
//! codebook locked, the instructions, and nothing of the key's coding.
//!
//! Left out: every annotation (of every layer, `gold` included) with its notes and attributes,
//! every relation, every memo, the documents' variable values (they are coded too) and the
//! annotators. Kept: the project's name and description, the documents' ids, names, metadata and
//! texts (so a student's file is matched to the key by text hash), and the codebook.

use crate::model::{Document, Project, now};

/// What [`handout`] left out of the key, counted (the dialog and the CLI say it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub annotations: usize,
    pub relations: usize,
    pub memos: usize,
    /// Document variable values.
    pub variables: usize,
    pub annotators: usize,
}

impl LeftOut {
    /// What [`handout`] would leave out of `key`.
    pub fn of(key: &Project) -> Self {
        Self {
            annotations: key.annotation_count(),
            relations: key.documents.iter().map(|d| d.relations.len()).sum(),
            memos: key.memos.len(),
            variables: key.documents.iter().map(|d| d.variables.len()).sum(),
            annotators: key.annotators.len(),
        }
    }

    /// "126 annotations, 9 relations, 2 memos, 0 document variable values and 1 annotator".
    pub fn describe(&self) -> String {
        let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {}, {}, {} and {}",
            count(self.annotations, "annotation", "annotations"),
            count(self.relations, "relation", "relations"),
            count(self.memos, "memo", "memos"),
            count(self.variables, "document variable value", "document variable values"),
            count(self.annotators, "annotator", "annotators"),
        )
    }
}

/// The assignment made from `key`, with `instructions` (line ends made `\n`, a byte-order mark and
/// trailing white space removed), and what was left out.
pub fn handout(key: &Project, instructions: &str) -> (Project, LeftOut) {
    let instructions = instructions.strip_prefix('\u{feff}').unwrap_or(instructions);
    let instructions = instructions.replace("\r\n", "\n").replace('\r', "\n");
    let left_out = LeftOut::of(key);
    let mut codebook = key.codebook.clone();
    codebook.locked = true;
    let documents = key
        .documents
        .iter()
        .map(|document| {
            let mut copy = Document::new(document.id.clone(), document.name.clone(), document.text.to_string());
            copy.metadata = document.metadata.clone();
            copy.direction = document.direction;
            copy
        })
        .collect();
    let project = Project {
        name: key.name.clone(),
        description: key.description.clone(),
        instructions: instructions.trim_end().to_owned(),
        created: now(),
        codebook,
        annotators: Vec::new(),
        documents,
        memos: Vec::new(),
        blind_coding: key.blind_coding,
    };
    (project, left_out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        let left = LeftOut { annotations: 1, relations: 2, memos: 0, variables: 1, annotators: 3 };
        assert_eq!(left.describe(), "1 annotation, 2 relations, 0 memos, 1 document variable value and 3 annotators");
    }
}
