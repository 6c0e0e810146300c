use clap::Parser;
use spanwise::cli::{self, Cli};

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args = Cli::parse();
    if let Some(command) = &args.command {
        let code = cli::run(command, &mut std::io::stdout(), &mut std::io::stderr());
        return std::process::ExitCode::from(code as u8);
    }
    match spanwise::ui::run(args.file) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spanwise: cannot open a window: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
