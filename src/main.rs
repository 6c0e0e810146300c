use clap::Parser;
use spanwise::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args = Cli::parse();
    if let Some(command) = &args.command {
        let code = cli::run(command, &mut std::io::stdout(), &mut std::io::stderr());
        return std::process::ExitCode::from(code as u8);
    }
    open_window(args.file)
}

#[cfg(feature = "gui")]
fn open_window(file: Option<std::path::PathBuf>) -> std::process::ExitCode {
    match spanwise::ui::run(file) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spanwise: cannot open a window: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_file: Option<std::path::PathBuf>) -> std::process::ExitCode {
    eprintln!("spanwise: this build has no window (built without the `gui` feature); use a subcommand, see --help");
    std::process::ExitCode::FAILURE
}
