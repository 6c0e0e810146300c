//! A codebook change with what it does to the data (`model::codebook_editing::Cascade`) as one
//! `Edit`: the data changes the new codebook needs first, then (under a codebook that admits
//! old and new values) the values the change renames, then the new codebook. One undo step brings all of it back.

use crate::edit::Edit;
use crate::model::codebook_editing::{Cascade, DataChange};

/// The edit that applies `cascade` as one undo step (a plain `SetCodebook` when it touches no data).
pub fn cascade_edit(cascade: Cascade) -> Edit {
    let Cascade { codebook, before, via, after } = cascade;
    if before.is_empty() && after.is_empty() {
        return Edit::SetCodebook(Box::new(codebook));
    }
    let already_set = via.as_ref() == Some(&codebook);
    let mut edits: Vec<Edit> = before.into_iter().map(data_edit).collect();
    if let Some(via) = via {
        edits.push(Edit::SetCodebook(Box::new(via)));
    }
    edits.extend(after.into_iter().map(data_edit));
    // A kind change sets the new codebook before its converted values: nothing left to set.
    if !already_set {
        edits.push(Edit::SetCodebook(Box::new(codebook)));
    }
    Edit::Batch(edits)
}

fn data_edit(change: DataChange) -> Edit {
    match change {
        DataChange::UpdateAnnotation { document, annotation } => Edit::UpdateAnnotation { document, annotation },
        DataChange::RemoveRelation { document, id } => Edit::RemoveRelation { document, id },
        DataChange::SetVariable { document, field, value } => Edit::SetDocumentVariable { document, field, value },
    }
}
