//! Which annotations a memo is about, for the marks in the document view and the annotation
//! list (issue 10: "annotations with a memo are marked").
//!
//! Built once per project revision ([`crate::session::Session::revision`]), never per frame: a
//! frame looks an annotation up in a hash map, whatever the number of memos and annotations.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{ItemId, MemoTarget, Project};

/// What a mark tells about the memo on an annotation (the first memo, when several).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoNote {
    pub memo: ItemId,
    pub title: String,
    /// The memo's first non-empty line.
    pub first_line: String,
}

impl MemoNote {
    /// What hovering the mark shows: the title, then the first line (once, when the title is
    /// the start of the first line, as for a memo written in the memos panel).
    pub fn summary(&self) -> String {
        match (self.title.trim(), self.first_line.as_str()) {
            ("", line) => line.to_owned(),
            (title, "") => title.to_owned(),
            (title, line) if line.starts_with(title) => line.to_owned(),
            (title, line) => format!("{title}\n{line}"),
        }
    }
}

/// The annotations with a memo, by annotation id.
pub type MemoNotes = HashMap<ItemId, MemoNote>;

#[derive(Default)]
pub struct MemoMarks {
    /// (session generation, session revision) the notes were built for.
    key: Option<(u64, u64)>,
    notes: Arc<MemoNotes>,
}

impl MemoMarks {
    /// Brings the notes up to date for the project at `generation` and `revision`; returns
    /// whether they were rebuilt.
    pub fn update(&mut self, generation: u64, revision: u64, project: &Project) -> bool {
        if self.key == Some((generation, revision)) {
            return false;
        }
        self.key = Some((generation, revision));
        self.notes = Arc::new(notes_of(project));
        true
    }

    /// The notes, to hand to the document view (a cheap clone).
    pub fn shared(&self) -> Arc<MemoNotes> {
        self.notes.clone()
    }

    pub fn get(&self, annotation: ItemId) -> Option<&MemoNote> {
        self.notes.get(&annotation)
    }
}

/// One pass over the project's memos.
pub fn notes_of(project: &Project) -> MemoNotes {
    let mut notes = MemoNotes::new();
    for memo in &project.memos {
        if let MemoTarget::Annotation(id) = memo.target {
            notes.entry(id).or_insert_with(|| MemoNote {
                memo: memo.id,
                title: memo.title.clone(),
                first_line: memo.text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_owned(),
            });
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Memo, now};

    fn memo(id: u64, target: MemoTarget, title: &str, text: &str) -> Memo {
        let time = now();
        Memo {
            id: ItemId(id),
            target,
            title: title.into(),
            text: text.into(),
            author: "a".into(),
            created: time,
            modified: time,
        }
    }

    #[test]
    fn notes_are_rebuilt_once_per_revision_and_tell_title_and_first_line() {
        let mut project = Project::new("p");
        project.memos.push(memo(1, MemoTarget::Annotation(ItemId(7)), "منبع", "\nگزارش IranWire، ۱۴۰۲\nsecond"));
        project.memos.push(memo(2, MemoTarget::Annotation(ItemId(7)), "later", "a second memo"));
        project.memos.push(memo(3, MemoTarget::Project, "", "about the project"));
        project.memos.push(memo(4, MemoTarget::Annotation(ItemId(8)), "ü 😀 first", "ü 😀 first line\nmore"));
        let mut marks = MemoMarks::default();
        assert!(marks.update(0, 1, &project));
        assert!(!marks.update(0, 1, &project), "same revision: not rebuilt");
        let note = marks.get(ItemId(7)).unwrap();
        assert_eq!(note.memo, ItemId(1), "the first memo about it");
        assert_eq!(note.summary(), "منبع\nگزارش IranWire، ۱۴۰۲");
        assert_eq!(marks.get(ItemId(8)).unwrap().summary(), "ü 😀 first line");
        assert!(marks.get(ItemId(3)).is_none());
        assert_eq!(marks.shared().len(), 2);
        project.memos.clear();
        assert!(marks.update(0, 2, &project), "a new revision rebuilds");
        assert!(marks.get(ItemId(7)).is_none());
    }
}
