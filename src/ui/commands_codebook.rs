//! Menu text, tooltips and shortcuts of the codebook's commands: its files and the way into
//! the editors of relation types, attributes and document variables (kept beside
//! `commands.rs`, which lists everything else).

use egui::KeyboardShortcut;

use super::{Command, CommandInfo, Context::Always, info};

pub(super) fn info_of(command: &Command) -> Option<CommandInfo> {
    Some(match command {
        Command::ExportCodebook => info(
            "Export codebook…",
            "Write the codebook to a file: .codebook.ron (everything) or .qdc (REFI-QDA codes for MAXQDA, NVivo, \
             ATLAS.ti)",
            keys![],
            Always,
        ),
        Command::ImportCodebook => info(
            "Import codebook…",
            "Add a codebook file's labels, relation types, attributes and document variables to this project's \
             codebook (nothing is removed)",
            keys![],
            Always,
        ),
        Command::EditRelationTypes => info(
            "Edit relation types",
            "Open the codebook editor at the relation types: names, allowed source and target labels",
            keys![],
            Always,
        ),
        Command::EditAttributes => info(
            "Edit attributes",
            "Open the codebook editor at the attributes: kinds, choices, the labels they apply to",
            keys![],
            Always,
        ),
        Command::EditDocumentVariables => info(
            "Edit document variables",
            "Open the codebook editor at the document variables: names, kinds, choices",
            keys![],
            Always,
        ),
        _ => return None,
    })
}
