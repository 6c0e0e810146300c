//! Agreement, compare and adjudication in the window: keeping the report current (computed on a
//! worker thread when the project or the choice changed, only while the panel is open), the
//! exports (CSV as `spanwise agree --csv` writes it, PNG of the chart), stepping through the
//! disagreements of two coders, and the gold layer (each decision one undo step).

use std::path::Path;

use crate::analysis::adjudicate::{Adjudication, Choice, adjudicate};
use crate::analysis::compare::compare_document;
use crate::analysis::{GOLD_ANNOTATOR, compare::Disagreement};
use crate::edit::Edit;
use crate::model::{ItemId, now};
use crate::store;
use crate::ui::agreement::{
    AUTOMATIC_LIMIT, AgreementCommand, Pick, ReportKey, choice_key, compute, default_coders, encode_png, poll_png,
    project_key,
};
use crate::ui::commands::Command;
use crate::ui::dialogs::FileDialogPurpose;
use crate::ui::worker::Worker;

impl super::SpanwiseApp {
    /// Runs the commands of the several-coders groups (the Coders panel, then agreement); gives
    /// back any other command.
    pub(super) fn run_group_commands(&mut self, command: Command) -> Option<Command> {
        self.run_coders_command(command).and_then(|c| self.run_agreement_command(c))
    }

