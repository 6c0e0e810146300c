//! `spanwise merge BASE MINE THEIRS -o OUT`: the three-way merge of `store::merge`, headless, in
//! the shape git wants from a merge driver (`spanwise merge %O %A %B -o %A --no-backup`): the
//! result is written to OUT in every case but bad input, a valid project with my side taken for
//! each undecided conflict, and the exit code says whether conflicts are left (1) or not (0).
//! See docs/MERGE.md.

use std::path::{Path, PathBuf};

use crate::store::merge::{self, BaseItems, Side};
use crate::store::{self, Loaded};

/// Exit code: merged, nothing left to decide.
pub const CLEAN: i32 = 0;
/// Exit code: merged and written, but conflicts were not decided (mine was taken; listed).
pub const CONFLICTS: i32 = 1;
/// Exit code: bad input (unreadable or invalid file, unknown conflict number); nothing written.
pub const BAD_INPUT: i32 = 2;

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The version both started from (git's %O). An empty file means there is none: the merge
    /// is then a union, and every difference is a conflict
    pub base: PathBuf,
    /// My version (git's %A)
    pub mine: PathBuf,
    /// Their version (git's %B)
    pub theirs: PathBuf,
    /// Where to write the merged project; may be MINE (as for git: -o %A)
    #[arg(long, short)]
    pub output: PathBuf,
    /// Take their side for these conflicts (numbers as listed by a previous run): --take-theirs 2,5
    #[arg(long, value_name = "N", value_delimiter = ',')]
    pub take_theirs: Vec<usize>,
    /// Take my side for these conflicts; a conflict decided this way no longer counts as open
    #[arg(long, value_name = "N", value_delimiter = ',')]
    pub take_mine: Vec<usize>,
    /// The side for every conflict not named by --take-mine or --take-theirs (mine or theirs);
    /// with it, no conflict is left open
    #[arg(long, value_name = "SIDE")]
    pub prefer: Option<Side>,
    /// Do not keep OUT's previous content as OUT.bak (for git, which keeps every version itself)
    #[arg(long)]
    pub no_backup: bool,
}

fn load(role: &str, path: &Path, err: &mut dyn std::io::Write) -> Option<Loaded> {
    match store::load_file(path) {
        Ok(loaded) => Some(loaded),
        Err(error) => {
            let _ = writeln!(err, "{role} {}: cannot be merged", path.display());
            for problem in error.problems() {
                let _ = writeln!(err, "  {problem}");
            }
            None
        }
    }
}

/// Runs the merge; returns the exit code ([`CLEAN`], [`CONFLICTS`] or [`BAD_INPUT`]).
pub fn run(args: &MergeArgs, out: &mut dyn std::io::Write, err: &mut dyn std::io::Write) -> i32 {
    // The base is only needed as fingerprints: read it first and let it go.
    let base = match std::fs::metadata(&args.base) {
        Ok(metadata) if metadata.len() == 0 => None,
        Ok(_) => match load("base", &args.base, err) {
            Some(loaded) => Some(BaseItems::of(&loaded.project)),
            None => return BAD_INPUT,
        },
        Err(error) => {
            let _ = writeln!(err, "base {}: cannot be read: {error}", args.base.display());
            return BAD_INPUT;
        }
    };
    let Some(mine) = load("mine", &args.mine, err) else { return BAD_INPUT };
    let Some(theirs) = load("theirs", &args.theirs, err) else { return BAD_INPUT };

    let merge = merge::merge(base.as_ref(), &mine.project, &theirs.project);
    let count = merge.conflicts().len();
    let mut choices: Vec<Option<Side>> = vec![None; count];
    for (numbers, side) in [(&args.take_mine, Side::Mine), (&args.take_theirs, Side::Theirs)] {
        for &number in numbers {
            match choices.get_mut(number.wrapping_sub(1)) {
                Some(choice @ None) => *choice = Some(side),
                Some(Some(_)) => {
                    let _ = writeln!(err, "conflict {number} is named by both --take-mine and --take-theirs");
                    return BAD_INPUT;
                }
                None => {
                    let _ = writeln!(
                        err,
                        "there is no conflict {number}: this merge has {count} conflict{} (numbered from 1)",
                        if count == 1 { "" } else { "s" }
                    );
                    return BAD_INPUT;
                }
            }
        }
    }
    let open = choices.iter().filter(|c| c.is_none()).count() * usize::from(args.prefer.is_none());
    let default = args.prefer.unwrap_or(Side::Mine);
    let sides: Vec<Side> = choices.iter().map(|c| c.unwrap_or(default)).collect();
    let merged = match merge.resolve(&sides) {
        Ok(merged) => merged,
        Err(error) => {
            let _ = writeln!(err, "cannot merge: {error}");
            return BAD_INPUT;
        }
    };

    let mut unknown = mine.unknown;
    unknown.extend_missing(&theirs.unknown);
    let saved = if args.no_backup {
        store::save_file_without_backup(&merged.project, &args.output, &unknown)
    } else {
        store::save_file_with(&merged.project, &args.output, &unknown)
    };
    if let Err(error) = saved {
        let _ = writeln!(err, "{error}");
        return BAD_INPUT;
    }
    report(&merged.report, &choices, args, open, out);
    if open > 0 { CONFLICTS } else { CLEAN }
}

fn report(
    report: &merge::MergeReport,
    choices: &[Option<Side>],
    args: &MergeArgs,
    open: usize,
    out: &mut dyn std::io::Write,
) {
    let mut lines = Vec::new();
    if !report.has_base {
        lines.push(format!(
            "No base ({} is empty): merged as a union. Nothing either version has is deleted, and every \
             difference is a conflict.",
            args.base.display()
        ));
    }
    lines.push(if report.theirs_taken.is_empty() {
        "From their version: nothing.".to_owned()
    } else {
        format!("From their version: {}.", report.theirs_taken)
    });
    if !report.mine_kept.is_empty() {
        lines.push(format!("Kept from yours: {}.", report.mine_kept));
    }
    if report.conflicts.is_empty() {
        lines.push("No conflicts.".to_owned());
    } else {
        let total = match report.conflicts.len() {
            1 => "1 conflict".to_owned(),
            n => format!("{n} conflicts"),
        };
        let heading = match open {
            0 => format!("{total}, each decided:"),
            n if n == report.conflicts.len() => format!("{total}, not decided: your version was written for now:"),
            n => format!("{total}, {n} not decided: your version was written for those for now:"),
        };
        lines.push(heading);
        for (i, (resolved, choice)) in report.conflicts.iter().zip(choices).enumerate() {
            let state = match (choice, args.prefer, resolved.chosen) {
                (None, None, _) => "open, yours for now".to_owned(),
                (_, _, side) => format!("{side} taken"),
            };
            lines.push(format!("  {}. {} ({state})", i + 1, resolved.conflict.what));
            lines.push(format!("       yours:  {}", resolved.conflict.mine));
            lines.push(format!("       theirs: {}", resolved.conflict.theirs));
        }
    }
    if !report.consequences.is_empty() {
        lines.push("To keep the project valid:".to_owned());
        lines.extend(report.consequences.iter().map(|c| format!("  - {c}")));
    }
    lines.push(format!("Wrote {}.", args.output.display()));
    if open > 0 {
        lines.push(
            "To decide, merge again with --take-theirs N,... or --take-mine N,... (or --prefer theirs); \
             see docs/MERGE.md."
                .to_owned(),
        );
    }
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
}
