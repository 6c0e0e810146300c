//! The file under the open project: changed by someone else (reload, keep mine, merge), opened
//! by a second instance (read-only), deleted, in a read-only folder, on a full disk. Whatever
//! happens, the work stays open, nothing is overwritten silently, and Save as works.
#![cfg(feature = "gui")]

mod common;

use common::ui::{harness as start, sample_copy};

use std::path::{Path, PathBuf};
use std::process::Command;

use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanwise::edit::{Edit, apply};
use spanwise::model::{Annotation, IdGenerator, Project};
use spanwise::settings::Settings;
use spanwise::store::{self, journal, lock, merge};
use spanwise::ui::{AppConfig, Command as AppCommand, SpanwiseApp};

fn app_with(config: Option<&Path>, path: &Path) -> SpanwiseApp {
    let settings = Settings { annotator_name: "Test Coder".into(), ..Settings::default() };
    SpanwiseApp::new(AppConfig { settings, settings_path: config.map(|c| c.join("settings.ron")) }).with_file(path)
}

fn offset_of(project: &Project, needle: &str) -> usize {
    let document = &project.documents[0];
    let byte = document.text.find(needle).unwrap();
    document.text[..byte].chars().count()
}

/// Drags over `needle` and presses the label key.
fn tag(harness: &mut Harness<'_, SpanwiseApp>, needle: &str, key: Key, digit: &str) {
    let start = offset_of(harness.state().project(), needle);
    common::ui::drag_select(harness, start, start + needle.chars().count());
    common::ui::type_key(harness, key, digit);
}

fn with_text<'a>(project: &'a Project, text: &str) -> Vec<&'a Annotation> {
    project.documents[0].annotations.iter().filter(|a| a.text() == text).map(|a| &**a).collect()
}

/// An annotation over `needle` in `project`, made elsewhere.
fn their_annotation(project: &Project, needle: &str, label: &str, seed: u64) -> Annotation {
    let start = offset_of(project, needle);
    Annotation {
        id: IdGenerator::seeded(seed).next_id(),
        label: label.into(),
        fragments: vec![project.documents[0].fragment(start..start + needle.chars().count()).unwrap()],
        annotator: project.annotators[0].id.clone().into(),
        created: common::time(),
        modified: common::time(),
        note: String::new(),
        attributes: Default::default(),
    }
}

/// Another program saves the file: one annotation added, and a second later so that the
/// modification time differs.
fn change_on_disk(path: &Path, needle: &str) -> Project {
    let mut theirs = store::load(path).unwrap();
    let annotation = their_annotation(&theirs, needle, "claim", 4242);
    apply(&mut theirs, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    store::save(&theirs, path).unwrap();
    theirs
}

#[test]
fn a_change_on_disk_is_noticed_and_reload_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    let theirs = change_on_disk(&path, "Fear");
    // Noticed by the app's own polling, without anything else happening.
    std::thread::sleep(spanwise::session::POLL_INTERVAL + std::time::Duration::from_millis(100));
    harness.run();
    harness.get_by_label("The file changed on disk");
    harness.get_by_label("Their version: 1 annotation added.");
    harness.get_by_label("You have unsaved changes.");
    harness.get_by_label("Reload (lose my unsaved changes)").click();
    harness.run();
    assert_eq!(*harness.state().project(), theirs);
    assert!(!harness.state().is_dirty());
    // The changes the user chose to lose are still kept aside, never deleted.
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".journal.reloaded-"))
        .collect();
    assert_eq!(aside.len(), 1);
}

#[test]
fn keep_mine_overwrites_at_the_next_save_and_is_not_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    let mine = harness.state().project().clone();
    change_on_disk(&path, "Fear");
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("Keep mine (next save overwrites)").click();
    harness.run();
    assert_eq!(*harness.state().project(), mine);
    assert!(harness.state().is_dirty());
    harness.state_mut().check_file_now();
    harness.run();
    assert!(harness.state().dialog.is_none(), "not asked again about the same version");
    // The journal now starts from a snapshot: their file is not my base any more.
    let journal = journal::read(harness.state().journal_path().unwrap()).unwrap();
    assert!(matches!(journal.header.base, journal::Base::Snapshot(_)));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(store::load(&path).unwrap(), mine);
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    let theirs = change_on_disk(&path, "Fear");
    // Save before the next check: it must not write over their version.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("The file changed on disk");
    assert_eq!(store::load(&path).unwrap(), theirs);
    assert!(harness.state().is_dirty());
}

