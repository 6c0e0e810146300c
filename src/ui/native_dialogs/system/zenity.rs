//! zenity's file dialog, for desktops without a portal (many window managers).
//!
//! Run directly rather than through `rfd`'s fallback: `rfd` 0.17 passes zenity neither the title
//! nor the folder, and reads any failure as a cancel; here the exit status tells them apart, and
//! the dialog is closed with the window.

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};

use super::super::{Answer, NativeRequest};
use super::ParentWindow;

/// `zenity` on `PATH`, if it is there.
pub(super) fn program() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join("zenity")).find(|path| is_executable(path))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The arguments for `request`.
pub(super) fn arguments(request: &NativeRequest, parent: Option<ParentWindow>) -> Vec<OsString> {
    let mut arguments: Vec<OsString> = vec!["--file-selection".into(), format!("--title={}", request.title).into()];
    if request.saves {
        arguments.extend(["--save".into(), "--confirm-overwrite".into()]);
    } else if request.multiple {
        // One path per line (a name can hold zenity's default separator, `|`; a line break in a
        // name is rarer than any other separator zenity could use).
        arguments.extend(["--multiple".into(), "--separator=\n".into()]);
    }
    // A folder is given with a trailing slash; a proposed name as a path in it.
    let mut start = OsString::from("--filename=");
    match &request.file_name {
        Some(name) => start.push(request.dir.join(name)),
        None => {
            start.push(&request.dir);
            if !request.dir.as_os_str().as_bytes().ends_with(b"/") {
                start.push("/");
            }
        }
    }
    arguments.push(start);
    for filter in &request.filters {
        let patterns: Vec<String> = filter
            .extensions
            .iter()
            .map(|extension| if extension == "*" { "*".to_owned() } else { format!("*.{extension}") })
            .collect();
        arguments.push(format!("--file-filter={} | {}", filter.name, patterns.join(" ")).into());
    }
    if let Some(ParentWindow(window)) = parent {
        arguments.push(format!("--attach={window}").into());
    }
    arguments
}

/// The answer from how zenity ended: 0 with a path is a choice, 1 is Cancel (or the window
/// closed), anything else (other codes, a signal, no path) a failure.
pub(super) fn answer(status: Option<i32>, stdout: &[u8], stderr: &[u8]) -> Answer {
    let stderr = String::from_utf8_lossy(stderr);
    let last_words = stderr.lines().map(str::trim).rfind(|line| !line.is_empty()).unwrap_or("no message");
    match status {
        Some(0) => {
            // One path and a newline; a name may end in spaces, so only the newline goes.
            let path = stdout.strip_suffix(b"\n").unwrap_or(stdout);
            if path.is_empty() {
                Answer::Failed("zenity reported a choice but printed no path".into())
            } else {
                Answer::Chosen(PathBuf::from(OsStr::from_bytes(path)))
            }
        }
        // GTK exits with 1 too when it cannot open the display.
        Some(1) if stderr.contains("cannot open display") => Answer::Failed(format!("zenity: {last_words}")),
        Some(1) => Answer::Cancelled,
        Some(code) => Answer::Failed(format!("zenity exited with status {code}: {last_words}")),
        None => Answer::Failed("zenity was stopped by a signal".into()),
    }
}

/// The answer of a dialog that allows several files: one path per line.
pub(super) fn many(answer: Answer) -> Answer {
    match answer {
        Answer::Chosen(path) => {
            let bytes = path.as_os_str().as_bytes();
            let paths: Vec<PathBuf> = bytes
                .split(|&b| b == b'\n')
                .filter(|line| !line.is_empty())
                .map(|line| PathBuf::from(OsStr::from_bytes(line)))
                .collect();
            Answer::ChosenMany(paths)
        }
        other => other,
    }
}

/// The zenity process on screen, if any.
#[derive(Default)]
pub(super) struct Zenity {
    child: Mutex<Option<Child>>,
}

