//! `frameproof diff` and `frameproof changelog`: what changed between two versions of a
//! contract, what each change breaks, and whether the version number moved enough.
//!
//! Exit codes: 0 fine (or no `--check`), 1 the version bump is too small (`--check`), 2 unusable
//! input (a missing or invalid document, a bad ignore file, no git or no such ref, a version
//! that is not semantic under `--check`).

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};

use frameproof::Contract;
use frameproof_versioning::{render, Breaks, IgnoreFile, Report};

use crate::locate::locate;
use crate::{CliError, Outcome};

#[derive(Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    input: Input,
    /// Exit 1 when the new version is too small a bump for the changes (major for breaking
    /// changes, minor for additions, patch for the rest; one less before 1.0.0).
    #[arg(long)]
    check: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Args)]
pub(crate) struct ChangelogArgs {
    #[command(flatten)]
    input: Input,
    /// Write the changelog to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct Input {
    /// OLD.json NEW.json; with --base, only the current contract.json.
    #[arg(required = true, num_args = 1..=2, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Compare with the file as committed at this git ref (`git show REF:PATH`).
    #[arg(long, value_name = "GIT_REF")]
    base: Option<String>,
    /// Accepted changes, TOML or JSON: `[[accept]]` entries with rule, pointer and reason.
    #[arg(long, value_name = "FILE")]
    ignore: Option<PathBuf>,
    /// Which breaks need a major bump and fail --check.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_values_t = [SideArg::Clients, SideArg::Servers, SideArg::Codegen]
    )]
    breaking: Vec<SideArg>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    Github,
    Junit,
    Sarif,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SideArg {
    /// Old clients against the new server.
    Clients,
    /// Old servers' traffic against the new contract.
    Servers,
    /// Regenerated code against old call sites.
    Codegen,
}

/// A document read for the diff: the contract, its text (to find lines) and where it came from.
struct Loaded {
    contract: Contract,
    text: String,
    origin: String,
}

fn parse(text: String, origin: String) -> Result<Loaded, CliError> {
    let contract = Contract::from_json_str(&text, &origin).map_err(CliError::lib)?;
    Ok(Loaded {
        contract,
        text,
        origin,
    })
}

fn read(file: &Path) -> Result<Loaded, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::context(format!("{}: cannot read the file", file.display()), e))?;
    parse(text, file.display().to_string())
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, CliError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                CliError::usage("--base needs git, which is not installed (or not on PATH)")
            }
            _ => CliError::context("cannot run git", e),
        })
}