#[test]
fn a_touched_but_unchanged_file_is_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    // Written again with the same bytes and a modification time a minute later (as `touch`, a
    // sync tool or `git checkout` do): the check sees a new time, compares the contents, and
    // says nothing.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let later = std::fs::metadata(&path).unwrap().modified().unwrap() + std::time::Duration::from_secs(60);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    assert!(harness.state().dialog.is_none(), "an unchanged file is not reported");
    assert!(harness.state().file_missing().is_none());
    // The same check does see a real change made the same way, with the same time: the silence
    // above was the comparison, not a check that did nothing.
    let mut theirs = store::load(&path).unwrap();
    theirs.description = "changed, same size class".into();
    store::save(&theirs, &path).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("The file changed on disk");
}

#[test]
fn merge_takes_both_sides_and_names_each_conflict_with_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let base = store::load(&path).unwrap();
    let id_of = |text: &str| with_text(&base, text)[0].id;
    let (both_changed, they_changed, i_deleted, they_deleted) = (
        id_of("IranWire"),
        id_of("the Revolutionary Guards"),
        id_of("Behnam Gholipour"),
        id_of("Ayatollah Ali Khamenei"),
    );

    let mut harness = start(app_with(None, &path));
    // Mine: a new annotation, a relabel, a deletion.
    tag(&mut harness, "Official", Key::Num2, "2");
    harness.state_mut().command(AppCommand::SelectAnnotation(both_changed));
    harness.run();
    harness.key_press(Key::Num1);
    harness.event(Event::Text("1".into()));
    harness.run();
    harness.state_mut().command(AppCommand::SelectAnnotation(i_deleted));
    harness.run();
    harness.key_press(Key::Delete);
    harness.run();
    let mine = harness.state().project().clone();

    // Theirs: a new annotation, a note on the one I relabelled (a conflict), a change to another,
    // a deletion.
    let mut theirs = base.clone();
    let added = their_annotation(&theirs, "Fear", "actor", 99);
    apply(&mut theirs, Edit::AddAnnotation { document: "d1".into(), annotation: added.clone() }).unwrap();
    for (id, note) in [(both_changed, "their note"), (they_changed, "checked")] {
        let mut changed = theirs.documents[0].annotation(id).unwrap().clone();
        changed.note = note.into();
        apply(&mut theirs, Edit::UpdateAnnotation { document: "d1".into(), annotation: changed }).unwrap();
    }
    apply(&mut theirs, Edit::RemoveAnnotation { document: "d1".into(), id: they_deleted }).unwrap();
    store::save(&theirs, &path).unwrap();

    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("Their version: 1 annotation added, 2 changed, 1 deleted.");
    harness.get_by_label("Merge").click();
    harness.run();
    // The conflict waits for a choice, yours preselected; Enter merges with it.
    harness.get_by_label("Merge: choose for each conflict");
    harness.get_by_label("1 conflict: 1 yours, 0 theirs");
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label("Merged with the version on disk");
    let status = harness.state().status.clone().unwrap_or_default();
    assert!(status.contains("From their version: 1 annotation added, 1 changed, 1 deleted."), "{status}");
    // (The window added me as an annotator with my first annotation.)
    assert!(
        status.contains("Kept from yours: 1 annotator added; 1 annotation added, 1 changed, 1 deleted."),
        "{status}"
    );
    // The conflict is not decided silently: it is named, with both versions.
    let conflict = status.split("1 conflict: ").nth(1).unwrap_or_default();
    assert!(conflict.starts_with("annotation Claim \"IranWire\" in document "), "{status}");
    assert!(conflict.contains(": yours kept (Claim \"IranWire\""), "{status}");
    assert!(conflict.contains("; theirs Actor \"IranWire\""), "{status}");
    assert!(conflict.contains("note \"their note\""), "{status}");
    // The annotation list and its label counts show the merged document, not a cached one.
    let merged = harness.state().project();
    let total = merged.documents[0].annotations.len();
    let actors = merged.documents[0].annotations.iter().filter(|a| a.label == "actor").count();
    harness.get_by_label(&format!("{total} of {total}"));
    harness.get_by_label(&format!("Actor {actors}"));
    let merged = harness.state().project();
    let document = &merged.documents[0];
    assert_eq!(with_text(merged, "Official").len(), 1, "mine added");
    assert_eq!(document.annotation(added.id), Some(&added), "theirs added");
    assert_eq!(document.annotation(both_changed), mine.documents[0].annotation(both_changed), "conflict: mine");
    assert_eq!(document.annotation(they_changed).unwrap().note, "checked", "their change");
    assert!(document.annotation(i_deleted).is_none(), "my deletion");
    assert!(document.annotation(they_deleted).is_none(), "their deletion");
    assert!(harness.state().is_dirty());
    assert_eq!(store::load(&path).unwrap(), theirs, "merging writes nothing");
    // Saving writes the merge, without asking again.
    let merged = merged.clone();
    harness.get_by_label("OK").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(store::load(&path).unwrap(), merged);
}

