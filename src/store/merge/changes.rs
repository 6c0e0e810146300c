//! What changed between two versions of a project, counted per kind of item, in words a coder
//! reads: "the project description changed; 1 label changed; 12 annotations added, 3 changed".

use crate::model::Project;

/// How many items of one kind were added, changed and deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: usize,
    pub changed: usize,
    pub deleted: usize,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn total(&self) -> usize {
        self.added + self.changed + self.deleted
    }
}

/// One kind of item a project holds, as counted in a [`ChangeSummary`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Label,
    RelationType,
    Attribute,
    /// A document variable defined in the codebook (`codebook.document_fields`).
    DocumentField,
    Annotator,
    Memo,
    /// Added, removed, or (changed) with a new name, metadata or variable values.
    Document,
    Annotation,
    Relation,
}

/// What happened to an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    Added,
    Changed,
    Deleted,
}

/// The net difference between two versions of a project, counted per kind of item. Items are
/// matched by id (documents by id and text), so a changed item is one that exists in both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSummary {
    /// Project fields that changed, in file order: `"name"`, `"description"`, `"instructions"`,
    /// `"creation time"`.
    pub project_fields: Vec<&'static str>,
    pub labels: Counts,
    pub relation_types: Counts,
    pub attributes: Counts,
    pub document_fields: Counts,
    pub annotators: Counts,
    pub memos: Counts,
    /// `changed`: the name, metadata or variable values of a document (its annotations and
    /// relations are counted on their own).
    pub documents: Counts,
    pub annotations: Counts,
    pub relations: Counts,
    /// Lists whose order changed: `"documents"`, `"labels"`, …
    pub reordered: Vec<&'static str>,
}

impl ChangeSummary {
    /// The difference from `before` to `after`.
    pub fn between(before: &Project, after: &Project) -> Self {
        super::BaseItems::of(before).changes_to(after)
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    pub fn counts(&self, kind: Kind) -> &Counts {
        match kind {
            Kind::Label => &self.labels,
            Kind::RelationType => &self.relation_types,
            Kind::Attribute => &self.attributes,
            Kind::DocumentField => &self.document_fields,
            Kind::Annotator => &self.annotators,
            Kind::Memo => &self.memos,
            Kind::Document => &self.documents,
            Kind::Annotation => &self.annotations,
            Kind::Relation => &self.relations,
        }
    }

    pub fn counts_mut(&mut self, kind: Kind) -> &mut Counts {
        match kind {
            Kind::Label => &mut self.labels,
            Kind::RelationType => &mut self.relation_types,
            Kind::Attribute => &mut self.attributes,
            Kind::DocumentField => &mut self.document_fields,
            Kind::Annotator => &mut self.annotators,
            Kind::Memo => &mut self.memos,
            Kind::Document => &mut self.documents,
            Kind::Annotation => &mut self.annotations,
            Kind::Relation => &mut self.relations,
        }
    }

    /// Counts one item.
    pub fn count(&mut self, kind: Kind, verb: Verb) {
        let counts = self.counts_mut(kind);
        match verb {
            Verb::Added => counts.added += 1,
            Verb::Changed => counts.changed += 1,
            Verb::Deleted => counts.deleted += 1,
        }
    }

    pub fn project_field(&mut self, field: &'static str) {
        if !self.project_fields.contains(&field) {
            self.project_fields.push(field);
            let order = |f: &&str| PROJECT_FIELDS.iter().position(|p| p == f);
            self.project_fields.sort_by_key(order);
        }
    }

    pub fn reorder(&mut self, list: &'static str) {
        if !self.reordered.contains(&list) {
            self.reordered.push(list);
        }
    }
}

/// The project's own fields, in file order.
pub const PROJECT_FIELDS: [&str; 5] = ["name", "description", "instructions", "creation time", "blind coding setting"];

/// "a", "a and b", "a, b and c".
pub(crate) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "12 annotations added, 3 changed, 1 deleted": the noun after the first number only.
fn group(singular: &str, plural: &str, counts: &[(usize, &str)]) -> Option<String> {
    let mut parts = counts.iter().filter(|(n, _)| *n > 0);
    let (first, verb) = parts.next()?;
    let noun = if *first == 1 { singular } else { plural };
    let mut text = format!("{first} {noun} {verb}");
    for (n, verb) in parts {
        text.push_str(&format!(", {n} {verb}"));
    }
    Some(text)
}

impl std::fmt::Display for ChangeSummary {
    /// "the project description changed; 1 label changed; 12 annotations added, 3 changed, 1
    /// deleted; 2 relations added; 1 document added"
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut groups = Vec::new();
        if !self.project_fields.is_empty() {
            groups.push(format!("the project {} changed", and_list(&self.project_fields)));
        }
        let standard =
            |counts: &Counts| [(counts.added, "added"), (counts.changed, "changed"), (counts.deleted, "deleted")];
        for (singular, plural, counts) in [
            ("label", "labels", &self.labels),
            ("relation type", "relation types", &self.relation_types),
            ("attribute", "attributes", &self.attributes),
            ("document variable", "document variables", &self.document_fields),
            ("annotator", "annotators", &self.annotators),
            ("memo", "memos", &self.memos),
        ] {
            groups.extend(group(singular, plural, &standard(counts)));
        }
        groups.extend(group(
            "document",
            "documents",
            &[(self.documents.added, "added"), (self.documents.deleted, "removed")],
        ));
        match self.documents.changed {
            0 => {}
            1 => groups.push("the name, metadata or variables of 1 document changed".to_owned()),
            n => groups.push(format!("the names, metadata or variables of {n} documents changed")),
        }
        groups.extend(group("annotation", "annotations", &standard(&self.annotations)));
        groups.extend(group("relation", "relations", &standard(&self.relations)));
        if !self.reordered.is_empty() {
            groups.push(format!("the order of {} changed", and_list(&self.reordered)));
        }
        if groups.is_empty() { write!(f, "no net change") } else { write!(f, "{}", groups.join("; ")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_text_names_every_kind() {
        let mut summary = ChangeSummary {
            annotations: Counts { added: 12, changed: 3, deleted: 1 },
            relations: Counts { added: 2, ..Counts::default() },
            documents: Counts { added: 1, ..Counts::default() },
            ..Default::default()
        };
        assert_eq!(
            summary.to_string(),
            "1 document added; 12 annotations added, 3 changed, 1 deleted; 2 relations added"
        );
        summary.project_field("description");
        summary.project_field("name");
        summary.labels.changed = 1;
        summary.relation_types.added = 2;
        summary.attributes.deleted = 1;
        summary.document_fields.added = 1;
        summary.annotators.added = 1;
        summary.memos = Counts { added: 2, changed: 1, deleted: 0 };
        summary.documents.changed = 1;
        summary.documents.deleted = 1;
        summary.reorder("documents");
        summary.reorder("labels");
        assert_eq!(
            summary.to_string(),
            "the project name and description changed; 1 label changed; 2 relation types added; 1 attribute deleted; \
             1 document variable added; 1 annotator added; 2 memos added, 1 changed; 1 document added, 1 removed; \
             the name, metadata or variables of 1 document changed; 12 annotations added, 3 changed, 1 deleted; \
             2 relations added; the order of documents and labels changed"
        );
        assert_eq!(ChangeSummary::default().to_string(), "no net change");
        let one = ChangeSummary { annotations: Counts { changed: 1, ..Counts::default() }, ..Default::default() };
        assert_eq!(one.to_string(), "1 annotation changed");
        assert_eq!(and_list(&["name", "description", "creation time"]), "name, description and creation time");
    }
}