    /// Runs the commands of this group; gives back any other command.
    fn run_agreement_command(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::ToggleAgreementPanel => self.agreement.panel_open = !self.agreement.panel_open,
            Command::NextDisagreement => self.step_disagreement(true),
            Command::PreviousDisagreement => self.step_disagreement(false),
            Command::AcceptDisagreement(pick) => match self.agreement.compare.current {
                Some(index) => self.adjudicate(Some((index, pick))),
                None => self.status = Some("Go to a disagreement first (] or Alt+Down)".into()),
            },
            Command::Agreement(command) => self.run_agreement(command),
            other => return Some(other),
        }
        None
    }

    fn run_agreement(&mut self, command: AgreementCommand) {
        match command {
            AgreementCommand::SetCoders(coders) => self.agreement.coders = coders,
            AgreementCommand::SetThisDocumentOnly(only) => self.agreement.this_document_only = only,
            AgreementCommand::SetChartByDocument(by_document) => self.agreement.chart_by_document = by_document,
            AgreementCommand::ShowCompare(shown) => self.agreement.compare_shown = shown,
            AgreementCommand::Recompute => {
                self.agreement.recompute = true;
                self.agreement.compare.comparison = None;
            }
            AgreementCommand::ExportCsv => self.ask_for_export(FileDialogPurpose::AgreementCsv, "csv"),
            AgreementCommand::ExportPng => self.ask_for_export(FileDialogPurpose::AgreementPng, "png"),
            AgreementCommand::ExportCsvTo(path) => self.export_agreement_csv(&path),
            AgreementCommand::ExportPngTo(path) => {
                // Written once the chart is on screen (`start_png`).
                self.agreement.compare_shown = false;
                self.agreement.png_wanted = Some(path);
                self.agreement.export_note = Some("Writing the chart…".into());
            }
            AgreementCommand::SetPair { a, b } => {
                self.agreement.compare.pair = Some((a, b));
                self.agreement.compare.current = None;
            }
            AgreementCommand::GoTo(index) => self.go_to_disagreement(index),
            AgreementCommand::Adjudicate { index, pick } => self.adjudicate(Some((index, pick))),
            AgreementCommand::AcceptAgreements => self.adjudicate(None),
        }
    }

    /// The key of the report the panel should show now.
    pub(crate) fn agreement_key(&self) -> (ReportKey, Option<Vec<String>>) {
        let documents =
            if self.agreement.this_document_only { self.current_document.clone().map(|d| vec![d]) } else { None };
        let choice = choice_key(self.agreement.coders.as_deref(), documents.as_deref());
        (ReportKey { project: project_key(self.project(), self.session.generation()), choice }, documents)
    }

    /// Once per frame while the panel is open: takes a finished report, starts one when the
    /// project or the choice changed, writes a PNG whose screenshot came, keeps the comparison
    /// current. Nothing is started while nothing changes, so an idle window stays idle.
    pub(crate) fn agreement_tick(&mut self, ctx: &egui::Context) {
        if let Some((key, job)) = &self.agreement.job
            && let Some(result) = job.poll()
        {
            let key = *key;
            self.agreement.job = None;
            self.agreement.computed = Some((key, result.and_then(|r| r)));
        }
        if let Some((path, receiver)) = &self.agreement.png
            && let Some(result) = poll_png(receiver)
        {
            self.agreement.export_note = Some(match result {
                Ok((width, height)) => format!("Wrote the chart ({width} x {height} pixels) to {}", path.display()),
                Err(error) => format!("Could not write {}: {error}", path.display()),
            });
            self.status = self.agreement.export_note.clone();
            self.agreement.png = None;
        }
        if !self.agreement.panel_open {
            // Closing the panel stops the work (the worker is cancelled when dropped).
            self.agreement.job = None;
            return;
        }
        if self.agreement_blinded() {
            // Blind coding: nothing of the others' layers is computed or shown.
            self.agreement.job = None;
            self.agreement.computed = None;
            self.agreement.compare.comparison = None;
            self.agreement.compare.current = None;
            return;
        }
        let (key, documents) = self.agreement_key();
        let current = self.agreement.computed.as_ref().is_some_and(|(k, _)| *k == key);
        let running = self.agreement.job.as_ref().is_some_and(|(k, _)| *k == key);
        let automatic = self.project().annotation_count() <= self.agreement.automatic_limit.unwrap_or(AUTOMATIC_LIMIT);
        let wanted = automatic || self.agreement.computed.is_none() || self.agreement.recompute;
        if !current && !running && wanted {
            self.agreement.recompute = false;
            // The project is copied once for the worker; the window stays responsive while the
            // statistics run (seconds on a 10 MB project).
            let project = self.project().clone();
            let coders = self.agreement.coders.clone();
            match Worker::spawn("agreement", ctx, move |_progress| {
                compute(&project, coders.as_deref(), documents.as_deref())
            }) {
                Ok(worker) => self.agreement.job = Some((key, worker)),
                Err(error) => self.agreement.computed = Some((key, Err(format!("cannot start a thread: {error}")))),
            }
        }
        self.update_comparison(ctx);
    }

    /// Whether blind coding keeps others' layers from me on a document the panel covers (the shown
    /// one, or with "All" any): then the panel shows the reason instead of numbers.
    pub(crate) fn agreement_blinded(&self) -> bool {
        if !self.project().blind_coding {
            return false;
        }
        match (self.agreement.this_document_only, self.document()) {
            (true, Some(document)) => self.blinded(document),
            _ => self.project().documents.iter().any(|d| self.blinded(d)),
        }
    }

    /// Whether the numbers shown are for another state of the project or choice (large projects
    /// are recomputed only when asked).
    pub(crate) fn agreement_stale(&self) -> bool {
        let (key, _) = self.agreement_key();
        self.agreement.computed.as_ref().is_some_and(|(k, _)| *k != key)
            && !self.agreement.job.as_ref().is_some_and(|(k, _)| *k == key)
    }

    /// Whether the comparison shown is for another state of the document (large projects).
    pub(crate) fn comparison_stale(&self) -> bool {
        let key = self.comparison_key();
        self.agreement.compare.comparison.as_ref().is_some_and(|(k, _)| Some(*k) != key)
    }

    /// The key of the comparison the compare view should show: document, its revision, pair.
    fn comparison_key(&self) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let document = self.document()?;
        let (a, b) = self.agreement.compare.pair.as_ref()?;
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (self.session.generation(), &document.id, document.revision(), a, b).hash(&mut hasher);
        Some(hasher.finish())
    }

    /// The comparison of the pair on the shown document, made again (on a worker thread) when
    /// either changed.
    fn update_comparison(&mut self, ctx: &egui::Context) {
        let known = |id: &str| self.project().annotator(id).is_some();
        let pair_known = self.agreement.compare.pair.as_ref().is_some_and(|(a, b)| known(a) && known(b));
        if !pair_known {
            let coders = default_coders(self.project());
            let a = coders.first().cloned().unwrap_or_default();
            let b = coders.get(1).cloned().unwrap_or_else(|| GOLD_ANNOTATOR.to_owned());
            self.agreement.compare.pair = Some((a, b));
        }
        if let Some((key, job)) = &self.agreement.compare.job
            && let Some(result) = job.poll()
        {
            let key = *key;
            self.agreement.compare.job = None;
            if let Ok(comparison) = result {
                self.agreement.compare.set(key, comparison);
            }
        }
        let Some(key) = self.comparison_key() else {
            self.agreement.compare.comparison = None;
            return;
        };
        let compare = &self.agreement.compare;
        let current = compare.comparison.as_ref().is_some_and(|(k, _)| *k == key);
        let running = compare.job.as_ref().is_some_and(|(k, _)| *k == key);
        let shown_document = self.current_document.as_deref();
        let same_document =
            compare.comparison.as_ref().is_some_and(|(_, c)| Some(c.document.as_str()) == shown_document);
        let automatic = self.project().annotation_count() <= self.agreement.automatic_limit.unwrap_or(AUTOMATIC_LIMIT);
        if current || running || (same_document && !automatic) {
            // A large document's comparison is kept after an edit (the gold layer growing does
            // not change it) until the user asks for a new one.
            return;
        }
        let (Some(document), Some((a, b))) = (self.document(), self.agreement.compare.pair.clone()) else { return };
        if automatic {
            let comparison = compare_document(self.project(), document, &a, &b);
            self.agreement.compare.set(key, comparison);
            return;
        }
        // Only what the comparison reads: the two layers, their relations, the codebook.
        let mut copy = document.skeleton();
        copy.relations.retain(|r| r.annotator == a || r.annotator == b);
        copy.annotations =
            document.annotations.iter().filter(|x| x.annotator == a || x.annotator == b).cloned().collect();
        let mut project = crate::model::Project::new(self.project().name.clone());
        project.codebook = self.project().codebook.clone();
        match Worker::spawn("compare", ctx, move |_progress| compare_document(&project, &copy, &a, &b)) {
            Ok(worker) => self.agreement.compare.job = Some((key, worker)),
            Err(error) => self.status = Some(format!("Cannot compare: cannot start a thread: {error}")),
        }
    }

    fn step_disagreement(&mut self, forward: bool) {
        self.agreement.panel_open = true;
        self.agreement.compare_shown = true;
        if self.agreement_blinded() {
            self.status = Some(super::coders::BLIND_REASON.into());
            return;
        }
        if self.agreement.compare.comparison.is_none()
            && let Some(ctx) = self.native_dialogs.ctx.clone()
        {
            self.update_comparison(&ctx);
        }
        let Some((_, comparison)) = &self.agreement.compare.comparison else {
            self.status = Some("Nothing to compare: open a document with two coders' annotations".into());
            return;
        };
        let count = comparison.disagreements.len();
        if count == 0 {
            self.status = Some("The two coders agree on this document: no disagreement".into());
            return;
        }
        let next = match self.agreement.compare.current {
            Some(i) if forward => (i + 1) % count,
            Some(i) => (i + count - 1) % count,
            None => {
                let offset = self.selected().map_or(0, |a| a.start());
                let found =
                    if forward { comparison.next_after(offset) } else { comparison.previous_before(offset.max(1)) };
                found.unwrap_or(0)
            }
        };
        self.go_to_disagreement(next);
    }

    /// Selects a disagreement: the annotation of A (or B where A has none) is selected and
    /// scrolled to, so the text shows it highlighted.
    fn go_to_disagreement(&mut self, index: usize) {
        let Some((_, comparison)) = &self.agreement.compare.comparison else { return };
        let Some(disagreement) = comparison.disagreements.get(index) else { return };
        let count = comparison.disagreements.len();
        let (start, shown) = (disagreement.start, disagreement.a.or(disagreement.b));
        let summary = format!("Disagreement {} of {count}: {}", index + 1, describe(disagreement));
        self.agreement.compare.current = Some(index);
        match shown {
            Some(id) => self.reveal(id),
            None => {
                if let Some(view) = &mut self.view {
                    view.scroll_to = Some(start);
                }
            }
        }
        self.status = Some(summary);
    }

    /// Adds a decision (or, with `None`, every agreement) to the gold layer as one undo step, and
    /// selects what was added so that it can be corrected at once in the inspector.
    fn adjudicate(&mut self, decision: Option<(usize, Pick)>) {
        let Some((_, comparison)) = &self.agreement.compare.comparison else { return };
        let mut plan = Adjudication::new(now());
        plan.accept_agreements = decision.is_none();
        if let Some((index, pick)) = decision {
            let choice = match pick {
                Pick::A => Choice::AcceptA,
                Pick::B => Choice::AcceptB,
                Pick::Both => Choice::Both,
            };
            plan.choices.push((index, choice));
        }
        let edit = match adjudicate(self.project(), comparison, &plan) {
            Ok(edit) => edit,
            Err(error) => {
                self.status = Some(format!("Cannot adjudicate: {error}"));
                return;
            }
        };
        let added: Vec<ItemId> = match &edit {
            Edit::Batch(edits) => edits
                .iter()
                .filter_map(|e| match e {
                    Edit::AddAnnotation { annotation, .. } => Some(annotation.id),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        if matches!(&edit, Edit::Batch(edits) if edits.is_empty()) {
            self.status = Some("Already in the gold layer".into());
            return;
        }
        match self.session.apply(edit) {
            Ok(()) => {
                self.status = Some(match decision {
                    Some((index, pick)) => format!("Disagreement {}: {} into the gold layer", index + 1, pick.text()),
                    None => format!("{} agreed annotations copied into the gold layer", added.len()),
                });
                if decision.is_some()
                    && let Some(&first) = added.first()
                {
                    self.selected_annotation = Some(first);
                }
            }
            Err(error) => self.status = Some(format!("Cannot adjudicate: {error}")),
        }
    }

    fn ask_for_export(&mut self, purpose: FileDialogPurpose, extension: &str) {
        let dir = self
            .project_path()
            .and_then(Path::parent)
            .map(Path::to_owned)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let stem = self.project().name.trim().replace(['/', '\\'], "-");
        let stem = if stem.is_empty() { "project".to_owned() } else { stem };
        self.ask_for_file(purpose, dir.clone(), Some(dir.join(format!("{stem}-agreement.{extension}"))));
    }

    fn export_agreement_csv(&mut self, path: &Path) {
        let computing = self.agreement.computing();
        let note = match self.agreement.last().filter(|_| !computing) {
            None => "Nothing to export yet: the agreement is being computed".to_owned(),
            Some(computed) => match store::write_atomic(path, computed.csv.as_bytes()) {
                Ok(()) => format!("Wrote {}", path.display()),
                Err(error) => format!("Could not write {}: {error}", path.display()),
            },
        };
        self.status = Some(note.clone());
        self.agreement.export_note = Some(note);
    }

    /// The chart as PNG, once it is wholly on screen (`rect`): the next frame is captured and the
    /// chart's rectangle cut out of it.
    pub(crate) fn start_png(&mut self, ctx: &egui::Context, rect: egui::Rect) {
        let Some(path) = self.agreement.png_wanted.take() else { return };
        let (sender, receiver) = std::sync::mpsc::channel();
        let pixels_per_point = ctx.pixels_per_point();
        let written = path.clone();
        let waker = ctx.clone();
        ctx.request_screenshot(move |image| {
            let result = (|| {
                let bounds = egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(image.size[0] as f32, image.size[1] as f32) / pixels_per_point,
                );
                let chart = image.region(&rect.intersect(bounds), Some(pixels_per_point));
                let bytes = encode_png(&chart)?;
                store::write_atomic(&written, &bytes).map_err(|e| e.to_string())?;
                Ok((chart.size[0] as u32, chart.size[1] as u32))
            })();
            let _ = sender.send(result);
            waker.request_repaint();
        });
        self.agreement.png = Some((path, receiver));
    }
}

/// "other label: Claim vs Quote", for the status line.
fn describe(disagreement: &Disagreement) -> String {
    format!("{}: {}", disagreement.kind.name(), disagreement.detail)
}