#[test]
fn merge_takes_their_description_and_both_dialogs_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    let mut theirs = store::load(&path).unwrap();
    let annotation = their_annotation(&theirs, "Fear", "claim", 4242);
    apply(&mut theirs, Edit::AddAnnotation { document: "d1".into(), annotation }).unwrap();
    theirs.description = "Changed by another program: Grüße 🎉".into();
    store::save(&theirs, &path).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label("Their version: the project description changed; 1 annotation added.");
    harness.get_by_label("Merge").click();
    harness.run();
    let status = harness.state().status.clone().unwrap_or_default();
    assert!(
        status.contains(
            "From their version: the project description changed; 1 annotation added. \
             Kept from yours: 1 annotator added; 1 annotation added. No conflicts."
        ),
        "{status}"
    );
    let merged = harness.state().project().clone();
    assert_eq!(merged.description, theirs.description);
    assert_eq!(merged.annotation_count(), theirs.annotation_count() + 1);
    harness.get_by_label("OK").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(store::load(&path).unwrap().description, theirs.description, "saved with their description");
}

#[test]
fn merge_without_a_base_is_a_union() {
    let base = common::tricky_project();
    let mut mine = base.clone();
    let mut theirs = base.clone();
    let mut ids = IdGenerator::seeded(77);
    common::add(&mut mine, &mut ids, "actor", "Grüße");
    common::add(&mut theirs, &mut ids, "claim", "matter");
    let merged = merge::merge(None, &mine, &theirs).resolve_all(merge::Side::Mine).unwrap();
    assert_eq!(merged.project.annotation_count(), base.annotation_count() + 2);
    let report = &merged.report;
    assert_eq!((report.mine_kept.annotations.added, report.theirs_taken.annotations.added), (1, 1));
    assert!(report.conflicts.is_empty());
    // With the base, a deletion on their side is taken.
    let mut theirs = base.clone();
    let gone = with_text(&theirs, "社交媒体")[0].id;
    apply(&mut theirs, Edit::RemoveAnnotation { document: "d1".into(), id: gone }).unwrap();
    let merged =
        merge::merge(Some(&merge::BaseItems::of(&base)), &mine, &theirs).resolve_all(merge::Side::Mine).unwrap();
    assert!(merged.project.documents[0].annotation(gone).is_none());
    assert_eq!(merged.report.theirs_taken.annotations.deleted, 1);
    assert!(spanwise::model::validate(&merged.project).is_empty());
}

/// A process that stays alive while the test needs it (a stand-in for another Spanwise).
struct Sleeper(std::process::Child);

impl Sleeper {
    fn start() -> Self {
        Self(Command::new("sleep").arg("600").spawn().unwrap())
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn fake_lock(path: &Path, pid: u32, session: &str) {
    std::fs::write(lock::lock_path(path), format!("pid={pid}\nhost={}\nsession={session}\n", lock::hostname()))
        .unwrap();
}

#[test]
fn a_second_instance_opens_read_only_and_save_as_works() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let path = sample_copy(dir.path());
    let other = Sleeper::start();
    fake_lock(&path, other.0.id(), "other-instance");
    let original = std::fs::read(&path).unwrap();

    let mut harness = start(app_with(Some(&config), &path));
    assert_eq!(harness.state().read_only_because().map(|o| o.pid), Some(other.0.id()));
    harness.get_by_label_contains("Read-only: sample.spanwise.ron is open for editing in another Spanwise");
    tag(&mut harness, "Official", Key::Num2, "2");
    // Its journal is the other instance's: this one journals to the session folder.
    assert!(!journal::journal_path_for(&path).exists());
    assert!(harness.state().journal_path().unwrap().starts_with(journal::session_dir(&config)));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Not saved: this file is read-only here");
    assert_eq!(std::fs::read(&path).unwrap(), original);
    harness.get_by_label("OK").click();
    harness.run();
    // Save as to another file works, and that file is this instance's.
    let elsewhere = dir.path().join("mine.spanwise.ron");
    harness.state_mut().command(AppCommand::SaveAsPath(elsewhere.clone()));
    harness.run();
    assert_eq!(with_text(&store::load(&elsewhere).unwrap(), "Official").len(), 1);
    assert!(harness.state().read_only_because().is_none());
    assert_eq!(lock::read_owner(&elsewhere).map(|o| o.pid), Some(std::process::id()));
    assert_eq!(lock::read_owner(&path).map(|o| o.pid), Some(other.0.id()), "the other's lock is untouched");
    drop(harness);
    assert!(!lock::lock_path(&elsewhere).exists(), "released when closed");
}

#[test]
fn edit_anyway_takes_the_file_over_and_the_other_instance_notices() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let other = Sleeper::start();
    fake_lock(&path, other.0.id(), "other-instance");
    let mut harness = start(app_with(None, &path));
    harness.get_by_label("Edit anyway").click();
    harness.run();
    assert!(harness.state().read_only_because().is_none());
    assert_eq!(lock::read_owner(&path).map(|o| o.pid), Some(std::process::id()));
    // Now the other instance takes it back: this one becomes read-only at its next check.
    fake_lock(&path, other.0.id(), "other-instance");
    harness.state_mut().check_file_now();
    harness.run();
    assert_eq!(harness.state().read_only_because().map(|o| o.pid), Some(other.0.id()));
}

