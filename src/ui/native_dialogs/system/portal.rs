//! Whether the XDG desktop portal offers a file chooser, asked on the session bus.

use std::time::Duration;

/// How long finding out whether a desktop portal is there may take before it counts as absent
/// (the session bus starts the portal on first use, which takes a moment).
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Sooner than this, "nothing chosen" cannot be a person's Cancel.
pub(super) const AT_ONCE: Duration = Duration::from_millis(300);

/// `Ok` if the session bus has `org.freedesktop.portal.Desktop` with a FileChooser; else why not.
pub(super) fn probe() -> Result<(), String> {
    // On its own thread, so that a session bus that never answers cannot hold the dialog up.
    let (sender, receiver) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("portal probe".into()).spawn(move || {
        let _ = sender.send(pollster::block_on(file_chooser()));
    });
    if let Err(err) = spawned {
        return Err(format!("cannot look for a desktop portal: {err}"));
    }
    match receiver.recv_timeout(PROBE_TIMEOUT) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(format!("no XDG desktop portal file chooser ({err})")),
        Err(_) => Err(format!("the session bus did not answer within {} s", PROBE_TIMEOUT.as_secs())),
    }
}

/// Reads the FileChooser's `version`: an answer (whatever it says) means the portal is there and
/// has a file chooser; without one the bus or the portal answers with an error.
async fn file_chooser() -> zbus::Result<()> {
    let connection = zbus::connection::Builder::session()?.method_timeout(PROBE_TIMEOUT).build().await?;
    connection
        .call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.portal.FileChooser", "version"),
        )
        .await?;
    Ok(())
}