impl Zenity {
    pub(super) fn show(&self, program: &Path, request: &NativeRequest, parent: Option<ParentWindow>) -> Answer {
        let spawned = Command::new(program)
            .args(arguments(request, parent))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => return Answer::Failed(format!("cannot start {}: {err}", program.display())),
        };
        let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            return Answer::Failed("zenity started without its output pipes".into());
        };
        *self.child.lock().unwrap_or_else(PoisonError::into_inner) = Some(child);
        // Both pipes at once, so that neither can fill up and stall zenity.
        let (out, err) = std::thread::scope(|scope| {
            let err = scope.spawn(move || {
                let mut bytes = Vec::new();
                let _ = stderr.read_to_end(&mut bytes);
                bytes
            });
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            (out, err.join().unwrap_or_default())
        });
        let child = self.child.lock().unwrap_or_else(PoisonError::into_inner).take();
        match child.map(|mut child| child.wait()) {
            Some(Ok(status)) if request.multiple => many(answer(status.code(), &out, &err)),
            Some(Ok(status)) => answer(status.code(), &out, &err),
            Some(Err(err)) => Answer::Failed(format!("cannot wait for zenity: {err}")),
            None => Answer::Failed("zenity was closed".into()),
        }
    }

    /// Ends a zenity still on screen.
    pub(super) fn close(&self) {
        if let Some(child) = self.child.lock().unwrap_or_else(PoisonError::into_inner).as_mut() {
            let _ = child.kill();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ui::dialogs::FileDialogPurpose;

    #[test]
    fn zenity_exit_status_tells_cancel_from_failure() {
        let chosen = answer(Some(0), "/tmp/Grüße 🎉 社交 .txt\n".as_bytes(), b"");
        assert_eq!(chosen, Answer::Chosen(PathBuf::from("/tmp/Grüße 🎉 社交 .txt")), "trailing space kept");
        assert_eq!(answer(Some(1), b"", b"Gtk-Message: mapped without a transient parent"), Answer::Cancelled);
        assert!(matches!(
            answer(Some(1), b"", b"(zenity:1): Gtk-WARNING **: cannot open display: :9"),
            Answer::Failed(reason) if reason.contains("cannot open display")
        ));
        assert!(matches!(answer(Some(255), b"", b"boom\n"), Answer::Failed(reason) if reason.contains("255: boom")));
        assert!(matches!(answer(None, b"", b""), Answer::Failed(_)));
        assert!(matches!(answer(Some(0), b"", b""), Answer::Failed(_)));
    }

    #[test]
    fn zenity_chooses_several_coders_files_one_per_line() {
        let request = NativeRequest::new(FileDialogPurpose::BringInCoders, Path::new("/class"), None);
        let given: Vec<String> = arguments(&request, None).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(given.contains(&"--multiple".to_owned()) && given.contains(&"--separator=\n".to_owned()), "{given:?}");
        let out = "/class/ana ü.spanwise.ron\n/class/bo 🎉.spanwise.ron\n".as_bytes();
        assert_eq!(
            many(answer(Some(0), out, b"")),
            Answer::ChosenMany(vec![
                PathBuf::from("/class/ana ü.spanwise.ron"),
                PathBuf::from("/class/bo 🎉.spanwise.ron")
            ])
        );
        assert_eq!(many(answer(Some(1), b"", b"")), Answer::Cancelled);
        let open = NativeRequest::new(FileDialogPurpose::Open, Path::new("/class"), None);
        assert!(!arguments(&open, None).iter().any(|a| a == "--multiple"));
    }

    #[test]
    fn zenity_gets_title_folder_filters_and_parent() {
        let open = NativeRequest::new(FileDialogPurpose::Open, Path::new("/data/ü"), None);
        let given: Vec<String> =
            arguments(&open, Some(ParentWindow(0x1c00007))).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(
            given,
            [
                "--file-selection",
                "--title=Open a project or text",
                "--filename=/data/ü/",
                &format!(
                    "--file-filter=Projects and texts | *.ron {}",
                    crate::formats::TEXT_EXTENSIONS.iter().map(|e| format!("*.{e}")).collect::<Vec<_>>().join(" ")
                ),
                "--file-filter=Projects | *.ron",
                "--file-filter=All files | *",
                "--attach=29360135",
            ]
        );
        let save =
            NativeRequest::new(FileDialogPurpose::SaveAs, Path::new("/data"), Some(Path::new("/w/a.spanwise.ron")));
        let given: Vec<String> = arguments(&save, None).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(&given[2..5], ["--save", "--confirm-overwrite", "--filename=/w/a.spanwise.ron"]);
    }

    #[test]
    fn students_files_are_chosen_several_at_once_one_a_line() {
        let students = NativeRequest::new(FileDialogPurpose::GradeStudents, Path::new("/class"), None);
        assert!(students.multiple);
        let given: Vec<String> = arguments(&students, None).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(&given[2..4], ["--multiple", "--separator=\n"]);
        let chosen = many(answer(Some(0), "/c/ana|b.spanwise.ron\n/c/Grüße 🎉 社交 .ron\n".as_bytes(), b""));
        assert_eq!(
            chosen,
            Answer::ChosenMany(vec![PathBuf::from("/c/ana|b.spanwise.ron"), PathBuf::from("/c/Grüße 🎉 社交 .ron")])
        );
        assert_eq!(many(answer(Some(1), b"", b"")), Answer::Cancelled);
        // Other dialogs take one file.
        let open = NativeRequest::new(FileDialogPurpose::Open, Path::new("/data"), None);
        assert!(!open.multiple && !arguments(&open, None).iter().any(|a| a == "--multiple"));
    }
}
