//! `frameproof codegen typescript`, `frameproof export asyncapi|openapi|jsonschema` and
//! `frameproof docs`: thin layers over `frameproof-codegen`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use frameproof::Contract;
use frameproof_codegen::{AsyncApiVersion, GeneratedFile, Int64Mode, RecordedExamples, TsOptions};

use crate::{CliError, Outcome};

#[derive(Subcommand)]
pub(crate) enum CodegenCommand {
    /// TypeScript types, maps and frame unions (`types.ts`), a typed client (`client.ts`),
    /// `index.ts`, and with `--zod` validators (`zod.ts`).
    Typescript(TypescriptArgs),
}

#[derive(Args)]
pub(crate) struct TypescriptArgs {
    /// The contract document (contract.json).
    #[arg(long)]
    contract: PathBuf,
    /// The directory to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Also emit zod validators (`zod.ts`; the project needs the `zod` package, 4.3 or newer).
    #[arg(long)]
    zod: bool,
    /// Type 64-bit integers as `bigint` (decoded losslessly by the client).
    #[arg(long, conflicts_with = "int64_as_string")]
    bigint: bool,
    /// Type 64-bit integers as decimal strings (decoded losslessly by the client).
    #[arg(long)]
    int64_as_string: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormat {
    /// AsyncAPI 3.1 of the WebSocket (3.0 with `--asyncapi-version 3.0`).
    Asyncapi,
    /// OpenAPI 3.1 of the REST mapping.
    Openapi,
    /// One JSON Schema 2020-12 bundle of every frame and type.
    Jsonschema,
}

#[derive(Args)]
pub(crate) struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    format: ExportFormat,
    /// The contract document (contract.json).
    #[arg(long)]
    contract: PathBuf,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// OpenAPI: a server's base URL (`https://api.example.com`), repeatable; without one the
    /// document names `/`, the host that serves it.
    #[arg(long = "server")]
    servers: Vec<String>,
    /// AsyncAPI: the version the document declares (default 3.1; the two differ only in that
    /// field, so 3.0 serves tools that do not read 3.1 yet).
    #[arg(long, value_enum, value_name = "VERSION")]
    asyncapi_version: Option<AsyncapiVersionArg>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum AsyncapiVersionArg {
    /// AsyncAPI 3.0.0.
    #[value(name = "3.0")]
    V3_0,
    /// AsyncAPI 3.1.0 (the default).
    #[value(name = "3.1")]
    V3_1,
}

#[derive(Args)]
pub(crate) struct DocsArgs {
    /// The contract document (contract.json).
    #[arg(long)]
    contract: PathBuf,
    /// The directory to write `index.html` into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// A directory of recorded transcripts (`*.jsonl`): the first request, ok response and
    /// event recorded for each action and event become its example.
    #[arg(long, value_name = "DIR")]
    examples: Option<PathBuf>,
}

fn load(path: &Path) -> Result<Contract, CliError> {
    Contract::load(path).map_err(CliError::lib)
}

fn write(dir: &Path, files: &[GeneratedFile]) -> Result<Outcome, CliError> {
    frameproof_codegen::write_files(dir, files)
        .map_err(|e| CliError::context(format!("cannot write into {}", dir.display()), e))?;
    for f in files {
        println_err!("wrote {}", dir.join(&f.path).display());
    }
    Ok(Outcome::Fine)
}

pub(crate) fn run_codegen(cmd: CodegenCommand) -> Result<Outcome, CliError> {
    match cmd {
        CodegenCommand::Typescript(args) => {
            let contract = load(&args.contract)?;
            let int64 = if args.bigint {
                Int64Mode::BigInt
            } else if args.int64_as_string {
                Int64Mode::String
            } else {
                Int64Mode::Number
            };
            let options = TsOptions {
                zod: args.zod,
                int64,
            };
            write(
                &args.out,
                &frameproof_codegen::typescript(&contract, &options),
            )
        }
    }
}

pub(crate) fn run_export(args: ExportArgs) -> Result<Outcome, CliError> {
    if args.asyncapi_version.is_some() && !matches!(args.format, ExportFormat::Asyncapi) {
        return Err(CliError::usage(
            "--asyncapi-version applies to `export asyncapi` only",
        ));
    }
    let contract = load(&args.contract)?;
    let doc = match args.format {
        ExportFormat::Asyncapi => {
            let version = match args.asyncapi_version {
                Some(AsyncapiVersionArg::V3_0) => AsyncApiVersion::V3_0,
                Some(AsyncapiVersionArg::V3_1) | None => AsyncApiVersion::V3_1,
            };
            frameproof_codegen::asyncapi_with(&contract, version)
        }
        ExportFormat::Openapi => frameproof_codegen::openapi_for_servers(&contract, &args.servers),
        ExportFormat::Jsonschema => frameproof_codegen::json_schema_bundle(&contract),
    };
    let text = serde_json::to_string_pretty(&doc).map_err(CliError::lib)? + "\n";
    let Some(path) = args.out else {
        // a reader that stopped early (`| head`) is not an error; a full disk is (`output`)
        print_out!("{text}");
        return Ok(Outcome::Fine);
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::context(format!("cannot create {}", parent.display()), e))?;
    }
    std::fs::write(&path, text)
        .map_err(|e| CliError::context(format!("cannot write {}", path.display()), e))?;
    println_err!("wrote {}", path.display());
    Ok(Outcome::Fine)
}

pub(crate) fn run_docs(args: DocsArgs) -> Result<Outcome, CliError> {
    let contract = load(&args.contract)?;
    let recorded = match &args.examples {
        None => RecordedExamples::default(),
        Some(dir) => {
            let recorded = RecordedExamples::from_dir(&contract, dir).map_err(CliError::lib)?;
            for skipped in &recorded.skipped {
                println_err!("warning: {skipped}");
            }
            let (actions, events) = recorded.counts();
            println_err!(
                "examples from {}: {actions} actions, {events} events",
                dir.display()
            );
            recorded
        }
    };
    let file = GeneratedFile {
        path: "index.html".into(),
        contents: frameproof_codegen::html_reference_with(&contract, &recorded),
    };
    write(&args.out, &[file])
}
