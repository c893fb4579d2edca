//! frameproof's generators. Everything reads a contract document ([`Contract`]), so it serves
//! any contract, whoever wrote it:
//!
//! - [`typescript`]: `types.ts` (every type, the action and event maps, the frame unions),
//!   `client.ts` (a typed client with no dependencies: WebSocket first, REST fallback),
//!   `index.ts`, and optionally `zod.ts` (validators);
//! - [`asyncapi`]: an AsyncAPI 3.1 document of the WebSocket ([`asyncapi_with`]: 3.1 or 3.0);
//! - [`openapi`]: an OpenAPI 3.1 document of the REST mapping;
//! - [`json_schema_bundle`]: one JSON Schema 2020-12 bundle of every frame and type;
//! - [`html_reference`]: a self-contained HTML reference with a live console
//!   ([`html_reference_with`]: examples taken from recorded transcripts).

#![warn(missing_docs)]

mod asyncapi;
mod bundle;
mod html;
pub mod names;
mod openapi;
mod schema_util;
pub mod ts;

use std::path::Path;

pub use asyncapi::{asyncapi, asyncapi_with, AsyncApiVersion};
pub use bundle::json_schema_bundle;
pub use frameproof_schema::Contract;
pub use html::{html_reference, html_reference_with, ExamplesError, RecordedExamples};
pub use openapi::{openapi, openapi_for_servers};
pub use ts::TsOptions;

/// How 64-bit integers (`format: int64`, `uint64`, ...) are typed in TypeScript.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Int64Mode {
    /// `number`, with a JSDoc note: exact up to 2^53 - 1 (what `JSON.parse` gives).
    #[default]
    Number,
    /// `bigint`: the client parses such values losslessly and writes them back as numbers.
    BigInt,
    /// `string`: decimal text, parsed losslessly and written back as numbers.
    String,
}

/// A generated file: a path relative to the output directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Where to write it, relative to the output directory, `/`-separated (`types.ts`).
    pub path: String,
    /// The whole file as text; [`write_files`] writes it unchanged.
    pub contents: String,
}

/// The TypeScript files for a contract.
pub fn typescript(contract: &Contract, options: &TsOptions) -> Vec<GeneratedFile> {
    ts::generate(contract, options)
}

/// Writes generated files under `dir` (created if missing).
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &f.contents)?;
    }
    Ok(())
}
