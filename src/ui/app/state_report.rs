//! The state summary for `SPANWISE_STATE_REPORT`: what the window shows, in `key=value` lines,
//! written when it changes, so that tests driving the real window (xdotool under Xvfb) can wait
//! for and assert what a user would see.

use crate::store;
use crate::ui::dialogs::Dialog;
use crate::ui::doc_view::DocView;

use super::SpanwiseApp;

impl SpanwiseApp {
    /// Writes the state summary for `SPANWISE_STATE_REPORT` when it changed.
    pub(super) fn report_state(&mut self) {
        let Some((path, last)) = &self.state_report else {
            return;
        };
        let dialog = self.dialog.as_ref().map_or_else(|| "none".to_owned(), Dialog::describe);
        let selection = self.view.as_ref().and_then(|v| v.selected_range()).map(|r| format!("{}..{}", r.start, r.end));
        let mut state = format!(
            "dialog={dialog}\nopening={}\ndirty={}\nannotations={}\ndocuments={}\nimporting={}\nannotator={}\ntitle={}\nstatus={}\nlist={}\nselection={}\n{}",
            self.opening().map_or_else(|| "none".to_owned(), |p| p.display().to_string()),
            self.is_dirty(),
            self.project().annotation_count(),
            self.project().documents.len(),
            self.import_job.is_some(),
            self.settings.annotator_name,
            self.shown_title,
            self.status.as_deref().unwrap_or_default(),
            self.list_cache.summary(&self.session.project().codebook),
            selection.unwrap_or_default(),
            self.coding_state_report(),
        );
        state.push_str(&self.agreement.describe());
        let relating = self.view.as_ref().and_then(|v| v.relating).map(|r| r.target.map_or(0, |t| t.0));
        let relations: usize = self.project().documents.iter().map(|d| d.relations.len()).sum();
        let selected = self.selected_annotation.map_or(0, |id| id.0);
        // Where the selected annotation's handles are (relate, start, end), in points.
        let handles = (self.selected().zip(self.view.as_ref()))
            .and_then(|(a, view)| view.handles(a))
            .map(|h| {
                let p = |r: egui::Rect| format!("{},{}", r.center().x.round(), r.center().y.round());
                format!("{} {} {}", p(h.relate), p(h.start), p(h.end))
            })
            .unwrap_or_default();
        state.push_str(&format!(
            "selected={selected}\nrelations={relations}\nrelating={}\nhandles={handles}\n",
            relating.map_or("no".to_owned(), |t| t.to_string())
        ));
        let selection_rects = self.view.as_ref().map(DocView::selection_rects_report).unwrap_or_default();
        state.push_str(&format!("selection_rects={selection_rects}\n"));
        state.push_str(&self.coders_state_report());
        // Where the memo marks on screen are: "annotation id@x,y" (centres, in points).
        let memo_marks = (self.view.as_ref().zip(self.document()))
            .map(|(view, document)| {
                let mut marks: Vec<(u64, String)> = (view.memo_notes.keys())
                    .filter_map(|id| document.annotation(*id))
                    .filter_map(|a| {
                        let r = view.memo_mark_rect(a)?;
                        Some((a.id.0, format!("{}@{},{}", a.id.0, r.center().x.round(), r.center().y.round())))
                    })
                    .collect();
                marks.sort();
                marks.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")
            })
            .unwrap_or_default();
        state.push_str(&format!("memo_marks={memo_marks}\n"));
        // A memo is being typed (not yet saved); "Saved" is showing under a memo's editor.
        state.push_str(&format!(
            "memo_typing={}\nmemo_saved={}\n",
            self.coding.memo_buffer.is_some(),
            self.coding.memo_saved.is_some()
        ));
        let encoding = self.document().and_then(|d| d.metadata.get("encoding")).map_or("", String::as_str);
        state.push_str(&format!("encoding={encoding}\n"));
        if &state != last {
            if let Err(err) = store::write_atomic(path, state.as_bytes()) {
                log::warn!("cannot write the state report {}: {err}", path.display());
            }
            self.state_report = Some((path.clone(), state));
        }
    }
}