#[test]
fn a_stale_lock_from_a_killed_instance_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut dead = Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    fake_lock(&path, pid, "crashed");
    let harness = start(app_with(None, &path));
    assert!(harness.state().read_only_because().is_none());
    assert_eq!(lock::read_owner(&path).unwrap().pid, std::process::id());
}

#[test]
fn a_file_deleted_while_open_is_reported_and_save_writes_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample_copy(dir.path());
    let mut harness = start(app_with(None, &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    std::fs::remove_file(&path).unwrap();
    harness.state_mut().check_file_now();
    harness.run();
    harness.get_by_label_contains("was deleted or moved. Your work is still open: Save writes the file again");
    assert!(harness.state().file_missing().is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    assert_eq!(with_text(&store::load(&path).unwrap(), "Official").len(), 1);
    assert!(harness.state().file_missing().is_none());
}

// ---------------------------------------------------------------------------------------------
// Read-only folders and full disks. As root, permissions do not stop writes, so these tests use a
// small tmpfs: read-only by remounting it, full by filling it. To mount without privileges, each
// runs itself again (the test binary, this one test) in a private user and mount namespace
// (`unshare --user --map-root-user --mount`), where it is root over its own mounts and nothing it
// mounts is seen outside. Where user namespaces are not allowed, root mounts directly. Without
// either, the read-only folder is made with chmod (not root) and the full disk cannot be made:
// under CI that fails, elsewhere it says SKIPPED.

/// Set in the child that runs a test in its own namespace.
const OWN_MOUNTS: &str = "SPANWISE_TEST_OWN_MOUNTS";

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Where a test runs its mount-needing part.
enum Mounts {
    /// In this process, which may mount a tmpfs (the namespace child, or root).
    Here,
    /// In this process, which cannot mount.
    Unavailable(String),
    /// Done: the test ran (and passed) in its own namespace.
    RanInNamespace,
}

/// Runs `test` again in a private user and mount namespace if it can; see above.
fn own_mounts(test: &str) -> Mounts {
    if std::env::var_os(OWN_MOUNTS).is_some() {
        return Mounts::Here;
    }
    let output = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount"])
        .arg(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(OWN_MOUNTS, "1")
        .output();
    let why = match output {
        Ok(output) => {
            let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            if stdout.contains("running 1 test") {
                // The test ran there: its result is this test's result.
                assert!(output.status.success(), "{test} failed in its own mount namespace:\n{stdout}\n{stderr}");
                assert!(stdout.contains("1 passed"), "{stdout}");
                return Mounts::RanInNamespace;
            }
            format!("no user namespace ({})", stderr.trim())
        }
        Err(err) => format!("`unshare` (util-linux) cannot run: {err}"),
    };
    let probe = tempfile::tempdir().unwrap();
    if is_root() && Mount::tmpfs(&probe.path().join("probe"), "64k").is_some() {
        return Mounts::Here;
    }
    Mounts::Unavailable(format!("{why}, and not allowed to mount a tmpfs"))
}

/// Fails under CI, where every test must run its real check; says what was skipped elsewhere.
fn cannot_run(what: &str, why: &str) {
    let message = format!("{what}: cannot be checked here: {why}");
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("SKIPPED {message}");
}

/// A tmpfs mounted for the test; unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(dir.to_owned()))
    }

    /// A tmpfs where this process is known to be allowed to mount one.
    fn required(dir: &Path, size: &str) -> Self {
        Self::tmpfs(dir, size).unwrap_or_else(|| panic!("cannot mount a tmpfs on {}", dir.display()))
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount").args(["-o", "remount,ro"]).arg(&self.0).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_folder_keeps_the_work_in_memory_and_the_journal_and_save_as_works() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let folder = dir.path().join("readonly");
    let mount = match own_mounts("a_read_only_folder_keeps_the_work_in_memory_and_the_journal_and_save_as_works") {
        Mounts::RanInNamespace => return,
        Mounts::Here => Some(Mount::required(&folder, "4m")),
        Mounts::Unavailable(_) if !is_root() => {
            std::fs::create_dir_all(&folder).unwrap();
            None
        }
        Mounts::Unavailable(why) => return cannot_run("read-only folder", &why),
    };
    let path = sample_copy(&folder);
    let original = std::fs::read(&path).unwrap();
    match &mount {
        Some(mount) => mount.remount_read_only(),
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
    }
    let mut harness = start(app_with(Some(&config), &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    // The journal could not go beside the file: it is in the session folder, and the user is told.
    let journal_path = harness.state().journal_path().expect("autosaved elsewhere").to_owned();
    assert!(journal_path.starts_with(journal::session_dir(&config)), "{}", journal_path.display());
    assert!(harness.state().status.as_deref().unwrap_or_default().contains("not writable"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label("Not saved");
    harness.get_by_label_contains("Your work is still open; try Save as");
    assert!(harness.state().is_dirty());
    assert_eq!(std::fs::read(&path).unwrap(), original);
    harness.get_by_label("OK").click();
    harness.run();
    let elsewhere = dir.path().join("saved-elsewhere.spanwise.ron");
    harness.state_mut().command(AppCommand::SaveAsPath(elsewhere.clone()));
    harness.run();
    assert_eq!(with_text(&store::load(&elsewhere).unwrap(), "Official").len(), 1);
    assert!(!harness.state().is_dirty());
    assert!(!journal_path.exists(), "saved: the journal is done");
    if mount.is_none() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn a_full_disk_keeps_the_work_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let _mount = match own_mounts("a_full_disk_keeps_the_work_and_says_so") {
        Mounts::RanInNamespace => return,
        Mounts::Here => Mount::required(&dir.path().join("small"), "256k"),
        Mounts::Unavailable(why) => return cannot_run("full disk", &why),
    };
    let path = sample_copy(&dir.path().join("small"));
    let mut harness = start(app_with(Some(&config), &path));
    tag(&mut harness, "Official", Key::Num2, "2");
    assert!(journal::journal_path_for(&path).exists());
    // Fill the disk.
    let filler = dir.path().join("small/filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &block).is_ok() {}
    drop(file);
    // Edits go on. Once the journal cannot grow, autosave moves to the session folder (with a
    // snapshot of everything so far) and says so.
    let words = ["Fear", "Study", "Reveals", "Regime", "Media", "December", "intelligence", "officials"];
    let mut moved = false;
    for (i, word) in words.iter().cycle().take(40).enumerate() {
        if i < words.len() {
            tag(&mut harness, word, Key::Num3, "3");
        } else {
            // Relabel back and forth: each is one more journal line.
            harness.key_press(Key::Num1);
            harness.event(Event::Text(if i % 2 == 0 { "1" } else { "3" }.into()));
            harness.run();
        }
        if harness.state().journal_path().is_some_and(|p| p.starts_with(journal::session_dir(&config))) {
            moved = true;
            break;
        }
    }
    assert!(moved, "autosave moved off the full disk: {:?}", harness.state().journal_path());
    assert!(harness.state().status.as_deref().unwrap_or_default().contains("autosaving to"));
    // What is in that journal is everything: replaying it gives the open project.
    let recovery = journal::prepare(harness.state().journal_path().unwrap(), None).unwrap();
    assert_eq!(recovery.project, *harness.state().project());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    harness.run();
    harness.get_by_label_contains("the disk is full; free some space or save elsewhere");
    assert!(harness.state().is_dirty());
    assert!(store::load(&path).is_ok(), "the file on disk is intact");
    harness.get_by_label("OK").click();
    harness.run();
    let elsewhere = dir.path().join("elsewhere.spanwise.ron");
    harness.state_mut().command(AppCommand::SaveAsPath(elsewhere.clone()));
    harness.run();
    let saved = store::load(&elsewhere).unwrap();
    assert_eq!(with_text(&saved, "Official").len(), 1);
    assert_eq!(with_text(&saved, "Fear").len(), 1);
    assert_eq!(saved, *harness.state().project());
    drop(harness);
}