/// The file as committed at `reference`: its text and a name for messages (`REF:path`).
fn git_show(reference: &str, file: &Path) -> Result<(String, String), CliError> {
    if reference.is_empty() || reference.starts_with('-') {
        return refuse(format!("`{reference}` is not a git ref"));
    }
    let canonical = file
        .canonicalize()
        .map_err(|e| CliError::context(file.display().to_string(), e))?;
    let dir = canonical
        .parent()
        .ok_or_else(|| CliError::usage(format!("{}: has no parent directory", file.display())))?;
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !top.status.success() {
        return refuse(format!(
            "{} is not inside a git repository: {}",
            file.display(),
            String::from_utf8_lossy(&top.stderr).trim()
        ));
    }
    let root = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim())
        .canonicalize()
        .map_err(|e| CliError::context("the repository root", e))?;
    let relative = canonical.strip_prefix(&root).map_err(|_| {
        CliError::usage(format!(
            "{} is outside the repository {}",
            file.display(),
            root.display()
        ))
    })?;
    let relative: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let relative = relative.join("/");
    let verify = git(
        &root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
    )?;
    if !verify.status.success() {
        return refuse(format!(
            "the git ref `{reference}` does not exist in {}",
            root.display()
        ));
    }
    let spec = format!("{reference}:{relative}");
    let shown = git(&root, &["show", &spec])?;
    if !shown.status.success() {
        return refuse(format!(
            "`{relative}` does not exist at `{reference}`: {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        ));
    }
    let text = String::from_utf8(shown.stdout)
        .map_err(|_| CliError::usage(format!("{spec} is not UTF-8 text")))?;
    Ok((text, spec))
}

fn load_inputs(input: &Input) -> Result<(Loaded, Loaded), CliError> {
    match (&input.base, input.files.as_slice()) {
        (Some(reference), [file]) => {
            let new = read(file)?;
            let (text, origin) = git_show(reference, file)?;
            Ok((parse(text, origin)?, new))
        }
        (Some(_), _) => refuse("with --base, give only the current contract file"),
        (None, [old, new]) => Ok((read(old)?, read(new)?)),
        (None, _) => refuse("give two documents (OLD.json NEW.json), or one and --base <git-ref>"),
    }
}

fn policy(sides: &[SideArg]) -> Breaks {
    Breaks::of(
        sides.contains(&SideArg::Clients),
        sides.contains(&SideArg::Servers),
        sides.contains(&SideArg::Codegen),
    )
}

/// A message that is the whole story, as an error.
fn refuse<T>(message: impl Into<String>) -> Result<T, CliError> {
    Err(CliError::usage(message))
}

/// Loads everything and diffs; `Err` is unusable input.
fn report(input: &Input) -> Result<(Report, Loaded, Loaded), CliError> {
    let (old, new) = load_inputs(input)?;
    let ignores = match &input.ignore {
        Some(path) => IgnoreFile::load(path).map_err(CliError::lib)?,
        None => IgnoreFile::default(),
    };
    let report = Report::new(
        &old.contract,
        &new.contract,
        policy(&input.breaking),
        &ignores,
    );
    Ok((report, old, new))
}

fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let (offset, _) = locate(text, pointer)?;
    Some(text.get(..offset)?.matches('\n').count() + 1)
}

pub(crate) fn run_diff(args: DiffArgs) -> Result<Outcome, CliError> {
    let (report, old, new) = report(&args.input)?;
    let text = match args.format {
        Format::Human => {
            let mut t = format!("{} → {}\n", old.origin, new.origin);
            t.push_str(&render::human(&report));
            t
        }
        Format::Json => render::json(&report),
        Format::Junit => render::junit(&report),
        Format::Github => render::github(&report, &new.origin, &|p| line_of(&new.text, p)),
        Format::Sarif => render::sarif(&report, &new.origin, &|p| line_of(&new.text, p)),
    };
    print_out!("{text}");
    if !args.check {
        return Ok(Outcome::Fine);
    }
    let v = &report.version;
    if v.unusable {
        return refuse(format!(
            "cannot check the version bump: {}",
            v.problem
                .as_deref()
                .unwrap_or("the versions are not semantic")
        ));
    }
    if v.ok {
        return Ok(Outcome::Fine);
    }
    // a bump too small is a finding (exit 1), not an error: it is printed here
    match &v.problem {
        Some(problem) => println_err!("error: {problem}"),
        None => {
            let needs: Vec<String> = v
                .requirements
                .iter()
                .filter(|r| r.level > v.actual.unwrap_or(frameproof_versioning::Level::None))
                .map(|r| {
                    format!(
                        "{} for {}",
                        r.level,
                        r.rules.keys().copied().collect::<Vec<_>>().join(", ")
                    )
                })
                .collect();
            println_err!(
                "error: {} → {} is too small a bump: needs {}",
                v.old,
                v.new,
                needs.join("; ")
            );
        }
    }
    Ok(Outcome::Problems)
}

pub(crate) fn run_changelog(args: ChangelogArgs) -> Result<Outcome, CliError> {
    let (report, _, _) = report(&args.input)?;
    let text = render::changelog(&report);
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            CliError::context(format!("{}: cannot write the changelog", path.display()), e)
        })?,
        None => print_out!("{text}"),
    }
    Ok(Outcome::Fine)
}
