//! The data model: no I/O, no UI. Offsets are code points (see [`TextIndex`]).

pub mod bidi;
pub mod codebook;
pub mod codebook_editing;
pub mod editing;
pub mod kind_change;
pub mod name;
pub mod project;
pub mod relating;
pub mod shared_str;
pub mod span_index;
pub mod text_index;
pub mod validate;

pub use codebook::{AttributeDef, Codebook, FieldDef, Label, RelationType, Value, ValueKind, parse_color};
pub use editing::{Boundary, Selection, TagRefusal};
pub use name::Name;
pub use project::{
    Annotation, Annotator, CodingStatus, Document, Fragment, IdGenerator, ItemId, Memo, MemoTarget, Project, Relation,
    Timestamp, now, sha256_hex, slug,
};
pub use shared_str::SharedStr;
pub use span_index::SpanIndex;
pub use text_index::TextIndex;
pub use validate::{Location, Problem, validate};
