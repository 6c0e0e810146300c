//! Per-user settings (annotator name, recent files, theme, file chooser), kept in `settings.ron` in
//! the config folder: `$SPANWISE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/spanwise`, else
//! `~/.config/spanwise`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 10;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The name recorded on every annotation this user makes. Empty until asked.
    pub annotator_name: String,
    /// Most recent first.
    pub recent_files: Vec<PathBuf>,
    pub theme: Theme,
    pub file_chooser: FileChooser,
    /// The last export of each project (File › Export…), most recent first.
    pub exports: Vec<LastExport>,
}

/// How many projects' last exports are remembered.
pub const MAX_EXPORTS: usize = 50;

/// The format and folder of a project's last export, offered the next time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LastExport {
    /// The project file (`None`: a project never saved).
    pub project: Option<PathBuf>,
    /// The format's `--format` name.
    pub format: String,
    /// The folder the export was written to.
    pub folder: PathBuf,
}

/// Colour scheme of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    Light,
    Dark,
}

/// Which file chooser Open, Add document and Save as show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileChooser {
    /// The system's file dialog (the XDG desktop portal or zenity on Linux), when there is one;
    /// Spanwise's own otherwise.
    #[default]
    System,
    /// Always Spanwise's own chooser.
    Spanwise,
}

impl Settings {
    pub fn config_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("SPANWISE_CONFIG_DIR") {
            return Some(PathBuf::from(dir));
        }
        if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir).join("spanwise"));
        }
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config").join("spanwise"))
    }

    pub fn default_path() -> Option<PathBuf> {
        Self::config_dir().map(|d| d.join("settings.ron"))
    }

    /// Loads settings; a missing or unreadable file gives defaults (and a log line), never an error.
    pub fn load(path: &Path) -> Self {
        match std::fs::read_to_string(path) {
            Ok(text) => ron::from_str(&text).unwrap_or_else(|err| {
                log::warn!("ignoring unreadable settings {}: {err}", path.display());
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new()).map_err(|e| e.to_string())?;
        crate::store::write_atomic(path, text.as_bytes()).map_err(|e| e.to_string())
    }

    /// Moves `path` to the front of the recent list.
    pub fn add_recent(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.recent_files.retain(|p| p != &path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(MAX_RECENT);
    }

    /// The last export of `project`.
    pub fn last_export(&self, project: Option<&Path>) -> Option<&LastExport> {
        self.exports.iter().find(|e| e.project.as_deref() == project)
    }

    /// Remembers an export of `project` (replacing its previous one).
    pub fn remember_export(&mut self, export: LastExport) {
        self.exports.retain(|e| e.project != export.project);
        self.exports.insert(0, export);
        self.exports.truncate(MAX_EXPORTS);
    }
}

/// The name of the person logged in: the full name from the password database (`/etc/passwd`'s
/// comment field) when there is one, else the login name (`$USER`, `$LOGNAME`, `$USERNAME`). Empty
/// when neither is known. Offered when a first-time user skips the name prompt.
pub fn system_user_name() -> String {
    let login = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_default();
    if login.is_empty() {
        return login;
    }
    let full_name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| full_name_in_passwd(&passwd, &login))
        .unwrap_or_default();
    if full_name.is_empty() { login } else { full_name }
}

/// The full name (first comma-separated part of the comment field) of `login` in a passwd file.
fn full_name_in_passwd(passwd: &str, login: &str) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next()? == login).then_some(())?;
        let gecos = fields.nth(3)?;
        let name = gecos.split(',').next()?.trim();
        (!name.is_empty()).then(|| name.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_most_recent_first_and_bounded() {
        let mut settings = Settings::default();
        for i in 0..15 {
            settings.add_recent(Path::new(&format!("/nonexistent/{i}.txt")));
        }
        settings.add_recent(Path::new("/nonexistent/10.txt"));
        assert_eq!(settings.recent_files.len(), MAX_RECENT);
        assert_eq!(settings.recent_files[0], Path::new("/nonexistent/10.txt"));
        assert_eq!(settings.recent_files.iter().filter(|p| p.ends_with("10.txt")).count(), 1);
    }

    #[test]
    fn full_name_comes_from_the_comment_field() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nana:x:1000:1000:Ana Souza,,,:/home/ana:/bin/bash\n\
                      bo:x:1001:1001::/home/bo:/bin/sh\n";
        assert_eq!(full_name_in_passwd(passwd, "ana").as_deref(), Some("Ana Souza"));
        assert_eq!(full_name_in_passwd(passwd, "bo"), None, "no comment: the login name is used instead");
        assert_eq!(full_name_in_passwd(passwd, "carla"), None);
    }

    #[test]
    fn round_trip_and_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.ron");
        let settings = Settings {
            annotator_name: "Ana".into(),
            recent_files: vec!["/a.txt".into()],
            theme: Theme::Dark,
            file_chooser: FileChooser::Spanwise,
            exports: vec![LastExport {
                project: Some("/p/Grüße 🎉.spanwise.ron".into()),
                format: "csv".into(),
                folder: "/p/out".into(),
            }],
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path), settings);
        // Settings written before the file chooser could be chosen use the system's.
        std::fs::write(&path, "(annotator_name: \"Ana\", theme: Dark)").unwrap();
        assert_eq!(Settings::load(&path).file_chooser, FileChooser::System);
        assert!(Settings::load(&path).exports.is_empty(), "settings from before exports load");
        std::fs::write(&path, "not ron {").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
    }
}

#[cfg(test)]
mod export_memory_tests {
    use super::*;

    #[test]
    fn the_last_export_is_remembered_per_project_and_replaced() {
        let mut settings = Settings::default();
        let a = Some(PathBuf::from("/p/a.spanwise.ron"));
        let export = |project: &Option<PathBuf>, format: &str| LastExport {
            project: project.clone(),
            format: format.into(),
            folder: "/out".into(),
        };
        settings.remember_export(export(&a, "csv"));
        settings.remember_export(export(&None, "json"));
        settings.remember_export(export(&a, "spacy"));
        assert_eq!(settings.exports.len(), 2);
        assert_eq!(settings.last_export(a.as_deref()).map(|e| e.format.as_str()), Some("spacy"));
        assert_eq!(settings.last_export(None).map(|e| e.format.as_str()), Some("json"));
        for n in 0..(MAX_EXPORTS + 5) {
            settings.remember_export(export(&Some(PathBuf::from(format!("/p/{n}.spanwise.ron"))), "csv"));
        }
        assert_eq!(settings.exports.len(), MAX_EXPORTS);
    }
}
